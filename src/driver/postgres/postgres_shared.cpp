// Fibers sharing one connection: the reads of an async session that the async API runs
// together (when_all). Each is sent at once in libpq's pipeline mode, behind those in flight,
// with a Sync of its own, so that an error ends only its own statement's part of the pipeline;
// the fiber whose read was sent first reads its answers, then hands the socket to the next one.
// N reads awaited together cost one round trip. Anything else a fiber runs on the connection
// (a write, a script, a batch) waits until the pipeline is empty and holds the connection until
// it ends: its turn.
#include <nextorm/errors.hpp>

#include "driver/postgres/postgres_connection.hpp"
#include "driver/postgres/postgres_error.hpp"

#include <poll.h>

#include <algorithm>
#include <exception>
#include <string_view>
#include <utility>

namespace nextorm::driver {

postgres_connection::turn::turn(postgres_connection& c) {
  const fiber_id self = running_fiber();
  // (An operation made of others, a batch of one statement, holds the turn once.)
  if (self == nullptr || c.m_turn_owner == self) return;
  while (c.m_turn_owner != nullptr || !c.m_reads.empty()) c.wait_turn();
  c.m_turn_owner = self;
  m_connection = &c;
}

postgres_connection::turn::~turn() {
  if (m_connection == nullptr) return;
  m_connection->m_turn_owner = nullptr;
  m_connection->wake_turn_waiters();
}

void postgres_connection::wait_turn() {
  m_turn_waiters.push_back(running_fiber());
  suspend_fiber();
}

// Every waiter goes on, in the order it came, and looks again at whether the connection is
// free: the reads among them join one pipeline.
void postgres_connection::wake_turn_waiters() {
  std::deque<fiber_id> waiting;
  waiting.swap(m_turn_waiters);
  for (const fiber_id fiber : waiting) resume_fiber(fiber);
}

void postgres_connection::fail_shared() noexcept {
  m_broken = true;
  std::deque<shared_read*> reads;
  reads.swap(m_reads);
  for (shared_read* read : reads) resume_fiber(read->fiber);
  wake_turn_waiters();
}

pg_result_handle postgres_connection::pipelined_read(const std::string& sql,
                                                     std::span<const value> params,
                                                     bool infer_types) {
  // A read waits behind another fiber's operation, and behind those waiting for their turn:
  // a pipeline kept busy by reads must not keep a write waiting for ever.
  // (A fiber's operation made of statements, holding the turn, sends them at once.)
  const fiber_id self = running_fiber();
  while (m_turn_owner != self && (m_turn_owner != nullptr || !m_turn_waiters.empty())) wait_turn();
  check_idle();  // (a broken connection)
  shared_read read;
  read.fiber = self;
  read.sql = &sql;
  send_read(read, params, infer_types);
  m_reads.push_back(&read);
  // The first read's fiber resumes this one once its answers are read, or the connection fails.
  if (m_reads.size() > 1) {
    suspend_fiber();
    check_idle();
  }
  read_answers(read);
  if (!read.send_error.empty()) {
    throw database_error(error_category::database, "postgres.send_failed",
                         "cannot send '" + sql + "': " + read.send_error);
  }
  if (read.failure) {
    const char* state = PQresultErrorField(read.failure.get(), PG_DIAG_SQLSTATE);
    // libpq's own errors have no SQLSTATE.
    const std::string_view code = state != nullptr ? state : "";  // coverage-exempt: see above
    // As in finish(): a statement that failed to prepare, whose tables changed under it (0A000,
    // "cached plan must not change result type"), or that the server no longer has (26000:
    // DEALLOCATE, DISCARD ALL, or a preparation that failed in this pipeline) is prepared anew
    // next time.
    if (code == "0A000" || code == "26000" || (read.prepares && !read.prepared)) {
      m_statements.erase(read.key);
    }
    if (read.failed_preparing) {
      // The reads of the same statement sent behind this one only execute it, and find no
      // statement to execute (26000): they fail as its preparation did, the true reason.
      std::exception_ptr error;
      try {
        throw_postgres_error(m_conn.get(), read.failure.get(), "cannot prepare '" + sql + "'");
      } catch (...) {
        error = std::current_exception();
      }
      m_failed_preparations.insert_or_assign(read.key, error);
      std::rethrow_exception(error);
    }
    if (const auto failed = m_failed_preparations.find(read.key);
        code == "26000" && failed != m_failed_preparations.end()) {
      std::rethrow_exception(failed->second);
    }
    throw_postgres_error(m_conn.get(), read.failure.get(), "cannot execute '" + sql + "'");
  }
  return std::move(read.result);
}

void postgres_connection::send_read(shared_read& read, std::span<const value> params,
                                    bool infer_types) {
  PGconn* conn = m_conn.get();
  if (m_reads.empty()) {
    m_transaction_at_start = in_transaction();
    m_failed_preparations.clear();  // (the last pipeline's)
    // Only refused on a connection that is not idle, and nothing else runs on it.
    if (PQenterPipelineMode(conn) != 1) lost();  // coverage-exempt: see above
    ++m_round_trips;
  }
  // Encoded into the operation's buffers, idle while reads share the connection: nothing
  // suspends between here and the send.
  pg_params& p = m_op.params;
  encode_params(params, p);
  if (infer_types) driver::infer_types(p);
  statement_key(*read.sql, p, read.key);
  const int count = static_cast<int>(p.values.size());
  std::string name;
  if (const auto known = m_statements.find(read.key); known != m_statements.end()) {
    name = known->second;
  } else {
    // Known from now on: a read of the same statement sent after this one only executes it.
    name = "s" + std::to_string(++m_statement_count);
    m_statements.emplace(read.key, name);
    read.prepares = true;
  }
  if (!m_begin.empty()) {
    const std::string begin = std::exchange(m_begin, {});
    const int sent =
        PQsendQueryParams(conn, begin.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
    if (sent != 1) m_broken = true, lost();  // coverage-exempt: a lost connection
    read.begins = true;
  }
  const bool refused = read.prepares && PQsendPrepare(conn, name.c_str(), read.sql->c_str(), count,
                                                      p.types.data()) != 1;
  if (refused) {
    // libpq refused it (too many parameters) before sending anything of it: the read has only
    // the Sync below to wait for, and reports the refusal then.
    read.send_error = pg_error_message(conn);
    m_statements.erase(read.key);
    read.prepares = false;
  } else {
    // (A prepared statement's parameters fit: only a lost connection refuses it.)
    const int sent = PQsendQueryPrepared(conn, name.c_str(), count, p.values.data(),
                                         p.lengths.data(), p.formats.data(), 0);
    if (sent != 1) m_broken = true, lost();  // coverage-exempt: a lost connection
  }
  if (PQpipelineSync(conn) != 1) m_broken = true, lost();  // coverage-exempt: a lost connection
  // What the socket takes now. Behind another fiber's read, a statement that does not fit (a big
  // parameter) is sent to its end here, the thread blocking meanwhile: libpq reads the server's
  // answers while it cannot write, and the fiber reading answers, waiting for the socket to be
  // readable, would not see them (nor would the server, waiting for the rest, send more). The
  // first read sends its own rest while it waits for its answers.
  int pending = PQflush(conn);
  while (pending > 0 && !m_reads.empty()) {
    pollfd descriptor{PQsocket(conn), POLLIN | POLLOUT, 0};
    (void)::poll(&descriptor, 1, -1);
    if (PQconsumeInput(conn) == 0) m_broken = true, lost();  // coverage-exempt: a closed socket
    pending = PQflush(conn);
  }
  if (pending < 0) m_broken = true, lost();  // coverage-exempt: a closed socket
}

void postgres_connection::read_answers(shared_read& read) {
  PGconn* conn = m_conn.get();
  try {
    // The answers expected before the statement's: the BEGIN's, the preparation's.
    int ahead = (read.begins ? 1 : 0) + (read.prepares ? 1 : 0);
    for (;;) {
      while (PQisBusy(conn) != 0) {
        // Reads sent after this one may still be in libpq's buffer: they go out meanwhile.
        const int pending = PQflush(conn);
        if (pending < 0) lost();  // coverage-exempt: a closed socket, seen by the read first
        wait_for(pending > 0 ? io::read | io::write : io::read);
        if (PQconsumeInput(conn) == 0) lost();
      }
      pg_result_handle result{PQgetResult(conn)};
      if (!result) continue;  // the end of one command's answer
      const ExecStatusType status = PQresultStatus(result.get());
      if (status == PGRES_PIPELINE_SYNC) break;
      // (After an error the server skips the rest up to the Sync, PGRES_PIPELINE_ABORTED: one
      // error at most.)
      if (status == PGRES_FATAL_ERROR) {
        read.failed_preparing = read.prepares && ahead == 1;
        read.failure = std::move(result);
      } else if (ahead > 0) {
        // The BEGIN's answer, or the preparation's (aborted where the BEGIN failed).
        if (ahead == 1 && read.prepares) read.prepared = !read.failure;
      } else if (status == PGRES_COPY_OUT || status == PGRES_COPY_IN) {
        // A raw COPY: libpq would hand out its results for ever, and a pipeline's connection
        // cannot be brought back from it: it is given up.
        throw database_error(error_category::database, "postgres.copy_unsupported",
                             "cannot execute '" + *read.sql +
                                 "': NextORM does not run COPY FROM STDIN or COPY TO STDOUT");
      } else {
        read.result = std::move(result);  // rows, or a command's tag
      }
      --ahead;
    }
  } catch (...) {
    m_reads.erase(std::find(m_reads.begin(), m_reads.end(), &read));
    fail_shared();
    throw;
  }
  m_reads.pop_front();
  if (!m_reads.empty()) {
    resume_fiber(m_reads.front()->fiber);
  } else {
    // Refused only while answers are unread, and this read's Sync was the last one sent.
    (void)PQexitPipelineMode(conn);
    wake_turn_waiters();
  }
}

}  // namespace nextorm::driver
