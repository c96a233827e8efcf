// MariaDB (and MySQL) through Connector/C: prepared statements cached per connection, every
// network round trip made through the non-blocking API and a replaceable wait function
// (driver/wait.hpp), the same seam as PostgreSQL's.
#pragma once

#include "driver/connection.hpp"
#include "driver/wait.hpp"

#include <mysql.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

namespace nextorm::driver {

struct mariadb_closer {
  void operator()(MYSQL* mysql) const noexcept { mysql_close(mysql); }
};
struct mariadb_stmt_closer {
  void operator()(MYSQL_STMT* stmt) const noexcept { mysql_stmt_close(stmt); }
};
struct mariadb_result_freer {
  void operator()(MYSQL_RES* result) const noexcept { mysql_free_result(result); }
};
using mariadb_handle = std::unique_ptr<MYSQL, mariadb_closer>;
using mariadb_stmt_handle = std::unique_ptr<MYSQL_STMT, mariadb_stmt_closer>;
using mariadb_result_handle = std::unique_ptr<MYSQL_RES, mariadb_result_freer>;

// A connection to a MariaDB server (mysql.h already declares a function `mariadb_connection`).
class mariadb_client final : public connection {
 public:
  // Connects over TCP ("localhost" and an empty host mean 127.0.0.1); throws connection_error.
  // Waits through `wait` (wait_for_socket when empty); a wait function that throws leaves the
  // call unfinished, and the connection then refuses every call (mariadb.connection_broken).
  explicit mariadb_client(const connection_url& url, wait_function wait = {});
  ~mariadb_client() override;
  mariadb_client(const mariadb_client&) = delete;
  mariadb_client& operator=(const mariadb_client&) = delete;

  [[nodiscard]] std::string_view dialect_name() const noexcept override { return "mariadb"; }
  void execute_script(std::string_view sql) override;
  std::int64_t execute(const std::string& sql, std::span<const value> params) override;
  // The AUTO_INCREMENT value the INSERT generated; null when it generated none.
  [[nodiscard]] value insert(const std::string& sql, std::span<const value> params) override;
  // The rows come from the server as the cursor reads them: no other statement can run on this
  // connection until the cursor is destroyed (the driver seam's rule for every cursor).
  [[nodiscard]] std::unique_ptr<cursor> query(const std::string& sql,
                                              std::span<const value> params) override;
  [[nodiscard]] bool returns_inserted_rows() const noexcept override { return m_returning; }
  void begin() override;
  void begin_serializable() override;
  void commit() override;
  void rollback() override;
  // What the server reports (SERVER_STATUS_IN_TRANS): statements that commit implicitly,
  // such as DDL, and deadlocks that roll back end the transaction here too.
  [[nodiscard]] bool in_transaction() const noexcept override;
  // False when the connection was lost or interrupted, or when the server has sent something on
  // the idle connection: MariaDB sends nothing unasked, so that is the end of the stream (KILL,
  // shutdown, wait_timeout) or the error before it.
  [[nodiscard]] bool alive() noexcept override;
  // Asks for the statement's warnings (SHOW WARNINGS, one round trip: the binary protocol's
  // unbuffered rows do not bring their count) and throws mariadb.bad_value for a datetime
  // overflow (1441), whose NULL would hide a row or a value; other warnings stay the server's.
  void check_date_overflow(std::string_view sql) override;
  // A statement past its deadline, or running when the stop is requested, is cancelled with
  // KILL QUERY over a connection of its own (opened where the cancel is decided: on an async
  // call's fiber it waits as the fiber does).
  void set_limits(const statement_limits& limits) override { m_guard.set(limits); }
  [[nodiscard]] bool transaction_cancelled() const noexcept override { return m_guard.cancelled(); }

  // Replaces the wait function; an empty one restores wait_for_socket.
  void set_wait(wait_function wait) {
    m_wait = wait ? std::move(wait) : wait_function{wait_for_socket};
  }

