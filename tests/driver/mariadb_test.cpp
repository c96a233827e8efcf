// The MariaDB driver against a real server (NEXTORM_TEST_MARIADB_URL); each test case gets a
// database of its own.
#include <nextorm/errors.hpp>

#include "driver/connection.hpp"
#include "driver/mariadb/mariadb_connection.hpp"
#include "test_databases.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace Catch {
template <>
struct StringMaker<nextorm::value> {
  static std::string convert(const nextorm::value& v) {
    return std::string{nextorm::type_name(v.type())} + " " + v.repr();
  }
};
}  // namespace Catch

using namespace nextorm;
using namespace nextorm::driver;

namespace {

std::string fresh_url() {
  static int counter = 0;
  return nextorm::testing::fresh_database_url("mariadb_driver_" + std::to_string(++counter));
}

std::unique_ptr<mariadb_client> connect(const std::string& url) {
  return std::make_unique<mariadb_client>(parse_url(url));
}

// The first column of the only row of `sql`, as `type`.
value scalar(connection& c, const std::string& sql, value_type type = value_type::null,
             std::span<const value> params = {}) {
  auto rows = c.query(sql, params);
  REQUIRE(rows->next());
  value v = rows->get(0, type);
  CHECK_FALSE(rows->next());
  return v;
}

// What the server counted for this session, e.g. "Com_stmt_prepare".
std::int64_t session_status(connection& c, const std::string& name) {
  const std::vector<value> params{value{name}};
  auto rows = c.query("SHOW SESSION STATUS WHERE Variable_name = ?", params);
  REQUIRE(rows->next());
  return rows->get(1, value_type::integer).as_int();
}

// Runs `f`, which must throw a NextORM error, and returns it.
template <class F>
nextorm::error caught(F f) {
  try {
    f();
  } catch (const nextorm::error& e) {
    return e;
  }
  FAIL("no nextorm::error was thrown");
  throw std::logic_error("unreachable");
}

value typed(value_type type, std::string text) { return value::typed(type, std::move(text)); }

}  // namespace

TEST_CASE("mariadb opens through the driver seam and speaks the mariadb dialect", "[mariadb]") {
  const std::string url = fresh_url();
  auto c = open(parse_url(url));
  CHECK(c->dialect_name() == "mariadb");
  CHECK(scalar(*c, "SELECT DATABASE()") == value{parse_url(url).database});
  CHECK(scalar(*c, "SELECT @@character_set_client") == value{"utf8mb4"});
}

TEST_CASE("mariadb connects over TCP when the host is localhost", "[mariadb]") {
  connection_url url = parse_url(fresh_url());
  url.host = "localhost";
  mariadb_client c{url};
  CHECK(scalar(c, "SELECT 1 + 1") == value{2});
  url.host.clear();
  mariadb_client empty_host{url};
  CHECK(scalar(empty_host, "SELECT 2 * 3") == value{6});
  url.database.clear();
  mariadb_client no_database{url};
  CHECK(scalar(no_database, "SELECT DATABASE()").is_null());
}

TEST_CASE("mariadb round-trips every value type exactly", "[mariadb]") {
  auto c = connect(fresh_url());
  c->execute_script(
      "CREATE TABLE t (k INT PRIMARY KEY, i BIGINT, r DOUBLE, b TINYINT(1), s LONGTEXT, "
      "x LONGBLOB, d DECIMAL(10,2), dt DATE, ts DATETIME(6), tm TIME(6), u BINARY(16), j JSON)");
  const std::string insert = "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  const std::vector<value> first{
      value{1},
      value{std::numeric_limits<std::int64_t>::min()},
      value{0.1},
      value{true},
      value{"h\xC3\xA9llo w\xC3\xB6rld \xF0\x9F\x98\x80 \xE2\x9C\x93"},
      typed(value_type::bytes, std::string{"a\0b\xff\x00", 5}),
      typed(value_type::decimal, "12.50"),
      typed(value_type::date, "2020-01-31"),
      typed(value_type::datetime, "2020-01-31 10:00:00.123456"),
      typed(value_type::time, "10:00:00.5"),
      typed(value_type::uuid, "123e4567-e89b-12d3-a456-426614174000"),
      typed(value_type::json, R"({"a": [1, 2.5, "x"], "b": null})"),
  };
  const std::vector<value> second{
      value{2},
      value{std::numeric_limits<std::int64_t>::max()},
      value{1e308},
      value{false},
      value{""},
      typed(value_type::bytes, ""),
      typed(value_type::decimal, "-0.01"),
      typed(value_type::date, "1999-12-31"),
      typed(value_type::datetime, "2020-01-31 10:00:00"),
      typed(value_type::time, "-838:59:59"),
      typed(value_type::uuid, "00000000-0000-0000-0000-000000000000"),
      typed(value_type::json, "[]"),
  };
  std::vector<value> third_row(12);
  third_row[0] = value{3};
  const std::vector<value>& third = third_row;
  CHECK(c->execute(insert, first) == 1);
  CHECK(c->execute(insert, second) == 1);
  CHECK(c->execute(insert, third) == 1);

  const std::vector<value_type> types{
      value_type::integer,  value_type::integer, value_type::real,    value_type::boolean,
      value_type::text,     value_type::bytes,   value_type::decimal, value_type::date,
      value_type::datetime, value_type::time,    value_type::uuid,    value_type::json};
  auto rows = c->query("SELECT * FROM t ORDER BY k", {});
  CHECK(rows->column_count() == 12);
  for (const auto* expected : {&first, &second, &third}) {
    REQUIRE(rows->next());
    for (std::size_t i = 0; i < types.size(); ++i) {
      INFO("column " << i << " of row " << (*expected)[0].repr());
      CHECK(rows->get(i, types[i]) == (*expected)[i]);
      CHECK(rows->is_null(i) == (*expected)[i].is_null());
    }
  }
  CHECK_FALSE(rows->next());
  rows.reset();

  SECTION("a column read as null type is read as its own type") {
    auto own = c->query("SELECT * FROM t WHERE k = ?", std::vector<value>{value{1}});
    REQUIRE(own->next());
    for (std::size_t i = 0; i < types.size(); ++i) {
      INFO("column " << i);
      // BINARY(16) is bytes and JSON (a LONGTEXT) text to the server: uuid and json are
      // schema types.
      const value_type expected = types[i] == value_type::uuid   ? value_type::bytes
                                  : types[i] == value_type::json ? value_type::text
                                                                 : types[i];
      CHECK(own->get(i, value_type::null).type() == expected);
    }
    CHECK(own->get(4, value_type::null) == first[4]);
    CHECK(own->get(5, value_type::null) == first[5]);
  }
  SECTION("parameters of every type select the rows they were stored with") {
    for (std::size_t i = 1; i < types.size(); ++i) {
      if (types[i] == value_type::real || types[i] == value_type::json) continue;
      INFO("column " << i);
      static const char* const names[] = {"k", "i",  "r",  "b",  "s", "x",
                                          "d", "dt", "ts", "tm", "u", "j"};
      const std::string sql = "SELECT k FROM t WHERE " + std::string{names[i]} + " = ?";
      CHECK(scalar(*c, sql, value_type::integer, std::vector<value>{first[i]}) == value{1});
    }
  }
}

