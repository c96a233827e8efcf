#include "driver/mariadb/mariadb_connection.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/types.hpp>

#include "driver/error_condition.hpp"

#include <errmsg.h>
#include <mysqld_error.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

namespace nextorm::driver {

namespace {

// Errors after which the server is gone (client errors 2000-2999 come from Connector/C).
bool is_connection_loss(unsigned code) noexcept {
  switch (code) {
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN: return true;
    default: return false;
  }
}

}  // namespace

void throw_mariadb_error(unsigned code, std::string_view sqlstate, std::string_view message,
                         std::string_view context) {
  const std::string text = std::string{context} + ": " + std::string{message} + " (MariaDB error " +
                           std::to_string(code) + ", SQLSTATE " + std::string{sqlstate} + ")";
  if (is_connection_loss(code)) throw_condition("mariadb", condition::connection_lost, text);
  switch (code) {
    case ER_DUP_ENTRY:
    case ER_DUP_ENTRY_WITH_KEY_NAME: throw_condition("mariadb", condition::unique_violation, text);
    case ER_ROW_IS_REFERENCED:
    case ER_NO_REFERENCED_ROW:
    case ER_ROW_IS_REFERENCED_2:
    case ER_NO_REFERENCED_ROW_2: throw_condition("mariadb", condition::foreign_key_violation, text);
    case ER_BAD_NULL_ERROR:
    case ER_NO_DEFAULT_FOR_FIELD: throw_condition("mariadb", condition::not_null_violation, text);
    case ER_CONSTRAINT_FAILED: throw_condition("mariadb", condition::check_violation, text);
    case ER_LOCK_DEADLOCK: throw_condition("mariadb", condition::deadlock_detected, text);
    case ER_LOCK_WAIT_TIMEOUT: throw_condition("mariadb", condition::lock_timeout, text);
    case ER_PARSE_ERROR: throw_condition("mariadb", condition::syntax_error, text);
    default:
      // SQLSTATE class 22, data exceptions: a value the column cannot hold (out of range, an
      // impossible date, 'abc' for a number).
      if (sqlstate.starts_with("22")) {
        throw database_error(error_category::database, "mariadb.bad_value", text);
      }
      throw database_error(error_category::database, "mariadb.error", text);
  }
}

namespace {

std::string quoted(std::string_view sql) { return std::string{"'"}.append(sql).append("'"); }

// The 16 bytes of a uuid value: its text (usage_error "uuid.invalid" if it is not a uuid), or
// the bytes themselves when a value read from a BLOB uuid (PonyORM's rows on SQLite) holds them.
std::array<std::uint8_t, 16> uuid_octets(const std::string& stored) {
  if (stored.size() != 16) return uuid{stored}.octets();
  std::array<std::uint8_t, 16> out{};
  std::memcpy(out.data(), stored.data(), out.size());
  return out;
}

// The canonical text of a uuid read from a BINARY(16) column.
std::string uuid_text(std::string_view octets) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < octets.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    const auto byte = static_cast<unsigned char>(octets[i]);
    out += digits[byte >> 4];
    out += digits[byte & 15];
  }
  return out;
}

// The limit of MariaDB's TIME: ±838:59:59.999999.
constexpr std::int64_t max_time_micros = (838LL * 3600 + 59 * 60 + 59) * 1'000'000 + 999'999;

// An interval as a TIME; beyond TIME's range a usage_error, before the server would clip it.
MYSQL_TIME interval_time(std::int64_t micros) {
  if (micros > max_time_micros || micros < -max_time_micros) {
    throw usage_error("value.interval_range",
                      "the timedelta " + timedelta_text(std::chrono::microseconds{micros}) +
                          " is beyond what MariaDB's TIME column holds (±838:59:59.999999, "
                          "about 34.9 days; PonyORM's storage of a timedelta on MySQL)");
  }
  MYSQL_TIME t{};
  t.neg = micros < 0 ? 1 : 0;
  const std::uint64_t magnitude = static_cast<std::uint64_t>(micros < 0 ? -micros : micros);
  const std::uint64_t seconds = magnitude / 1'000'000;
  // The binary protocol sends the hours as days and hours of a day (838 hours are 34 days).
  t.day = static_cast<unsigned>(seconds / 86400);
  t.hour = static_cast<unsigned>(seconds / 3600 % 24);
  t.minute = static_cast<unsigned>(seconds / 60 % 60);
  t.second = static_cast<unsigned>(seconds % 60);
  t.second_part = static_cast<unsigned long>(magnitude % 1'000'000);
  t.time_type = MYSQL_TIMESTAMP_TIME;
  return t;
}

