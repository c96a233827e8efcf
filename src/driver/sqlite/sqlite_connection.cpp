#include "driver/sqlite/sqlite_connection.hpp"

#include "common/timedelta_parts.hpp"
#include "driver/error_condition.hpp"
#include "driver/sqlite/sqlite_functions.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/types.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace nextorm::driver {

void throw_sqlite_error(sqlite3* db, int code, std::string_view context) {
  // A null `db` (an open that ran out of memory) reads as "out of memory".
  const std::string error = sqlite3_errmsg(db);
  const std::string message = std::string{context} + ": " + error;
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      throw_condition("sqlite", condition::unique_violation, message);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      throw_condition("sqlite", condition::foreign_key_violation, message);
    case SQLITE_CONSTRAINT_NOTNULL:
      throw_condition("sqlite", condition::not_null_violation, message);
    case SQLITE_CONSTRAINT_CHECK: throw_condition("sqlite", condition::check_violation, message);
    // WAL: another connection committed after this transaction's snapshot was taken.
    case SQLITE_BUSY_SNAPSHOT: throw_condition("sqlite", condition::serialization_failure, message);
    default: break;
  }
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT: throw integrity_error("sqlite.constraint", message);
    case SQLITE_BUSY:
      // SQLite does not wait for a lock when waiting could deadlock: this transaction holds a
      // read lock and wants to write while another connection writes. Only a rollback helps.
      if (sqlite3_txn_state(db, nullptr) == SQLITE_TXN_READ) {
        throw_condition("sqlite", condition::deadlock_detected, message);
      }
      throw_condition("sqlite", condition::lock_timeout, message);
    case SQLITE_LOCKED: throw transaction_error("sqlite.locked", message);
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB: throw connection_error("sqlite.cannot_open", message);
    case SQLITE_ERROR:
      // SQLite has no code of its own for a statement that does not parse.
      if (error.find("syntax error") != std::string::npos ||
          error.find("incomplete input") != std::string::npos) {
        throw_condition("sqlite", condition::syntax_error, message);
      }
      [[fallthrough]];
    default: throw database_error(error_category::database, "sqlite.error", message);
  }
}

namespace {

// Binds one value; text and bytes are copied when `copy` (values the caller does not keep).
int bind_value(sqlite3_stmt* stmt, int index, const value& v, sqlite3_destructor_type copy) {
  switch (v.type()) {
    case value_type::null: return sqlite3_bind_null(stmt, index);
    case value_type::integer: return sqlite3_bind_int64(stmt, index, v.as_int());
    case value_type::real: return sqlite3_bind_double(stmt, index, v.as_real());
    case value_type::boolean: return sqlite3_bind_int(stmt, index, v.as_bool() ? 1 : 0);
    case value_type::interval:  // days, as PonyORM stores a timedelta
      return sqlite3_bind_double(stmt, index, detail::days_of(v.as_microseconds()));
    case value_type::bytes: {
      const std::string& bytes = v.as_text();
      return sqlite3_bind_blob64(stmt, index, bytes.data(), bytes.size(), copy);
    }
    case value_type::datetime:
    case value_type::time: {  // as PonyORM writes them, whatever form the value's text has
      const std::string text = python_time_text(v.as_text(), v.type() == value_type::datetime);
      return sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8);
    }
    default: {
      const std::string& text = v.as_text();
      return sqlite3_bind_text64(stmt, index, text.data(), text.size(), copy, SQLITE_UTF8);
    }
  }
}

void bind(sqlite3* db, sqlite3_stmt* stmt, std::span<const value> params) {
  int index = 0;
  for (const value& v : params) {
    // SQLITE_STATIC: the values outlive the statement's execution (the caller holds them).
    const int rc = bind_value(stmt, ++index, v, SQLITE_STATIC);
    if (rc != SQLITE_OK) throw_sqlite_error(db, rc, "cannot bind parameter");
  }
}

