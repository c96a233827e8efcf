#include "compile/plan_cache.hpp"

#include "compile/compiler.hpp"

#include <cassert>
#include <functional>
#include <string_view>

namespace nextorm::compile {

namespace {

constexpr std::uint8_t scalar_token = 0, entity_token = 1, sequence_token = 2, query_token = 3;

std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept {
  // boost::hash_combine's 64-bit variant
  return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 12) + (h >> 4));
}

std::uint64_t hash_text(std::string_view s) noexcept { return std::hash<std::string_view>{}(s); }

// A query passed as a loop source is part of the key by its text, method chain and the shape
// of its own parameters (recursively), compared in place.
bool same_shape(const param_value& a, const param_value& b) noexcept;

bool same_shape(const params& a, const params& b) noexcept {
  if (a.size() != b.size()) return false;
  for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
    if (x->first != y->first || !same_shape(x->second, y->second)) return false;
  }
  return true;
}

bool same_query(const nested_query& a, const nested_query& b) noexcept {
  return a.text == b.text && a.entity == b.entity && a.modifiers == b.modifiers &&
         same_shape(a.args, b.args);
}

bool same_shape(const param_value& a, const param_value& b) noexcept {
  if (a.is_scalar()) return b.is_scalar() && a.scalar().type() == b.scalar().type();
  if (a.is_entity()) return b.is_entity() && a.entity().entity == b.entity().entity;
  if (a.is_query()) return b.is_query() && same_query(a.query(), b.query());
  if (!b.is_sequence() || a.sequence().size() != b.sequence().size()) return false;
  for (std::size_t i = 0; i < a.sequence().size(); ++i) {
    if (!same_shape(a.sequence()[i], b.sequence()[i])) return false;
  }
  return true;
}

std::uint64_t hash_shape(const params& args) noexcept;

std::uint64_t hash_query(const nested_query& q) noexcept {
  std::uint64_t h = mix(hash_text(q.text), hash_text(q.entity));
  for (const auto& [kind, text] : q.modifiers) h = mix(mix(h, kind), hash_text(text));
  return mix(h, hash_shape(q.args));
}

std::uint64_t hash_shape(const param_value& p) noexcept {
  if (p.is_scalar()) return static_cast<std::uint64_t>(p.scalar().type());
  if (p.is_entity()) return reinterpret_cast<std::uintptr_t>(p.entity().entity);
  if (p.is_query()) return hash_query(p.query());
  std::uint64_t h = p.sequence().size();
  for (const param_value& element : p.sequence()) h = mix(h, hash_shape(element));
  return h;
}

std::uint64_t hash_shape(const params& args) noexcept {
  std::uint64_t h = args.size();
  for (const auto& [name, p] : args) h = mix(mix(h, hash_text(name)), hash_shape(p));
  return h;
}

template <class F>
void for_each_token(const param_value& p, F&& f) {
  if (p.is_scalar()) {
    f(scalar_token, p.scalar().type(), nullptr, 0, nullptr);
  } else if (p.is_entity()) {
    f(entity_token, value_type::null, p.entity().entity, 0, nullptr);
  } else if (p.is_query()) {
    f(query_token, value_type::null, nullptr, 0, &p.query_ptr());
  } else {
    f(sequence_token, value_type::null, nullptr, p.sequence().size(), nullptr);
    for (const param_value& element : p.sequence()) for_each_token(element, f);
  }
}

}  // namespace

plan_cache::plan_cache(std::size_t capacity, hasher hash)
    : m_capacity{capacity == 0 ? 1 : capacity}, m_hash{hash} {}

