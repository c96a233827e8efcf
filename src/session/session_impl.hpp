// The unit of work behind db_session: the connection and transaction, the identity map, and
// what to write on flush (inserts in foreign-key order, updates, join rows, deletes).
#pragma once

#include <nextorm/entity_base.hpp>
#include <nextorm/query.hpp>
#include <nextorm/session.hpp>

#include "driver/connection.hpp"
#include "materialize/identity_map.hpp"
#include "materialize/object_store.hpp"
#include "session/database_impl.hpp"

#include <memory>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace nextorm::detail {

class session_impl {
 public:
  // A db_session's is the thread's current session from here to its end (`current`); an async
  // session's is made current by its tasks each time they resume (src/async/).
  explicit session_impl(database_impl& db, const session_options& options = {},
                        bool current = true);
  ~session_impl();
  session_impl(const session_impl&) = delete;
  session_impl& operator=(const session_impl&) = delete;

  // The session of this thread; usage_error when there is none.
  [[nodiscard]] static session_impl& current();
  [[nodiscard]] static session_impl* current_or_null() noexcept;
  // Makes `session` (or none) the thread's current session; returns the one before.
  static session_impl* exchange_current(session_impl* session) noexcept;

  // Set while an awaited call of the async API runs on this thread (on its fiber, or a SQLite
  // worker): the only code that may use an async session's connection; elsewhere a statement of
  // an async session would block its loop, and is async.blocking_call.
  static void set_in_async_call(bool running) noexcept;
  [[nodiscard]] static bool in_async_call() noexcept;

  // Whether the session holds a connection, or a place in the pool for one.
  [[nodiscard]] bool has_connection() const noexcept { return m_connection || m_reserved; }
  // Whether reads may run beside each other (the async API's pipelined reads): the session
  // holds a connection in its transaction and has nothing to write first.
  [[nodiscard]] bool reads_may_share() const noexcept { return m_connection && !pending(); }
  // The async API reserved a place in the pool (database_impl::reserve): the session connects
  // in it, or gives it back at its end.
  void use_reserved_place() noexcept { m_reserved = true; }
  // SQLite's async calls run on a worker thread: from the call's start to its result's return
  // to the loop (both on the loop's thread), the loop's code may not change the session's
  // objects (check_change), which the worker reads and writes meanwhile.
  void set_call_on_worker(bool running) noexcept { m_call_on_worker = running; }

  [[nodiscard]] database_impl& db() noexcept { return m_db; }
  // The connection, in a transaction begun on first use.
  [[nodiscard]] driver::connection& connection();

  entity_base& create(const entity_info& entity);
  // The object with `key`, from the identity map or the database; null when there is none.
  [[nodiscard]] entity_base* load(const entity_info& entity, const value& key);
  // Loads the objects of `keys` (none of them null) that the session does not have yet, in a
  // few statements (WHERE key IN (...)); keys that match no row are left out.
  void load_all(const entity_info& entity, std::span<const value> keys);
  // Reads the column of lazy `attr` of `object` into its field; object_not_found when the row
  // is gone.
  void load_lazy(entity_base& object, const attr_info& attr);
  // A change of `attr` of `object`, recorded before the field changes: the object is written
  // on flush, its UPDATE setting the attribute's column; where the program had read the value
  // it replaces, the UPDATE checks that the row still holds that value (optimistic check).
  void touch(entity_base& object, const attr_info& attr);
  // Removes the object, and what it takes with it (cascade_delete); throws
  // relation.delete_blocked, with nothing changed, when an object that requires it would stay.
  void remove(entity_base& object);
  // A join row of a many-to-many attribute to insert or delete on flush (`owner` holds `attr`).
  void link(const attr_info& attr, entity_base& owner, entity_base& item, bool add);
  [[nodiscard]] materialize::identity_map& objects() noexcept { return m_store->objects; }
  // What keeps this session's objects alive for results that outlive the session.
  [[nodiscard]] std::shared_ptr<void> keeper() const noexcept { return m_store; }

