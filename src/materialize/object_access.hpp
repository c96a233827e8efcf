// The runtime's access to the managed part of objects and fields (a friend of each).
#pragma once

#include <nextorm/entity_base.hpp>
#include <nextorm/fields.hpp>

namespace nextorm::detail {

struct object_access {
  static const entity_info*& info(entity_base& o) noexcept { return o.m_info; }
  static object_home*& home(entity_base& o) noexcept { return o.m_home; }
  static object_home* home(const entity_base& o) noexcept { return o.m_home; }
  static object_state& state(entity_base& o) noexcept { return o.m_state; }
  static std::int64_t& auto_id(entity_base& o) noexcept { return o.m_auto_id; }
  static std::uint8_t& flush_mark(entity_base& o) noexcept { return o.m_flush_mark; }
  // The attributes read and written through the fields (entity_base::m_read, m_written).
  static std::uint64_t read_bits(const entity_base& o) noexcept {
    return o.m_read.load(std::memory_order_relaxed);
  }
  static void set_read_bits(const entity_base& o, std::uint64_t bits) noexcept {
    o.m_read.store(bits, std::memory_order_relaxed);
  }
  static std::uint64_t& written_bits(entity_base& o) noexcept { return o.m_written; }
  static constexpr std::int64_t no_auto_id = entity_base::no_auto_id;
  // True for attributes bound to a field object (every typed attribute but the implicit `id`).
  [[nodiscard]] static bool is_field(const attr_info& attr) noexcept;
  // Tells the field at `field_offset` of `o` where its owner is and which of the entity's attrs
  // it holds (after `o` was constructed).
  static void attach(entity_base& o, std::uint32_t field_offset,
                     std::uint16_t attr_index) noexcept {
    auto* f = static_cast<field_base*>(field(o, field_offset));
    f->m_owner_offset = field_offset;
    f->m_attr_index = attr_index;
  }

  // The field of `attr` inside object `o`.
  static void* field(entity_base& o, const attr_info& attr) noexcept {
    return reinterpret_cast<char*>(&o) + attr.field_offset;
  }
  static void* field(entity_base& o, std::uint32_t offset) noexcept {
    return reinterpret_cast<char*>(&o) + offset;
  }
  static const void* field(const entity_base& o, const attr_info& attr) noexcept {
    return reinterpret_cast<const char*>(&o) + attr.field_offset;
  }
  // Whether the field of a lazy attribute has not been read yet (field_base::m_unloaded).
  static bool& unloaded(void* field) noexcept {
    return static_cast<field_base*>(field)->m_unloaded;
  }
  static bool unloaded(const entity_base& o, const attr_info& attr) noexcept {
    return static_cast<const field_base*>(field(o, attr))->m_unloaded;
  }
  // The lazy attributes `o` has not read: bit i for entity_info::lazy_attrs[i].
  static std::uint64_t unloaded_mask(const entity_base& o) noexcept {
    std::uint64_t mask = 0;
    const auto& lazy = o.info().lazy_attrs;
    for (std::size_t i = 0; i < lazy.size(); ++i) {
      if (unloaded(o, *lazy[i])) mask |= std::uint64_t{1} << i;
    }
    return mask;
  }
  static value read(const entity_base& o, const attr_info& attr) {
    if (attr.discriminator) return value{o.info().discriminator_value};
    return attr.read(field(o, attr));
  }
  static void write(entity_base& o, const attr_info& attr, const value& v) {
    attr.write(field(o, attr), v);
  }
  static reference_field& reference(entity_base& o, const attr_info& attr) noexcept {
    return *static_cast<reference_field*>(field(o, attr));
  }
  static collection_field& collection(entity_base& o, const attr_info& attr) noexcept {
    return *static_cast<collection_field*>(field(o, attr));
  }
  static entity_base*& target(reference_field& f) noexcept { return f.m_target; }
  // The target, loaded through the session if needed (as reading the reference does).
  static entity_base* loaded_target(const reference_field& f) { return f.target(); }
  static value key(const reference_field& f) { return f.key(); }
  static void set_key(reference_field& f, const value& key) { f.set_key(key); }
  static void set_int_key(reference_field& f, std::int64_t key) noexcept { f.set_int_key(key); }
  static std::vector<entity_base*>& items(collection_field& f) noexcept { return f.m_items; }
  // The user's assignment of a reference, and add() to a collection (checked, recorded).
  static void assign(reference_field& f, entity_base* target) { f.assign(target); }
  static void add(collection_field& f, entity_base& item) { f.add(item); }
  static void remove(collection_field& f, entity_base& item) { f.remove(item); }
  static bool& loaded(collection_field& f) noexcept { return f.m_engaged; }
  // The key-less side of a one-to-one has looked its partner up (none found is an answer too).
  static bool& looked_up(reference_field& f) noexcept { return f.m_engaged; }
  // The collection's items, loading them first if needed.
  static const std::vector<entity_base*>& loaded_items(const collection_field& f) {
    return f.items();
  }
};

}  // namespace nextorm::detail
