// connection::execute_batch in libpq's pipeline mode: every statement (and the preparation of
// those new on the connection) is sent before any answer is read, so that a flush's thousands of
// UPDATEs cost one round trip instead of one each.
#include <nextorm/errors.hpp>

#include "driver/postgres/postgres_connection.hpp"
#include "driver/postgres/postgres_error.hpp"

#include <cstring>
#include <unordered_map>

namespace nextorm::driver {

namespace {

// What the next results of the pipeline answer, in the order they were sent.
struct pending_answer {
  std::size_t statement = 0;
  bool prepare = false;
  std::string key;   // of a statement prepared by this batch
  std::string name;  // ...and its name
};

std::int64_t changed_rows(const PGresult* result) {
  const char* text = PQcmdTuples(const_cast<PGresult*>(result));
  return std::strtoll(text, nullptr, 10);  // 0 for commands that report no count
}

}  // namespace

// Reads and drops every answer up to the pipeline's Sync.
void postgres_connection::drop_pipeline_answers() {
  PGconn* conn = m_conn.get();
  for (;;) {
    while (PQisBusy(conn) != 0) {
      wait_for(io::read);
      if (PQconsumeInput(conn) == 0) lost();  // coverage-exempt: lost while a refusal is drained
    }
    const pg_result_handle result{PQgetResult(conn)};
    if (result && PQresultStatus(result.get()) == PGRES_PIPELINE_SYNC) return;
  }
}

// The socket is written until libpq holds nothing more to send. What the server answers
// meanwhile is read into libpq's buffer: a server whose answers nobody reads stops reading.
void postgres_connection::send_all() {
  PGconn* conn = m_conn.get();
  for (;;) {
    const int pending = PQflush(conn);
    if (pending < 0) lost();  // coverage-exempt: a closed socket, seen by the read first
    if (pending == 0) return;
    wait_for(io::read | io::write);
    if (PQconsumeInput(conn) == 0) lost();
  }
}

void postgres_connection::execute_batch(std::span<const batched_statement> statements,
                                        std::span<std::int64_t> rows) {
  // One statement gains nothing from a pipeline.
  const turn held{*this};
  m_guard.check_not_cancelled();
  if (statements.size() < 2) return connection::execute_batch(statements, rows);
  send_deferred_begin();
  if (!m_guard.active()) return run_batch(statements, rows);
  // (The limits apply to the batch as a whole: one round trip.)
  const std::string batch = "a batch of " + std::to_string(statements.size()) +
                            " statements, the first '" + *statements[0].sql + "'";
  m_guard.run(batch, [&] { run_batch(statements, rows); });
}

void postgres_connection::run_batch(std::span<const batched_statement> statements,
                                    std::span<std::int64_t> rows) {
  check_idle();
  PGconn* conn = m_conn.get();
  if (PQenterPipelineMode(conn) != 1) lost();  // coverage-exempt: refused only when not idle
  ++m_round_trips;
  std::vector<pending_answer> answers;
  answers.reserve(statements.size() + 8);
  // Statements this batch prepares: a second use of one in the batch only executes it.
  std::unordered_map<std::string, std::string> preparing;
  pg_params& p = m_op.params;
  auto sent = [&](int ok, const std::string& sql) {
    if (ok == 1) return;
    if (PQstatus(conn) == CONNECTION_BAD) lost();  // coverage-exempt: lost between two sends
    // libpq refused the statement itself (too many parameters): what was sent before it is
    // ended by a Sync and its answers dropped, so that the connection goes on.
    const std::string message = pg_error_message(conn);
    if (PQpipelineSync(conn) != 1) lost();  // coverage-exempt: refused only on a lost connection
    send_all();
    drop_pipeline_answers();
    (void)PQexitPipelineMode(conn);
    throw database_error(error_category::database, "postgres.send_failed",
                         "cannot send '" + sql + "': " + message);
  };
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const std::string& sql = *statements[i].sql;
    encode_params(collect_params(*statements[i].params), p);
    std::string key;
    statement_key(sql, p, key);
    const int count = static_cast<int>(p.values.size());
    std::string name;
    if (const auto known = m_statements.find(key); known != m_statements.end()) {
      name = known->second;
    } else if (const auto batch = preparing.find(key); batch != preparing.end()) {
      name = batch->second;
    } else {
      name = "s" + std::to_string(++m_statement_count);
      sent(PQsendPrepare(conn, name.c_str(), sql.c_str(), count, p.types.data()), sql);
      preparing.emplace(key, name);
      answers.push_back({i, true, std::move(key), name});
    }
    sent(PQsendQueryPrepared(conn, name.c_str(), count, p.values.data(), p.lengths.data(),
                             p.formats.data(), 0),
         sql);
    answers.push_back({i, false, {}, {}});
    send_all();
  }
  sent(PQpipelineSync(conn), "SYNC");
  send_all();

  // The answers: each statement's results end with a null; the Sync's result ends them all.
  // After an error, the server skips the rest (PGRES_PIPELINE_ABORTED).
  pg_result_handle failure;
  std::size_t failed = 0;
  std::size_t next = 0;
  int nulls = 0;  // nulls in a row: more than one means libpq has no answer left
  for (;;) {
    while (PQisBusy(conn) != 0) {
      wait_for(io::read);
      if (PQconsumeInput(conn) == 0) lost();
    }
    pg_result_handle result{PQgetResult(conn)};
    if (!result) {
      // The end of one statement's answer (its results come first).
      if (++nulls > 1) lost();  // coverage-exempt: libpq ends a pipeline with its Sync result
      ++next;
      continue;
    }
    nulls = 0;
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_PIPELINE_SYNC) break;
    if (next >= answers.size()) lost();  // coverage-exempt: more answers than statements
    const pending_answer& answer = answers[next];
    // (After an error the server skips the rest: PGRES_PIPELINE_ABORTED, no second error.)
    if (status == PGRES_FATAL_ERROR) {
      failure = std::move(result);
      failed = next;
    } else if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      if (answer.prepare) {
        m_statements.emplace(answer.key, answer.name);
      } else {
        rows[answer.statement] = changed_rows(result.get());
      }
    }
  }
  (void)PQexitPipelineMode(conn);
  if (failure) {
    const pending_answer& answer = answers[failed];
    const char* state = PQresultErrorField(failure.get(), PG_DIAG_SQLSTATE);
    // (Only libpq's own errors have no SQLSTATE.)
    if (!answer.prepare && state != nullptr &&  // coverage-exempt: libpq's own errors
        std::strcmp(state, "0A000") == 0) {
      // As in finish(): a statement whose tables changed under it is prepared anew next time.
      encode_params(collect_params(*statements[answer.statement].params), p);
      std::string key;
      statement_key(*statements[answer.statement].sql, p, key);
      m_statements.erase(key);
    }
    const char* verb = answer.prepare ? "cannot prepare '" : "cannot execute '";
    throw_postgres_error(conn, failure.get(), verb + *statements[answer.statement].sql + "'");
  }
}

}  // namespace nextorm::driver