// Binds what a param_source writes, straight from its fields.
class sqlite_param_writer final : public detail::param_writer {
 public:
  sqlite_param_writer(sqlite3* db, sqlite3_stmt* stmt) noexcept : m_db{db}, m_stmt{stmt} {}
  void set_null(std::size_t index) override { check(sqlite3_bind_null(m_stmt, position(index))); }
  void set_int(std::size_t index, std::int64_t v) override {
    check(sqlite3_bind_int64(m_stmt, position(index), v));
  }
  void set_real(std::size_t index, double v) override {
    check(sqlite3_bind_double(m_stmt, position(index), v));
  }
  void set_text(std::size_t index, std::string_view v) override {
    // SQLITE_STATIC: the field's string outlives the statement's execution.
    check(sqlite3_bind_text64(m_stmt, position(index), v.data(), v.size(), SQLITE_STATIC,
                              SQLITE_UTF8));
  }
  void set(std::size_t index, const value& v) override {
    check(bind_value(m_stmt, position(index), v, SQLITE_TRANSIENT));
  }

 private:
  static int position(std::size_t index) noexcept { return static_cast<int>(index) + 1; }
  void check(int rc) const {
    if (rc != SQLITE_OK) throw_sqlite_error(m_db, rc, "cannot bind parameter");
  }
  sqlite3* m_db;
  sqlite3_stmt* m_stmt;
};

// The storage of the last cursor freed on this thread, for the next one: a lookup by key makes
// a cursor per call, and the allocation and free cost as much as the rest of NextORM's part of
// the lookup.
struct spare_cursor {
  spare_cursor() = default;
  spare_cursor(const spare_cursor&) = delete;
  spare_cursor& operator=(const spare_cursor&) = delete;
  ~spare_cursor() { ::operator delete(storage); }
  void* storage = nullptr;
};
thread_local spare_cursor t_spare_cursor;

// The error of a statement's step: statement_cancelled where the guard interrupted it (only the
// guard's progress handler interrupts a statement), else SQLite's.
[[noreturn]] void throw_step_error(sqlite3* db, statement_guard& guard, int code,
                                   const std::string& context) {
  if (code == SQLITE_INTERRUPT) guard.throw_cancelled();
  throw_sqlite_error(db, code, context);
}

class sqlite_cursor final : public cursor {
 public:
  sqlite_cursor(sqlite3* db, sqlite3_stmt* stmt, statement_guard& guard) noexcept
      : m_db{db}, m_stmt{stmt}, m_guard{guard} {}
  static void* operator new(std::size_t size) {
    void* storage = std::exchange(t_spare_cursor.storage, nullptr);
    return storage != nullptr ? storage : ::operator new(size);
  }
  static void operator delete(void* storage) noexcept {
    ::operator delete(std::exchange(t_spare_cursor.storage, storage));
  }
  // No sqlite3_clear_bindings: every use of a statement binds all its parameters again first.
  ~sqlite_cursor() override { sqlite3_reset(m_stmt); }
  sqlite_cursor(const sqlite_cursor&) = delete;
  sqlite_cursor& operator=(const sqlite_cursor&) = delete;