TEST_CASE("mariadb stores a uuid as its 16 bytes, as PonyORM's MySQL provider", "[mariadb]") {
  auto c = connect(fresh_url());
  c->execute_script("CREATE TABLE t (k INT PRIMARY KEY, u BINARY(16), s CHAR(36))");
  const value canonical = typed(value_type::uuid, "123e4567-e89b-12d3-a456-426614174000");
  const std::string octets{"\x12\x3e\x45\x67\xe8\x9b\x12\xd3\xa4\x56\x42\x66\x14\x17\x40\x00", 16};
  CHECK(c->execute(
            "INSERT INTO t VALUES (1, ?, 'not a uuid')",
            std::vector<value>{typed(value_type::uuid, "123E4567E89B12D3A456426614174000")}) == 1);
  // A uuid that holds its bytes (read from PonyORM's SQLite BLOB) binds them as they are.
  CHECK(c->execute("INSERT INTO t VALUES (2, ?, NULL)",
                   std::vector<value>{typed(value_type::uuid, octets)}) == 1);
  CHECK(scalar(*c, "SELECT HEX(u) FROM t WHERE k = 1", value_type::text) ==
        value{"123E4567E89B12D3A456426614174000"});
  CHECK(scalar(*c, "SELECT COUNT(*) FROM t WHERE u = ?", value_type::integer,
               std::vector<value>{canonical}) == value{2});
  auto rows = c->query("SELECT u, s FROM t WHERE k = 1", {});
  REQUIRE(rows->next());
  CHECK(rows->get(0, value_type::uuid) == canonical);
  CHECK(rows->get(0, value_type::null) == typed(value_type::bytes, octets));
  // A text column asked for a uuid keeps its text (a CHAR(36) column of an older table).
  CHECK(rows->get(1, value_type::uuid) == typed(value_type::uuid, "not a uuid"));
  rows.reset();
  CHECK_THROWS_AS(c->execute("INSERT INTO t VALUES (3, ?, NULL)",
                             std::vector<value>{typed(value_type::uuid, "xyz")}),
                  usage_error);
  // The 16 bytes in a BLOB read as the uuid too; other binary values keep their bytes.
  c->execute_script("CREATE TABLE b (k INT PRIMARY KEY, x LONGBLOB)");
  CHECK(c->execute("INSERT INTO b VALUES (1, ?), (2, 'abc')",
                   std::vector<value>{typed(value_type::bytes, octets)}) == 2);
  CHECK(scalar(*c, "SELECT x FROM b WHERE k = 1", value_type::uuid) == canonical);
  CHECK(scalar(*c, "SELECT x FROM b WHERE k = 2", value_type::uuid) ==
        typed(value_type::uuid, "abc"));
}

TEST_CASE("mariadb times keep days, signs and fractions", "[mariadb]") {
  auto c = connect(fresh_url());
  CHECK(scalar(*c, "SELECT CAST('100:00:01' AS TIME)") == typed(value_type::time, "100:00:01"));
  CHECK(scalar(*c, "SELECT CAST('-00:00:01.25' AS TIME(2))") ==
        typed(value_type::time, "-00:00:01.25"));
  CHECK(scalar(*c, "SELECT CAST('2020-02-29 23:59:59.000001' AS DATETIME(6))") ==
        typed(value_type::datetime, "2020-02-29 23:59:59.000001"));
  CHECK(scalar(*c, "SELECT TIMESTAMP('2021-01-01 00:00:00')") ==
        typed(value_type::datetime, "2021-01-01 00:00:00"));
  auto rows = c->query("SELECT CAST('2020-01-31' AS DATE), CAST('01:02:03' AS TIME)", {});
  REQUIRE(rows->next());
  CHECK(rows->get_text(0) == "2020-01-31");
  CHECK(rows->get_text(1) == "01:02:03");
}

TEST_CASE("mariadb reads values longer than any first buffer whole", "[mariadb]") {
  auto c = connect(fresh_url());
  c->execute_script("CREATE TABLE t (k INT PRIMARY KEY, s LONGTEXT, x LONGBLOB)");
  std::string megabyte(1 << 20, 'x');
  for (std::size_t i = 0; i < megabyte.size(); i += 997)
    megabyte[i] = static_cast<char>('a' + i % 26);
  std::string blob(1 << 20, '\0');
  for (std::size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<char>(i * 7 % 256);
  const std::vector<std::pair<std::string, std::string>> stored{
      {"short", "\xff"},
      {megabyte, blob},
      {"short again", std::string{"\0", 1}},
      {megabyte + "!", ""}};
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const std::vector<value> params{value{static_cast<std::int64_t>(i)}, value{stored[i].first},
                                    typed(value_type::bytes, stored[i].second)};
    CHECK(c->execute("INSERT INTO t VALUES (?, ?, ?)", params) == 1);
  }
  auto rows = c->query("SELECT s, x, LENGTH(s) FROM t ORDER BY k", {});
  for (const auto& [text, bytes] : stored) {
    REQUIRE(rows->next());
    CHECK(rows->get_text(0).size() == text.size());
    CHECK(rows->get(0, value_type::text) == value{text});
    CHECK(rows->get(1, value_type::bytes) == typed(value_type::bytes, bytes));
    CHECK(rows->get_int(2) == static_cast<std::int64_t>(text.size()));
  }
  CHECK_FALSE(rows->next());
}

