// The SQL functions NextORM registers on SQLite (src/driver/sqlite/sqlite_functions.cpp), called
// as the lowered queries call them: Python's case mapping and slicing on code points of any
// length, ill-formed UTF-8 kept byte for byte, power, and NULL arguments.
#include "driver/sqlite/sqlite_connection.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace nextorm;
using namespace nextorm::driver;

namespace {

// The first column of `sql`'s only row, in the type SQLite gives it.
value one(sqlite_connection& c, const std::string& sql, std::vector<value> params = {}) {
  auto rows = c.query(sql, params);
  REQUIRE(rows->next());
  value v = rows->get(0, value_type::null);
  CHECK_FALSE(rows->next());
  return v;
}

}  // namespace

TEST_CASE("py_upper and py_lower map letters of two, three and four UTF-8 bytes",
          "[sqlite_functions]") {
  sqlite_connection c{":memory:"};
  // é (2 bytes), ⓐ (3 bytes, U+24D0), 𐐨 (4 bytes, Deseret U+10428), € (3 bytes, no case).
  CHECK(one(c, "SELECT py_upper(?)", {value{"é ⓐ 𐐨 €"}}) == value{"É Ⓐ 𐐀 €"});
  CHECK(one(c, "SELECT py_lower(?)", {value{"É Ⓐ 𐐀 €"}}) == value{"é ⓐ 𐐨 €"});
  CHECK(one(c, "SELECT py_lower(?)", {value{""}}) == value{""});
  CHECK(one(c, "SELECT py_lower(NULL)").is_null());
}

TEST_CASE("py_upper, py_lower and py_string_slice keep ill-formed UTF-8 byte for byte",
          "[sqlite_functions]") {
  sqlite_connection c{":memory:"};
  // A lead byte followed by a letter, a lone continuation byte, 0xFF, and a sequence cut short
  // at the end: each stays as it is, and the letters after them are still mapped.
  const std::string bad = "a\xC3z\x80\xFF\xE2\x82";
  CHECK(one(c, "SELECT py_upper(?)", {value{bad}}) == value{"A\xC3Z\x80\xFF\xE2\x82"});
  CHECK(one(c, "SELECT py_lower(?)", {value{"A\xC3Z\xF0\x9F"}}) == value{"a\xC3z\xF0\x9F"});
  // Each ill-formed byte counts as one character, as in Python's surrogateescape.
  CHECK(one(c, "SELECT py_string_slice(?, 1, 2)", {value{bad}}) == value{"\xC3"});
  CHECK(one(c, "SELECT py_string_slice(?, -2, NULL)", {value{bad}}) == value{"\xE2\x82"});
  CHECK(one(c, "SELECT py_string_slice(?, NULL, NULL)", {value{bad}}) == value{bad});
  CHECK(one(c, "SELECT py_string_slice(?, 6, 7)", {value{bad}}) == value{"\x82"});
  // An encoded surrogate (ED A0 80) is ill-formed too: three bytes kept, three characters.
  CHECK(one(c, "SELECT py_string_slice(?, 0, 1)", {value{"\xED\xA0\x80"}}) == value{"\xED"});
  CHECK(one(c, "SELECT py_string_slice(?, 0, 1)", {value{"𐐨x"}}) == value{"𐐨"});
}

TEST_CASE("py_string_slice of NULL is NULL", "[sqlite_functions]") {
  sqlite_connection c{":memory:"};
  CHECK(one(c, "SELECT py_string_slice(NULL, 0, 1)").is_null());
}

TEST_CASE("power is Python's ** on floats, NULL for NULL or where there is no real result",
          "[sqlite_functions]") {
  sqlite_connection c{":memory:"};
  CHECK(one(c, "SELECT power(2, 10)") == value{1024.0});
  CHECK(one(c, "SELECT power(2, -1)") == value{0.5});
  CHECK(one(c, "SELECT power(NULL, 2)").is_null());
  CHECK(one(c, "SELECT power(2, NULL)").is_null());
  // (-8) ** (1/3) has no real value (Python gives a complex number): NULL rather than NaN.
  CHECK(one(c, "SELECT power(-8, 1.0 / 3)").is_null());
}

TEST_CASE("py_contains, py_startswith and py_endswith are NULL when either side is",
          "[sqlite_functions]") {
  sqlite_connection c{":memory:"};
  CHECK(one(c, "SELECT py_contains(NULL, 'a')").is_null());
  CHECK(one(c, "SELECT py_startswith('a', NULL)").is_null());
  CHECK(one(c, "SELECT py_endswith(NULL, NULL)").is_null());
  const std::vector<value> nul{value{std::string{"a\0b", 3}}, value{std::string{"\0b", 2}}};
  CHECK(one(c, "SELECT py_endswith(?, ?)", nul) == value{std::int64_t{1}});
  CHECK(one(c, "SELECT py_startswith(?, ?)", nul) == value{std::int64_t{0}});
  CHECK(one(c, "SELECT py_contains(?, ?)", nul) == value{std::int64_t{1}});
  CHECK(one(c, "SELECT py_contains(?, ?)", {value{""}, value{""}}) == value{std::int64_t{1}});
}