// A TIME read back as microseconds.
std::int64_t time_micros(const MYSQL_TIME& t) {
  const std::int64_t seconds =
      (std::int64_t{t.day} * 24 + t.hour) * 3600 + std::int64_t{t.minute} * 60 + t.second;
  const std::int64_t micros = seconds * 1'000'000 + static_cast<std::int64_t>(t.second_part);
  return t.neg != 0 ? -micros : micros;
}

// A parameter's value in the form MYSQL_BIND points to, for the duration of one execution.
struct param_slot {
  MYSQL_TIME time{};
  std::int64_t integer = 0;
  double real = 0;
  signed char tiny = 0;
  unsigned long length = 0;
  my_bool null = 0;
  std::array<std::uint8_t, 16> octets{};
};

// Fills `binds` (pointing into `slots`) for `params`. The vectors belong to the statement and
// keep their capacity, so that an execution allocates nothing; text points into the caller's
// values, which outlive the execution.
void bind_params(std::span<const value> params, std::vector<MYSQL_BIND>& binds,
                 std::vector<param_slot>& slots) {
  binds.assign(params.size(), MYSQL_BIND{});
  slots.resize(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const value& v = params[i];
    MYSQL_BIND& b = binds[i];
    param_slot& s = slots[i];
    switch (v.type()) {
      case value_type::null:
        s.null = 1;
        b.buffer_type = MYSQL_TYPE_NULL;
        b.is_null = &s.null;
        break;
      case value_type::integer:
        s.integer = v.as_int();
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &s.integer;
        break;
      case value_type::real:
        s.real = v.as_real();
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = &s.real;
        break;
      case value_type::boolean:
        s.tiny = v.as_bool() ? 1 : 0;
        b.buffer_type = MYSQL_TYPE_TINY;
        b.buffer = &s.tiny;
        break;
      case value_type::interval:
        // A TIME(6) column (PonyORM's timedelta on MySQL). (A query's own intervals are
        // integers of microseconds: the lowering binds those as ints.)
        s.time = interval_time(v.as_microseconds());
        b.buffer_type = MYSQL_TYPE_TIME;
        b.buffer = &s.time;
        break;
      case value_type::uuid:
        // A uuid column is BINARY(16), as PonyORM's MySQL provider makes it: its 16 bytes.
        s.octets = uuid_octets(v.as_text());
        b.buffer_type = MYSQL_TYPE_BLOB;
        b.buffer = s.octets.data();
        b.buffer_length = static_cast<unsigned long>(s.octets.size());
        s.length = b.buffer_length;
        b.length = &s.length;
        break;
      default: {
        // Text and every other text-carried type: the server converts '2020-01-31' to a DATE,
        // '12.50' to a DECIMAL, and so on.
        const std::string& text = v.as_text();
        b.buffer_type = v.type() == value_type::bytes ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
        b.buffer = const_cast<char*>(text.data());
        b.buffer_length = static_cast<unsigned long>(text.size());
        s.length = b.buffer_length;
        b.length = &s.length;
        break;
      }
    }
  }
}

// How a result column is fetched.
enum class storage : std::uint8_t { integer, real, temporal, text, binary };

// Strings start with a buffer of this size and grow when a longer value arrives.
constexpr unsigned long initial_string_buffer = 256;

struct column_slot {
  storage kind = storage::text;
  bool boolean = false;  // TINYINT(1), MariaDB's BOOLEAN
  value_type own_type = value_type::text;
  std::int64_t integer = 0;
  double real = 0;
  MYSQL_TIME time{};
  std::vector<char> buffer;
  unsigned long length = 0;
  my_bool null = 0;
  my_bool truncated = 0;
  std::string formatted;  // the text form of a number or a time, for get_text()
  bool has_formatted = false;
};

void describe(const MYSQL_FIELD& field, column_slot& slot, MYSQL_BIND& bind) {
  bind = MYSQL_BIND{};
  slot.boolean = false;
  slot.has_formatted = false;
  switch (field.type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
      slot.kind = storage::integer;
      slot.boolean = field.type == MYSQL_TYPE_TINY && field.length == 1;
      slot.own_type = slot.boolean ? value_type::boolean : value_type::integer;
      bind.buffer_type = MYSQL_TYPE_LONGLONG;
      bind.buffer = &slot.integer;
      bind.is_unsigned = (field.flags & UNSIGNED_FLAG) != 0;
      break;
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
      slot.kind = storage::real;
      slot.own_type = value_type::real;
      bind.buffer_type = MYSQL_TYPE_DOUBLE;
      bind.buffer = &slot.real;
      break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIME:
      slot.kind = storage::temporal;
      slot.own_type = field.type == MYSQL_TYPE_TIME   ? value_type::time
                      : field.type == MYSQL_TYPE_DATE ? value_type::date
                                                      : value_type::datetime;
      bind.buffer_type = field.type;
      bind.buffer = &slot.time;
      bind.buffer_length = sizeof(MYSQL_TIME);
      break;
    default: {
      // Character and binary strings, DECIMAL, JSON, BIT, ... as the server's bytes.
      const bool binary = field.charsetnr == 63 && field.type != MYSQL_TYPE_NEWDECIMAL;
      slot.kind = binary ? storage::binary : storage::text;
      slot.own_type = binary                                ? value_type::bytes
                      : field.type == MYSQL_TYPE_NEWDECIMAL ? value_type::decimal
                                                            : value_type::text;
      // A buffer that an earlier execution grew for a long value stays grown.
      const std::size_t wanted = field.length > 0 && field.length < initial_string_buffer
                                     ? field.length
                                     : initial_string_buffer;
      if (slot.buffer.size() < wanted) slot.buffer.resize(wanted);
      bind.buffer_type = binary ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
      bind.buffer = slot.buffer.data();
      bind.buffer_length = static_cast<unsigned long>(slot.buffer.size());
      break;
    }
  }
  bind.is_null = &slot.null;
  bind.length = &slot.length;
  bind.error = &slot.truncated;
}

