// The driver seam: one connection to a database, prepared statements, rows. Each backend's
// error codes are mapped to NextORM's error classes inside its driver folder and nowhere else.
#pragma once

#include <nextorm/detail/param_writer.hpp>
#include <nextorm/detail/row_reader.hpp>
#include <nextorm/errors.hpp>
#include <nextorm/value.hpp>

#include "driver/statement_guard.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm::driver {

// The rows of one executed statement. Column readers (is_null, get_int, get_real, get_text, get:
// detail::row_reader, which entity fields read themselves from) are valid until the next call to
// next().
class cursor : public detail::row_reader {
 public:
  cursor() = default;
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;
  virtual ~cursor() = default;
  [[nodiscard]] virtual bool next() = 0;
  [[nodiscard]] virtual std::size_t column_count() const noexcept = 0;
};

// A typed getter found a stored value that is not of the type asked for (SQLite: text in a
// column the schema declares int). The materializer, which knows the entity and attribute
// behind the column, rethrows it as `value.type_mismatch` naming them.
class column_type_error : public database_error {
 public:
  column_type_error(std::size_t column_, value_type wanted_, std::string found_)
      : database_error{error_category::type, "value.type_mismatch",
                       message_of(column_, wanted_, found_)},
        column{column_},
        wanted{wanted_},
        found{std::move(found_)} {}
  std::size_t column;
  value_type wanted;
  std::string found;  // "text 'abc'"

 private:
  static std::string message_of(std::size_t column, value_type wanted, const std::string& found);
};

// "text 'abc'", "float 2.5", "bytes (3)": a stored value for a message, cut at 40 bytes.
[[nodiscard]] std::string describe_stored(std::string_view kind, std::string_view text);

// What writes a statement's parameters in place (an object's fields, see session_impl).
class param_source {
 public:
  // The number of parameters write() sets, each exactly once.
  [[nodiscard]] virtual std::size_t count() const noexcept = 0;
  virtual void write(detail::param_writer& out) const = 0;

 protected:
  param_source() = default;
  ~param_source() = default;
  param_source(const param_source&) = default;
  param_source& operator=(const param_source&) = default;
};

// Parameters that are values already (a log collected them, or a caller has them at hand).
class value_params final : public param_source {
 public:
  explicit value_params(std::span<const value> values) noexcept : m_values{values} {}
  [[nodiscard]] std::size_t count() const noexcept override { return m_values.size(); }
  void write(detail::param_writer& out) const override;

 private:
  std::span<const value> m_values;
};

// One statement of connection::execute_batch; both outlive the call.
struct batched_statement {
  const std::string* sql = nullptr;
  const param_source* params = nullptr;
};

