// An async session (async_session's state): its session, and the turns its awaited calls take
// with its connection, in the order awaited: one at a time, except reads on PostgreSQL, which
// run together (their statements pipelined) while the session has nothing to write.
#pragma once

#include <nextorm/async.hpp>

#include "session/database_impl.hpp"
#include "session/session_impl.hpp"

#include <deque>
#include <memory>

namespace nextorm::detail {

class async_scope {
 public:
  async_scope(database_impl& db_, const session_options& options)
      : owner{db_.shared_from_this()},
        db{db_},
        session{std::make_unique<session_impl>(db_, options, false)} {}

  std::shared_ptr<database_impl> owner;  // (the database lives as long as the async session)
  database_impl& db;
  std::unique_ptr<session_impl> session;  // none once ended
  bool busy = false;                      // a call is running alone
  std::size_t readers = 0;                // reads running together
  std::deque<async_job*> waiting;         // calls awaiting their turn
};

// The job's turn is over: the next waiting call of its session starts, then the job's waiter
// resumes. On the loop's thread.
void job_finished(async_job& job);

}  // namespace nextorm::detail
