// A bounded, thread-safe cache of compiled plans with least-recently-used eviction.
#pragma once

#include "lower/plan.hpp"
#include "lower/dialect.hpp"

#include <nextorm/params.hpp>
#include <nextorm/registry.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace nextorm::compile {

// The compiler's input (ir/query_spec.hpp) and output (lower/plan.hpp), by their short names.
using ir::query_spec;
using lower::plan;

// The key is the spec (text, entity, modifiers, terminal, flags), the dialect, the registry and
// its version, and the type signature of every passed parameter (scalar type, entity, sequence
// length and element types, a query's text, method chain and parameter types): all that changes the
// SQL. A hit hashes and compares in place, without allocating.
class plan_cache {
 public:
  // The hash of a key. Every lookup still compares the whole key, so a constant hash (a test
  // that makes all keys collide) changes the speed, never the plans.
  using hasher = std::uint64_t (*)(const query_spec& spec, const registry& reg,
                                   const lower::dialect& d, const params& args) noexcept;

  explicit plan_cache(std::size_t capacity = 4096, hasher hash = &plan_cache::hash_key);
  plan_cache(const plan_cache&) = delete;
  plan_cache& operator=(const plan_cache&) = delete;

  // The cached plan, or a newly compiled one (errors are thrown, not cached).
  [[nodiscard]] std::shared_ptr<const plan> get(const query_spec& spec, const registry& reg,
                                                const lower::dialect& d, const params& args);

  [[nodiscard]] std::uint64_t hits() const noexcept { return m_hits.load(); }
  [[nodiscard]] std::uint64_t misses() const noexcept { return m_misses.load(); }
  [[nodiscard]] std::size_t size() const;
  void clear();

 private:
  // One parameter's type: kind (scalar, entity, sequence), value type, entity, length.
  struct type_token {
    std::uint8_t kind = 0;
    value_type type = value_type::null;
    const entity_info* entity = nullptr;
    std::size_t length = 0;  // a sequence's length
    // A query passed as a loop source (kept alive here): its text, method chain and parameter
    // shapes are part of the key.
    std::shared_ptr<const nested_query> query;
  };
  struct entry {
    std::uint64_t hash = 0;
    query_spec spec;
    const lower::dialect* dialect = nullptr;
    const registry* reg = nullptr;
    std::uint64_t version = 0;
    std::vector<std::string> names;  // the parameters' names, in map order
    std::vector<type_token> types;   // their tokens, sequences followed by their elements
    std::shared_ptr<const lower::plan> compiled;
  };

  static std::uint64_t hash_key(const query_spec& spec, const registry& reg,
                                const lower::dialect& d, const params& args) noexcept;
  static bool matches(const entry& e, const query_spec& spec, const registry& reg,
                      const lower::dialect& d, const params& args) noexcept;
  static void signature(const params& args, entry& e);

  std::size_t m_capacity;
  hasher m_hash;
  mutable std::mutex m_mutex;
  std::list<entry> m_lru;  // most recently used first
  std::unordered_map<std::uint64_t, std::list<entry>::iterator> m_index;
  std::atomic<std::uint64_t> m_hits{0};
  std::atomic<std::uint64_t> m_misses{0};
};

}  // namespace nextorm::compile