// ISO 8601 with a space, fractions without trailing zeros: "2020-01-31 10:00:00.5". The column's
// type decides the form: the binary protocol sends a DATETIME at midnight as a bare date.
std::string format_time(const MYSQL_TIME& t, value_type type) {
  char text[64];
  int n = 0;
  if (type == value_type::time) {
    n = std::snprintf(text, sizeof text, "%s%02u:%02u:%02u", t.neg ? "-" : "", t.day * 24 + t.hour,
                      t.minute, t.second);
  } else {
    n = std::snprintf(text, sizeof text, "%04u-%02u-%02u", t.year, t.month, t.day);
    if (type == value_type::datetime) {
      n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), " %02u:%02u:%02u",
                         t.hour, t.minute, t.second);
    }
  }
  std::string out{text, static_cast<std::size_t>(n)};
  if (t.second_part != 0) {
    char fraction[24];
    std::snprintf(fraction, sizeof fraction, ".%06lu", t.second_part % 1000000);
    std::string_view digits{fraction};
    while (digits.back() == '0') digits.remove_suffix(1);
    out += digits;
  }
  return out;
}

}  // namespace

struct mariadb_client::statement {
  statement(mariadb_stmt_handle h, std::string text) : handle{std::move(h)}, sql{std::move(text)} {}

  mariadb_stmt_handle handle;
  std::string sql;
  // The buffers of one execution, kept for the next: parameters (MYSQL_BIND points into the
  // slots) and result columns (mysql_stmt_fetch writes into the slots).
  std::vector<MYSQL_BIND> param_binds;
  std::vector<param_slot> param_slots;
  std::vector<column_slot> columns;
  std::vector<MYSQL_BIND> column_binds;
};

// The rows of one execution, fetched from the server as they are read (the binary protocol's
// unbuffered fetch, as a hand-written Connector/C program does): no copy of the whole result
// in memory, and the rows are converted while the server still sends. The connection is busy
// until the last row is read or the cursor is destroyed (which drops the rest), as the driver
// seam's cursors allow.
class mariadb_client::rows final : public cursor {
 public:
  // `limited`: the statement's limits (m_guard) run until its last row is read.
  rows(mariadb_client& client, statement& s, bool limited = false)
      : m_client{client},
        m_stmt{s.handle.get()},
        m_statement{s},
        m_columns{s.columns},
        m_binds{s.column_binds},
        m_limited{limited} {
    const unsigned count = mysql_stmt_field_count(m_stmt);
    // A statement without a result set (an UPDATE given to query()) has no rows to read.
    if (count == 0) {
      m_columns.clear();
      m_done = true;
      end_limits();
      return;
    }
    // The statement's own column descriptions: no copy (mysql_stmt_result_metadata makes one).
    const MYSQL_FIELD* fields = mariadb_stmt_fetch_fields(m_stmt);
    assert(fields != nullptr);  // null only without a result set
    m_columns.resize(count);
    m_binds.resize(count);
    for (unsigned i = 0; i < count; ++i) describe(fields[i], m_columns[i], m_binds[i]);
    bind_columns();
  }
  ~rows() override {
    drop_rest();
    if (m_limited) (void)m_client.m_guard.end();
  }
  // The rows not read, dropped.
  void drop_rest() noexcept {
    if (m_done) {
      mysql_stmt_free_result(m_stmt);  // nothing left on the wire: no I/O
      return;
    }
    // Rows not read are dropped, through the wait function like every other wait. A connection
    // interrupted or lost meanwhile is not touched: it only refuses calls from now on.
    if (m_client.m_health != health::usable) return;
    try {
      my_bool failed = 0;
      m_client.await(
          [&] { return mysql_stmt_free_result_start(&failed, m_stmt); },
          [&](int ready) { return mysql_stmt_free_result_cont(&failed, m_stmt, ready); });
    } catch (...) {
      // await() marked the connection interrupted; a destructor has nobody to tell.
    }
  }
  rows(const rows&) = delete;
  rows& operator=(const rows&) = delete;

