// The part of every entity object that NextORM manages: its entity, its session, its state.
#pragma once

#include <nextorm/registry.hpp>
#include <nextorm/value.hpp>

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <limits>

namespace nextorm {

namespace detail {
class session_impl;
class field_base;
struct object_access;

// Where a session's objects live. The session shares it with whatever keeps its objects beyond
// the session's end (a result, an entity_ptr): their loaded attributes stay readable, and
// `session` is null from the end on, so that a change or a lazy load is refused (session.over).
struct object_home {
  session_impl* session = nullptr;
  // The session was strict: its objects' values were forgotten at its end.
  bool forgotten = false;
};
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
  friend class detail::field_base;  // touch()'s inline test of the owner's state
  // The implicit `id` of entities without a declared PK; no_auto_id until the database made it
  // (generated keys are never the smallest int64).
  static constexpr std::int64_t no_auto_id = std::numeric_limits<std::int64_t>::min();

  const entity_info* m_info = nullptr;
  detail::object_home* m_home = nullptr;
  std::int64_t m_auto_id = no_auto_id;
  // The attributes read through their fields (bit min(index, 63)): what an UPDATE or DELETE
  // checks is still in the row (optimistic concurrency). Atomic, so that reading an object that
  // outlived its session from several threads stays defined (relaxed: plain moves on x86).
  mutable std::atomic<std::uint64_t> m_read{0};
  // The attributes changed since the object was last written (the same bits): what its UPDATE
  // sets.
  std::uint64_t m_written = 0;
  object_state m_state = object_state::created;
  // Scratch for the flush, which orders the inserts (in the padding after m_state).
  std::uint8_t m_flush_mark = 0;
};

namespace detail {
// An attribute's bit in entity_base's read and written masks: the last one stands for every
// attribute from the 64th on.
[[nodiscard]] constexpr std::uint64_t attr_bit(std::size_t index) noexcept {
  return std::uint64_t{1} << (index < 63 ? index : 63);
}
}  // namespace detail

// PonyORM's repr of an object: "Author[1]" ("Author[new]" before its key is made).
std::ostream& operator<<(std::ostream& out, const entity_base& object);

namespace detail {

// While an entity type is described (once per database), its prototype's fields find their
// owner here and add their attributes to `describing`. Objects made by a session do not look
// here: `describers` (the number of descriptions under way in any thread) is zero then, so a
// field's constructor costs one relaxed load instead of a thread-local lookup, and the session
// tells the fields where their owner is after construction.
struct construction_context {
  entity_base* owner = nullptr;
  entity_info* describing = nullptr;
};
construction_context& construction() noexcept;
extern std::atomic<int> describers;

}  // namespace detail
}  // namespace nextorm
