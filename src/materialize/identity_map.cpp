#include "materialize/identity_map.hpp"

#include "materialize/object_access.hpp"

#include <mutex>
#include <new>

namespace nextorm::materialize {

using detail::object_access;

namespace {

// Object storage comes in blocks of one size for every entity, and blocks a session gives back
// are kept (up to a bound) for the next session: without that, the memory of each session's
// objects went back to the system at its end and the next session paid the page faults again
// (about 15% of the join workload's time).
constexpr std::size_t block_bytes = 64 * 1024;
constexpr std::size_t block_align = 64;
constexpr std::size_t max_cached_blocks = 256;  // 16 MiB

class block_cache {
 public:
  block_cache() = default;
  block_cache(const block_cache&) = delete;
  block_cache& operator=(const block_cache&) = delete;
  ~block_cache() = delete;

  std::byte* take() {
    {
      const std::lock_guard lock{m_mutex};
      if (!m_free.empty()) {
        std::byte* block = m_free.back();
        m_free.pop_back();
        return block;
      }
    }
    return static_cast<std::byte*>(::operator new (block_bytes, std::align_val_t{block_align}));
  }
  void give(std::byte* block) noexcept {
    {
      const std::lock_guard lock{m_mutex};
      if (m_free.size() < max_cached_blocks) {
        try {
          m_free.push_back(block);
          return;
        } catch (...) {  // no room to remember it: free it
        }
      }
    }
    ::operator delete (block, std::align_val_t{block_align});
  }
  void release() noexcept {
    const std::lock_guard lock{m_mutex};
    for (std::byte* block : m_free) ::operator delete (block, std::align_val_t{block_align});
    m_free.clear();
  }

