// The part of every entity object that NextORM manages: its entity, its session, its state.
#pragma once

#include <nextorm/registry.hpp>
#include <nextorm/value.hpp>

#include <cstdint>
#include <optional>

namespace nextorm {

namespace detail {
class session_impl;
struct object_access;
}  // namespace detail

enum class object_state : std::uint8_t {
  created,   // made in this session, not yet inserted
  clean,     // as in the database
  modified,  // changed since loaded or inserted
  deleted,   // marked for deletion
};

class entity_base {
 public:
  virtual ~entity_base() = default;
  entity_base(const entity_base&) = delete;
  entity_base& operator=(const entity_base&) = delete;

  // The entity this object belongs to, and its state in its session.
  [[nodiscard]] const entity_info& info() const noexcept { return *m_info; }
  [[nodiscard]] object_state state() const noexcept { return m_state; }
  // The primary-key value (null until an auto-increment key has been generated).
  [[nodiscard]] value key() const;
  // Marks the object for deletion when the session flushes.
  void remove();

 protected:
  entity_base() noexcept;

 private:
  friend struct detail::object_access;
  const entity_info* m_info = nullptr;
  detail::session_impl* m_session = nullptr;
  std::optional<std::int64_t> m_auto_id;  // the implicit `id` of entities without a declared PK
  object_state m_state = object_state::created;
};

namespace detail {

// While an entity object is constructed, its fields find their owner here; while an entity type
// is described (once per database), its fields add their attributes to `describing`.
struct construction_context {
  entity_base* owner = nullptr;
  entity_info* describing = nullptr;
};
construction_context& construction() noexcept;

}  // namespace detail
}  // namespace nextorm
