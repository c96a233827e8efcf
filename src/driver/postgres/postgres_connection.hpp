// PostgreSQL over libpq. The connection is non-blocking underneath: every wait for the server
// goes through one replaceable wait function (driver/wait.hpp; the default blocks in poll(2)),
// and the steps
// start_*() / advance() / finish() are public, so that an async layer can drive them from its
// own event loop instead. Each statement is prepared once per connection (named s1, s2, ...,
// keyed by its SQL text and declared parameter types) and then executed with bound parameters.
#pragma once

#include "driver/connection.hpp"
#include "driver/postgres/postgres_handles.hpp"
#include "driver/postgres/postgres_params.hpp"
#include "driver/wait.hpp"

#include <deque>
#include <exception>
#include <functional>
#include <unordered_map>

namespace nextorm::driver {

// Connects to the server of a postgresql:// (or postgres://) URL; throws connection_error.
[[nodiscard]] std::unique_ptr<connection> open_postgres(const connection_url& url);

// What an operation in progress waits for before the next advance().
enum class pg_wait : std::uint8_t { done, read, write };

class postgres_connection final : public connection {
 public:
  // Connects, waiting through `wait` (wait_for_socket when empty). The session gets ISO dates,
  // shortest exact floats and UTF-8 text whatever the server's defaults. A wait function that
  // throws leaves the operation unfinished: the connection then refuses statements
  // (postgres.busy), so drop it.
  explicit postgres_connection(const connection_url& url, wait_function wait = {});

  [[nodiscard]] std::string_view dialect_name() const noexcept override { return "postgres"; }
  void execute_script(std::string_view sql) override;
  std::int64_t execute(const std::string& sql, std::span<const value> params) override;
  // Runs an INSERT ... RETURNING and returns the first column of its first row (null without
  // RETURNING: PostgreSQL has no last-insert id).
  [[nodiscard]] value insert(const std::string& sql, std::span<const value> params) override;
  [[nodiscard]] std::unique_ptr<cursor> query(const std::string& sql,
                                              std::span<const value> params) override;
  [[nodiscard]] bool returns_inserted_rows() const noexcept override { return true; }
  // Every parameter's type is the column's: one prepared statement whatever the rows' NULLs.
  [[nodiscard]] std::vector<value> insert_rows(const std::string& sql, const param_source& params,
                                               std::size_t rows, bool returning) override;
  // Pipeline mode: every statement sent before any answer is read (postgres_pipeline.cpp).
  void execute_batch(std::span<const batched_statement> statements,
                     std::span<std::int64_t> rows) override;
  void begin() override;
  void begin_serializable() override;
  // Throws transaction_error("postgres.transaction_aborted") when an earlier failed statement
  // made PostgreSQL roll the transaction back instead.
  void commit() override;
  // Does nothing outside a transaction; throws connection_error on a broken connection, so that
  // a pool drops it rather than keep it.
  void rollback() override;
  [[nodiscard]] bool in_transaction() const noexcept override;
  // False when the connection is broken or busy, or when the server has sent something on the
  // idle connection: the error that precedes closing it (pg_terminate_backend, shutdown) and the
  // end of the stream.
  [[nodiscard]] bool alive() noexcept override;
  // A statement past its deadline, or running when the stop is requested, is cancelled with
  // PQcancel (a connection of its own to the server, blocking for its round trip).
  void set_limits(const statement_limits& limits) override { m_guard.set(limits); }
  [[nodiscard]] bool transaction_cancelled() const noexcept override { return m_guard.cancelled(); }

  // The non-blocking steps. Start one operation, call advance() whenever the socket is ready
  // for what it asked (read, or write-or-read) until it returns done, then finish() hands over
  // the result or throws the mapped error. Starting a second operation before finish() throws
  // usage_error("postgres.busy").
  // With `infer_types`, no parameter declares its type: the server takes it from the
  // statement (an INSERT's columns).
  void start_statement(const std::string& sql, std::span<const value> params,
                       bool infer_types = false);
  void start_script(std::string_view sql);
  [[nodiscard]] pg_wait advance();
  [[nodiscard]] pg_result_handle finish();

  // Replaces the wait function; an empty one restores wait_for_socket.
  void set_wait(wait_function wait);
  [[nodiscard]] int socket() const noexcept { return PQsocket(m_conn.get()); }
  [[nodiscard]] PGconn* handle() const noexcept { return m_conn.get(); }
  [[nodiscard]] std::size_t prepared_statements() const noexcept { return m_statements.size(); }
  [[nodiscard]] std::uint64_t round_trips() const noexcept override { return m_round_trips; }

