#include "compile_bench.hpp"

#include "entities.hpp"
#include "timing.hpp"

// The plan cache itself, to time a hit without the query object around it (internal API).
#include "lower/plan.hpp"
#include "session/database_impl.hpp"

#include <stdexcept>

namespace nextorm_bench {
namespace {

constexpr std::size_t distinct_count = 1000;
constexpr std::size_t cold_trials = 201;
constexpr std::size_t hit_calls = 200000;
constexpr std::size_t api_hit_calls = 50000;

const nextorm::params& typical_args() {
  static const nextorm::params args{{"x", 50.5}, {"n", "Category 001"}};
  return args;
}

std::string sql_of(const char* text, const nextorm::params& args) {
  return nextorm::select<Product>(text, args).get_sql();
}

// The typical query as a typed expression (expr.hpp): built, rendered and looked up each call.
std::string typed_sql(double x, const std::string& n) {
  using nextorm::col;
  return Product::select(col(&Product::price) < x && col(&Product::category, &Category::name) == n)
      .get_sql();
}

}  // namespace

std::string distinct_query(std::size_t i) {
  return "p for p in Product if p.price < " + std::to_string(i) + " and p.category.name == n";
}

compile_result measure_compile(nextorm::database& db, std::size_t reps) {
  compile_result out;
  out.distinct = distinct_count;
  nextorm::db_session session{db};
  auto& impl = db.impl();
  const nextorm::params& args = typical_args();
  const nextorm::params distinct_args{{"n", "Category 001"}};

  // Cold: the plan cache cleared before each compile of the same text.
  {
    std::vector<double> trials;
    for (std::size_t i = 0; i < cold_trials; ++i) {
      impl.plans.clear();
      trials.push_back(time_ms([&] { (void)sql_of(typical_query, args); }) * 1000.0);
    }
    out.cold_us = median(std::move(trials));
  }

  // Never-seen texts, each timed alone, and their total.
  {
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < distinct_count; ++i) texts.push_back(distinct_query(i));
    std::vector<double> totals;
    std::vector<double> singles;
    for (std::size_t rep = 0; rep < reps; ++rep) {
      impl.plans.clear();
      double total = 0;
      for (const std::string& text : texts) {
        const double ms = time_ms([&] { (void)sql_of(text.c_str(), distinct_args); });
        total += ms;
        singles.push_back(ms * 1000.0);
      }
      totals.push_back(total);
    }
    out.distinct_1000_ms = median(std::move(totals));
    out.never_seen_us = median(std::move(singles));
    if (impl.plans.misses() < distinct_count) throw std::logic_error("distinct texts were cached");
  }

  // Hits: the plan cache alone, then the whole public call.
  {
    nextorm::ir::query_spec spec;
    spec.text = typical_query;
    const auto& schema = impl.schema;
    const auto& dialect = impl.dialect();
    const auto first = impl.plans.get(spec, schema, dialect, args);
    const std::uint64_t hits_before = impl.plans.hits();
    std::vector<double> means;
    for (std::size_t rep = 0; rep < reps; ++rep) {
      const double ms = time_ms([&] {
        for (std::size_t i = 0; i < hit_calls; ++i) {
          if (impl.plans.get(spec, schema, dialect, args) != first) {
            throw std::logic_error("the plan cache missed");
          }
        }
      });
      means.push_back(ms * 1000.0 / hit_calls);
    }
    if (impl.plans.hits() - hits_before != reps * hit_calls) {
      throw std::logic_error("the plan cache did not answer every call");
    }
    out.hit_us = median(std::move(means));

    std::vector<double> api_means;
    for (std::size_t rep = 0; rep < reps; ++rep) {
      const double ms = time_ms([&] {
        for (std::size_t i = 0; i < api_hit_calls; ++i) (void)sql_of(typical_query, args);
      });
      api_means.push_back(ms * 1000.0 / api_hit_calls);
    }
    out.api_hit_us = median(std::move(api_means));

    const std::string name = "Category 001";
    if (typed_sql(50.5, name) != sql_of(typical_query, args)) {
      throw std::logic_error("the typed query's SQL is not the text's");
    }
    std::vector<double> typed_means;
    for (std::size_t rep = 0; rep < reps; ++rep) {
      const double ms = time_ms([&] {
        for (std::size_t i = 0; i < api_hit_calls; ++i) (void)typed_sql(50.5, name);
      });
      typed_means.push_back(ms * 1000.0 / api_hit_calls);
    }
    out.typed_hit_us = median(std::move(typed_means));
  }
  return out;
}

}  // namespace nextorm_bench
