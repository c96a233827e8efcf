// One object per row per session: objects by entity and primary-key value. The map owns them:
// each entity's objects live in blocks of storage that are given back together when the session
// ends, to a cache that the next session takes its blocks from.
#pragma once

#include <nextorm/entity_base.hpp>
#include <nextorm/registry.hpp>
#include <nextorm/value.hpp>

#include "materialize/int_key_index.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace nextorm::materialize {

// How one column of an entity's row goes into its field, condensed from the attr_info (which
// spans several cache lines) into what the materializer needs per row.
struct column_reader {
  enum class method : std::uint8_t {
    load,     // attr_info::load: the field reads the column itself
    int_key,  // a reference to an entity with an integer key: the key in place
    write,    // anything else: through a value and attr_info::write
    skip,     // the discriminator: no field holds it
    parts,    // a reference to an entity with a composite key: a tuple of several columns
    lazy,     // a lazy attribute, not selected: its field is marked to load on first use
  };
  std::ptrdiff_t field_offset;
  void (*load)(void* field, const detail::row_reader& row, std::size_t column);
  void (*write)(void* field, const value& v);
  method how;
  bool nullable;  // only then is the column checked for NULL
  value_type type;
  // Where the column is among those a query selects for the object, from the first: its place
  // in entity_info::columns, or in a hierarchy in entity_info::load_columns.
  std::uint32_t position;
  const attr_info* attr;  // the attribute (for `parts`, the key attributes of its target)
};

class identity_map;

// The objects of one entity in a session: their storage and their index by key. Integer keys
// (nearly every entity) are indexed by int_key_index; other key types in a hash map of values.
// The classes of an inheritance hierarchy share one key space, their root's: each keeps its own
// storage, and finds and files keys in the root's index (a lookup through a class finds only
// objects of that class or below it).
class entity_objects {
 public:
  entity_objects(const entity_info& entity, identity_map& map, detail::object_home* home);
  ~entity_objects();  // destroys every object made here
  entity_objects(const entity_objects&) = delete;
  entity_objects& operator=(const entity_objects&) = delete;

  [[nodiscard]] const entity_info& entity() const noexcept { return m_entity; }
  [[nodiscard]] identity_map& map() const noexcept { return m_map; }
  // The position of the primary key in entity().columns (no_position for a composite key, whose
  // attributes are read as any column), and each key attribute's column among those selected.
  static constexpr std::size_t no_position = static_cast<std::size_t>(-1);
  [[nodiscard]] std::size_t pk_position() const noexcept { return m_pk_position; }
  [[nodiscard]] const std::vector<std::size_t>& key_columns() const noexcept {
    return m_key_columns;
  }
  // In a hierarchy, the discriminator's column among those selected.
  [[nodiscard]] std::size_t discriminator_column() const noexcept { return m_discriminator_column; }
  [[nodiscard]] bool integer_keys() const noexcept { return m_integer_keys; }
  // Whether the key is entity_base's implicit `id`: an int64 in place, not a field.
  [[nodiscard]] bool implicit_id() const noexcept { return m_implicit_id; }
  // One per column of entity().columns, in that order.
  [[nodiscard]] const std::vector<column_reader>& readers() const noexcept { return m_readers; }
  // The readers of volatile attributes read with the object (their indexes in readers()): a
  // row read again refreshes them.
  [[nodiscard]] const std::vector<std::size_t>& volatile_readers() const noexcept {
    return m_volatile_readers;
  }

  // A new object in this storage, its fields attached to it; not filed under a key.
  entity_base& make(object_state state);
  // Objects made (filed or not).
  [[nodiscard]] std::size_t size() const noexcept { return m_made; }
  // Objects filed under a key.
  [[nodiscard]] std::size_t filed() const noexcept;