TEST_CASE("mariadb prepares a statement once and reuses it", "[mariadb]") {
  auto c = connect(fresh_url());
  c->execute_script("CREATE TABLE t (k INT PRIMARY KEY, s VARCHAR(20))");
  (void)session_status(*c, "Com_stmt_prepare");  // prepares the status query itself
  const std::int64_t before = session_status(*c, "Com_stmt_prepare");
  for (int i = 0; i < 5; ++i) {
    const std::vector<value> params{value{i}, value{"v" + std::to_string(i)}};
    CHECK(c->execute("INSERT INTO t VALUES (?, ?)", params) == 1);
  }
  for (int i = 0; i < 5; ++i) {
    CHECK(scalar(*c, "SELECT s FROM t WHERE k = ?", value_type::text,
                 std::vector<value>{value{i}}) == value{"v" + std::to_string(i)});
  }
  CHECK(session_status(*c, "Com_stmt_prepare") == before + 2);
  CHECK(session_status(*c, "Com_stmt_execute") >= 10);
  CHECK(c->cached_statements() == 3);

  SECTION("past its limit the cache starts afresh and keeps working") {
    c->set_statement_cache_limit(2);
    CHECK(scalar(*c, "SELECT COUNT(*) FROM t") == value{5});
    CHECK(c->cached_statements() == 1);
    CHECK(scalar(*c, "SELECT MAX(k) FROM t") == value{4});
    CHECK(scalar(*c, "SELECT MIN(k) FROM t") == value{0});
    CHECK(c->cached_statements() == 1);
    CHECK(scalar(*c, "SELECT MAX(k) FROM t") == value{4});
    CHECK(c->cached_statements() == 2);
  }
}

// The server limits prepared statements (max_prepared_stmt_count): a full cache starts afresh.
TEST_CASE("mariadb closes its cached statements when the cache is full", "[mariadb]") {
  auto c = connect(fresh_url());
  c->set_statement_cache_limit(3);
  const std::int64_t before = session_status(*c, "Com_stmt_prepare");  // cached: 1 of 3
  CHECK(scalar(*c, "SELECT 1") == value{1});
  CHECK(scalar(*c, "SELECT 2") == value{2});
  CHECK(scalar(*c, "SELECT 3") == value{3});  // the cache was full: it starts again with this
  // SELECT 1, 2, 3, and the status query prepared once more.
  CHECK(session_status(*c, "Com_stmt_prepare") - before == 4);
}

TEST_CASE("mariadb execute counts rows and insert returns the generated key", "[mariadb]") {
  auto c = connect(fresh_url());
  c->execute_script(
      "CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(20));"
      "CREATE TABLE plain (k INT PRIMARY KEY)");
  CHECK(c->insert("INSERT INTO t (s) VALUES (?)", std::vector<value>{value{"a"}}) == value{1});
  CHECK(c->insert("INSERT INTO t (s) VALUES (?)", std::vector<value>{value{"b"}}) == value{2});
  CHECK(c->insert("INSERT INTO t (id, s) VALUES (?, ?)",
                  std::vector<value>{value{40}, value{"c"}}) == value{40});
  CHECK(c->insert("INSERT INTO t (s) VALUES (?)", std::vector<value>{value{"d"}}) == value{41});
  CHECK(c->insert("INSERT INTO plain VALUES (?)", std::vector<value>{value{7}}).is_null());
  // Matched rows, as PonyORM counts them (CLIENT_FOUND_ROWS), even when nothing changes.
  CHECK(c->execute("UPDATE t SET s = ? WHERE id < ?", std::vector<value>{value{"a"}, value{3}}) ==
        2);
  CHECK(c->execute("DELETE FROM t WHERE id > ?", std::vector<value>{value{2}}) == 2);
  CHECK(c->execute("DELETE FROM t WHERE id > ?", std::vector<value>{value{2}}) == 0);

  SECTION("a statement with rows given to execute counts them and leaves the connection usable") {
    CHECK(c->execute("SELECT id FROM t", {}) == 2);
    CHECK(scalar(*c, "SELECT COUNT(*) FROM t") == value{2});
  }
  SECTION("a statement without rows given to query gives an empty cursor") {
    auto rows = c->query("UPDATE t SET s = ?", std::vector<value>{value{"z"}});
    CHECK(rows->column_count() == 0);
    CHECK_FALSE(rows->next());
    rows.reset();
    CHECK(scalar(*c, "SELECT COUNT(*) FROM t WHERE s = 'z'") == value{2});
  }
}

// The server sends no insert id with a result set: insert() reads the first column instead, as
// it does on PostgreSQL.
TEST_CASE("mariadb insert with RETURNING gives the first returned column", "[mariadb]") {
  auto c = connect(fresh_url());
  c->execute_script("CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(20))");
  CHECK(c->insert("INSERT INTO t (s) VALUES (?) RETURNING id", std::vector<value>{value{"a"}}) ==
        value{1});
  CHECK(c->insert("INSERT INTO t (s) VALUES (?) RETURNING s, id", std::vector<value>{value{"b"}}) ==
        value{"b"});
  // Several rows: the first row's; none: no key.
  CHECK(c->insert("INSERT INTO t (s) VALUES ('c'), ('d') RETURNING id", {}) == value{3});
  CHECK(c->insert("INSERT INTO t (s) SELECT s FROM t WHERE 0 = 1 RETURNING id", {}).is_null());
  // The connection is free for the next statement.
  CHECK(scalar(*c, "SELECT COUNT(*) FROM t") == value{4});
  CHECK(c->insert("INSERT INTO t (s) VALUES ('e')", {}) == value{5});
}

// A subquery in the select list that finds two rows for the second row of `t` fails while the
// rows are sent: after the statement itself has succeeded.
TEST_CASE("mariadb reports an error in the middle of a result, however it is read", "[mariadb]") {
  auto c = connect(fresh_url());
  c->execute_script(
      "CREATE TABLE t (g INT); CREATE TABLE t2 (g INT, a INT);"
      "INSERT INTO t VALUES (1), (2), (3); INSERT INTO t2 VALUES (1, 10), (2, 20), (2, 21)");
  const std::string sql = "SELECT (SELECT a FROM t2 WHERE t2.g = t.g) FROM t ORDER BY t.g";
  const std::string why = "Subquery returns more than 1 row (MariaDB error 1242, SQLSTATE 21000)";
  // Streamed: the first row arrives, the error comes in place of the second.
  {
    auto rows = c->query(sql, {});
    REQUIRE(rows->next());
    CHECK(rows->get(0, value_type::integer) == value{10});
    const auto e = caught([&] { (void)rows->next(); });
    CHECK(e.id() == "mariadb.error");
    CHECK(e.message() == "cannot read the next row of '" + sql + "': " + why);
    CHECK_FALSE(rows->next());  // the error ended the result
  }
  // Stored, to be counted.
  const auto stored = caught([&] { (void)c->execute(sql, {}); });
  CHECK(stored.message() == "cannot read the rows of '" + sql + "': " + why);
  // In a script.
  const auto script = caught([&] { c->execute_script(sql); });
  CHECK(script.message() == "cannot execute '" + sql + "': " + why);
  CHECK(scalar(*c, "SELECT COUNT(*) FROM t") == value{3});
}