  // Writes what is pending, calling the entities' hooks; an exception (a refused write, a
  // failed optimistic check, a hook's own) rolls the session back before it propagates.
  // Nothing is done inside a hook (PonyORM's rule): its changes are written in the next round.
  void flush();
  // Calls the after_load hooks of the objects read since (after the rows' cursor is gone).
  // After a bulk UPDATE of `entity` setting `attrs`: the objects the session holds read those
  // columns again (refresh.cpp).
  void refresh_after_update(const entity_info& entity, const std::vector<const attr_info*>& attrs);
  // E::upsert (refresh.cpp): the row of `values`, inserted or, where a row with the same values
  // of `conflict` (default: the key) exists, updated with the other values; its object.
  entity_base& upsert(const entity_info& entity, const params& values,
                      std::span<const std::string_view> conflict);
  void run_after_load() {
    if (!objects().awaiting_after_load.empty()) call_after_load();
  }
  void commit();
  // Drops pending changes and rolls back; the session goes on with no objects (those loaded so
  // far stay readable where they are held, and belong to no session).
  void rollback();

 private:
  // The objects a remove() takes with it, into `going`; throws where one would be left behind.
  void check_removable(entity_base& object, std::unordered_set<const entity_base*>& going);
  void remove_checked(entity_base& object);
  // The created objects' INSERTs (inserts.cpp): in foreign-key order, in batches where the
  // provider can.
  void insert_created();
  [[nodiscard]] std::vector<entity_base*> insert_order();
  void insert_batch(std::span<entity_base* const> run, bool generated);
  void insert_one(entity_base& object);
  void start_version(entity_base& object);
  // The loaded collections (or the column-less one-to-one side) on the other side of these
  // references, read again on next use.
  void forget_reverse_sides(std::span<const attr_info* const> attrs);
  // The batched writes after the inserts (writes.cpp). The UPDATEs of m_modified, with the hooks
  // after them when `hooks`.
  void update_modified(bool hooks);
  // The INSERTs and DELETEs of the many-to-many join tables' rows of m_links.
  void write_links();
  // The DELETEs of m_deleted, in order: consecutive objects of one table whose removal checks
  // nothing go in one `DELETE ... WHERE key IN (...)`.
  void erase_deleted();
  // The flush's rounds: hooks before, the writes, hooks after (which may change more).
  void write_pending();
  void write_round();
  [[nodiscard]] bool pending() const noexcept {
    return !m_created.empty() || !m_modified.empty() || !m_links.empty() || !m_deleted.empty();
  }
  void mark_modified(entity_base& object);
  // usage_error session.flush_in_progress for a change made while the session's flush awaits
  // the database, by code other than the flush's own (its hooks).
  void check_change() const {
    // (While a worker runs a call the loop does not read m_flusher, which the worker writes.)
    if (m_call_on_worker || m_flusher != nullptr) check_change_during_flush();
  }
  void check_change_during_flush() const;
  // What runs this code: the fiber of an async call, else the thread.
  [[nodiscard]] static const void* flusher() noexcept;
  class flush_scope;
  // The before_insert, before_update and before_delete hooks of what is pending, once each
  // (the objects a hook changes or makes are pending too).
  void call_before_hooks();
  void call_after_load();
  // An after_insert, after_update or after_delete hook to call once the round is written.
  void after_write(entity_base& object, entity_hooks::hook hook) {
    if (hook != nullptr) m_after_hooks.emplace_back(&object, hook);
  }

  // What the UPDATE or DELETE of an object sets and checks (database_impl::write_statement).
  struct checked_write {
    std::string shape;
    std::vector<value> checks;  // the values of the checked columns, one per column
    std::vector<const attr_info*> checked;
    value next_version;
  };
  [[nodiscard]] checked_write plan_write(entity_base& object, bool update);
  // After an UPDATE or DELETE that found no row to write: object.changed (optimistic_check_error)
  // naming what changed, read from the row now.
  [[noreturn]] void throw_changed(const entity_base& object, const checked_write& w);
  // The object's row as committed now (every column), or no row.
  [[nodiscard]] std::unique_ptr<driver::cursor> current_row(const entity_base& object);
  // The object's write is done: what it holds is what the row holds.
  void written(entity_base& object);
  // The database's statements for `entity`, remembered for the entity used last.
  [[nodiscard]] const entity_statements& statements(const entity_info& entity);