  [[nodiscard]] entity_base* find(const value& key) const;
  [[nodiscard]] entity_base* find(std::int64_t key) const noexcept {
    entity_base* found = m_keys->m_by_int.find(key);
    return m_keys == this ? found : of_this_class(found);
  }
  // The object filed under `key`, or else the one `make_object()` returns, filed under `key`:
  // one probe for both. Only for integer keys outside a hierarchy.
  template <class F>
  entity_base* find_or_add(std::int64_t key, F&& make_object) {
    return m_by_int.find_or_add(key, std::forward<F>(make_object));
  }
  // The same for any other key (a str, a uuid, a composite key's tuple), which is moved into
  // the map: one hash and no copy of the key. `make_object(key)` gets the filed key; if it
  // throws, nothing stays filed.
  template <class F>
  entity_base* find_or_add(value&& key, F&& make_object) {
    auto [entry, added] = m_by_value.try_emplace(std::move(key), nullptr);
    if (!added) return entry->second;
    try {
      entry->second = make_object(entry->first);
    } catch (...) {
      m_by_value.erase(entry);
      throw;
    }
    return entry->second;
  }
  // Files `object` under `key`, replacing what was there.
  void file(const value& key, entity_base& object);
  // Calls `f(object)` for each object made here.
  template <class F>
  void for_each(F&& f) const {
    for (const chunk& c : m_chunks) {
      for (std::size_t i = 0; i < c.used; ++i) {
        f(*reinterpret_cast<entity_base*>(c.data + i * m_stride + m_base_offset));
      }
    }
  }
  void forget(const value& key);

 private:
  struct chunk {
    std::byte* data;
    std::size_t capacity;  // objects
    std::size_t used;
    bool from_cache;  // a block of the shared cache (given back), or a chunk of its own
  };

  // `object` when it is of this class or one below it, else null.
  [[nodiscard]] entity_base* of_this_class(entity_base* object) const noexcept;

  const entity_info& m_entity;
  identity_map& m_map;
  entity_objects* m_keys;       // whose index holds the keys: this, or the hierarchy's root's
  detail::object_home* m_home;  // where the objects made here belong
  std::size_t m_pk_position = 0;
  std::size_t m_discriminator_column = 0;
  bool m_integer_keys;
  bool m_implicit_id;
  // Storage: objects of `m_stride` bytes in blocks of the process's block cache.
  std::size_t m_stride;
  std::vector<chunk> m_chunks;
  std::size_t m_made = 0;
  std::ptrdiff_t m_base_offset = 0;  // from an object's storage to its entity_base
  struct field_place {
    std::uint32_t offset;  // where the field is in an object
    std::uint16_t attr_index;
  };
  std::vector<field_place> m_fields;
  std::vector<column_reader> m_readers;
  std::vector<std::size_t> m_volatile_readers;
  std::vector<std::size_t> m_key_columns;
  int_key_index m_by_int;
  std::unordered_map<value, entity_base*, value_hash> m_by_value;
};

// Frees the object storage that ended sessions left for the next ones (up to 16 MiB is kept).
void release_cached_storage() noexcept;

class identity_map {
 public:
  // The objects belong to `home` (object_store).
  explicit identity_map(detail::object_home* home) noexcept : m_home{home} {}
  identity_map(const identity_map&) = delete;
  identity_map& operator=(const identity_map&) = delete;

  // Objects read from rows whose entity has an after_load hook, which the session calls once
  // the rows' cursor is done (a hook may run statements).
  std::vector<entity_base*> awaiting_after_load;

  // The objects of `entity`, made on first use.
  [[nodiscard]] entity_objects& objects_of(const entity_info& entity) {
    // Runs of one entity (loading rows, flushing inserts) find it without a call.
    if (m_last != nullptr && &m_last->entity() == &entity) return *m_last;
    return add_or_find(entity);
  }
  [[nodiscard]] entity_base* find(const entity_info& entity, const value& key) const;
  // A new object of `entity` owned by the map, not filed under a key yet.
  entity_base& make(const entity_info& entity, object_state state);
  // Files an owned object under its key (after loading, or after its insert made the key).
  void file(const entity_info& entity, const value& key, entity_base& object);
  void forget(const entity_info& entity, const value& key);
  // Destroys every object.
  void clear() noexcept;
  [[nodiscard]] std::size_t size() const noexcept;
  // Calls `f(object)` for each object of the map.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& objects : m_entities) objects->for_each(f);
  }
  // The same for the objects of `entity` and of the classes below it only.
  template <class F>
  void for_each_of(const entity_info& entity, F&& f) const {
    for (const auto& objects : m_entities) {
      if (entity.is_same_or_base_of(objects->entity())) objects->for_each(f);
    }
  }

 private:
  [[nodiscard]] entity_objects* existing(const entity_info& entity) const noexcept;
  [[nodiscard]] entity_objects& add_or_find(const entity_info& entity);

  // A session uses few entities: a short list, searched from the one used last.
  detail::object_home* m_home;
  std::vector<std::unique_ptr<entity_objects>> m_entities;
  mutable entity_objects* m_last = nullptr;
};

}  // namespace nextorm::materialize