  bool next() override {
    if (m_done) return false;
    int rc = 0;
    m_client.await([&] { return mysql_stmt_fetch_start(&rc, m_stmt); },
                   [&](int ready) { return mysql_stmt_fetch_cont(&rc, m_stmt, ready); });
    if (rc == MYSQL_NO_DATA) {
      m_done = true;
      end_limits();
      return false;
    }
    if (rc == 1) {
      m_done = true;  // an error ends the result set
      end_limits();
      m_client.fail(m_stmt, "cannot read the next row of " + quoted(m_statement.sql));
    }
    if (rc == MYSQL_DATA_TRUNCATED) fetch_truncated();
    for (auto& column : m_columns) column.has_formatted = false;
    return true;
  }
  std::size_t column_count() const noexcept override { return m_columns.size(); }
  bool is_null(std::size_t column) const override { return m_columns.at(column).null != 0; }

  // NULL reads as 0, as row_reader promises (the bound buffer may hold an earlier row's value).
  std::int64_t get_int(std::size_t column) const override {
    const column_slot& c = m_columns.at(column);
    if (c.null != 0) return 0;
    switch (c.kind) {
      case storage::integer:
        if (m_binds[column].is_unsigned && c.integer < 0) too_large(column);
        return c.integer;
      case storage::real: return truncate(column, c.real);
      default: return parse_int(column);
    }
  }
  double get_real(std::size_t column) const override {
    const column_slot& c = m_columns.at(column);
    if (c.null != 0) return 0;
    switch (c.kind) {
      case storage::integer:
        return m_binds[column].is_unsigned
                   ? static_cast<double>(static_cast<std::uint64_t>(c.integer))
                   : static_cast<double>(c.integer);
      case storage::real: return c.real;
      default: return parse_real(column);
    }
  }
  std::string_view get_text(std::size_t column) const override {
    column_slot& c = m_columns.at(column);
    if (c.null != 0) return {};
    switch (c.kind) {
      case storage::text:
      case storage::binary: return {c.buffer.data(), c.length};
      default: break;
    }
    if (!c.has_formatted) {
      c.formatted =
          c.kind == storage::temporal ? format_time(c.time, c.own_type) : format_number(column);
      c.has_formatted = true;
    }
    return c.formatted;
  }
  value get(std::size_t column, value_type type) const override {
    const column_slot& c = m_columns.at(column);
    if (c.null != 0) return {};
    if (type == value_type::null) type = c.own_type;
    switch (type) {
      case value_type::integer: return value{get_int(column)};
      case value_type::real: return value{get_real(column)};
      case value_type::boolean: return value{get_int(column) != 0};
      case value_type::text: return value{std::string{get_text(column)}};
      case value_type::interval:
        // A TIME column, or an interval the query computed (microseconds, as an integer).
        if (c.kind == storage::temporal) return value::interval(time_micros(c.time));
        return value::interval(get_int(column));
      case value_type::uuid:
        // 16 bytes of a binary column are a uuid's octets: BINARY(16), PonyORM's and NextORM's
        // uuid column, or a BLOB that holds them. Text (a CHAR(36) column) and binary values of
        // another size keep what they hold.
        if (c.kind == storage::binary && get_text(column).size() == 16) {
          return value::typed(type, uuid_text(get_text(column)));
        }
        return value::typed(type, std::string{get_text(column)});
      default: return value::typed(type, std::string{get_text(column)});
    }
  }