class connection {
 public:
  virtual ~connection() = default;
  [[nodiscard]] virtual std::string_view dialect_name() const noexcept = 0;
  // Statements without parameters or rows (DDL, BEGIN, ...), possibly several.
  virtual void execute_script(std::string_view sql) = 0;
  // A statement with bound parameters; returns the number of rows changed.
  virtual std::int64_t execute(const std::string& sql, std::span<const value> params) = 0;
  // An INSERT; returns the generated key (last insert id, or the RETURNING column).
  [[nodiscard]] virtual value insert(const std::string& sql, std::span<const value> params) = 0;
  // execute() and insert() with parameters the source writes straight into the statement. The
  // defaults collect them into values first; a driver that can bind in place overrides them.
  virtual std::int64_t execute_from(const std::string& sql, const param_source& params);
  [[nodiscard]] virtual value insert_from(const std::string& sql, const param_source& params);
  // Whether a multi-row INSERT ... RETURNING gives a row for each row it inserted, in their
  // order (PostgreSQL, MariaDB from 10.5, SQLite from 3.35): the session then inserts several
  // objects whose keys the database makes in one statement.
  [[nodiscard]] virtual bool returns_inserted_rows() const noexcept { return false; }
  // The most parameters one statement may have (PostgreSQL's and MariaDB's protocols: 65535).
  [[nodiscard]] virtual std::size_t max_parameters() const noexcept { return 65535; }
  // A multi-row INSERT of `rows` rows, its parameters written by `params`. With `returning`
  // (an INSERT ... RETURNING of one column): that column of each row; else nothing. Throws
  // database_error("insert.rows") when the database reports another number of rows. A driver
  // whose prepared statements depend on the parameters' types takes them from the columns.
  [[nodiscard]] virtual std::vector<value> insert_rows(const std::string& sql,
                                                       const param_source& params, std::size_t rows,
                                                       bool returning);
  // The statements in their order, each one's changed-row count written to `rows` (as many).
  // The first that fails throws its error, and those after it have not changed anything. The
  // default runs them one by one; PostgreSQL sends them all before reading any answer (pipeline
  // mode: one round trip for the lot).
  virtual void execute_batch(std::span<const batched_statement> statements,
                             std::span<std::int64_t> rows);
  // A query; the cursor must be destroyed before the next statement on this connection.
  [[nodiscard]] virtual std::unique_ptr<cursor> query(const std::string& sql,
                                                      std::span<const value> params) = 0;
  virtual void begin() = 0;
  // A transaction at the isolation level SERIALIZABLE (SQLite: BEGIN IMMEDIATE).
  virtual void begin_serializable() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  [[nodiscard]] virtual bool in_transaction() const noexcept = 0;
  // Whether a connection that waited unused (in a pool) can still run statements: false once
  // the server closed it (a killed backend, a restart, an idle timeout). Cheap: no round trip,
  // only what has already arrived on the socket is looked at.
  [[nodiscard]] virtual bool alive() noexcept = 0;
  // After the statement `sql`, which did date arithmetic (its cursor gone): throws where the
  // database made an overflow past the year 9999 (or before 0) a NULL instead of an error.
  // Only MariaDB does (a warning, which it reports only when asked); elsewhere nothing to do.
  virtual void check_date_overflow(std::string_view sql) { (void)sql; }
  // The limits of the statements from now on (session_options::statement_timeout and ::stop;
  // statement_guard.hpp), until set again (a session sets them, the pool clears them).
  virtual void set_limits(const statement_limits& limits) = 0;
  // Whether a statement of the open transaction was cancelled by those limits: the transaction
  // cannot go on, and rollback() ends this.
  [[nodiscard]] virtual bool transaction_cancelled() const noexcept = 0;
  // How many times the connection sent statements and waited for their answers (PostgreSQL
  // counts them; the others say 0).
  [[nodiscard]] virtual std::uint64_t round_trips() const noexcept { return 0; }
};

// Throws database_error("insert.rows") when a multi-row INSERT inserted `got` rows, not `wanted`.
void check_inserted_rows(std::string_view sql, std::size_t wanted, std::size_t got);

// The parameters a source writes, as values (for a log, or a driver that binds only values).
[[nodiscard]] std::vector<value> collect_params(const param_source& params);

// A parsed connection URL: sqlite:path, sqlite::memory:, postgresql://..., mariadb://...
struct connection_url {
  std::string provider;  // "sqlite", "postgres", "mariadb"
  std::string path;      // sqlite: file path or ":memory:"
  std::string user;
  std::string password;
  std::string host;
  std::uint16_t port = 0;
  std::string database;
  std::string original;  // postgresql: passed to libpq as it is
  bool create = true;    // sqlite: create a missing file (nextorm query opens without)
};

// Throws usage_error("url.invalid" / "url.provider") for what it cannot parse.
[[nodiscard]] connection_url parse_url(std::string_view url);

// The URL text of parsed parts (percent-encoding user, password and database), for the
// keyword form of database::bind.
[[nodiscard]] std::string to_url(const connection_url& url);

// Opens a connection for the URL's provider; throws connection_error.
[[nodiscard]] std::unique_ptr<connection> open(const connection_url& url);

}  // namespace nextorm::driver
