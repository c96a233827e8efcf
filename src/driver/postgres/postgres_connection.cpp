#include "driver/postgres/postgres_connection.hpp"

#include <nextorm/errors.hpp>

#include "driver/postgres/postgres_cursor.hpp"
#include "driver/postgres/postgres_error.hpp"

#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

namespace nextorm::driver {

namespace {

// The URL without its password, for messages.
std::string redacted(const connection_url& url) {
  std::string out = "postgresql://";
  if (!url.user.empty()) out += url.user + "@";
  out += url.host;
  if (url.port != 0) out += ":" + std::to_string(url.port);
  return out + "/" + url.database;
}

// libpq's connection parameters for `url`. The URL goes to libpq as it is (it parses
// postgresql:// and postgres:// itself), with NextORM's session settings after it.
std::vector<std::pair<std::string, std::string>> connection_parameters(const connection_url& url) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string options;
  if (!url.original.empty()) {
    char* error = nullptr;
    const pg_conninfo_handle parsed{PQconninfoParse(url.original.c_str(), &error)};
    if (!parsed) {
      // No message only when libpq ran out of memory.
      std::string message = error != nullptr ? error : "out of memory";  // coverage-exempt: OOM
      PQfreemem(error);
      throw connection_error("postgres.bad_url",
                             "cannot use connection URL " + redacted(url) + ": " + message);
    }
    for (const PQconninfoOption* o = parsed.get(); o->keyword != nullptr; ++o) {
      if (o->val != nullptr && std::strcmp(o->keyword, "options") == 0) options = o->val;
    }
    out.emplace_back("dbname", url.original);
  } else {
    if (!url.host.empty()) out.emplace_back("host", url.host);
    if (url.port != 0) out.emplace_back("port", std::to_string(url.port));
    if (!url.user.empty()) out.emplace_back("user", url.user);
    if (!url.password.empty()) out.emplace_back("password", url.password);
    if (!url.database.empty()) out.emplace_back("dbname", url.database);
  }
  // Values are read in these forms whatever the server's configuration says: ISO dates, floats
  // that read back exactly (PostgreSQL 12+ prints the shortest exact form for any value > 0).
  if (!options.empty()) options += ' ';
  options += "-c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=3";
  out.emplace_back("options", options);
  out.emplace_back("client_encoding", "UTF8");
  out.emplace_back("fallback_application_name", "nextorm");
  return out;
}

// Notices (DROP ... IF EXISTS that skips, a BEGIN inside a transaction) are not errors; libpq
// would print them on stderr.
void ignore_notice(void*, const char*) {}

std::int64_t affected_rows(const PGresult* result) {
  const std::string_view text = PQcmdTuples(const_cast<PGresult*>(result));
  std::int64_t rows = 0;
  std::from_chars(text.data(), text.data() + text.size(), rows);
  return rows;  // 0 for commands that report no count
}

// PGRES_NONFATAL_ERROR goes only to the notice processor, never into a result; libpq makes
// PGRES_BAD_RESPONSE of a reply it cannot parse, which no server sends.
bool is_error(const PGresult* result) {
  const ExecStatusType s = PQresultStatus(result);
  return s == PGRES_FATAL_ERROR || s == PGRES_BAD_RESPONSE;  // coverage-exempt: a garbled reply
}

}  // namespace

std::unique_ptr<connection> open_postgres(const connection_url& url) {
  return std::make_unique<postgres_connection>(url);
}

