// The static type of an IR expression: a scalar value type, or an object of an entity.
#pragma once

#include <nextorm/registry.hpp>
#include <nextorm/value.hpp>

#include <string>

namespace nextorm::ir {

struct type {
  value_type scalar = value_type::null;  // for an entity: the type of its key
  const entity_info* entity = nullptr;   // set for an object of this entity
  bool collection = false;  // a Set of such values/objects: `c.students`, `s.courses.name`

  [[nodiscard]] bool is_entity() const noexcept { return entity != nullptr && !collection; }
  [[nodiscard]] bool is(value_type t) const noexcept {
    return entity == nullptr && !collection && scalar == t;
  }
  [[nodiscard]] bool is_none() const noexcept { return is(value_type::null); }
  [[nodiscard]] bool is_bool() const noexcept { return is(value_type::boolean); }
  [[nodiscard]] bool is_text() const noexcept { return is(value_type::text); }
  // int, float or decimal (bool is not a number here, unlike in Python).
  [[nodiscard]] bool is_number() const noexcept {
    return entity == nullptr && !collection && (scalar == value_type::integer || scalar == value_type::real ||
                                 scalar == value_type::decimal);
  }
  friend bool operator==(const type&, const type&) = default;
};

[[nodiscard]] inline type scalar_type(value_type t) noexcept { return type{t, nullptr, false}; }
// The type of one element of a collection type.
[[nodiscard]] inline type element_type(type t) noexcept {
  t.collection = false;
  return t;
}
[[nodiscard]] type entity_type(const entity_info& entity) noexcept;

// For messages: "int", "str", "None", the entity's name, "Set of Student".
[[nodiscard]] std::string type_text(const type& t);

}  // namespace nextorm::ir