// The rule of docs/providers.md: no other statement while a cursor is open. Connector/C refuses
// a text statement then; the cursor and the connection go on.
TEST_CASE("mariadb refuses a statement while a streamed result is unread, and goes on after it",
          "[mariadb]") {
  auto c = connect(fresh_url());
  auto rows = c->query("SELECT seq FROM seq_1_to_10", {});
  REQUIRE(rows->next());
  const auto e = caught([&] { c->execute_script("DO 1"); });
  CHECK(e.id() == "mariadb.error");
  CHECK(e.message() ==
        "cannot execute 'DO 1': Commands out of sync; you can't run this command now (MariaDB "
        "error 2014, SQLSTATE HY000)");
  REQUIRE(rows->next());
  CHECK(rows->get(0, value_type::integer) == value{2});
  rows.reset();
  CHECK(c->alive());
  CHECK(scalar(*c, "SELECT 7") == value{7});
}

// Dropping a cursor reads the rest of its rows; when the server has killed the connection
// meanwhile, Connector/C closes the socket, and the connection is no longer alive.
TEST_CASE("mariadb is not alive after a cursor dropped on a killed connection", "[mariadb]") {
  const std::string url = fresh_url();
  auto victim = connect(url);
  auto killer = connect(url);
  const value id = scalar(*victim, "SELECT CONNECTION_ID()", value_type::integer);
  auto rows = victim->query("SELECT seq, REPEAT('x', 100) FROM seq_1_to_200000", {});
  REQUIRE(rows->next());
  (void)killer->execute("KILL CONNECTION " + std::to_string(id.as_int()), {});
  rows.reset();
  CHECK_FALSE(victim->alive());
  CHECK(caught([&] { (void)victim->execute("SELECT 1", {}); }).id() == "mariadb.connection_lost");
}

TEST_CASE("mariadb columns convert to the type asked for", "[mariadb]") {
  auto c = connect(fresh_url());
  auto rows = c->query(
      "SELECT 42, 2.5e0, CAST(7.25 AS DECIMAL(5,2)), SUM(3), AVG(3), '15', 'abc', NULL, "
      "CAST(18446744073709551615 AS UNSIGNED), 1 < 2, 1e300, CAST(5 AS UNSIGNED), "
      "CAST('1e300' AS DECIMAL(65,0)), -1e300, '12abc'",
      {});
  REQUIRE(rows->next());
  CHECK(rows->column_count() == 15);
  CHECK(rows->get_real(0) == 42.0);
  CHECK(rows->get_text(0) == "42");
  CHECK(rows->get(0, value_type::text) == value{"42"});
  CHECK(rows->get(0, value_type::boolean) == value{true});
  CHECK(rows->get_int(1) == 2);
  CHECK(rows->get_text(1) == "2.5");
  CHECK(rows->get(2, value_type::null) == typed(value_type::decimal, "7.25"));
  CHECK(rows->get(2, value_type::real) == value{7.25});
  CHECK(rows->get(2, value_type::integer) == value{7});
  CHECK(rows->get(3, value_type::integer) == value{3});
  CHECK(rows->get(4, value_type::real) == value{3.0});
  CHECK(rows->get(5, value_type::integer) == value{15});
  CHECK(rows->get(5, value_type::boolean) == value{true});
  const auto error = caught([&] { (void)rows->get(6, value_type::integer); });
  CHECK(error.id() == "mariadb.conversion");
  CHECK(error.category() == error_category::type);
  CHECK_THAT(error.message(), Catch::Contains("holds 'abc', which is not a number"));
  CHECK(rows->is_null(7));
  CHECK(rows->get(7, value_type::integer).is_null());
  CHECK(rows->get_text(7).empty());
  CHECK(rows->get_text(8) == "18446744073709551615");
  CHECK(rows->get_real(8) == 18446744073709551615.0);
  CHECK_THROWS_WITH(rows->get_int(8), Catch::EndsWith("holds 18446744073709551615, which does not "
                                                      "fit a 64-bit integer"));
  CHECK(rows->get(9, value_type::null) == value{1});
  CHECK_THROWS_WITH(rows->get_int(10), Catch::EndsWith("holds 1e+300, which does not fit a 64-bit "
                                                       "integer"));
  CHECK(rows->get_int(11) == 5);
  CHECK_THROWS_AS(rows->get_int(12), database_error);
  CHECK_THROWS_AS(rows->get_int(13), database_error);
  CHECK_THROWS_WITH(rows->get_real(14), Catch::EndsWith("holds '12abc', which is not a number"));
  CHECK_FALSE(rows->next());
  rows.reset();

  SECTION("only TINYINT(1) is a bool") {
    c->execute_script(
        "CREATE TABLE t (flag TINYINT(1), tiny TINYINT(4), small SMALLINT, medium MEDIUMINT, "
        "  y YEAR, f FLOAT, ts TIMESTAMP(3) NULL, bits BIT(8), vb VARBINARY(4));"
        "INSERT INTO t VALUES (1, 1, -2, 3, 2024, 0.5, '2020-01-31 10:00:00.250', b'10100101', "
        "'ab')");
    auto own = c->query("SELECT * FROM t", {});
    REQUIRE(own->next());
    CHECK(own->get(0, value_type::null) == value{true});
    CHECK(own->get(1, value_type::null) == value{1});
    CHECK(own->get(2, value_type::null) == value{-2});
    CHECK(own->get(3, value_type::null) == value{3});
    CHECK(own->get(4, value_type::null) == value{2024});
    CHECK(own->get(5, value_type::null) == value{0.5});
    CHECK(own->get(6, value_type::null) == typed(value_type::datetime, "2020-01-31 10:00:00.25"));
    CHECK(own->get(7, value_type::null) == typed(value_type::bytes, "\xa5"));
    CHECK(own->get(8, value_type::null) == typed(value_type::bytes, "ab"));
  }
}

