// db_session: the unit of work. Objects created, changed or removed inside are written in one
// transaction when the scope ends; an exception ending the scope rolls everything back.
// transact(): a unit of work as a function, rerun when a concurrent transaction got in its way.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <utility>

namespace nextorm {

class database;
namespace detail {
class session_impl;
}

struct session_options {
  // PonyORM's optimistic=: an UPDATE (or DELETE) of an object checks that its row still holds
  // the values the session read from it, and throws optimistic_check_error, rolling the
  // session back, when another transaction changed them meanwhile. Off: the last writer wins.
  bool optimistic = true;
  // PonyORM's serializable=: the transaction runs at the isolation level SERIALIZABLE (SQLite,
  // serializable anyway: BEGIN IMMEDIATE, which takes the write lock at once). A conflict with
  // another transaction then fails as serialization_failure, which transact() reruns.
  bool serializable = false;
  // PonyORM's strict=: at the session's end its objects forget their values (the memory goes),
  // and reading one after throws session.over instead of answering from what was loaded.
  bool strict = false;
  // Several new objects of one entity go in one multi-row INSERT where the database returns
  // their keys (PostgreSQL, MariaDB 10.5+, SQLite 3.35+). Off: a row at a time, for tables whose
  // triggers change what an INSERT inserts.
  bool batch_inserts = true;
  // The longest a statement of the session may run (zero: no limit). Past it the server is asked
  // to cancel it (PostgreSQL: a cancel request; MariaDB: KILL QUERY; SQLite: interrupted), and
  // it throws statement_cancelled (statement.timeout). The transaction cannot go on after: the
  // session must roll back (an exception ending it does), and until it has, its statements
  // throw session.cancelled.
  std::chrono::milliseconds statement_timeout{0};
  // A stop requested on this token (from any thread, or another task) cancels the statement the
  // session is running in the same way (statement.cancelled), and every later one before it
  // starts. The server's cancel is sent from the thread that requests the stop.
  std::stop_token stop{};
};

class db_session {
 public:
  explicit db_session(database& db, session_options options = {});
  // Commits (flushing first) unless the scope is left by an exception: then rolls back.
  // A failing commit throws, unless an exception is already in flight.
  ~db_session() noexcept(false);
  db_session(const db_session&) = delete;
  db_session& operator=(const db_session&) = delete;

  // Writes pending changes without committing (queries do this themselves). A write that fails
  // (a constraint, an optimistic check, an exception from a hook) rolls the session back.
  void flush();
  // Commits now; the session goes on with a new transaction.
  void commit();
  // Drops every pending change and rolls the transaction back; loaded objects are forgotten.
  void rollback();

 private:
  std::unique_ptr<detail::session_impl> m_impl;  // null for a nested session (it is ignored)
  int m_uncaught_at_start;
};

// PonyORM's flush(), commit() and rollback(): db_session's, of the current session (usage_error
// session.none when there is none), for code that has no db_session at hand. An async session's
// body awaits them: co_await nextorm::aflush() (nextorm/async.hpp).
void flush();
void commit();
void rollback();

struct transact_options {
  // How many times the unit of work is run again after a failure that another transaction
  // caused (PonyORM's db_session(retry=)): deadlock_detected, serialization_failure,
  // lock_timeout (SQLite's busy database) and optimistic_check_error. Other errors pass through
  // at once, as does the last failure.
  int retry = 0;
  // The wait before the first rerun, doubled for each further one up to max_backoff; each wait
  // is drawn at random between half of it and all of it (jitter), so that the transactions
  // that collided do not collide again.
  std::chrono::milliseconds backoff{10};
  std::chrono::milliseconds max_backoff{1000};
  // The sessions' (session_options: each run's session has these).
  bool optimistic = true;
  bool serializable = false;
  bool strict = false;
  bool batch_inserts = true;
  // Each statement's limit, and the stop that cancels the statement running (a cancelled run is
  // not run again: statement_cancelled passes through).
  std::chrono::milliseconds statement_timeout{0};
  std::stop_token stop{};
};

namespace detail {
// Runs `work` in a db_session of its own, committed at the end, as transact() describes.
void run_transaction(database& db, const transact_options& options,
                     const std::function<void()>& work);
}  // namespace detail

// Runs `work` in a new db_session and commits it; on a failure caused by a concurrent
// transaction, rolls back and runs it again (up to options.retry more times) in a fresh session
// (a new identity map: objects of a failed attempt are not reused). Returns what `work` returns.
//   nextorm::transact(db, {.retry = 3}, [&] { auto& p = Product::at(1); p.stock = p.stock - 1; });
// Inside a db_session of the same database, retry must be 0 (an inner session is the outer
// one: it cannot be rerun alone): session.nested_retry.
template <class F>
auto transact(database& db, const transact_options& options, F&& work) -> std::invoke_result_t<F&> {
  using result = std::invoke_result_t<F&>;
  if constexpr (std::is_void_v<result>) {
    detail::run_transaction(db, options, [&] { work(); });
  } else {
    std::optional<result> out;
    detail::run_transaction(db, options, [&] { out.emplace(work()); });
    return std::move(*out);
  }
}
template <class F>
auto transact(database& db, F&& work) -> std::invoke_result_t<F&> {
  return transact(db, transact_options{}, std::forward<F>(work));
}

}  // namespace nextorm