  bool next() override {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_step_error(m_db, m_guard, rc, "cannot read the next row");
  }
  std::size_t column_count() const noexcept override {
    return static_cast<std::size_t>(sqlite3_column_count(m_stmt));
  }
  bool is_null(std::size_t column) const override {
    return sqlite3_column_type(m_stmt, static_cast<int>(column)) == SQLITE_NULL;
  }
  // SQLite converts whatever a column stores ('abc' reads as 0): the storage class is checked
  // first, one compare on the hot path, and anything but the expected class goes the slow way.
  // The storage class is checked on every read (a text column declared int must not read as 0),
  // through the column's value: one column lookup for both the check and the read, where
  // sqlite3_column_type() and sqlite3_column_int64() would make two.
  std::int64_t get_int(std::size_t column) const override {
    const int c = static_cast<int>(column);
    sqlite3_value* v = sqlite3_column_value(m_stmt, c);
    if (sqlite3_value_type(v) != SQLITE_INTEGER) [[unlikely]] {
      return int_of_other(c);
    }
    return sqlite3_value_int64(v);
  }
  double get_real(std::size_t column) const override {
    const int c = static_cast<int>(column);
    sqlite3_value* v = sqlite3_column_value(m_stmt, c);
    if (sqlite3_value_type(v) != SQLITE_FLOAT) [[unlikely]] {
      return real_of_other(c);
    }
    return sqlite3_value_double(v);
  }
  std::string_view get_text(std::size_t column) const override {
    const int c = static_cast<int>(column);
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, c));
    return {text == nullptr ? "" : text, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, c))};
  }
  value get(std::size_t column, value_type type) const override {
    const int c = static_cast<int>(column);
    const int storage = sqlite3_column_type(m_stmt, c);
    if (storage == SQLITE_NULL) return {};
    if (type == value_type::null) {
      // The column's own type: what SQLite stored.
      switch (storage) {
        case SQLITE_INTEGER: type = value_type::integer; break;
        case SQLITE_FLOAT: type = value_type::real; break;
        case SQLITE_BLOB: type = value_type::bytes; break;
        default: type = value_type::text; break;
      }
    }
    switch (type) {
      case value_type::integer: return value{get_int(column)};
      case value_type::real: return value{get_real(column)};
      case value_type::boolean: return value{get_int(column) != 0};
      case value_type::text: return value{std::string{get_text(column)}};
      case value_type::bytes: {
        const auto* data = static_cast<const char*>(sqlite3_column_blob(m_stmt, c));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, c));
        return value::typed(type, data == nullptr ? std::string{} : std::string{data, size});
      }
      case value_type::interval: {
        // Days (PonyORM's): a REAL, or an INTEGER where the column's affinity made a whole
        // number one ("INTERVAL" has INT in it).
        const auto micros = storage == SQLITE_TEXT || storage == SQLITE_BLOB
                                ? std::nullopt
                                : detail::micros_of_days(sqlite3_column_double(m_stmt, c));
        if (!micros) mismatch(c, type);
        return value::interval(*micros);
      }
      case value_type::decimal:
        // PonyORM's DECIMAL columns have NUMERIC affinity: numbers come back as numbers.
        if (storage == SQLITE_TEXT) check_text_form(c, type);
        return value::typed(type, std::string{get_text(column)});
      case value_type::uuid: {
        if (storage != SQLITE_BLOB) return value::typed(type, std::string{get_text(column)});
        // PonyORM stores a uuid as its 16 bytes: read as the text every other uuid is, so that
        // objects and keys of either kind of row are alike.
        const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, c));
        if (sqlite3_column_bytes(m_stmt, c) != 16) mismatch(c, type);
        std::array<std::uint8_t, 16> octets{};
        std::copy(data, data + 16, octets.begin());
        return value::typed(type, uuid{octets}.text());
      }
      case value_type::date:
      case value_type::datetime:
      case value_type::time:
        if (storage != SQLITE_TEXT) mismatch(c, type);
        check_text_form(c, type);
        return value::typed(type, std::string{get_text(column)});
      default: return value::typed(type, std::string{get_text(column)});
    }
  }

 private:
  [[noreturn]] void mismatch(int c, value_type wanted) const {
    std::string found;
    switch (sqlite3_column_type(m_stmt, c)) {
      case SQLITE_INTEGER:
        found = describe_stored("int", get_text(static_cast<std::size_t>(c)));
        break;
      case SQLITE_FLOAT:
        found = describe_stored("float", get_text(static_cast<std::size_t>(c)));
        break;
      case SQLITE_BLOB:
        found =
            describe_stored("bytes", {static_cast<const char*>(sqlite3_column_blob(m_stmt, c)),
                                      static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, c))});
        break;
      default: found = describe_stored("text", get_text(static_cast<std::size_t>(c))); break;
    }
    throw column_type_error(static_cast<std::size_t>(c), wanted, std::move(found));
  }
  // NULL reads as 0; an integral float and the text of an integer (strftime's, say) as the
  // integer; anything else is not an int.
  std::int64_t int_of_other(int c) const {
    switch (sqlite3_column_type(m_stmt, c)) {
      case SQLITE_NULL: return 0;
      case SQLITE_FLOAT: {
        const double d = sqlite3_column_double(m_stmt, c);
        if (d >= -9.2e18 && d <= 9.2e18 && d == std::trunc(d)) return static_cast<std::int64_t>(d);
        break;
      }
      case SQLITE_TEXT: {
        const std::string_view text = get_text(static_cast<std::size_t>(c));
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc{} && end == text.data() + text.size()) return v;  // "" is an error
        break;
      }
      default: break;
    }
    mismatch(c, value_type::integer);
  }
  double real_of_other(int c) const {
    switch (sqlite3_column_type(m_stmt, c)) {
      case SQLITE_NULL: return 0;
      case SQLITE_INTEGER: return sqlite3_column_double(m_stmt, c);
      case SQLITE_TEXT: {
        const std::string_view text = get_text(static_cast<std::size_t>(c));
        double v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc{} && end == text.data() + text.size()) return v;  // "" is an error
        break;
      }
      default: break;
    }
    mismatch(c, value_type::real);
  }
  // Text in a date, datetime, time or decimal column must have the type's form.
  void check_text_form(int c, value_type type) const {
    const std::string_view text = get_text(static_cast<std::size_t>(c));
    try {
      switch (type) {
        case value_type::date: (void)date_from_text(text); break;
        case value_type::datetime: (void)datetime_from_text(text); break;
        case value_type::time: (void)time_from_text(text); break;
        default: (void)decimal{text}; break;
      }
    } catch (const usage_error&) {
      throw column_type_error(static_cast<std::size_t>(c), type, describe_stored("text", text));
    }
  }

  sqlite3* m_db;
  sqlite3_stmt* m_stmt;
  statement_guard& m_guard;
};