TEST_CASE("mariadb scripts run several statements and stop at the first error", "[mariadb]") {
  auto c = connect(fresh_url());
  c->execute_script(
      "CREATE TABLE t (k INT PRIMARY KEY); INSERT INTO t VALUES (1); SELECT * FROM t; "
      "INSERT INTO t VALUES (2)");
  CHECK(scalar(*c, "SELECT COUNT(*) FROM t") == value{2});
  const auto error = caught([&] {
    c->execute_script(
        "INSERT INTO t VALUES (3); INSERT INTO t VALUES (1); "
        "INSERT INTO t VALUES (4)");
  });
  CHECK(error.id() == "mariadb.unique_violation");
  CHECK(scalar(*c, "SELECT COUNT(*) FROM t") == value{3});
  CHECK_THROWS_AS(c->execute_script("SELEKT 1"), database_error);
  // A script's result sets, however large, are read and dropped.
  c->execute_script("SELECT REPEAT('x', 4000000); SELECT 1; INSERT INTO t VALUES (9)");
  CHECK(scalar(*c, "SELECT MAX(k) FROM t") == value{9});
}

TEST_CASE("mariadb errors map to NextORM's categories with the server's message", "[mariadb]") {
  auto c = connect(fresh_url());
  c->execute_script(
      "CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL UNIQUE, "
      "  n INT CHECK (n > 0)) ENGINE=InnoDB;"
      "CREATE TABLE child (id INT PRIMARY KEY, parent INT NOT NULL, "
      "  FOREIGN KEY (parent) REFERENCES parent (id)) ENGINE=InnoDB;"
      "INSERT INTO parent VALUES (1, 'one', 1); INSERT INTO child VALUES (1, 1)");
  const auto error_of = [&](const std::string& sql, std::vector<value> params = {}) {
    return caught([&] { (void)c->execute(sql, params); });
  };

  const auto duplicate = error_of("INSERT INTO parent VALUES (?, ?, 1)", {value{2}, value{"one"}});
  CHECK(duplicate.category() == error_category::integrity);
  CHECK(duplicate.id() == "mariadb.unique_violation");
  CHECK_THAT(duplicate.message(),
             Catch::StartsWith("cannot execute 'INSERT INTO parent VALUES (?, ?, 1)': "
                               "Duplicate entry 'one' for key 'name' (MariaDB error 1062, "
                               "SQLSTATE 23000)"));
  CHECK_THROWS_AS(c->execute("INSERT INTO parent VALUES (1, 'uno', 1)", {}), integrity_error);

  const auto no_parent = error_of("INSERT INTO child VALUES (2, ?)", {value{99}});
  CHECK(no_parent.id() == "mariadb.foreign_key_violation");
  CHECK(no_parent.category() == error_category::integrity);
  CHECK_THAT(no_parent.message(), Catch::Contains("a foreign key constraint fails"));
  CHECK(error_of("DELETE FROM parent WHERE id = 1").id() == "mariadb.foreign_key_violation");

  const auto null = error_of("INSERT INTO parent VALUES (3, ?, 1)", {value{}});
  CHECK(null.id() == "mariadb.not_null_violation");
  CHECK_THAT(null.message(), Catch::Contains("Column 'name' cannot be null"));
  CHECK(error_of("INSERT INTO parent (id) VALUES (3)").id() == "mariadb.not_null_violation");
  CHECK(error_of("INSERT INTO parent VALUES (3, 'three', 0)").id() == "mariadb.check_violation");

  const auto syntax = error_of("SELEKT 1");
  CHECK(syntax.id() == "mariadb.syntax_error");
  CHECK(syntax.category() == error_category::database);
  CHECK_THAT(syntax.message(), Catch::Contains("You have an error in your SQL syntax"));
  CHECK_THROWS_AS(c->execute("SELEKT 1", {}), database_error);

  const auto unknown = error_of("SELECT * FROM nowhere");
  CHECK(unknown.id() == "mariadb.error");
  CHECK(unknown.category() == error_category::database);
  CHECK_THAT(unknown.message(), Catch::Contains("nowhere' doesn't exist (MariaDB error 1146"));

  c->execute_script("CREATE TABLE v (d DOUBLE, t DATETIME(6))");
  const auto out_of_range =
      error_of("INSERT INTO v (d) VALUES (?)", {value{std::numeric_limits<double>::infinity()}});
  CHECK(out_of_range.id() == "mariadb.bad_value");
  CHECK(out_of_range.category() == error_category::database);
  CHECK_THAT(out_of_range.message(), Catch::Contains("Out of range value for column 'd'"));
  const auto bad_date = error_of("INSERT INTO v (t) VALUES (?)",
                                 {typed(value_type::datetime, "2020-13-01 00:00:00")});
  CHECK(bad_date.id() == "mariadb.bad_value");
  CHECK_THAT(bad_date.message(),
             Catch::Contains("Incorrect datetime value: '2020-13-01 00:00:00'"));

  const auto count = error_of("INSERT INTO parent VALUES (?, ?, ?)", {value{5}});
  CHECK(count.id() == "mariadb.parameter_count");
  CHECK(count.category() == error_category::usage);
  CHECK(count.message() == "'INSERT INTO parent VALUES (?, ?, ?)' takes 3 parameters, not 1");

  // None of the failures broke the connection.
  CHECK(scalar(*c, "SELECT COUNT(*) FROM parent") == value{1});
}