 private:
  // Columns whose value did not fit their buffer: grow it and read the column again.
  void fetch_truncated() {
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
      column_slot& c = m_columns[i];
      // Only strings can be cut short: numbers and times have buffers that hold any value.
      if (c.truncated == 0) continue;
      c.buffer.resize(c.length);
      MYSQL_BIND& b = m_binds[i];
      b.buffer = c.buffer.data();
      b.buffer_length = static_cast<unsigned long>(c.buffer.size());
      [[maybe_unused]] const int fetched =
          mysql_stmt_fetch_column(m_stmt, &b, static_cast<unsigned>(i), 0);
      assert(fetched == 0);  // fails only for a bad column number or no current row
    }
    // The next rows go to the grown buffers (and the old ones are gone).
    bind_columns();
  }

  void bind_columns() {
    [[maybe_unused]] const my_bool failed = mysql_stmt_bind_result(m_stmt, m_binds.data());
    assert(failed == 0);  // fails only for a buffer type Connector/C does not know
  }

  std::string format_number(std::size_t column) const {
    const column_slot& c = m_columns[column];
    char text[32];
    std::to_chars_result r{};
    if (c.kind == storage::real) {
      r = std::to_chars(text, text + sizeof text, c.real);
    } else if (m_binds[column].is_unsigned) {
      r = std::to_chars(text, text + sizeof text, static_cast<std::uint64_t>(c.integer));
    } else {
      r = std::to_chars(text, text + sizeof text, c.integer);
    }
    return std::string{text, r.ptr};
  }

  [[noreturn]] void not_a_number(std::size_t column, std::string_view type) const {
    throw database_error(error_category::type, "mariadb.conversion",
                         "column " + std::to_string(column + 1) + " of " + quoted(m_statement.sql) +
                             " holds '" + std::string{get_text(column)} + "', which is not " +
                             std::string{type});
  }

  [[noreturn]] void too_large(std::size_t column) const {
    throw database_error(error_category::type, "mariadb.conversion",
                         "column " + std::to_string(column + 1) + " of " + quoted(m_statement.sql) +
                             " holds " + std::string{get_text(column)} +
                             ", which does not fit a 64-bit integer");
  }
  // Towards zero, like a C++ cast, for the values that have an int64.
  std::int64_t truncate(std::size_t column, double real) const {
    if (!(real > -9223372036854777856.0 && real < 9223372036854775808.0)) too_large(column);
    return static_cast<std::int64_t>(real);
  }

  // DECIMAL results (SUM, AVG, ...) and numeric text: "15", "2.5000", "1e3".
  std::int64_t parse_int(std::size_t column) const {
    const std::string_view text = get_text(column);
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec == std::errc{} && end == text.data() + text.size()) return out;
    return truncate(column, parse_real(column));
  }
  double parse_real(std::size_t column) const {
    const std::string_view text = get_text(column);
    double out = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc{} || end != text.data() + text.size()) not_a_number(column, "a number");
    return out;
  }

  mariadb_client& m_client;
  MYSQL_STMT* m_stmt;
  const statement& m_statement;
  std::vector<column_slot>& m_columns;  // the statement's, reused by every execution
  std::vector<MYSQL_BIND>& m_binds;
  bool m_done = false;  // the last row was read: nothing left on the wire
  bool m_limited;       // the statement's limits still run (until its answer is in)

  // The answer is in: throws statement_cancelled where the limits cancelled the statement.
  void end_limits() {
    if (!std::exchange(m_limited, false)) return;
    m_client.m_guard.finish();
  }
};

namespace {}  // namespace

wait_request mariadb_wait_request(int socket, int status, unsigned timeout_ms) {
  wait_request request{socket, io::none, std::nullopt};
  if ((status & (MYSQL_WAIT_READ | MYSQL_WAIT_EXCEPT)) != 0) request.interest = io::read;
  if ((status & MYSQL_WAIT_WRITE) != 0) request.interest = request.interest | io::write;
  if ((status & MYSQL_WAIT_TIMEOUT) != 0) request.timeout = std::chrono::milliseconds{timeout_ms};
  return request;
}

int mariadb_wait_status(int status, io ready) {
  if (has(ready, io::timeout)) return MYSQL_WAIT_TIMEOUT;
  int out = 0;
  if (has(ready, io::read)) out |= status & (MYSQL_WAIT_READ | MYSQL_WAIT_EXCEPT);
  if (has(ready, io::write)) out |= status & MYSQL_WAIT_WRITE;
  return out;
}

mariadb_client::mariadb_client(const connection_url& url, wait_function wait)
    : m_mysql{mysql_init(nullptr)},
      m_url{url},
      m_wait{wait ? std::move(wait) : wait_function{wait_for_socket}},
      m_guard{[this] { kill_query(); }} {
  if (!m_mysql) {  // coverage-exempt: mysql_init fails only out of memory
    throw connection_error("mariadb.cannot_connect", "cannot allocate a MariaDB handle");
  }
  connect(url);
}