TEST_CASE("the interval functions move dates and datetimes exactly, as Python does",
          "[sqlite_functions]") {
  sqlite_connection c{":memory:"};
  // Days in a double, as PonyORM stores a timedelta: 1 microsecond is 1/86400e6 day.
  const value one_micro{1.0 / 86'400'000'000.0};
  CHECK(one(c, "SELECT py_datetime_add('2024-02-28 23:59:59.999999', ?)", {one_micro}) ==
        value{"2024-02-29 00:00:00.000000"});
  CHECK(one(c, "SELECT py_datetime_add('2024-03-01 00:00:00', -(?))", {one_micro}) ==
        value{"2024-02-29 23:59:59.999999"});
  CHECK(one(c, "SELECT py_date_add('2024-03-01', -(?))", {one_micro}) == value{"2024-02-29"});
  CHECK(one(c, "SELECT py_date_add('2024-03-01', 1)") == value{"2024-03-02"});  // an INTEGER day
  CHECK(one(c, "SELECT py_timedelta_between('2024-03-01', '2024-02-28 12:00:00')") == value{1.5});
  CHECK(one(c, "SELECT py_datetime_add(NULL, 1.0)").is_null());
  CHECK(one(c, "SELECT py_date_add('2024-03-01', NULL)").is_null());
  CHECK(one(c, "SELECT py_timedelta_between(NULL, '2024-03-01')").is_null());
  // Not a date, not an interval, past the year 9999: errors, as Python's.
  for (const char* sql :
       {"SELECT py_datetime_add('yesterday', 1.0)", "SELECT py_datetime_add('2024-03-01', 'x')",
        "SELECT py_date_add('9999-12-31', 1.0)", "SELECT py_date_add('0000-01-01', -1.0)",
        "SELECT py_datetime_add('2024-03-01', 1e300)",
        "SELECT py_timedelta_between('2024-03-01', x'00')",
        "SELECT py_timedelta_between('x', '2024-03-01')",
        "SELECT py_datetime_add('9999-12-31 00:00:00', 106751989.0)"}) {
    INFO(sql);
    CHECK_THROWS_AS(c.query(sql, {})->next(), nextorm::database_error);
  }
}

TEST_CASE("an interval column's days read back as microseconds, text does not",
          "[sqlite_functions]") {
  sqlite_connection c{":memory:"};
  auto rows = c.query("SELECT 1, 0.5, -1.1573964009414794e-11, 'x', 1e300, -1e300, x'00'", {});
  REQUIRE(rows->next());
  CHECK(rows->get(0, value_type::interval) == value::interval(86'400'000'000));
  CHECK(rows->get(1, value_type::interval) == value::interval(43'200'000'000));
  CHECK(rows->get(2, value_type::interval) == value::interval(-1));
  CHECK_THROWS_WITH(rows->get(3, value_type::interval), Catch::Contains("timedelta"));
  CHECK_THROWS_AS(rows->get(4, value_type::interval), nextorm::error);
  CHECK_THROWS_AS(rows->get(5, value_type::interval), nextorm::error);
  CHECK_THROWS_AS(rows->get(6, value_type::interval), nextorm::error);
}

TEST_CASE("datetimes and times are written as PonyORM writes them, six digits of a fraction",
          "[sqlite_functions]") {
  sqlite_connection c{":memory:"};
  // PonyORM's datetime2timestamp: a fraction in six digits, ".000000" for a whole second (a
  // time is Python's str(): none for a whole second). A PonyORM database holds
  // '2024-03-11 10:00:00.500000'; a value given as '...00.5' must find it.
  const value half = value::typed(value_type::datetime, "2024-03-11 10:00:00.5");
  CHECK(one(c, "SELECT ?", {half}) == value{"2024-03-11 10:00:00.500000"});
  CHECK(one(c, "SELECT ? = '2024-03-11 10:00:00.500000'", {half}) == value{std::int64_t{1}});
  CHECK(one(c, "SELECT ?", {value::typed(value_type::datetime, "2024-03-11 10:00:00")}) ==
        value{"2024-03-11 10:00:00.000000"});
  CHECK(one(c, "SELECT ?", {value::typed(value_type::datetime, "2024-03-11T10:00:00")}) ==
        value{"2024-03-11 10:00:00.000000"});
  CHECK(one(c, "SELECT ?", {value::typed(value_type::time, "09:45:00.25")}) ==
        value{"09:45:00.250000"});
  CHECK(one(c, "SELECT ?", {value::typed(value_type::time, "09:45:00")}) == value{"09:45:00"});
  // What an INSERT stores.
  c.execute_script("CREATE TABLE t (at DATETIME)");
  (void)c.execute(
      "INSERT INTO t VALUES (?)",
      std::vector<value>{value::typed(value_type::datetime, "2024-01-02 03:04:05.000001")});
  CHECK(one(c, "SELECT at FROM t") == value{"2024-01-02 03:04:05.000001"});
  // What the interval functions compute is written the same way.
  const value half_day_and_a_bit{0.5 + 250'000.0 / 86'400'000'000.0};
  CHECK(one(c, "SELECT py_datetime_add('2024-03-11 00:00:00', ?)", {half_day_and_a_bit}) ==
        value{"2024-03-11 12:00:00.250000"});
  // A text that is no datetime is refused before it is bound.
  CHECK_THROWS_WITH(one(c, "SELECT ?", {value::typed(value_type::datetime, "soon")}),
                    Catch::Contains("value.bad_datetime"));
}