// Codes the server above does not send any more (1586, 1216, 1217 are MySQL 5's) or that need a
// broken network or a server shutdown: the documented table of providers.md, code by code.
TEST_CASE("mariadb error codes map to the documented ids and classes", "[mariadb]") {
  const auto id_of = [](unsigned code, std::string_view sqlstate = "HY000") {
    try {
      throw_mariadb_error(code, sqlstate, "the server's words", "cannot do it");
    } catch (const nextorm::error& e) {
      return e.id() + " " + std::string{category_name(e.category())};
    }
    return std::string{"no error"};
  };
  for (unsigned code : {1062U, 1586U}) {
    INFO(code);
    CHECK(id_of(code) == "mariadb.unique_violation integrity");
  }
  for (unsigned code : {1216U, 1217U, 1451U, 1452U}) {
    INFO(code);
    CHECK(id_of(code) == "mariadb.foreign_key_violation integrity");
  }
  for (unsigned code : {1048U, 1364U}) {
    INFO(code);
    CHECK(id_of(code) == "mariadb.not_null_violation integrity");
  }
  CHECK(id_of(4025) == "mariadb.check_violation integrity");
  CHECK(id_of(1213) == "mariadb.deadlock_detected transaction");
  CHECK(id_of(1205) == "mariadb.lock_timeout transaction");
  for (unsigned code : {2002U, 2003U, 2005U, 2006U, 2013U, 2055U, 1927U, 1053U}) {
    INFO(code);
    CHECK(id_of(code) == "mariadb.connection_lost connection");
  }
  CHECK(id_of(1064, "42000") == "mariadb.syntax_error database");
  CHECK(id_of(1264, "22003") == "mariadb.bad_value database");
  CHECK(id_of(1146, "42S02") == "mariadb.error database");
  try {
    throw_mariadb_error(1927, "70100", "Connection was killed", "cannot execute 'SELECT 1'");
  } catch (const connection_lost& e) {
    CHECK(e.message() ==
          "cannot execute 'SELECT 1': Connection was killed (MariaDB error 1927, SQLSTATE 70100); "
          "the connection is closed, and the server has rolled back the transaction that was "
          "open on it");
  }
}

TEST_CASE("mariadb transactions commit, roll back and report themselves", "[mariadb]") {
  const std::string url = fresh_url();
  auto c = connect(url);
  auto other = connect(url);
  c->execute_script("CREATE TABLE t (k INT PRIMARY KEY) ENGINE=InnoDB");
  CHECK_FALSE(c->in_transaction());
  c->rollback();  // nothing to roll back: no round trip, no error
  c->begin();
  CHECK(c->in_transaction());
  CHECK(c->execute("INSERT INTO t VALUES (?)", std::vector<value>{value{1}}) == 1);
  CHECK(scalar(*other, "SELECT COUNT(*) FROM t") == value{0});
  c->rollback();
  CHECK_FALSE(c->in_transaction());
  CHECK(scalar(*c, "SELECT COUNT(*) FROM t") == value{0});

  c->begin();
  CHECK(c->execute("INSERT INTO t VALUES (?)", std::vector<value>{value{2}}) == 1);
  CHECK(c->in_transaction());
  c->commit();
  CHECK_FALSE(c->in_transaction());
  CHECK(scalar(*other, "SELECT COUNT(*) FROM t") == value{1});

  SECTION("DDL commits implicitly, and the connection says so") {
    c->begin();
    CHECK(c->execute("INSERT INTO t VALUES (?)", std::vector<value>{value{3}}) == 1);
    c->execute_script("CREATE TABLE u (k INT)");
    CHECK_FALSE(c->in_transaction());
    c->rollback();
    CHECK(scalar(*other, "SELECT COUNT(*) FROM t") == value{2});
  }
}

TEST_CASE("mariadb reports a lock wait timeout as a transaction error", "[mariadb]") {
  const std::string url = fresh_url();
  auto holder = connect(url);
  auto waiter = connect(url);
  holder->execute_script(
      "CREATE TABLE t (k INT PRIMARY KEY, v INT) ENGINE=InnoDB;"
      "INSERT INTO t VALUES (1, 0)");
  waiter->execute_script("SET SESSION innodb_lock_wait_timeout = 1");
  holder->begin();
  CHECK(holder->execute("UPDATE t SET v = 1 WHERE k = 1", {}) == 1);
  waiter->begin();
  const auto error = caught([&] { (void)waiter->execute("UPDATE t SET v = 2 WHERE k = 1", {}); });
  CHECK(error.id() == "mariadb.lock_timeout");
  CHECK(error.category() == error_category::transaction);
  CHECK_THAT(error.message(), Catch::Contains("Lock wait timeout exceeded"));
  CHECK(waiter->in_transaction());  // only the statement was rolled back
  holder->commit();
  waiter->rollback();
}

TEST_CASE("mariadb reports a deadlock as a transaction error and ends that transaction",
          "[mariadb]") {
  const std::string url = fresh_url();
  auto first = connect(url);
  auto second = connect(url);
  first->execute_script(
      "CREATE TABLE t (k INT PRIMARY KEY, v INT) ENGINE=InnoDB;"
      "INSERT INTO t VALUES (1, 0), (2, 0)");
  first->begin();
  second->begin();
  CHECK(first->execute("UPDATE t SET v = 1 WHERE k = 1", {}) == 1);
  CHECK(second->execute("UPDATE t SET v = 2 WHERE k = 2", {}) == 1);
  std::optional<std::string> first_error;
  std::optional<std::string> second_error;
  std::thread blocked{[&] {
    try {
      (void)first->execute("UPDATE t SET v = 1 WHERE k = 2", {});
    } catch (const transaction_error& e) {
      first_error = e.id();
    }
  }};
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  try {
    (void)second->execute("UPDATE t SET v = 2 WHERE k = 1", {});
  } catch (const transaction_error& e) {
    second_error = e.id();
  }
  blocked.join();
  REQUIRE(first_error.has_value() != second_error.has_value());
  CHECK(first_error.value_or(second_error.value_or("")) == "mariadb.deadlock_detected");
  auto& victim = first_error ? *first : *second;
  auto& survivor = first_error ? *second : *first;
  CHECK_FALSE(victim.in_transaction());
  CHECK(survivor.in_transaction());
  survivor.commit();
}

