// Workload 6: the cost of compiling queries, cold and through the plan cache.
#pragma once

#include <nextorm/database.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace nextorm_bench {

// The typical query: two conditions, one implicit join; its free names are `x` and `n`.
inline constexpr const char* typical_query =
    "p for p in Product if p.price < x and p.category.name == n";
// The i-th of the distinct queries: the typical one with a literal instead of `x`.
[[nodiscard]] std::string distinct_query(std::size_t i);

struct compile_result {
  double cold_us = 0;           // median: the typical query after the plan cache was cleared
  double never_seen_us = 0;     // median: one never-seen query text (of the distinct ones)
  double hit_us = 0;            // mean: plan_cache::get() answering from the cache
  double api_hit_us = 0;        // mean: select<Product>(text, args).get_sql() on a cache hit
  double typed_hit_us = 0;      // mean: the same query as a typed expression (expr.hpp), a hit
  double distinct_1000_ms = 0;  // median total: 1000 never-seen texts through the public API
  std::size_t distinct = 0;     // how many distinct texts (1000)
};

// Measures on `db` (bound, entities mapped); `reps` repetitions of each measurement.
[[nodiscard]] compile_result measure_compile(nextorm::database& db, std::size_t reps);

}  // namespace nextorm_bench
