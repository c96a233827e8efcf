// The flush: the pending inserts, updates, join rows and deletes of a session written in one
// transaction, with the entities' hooks around them (PonyORM's order and rules).
#include <nextorm/errors.hpp>

#include "materialize/object_access.hpp"
#include "session/session_impl.hpp"

#include "driver/wait.hpp"

#include <unordered_set>
#include <utility>

namespace nextorm::detail {

namespace {

// PonyORM's bound on hooks that keep changing what the previous round wrote.
constexpr int max_rounds = 50;

thread_local const char t_thread_marker = 0;

}  // namespace

const void* session_impl::flusher() noexcept {
  if (const void* fiber = driver::running_fiber()) return fiber;
  return &t_thread_marker;
}

// The session's flush from here to the scope's end, however it ends; then the fibers that waited
// for it go on.
class session_impl::flush_scope {
 public:
  explicit flush_scope(session_impl& s) noexcept : m_session{s} { s.m_flusher = flusher(); }
  ~flush_scope() {
    m_session.m_flusher = nullptr;
    for (void* fiber : std::exchange(m_session.m_flush_waiters, {})) driver::resume_fiber(fiber);
  }
  flush_scope(const flush_scope&) = delete;
  flush_scope& operator=(const flush_scope&) = delete;

 private:
  session_impl& m_session;
};

void session_impl::flush() {
  // Another fiber's flush of this session (reads run together on PostgreSQL, src/async): this
  // one's statements come after it. (Only fibers share a session: elsewhere the flush in
  // progress is this code's own, from a hook.)
  while (m_flusher != nullptr && m_flusher != flusher()) {
    m_flush_waiters.push_back(driver::running_fiber());
    driver::suspend_fiber();
  }
  if (m_flusher != nullptr || !pending()) return;
  try {
    const flush_scope flushing{*this};
    write_pending();
  } catch (...) {
    // Whatever refused a write, the transaction holds part of the session's changes: none of
    // them may be committed.
    rollback();
    throw;
  }
}

void session_impl::check_change_during_flush() const {
  if (m_call_on_worker && !in_async_call()) {
    throw usage_error("session.call_in_progress",
                      "cannot change this session's objects while an awaited call of the session "
                      "runs (SQLite's run on a worker thread, which reads and writes the "
                      "session's objects meanwhile): change them before the call, or after it");
  }
  if (m_flusher == nullptr || flusher() == m_flusher) return;  // (the flush's own hooks)
  throw usage_error("session.flush_in_progress",
                    "cannot change this session's objects while a flush of the session awaits "
                    "the database (another task's, or another awaited call's): the flush would "
                    "not write the change; change them before the call that flushes (a query, "
                    "aflush, acommit) or after it");
}

void session_impl::write_pending() {
  for (int round = 0; pending(); ++round) {
    if (round == max_rounds) {
      throw usage_error("session.hook_rounds",
                        "the entities' hooks kept changing objects through " +
                            std::to_string(max_rounds) +
                            " rounds of writes: an after_insert, after_update or after_delete "
                            "hook changes what the previous round wrote; make it stop");
    }
    write_round();
  }
}

void session_impl::write_round() {
  const bool hooks = m_db.schema.has_hooks();
  if (hooks) call_before_hooks();
  insert_created();
  update_modified(hooks);
  write_links();
  erase_deleted();
  if (hooks) {
    for (entity_base* object : m_deleted) after_write(*object, object->info().hooks.after_delete);
  }
  m_deleted.clear();
  if (!hooks) return;
  // The hooks after: what they change or make is written by the next round.
  std::vector<std::pair<entity_base*, entity_hooks::hook>> after;
  after.swap(m_after_hooks);
  for (const auto& [object, hook] : after) hook(*object);
}

void session_impl::call_before_hooks() {
  std::unordered_set<const entity_base*> called;
  bool again = true;
  // A hook may change, make or remove other objects: their hooks are called too, until none
  // is left (the lists are walked by index, since they grow meanwhile).
  while (again) {
    again = false;
    auto call = [&](const std::vector<entity_base*>& list, entity_hooks::hook entity_hooks::*which,
                    object_state state) {
      for (std::size_t i = 0; i < list.size(); ++i) {
        entity_base* object = list[i];
        const entity_hooks::hook hook = object->info().hooks.*which;
        if (hook == nullptr || object_access::state(*object) != state) continue;
        if (!called.insert(object).second) continue;
        hook(*object);
        again = true;
      }
    };
    call(m_created, &entity_hooks::before_insert, object_state::created);
    call(m_modified, &entity_hooks::before_update, object_state::modified);
    call(m_deleted, &entity_hooks::before_delete, object_state::deleted);
  }
}

void session_impl::call_after_load() {
  try {
    while (!objects().awaiting_after_load.empty()) {
      std::vector<entity_base*> loaded;
      loaded.swap(objects().awaiting_after_load);
      for (entity_base* object : loaded) object->info().hooks.after_load(*object);
    }
  } catch (...) {
    rollback();
    throw;
  }
}

}  // namespace nextorm::detail