postgres_connection::postgres_connection(const connection_url& url, wait_function wait)
    : m_wait{wait ? std::move(wait) : wait_function{wait_for_socket}}, m_guard{[this] {
        // A failed cancel request changes nothing: the guard's grace period covers it.
        std::array<char, 256> message{};
        (void)PQcancel(m_cancel.get(), message.data(), static_cast<int>(message.size()));
      }} {
  const auto parameters = connection_parameters(url);
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (const auto& [keyword, value] : parameters) {
    keywords.push_back(keyword.c_str());
    values.push_back(value.c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  m_conn.reset(PQconnectStartParams(keywords.data(), values.data(), 1));
  if (!m_conn) throw std::bad_alloc{};  // coverage-exempt: libpq fails only out of memory
  PGconn* conn = m_conn.get();
  // libpq's documented loop: wait as the last poll result says; start as if it said writing.
  PostgresPollingStatusType status =
      PQstatus(conn) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED) {
    // Writing: libpq wants the socket writable, but the server may answer first.
    (void)m_wait({PQsocket(conn), status == PGRES_POLLING_WRITING ? io::read | io::write : io::read,
                  std::nullopt});
    status = PQconnectPoll(conn);
  }
  if (status == PGRES_POLLING_FAILED) {
    throw connection_error("postgres.cannot_connect",
                           "cannot connect to " + redacted(url) + ": " + pg_error_message(conn));
  }
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  m_cancel.reset(PQgetCancel(conn));
  if (!m_cancel) throw std::bad_alloc{};  // coverage-exempt: fails only out of memory
  // Fails only when flushing pending output, and nothing is pending after the handshake.
  (void)PQsetnonblocking(conn, 1);
}

void postgres_connection::set_wait(wait_function wait) {
  m_wait = wait ? std::move(wait) : wait_function{wait_for_socket};
}

// ---- the non-blocking steps ----

void postgres_connection::start(std::string_view sql, stage first) {
  m_transaction_at_start = in_transaction();
  m_op.sql.assign(sql);
  m_op.step = first;
  m_op.preparing = false;
  m_op.copy_refused = false;
  m_op.result.reset();
}

void postgres_connection::check_idle() const {
  if (m_broken) {
    throw connection_error("postgres.connection_broken",
                           "this PostgreSQL connection was interrupted in the middle of a "
                           "statement and cannot be used any more");
  }
  if (m_op.step != stage::idle) {
    throw usage_error("postgres.busy",
                      "another statement is still running on this PostgreSQL connection");
  }
}

void postgres_connection::start_statement(const std::string& sql, std::span<const value> params,
                                          bool infer_types) {
  check_idle();
  // Into the operation's own buffers, which keep their capacity from one statement to the next:
  // a statement executed again allocates nothing here.
  encode_params(params, m_op.params);
  if (infer_types) driver::infer_types(m_op.params);
  statement_key(sql, m_op.params, m_op.key);
  const auto found = m_statements.find(m_op.key);
  start(sql, found == m_statements.end() ? stage::send_prepare : stage::send_execute);
  if (found != m_statements.end()) {
    m_op.name.assign(found->second);
  } else {
    m_op.name.assign(1, 's');
    m_op.name += std::to_string(++m_statement_count);
  }
}

void postgres_connection::start_script(std::string_view sql) {
  check_idle();
  encode_params({}, m_op.params);
  start(sql, stage::send_script);
}

void postgres_connection::lost() {
  m_op.step = stage::idle;
  throw_connection_lost(m_conn.get(), "lost the connection to the PostgreSQL server");
}

void postgres_connection::send(int ok) {
  if (ok != 1) {
    m_op.step = stage::idle;
    if (PQstatus(m_conn.get()) == CONNECTION_BAD) lost();
    throw database_error(error_category::database, "postgres.send_failed",
                         "cannot send '" + m_op.sql + "': " + pg_error_message(m_conn.get()));
  }
  m_op.step = stage::flush;
}

// Reads the results that have arrived; at the end of a command, moves to the next stage.
void postgres_connection::take_results() {
  PGconn* conn = m_conn.get();
  while (PQisBusy(conn) == 0) {
    pg_result_handle result{PQgetResult(conn)};
    if (result) {
      const ExecStatusType status = PQresultStatus(result.get());
      // COPY BOTH happens only on a replication connection, which NextORM never opens.
      const bool copy = status == PGRES_COPY_IN || status == PGRES_COPY_OUT ||
                        status == PGRES_COPY_BOTH;  // coverage-exempt: replication only
      if (copy) {
        // libpq would hand out COPY results forever: end the COPY, then report it unsupported.
        m_op.copy_refused = true;
        if (status != PGRES_COPY_OUT) {
          // Everything before was flushed, so the end fits: it fails only on a closed socket.
          const int ended = PQputCopyEnd(conn, "NextORM does not run COPY FROM STDIN");
          if (ended != 1) lost();  // coverage-exempt: a closed socket
          m_op.step = stage::flush;
        } else {
          m_op.step = stage::copy_out;
        }
        return;
      }
      // A script stops at its first error, so the last result is the error, if any.
      m_op.result = std::move(result);
      continue;
    }
    // The command is complete.
    if (m_op.preparing && !is_error(m_op.result.get())) {
      m_statements.emplace(m_op.key, m_op.name);
      m_op.preparing = false;
      m_op.result.reset();
      m_op.step = stage::send_execute;
    } else {
      m_op.step = stage::done;
    }
    return;
  }
}

pg_wait postgres_connection::advance() {
  PGconn* conn = m_conn.get();
  const pg_params& p = m_op.params;
  const int count = static_cast<int>(p.values.size());
  for (;;) {
    switch (m_op.step) {
      case stage::idle:
      case stage::done: return pg_wait::done;
      case stage::send_prepare:
        send(PQsendPrepare(conn, m_op.name.c_str(), m_op.sql.c_str(), count, p.types.data()));
        m_op.preparing = true;
        break;
      case stage::send_execute:
        send(PQsendQueryPrepared(conn, m_op.name.c_str(), count, p.values.data(), p.lengths.data(),
                                 p.formats.data(), 0));
        break;
      case stage::send_script: send(PQsendQuery(conn, m_op.sql.c_str())); break;
      case stage::flush_again:
        // The socket was full; whatever the server sent meanwhile must be read for it to go on.
        if (PQconsumeInput(conn) == 0) lost();
        [[fallthrough]];
      case stage::flush: {
        // A send that fails is reported by the next read: PQflush fails only on a closed socket.
        const int pending = PQflush(conn);
        if (pending < 0) lost();  // coverage-exempt: PQconsumeInput reports a closed socket first
        if (pending > 0) {
          m_op.step = stage::flush_again;
          return pg_wait::write;
        }
        // All is sent. The server answers once it has read all of it (the Sync at its end), so
        // no answer can be complete yet: wait for it.
        m_op.step = stage::read;
        ++m_round_trips;
        return pg_wait::read;
      }
      case stage::read:
        if (PQconsumeInput(conn) == 0) lost();
        take_results();
        if (m_op.step == stage::read) return pg_wait::read;
        break;
      case stage::copy_out: {
        // Rows of a COPY TO STDOUT: read and dropped until the COPY ends (-1).
        if (PQconsumeInput(conn) == 0) lost();
        char* row = nullptr;
        int size = 0;
        while ((size = PQgetCopyData(conn, &row, 1)) > 0) PQfreemem(row);
        if (size == 0) return pg_wait::read;
        if (size < -1) lost();  // coverage-exempt: PQconsumeInput reports a lost socket first
        m_op.step = stage::read;
        break;
      }
    }
  }
}

pg_result_handle postgres_connection::finish() {
  if (m_op.step != stage::done) {
    throw usage_error("postgres.not_finished",
                      "finish() before advance() returned done on a PostgreSQL connection");
  }
  m_op.step = stage::idle;
  pg_result_handle result = std::move(m_op.result);
  if (m_op.copy_refused) {
    throw database_error(error_category::database, "postgres.copy_unsupported",
                         "cannot execute '" + m_op.sql +
                             "': NextORM does not run COPY FROM STDIN or COPY TO STDOUT");
  }
  if (is_error(result.get())) {
    // "cached plan must not change result type" (0A000): the statement's tables changed under
    // it (ALTER TABLE); "prepared statement does not exist" (26000): the server forgot it
    // (DEALLOCATE, DISCARD ALL). Forgotten here too, the next attempt prepares it anew.
    const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    // Only libpq's own errors (a garbled reply, out of memory) have no SQLSTATE.
    const std::string_view code = state != nullptr ? state : "";  // coverage-exempt: see above
    if (!m_op.preparing && (code == "0A000" || code == "26000")) m_statements.erase(m_op.key);
    const char* verb = m_op.preparing ? "cannot prepare '" : "cannot execute '";
    throw_postgres_error(m_conn.get(), result.get(), verb + m_op.sql + "'");
  }
  return result;
}

void postgres_connection::wait_for(io interest) {
  try {
    // (PostgreSQL's own waits have no time limit: a timeout is the guard's, which sends the
    // cancel or gives up, and the wait goes on.)
    while (has(m_wait({PQsocket(m_conn.get()), interest, m_guard.wait_limit(std::nullopt)}),
               io::timeout)) {
      (void)m_guard.expired();
    }
  } catch (...) {
    m_broken = true;
    throw;
  }
}

pg_result_handle postgres_connection::run() {
  for (pg_wait wait = advance(); wait != pg_wait::done; wait = advance()) {
    // Flushing waits for writing or reading: the server may send while it is being sent to.
    wait_for(wait == pg_wait::write ? io::read | io::write : io::read);
  }
  return finish();
}

pg_result_handle postgres_connection::run_statement(const std::string& sql,
                                                    std::span<const value> params,
                                                    bool infer_types) {
  const turn held{*this};
  // (Another fiber's statement may have been cancelled while this one waited for its turn.)
  m_guard.check_not_cancelled();
  // The transaction's BEGIN goes out with its first statement: one round trip for both (within
  // statement limits too: the deadline and the cancel then cover the two).
  if (!m_begin.empty()) {
    return m_guard.run(sql, [&] { return pipelined_read(sql, params, infer_types); });
  }
  return m_guard.run(sql, [&] {
    start_statement(sql, params, infer_types);
    return run();
  });
}

pg_result_handle postgres_connection::run_script(std::string_view sql) {
  const turn held{*this};
  m_guard.check_not_cancelled();
  send_deferred_begin();
  return m_guard.run(sql, [&] {
    start_script(sql);
    return run();
  });
}

// ---- the connection interface ----

void postgres_connection::execute_script(std::string_view sql) { (void)run_script(sql); }

std::int64_t postgres_connection::execute(const std::string& sql, std::span<const value> params) {
  return affected_rows(run_statement(sql, params).get());
}

value postgres_connection::insert(const std::string& sql, std::span<const value> params) {
  const pg_result_handle result = run_statement(sql, params);
  if (PQntuples(result.get()) == 0) return {};
  return read_value(result.get(), 0, 0, value_type::null);
}

std::vector<value> postgres_connection::insert_rows(const std::string& sql,
                                                    const param_source& params, std::size_t rows,
                                                    bool returning) {
  const pg_result_handle result = run_statement(sql, collect_params(params), true);
  std::vector<value> out;
  if (returning) {
    const int count = PQntuples(result.get());
    out.reserve(static_cast<std::size_t>(count));
    for (int row = 0; row < count; ++row) {
      out.push_back(read_value(result.get(), row, 0, value_type::null));
    }
    check_inserted_rows(sql, rows, out.size());
  } else {
    check_inserted_rows(sql, rows, static_cast<std::size_t>(affected_rows(result.get())));
  }
  return out;
}

std::unique_ptr<cursor> postgres_connection::query(const std::string& sql,
                                                   std::span<const value> params) {
  // Fibers' reads share the connection through its pipeline; one within statement limits runs
  // alone (its deadline and cancel are its own).
  if (running_fiber() != nullptr && !m_guard.active()) {
    return std::make_unique<postgres_cursor>(pipelined_read(sql, params));
  }
  return std::make_unique<postgres_cursor>(run_statement(sql, params));
}

// The BEGIN waits for the transaction's first statement, to go out with it (run_statement,
// pipelined_read); a transaction that sends none costs no round trip at all.
void postgres_connection::begin() { defer_begin("BEGIN"); }
void postgres_connection::begin_serializable() {
  defer_begin("BEGIN ISOLATION LEVEL SERIALIZABLE");
}

void postgres_connection::defer_begin(const char* sql) {
  // (What the BEGIN itself would report at once: a connection known lost, or busy.)
  if (PQstatus(m_conn.get()) == CONNECTION_BAD) lost();
  check_idle();
  m_begin = sql;
}

void postgres_connection::send_deferred_begin() {
  if (m_begin.empty()) return;
  const std::string begin = std::exchange(m_begin, {});
  start_script(begin);
  (void)run();
}

void postgres_connection::commit() {
  if (!m_begin.empty()) {
    m_begin.clear();  // nothing was sent: nothing to commit
    return;
  }
  const pg_result_handle result = run_script("COMMIT");
  // COMMIT of a transaction in which a statement failed rolls it back and says so in its tag.
  if (std::strcmp(PQcmdStatus(result.get()), "ROLLBACK") == 0) {
    throw transaction_error("postgres.transaction_aborted",
                            "cannot commit: a statement of this transaction failed, so PostgreSQL "
                            "rolled the whole transaction back");
  }
}

void postgres_connection::rollback() {
  m_begin.clear();
  if (PQstatus(m_conn.get()) == CONNECTION_BAD) lost();
  // A broken connection, or an unfinished operation, makes start_script() throw
  // (postgres.connection_broken, postgres.busy): drop the connection. The rollback itself has
  // no limits: it is what a cancelled statement needs.
  if (in_transaction() || m_op.step != stage::idle || m_broken) {
    const turn held{*this};
    start_script("ROLLBACK");
    (void)run();
  }
  m_guard.rolled_back();
}

bool postgres_connection::alive() noexcept {
  PGconn* conn = m_conn.get();
  if (PQstatus(conn) != CONNECTION_OK || m_op.step != stage::idle || m_broken) return false;
  // NextORM never LISTENs, so an idle connection has nothing to read unless the server ended the
  // session (its error message, then the end of the stream) or, rarely, reported a changed
  // setting: dropping the connection then costs only a reconnect.
  pollfd descriptor{PQsocket(conn), POLLIN, 0};
  return ::poll(&descriptor, 1, 0) == 0;
}

bool postgres_connection::in_transaction() const noexcept {
  if (!m_begin.empty()) return true;
  switch (PQtransactionStatus(m_conn.get())) {
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR: return true;
    // A statement, or a pipeline of reads, is in flight (another fiber's): the transaction is
    // as it was when it began.
    case PQTRANS_ACTIVE: return m_transaction_at_start;
    default: return false;
  }
}

}  // namespace nextorm::driver