// SQLite's progress handler while the connection has limits: non-zero interrupts the statement.
int stop_if_due(void* guard) { return static_cast<statement_guard*>(guard)->should_stop() ? 1 : 0; }
// Instructions of SQLite's virtual machine between two looks at the limits: tens of
// microseconds of work, against a look that costs a clock read.
constexpr int progress_period = 1000;

}  // namespace

sqlite_connection::sqlite_connection(const std::string& path, bool create) {
  sqlite3* db = nullptr;
  // NOMUTEX: a connection is used by one thread at a time (a session owns it; the pool hands it
  // over with a lock of its own), so SQLite's per-call mutex of the serialized mode is waste.
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
                                     SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  m_db.reset(db);
  if (rc != SQLITE_OK) throw_sqlite_error(db, rc, "cannot open SQLite database '" + path + "'");
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  register_sqlite_functions(db);
  execute_script("PRAGMA foreign_keys = ON");
}

namespace {
namespace transaction_sql {
const std::string begin{"BEGIN"};
const std::string begin_immediate{"BEGIN IMMEDIATE"};
const std::string commit{"COMMIT"};
const std::string rollback{"ROLLBACK"};
}  // namespace transaction_sql
}  // namespace

void sqlite_connection::set_limits(const statement_limits& limits) {
  m_guard.set(limits);
  sqlite3_progress_handler(m_db.get(), m_guard.active() ? progress_period : 0,
                           m_guard.active() ? stop_if_due : nullptr, &m_guard);
}

void sqlite_connection::fail(int code, const std::string& context) {
  throw_step_error(m_db.get(), m_guard, code, context);
}

void sqlite_connection::execute_script(std::string_view sql) {
  m_guard.disarm();  // scripts (DDL, pragmas) run without the sessions' limits
  char* message = nullptr;
  const std::string text{sql};
  const int rc = sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) fail(rc, "cannot execute '" + text + "'");
}