TEST_CASE("mariadb connection failures are connection errors without the password", "[mariadb]") {
  connection_url url = parse_url(fresh_url());
  SECTION("nothing listens on the port") {
    url.port = 1;
    const auto error = caught([&] { mariadb_client c{url}; });
    CHECK(error.id() == "mariadb.cannot_connect");
    CHECK(error.category() == error_category::connection);
    CHECK_THAT(error.message(),
               Catch::StartsWith("cannot connect to MariaDB at 127.0.0.1:1 as 'nextorm' to "
                                 "database '" +
                                 url.database + "': "));
    CHECK_THAT(error.message(), Catch::Contains("(MariaDB error 2002)"));
  }
  SECTION("no port means 3306, and no database names none") {
    url.port = 0;
    url.database.clear();
    try {
      mariadb_client c{url};
      CHECK(scalar(c, "SELECT @@port") == value{3306});  // a server happens to listen there
    } catch (const connection_error& e) {
      CHECK_THAT(e.message(), Catch::StartsWith("cannot connect to MariaDB at 127.0.0.1:3306 as "
                                                "'nextorm': "));
    }
  }
  SECTION("a wrong password") {
    url.password = "wrong-s3cret";
    const auto error = caught([&] { mariadb_client c{url}; });
    CHECK(error.id() == "mariadb.cannot_connect");
    CHECK_THAT(error.message(), Catch::Contains("Access denied for user 'nextorm'"));
    CHECK_THAT(error.message(), !Catch::Contains("wrong-s3cret"));
  }
  SECTION("a database that does not exist") {
    url.database = "nt_no_such_database";
    CHECK_THROWS_AS(mariadb_client{url}, connection_error);
  }
  SECTION("a connection the server killed") {
    mariadb_client victim{url};
    mariadb_client killer{url};
    const value id = scalar(victim, "SELECT CONNECTION_ID()", value_type::integer);
    killer.execute_script("KILL CONNECTION " + std::to_string(id.as_int()));
    const auto error = caught([&] { (void)scalar(victim, "SELECT 1"); });
    CHECK(error.id() == "mariadb.connection_lost");
    CHECK(error.category() == error_category::connection);
    CHECK_THAT(error.message(), Catch::Contains("(MariaDB error 20"));
    // Even a rollback with nothing to roll back throws, so that a pool drops the connection.
    const auto later = caught([&] { victim.rollback(); });
    CHECK(later.id() == "mariadb.connection_lost");
    CHECK(later.message() ==
          "an earlier call lost this connection to the MariaDB server; the connection is closed, "
          "and the server has rolled back the transaction that was open on it");
  }
}

TEST_CASE("mariadb waits for the server through the replaceable poll function", "[mariadb]") {
  const connection_url url = parse_url(fresh_url());
  int waits = 0;
  const auto counting = [&](const wait_request& request) {
    ++waits;
    return wait_for_socket(request);
  };
  mariadb_client c{url, counting};
  CHECK(waits > 0);  // the server's greeting, the authentication
  const int connected = waits;
  CHECK(scalar(c, "SELECT SLEEP(0.05)") == value{0});
  CHECK(waits > connected);

  SECTION("a poll function that throws leaves the connection unusable, not undefined") {
    c.set_wait([](const wait_request&) -> io { throw std::runtime_error("cancelled"); });
    CHECK_THROWS_WITH(scalar(c, "SELECT SLEEP(0.05)"), "cancelled");
    c.set_wait({});
    const auto error = caught([&] { (void)c.execute("SELECT 1", {}); });
    CHECK(error.id() == "mariadb.connection_broken");
    CHECK(error.category() == error_category::connection);
    CHECK_THROWS_AS(c.rollback(), connection_error);
  }
  SECTION("a poll function that reports a timeout while connecting fails the connection") {
    const auto timing_out = [](const wait_request& request) {
      REQUIRE(request.timeout.has_value());
      CHECK(request.timeout->count() > 0);
      return io::timeout;
    };
    const auto error = caught([&] { mariadb_client never{url, timing_out}; });
    CHECK(error.id() == "mariadb.cannot_connect");
  }
}

TEST_CASE("mariadb's wait bits become wait requests and back", "[mariadb]") {
  const wait_request read = mariadb_wait_request(7, MYSQL_WAIT_READ | MYSQL_WAIT_TIMEOUT, 250);
  CHECK(read.socket == 7);
  CHECK(read.interest == io::read);
  REQUIRE(read.timeout.has_value());
  CHECK(read.timeout->count() == 250);
  const wait_request both = mariadb_wait_request(7, MYSQL_WAIT_WRITE | MYSQL_WAIT_EXCEPT, 0);
  CHECK(both.interest == (io::read | io::write));
  CHECK_FALSE(both.timeout.has_value());
  CHECK(mariadb_wait_request(7, MYSQL_WAIT_WRITE, 0).interest == io::write);

  CHECK(mariadb_wait_status(MYSQL_WAIT_READ | MYSQL_WAIT_TIMEOUT, io::timeout) ==
        MYSQL_WAIT_TIMEOUT);
  CHECK(mariadb_wait_status(MYSQL_WAIT_READ | MYSQL_WAIT_EXCEPT, io::read) ==
        (MYSQL_WAIT_READ | MYSQL_WAIT_EXCEPT));
  CHECK(mariadb_wait_status(MYSQL_WAIT_READ | MYSQL_WAIT_WRITE, io::write) == MYSQL_WAIT_WRITE);
  CHECK(mariadb_wait_status(MYSQL_WAIT_WRITE, io::read | io::write) == MYSQL_WAIT_WRITE);
}

TEST_CASE("mariadb reads NULL as 0 with the typed getters, whatever the row before held",
          "[mariadb]") {
  auto c = connect(fresh_url());
  auto rows = c->query("SELECT 5, 2.5e0 UNION ALL SELECT NULL, NULL", {});
  REQUIRE(rows->next());
  CHECK(rows->get_int(0) == 5);
  CHECK(rows->get_real(1) == 2.5);
  REQUIRE(rows->next());
  CHECK(rows->is_null(0));
  CHECK(rows->get_int(0) == 0);
  CHECK(rows->get_real(1) == 0.0);
}

TEST_CASE("mariadb streams a query's rows, and a cursor dropped early leaves the connection usable",
          "[mariadb]") {
  auto c = connect(fresh_url());
  c->execute_script("CREATE TABLE t (k INT PRIMARY KEY, s VARCHAR(20))");
  const std::string insert = "INSERT INTO t SELECT seq, CONCAT('row ', seq) FROM seq_1_to_2000";
  CHECK(c->execute(insert, {}) == 2000);
  const std::string all = "SELECT k, s FROM t ORDER BY k";
  {
    auto rows = c->query(all, {});
    for (int i = 1; i <= 3; ++i) {
      REQUIRE(rows->next());
      CHECK(rows->get_int(0) == i);
    }
  }  // 1,997 rows dropped on the way out
  CHECK(scalar(*c, "SELECT COUNT(*) FROM t") == value{2000});
  // The same statement again reads all of its rows, and its buffers hold each row's own text.
  auto rows = c->query(all, {});
  std::int64_t count = 0;
  while (rows->next()) {
    ++count;
    CHECK(rows->get_text(1) == "row " + std::to_string(count));
  }
  CHECK(count == 2000);
  CHECK_FALSE(rows->next());  // and stays at its end
  rows.reset();

  SECTION("inside a transaction, whose state the last row brings up to date") {
    c->begin();
    CHECK(c->in_transaction());
    {
      auto first = c->query(all, {});
      REQUIRE(first->next());
    }
    CHECK(c->execute("DELETE FROM t WHERE k > ?", std::vector<value>{value{10}}) == 1990);
    CHECK(c->in_transaction());
    c->rollback();
    CHECK(scalar(*c, "SELECT COUNT(*) FROM t") == value{2000});
  }
}

