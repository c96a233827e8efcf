// db_session: the unit of work. Objects created, changed or removed inside are written in one
// transaction when the scope ends; an exception ending the scope rolls everything back.
#pragma once

#include <memory>

namespace nextorm {

class database;
namespace detail {
class session_impl;
}

class db_session {
 public:
  explicit db_session(database& db);
  // Commits (flushing first) unless the scope is left by an exception: then rolls back.
  // A failing commit throws, unless an exception is already in flight.
  ~db_session() noexcept(false);
  db_session(const db_session&) = delete;
  db_session& operator=(const db_session&) = delete;

  // Writes pending changes without committing (queries do this themselves).
  void flush();
  // Commits now; the session goes on with a new transaction.
  void commit();
  // Drops every pending change and rolls the transaction back; loaded objects are forgotten.
  void rollback();

 private:
  std::unique_ptr<detail::session_impl> m_impl;  // null for a nested session (it is ignored)
  int m_uncaught_at_start;
};

}  // namespace nextorm