sqlite3_stmt* sqlite_connection::prepare(const std::string& sql) {
  // A statement's time runs from here to its last row.
  if (m_guard.active()) m_guard.arm(sql);
  // Runs of the same statement (lookups by key, inserts of one entity) skip hashing the text.
  if (m_last == nullptr || m_last->first != sql) {
    auto found = m_statements.find(sql);
    if (found == m_statements.end()) {
      sqlite3_stmt* stmt = nullptr;
      const int rc = sqlite3_prepare_v3(m_db.get(), sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) throw_sqlite_error(m_db.get(), rc, "cannot prepare '" + sql + "'");
      found = m_statements.emplace(sql, sqlite_stmt_handle{stmt}).first;
    }
    m_last = &*found;
  }
  return m_last->second.get();
}

sqlite3_stmt* sqlite_connection::prepare(const std::string& sql, std::span<const value> params) {
  sqlite3_stmt* stmt = prepare(sql);
  bind(m_db.get(), stmt, params);
  return stmt;
}

sqlite3_stmt* sqlite_connection::prepare(const std::string& sql, const param_source& params) {
  sqlite3_stmt* stmt = prepare(sql);
  sqlite_param_writer writer{m_db.get(), stmt};
  params.write(writer);
  return stmt;
}

void sqlite_connection::run(sqlite3_stmt* stmt) {
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    fail(rc, "cannot execute '" + std::string{sqlite3_sql(stmt)} + "'");
  }
}

std::int64_t sqlite_connection::execute(const std::string& sql, std::span<const value> params) {
  run(prepare(sql, params));
  return sqlite3_changes64(m_db.get());
}

value sqlite_connection::insert(const std::string& sql, std::span<const value> params) {
  run(prepare(sql, params));
  return last_insert_id();
}

value sqlite_connection::last_insert_id() const noexcept {
  return value{static_cast<std::int64_t>(sqlite3_last_insert_rowid(m_db.get()))};
}

std::int64_t sqlite_connection::execute_from(const std::string& sql, const param_source& params) {
  run(prepare(sql, params));
  return sqlite3_changes64(m_db.get());
}

value sqlite_connection::insert_from(const std::string& sql, const param_source& params) {
  run(prepare(sql, params));
  return last_insert_id();
}

std::unique_ptr<cursor> sqlite_connection::query(const std::string& sql,
                                                 std::span<const value> params) {
  return std::make_unique<sqlite_cursor>(m_db.get(), prepare(sql, params), m_guard);
}

// Prepared statements like any other (cached by the connection): sqlite3_exec would parse and
// compile the text every time, a few thousand instructions per transaction, which a session
// per request pays twice.
std::size_t sqlite_connection::max_parameters() const noexcept {
  return static_cast<std::size_t>(sqlite3_limit(m_db.get(), SQLITE_LIMIT_VARIABLE_NUMBER, -1));
}

void sqlite_connection::begin() { run(prepare(transaction_sql::begin)); }
// SQLite's transactions are serializable anyway; IMMEDIATE takes the write lock at once, so that
// a transaction that reads and then writes is never refused at its first write (PonyORM's
// serializable db_session does the same).
void sqlite_connection::begin_serializable() { run(prepare(transaction_sql::begin_immediate)); }
void sqlite_connection::commit() { run(prepare(transaction_sql::commit)); }
void sqlite_connection::rollback() {
  if (in_transaction()) {
    sqlite3_stmt* stmt = prepare(transaction_sql::rollback);
    m_guard.disarm();  // (never interrupted: it is what a cancelled statement needs)
    run(stmt);
  }
  m_guard.rolled_back();
}
bool sqlite_connection::in_transaction() const noexcept {
  return sqlite3_get_autocommit(m_db.get()) == 0;
}

}  // namespace nextorm::driver
