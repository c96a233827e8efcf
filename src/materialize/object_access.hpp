// The runtime's access to the managed part of objects and fields (a friend of each).
#pragma once

#include <nextorm/entity_base.hpp>
#include <nextorm/fields.hpp>

namespace nextorm::detail {

struct object_access {
  static const entity_info*& info(entity_base& o) noexcept { return o.m_info; }
  static session_impl*& session(entity_base& o) noexcept { return o.m_session; }
  static session_impl* session(const entity_base& o) noexcept { return o.m_session; }
  static object_state& state(entity_base& o) noexcept { return o.m_state; }
  static std::optional<std::int64_t>& auto_id(entity_base& o) noexcept { return o.m_auto_id; }

  // The field of `attr` inside object `o`.
  static void* field(entity_base& o, const attr_info& attr) noexcept {
    return reinterpret_cast<char*>(&o) + attr.field_offset;
  }
  static const void* field(const entity_base& o, const attr_info& attr) noexcept {
    return reinterpret_cast<const char*>(&o) + attr.field_offset;
  }
  static value read(const entity_base& o, const attr_info& attr) {
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
  static value& key(reference_field& f) noexcept { return f.m_key; }
  static std::vector<entity_base*>& items(collection_field& f) noexcept { return f.m_items; }
  static bool& loaded(collection_field& f) noexcept { return f.m_loaded; }
  // The collection's items, loading them first if needed.
  static const std::vector<entity_base*>& loaded_items(const collection_field& f) {
    return f.items();
  }
};

}  // namespace nextorm::detail