std::uint64_t plan_cache::hash_key(const query_spec& spec, const registry& reg,
                                   const lower::dialect& d, const params& args) noexcept {
  std::uint64_t h = hash_text(spec.text);
  h = mix(h, hash_text(spec.entity));
  for (const ir::modifier& m : spec.modifiers) {
    h = mix(h, static_cast<std::uint64_t>(m.kind));
    h = mix(h, hash_text(m.text));
  }
  h = mix(h, static_cast<std::uint64_t>(spec.terminal) |
                 (std::uint64_t{spec.distinct_aggregate} << 8) |
                 (std::uint64_t{spec.has_limit} << 9) | (std::uint64_t{spec.has_offset} << 10));
  h = mix(h, reinterpret_cast<std::uintptr_t>(&d));
  h = mix(h, reinterpret_cast<std::uintptr_t>(&reg));
  h = mix(h, reg.version());
  for (const auto& [name, p] : args) {
    h = mix(h, hash_text(name));
    for_each_token(p, [&](std::uint8_t kind, value_type type, const entity_info* entity,
                          std::size_t length, const std::shared_ptr<const nested_query>* q) {
      h = mix(h, kind | (static_cast<std::uint64_t>(type) << 8) | (std::uint64_t{length} << 16));
      h = mix(h, reinterpret_cast<std::uintptr_t>(entity));
      if (q != nullptr) h = mix(h, hash_query(**q));
    });
  }
  return h;
}

bool plan_cache::matches(const entry& e, const query_spec& spec, const registry& reg,
                         const lower::dialect& d, const params& args) noexcept {
  if (e.dialect != &d || e.reg != &reg || e.version != reg.version() || !(e.spec == spec) ||
      e.names.size() != args.size()) {
    return false;
  }
  std::size_t name = 0, token = 0;
  bool same = true;
  for (const auto& [n, p] : args) {
    if (e.names[name++] != n) return false;
    for_each_token(p, [&](std::uint8_t kind, value_type type, const entity_info* entity,
                          std::size_t length, const std::shared_ptr<const nested_query>* q) {
      if (!same) return;
      // While the tokens agree they line up: a sequence's length comes before its elements.
      assert(token < e.types.size());
      const type_token& t = e.types[token++];
      same = t.kind == kind && t.type == type && t.entity == entity && t.length == length &&
             (q == nullptr || same_query(*t.query, **q));
    });
    if (!same) return false;
  }
  assert(token == e.types.size());
  return true;
}

void plan_cache::signature(const params& args, entry& e) {
  for (const auto& [name, p] : args) {
    e.names.push_back(name);
    for_each_token(p, [&](std::uint8_t kind, value_type type, const entity_info* entity,
                          std::size_t length, const std::shared_ptr<const nested_query>* q) {
      e.types.push_back(type_token{kind, type, entity, length, q != nullptr ? *q : nullptr});
    });
  }
}

std::shared_ptr<const plan> plan_cache::get(const query_spec& spec, const registry& reg,
                                            const lower::dialect& d, const params& args) {
  std::uint64_t h = m_hash(spec, reg, d, args);
  {
    std::lock_guard lock{m_mutex};
    if (auto it = m_index.find(h);
        it != m_index.end() && matches(*it->second, spec, reg, d, args)) {
      m_lru.splice(m_lru.begin(), m_lru, it->second);
      ++m_hits;
      return it->second->compiled;
    }
  }
  ++m_misses;
  // Compiled outside the lock: a slow compile does not stall the hits of other threads.
  entry e;
  e.compiled = compile_query(spec, reg, d, args);
  if (e.compiled->value_dependent) return e.compiled;  // made for these values only
  e.hash = h;
  e.spec = spec;
  e.dialect = &d;
  e.reg = &reg;
  e.version = reg.version();
  signature(args, e);
  std::shared_ptr<const plan> result = e.compiled;
  std::lock_guard lock{m_mutex};
  if (auto it = m_index.find(h); it != m_index.end()) {
    m_lru.erase(it->second);  // another thread's copy, or a colliding key: the newest wins
    m_index.erase(it);
  }
  m_lru.push_front(std::move(e));
  m_index[h] = m_lru.begin();
  while (m_lru.size() > m_capacity) {
    m_index.erase(m_lru.back().hash);
    m_lru.pop_back();
  }
  return result;
}

std::size_t plan_cache::size() const {
  std::lock_guard lock{m_mutex};
  return m_lru.size();
}

void plan_cache::clear() {
  std::lock_guard lock{m_mutex};
  m_lru.clear();
  m_index.clear();
}

}  // namespace nextorm::compile
