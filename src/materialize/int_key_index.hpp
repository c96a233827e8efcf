// Objects by integer primary key, for one entity in one session. Keys are nearly always a
// database's auto-increment numbers, dense over a range: while they are, the index is an array
// indexed by key minus the lowest key (one load per lookup, neighbouring keys in neighbouring
// memory, growth by copying pointers). Keys too sparse for that (at most a quarter of the
// range in use, beyond a small start) move the index, once, into an open-addressing hash table.
#pragma once

#include <nextorm/entity_base.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nextorm::materialize {

class int_key_index {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return m_count; }
  [[nodiscard]] bool hashed() const noexcept { return m_hashed; }

  [[nodiscard]] entity_base* find(std::int64_t key) const noexcept {
    if (!m_hashed) {
      const std::uint64_t i = offset(key);
      return i < m_dense.size() ? m_dense[i] : nullptr;
    }
    return find_hashed(key);
  }
  // The object under `key`, or else the one `make_object()` returns, filed under `key`: one
  // probe for both.
  template <class F>
  entity_base* find_or_add(std::int64_t key, F&& make_object);
  // Files `object` under `key`, replacing what was there.
  void file(std::int64_t key, entity_base& object);
  void forget(std::int64_t key) noexcept;

 private:
  struct slot {
    std::int64_t key;
    entity_base* object;  // null: empty
  };

  // The key's position in the array (any key: unsigned arithmetic wraps, then fails the bound).
  [[nodiscard]] std::uint64_t offset(std::int64_t key) const noexcept {
    return static_cast<std::uint64_t>(key) - static_cast<std::uint64_t>(m_low);
  }
  [[nodiscard]] entity_base* find_hashed(std::int64_t key) const noexcept;
  // The array's entry for `key`, the array extended to reach it; null when that would make the
  // array too sparse (the index is hashed from then on).
  [[nodiscard]] entity_base** dense_entry(std::int64_t key);
  [[nodiscard]] entity_base** extend(std::int64_t key);
  void switch_to_hashed();
  // The hash table's slot for `key`: its own, or the empty one where it would go.
  [[nodiscard]] slot& probe(std::int64_t key) noexcept;
  // probe(), after growing the table if one more key would fill it past 3/4.
  [[nodiscard]] slot& slot_for_filing(std::int64_t key);
  [[nodiscard]] std::size_t home(std::int64_t key) const noexcept;
  void grow_table();
  void rehash(std::size_t capacity);

  std::size_t m_count = 0;
  bool m_hashed = false;
  // Dense: m_dense[key - m_low] (computed in unsigned arithmetic, so any key can be asked for).
  std::int64_t m_low = 0;
  std::vector<entity_base*> m_dense;
  // Hashed: a power-of-two table with linear probing, at most 3/4 full.
  std::vector<slot> m_slots;
  unsigned m_shift = 64;
};

inline entity_base** int_key_index::dense_entry(std::int64_t key) {
  const std::uint64_t i = offset(key);
  return i < m_dense.size() ? &m_dense[i] : extend(key);
}

template <class F>
entity_base* int_key_index::find_or_add(std::int64_t key, F&& make_object) {
  if (!m_hashed) {
    if (entity_base** entry = dense_entry(key)) {
      if (*entry == nullptr) {
        // Nothing moves the array while the object is made: the entry stays the right one.
        *entry = make_object();
        ++m_count;
      }
      return *entry;
    }
  }
  slot& s = slot_for_filing(key);
  if (s.object == nullptr) {
    s = slot{key, make_object()};
    ++m_count;
  }
  return s.object;
}

}  // namespace nextorm::materialize