 private:
  std::mutex m_mutex;
  std::vector<std::byte*> m_free;
};

block_cache& blocks() {
  // Never destroyed: a session in a static object may end after every static destructor ran.
  static block_cache* const cache = new block_cache;
  return *cache;
}

}  // namespace

void release_cached_storage() noexcept { blocks().release(); }

entity_objects::entity_objects(const entity_info& entity, identity_map& map,
                               detail::object_home* home)
    : m_entity{entity},
      m_map{map},
      m_keys{entity.root == &entity ? this : &map.objects_of(*entity.root)},
      m_home{home},
      m_integer_keys{!entity.composite_key() && entity.pk().type == value_type::integer},
      m_implicit_id{!object_access::is_field(entity.pk())},
      m_stride{entity.object_align == 0 ? 0
                                        : (entity.object_size + entity.object_align - 1) /
                                              entity.object_align * entity.object_align} {
  while (entity.columns[m_pk_position] != &entity.pk()) ++m_pk_position;
  // A composite key's attributes are read like any column, then gathered into the key.
  if (entity.composite_key()) m_pk_position = no_position;
  // A session per request makes these per entity per session: one allocation each.
  m_readers.reserve(entity.columns.size());
  m_fields.reserve(entity.attrs.size());
  for (std::size_t i = 0; i < entity.columns.size(); ++i) {
    const attr_info* attr = entity.columns[i];
    const std::size_t loaded_at = entity.load_positions[i];
    const std::size_t position =
        loaded_at == entity_info::not_loaded ? 0 : entity.load_offsets[loaded_at];
    column_reader r{attr->field_offset,
                    attr->load,
                    attr->write,
                    column_reader::method::write,
                    attr->column_nullable(),
                    attr->type,
                    static_cast<std::uint32_t>(position),
                    attr};
    // The fields of values read themselves; the columns without a reader are references.
    if (loaded_at == entity_info::not_loaded) {
      r.how = column_reader::method::lazy;
      r.nullable = false;  // (no column is read)
    } else if (attr->discriminator) {
      r.how = column_reader::method::skip;
      m_discriminator_column = position;
    } else if (attr->load != nullptr) {
      r.how = column_reader::method::load;
    } else if (attr->type == value_type::integer) {
      r.how = column_reader::method::int_key;
    } else if (!attr->reference_columns.empty()) {
      r.how = column_reader::method::parts;
    }
    if (attr->is_volatile && r.how != column_reader::method::lazy) {
      m_volatile_readers.push_back(m_readers.size());
    }
    m_readers.push_back(r);
  }
  for (const attr_info* key : entity.key_attrs) {
    const auto at = std::find(entity.columns.begin(), entity.columns.end(), key);
    const std::size_t i = static_cast<std::size_t>(at - entity.columns.begin());
    m_key_columns.push_back(m_readers[i].position);
  }
  for (std::size_t i = 0; i < entity.attrs.size(); ++i) {
    if (object_access::is_field(entity.attrs[i])) {
      m_fields.push_back(field_place{static_cast<std::uint32_t>(entity.attrs[i].field_offset),
                                     static_cast<std::uint16_t>(i)});
    }
  }
  // Computed members find their object like fields (they have no attribute: index 0). (Only
  // typed entities have objects, and their computed attributes are all members.)
  for (const entity_info* e = &entity; e != nullptr; e = e->base_entity) {
    for (const computed_info& c : e->computed) m_fields.push_back(field_place{c.field_offset, 0});
  }
}

entity_objects::~entity_objects() {
  for (const chunk& c : m_chunks) {
    for (std::size_t i = 0; i < c.used; ++i) {
      std::destroy_at(reinterpret_cast<entity_base*>(c.data + i * m_stride + m_base_offset));
    }
    if (c.from_cache) {
      blocks().give(c.data);
    } else {
      ::operator delete (c.data, std::align_val_t{m_entity.object_align});
    }
  }
}

entity_base& entity_objects::make(object_state state) {
  if (m_chunks.empty() || m_chunks.back().used == m_chunks.back().capacity) {
    if (m_stride <= block_bytes && m_entity.object_align <= block_align) {
      m_chunks.push_back(chunk{blocks().take(), block_bytes / m_stride, 0, true});
    } else {
      // Objects too big or too aligned for a block: a chunk of their own, not kept.
      constexpr std::size_t objects = 8;
      auto* data = static_cast<std::byte*>(
          ::operator new (objects* m_stride, std::align_val_t{m_entity.object_align}));
      m_chunks.push_back(chunk{data, objects, 0, false});
    }
  }
  chunk& c = m_chunks.back();
  std::byte* where = c.data + c.used * m_stride;
  entity_base& object = *m_entity.construct(where);
  ++c.used;
  ++m_made;
  m_base_offset = reinterpret_cast<std::byte*>(&object) - where;
  for (const field_place& f : m_fields) object_access::attach(object, f.offset, f.attr_index);
  object_access::info(object) = &m_entity;
  object_access::home(object) = m_home;
  object_access::state(object) = state;
  return object;
}

std::size_t entity_objects::filed() const noexcept {
  return m_integer_keys ? m_by_int.size() : m_by_value.size();
}

entity_base* entity_objects::of_this_class(entity_base* object) const noexcept {
  return object != nullptr && m_entity.is_same_or_base_of(object->info()) ? object : nullptr;
}

entity_base* entity_objects::find(const value& key) const {
  if (m_integer_keys) return key.type() == value_type::integer ? find(key.as_int()) : nullptr;
  auto found = m_keys->m_by_value.find(key);
  return of_this_class(found == m_keys->m_by_value.end() ? nullptr : found->second);
}

void entity_objects::file(const value& key, entity_base& object) {
  if (m_integer_keys) {
    m_keys->m_by_int.file(key.as_int(), object);
  } else {
    m_keys->m_by_value.insert_or_assign(key, &object);
  }
}

void entity_objects::forget(const value& key) {
  // The key of a filed object: an integer where the entity's keys are.
  if (m_integer_keys) {
    m_keys->m_by_int.forget(key.as_int());
  } else {
    m_keys->m_by_value.erase(key);
  }
}

entity_objects* identity_map::existing(const entity_info& entity) const noexcept {
  if (m_last != nullptr && &m_last->entity() == &entity) return m_last;
  for (const auto& objects : m_entities) {
    if (&objects->entity() == &entity) return m_last = objects.get();
  }
  return nullptr;
}

entity_objects& identity_map::add_or_find(const entity_info& entity) {
  if (entity_objects* found = existing(entity)) return *found;
  // A subclass's objects are made after its root's (their index): the root's are destroyed last.
  auto objects = std::make_unique<entity_objects>(entity, *this, m_home);
  m_last = m_entities.emplace_back(std::move(objects)).get();
  return *m_last;
}

entity_base* identity_map::find(const entity_info& entity, const value& key) const {
  const entity_objects* objects = existing(entity);
  return objects == nullptr ? nullptr : objects->find(key);
}

entity_base& identity_map::make(const entity_info& entity, object_state state) {
  return objects_of(entity).make(state);
}

void identity_map::file(const entity_info& entity, const value& key, entity_base& object) {
  objects_of(entity).file(key, object);
}

void identity_map::forget(const entity_info& entity, const value& key) {
  objects_of(entity).forget(key);
}

void identity_map::clear() noexcept {
  m_last = nullptr;
  m_entities.clear();
}

std::size_t identity_map::size() const noexcept {
  std::size_t total = 0;
  for (const auto& objects : m_entities) total += objects->size();
  return total;
}

}  // namespace nextorm::materialize