void mariadb_client::connect(const connection_url& url) {
  MYSQL* mysql = m_mysql.get();
  const std::string host = url.host.empty() || url.host == "localhost" ? "127.0.0.1" : url.host;
  const unsigned port = url.port != 0 ? url.port : 3306;
  const unsigned protocol = MYSQL_PROTOCOL_TCP;
  const unsigned timeout_s = 10;
  mysql_options(mysql, MYSQL_OPT_NONBLOCK, nullptr);
  mysql_options(mysql, MYSQL_OPT_PROTOCOL, &protocol);
  mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout_s);
  mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  // An explicit key of 0 is stored as 0, as on SQLite and PostgreSQL: by default MariaDB reads a
  // 0 written into an AUTO_INCREMENT column as "generate one", and the object would keep a key
  // that no row has.
  mysql_options(mysql, MYSQL_INIT_COMMAND,
                "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@sql_mode, ''), "
                "'NO_AUTO_VALUE_ON_ZERO')");
  MYSQL* connected = nullptr;
  await(
      [&] {
        return mysql_real_connect_start(&connected, mysql, host.c_str(), url.user.c_str(),
                                        url.password.c_str(),
                                        url.database.empty() ? nullptr : url.database.c_str(), port,
                                        nullptr, CLIENT_MULTI_STATEMENTS | CLIENT_FOUND_ROWS);
      },
      [&](int ready) { return mysql_real_connect_cont(&connected, mysql, ready); });
  if (connected == nullptr) {
    // Never the password: the message names where and as whom.
    const std::string where = "cannot connect to MariaDB at " + host + ":" + std::to_string(port) +
                              " as '" + url.user + "'" +
                              (url.database.empty() ? "" : " to database '" + url.database + "'");
    throw connection_error("mariadb.cannot_connect", where + ": " + mysql_error(mysql) +
                                                         " (MariaDB error " +
                                                         std::to_string(mysql_errno(mysql)) + ")");
  }
  // MariaDB 10.5 added INSERT ... RETURNING (MySQL has none; its versions are below 10.0).
  const std::string_view server = mysql_get_server_info(mysql);
  const bool recent = mysql_get_server_version(mysql) >= 100500;
  const bool mariadb = server.find("MariaDB") != std::string_view::npos;
  m_returning = recent && mariadb;  // coverage-exempt: the test servers are MariaDB 10.11
  m_thread_id = mysql_thread_id(mysql);
}

void mariadb_client::kill_query() const {
  // (A failure changes nothing: the guard's grace period covers a statement never killed.)
  try {
    mariadb_client killer{m_url};
    killer.run_text("KILL QUERY " + std::to_string(m_thread_id));
  } catch (const error&) {  // (the server refused a second connection)
  }
}

void mariadb_client::check_usable() const {
  switch (m_health) {
    case health::usable: return;
    case health::interrupted:
      throw connection_error("mariadb.connection_broken",
                             "this MariaDB connection was interrupted in the middle of a call and "
                             "cannot be used any more");
    case health::lost:
      throw_condition("mariadb", condition::connection_lost,
                      "an earlier call lost this connection to the MariaDB server");
  }
}

void mariadb_client::fail(MYSQL_STMT* stmt, std::string_view context) {
  MYSQL* mysql = m_mysql.get();
  // A server error in the middle of a streamed result (a subquery that finds two rows for one)
  // is the connection's: Connector/C leaves the statement's own error empty then.
  const bool own = stmt != nullptr && mysql_stmt_errno(stmt) != 0;
  const unsigned code = own ? mysql_stmt_errno(stmt) : mysql_errno(mysql);
  const std::string sqlstate = own ? mysql_stmt_sqlstate(stmt) : mysql_sqlstate(mysql);
  const std::string message = own ? mysql_stmt_error(stmt) : mysql_error(mysql);
  // An error packet carries no server status, so in_transaction() would still report the
  // transaction that a deadlock or an implicitly committing DDL statement ended. A statement
  // that cannot fail brings the status up to date. (Client errors, 2000-2999, mean a lost
  // connection: nothing to ask.)
  const bool server_error = code < CR_MIN_ERROR || code > CR_MAX_ERROR;
  if (is_connection_loss(code) || code == ER_NET_PACKET_TOO_LARGE) {
    // A statement larger than max_allowed_packet: the server answers and closes the connection.
    m_health = health::lost;
  } else if (server_error && in_transaction()) {
    // Not through run_text(): its own failure would come back here. If this fails too, the
    // original error is still the one to report, but a lost connection is remembered.
    MYSQL* mysql = m_mysql.get();
    int rc = 0;
    await([&] { return mysql_real_query_start(&rc, mysql, "DO 0", 4); },
          [&](int ready) { return mysql_real_query_cont(&rc, mysql, ready); });
    // DO 0 fails only when the server goes right after the failed statement.
    if (rc != 0 && is_connection_loss(mysql_errno(mysql))) {  // coverage-exempt: a dying server
      m_health = health::lost;
    }
  }
  throw_mariadb_error(code, sqlstate, message, context);
}

void mariadb_client::run_text(std::string_view sql) {
  MYSQL* mysql = m_mysql.get();
  int rc = 0;
  await([&] { return mysql_real_query_start(&rc, mysql, sql.data(), sql.size()); },
        [&](int ready) { return mysql_real_query_cont(&rc, mysql, ready); });
  const auto failed = [&] { fail(nullptr, "cannot execute " + quoted(sql)); };
  if (rc != 0) failed();
  for (;;) {
    // Results of a script are read and dropped: the protocol needs them gone.
    if (mysql_field_count(mysql) > 0) {
      MYSQL_RES* result = nullptr;
      await([&] { return mysql_store_result_start(&result, mysql); },
            [&](int ready) { return mysql_store_result_cont(&result, mysql, ready); });
      const mariadb_result_handle dropped{result};
      if (!dropped) failed();
    }
    if (!mysql_more_results(mysql)) return;
    await([&] { return mysql_next_result_start(&rc, mysql); },
          [&](int ready) { return mysql_next_result_cont(&rc, mysql, ready); });
    if (rc > 0) failed();
  }
}

