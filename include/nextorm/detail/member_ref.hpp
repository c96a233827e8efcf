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

// An object of E kept for reading where members are (an entity's layout is not standard, so
// offsetof cannot say): made once per class, on first use, and never destroyed, so that a
// typed expression pays no object per member it names.
template <class E>
const entity_base& layout_probe() {
  alignas(E) static std::byte storage[sizeof(E)];
  static const E* const object = ::new (static_cast<void*>(storage)) E;
  return *object;
}

template <class E, class F>
member_ref member_of(F E::*member) {
  static_assert(std::is_base_of_v<entity_base, E>, "a member of an entity class");
  const entity_base& base = layout_probe<E>();
  const E& object = static_cast<const E&>(base);
  const std::ptrdiff_t offset = reinterpret_cast<const std::byte*>(&(object.*member)) -
                                reinterpret_cast<const std::byte*>(&base);
  return {E::type_tag(), offset, E::entity_name()};
}
}  // namespace detail

}  // namespace nextorm
