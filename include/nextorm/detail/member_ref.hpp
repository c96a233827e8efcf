// A member of an entity class, as the runtime knows it: for typed prefetch paths and typed
// query expressions (expr.hpp). Not part of the API.
#pragma once

#include <nextorm/entity_base.hpp>

#include <cstddef>
#include <new>
#include <string_view>
#include <type_traits>

namespace nextorm {

// An attribute named by a pointer to its member in an entity class.
namespace detail {
struct member_ref {
  const void* type_tag;     // the class's (entity<T>::type_tag())
  std::ptrdiff_t offset;    // of the member in an object, from its entity_base
  std::string_view member;  // the member's class, for messages
};

template <class E, class F>
member_ref member_of(F E::*member) {
  static_assert(std::is_base_of_v<entity_base, E>, "a member of an entity class");
  // Where the member is: read from an object made for the purpose (an entity's layout is not
  // standard, so offsetof cannot say).
  alignas(E) std::byte storage[sizeof(E)];
  E* object = ::new (static_cast<void*>(storage)) E;
  const auto* base = reinterpret_cast<const std::byte*>(static_cast<const entity_base*>(object));
  const std::ptrdiff_t offset = reinterpret_cast<const std::byte*>(&(object->*member)) - base;
  object->~E();
  return {E::type_tag(), offset, E::entity_name()};
}
}  // namespace detail

}  // namespace nextorm