void mariadb_client::execute_script(std::string_view sql) { run_limited(sql); }

void mariadb_client::check_date_overflow(std::string_view sql) {
  MYSQL* mysql = m_mysql.get();
  int rc = 0;
  constexpr std::string_view show = "SHOW WARNINGS";
  await([&] { return mysql_real_query_start(&rc, mysql, show.data(), show.size()); },
        [&](int ready) { return mysql_real_query_cont(&rc, mysql, ready); });
  MYSQL_RES* result = nullptr;
  if (rc == 0) {  // coverage-exempt: SHOW WARNINGS fails only with the connection
    await([&] { return mysql_store_result_start(&result, mysql); },
          [&](int ready) { return mysql_store_result_cont(&result, mysql, ready); });
  }
  const mariadb_result_handle warnings{result};
  const std::string context = "cannot read the rows of " + quoted(sql);
  if (!warnings) fail(nullptr, context);  // coverage-exempt: SHOW WARNINGS failed, as above
  // Level, Code, Message. Where date arithmetic leaves the years 0 to 9999 MariaDB gives NULL
  // and this warning, where Python, PostgreSQL and NextORM's SQLite raise an error: a silently
  // missing row or value would be a wrong answer.
  const std::string overflow = std::to_string(ER_DATETIME_FUNCTION_OVERFLOW);
  const bool three = mysql_num_fields(warnings.get()) == 3;
  while (MYSQL_ROW row = mysql_fetch_row(warnings.get())) {
    // (Never otherwise: a guard against a server that sends something else.)
    const bool shaped = three && row[1] != nullptr && row[2] != nullptr;  // coverage-exempt: guard
    if (shaped && overflow == row[1]) {  // coverage-exempt: `shaped` as above
      throw_mariadb_error(ER_DATETIME_FUNCTION_OVERFLOW, "22008", row[2], context);
    }
  }
}

mariadb_client::~mariadb_client() {
  // A connection interrupted in the middle of a call is somewhere inside a response: closing its
  // statements would read on (a streamed result's rows) from a protocol state that is unknown,
  // possibly for ever. Cut the socket first, so that closing fails at once instead.
  if (m_health == health::interrupted) {
    ::shutdown(static_cast<int>(mysql_get_socket(m_mysql.get())), SHUT_RDWR);
  }
  m_statements.clear();  // before m_mysql closes the connection
}

void mariadb_client::forget(statement& s) {
  // Closing drops the rows the statement still has on the wire; the handle is let go first, so
  // that an interrupted close is not retried when the connection goes.
  MYSQL_STMT* stmt = s.handle.release();
  const std::string key = s.sql;  // the map's own key goes with the entry
  m_statements.erase(key);
  my_bool failed = 0;
  await([&] { return mysql_stmt_close_start(&failed, stmt); },
        [&](int ready) { return mysql_stmt_close_cont(&failed, stmt, ready); });
}

mariadb_client::statement& mariadb_client::prepare(const std::string& sql) {
  check_usable();
  if (auto found = m_statements.find(sql); found != m_statements.end()) return *found->second;
  if (m_statements.size() >= m_statement_limit) m_statements.clear();
  mariadb_stmt_handle stmt{mysql_stmt_init(m_mysql.get())};
  if (!stmt) fail(nullptr, "cannot prepare " + quoted(sql));  // coverage-exempt: out of memory
  int rc = 0;
  MYSQL_STMT* s = stmt.get();
  await([&] { return mysql_stmt_prepare_start(&rc, s, sql.data(), sql.size()); },
        [&](int ready) { return mysql_stmt_prepare_cont(&rc, s, ready); });
  if (rc != 0) fail(s, "cannot prepare " + quoted(sql));
  auto made = std::make_unique<statement>(std::move(stmt), sql);
  statement& out = *made;
  m_statements.emplace(sql, std::move(made));
  return out;
}

mariadb_client::statement& mariadb_client::run(const std::string& sql,
                                               std::span<const value> params, bool store) {
  return m_guard.run(sql, [&]() -> statement& { return run_unlimited(sql, params, store); });
}