  // At most this many prepared statements stay open; past it the cache starts afresh
  // (servers limit prepared statements: max_prepared_stmt_count).
  void set_statement_cache_limit(std::size_t limit) noexcept { m_statement_limit = limit; }
  [[nodiscard]] std::size_t cached_statements() const noexcept { return m_statements.size(); }

  [[nodiscard]] MYSQL* handle() const noexcept { return m_mysql.get(); }

 private:
  struct statement;  // a prepared statement and the buffers its executions reuse
  class rows;        // query()'s cursor

  // Runs one non-blocking Connector/C call: `start()` and then `resume(ready)` return the
  // MYSQL_WAIT_* bits still awaited, 0 when done.
  template <class Start, class Resume>
  void await(Start start, Resume resume);
  void connect(const connection_url& url);
  // The cached statement for `sql`, executed with `params`; with `store`, its rows (if any) are
  // read into memory at once, else they wait on the wire for a cursor.
  statement& run(const std::string& sql, std::span<const value> params, bool store);
  statement& run_unlimited(const std::string& sql, std::span<const value> params, bool store);
  statement& prepare(const std::string& sql);
  // Closes `s` and removes it from the cache (`s` is gone after).
  void forget(statement& s);
  void run_text(std::string_view sql);
  // run_text() within the statements' limits.
  void run_limited(std::string_view sql) {
    m_guard.run(sql, [&] { run_text(sql); });
  }
  // KILL QUERY of this connection's statement, from a connection of its own.
  void kill_query() const;
  void check_usable() const;
  // Throws the statement's error (or the connection's, for a null `stmt`).
  [[noreturn]] void fail(MYSQL_STMT* stmt, std::string_view context);

  mariadb_handle m_mysql;
  // (Read by m_guard's cancel, on any thread: set once, at connect.)
  connection_url m_url;
  unsigned long m_thread_id = 0;
  wait_function m_wait;
  statement_guard m_guard;
  std::unordered_map<std::string, std::unique_ptr<statement>> m_statements;
  std::size_t m_statement_limit = 512;
  // Interrupted: a poll function threw mid-call, so the protocol state is unknown. Lost: the
  // server closed the connection. Either way every further call, rollback() included, throws
  // connection_error, so that a pool drops the connection.
  enum class health : std::uint8_t { usable, interrupted, lost };
  health m_health = health::usable;
  bool m_returning = false;  // the server has INSERT ... RETURNING
};

// Connector/C's MYSQL_WAIT_* bits as a wait request, and what happened as MYSQL_WAIT_* bits.
// (Connector/C asks for MYSQL_WAIT_EXCEPT only alongside reading; readability answers it.)
[[nodiscard]] wait_request mariadb_wait_request(int socket, int status, unsigned timeout_ms);
[[nodiscard]] int mariadb_wait_status(int status, io ready);

template <class Start, class Resume>
void mariadb_client::await(Start start, Resume resume) {
  check_usable();
  try {
    int status = start();
    while (status != 0) {
      const wait_request request = mariadb_wait_request(
          static_cast<int>(mysql_get_socket(m_mysql.get())), status,
          (status & MYSQL_WAIT_TIMEOUT) != 0 ? mysql_get_timeout_value_ms(m_mysql.get()) : 0);
      io ready = io::none;
      for (;;) {
        ready = m_wait({request.socket, request.interest, m_guard.wait_limit(request.timeout)});
        // A timeout is Connector/C's only where it asked for one and the guard's was not due.
        if (!has(ready, io::timeout)) break;
        // The guard's time (it sent the cancel, or gives up): wait on. Else Connector/C's own,
        // which it asks for only while connecting, before any limit applies.
        if (!m_guard.expired()) break;
      }
      status = resume(mariadb_wait_status(status, ready));
    }
  } catch (...) {
    m_health = health::interrupted;
    throw;
  }
}

// Maps a MariaDB error code to NextORM's error classes and throws; `message` is the server's.
[[noreturn]] void throw_mariadb_error(unsigned code, std::string_view sqlstate,
                                      std::string_view message, std::string_view context);

[[nodiscard]] std::unique_ptr<connection> open_mariadb(const connection_url& url);

}  // namespace nextorm::driver
