// entity_ptr<E>: an object kept beyond its db_session. `E&` from a session is valid while the
// session lasts (like a reference into a container); an entity_ptr keeps the object, and the
// objects it refers to, alive as long as it is held. After the session has ended the loaded
// attributes stay readable; a change, a lazy load or remove() throws usage_error session.over.
#pragma once

#include <nextorm/entity_base.hpp>

#include <cstddef>
#include <memory>

namespace nextorm {

namespace detail {
// What keeps `object`'s session storage alive; object.detached for an object no session made.
[[nodiscard]] std::shared_ptr<void> keeper_of(const entity_base& object);
}  // namespace detail

template <class E>
class entity_ptr {
 public:
  entity_ptr() noexcept = default;
  entity_ptr(std::nullptr_t) noexcept {}
  // NOLINTNEXTLINE: an object converts to a pointer that keeps it
  entity_ptr(E& object) : m_object{&object}, m_keeper{detail::keeper_of(object)} {}
  // Null stays null.
  explicit entity_ptr(E* object)
      : m_object{object}, m_keeper{object != nullptr ? detail::keeper_of(*object) : nullptr} {}
  // An object and what keeps it (a query result's keeper).
  entity_ptr(E* object, std::shared_ptr<void> keeper) noexcept
      : m_object{object}, m_keeper{object != nullptr ? std::move(keeper) : nullptr} {}

  [[nodiscard]] E* get() const noexcept { return m_object; }
  [[nodiscard]] E& operator*() const noexcept { return *m_object; }
  [[nodiscard]] E* operator->() const noexcept { return m_object; }
  explicit operator bool() const noexcept { return m_object != nullptr; }
  // A plain pointer, valid while the session lasts (or while an owner holds the object).
  operator E*() const noexcept { return m_object; }  // NOLINT: reads like the pointer it was
  void reset() noexcept {
    m_object = nullptr;
    m_keeper.reset();
  }

  friend bool operator==(const entity_ptr& a, const entity_ptr& b) noexcept {
    return a.m_object == b.m_object;
  }
  friend bool operator==(const entity_ptr& a, std::nullptr_t) noexcept {
    return a.m_object == nullptr;
  }

 private:
  E* m_object = nullptr;
  std::shared_ptr<void> m_keeper;
};

}  // namespace nextorm