TEST_CASE("mariadb reuses a statement's buffers across executions whatever the values' sizes",
          "[mariadb]") {
  auto c = connect(fresh_url());
  c->execute_script("CREATE TABLE t (k INT PRIMARY KEY, s LONGTEXT)");
  const std::string long_text(10000, 'L');
  CHECK(c->execute("INSERT INTO t VALUES (?, ?), (?, ?), (?, ?)",
                   std::vector<value>{value{1}, value{"short"}, value{2}, value{long_text},
                                      value{3}, value{""}}) == 3);
  const std::string one = "SELECT s FROM t WHERE k = ?";
  for (const auto& [key, text] : std::vector<std::pair<int, std::string>>{
           {1, "short"}, {2, long_text}, {1, "short"}, {3, ""}, {2, long_text}}) {
    CHECK(scalar(*c, one, value_type::text, std::vector<value>{value{key}}) == value{text});
  }
  // Parameters of other types in the same statement: a NULL, then a value again.
  CHECK(c->execute("UPDATE t SET s = ? WHERE k = ?", std::vector<value>{value{}, value{3}}) == 1);
  CHECK(c->execute("UPDATE t SET s = ? WHERE k = ?", std::vector<value>{value{"x"}, value{3}}) ==
        1);
  CHECK(scalar(*c, one, value_type::text, std::vector<value>{value{3}}) == value{"x"});

  SECTION("columns that change under a prepared statement are read as they are now") {
    const std::string star = "SELECT * FROM t WHERE k = ?";
    CHECK(c->query(star, std::vector<value>{value{1}})->column_count() == 2);
    c->execute_script("ALTER TABLE t ADD COLUMN n DOUBLE DEFAULT 2.5");
    // Once refused (Connector/C's CR_NEW_STMT_METADATA), then prepared anew; the connection
    // stays usable in between.
    CHECK_THAT(caught([&] { (void)c->query(star, std::vector<value>{value{1}}); }).message(),
               Catch::Contains("whose result columns changed since it was prepared"));
    CHECK(scalar(*c, "SELECT 7") == value{7});
    auto rows = c->query(star, std::vector<value>{value{1}});
    REQUIRE(rows->column_count() == 3);
    REQUIRE(rows->next());
    CHECK(rows->get_text(1) == "short");
    CHECK(rows->get_real(2) == 2.5);
  }
}

TEST_CASE("mariadb waits for a streamed result's rows through the poll function", "[mariadb]") {
  const connection_url url = parse_url(fresh_url());
  int waits = 0;
  mariadb_client c{url, [&](const wait_request& request) {
                     ++waits;
                     return wait_for_socket(request);
                   }};
  // Far more than the socket buffers hold, and a pause half-way: reading the rows has to wait
  // for the server even when the client is slower than the server (sanitizers, a loaded
  // machine), where a plain stream would always find bytes ready.
  const std::string many =
      "SELECT seq, REPEAT('x', 100), IF(seq = 100000, SLEEP(0.2), 0) FROM seq_1_to_200000";
  {
    auto rows = c.query(many, {});
    const int before = waits;
    std::int64_t count = 0;
    while (rows->next()) ++count;
    CHECK(count == 200000);
    CHECK(waits > before);
  }

  SECTION("a poll function that throws while rows arrive breaks the connection, not the process") {
    auto rows = c.query(many, {});
    c.set_wait([](const wait_request&) -> io { throw std::runtime_error("cancelled"); });
    CHECK_THROWS_WITH(
        [&] {
          while (rows->next()) {
          }
        }(),
        "cancelled");
    rows.reset();  // drops nothing: the connection is unusable
    c.set_wait({});
    CHECK(caught([&] { (void)c.execute("SELECT 1", {}); }).id() == "mariadb.connection_broken");
  }
  SECTION("a cursor dropped early drops the rest of the rows through the poll function") {
    auto rows = c.query(many, {});
    REQUIRE(rows->next());
    const int before = waits;
    rows.reset();
    CHECK(waits > before);
    CHECK(scalar(c, "SELECT 7") == value{7});
  }
}

TEST_CASE("mariadb date arithmetic past the year 9999 is an error when asked", "[mariadb]") {
  auto c = connect(fresh_url());
  // MariaDB gives NULL and warning 1441; Python, PostgreSQL and NextORM's SQLite raise. The
  // session asks after a statement whose SQL does date arithmetic.
  const std::string past = "SELECT DATE_ADD(TIMESTAMP'9999-12-31 00:00:00', INTERVAL 2 DAY)";
  CHECK(scalar(*c, past).is_null());
  const nextorm::error e = caught([&] { c->check_date_overflow(past); });
  CHECK(std::string{e.id()} == "mariadb.bad_value");
  CHECK_THAT(e.what(),
             Catch::Contains("overflow") && Catch::Contains("1441") && Catch::Contains("DATE_ADD"));
  // Other warnings stay the server's: the value as MariaDB gives it.
  const std::string cast = "SELECT CAST('12abc' AS SIGNED)";
  CHECK(scalar(*c, cast, value_type::integer) == value{12});
  CHECK_NOTHROW(c->check_date_overflow(cast));
  // No warnings at all, and the connection goes on.
  CHECK(scalar(*c, "SELECT 1 + 1") == value{2});
  CHECK_NOTHROW(c->check_date_overflow("SELECT 1 + 1"));
}

TEST_CASE("mariadb keeps a query's limits until its cursor goes, read to the end or not",
          "[mariadb]") {
  auto c = connect(fresh_url());
  c->set_limits({.timeout = std::chrono::seconds{10}, .stop = {}});
  {
    auto rows = c->query("SELECT 1 UNION ALL SELECT 2", {});
    REQUIRE(rows->next());  // the second row is left unread
  }
  CHECK(scalar(*c, "SELECT 3") == value{3});  // (its own limits: the last ones ended)
  c->set_limits({});
  CHECK(scalar(*c, "SELECT 4") == value{4});
  CHECK_FALSE(c->transaction_cancelled());
}
