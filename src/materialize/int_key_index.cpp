#include "materialize/int_key_index.hpp"

#include <algorithm>
#include <bit>
#include <limits>

namespace nextorm::materialize {

namespace {

// The most entries the array may have for `count` keys: four per key, and a start that lets
// the first keys of a table come in any order.
std::uint64_t dense_limit(std::size_t count) noexcept { return 4 * std::uint64_t{count} + 1024; }

}  // namespace

entity_base* int_key_index::find_hashed(std::int64_t key) const noexcept {
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t i = home(key); m_slots[i].object != nullptr; i = (i + 1) & mask) {
    if (m_slots[i].key == key) return m_slots[i].object;
  }
  return nullptr;
}

entity_base** int_key_index::extend(std::int64_t key) {
  if (m_dense.empty()) {
    m_low = key;
    m_dense.assign(64, nullptr);
    return m_dense.data();
  }
  // Unsigned offsets from the lowest key: exact for any two int64 keys.
  const auto low = static_cast<std::uint64_t>(m_low);
  const std::uint64_t limit = dense_limit(m_count + 1);
  if (key > m_low) {
    const std::uint64_t above = offset(key);
    if (above >= limit) {
      switch_to_hashed();
      return nullptr;
    }
    // Doubling, as a vector grows: ascending keys (inserts, scans by key) cost O(1) each.
    const std::uint64_t wanted = std::max<std::uint64_t>(above + 1, m_dense.size() * 2);
    m_dense.resize(static_cast<std::size_t>(std::min(wanted, limit)), nullptr);
  } else {
    const std::uint64_t below = low - static_cast<std::uint64_t>(key);
    if (below > limit || below + m_dense.size() > limit) {
      switch_to_hashed();
      return nullptr;
    }
    // Room below as well, as much as there is above: descending keys cost O(1) each too. The
    // new lowest key stays an int64 (no room is made below the smallest one).
    const std::uint64_t to_min =
        static_cast<std::uint64_t>(key) -
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::min());
    const std::uint64_t room =
        std::min({below + m_dense.size(), limit - m_dense.size(), to_min + below});
    std::vector<entity_base*> wider(static_cast<std::size_t>(room) + m_dense.size(), nullptr);
    std::copy(m_dense.begin(), m_dense.end(), wider.begin() + static_cast<std::ptrdiff_t>(room));
    m_dense.swap(wider);
    m_low = static_cast<std::int64_t>(low - room);
  }
  return &m_dense[offset(key)];
}

void int_key_index::switch_to_hashed() {
  m_hashed = true;
  std::size_t capacity = 16;
  while ((m_count + 1) * 4 > capacity * 3) capacity *= 2;
  rehash(capacity);
  for (std::size_t i = 0; i < m_dense.size(); ++i) {
    if (m_dense[i] == nullptr) continue;
    const auto key = static_cast<std::int64_t>(static_cast<std::uint64_t>(m_low) + i);
    probe(key) = slot{key, m_dense[i]};
  }
  m_dense = {};
}

std::size_t int_key_index::home(std::int64_t key) const noexcept {
  // Fibonacci hashing: keys with a common stride spread over the table instead of clustering.
  return static_cast<std::size_t>((static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ull) >>
                                  m_shift);
}

int_key_index::slot& int_key_index::probe(std::int64_t key) noexcept {
  const std::size_t mask = m_slots.size() - 1;
  std::size_t i = home(key);
  while (m_slots[i].object != nullptr && m_slots[i].key != key) i = (i + 1) & mask;
  return m_slots[i];
}

int_key_index::slot& int_key_index::slot_for_filing(std::int64_t key) {
  if ((m_count + 1) * 4 > m_slots.size() * 3) grow_table();
  return probe(key);
}

void int_key_index::grow_table() {
  // Four times the room while the table is small (at most 1 MiB after growing): a third of the
  // rehashing that doubling costs, for little memory; doubling beyond.
  constexpr std::size_t small_table = 16384;
  rehash(m_slots.size() * (m_slots.size() < small_table ? 4 : 2));
}

void int_key_index::rehash(std::size_t capacity) {
  std::vector<slot> old(capacity, slot{0, nullptr});
  old.swap(m_slots);
  m_shift = 64 - static_cast<unsigned>(std::countr_zero(capacity));
  for (const slot& s : old) {
    if (s.object != nullptr) probe(s.key) = s;
  }
}

void int_key_index::file(std::int64_t key, entity_base& object) {
  if (!m_hashed) {
    if (entity_base** entry = dense_entry(key)) {
      if (*entry == nullptr) ++m_count;
      *entry = &object;
      return;
    }
  }
  slot& s = slot_for_filing(key);
  if (s.object == nullptr) ++m_count;
  s = slot{key, &object};
}

void int_key_index::forget(std::int64_t key) noexcept {
  if (!m_hashed) {
    const std::uint64_t i = offset(key);
    if (i < m_dense.size() && m_dense[i] != nullptr) {
      m_dense[i] = nullptr;
      --m_count;
    }
    return;
  }
  const std::size_t mask = m_slots.size() - 1;
  const slot& found = probe(key);
  if (found.object == nullptr) return;
  const auto i = static_cast<std::size_t>(&found - m_slots.data());
  // Backward-shift deletion: later slots of the same probe run move up, so that lookups never
  // stop early at the hole and no tombstones are needed.
  std::size_t hole = i;
  for (std::size_t j = (i + 1) & mask; m_slots[j].object != nullptr; j = (j + 1) & mask) {
    const std::size_t want = home(m_slots[j].key);
    // Slot j may fill the hole when its home is not in the cyclic range (hole, j].
    if (((j - want) & mask) >= ((j - hole) & mask)) {
      m_slots[hole] = m_slots[j];
      hole = j;
    }
  }
  m_slots[hole] = slot{0, nullptr};
  --m_count;
}

}  // namespace nextorm::materialize