  struct link_change {
    const attr_info* attr;
    entity_base* owner;
    entity_base* item;
    bool add;
  };

  // transaction_error session.cancelled after a statement of the transaction was cancelled by
  // the session's limits, until it rolls back.
  void check_not_cancelled() const;
  // Ends the objects' life in this session: they stay readable for whoever still holds them.
  void detach_objects() noexcept;
  // A strict session's end: the objects' values go (PonyORM's strict=True).
  void forget_values() noexcept;
  // Drops pending changes and objects and rolls the transaction back (the session's end).
  void abandon() noexcept;

  // The database lives as long as its sessions (the program may destroy its `database` first).
  std::shared_ptr<database_impl> m_db_owner;
  database_impl& m_db;
  std::unique_ptr<driver::connection> m_connection;
  bool m_reserved = false;
  std::shared_ptr<materialize::object_store> m_store;
  std::vector<entity_base*> m_created;
  std::vector<entity_base*> m_modified;
  std::vector<entity_base*> m_deleted;
  std::vector<link_change> m_links;
  // The values that changed attributes held when the program had read them, until the object
  // is written: its UPDATE checks the row still holds them.
  struct original {
    std::size_t attr;
    value v;
  };
  std::unordered_map<const entity_base*, std::vector<original>> m_originals;
  std::vector<std::pair<entity_base*, entity_hooks::hook>> m_after_hooks;
  std::vector<value> m_row_key;  // the parameters of current_row()'s cursor
  bool m_optimistic = true;
  bool m_serializable = false;
  bool m_strict = false;
  bool m_batch_inserts = true;
  driver::statement_limits m_limits;  // set on the connection while the session holds it
  // Where the flush in progress runs (flusher()), null when none does: a change made elsewhere
  // meanwhile, by another task or awaited call of an async session while the flush awaits the
  // database, is refused (check_change), since the flush would drop it; a flush asked for elsewhere
  // (a read's before its query, beside others on PostgreSQL) waits for this one, so that its
  // statements see these changes.
  const void* m_flusher = nullptr;
  bool m_call_on_worker = false;       // set_call_on_worker(); written on the loop's thread only
  std::vector<void*> m_flush_waiters;  // fibers
  bool m_current;                      // a db_session's: current from construction to destruction
  session_impl* m_previous;
  const entity_info* m_statements_of = nullptr;
  std::uint64_t m_statements_version = 0;
  const entity_statements* m_statements = nullptr;
};

// The session `object` belongs to, for a change or a lazy load: usage_error session.over when
// that session has ended, object.detached when no session made the object.
[[nodiscard]] session_impl& session_of(const entity_base& object);
// create_object() for an entity of the session's database (objects.cpp).
entity_base& create_object_of(session_impl& session, const entity_info& entity,
                              const params& values);
// usage_error object.detached: a field of an object no session made.
[[noreturn]] void throw_unattached();
// "Author[1]" ("Author[new]" before the database made its key), for messages.
[[nodiscard]] std::string object_label(const entity_base& object);
// PonyORM's text of a key within an object's label: 1, 'x', or for a composite key its parts
// joined by ',' with references as objects (Student[1],Course[2]); `missing` for a key that is
// NULL or has a NULL part (an object's: "new", not inserted yet).
[[nodiscard]] std::string key_label(const entity_info& entity, const value& key,
                                    std::string_view missing = "new");
// Refuses (object.key_change) a change of a key attribute of an object already stored.
void check_key_unchanged(const entity_base& object, const attr_info& attr);
// PonyORM's OperationWithDeletedObjectError: a removed object changes no more (object.removed).
void check_not_removed(const entity_base& object);

// An object's key as statement parameters: the parts of a composite key, each.
std::vector<value> key_params(const entity_base& object);

}  // namespace nextorm::detail