mariadb_client::statement& mariadb_client::run_unlimited(const std::string& sql,
                                                         std::span<const value> params,
                                                         bool store) {
  statement& s = prepare(sql);
  MYSQL_STMT* stmt = s.handle.get();
  const unsigned long expected = mysql_stmt_param_count(stmt);
  if (expected != params.size()) {
    throw usage_error("mariadb.parameter_count",
                      quoted(sql) + " takes " + std::to_string(expected) + " parameters, not " +
                          std::to_string(params.size()));
  }
  if (expected > 0) {
    bind_params(params, s.param_binds, s.param_slots);
    [[maybe_unused]] const my_bool failed = mysql_stmt_bind_param(stmt, s.param_binds.data());
    assert(failed == 0);  // fails only for a buffer type Connector/C does not know
  }
  int rc = 0;
  await([&] { return mysql_stmt_execute_start(&rc, stmt); },
        [&](int ready) { return mysql_stmt_execute_cont(&rc, stmt, ready); });
  if (rc != 0) {
    if (mysql_stmt_errno(stmt) == CR_NEW_STMT_METADATA) {
      // The statement's result columns changed since it was prepared (a table was altered):
      // Connector/C refuses its rows. It is dropped, so that the next attempt prepares it anew.
      const std::string sqlstate = mysql_stmt_sqlstate(stmt);
      const std::string message = mysql_stmt_error(stmt);
      const std::string context =
          "cannot execute " + quoted(sql) + ", whose result columns changed since it was prepared";
      forget(s);
      throw_mariadb_error(CR_NEW_STMT_METADATA, sqlstate, message, context);
    }
    fail(stmt, "cannot execute " + quoted(sql));
  }
  if (store && mysql_stmt_field_count(stmt) > 0) {
    await([&] { return mysql_stmt_store_result_start(&rc, stmt); },
          [&](int ready) { return mysql_stmt_store_result_cont(&rc, stmt, ready); });
    if (rc != 0) fail(stmt, "cannot read the rows of " + quoted(sql));
  }
  return s;
}

std::int64_t mariadb_client::execute(const std::string& sql, std::span<const value> params) {
  // Rows of a statement given to execute() are stored, to be counted.
  MYSQL_STMT* stmt = run(sql, params, true).handle.get();
  if (mysql_stmt_field_count(stmt) > 0) {
    const auto rows = static_cast<std::int64_t>(mysql_stmt_num_rows(stmt));
    mysql_stmt_free_result(stmt);
    return rows;
  }
  return static_cast<std::int64_t>(mysql_stmt_affected_rows(stmt));
}

value mariadb_client::insert(const std::string& sql, std::span<const value> params) {
  statement& s = run(sql, params, false);
  MYSQL_STMT* stmt = s.handle.get();
  if (mysql_stmt_field_count(stmt) > 0) {
    // INSERT ... RETURNING: the key is its first column, as on PostgreSQL (the server reports
    // no insert id with a result set).
    rows returned{*this, s};
    return returned.next() ? returned.get(0, value_type::null) : value{};
  }
  const auto id = static_cast<std::int64_t>(mysql_stmt_insert_id(stmt));
  return id == 0 ? value{} : value{id};
}

std::unique_ptr<cursor> mariadb_client::query(const std::string& sql,
                                              std::span<const value> params) {
  if (!m_guard.active()) return std::make_unique<rows>(*this, run_unlimited(sql, params, false));
  // The statement is in flight until its last row is read: the server may describe its rows
  // before it has made them, and the cursor then waits for them.
  m_guard.start(sql);
  try {
    return std::make_unique<rows>(*this, run_unlimited(sql, params, false), true);
  } catch (...) {
    m_guard.finish();
    throw;
  }
}

void mariadb_client::begin() { run_limited("START TRANSACTION"); }
void mariadb_client::begin_serializable() {
  // (SET TRANSACTION applies to the next transaction only.)
  run_limited("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
  run_limited("START TRANSACTION");
}
void mariadb_client::commit() { run_limited("COMMIT"); }
void mariadb_client::rollback() {
  check_usable();
  // (Never limited: it is what a cancelled statement needs.)
  if (in_transaction()) run_text("ROLLBACK");
  m_guard.rolled_back();
}

bool mariadb_client::alive() noexcept {
  if (m_health != health::usable) return false;
  // A socket the client library has closed (after it saw the server go) is -1, which poll()
  // would skip and report as quiet.
  const auto socket = static_cast<int>(mysql_get_socket(m_mysql.get()));
  if (socket < 0) return false;
  pollfd descriptor{socket, POLLIN, 0};
  return ::poll(&descriptor, 1, 0) == 0;
}

bool mariadb_client::in_transaction() const noexcept {
  unsigned int status = 0;
  mariadb_get_infov(m_mysql.get(), MARIADB_CONNECTION_SERVER_STATUS, &status);
  return (status & SERVER_STATUS_IN_TRANS) != 0;
}

std::unique_ptr<connection> open_mariadb(const connection_url& url) {
  return std::make_unique<mariadb_client>(url);
}

}  // namespace nextorm::driver
