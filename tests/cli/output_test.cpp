// How values, rows and errors are printed: tables for people, JSON for programs.
#include "cli/output.hpp"

#include <nextorm/errors.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <sstream>

using namespace nextorm;
using namespace nextorm::cli;

namespace {

std::string dump(const value& v) { return to_json(v).dump(); }

template <class F>
std::string printed(F&& print) {
  std::ostringstream out;
  print(out);
  return out.str();
}

}  // namespace

TEST_CASE("values render for tables like Python prints them, strings unquoted") {
  CHECK(render_text(value{}) == "None");
  CHECK(render_text(value{42}) == "42");
  CHECK(render_text(value{-2.5}) == "-2.5");
  CHECK(render_text(value{2.0}) == "2.0");
  CHECK(render_text(value{true}) == "True");
  CHECK(render_text(value{false}) == "False");
  CHECK(render_text(value{"it's\nok"}) == "it's ok");
  CHECK(render_text(value::typed(value_type::decimal, "12.50")) == "12.50");
  CHECK(render_text(value::typed(value_type::date, "2020-01-31")) == "2020-01-31");
  CHECK(render_text(value::typed(value_type::datetime, "2020-01-31 12:00:00")) ==
        "2020-01-31 12:00:00");
  CHECK(render_text(value::typed(value_type::time, "12:00:00")) == "12:00:00");
  CHECK(render_text(value::typed(value_type::bytes, std::string{"\x00\xff\x10", 3})) == "00ff10");
  CHECK(render_text(value::typed(value_type::json, "{\"a\": 1}")) == "{\"a\": 1}");
  CHECK(render_text(value::interval(-1)) == "-1 day, 23:59:59.999999");  // Python's str()
}

TEST_CASE("values convert to JSON exactly") {
  CHECK(dump(value{}) == "null");
  CHECK(dump(value{std::int64_t{-9007199254740993}}) == "-9007199254740993");
  CHECK(dump(value{0.1}) == "0.1");
  // JSON has no infinity nor NaN: Python's repr as a string, never null (which is None).
  CHECK(dump(value{std::numeric_limits<double>::quiet_NaN()}) == R"("nan")");
  CHECK(dump(value{std::numeric_limits<double>::infinity()}) == R"("inf")");
  CHECK(dump(value{-std::numeric_limits<double>::infinity()}) == R"("-inf")");
  CHECK(dump(value{-0.0}) == "-0.0");
  CHECK(dump(value{true}) == "true");
  CHECK(dump(value{"a\"b"}) == R"("a\"b")");
  CHECK(dump(value::typed(value_type::decimal, "12345678901234567890.10")) ==
        R"("12345678901234567890.10")");
  CHECK(dump(value::typed(value_type::date, "2020-01-31")) == R"("2020-01-31")");
  CHECK(dump(value::typed(value_type::uuid, "123e4567-e89b-12d3-a456-426614174000")) ==
        R"("123e4567-e89b-12d3-a456-426614174000")");
  CHECK(dump(value::typed(value_type::bytes, std::string{"\x00\xab", 2})) == R"("00ab")");
  CHECK(dump(value::typed(value_type::json, R"({"b": [1, 2], "a": null})")) ==
        R"({"b":[1,2],"a":null})");
  CHECK(dump(value::typed(value_type::json, "not json")) == R"("not json")");
  CHECK(dump(value::interval(90'000'000)) == R"("0:01:30")");
}

TEST_CASE("tables are PonyORM's show(): '|' between padded columns, '+' in the rule") {
  CHECK(printed([](std::ostream& out) {
          print_table(out, {"id", "name", "gpa"},
                      {{"1", "Ann", "3.9"}, {"22", "Dée", "None"}, {"3", "Bartholomew"}});
        }) ==
        "id|name       |gpa\n"
        "--+-----------+----\n"
        "1 |Ann        |3.9\n"
        "22|Dée        |None\n"
        "3 |Bartholomew|\n");
  CHECK(printed([](std::ostream& out) { print_table(out, {"s"}, {}); }) == "s\n-\n");
}

TEST_CASE("single rows print as a table of one row, or as {\"value\": ...}") {
  const row pair{value{1}, value{"Ann"}};
  const std::vector<std::string> header{"s.id", "s.name"};
  CHECK(printed([&](std::ostream& out) { print_row_table(out, header, pair); }) ==
        "s.id|s.name\n----+------\n1   |Ann\n");
  CHECK(printed([&](std::ostream& out) { print_row_table(out, header, std::nullopt); }) ==
        "None\n");
  CHECK(printed([&](std::ostream& out) { print_row_json(out, pair); }) ==
        "{\"value\":[1,\"Ann\"]}\n");
  CHECK(printed([&](std::ostream& out) { print_row_json(out, row{value{2.5}}); }) ==
        "{\"value\":2.5}\n");
  CHECK(printed([&](std::ostream& out) { print_row_json(out, std::nullopt); }) ==
        "{\"value\":null}\n");
  CHECK(printed([](std::ostream& out) { print_value_table(out, value{true}); }) == "True\n");
  CHECK(printed([](std::ostream& out) { print_value_json(out, value{}); }) == "{\"value\":null}\n");
}

TEST_CASE("invalid UTF-8 from the database does not break JSON output") {
  CHECK(printed([](std::ostream& out) { print_value_json(out, value{std::string{"a\xff"}}); }) ==
        "{\"value\":\"a\xef\xbf\xbd\"}\n");
}

TEST_CASE("errors become JSON with id, category, message, and a position for query errors") {
  CHECK(error_json(usage_error{"session.none", "no db_session"}) ==
        R"({"error":{"id":"session.none","category":"usage","message":"no db_session"}})");
  CHECK(error_json(query_error{error_category::syntax, "syntax.x", "bad", "a\nbc d", {5, 6}}) ==
        R"({"error":{"id":"syntax.x","category":"syntax","message":"bad","line":2,"column":4}})");
  CHECK(error_json(std::runtime_error{"boom"}) ==
        R"({"error":{"id":"internal","category":"internal","message":"boom"}})");
}

TEST_CASE("tables print U+FFFD for each invalid UTF-8 sequence, as Python's 'replace'") {
  const std::string bad{
      "a\xff"
      "b\xe2\x82"
      "c\xed\xa0\x80"
      "d\xc3"};
  CHECK(render_text(value{bad}) ==
        "a\xef\xbf\xbd"
        "b\xef\xbf\xbd"
        "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
        "d\xef\xbf\xbd");
  CHECK(printed([&](std::ostream& out) { print_value_table(out, value{bad}); }) ==
        render_text(value{bad}) + "\n");
  CHECK(printed([](std::ostream& out) {
          print_table(out, {"n\xff"}, {{std::string{"\xc0\xaf"}}});
        }) == "n\xef\xbf\xbd\n--\n\xef\xbf\xbd\xef\xbf\xbd\n");
}