 private:
  enum class stage : std::uint8_t {
    idle,          // no operation
    send_prepare,  // the statement is new on this connection
    send_execute,
    send_script,
    flush,        // the command is queued in libpq
    flush_again,  // ...and the socket was full
    read,
    copy_out,  // dropping the rows of a COPY TO STDOUT
    done,      // the result waits for finish()
  };
  struct operation {
    stage step = stage::idle;
    bool preparing = false;     // the results read are those of the prepare
    bool copy_refused = false;  // a COPY FROM STDIN / TO STDOUT was ended
    std::string sql;
    std::string key;          // in m_statements
    std::string name;         // of the prepared statement
    pg_params params;         // kept (with its capacity) from one operation to the next
    pg_result_handle result;  // the first error, else the last result
  };

  void check_idle() const;  // throws postgres.busy
  void start(std::string_view sql, stage first);
  void send(int ok);
  void take_results();
  [[noreturn]] void lost();
  // Sends what libpq holds, reading the server's answers meanwhile (a pipeline's).
  void send_all();
  // Drops a pipeline's answers up to its Sync.
  void drop_pipeline_answers();
  void run_batch(std::span<const batched_statement> statements, std::span<std::int64_t> rows);
  // Runs the started operation to its end through m_wait.
  [[nodiscard]] pg_result_handle run();
  // Waits through m_wait within the statement's limits (m_guard).
  void wait_for(io interest);
  // A statement, or a script, run to its end within the limits.
  [[nodiscard]] pg_result_handle run_statement(const std::string& sql,
                                               std::span<const value> params,
                                               bool infer_types = false);
  [[nodiscard]] pg_result_handle run_script(std::string_view sql);

  // ---- fibers sharing the connection (postgres_shared.cpp) ----
  // A read sent into the pipeline, until its answers are read.
  struct shared_read {
    fiber_id fiber = nullptr;
    const std::string* sql = nullptr;
    std::string key;           // in m_statements
    bool begins = false;       // the transaction's BEGIN went first
    bool prepares = false;     // sent its statement's preparation before it
    bool prepared = false;     // ...and the server accepted it
    std::string send_error;    // libpq refused to send it (the Sync after what was sent ends it)
    pg_result_handle result;   // the rows
    pg_result_handle failure;  // the first error
    bool failed_preparing = false;  // the error is the preparation's
  };
  // A read of a fiber, with nothing else of its own running: sent at once into the pipeline
  // (entered when it is empty), behind the reads of other fibers, whose answers come first.
  [[nodiscard]] pg_result_handle pipelined_read(const std::string& sql,
                                                std::span<const value> params,
                                                bool infer_types = false);
  void send_read(shared_read& read, std::span<const value> params, bool infer_types);
  // The BEGIN that begin() deferred, as a round trip of its own (before a script, a batch, or a
  // statement within limits).
  void send_deferred_begin();
  void defer_begin(const char* sql);
  // Reads the answers of the first read of the pipeline (`read`), then hands the socket over.
  void read_answers(shared_read& read);
  // The connection failed under the pipeline: every fiber waiting on it goes on, to throw.
  // Only the fiber reading answers calls it (a read whose send fails leaves the others to it).
  void fail_shared() noexcept;
  // On a fiber, an operation other than a pipelined read waits until no fiber's read or
  // operation uses the connection, and holds it until its end (a turn); elsewhere, nothing.
  class turn {
   public:
    explicit turn(postgres_connection& c);
    ~turn();
    turn(const turn&) = delete;
    turn& operator=(const turn&) = delete;

   private:
    postgres_connection* m_connection = nullptr;
  };
  // Suspends the running fiber until the connection's turn passes (wake_turn_waiters).
  void wait_turn();
  void wake_turn_waiters();

  pg_conn_handle m_conn;
  pg_cancel_handle m_cancel;  // (read by m_guard's cancel on any thread: set once, at connect)
  wait_function m_wait;
  statement_guard m_guard;
  // A wait threw in the middle of an operation (a pipeline's included): the protocol state is
  // unknown, so every further operation is refused, and rollback() reports the connection lost.
  bool m_broken = false;
  std::unordered_map<std::string, std::string> m_statements;
  std::size_t m_statement_count = 0;
  operation m_op;
  std::uint64_t m_round_trips = 0;
  bool m_transaction_at_start = false;  // in_transaction() as the operation in flight began
  std::string m_begin;               // the BEGIN that waits for the transaction's first statement
  std::deque<shared_read*> m_reads;  // pipelined, in the order sent: the first reads
  std::deque<fiber_id> m_turn_waiters;  // fibers waiting for the connection's turn
  fiber_id m_turn_owner = nullptr;      // the fiber whose operation (other than a read) runs
  // The errors of the pipeline's reads whose statement failed to prepare, by statement key:
  // the reads of the same statement behind them report it (kept until the next pipeline).
  std::unordered_map<std::string, std::exception_ptr> m_failed_preparations;
};

}  // namespace nextorm::driver
