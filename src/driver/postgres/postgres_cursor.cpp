#include "driver/postgres/postgres_cursor.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/types.hpp>

#include "driver/postgres/postgres_params.hpp"

#include <charconv>
#include <cmath>
#include <new>

namespace nextorm::driver {

namespace {

std::string_view field(const PGresult* result, int row, int column) {
  return {PQgetvalue(result, row, column),
          static_cast<std::size_t>(PQgetlength(result, row, column))};
}

[[noreturn]] void bad_value(std::string_view text, Oid oid, value_type wanted) {
  throw database_error(error_category::database, "postgres.bad_value",
                       "cannot read '" + std::string{text} + "' (a PostgreSQL " +
                           std::string{type_name(value_type_of(oid))} + " column) as " +
                           std::string{type_name(wanted)});
}

template <class T>
bool parse_all(std::string_view text, T& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

// An interval column's text (IntervalStyle postgres, which the connection sets): "1 day
// 02:03:04.5", "-1 days +23:00:00"; the output of an expression that is no interval is refused.
std::int64_t parse_interval(std::string_view text, Oid oid) {
  if (oid == pg_oid::interval) {
    try {
      return timedelta_from_text(text).count();
    } catch (const usage_error&) {  // beyond ±292,000 years (PostgreSQL reaches 178 million)
    }
  }
  bad_value(text, oid, value_type::interval);
}

std::int64_t parse_int(std::string_view text, Oid oid) {
  if (oid == pg_oid::boolean) return text == "t" ? 1 : 0;
  std::int64_t out = 0;
  if (parse_all(text, out)) return out;
  // SUM over bigint is numeric, and numeric or float text may hold a whole number ("12.00").
  double real = 0;
  if (parse_all(text, real) && std::trunc(real) == real && std::fabs(real) < 0x1p63) {
    return static_cast<std::int64_t>(real);
  }
  bad_value(text, oid, value_type::integer);
}

double parse_real(std::string_view text, Oid oid) {
  double out = 0;
  // from_chars reads PostgreSQL's "NaN", "Infinity" and "-Infinity" too.
  if (parse_all(text, out)) return out;
  bad_value(text, oid, value_type::real);
}

bool parse_bool(std::string_view text, Oid oid) {
  if (oid == pg_oid::boolean) return text == "t";
  return parse_int(text, oid) != 0;
}

std::string unescape_bytea(std::string_view text) {
  std::size_t size = 0;
  // The field is NUL-terminated: libpq terminates every value of a result.
  std::unique_ptr<unsigned char, pg_memory_freer> bytes{
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(text.data()), &size)};
  if (!bytes) throw std::bad_alloc{};  // coverage-exempt: its only failure is out of memory
  return {reinterpret_cast<const char*>(bytes.get()), size};
}

}  // namespace

value_type value_type_of(Oid oid) noexcept {
  switch (oid) {
    case pg_oid::int2:
    case pg_oid::int4:
    case pg_oid::int8:
    case pg_oid::oid: return value_type::integer;
    case pg_oid::float4:
    case pg_oid::float8: return value_type::real;
    case pg_oid::numeric: return value_type::decimal;
    case pg_oid::boolean: return value_type::boolean;
    case pg_oid::bytea: return value_type::bytes;
    case pg_oid::date: return value_type::date;
    case pg_oid::timestamp:
    case pg_oid::timestamptz: return value_type::datetime;
    case pg_oid::time:
    case pg_oid::timetz: return value_type::time;
    case pg_oid::interval: return value_type::interval;
    case pg_oid::uuid: return value_type::uuid;
    case pg_oid::json:
    case pg_oid::jsonb: return value_type::json;
    default: return value_type::text;  // text, varchar, char, name and every other type
  }
}

value read_value(const PGresult* result, int row, int column, value_type type) {
  if (PQgetisnull(result, row, column)) return {};
  const Oid oid = PQftype(result, column);
  const std::string_view text = field(result, row, column);
  if (type == value_type::null) type = value_type_of(oid);
  switch (type) {
    case value_type::integer: return value{parse_int(text, oid)};
    case value_type::real: return value{parse_real(text, oid)};
    case value_type::boolean: return value{parse_bool(text, oid)};
    case value_type::text: return value{std::string{text}};
    case value_type::bytes:
      return value::typed(type, oid == pg_oid::bytea ? unescape_bytea(text) : std::string{text});
    case value_type::interval: return value::interval(parse_interval(text, oid));
    default: return value::typed(type, std::string{text});
  }
}

postgres_cursor::postgres_cursor(pg_result_handle result) noexcept
    : m_result{std::move(result)}, m_rows{PQntuples(m_result.get())} {}

bool postgres_cursor::next() {
  if (m_row < m_rows) ++m_row;
  return m_row < m_rows;
}

std::size_t postgres_cursor::column_count() const noexcept {
  return static_cast<std::size_t>(PQnfields(m_result.get()));
}

std::size_t postgres_cursor::row_count() const noexcept { return static_cast<std::size_t>(m_rows); }

bool postgres_cursor::is_null(std::size_t column) const {
  return PQgetisnull(m_result.get(), m_row, static_cast<int>(column)) != 0;
}

// Like SQLite's column readers, NULL reads as 0, 0.0 and "". A NULL field's text is empty, and
// no integer or float text is: the NULL flag is asked for only when the text is empty.
std::int64_t postgres_cursor::get_int(std::size_t column) const {
  const int c = static_cast<int>(column);
  const char* text = PQgetvalue(m_result.get(), m_row, c);
  // The common case first, in one pass over the NUL-terminated text: an int2/int4/int8 column's
  // decimal digits. At most 18 digits cannot overflow (the loop stops there); anything else,
  // a 19th digit included, takes the general path.
  const char* p = text + (*text == '-' ? 1 : 0);
  std::int64_t magnitude = 0;
  int digits = 0;
  for (; *p >= '0' && *p <= '9' && digits < 18; ++p, ++digits)
    magnitude = magnitude * 10 + (*p - '0');
  if (*p == '\0' && digits > 0) return *text == '-' ? -magnitude : magnitude;
  if (*text == '\0' && is_null(column)) return 0;
  return parse_int(field(m_result.get(), m_row, c), PQftype(m_result.get(), c));
}

double postgres_cursor::get_real(std::size_t column) const {
  const int c = static_cast<int>(column);
  const std::string_view text = field(m_result.get(), m_row, c);
  if (text.empty() && is_null(column)) return 0;
  double out = 0;
  if (parse_all(text, out)) return out;
  return parse_real(text, PQftype(m_result.get(), c));  // throws postgres.bad_value
}

std::string_view postgres_cursor::get_text(std::size_t column) const {
  return field(m_result.get(), m_row, static_cast<int>(column));
}

value postgres_cursor::get(std::size_t column, value_type type) const {
  return read_value(m_result.get(), m_row, static_cast<int>(column), type);
}

}  // namespace nextorm::driver
