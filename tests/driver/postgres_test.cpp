// The PostgreSQL driver against a real server (NEXTORM_TEST_POSTGRES_URL; without it the test
// program skips loudly with exit code 77). All test cases share one fresh database; each makes
// its own tables.
#include <nextorm/errors.hpp>

#include "driver/connection.hpp"
#include "driver/postgres/postgres_connection.hpp"
#include "driver/postgres/postgres_cursor.hpp"
#include "driver/postgres/postgres_params.hpp"
#include "test_databases.hpp"

#include <catch2/catch.hpp>

#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace nextorm;
using namespace nextorm::driver;

namespace {

const std::string& database_url() {
  static const std::string url = nextorm::testing::fresh_database_url("pgdriver");
  return url;
}

std::unique_ptr<postgres_connection> connect(const std::string& url = database_url(),
                                             wait_function wait = {}) {
  return std::make_unique<postgres_connection>(parse_url(url), std::move(wait));
}

// Waits as the connection's default wait function does for a step that asked for `wait`.
void wait_on(int socket, pg_wait wait) {
  (void)wait_for_socket({socket, wait == pg_wait::write ? io::read | io::write : io::read, {}});
}

// The first column of the only row of `sql`, as `type`.
value scalar(connection& c, const std::string& sql, std::vector<value> params = {},
             value_type type = value_type::null) {
  auto rows = c.query(sql, params);
  REQUIRE(rows->next());
  value v = rows->get(0, type);
  CHECK_FALSE(rows->next());
  return v;
}

// Runs `f`, which must throw a NextORM error, and returns a copy of it.
template <class F>
nextorm::error caught(F&& f) {
  try {
    f();
  } catch (const nextorm::error& e) {
    return e;
  }
  FAIL("no nextorm::error was thrown");
  throw std::logic_error{"unreachable"};
}

// A send buffer of a few KB: libpq's flush of a big statement then waits for writing however
// fast the server reads (with the default, a server on another core can keep up with a client
// slowed by the sanitizers, and no write ever waits).
void small_send_buffer(int socket) {
  const int size = 4096;
  REQUIRE(::setsockopt(socket, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) == 0);
}

// A statement that fails with `sqlstate`.
std::string raise_sql(const std::string& sqlstate) {
  return "DO $$ BEGIN RAISE EXCEPTION 'raised on purpose' USING ERRCODE = '" + sqlstate +
         "'; END $$";
}

// The error the driver reports for `sqlstate`.
nextorm::error raised(connection& c, const std::string& sqlstate) {
  return caught([&] { c.execute_script(raise_sql(sqlstate)); });
}

}  // namespace

TEST_CASE("postgres round-trips every value type exactly", "[postgres]") {
  auto c = connect();
  c->execute_script(
      "DROP TABLE IF EXISTS all_types; CREATE TABLE all_types (i BIGINT, r DOUBLE PRECISION, "
      "b BOOLEAN, s TEXT, x BYTEA, d NUMERIC(10, 2), day DATE, at TIMESTAMP, t TIME, u UUID, "
      "j JSONB)");
  std::string all_bytes;
  for (int byte = 0; byte < 256; ++byte) all_bytes += static_cast<char>(byte);
  const std::string insert =
      "INSERT INTO all_types VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
  const std::vector<std::vector<value>> rows{
      {value{std::numeric_limits<std::int64_t>::min()}, value{0.1}, value{true},
       value{"héllo wörld ✓ 😀"}, value::typed(value_type::bytes, std::string{"a\0b\xff", 4}),
       value::typed(value_type::decimal, "12.50"), value::typed(value_type::date, "2020-01-31"),
       value::typed(value_type::datetime, "2020-01-31 10:00:00.123456"),
       value::typed(value_type::time, "23:59:59.5"),
       value::typed(value_type::uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
       value::typed(value_type::json, R"({"a": [1, 2.5, "x"], "b": null})")},
      {value{std::numeric_limits<std::int64_t>::max()}, value{1e308}, value{false},
       value{std::string{}}, value::typed(value_type::bytes, all_bytes),
       value::typed(value_type::decimal, "-0.01"), value::typed(value_type::date, "1999-12-31"),
       value::typed(value_type::datetime, "1999-12-31 23:59:59"),
       value::typed(value_type::time, "00:00:00"),
       value::typed(value_type::uuid, "00000000-0000-0000-0000-000000000000"),
       value::typed(value_type::json, "[]")},
      {value{0}, value{-2.2250738585072014e-308}, value{}, value{}, value{}, value{}, value{},
       value{}, value{}, value{}, value{}},
  };
  for (const auto& row : rows) CHECK(c->execute(insert, row) == 1);

  auto read = c->query("SELECT i, r, b, s, x, d, day, at, t, u, j FROM all_types ORDER BY i", {});
  REQUIRE(read->column_count() == 11);
  // ORDER BY i: the minimum, 0, the maximum.
  for (const std::size_t expected : {std::size_t{0}, std::size_t{2}, std::size_t{1}}) {
    REQUIRE(read->next());
    for (std::size_t column = 0; column < 11; ++column) {
      const value& want = rows[expected][column];
      INFO("row " << expected << ", column " << column);
      // Asked for its own type, and inferred from the column's type.
      CHECK(read->get(column, want.type()) == want);
      CHECK(read->get(column, value_type::null) == want);
      CHECK(read->is_null(column) == want.is_null());
    }
  }
  CHECK_FALSE(read->next());
  CHECK_FALSE(read->next());
}

TEST_CASE("postgres floats keep every bit, infinities and NaN included", "[postgres]") {
  auto c = connect();
  for (const double v :
       {0.1, 1.0 / 3.0, -0.0, 5e-324, 1e308, -1.7976931348623157e308,
        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    INFO(v);
    const value back = scalar(*c, "SELECT $1", {value{v}});
    REQUIRE(back.type() == value_type::real);
    CHECK(back.as_real() == v);
    CHECK(std::signbit(back.as_real()) == std::signbit(v));
  }
  CHECK(std::isnan(scalar(*c, "SELECT $1", {value{std::nan("")}}).as_real()));
  CHECK(float8_text(0.1) == "0.1");
  CHECK(float8_text(std::nan("")) == "NaN");
}

TEST_CASE("postgres reads the column types it knows as their NextORM types", "[postgres]") {
  auto c = connect();
  auto rows = c->query(
      "SELECT 1::int2, 2::int4, 3::oid, 1.5::float4, 'n'::name, 'v'::varchar, 'c'::char(2), "
      "'2020-01-31 10:00:00+00'::timestamptz, '10:00:00+02'::timetz, '{\"a\":1}'::json, "
      "'{\"a\":1}'::jsonb, interval '1 day', interval '-1 days +02:03:04.5', 'x'::text, "
      "interval '1000000 years'",
      {});
  REQUIRE(rows->next());
  CHECK(rows->get(0, value_type::null) == value{1});
  CHECK(rows->get(1, value_type::null) == value{2});
  CHECK(rows->get(2, value_type::null) == value{3});
  CHECK(rows->get(3, value_type::null) == value{1.5});
  CHECK(rows->get(4, value_type::null) == value{"n"});
  CHECK(rows->get(5, value_type::null) == value{"v"});
  CHECK(rows->get(6, value_type::null) == value{"c "});
  CHECK(rows->get(7, value_type::null).type() == value_type::datetime);
  CHECK(rows->get(8, value_type::null) == value::typed(value_type::time, "10:00:00+02"));
  CHECK(rows->get(9, value_type::null) == value::typed(value_type::json, "{\"a\":1}"));
  CHECK(rows->get(10, value_type::null) == value::typed(value_type::json, "{\"a\": 1}"));
  CHECK(rows->get(11, value_type::null) == value::interval(86'400'000'000));
  CHECK(rows->get(12, value_type::interval) == value::interval(-86'400'000'000 + 7'384'500'000));
  CHECK_THROWS_WITH(rows->get(13, value_type::interval),
                    Catch::Contains("cannot read 'x' (a PostgreSQL str column) as timedelta"));
  CHECK_THROWS_WITH(rows->get(14, value_type::interval),
                    Catch::Contains("(a PostgreSQL timedelta column) as timedelta"));
}

TEST_CASE("postgres converts what a column holds into the type asked for", "[postgres]") {
  auto c = connect();
  auto rows = c->query(
      "SELECT 12.00::numeric, true, false, 7, 2.5::numeric, 'abc', 'abc'::text, NULL::bigint, "
      "'\\x00ff'::bytea",
      {});
  REQUIRE(rows->next());
  // SUM over bigint is numeric: a whole number in it reads as an integer.
  CHECK(rows->get(0, value_type::integer) == value{12});
  CHECK(rows->get_int(0) == 12);
  CHECK(rows->get(1, value_type::integer) == value{1});
  CHECK(rows->get(2, value_type::integer) == value{0});
  CHECK(rows->get(3, value_type::boolean) == value{true});
  CHECK(rows->get(3, value_type::real) == value{7.0});
  CHECK(rows->get_real(4) == 2.5);
  CHECK(rows->get(4, value_type::decimal) == value::typed(value_type::decimal, "2.5"));
  CHECK(rows->get_text(5) == "abc");
  CHECK(rows->get(6, value_type::bytes) == value::typed(value_type::bytes, "abc"));
  CHECK(rows->get(8, value_type::bytes) ==
        value::typed(value_type::bytes, std::string{"\0\xff", 2}));
  CHECK(rows->get_text(8) == "\\x00ff");
  // NULL reads as 0, 0.0 and "" through the plain readers, and as null through get().
  CHECK(rows->is_null(7));
  CHECK(rows->get_int(7) == 0);
  CHECK(rows->get_real(7) == 0.0);
  CHECK(rows->get(7, value_type::integer).is_null());

  auto bad = caught([&] { (void)rows->get(4, value_type::integer); });
  CHECK(bad.id() == "postgres.bad_value");
  CHECK(bad.message() == "cannot read '2.5' (a PostgreSQL decimal column) as int");
  CHECK(caught([&] { (void)rows->get(5, value_type::integer); }).message() ==
        "cannot read 'abc' (a PostgreSQL str column) as int");
  CHECK(caught([&] { (void)rows->get_real(5); }).message() ==
        "cannot read 'abc' (a PostgreSQL str column) as float");
  CHECK(caught([&] { (void)rows->get(5, value_type::boolean); }).id() == "postgres.bad_value");
  CHECK_FALSE(rows->next());
  // A whole number too large for an int64 is not one.
  CHECK(caught([&] {
          (void)scalar(*c, "SELECT 1e20::numeric", {}, value_type::integer);
        }).message() == "cannot read '100000000000000000000' (a PostgreSQL decimal column) as int");
}

TEST_CASE("postgres integer and float readers take every text their columns hold", "[postgres]") {
  auto c = connect();
  auto rows = c->query(
      "SELECT 0, -5, 123456789012345678, -1234567890123456789, -9223372036854775808, "
      "9223372036854775807, true, ''::text, '00042'::text, 2.5::float8, ''::text, NULL::float8, "
      "-0.0::float8, 'NaN'::float8, '-Infinity'::float8, 7",
      {});
  REQUIRE(rows->next());
  CHECK(rows->get_int(0) == 0);
  CHECK(rows->get_int(1) == -5);
  CHECK(rows->get_int(2) == 123456789012345678);    // 18 digits
  CHECK(rows->get_int(3) == -1234567890123456789);  // 19 digits
  CHECK(rows->get_int(4) == std::numeric_limits<std::int64_t>::min());
  CHECK(rows->get_int(5) == std::numeric_limits<std::int64_t>::max());
  CHECK(rows->get_int(6) == 1);  // a boolean's 't'
  // Empty text is not NULL, and not a number.
  CHECK(caught([&] { (void)rows->get_int(7); }).message() ==
        "cannot read '' (a PostgreSQL str column) as int");
  CHECK(rows->get_int(8) == 42);
  CHECK(rows->get_real(9) == 2.5);
  CHECK(caught([&] { (void)rows->get_real(10); }).id() == "postgres.bad_value");
  CHECK(rows->get_real(11) == 0.0);
  CHECK(std::signbit(rows->get_real(12)));
  CHECK(std::isnan(rows->get_real(13)));
  CHECK(rows->get_real(14) == -std::numeric_limits<double>::infinity());
  CHECK(rows->get_real(15) == 7.0);
  CHECK_FALSE(rows->next());
  // Past the largest int64 is an error, not a wrapped number.
  CHECK(caught([&] {
          (void)scalar(*c, "SELECT '9223372036854775808'::text", {}, value_type::integer);
        }).id() == "postgres.bad_value");
  CHECK(caught([&] {
          auto more = c->query("SELECT '-'::text, '12a'::text", {});
          REQUIRE(more->next());
          CHECK(caught([&] { (void)more->get_int(1); }).id() == "postgres.bad_value");
          (void)more->get_int(0);
        }).id() == "postgres.bad_value");
}

TEST_CASE("postgres parameters keep Python's arithmetic where inference would not", "[postgres]") {
  auto c = connect();
  c->execute_script(
      "DROP TABLE IF EXISTS stock; CREATE TABLE stock (n BIGINT, day DATE, u UUID, j JSONB); "
      "INSERT INTO stock VALUES (2, '2020-01-31', NULL, NULL)");
  // Inferred from `n`, 2.5 would be an invalid bigint; declared float8 it compares as Python does.
  CHECK(scalar(*c, "SELECT count(*) FROM stock WHERE n < $1", {value{2.5}}) == value{1});
  CHECK(scalar(*c, "SELECT count(*) FROM stock WHERE n > $1", {value{1.5}}) == value{1});
  // Inferred, $1 + 1 would be int4 and abs($1), -($1), $1 + $2 ambiguous.
  CHECK(scalar(*c, "SELECT $1 + 1", {value{std::int64_t{3000000000}}}) ==
        value{std::int64_t{3000000001}});
  CHECK(scalar(*c, "SELECT abs($1)", {value{-4}}) == value{4});
  CHECK(scalar(*c, "SELECT -($1)", {value{2.5}}) == value{-2.5});
  CHECK(scalar(*c, "SELECT $1 + $2", {value{2}, value{3}}) == value{5});
  CHECK(scalar(*c, "SELECT $1 IS NULL", {value{true}}) == value{false});
  CHECK(scalar(*c, "SELECT NOT $1", {value{false}}) == value{true});
  // Text stays inferred: it becomes the date, uuid or jsonb the column wants.
  CHECK(c->execute(
            "UPDATE stock SET day = $1, u = $2, j = $3 WHERE n = $4",
            std::vector<value>{value{"2021-02-03"}, value{"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
                               value{"{\"k\": 1}"}, value{2}}) == 1);
  CHECK(scalar(*c, "SELECT count(*) FROM stock WHERE day = $1 AND j = $2",
               {value{"2021-02-03"}, value{"{\"k\":1}"}}) == value{1});
  CHECK(scalar(*c, "SELECT $1", {value{"text stays text"}}) == value{"text stays text"});
}

TEST_CASE("postgres text with a NUL character is refused before it is cut short", "[postgres]") {
  auto c = connect();
  const std::vector<value> params{value{1}, value{std::string{"a\0b", 3}}};
  auto e = caught([&] { (void)c->query("SELECT $1, $2", params); });
  CHECK(e.id() == "postgres.nul_in_text");
  CHECK(e.category() == error_category::database);
  CHECK(e.message() ==
        "parameter $2 (str) holds a NUL character, which PostgreSQL cannot store in text");
  // The connection is still usable.
  CHECK(scalar(*c, "SELECT 1") == value{1});
}

TEST_CASE("postgres prepares a statement once per connection and parameter types", "[postgres]") {
  auto c = connect();
  const auto server_count = [&] {
    return scalar(*c, "SELECT count(*) FROM pg_prepared_statements").as_int();
  };
  CHECK(c->prepared_statements() == 0);
  CHECK(server_count() == 1);  // the count itself
  const std::string sql = "SELECT $1::text || 'x'";
  CHECK(scalar(*c, sql, {value{"a"}}) == value{"ax"});
  CHECK(scalar(*c, sql, {value{"b"}}) == value{"bx"});
  CHECK(c->prepared_statements() == 2);
  CHECK(server_count() == 2);
  // Declared parameter types are part of a statement: a float where an int was is a new one.
  const std::string add = "SELECT $1 + 1";
  CHECK(scalar(*c, add, {value{1}}) == value{2});
  CHECK(scalar(*c, add, {value{2}}) == value{3});
  CHECK(scalar(*c, add, {value{1.5}}) == value{2.5});
  CHECK(c->prepared_statements() == 4);
  auto names = c->query("SELECT name FROM pg_prepared_statements ORDER BY name", {});
  std::vector<std::string> seen;
  while (names->next()) seen.emplace_back(names->get_text(0));
  CHECK(seen == std::vector<std::string>{"s1", "s2", "s3", "s4", "s5"});

  // A statement prepared inside a transaction that rolls back stays prepared.
  c->begin();
  CHECK(scalar(*c, "SELECT $1::int * 2", {value{"21"}}) == value{42});
  c->rollback();
  CHECK(scalar(*c, "SELECT $1::int * 2", {value{"4"}}) == value{8});
  CHECK(c->prepared_statements() == 6);
  // A statement whose result columns changed under it fails once, then is prepared anew.
  c->execute_script(
      "DROP TABLE IF EXISTS grows; CREATE TABLE grows (a INT); INSERT INTO grows VALUES (1)");
  CHECK(c->query("SELECT * FROM grows", {})->column_count() == 1);
  c->execute_script("ALTER TABLE grows ADD COLUMN b INT");
  CHECK_THAT(caught([&] { (void)c->query("SELECT * FROM grows", {}); }).message(),
             Catch::Contains("cached plan must not change result type (SQLSTATE 0A000)"));
  CHECK(c->query("SELECT * FROM grows", {})->column_count() == 2);
  CHECK(c->prepared_statements() == 7);
  // A statement that fails to prepare is not kept.
  CHECK(caught([&] { (void)c->query("SELEC 1", {}); }).id() == "postgres.syntax_error");
  CHECK(c->prepared_statements() == 7);
  // Statements the server forgot (DEALLOCATE ALL, DISCARD ALL, a pooler): each fails once,
  // then is prepared anew.
  c->execute_script("DEALLOCATE ALL");
  CHECK_THAT(caught([&] { (void)c->query("SELECT * FROM grows", {}); }).message(),
             Catch::Contains("does not exist (SQLSTATE 26000)"));
  CHECK(c->query("SELECT * FROM grows", {})->column_count() == 2);
}

TEST_CASE("postgres execute counts rows and insert returns the RETURNING value", "[postgres]") {
  auto c = connect();
  c->execute_script(
      "DROP TABLE IF EXISTS item; CREATE TABLE item (id BIGSERIAL PRIMARY KEY, name TEXT, "
      "code UUID DEFAULT '00000000-0000-0000-0000-00000000000a')");
  const std::string insert = "INSERT INTO item (name) VALUES ($1) RETURNING \"id\"";
  CHECK(c->insert(insert, std::vector<value>{value{"a"}}) == value{1});
  CHECK(c->insert(insert, std::vector<value>{value{"b"}}) == value{2});
  CHECK(c->insert("INSERT INTO item (name) VALUES ($1) RETURNING code",
                  std::vector<value>{value{"c"}}) ==
        value::typed(value_type::uuid, "00000000-0000-0000-0000-00000000000a"));
  // Without RETURNING there is no key to return: PostgreSQL has no last-insert id.
  CHECK(c->insert("INSERT INTO item (name) VALUES ($1)", std::vector<value>{value{"d"}}).is_null());
  CHECK(c->insert("INSERT INTO item (name) SELECT 'e' WHERE false RETURNING id", {}).is_null());
  CHECK(c->execute("UPDATE item SET name = upper(name) WHERE id > $1",
                   std::vector<value>{value{1}}) == 3);
  CHECK(c->execute("DELETE FROM item WHERE name = $1", std::vector<value>{value{"nothing"}}) == 0);
  CHECK(c->execute("CREATE INDEX item_name ON item (name)", {}) == 0);
  CHECK(scalar(*c, "SELECT string_agg(name, ',' ORDER BY id) FROM item") == value{"a,B,C,D"});
}

TEST_CASE("postgres scripts run several statements, outside any transaction", "[postgres]") {
  auto c = connect();
  c->execute_script(
      "DROP TABLE IF EXISTS script_a; CREATE TABLE script_a (v INT); "
      "INSERT INTO script_a VALUES (1), (2)");
  CHECK(scalar(*c, "SELECT sum(v) FROM script_a", {}, value_type::integer) == value{3});
  c->execute_script("-- nothing but a comment");
  c->execute_script("");
  // CREATE DATABASE refuses to run inside a transaction block; a script is not one.
  c->execute_script("DROP DATABASE IF EXISTS nt_pgdriver_scratch");
  c->execute_script("CREATE DATABASE nt_pgdriver_scratch");
  c->execute_script("DROP DATABASE nt_pgdriver_scratch");
  // A failing statement stops the script; the first error is the one reported.
  auto e = caught([&] {
    c->execute_script("INSERT INTO script_a VALUES (3); SELECT 1/0; SELECT * FROM missing");
  });
  CHECK(e.id() == "postgres.data_exception");
  CHECK(e.message() ==
        "cannot execute 'INSERT INTO script_a VALUES (3); SELECT 1/0; SELECT * FROM missing': "
        "division by zero (SQLSTATE 22012)");
  // The script ran as one implicit transaction: the INSERT went with it.
  CHECK(scalar(*c, "SELECT count(*) FROM script_a") == value{2});
}

TEST_CASE("postgres ends a COPY from or to the client and says it is not supported", "[postgres]") {
  auto c = connect();
  c->execute_script("DROP TABLE IF EXISTS copied; CREATE TABLE copied (v INT)");
  const std::string unsupported = "NextORM does not run COPY FROM STDIN or COPY TO STDOUT";
  auto in = caught([&] { c->execute_script("COPY copied FROM STDIN"); });
  CHECK(in.id() == "postgres.copy_unsupported");
  CHECK(in.message() == "cannot execute 'COPY copied FROM STDIN': " + unsupported);
  // Rows of a COPY TO STDOUT are read to the end (more than one socket's worth) and dropped.
  auto out = caught([&] {
    (void)c->query("COPY (SELECT repeat('x', 100) FROM generate_series(1, 20000)) TO STDOUT", {});
  });
  CHECK(out.id() == "postgres.copy_unsupported");
  auto both = caught([&] { c->execute_script("COPY copied FROM STDIN; SELECT 1"); });
  CHECK(both.id() == "postgres.copy_unsupported");
  // The connection is in step afterwards.
  CHECK(scalar(*c, "SELECT count(*) FROM copied") == value{0});
  CHECK_FALSE(c->in_transaction());
}

TEST_CASE("postgres maps constraint violations to integrity errors", "[postgres]") {
  auto c = connect();
  c->execute_script(
      "DROP TABLE IF EXISTS child; DROP TABLE IF EXISTS parent; "
      "CREATE TABLE parent (id INT PRIMARY KEY, v TEXT NOT NULL UNIQUE, n INT CHECK (n > 0)); "
      "CREATE TABLE child (id INT PRIMARY KEY, parent INT REFERENCES parent (id))");
  const std::string insert = "INSERT INTO parent (id, v, n) VALUES ($1, $2, $3)";
  (void)c->execute(insert, std::vector<value>{value{1}, value{"a"}, value{1}});

  auto unique = caught([&] {
    (void)c->execute(insert, std::vector<value>{value{2}, value{"a"}, value{1}});
  });
  CHECK(unique.category() == error_category::integrity);
  CHECK(unique.id() == "postgres.unique_violation");
  CHECK(unique.message() ==
        "cannot execute 'INSERT INTO parent (id, v, n) VALUES ($1, $2, $3)': duplicate key value "
        "violates unique constraint \"parent_v_key\" DETAIL: Key (v)=(a) already exists. "
        "(SQLSTATE 23505)");
  CHECK_THROWS_AS(c->execute(insert, std::vector<value>{value{2}, value{"a"}, value{1}}),
                  integrity_error);

  auto not_null = caught([&] {
    (void)c->execute(insert, std::vector<value>{value{2}, value{}, value{1}});
  });
  CHECK(not_null.id() == "postgres.not_null_violation");
  CHECK(not_null.category() == error_category::integrity);

  auto foreign = caught([&] {
    (void)c->execute("INSERT INTO child VALUES ($1, $2)", std::vector<value>{value{1}, value{9}});
  });
  CHECK(foreign.id() == "postgres.foreign_key_violation");
  CHECK(foreign.category() == error_category::integrity);
  CHECK_THAT(foreign.message(), Catch::Contains("DETAIL: Key (parent)=(9) is not present"));

  auto check = caught([&] {
    (void)c->execute(insert, std::vector<value>{value{3}, value{"c"}, value{0}});
  });
  CHECK(check.id() == "postgres.check_violation");
  CHECK(check.category() == error_category::integrity);
  CHECK_THAT(check.message(), Catch::Contains("(SQLSTATE 23514)"));
}

TEST_CASE("postgres maps every other SQLSTATE by its class", "[postgres]") {
  auto c = connect();
  auto syntax = caught([&] { (void)c->query("SELECT FROM WHERE", {}); });
  CHECK(syntax.id() == "postgres.syntax_error");
  CHECK(syntax.category() == error_category::database);
  CHECK(syntax.message() ==
        "cannot prepare 'SELECT FROM WHERE': syntax error at or near \"WHERE\" (SQLSTATE 42601)");
  CHECK(caught([&] { (void)c->query("SELECT * FROM missing", {}); }).id() ==
        "postgres.undefined_table");
  CHECK(caught([&] { (void)c->query("SELECT missing FROM pg_class", {}); }).id() ==
        "postgres.undefined_column");
  auto function = caught([&] { (void)c->query("SELECT no_such_function(1)", {}); });
  CHECK(function.id() == "postgres.syntax_error_or_access_rule_violation");
  CHECK_THAT(function.message(), Catch::Contains(" HINT: No function matches"));
  // A parameter whose type nothing tells is reported as the server says it.
  CHECK_THAT(
      caught([&] { (void)c->query("SELECT $1 IS NULL", std::vector<value>{value{}}); }).message(),
      Catch::Contains("could not determine data type of parameter $1"));

  struct expectation {
    const char* state;
    const char* id;
    error_category category;
  };
  for (const auto& [state, id, category] : {
           expectation{"40001", "postgres.serialization_failure", error_category::transaction},
           expectation{"40P01", "postgres.deadlock_detected", error_category::transaction},
           expectation{"40003", "postgres.transaction_rollback", error_category::transaction},
           expectation{"08006", "postgres.connection_exception", error_category::connection},
           expectation{"57P01", "postgres.connection_lost", error_category::connection},
           expectation{"57P02", "postgres.connection_lost", error_category::connection},
           expectation{"55P03", "postgres.lock_timeout", error_category::transaction},
           expectation{"23000", "postgres.integrity_constraint_violation",
                       error_category::integrity},
           expectation{"57P03", "postgres.cannot_connect_now", error_category::connection},
           expectation{"22023", "postgres.data_exception", error_category::database},
           expectation{"XX000", "postgres.error", error_category::database},
       }) {
    INFO(state);
    auto e = raised(*c, state);
    CHECK(e.id() == id);
    CHECK(e.category() == category);
    CHECK_THAT(e.message(),
               Catch::Contains(std::string{"raised on purpose (SQLSTATE "} + state + ")"));
  }
  // A statement given fewer parameters than it has: class 08, but the connection is fine.
  auto fewer =
      caught([&] { (void)c->query("SELECT $1::int + $2::int", std::vector<value>{value{1}}); });
  CHECK(fewer.id() == "postgres.protocol_violation");
  CHECK(fewer.category() == error_category::database);
  CHECK(scalar(*c, "SELECT 1") == value{1});
  // More parameters than the protocol allows: libpq refuses to send them.
  const std::vector<value> too_many(70000, value{1});
  auto refused = caught([&] { (void)c->query("SELECT 1", too_many); });
  CHECK(refused.id() == "postgres.send_failed");
  CHECK_THAT(refused.message(),
             Catch::Contains("number of parameters must be between 0 and 65535"));
  CHECK(scalar(*c, "SELECT 2") == value{2});
  // ...and thrown as the class of their category.
  CHECK_THROWS_AS(c->execute_script(raise_sql("40P01")), transaction_error);
  CHECK_THROWS_AS(c->execute_script(raise_sql("08006")), connection_error);
  CHECK_THROWS_AS(c->execute_script(raise_sql("23P01")), integrity_error);
}

TEST_CASE("postgres transactions: in_transaction, commit, rollback after a failed statement",
          "[postgres]") {
  auto c = connect();
  c->execute_script("DROP TABLE IF EXISTS account; CREATE TABLE account (id INT PRIMARY KEY)");
  const std::string insert = "INSERT INTO account VALUES ($1)";
  CHECK_FALSE(c->in_transaction());
  c->rollback();  // nothing to roll back
  c->begin();
  CHECK(c->in_transaction());
  (void)c->execute(insert, std::vector<value>{value{1}});
  c->commit();
  CHECK_FALSE(c->in_transaction());

  // A failed statement aborts the transaction: later statements are refused until a rollback.
  c->begin();
  (void)c->execute(insert, std::vector<value>{value{2}});
  CHECK_THROWS_AS(c->execute(insert, std::vector<value>{value{1}}), integrity_error);
  CHECK(c->in_transaction());
  auto refused = caught([&] { (void)c->execute(insert, std::vector<value>{value{3}}); });
  CHECK(refused.id() == "postgres.in_failed_sql_transaction");
  CHECK(refused.category() == error_category::transaction);
  c->rollback();
  CHECK_FALSE(c->in_transaction());
  CHECK(scalar(*c, "SELECT count(*) FROM account") == value{1});

  // COMMIT of an aborted transaction rolls back: that is an error, not a silent success.
  c->begin();
  (void)c->execute(insert, std::vector<value>{value{4}});
  CHECK_THROWS_AS(c->execute(insert, std::vector<value>{value{1}}), integrity_error);
  auto aborted = caught([&] { c->commit(); });
  CHECK(aborted.id() == "postgres.transaction_aborted");
  CHECK(aborted.category() == error_category::transaction);
  CHECK_FALSE(c->in_transaction());
  CHECK(scalar(*c, "SELECT count(*) FROM account") == value{1});
}

TEST_CASE("postgres reports a real serialization failure and a real deadlock", "[postgres]") {
  auto a = connect();
  auto b = connect();
  a->execute_script(
      "DROP TABLE IF EXISTS lockme; CREATE TABLE lockme (id INT PRIMARY KEY, v INT); "
      "INSERT INTO lockme VALUES (1, 0), (2, 0)");
  const std::string update = "UPDATE lockme SET v = v + 1 WHERE id = $1";

  a->execute_script("BEGIN ISOLATION LEVEL REPEATABLE READ");
  CHECK(scalar(*a, "SELECT v FROM lockme WHERE id = 1") == value{0});
  (void)b->execute(update, std::vector<value>{value{1}});
  auto serialization = caught([&] { (void)a->execute(update, std::vector<value>{value{1}}); });
  CHECK(serialization.id() == "postgres.serialization_failure");
  CHECK(serialization.category() == error_category::transaction);
  a->rollback();

  // A waits for B's row without blocking this thread; B then waits for A's and, with the shorter
  // deadlock_timeout, is the one the server picks.
  a->execute_script("SET deadlock_timeout = '10s'");
  b->execute_script("SET deadlock_timeout = '50ms'");
  a->begin();
  b->begin();
  (void)a->execute(update, std::vector<value>{value{1}});
  (void)b->execute(update, std::vector<value>{value{2}});
  const std::vector<value> two{value{2}};
  a->start_statement(update, two);
  pg_wait wait = a->advance();
  CHECK(wait == pg_wait::read);
  auto deadlock = caught([&] { (void)b->execute(update, std::vector<value>{value{1}}); });
  CHECK(deadlock.id() == "postgres.deadlock_detected");
  CHECK(deadlock.category() == error_category::transaction);
  b->rollback();
  while (wait != pg_wait::done) {
    wait_on(a->socket(), wait);
    wait = a->advance();
  }
  CHECK(PQcmdTuples(a->finish().get()) == std::string{"1"});
  a->commit();
  CHECK(scalar(*a, "SELECT v FROM lockme WHERE id = 2") == value{1});
}

TEST_CASE("postgres connection failures are connection errors without the password", "[postgres]") {
  const connection_url good = parse_url(database_url());

  connection_url wrong_password = good;
  wrong_password.password = "not-the-s3cret";
  wrong_password.original.clear();  // connect from the fields
  auto e = caught([&] { postgres_connection c{wrong_password}; });
  CHECK(e.id() == "postgres.cannot_connect");
  CHECK(e.category() == error_category::connection);
  CHECK_THAT(e.message(), Catch::Contains("password authentication failed"));
  CHECK_THAT(e.message(), !Catch::Contains("not-the-s3cret"));
  CHECK_THAT(e.message(), Catch::StartsWith("cannot connect to postgresql://" + good.user + "@" +
                                            good.host + ":" + std::to_string(good.port) + "/"));

  auto refused =
      caught([&] { postgres_connection c{parse_url("postgresql://nobody:pw@127.0.0.1:1/none")}; });
  CHECK(refused.id() == "postgres.cannot_connect");
  CHECK_THAT(refused.message(), Catch::Contains("Connection refused"));
  CHECK_THAT(refused.message(), !Catch::Contains(":pw@"));

  auto no_database = caught([&] {
    connection_url missing = good;
    missing.original.clear();
    missing.database = "nt_no_such_database";
    postgres_connection c{missing};
  });
  CHECK_THAT(no_database.message(), Catch::Contains("\"nt_no_such_database\" does not exist"));

  auto bad_option = caught([&] {
    postgres_connection c{parse_url("postgresql://u:secret@127.0.0.1/db?nosuchoption=1")};
  });
  CHECK(bad_option.id() == "postgres.bad_url");
  CHECK_THAT(bad_option.message(), Catch::Contains("nosuchoption"));
  CHECK_THAT(bad_option.message(), !Catch::Contains("secret"));
  auto bad_mode = caught([&] {
    postgres_connection c{parse_url("postgresql://u:secret@127.0.0.1/db?sslmode=bogus")};
  });
  CHECK(bad_mode.id() == "postgres.cannot_connect");
  CHECK_THAT(bad_mode.message(), Catch::Contains("invalid sslmode value: \"bogus\""));
  // Without host, port or user, libpq's defaults apply: here, a local socket with no server.
  connection_url minimal;
  minimal.provider = "postgres";
  minimal.database = "nt_nothing";
  auto local = caught([&] { postgres_connection c{minimal}; });
  CHECK(local.category() == error_category::connection);
  CHECK_THAT(local.message(), Catch::StartsWith("cannot connect to postgresql:///nt_nothing: "));

  // Both URL schemes, and the fields alone, reach the same server; options in the URL are kept.
  std::string postgres_scheme = database_url();
  postgres_scheme.replace(0, postgres_scheme.find("://"), "postgres");
  CHECK(scalar(*connect(postgres_scheme), "SELECT 1") == value{1});
  connection_url fields = good;
  fields.original.clear();
  postgres_connection from_fields{fields};
  CHECK(scalar(from_fields, "SELECT current_database()") == value{good.database});
  auto with_options =
      connect(database_url() + "?application_name=pgtest&options=-c%20work_mem%3D5MB");
  CHECK(scalar(*with_options, "SHOW work_mem") == value{"5MB"});
  CHECK(scalar(*with_options, "SHOW application_name") == value{"pgtest"});
  CHECK(scalar(*with_options, "SHOW DateStyle") == value{"ISO, MDY"});
  CHECK(scalar(*with_options, "SHOW client_encoding") == value{"UTF8"});
}

TEST_CASE("postgres reports a lost connection as a connection error", "[postgres]") {
  auto victim = connect();
  auto killer = connect();
  const value pid = scalar(*victim, "SELECT pg_backend_pid()");
  victim->begin();
  CHECK(scalar(*killer, "SELECT pg_terminate_backend($1::int)", {pid}) == value{true});
  auto lost = caught([&] { (void)victim->query("SELECT 1", {}); });
  CHECK(lost.category() == error_category::connection);
  CHECK_THAT(std::string{lost.id()}, Catch::Matches("postgres\\.(admin_shutdown|connection_lost)"));
  // Afterwards every statement, and a rollback, say the connection is gone.
  auto again = caught([&] { (void)victim->execute("SELECT 1", {}); });
  CHECK(again.category() == error_category::connection);
  CHECK_FALSE(victim->in_transaction());
  CHECK(caught([&] { victim->rollback(); }).id() == "postgres.connection_lost");
  CHECK(caught([&] { victim->begin(); }).category() == error_category::connection);
  CHECK(caught([&] { victim->execute_script("SELECT 1"); }).category() ==
        error_category::connection);
  // Lost while idle: the next script finds out, and the one after is refused before it is sent.
  auto idle = connect();
  const value idle_pid = scalar(*idle, "SELECT pg_backend_pid()");
  CHECK(scalar(*killer, "SELECT pg_terminate_backend($1::int)", {idle_pid}) == value{true});
  for (int i = 0; i < 2; ++i) {
    CHECK(caught([&] { idle->execute_script("SELECT 1"); }).category() ==
          error_category::connection);
  }
}

// The network goes away under the connection: the wait function shuts the socket down (both
// ways, or only for sending) the `nth` time it is asked to wait for `when`, as a dropped link
// or a peer's reset would leave it.
namespace {

// A batch of the statements `sql`, each with its parameters.
struct test_batch {
  std::vector<std::string> sql;
  std::vector<std::vector<value>> values;
  std::vector<value_params> params;
  std::vector<batched_statement> statements;
  std::vector<std::int64_t> rows;

  void add(std::string text, std::vector<value> v) {
    sql.push_back(std::move(text));
    values.push_back(std::move(v));
  }
  void run(connection& c) {
    params.clear();
    statements.clear();
    params.reserve(sql.size());
    for (std::size_t i = 0; i < sql.size(); ++i) {
      statements.push_back({&sql[i], &params.emplace_back(values[i])});
    }
    rows.assign(sql.size(), -1);
    c.execute_batch(statements, rows);
  }
};

}  // namespace

TEST_CASE("postgres runs a batch in one pipeline, each statement's rows counted", "[postgres]") {
  auto c = connect();
  c->execute_script("DROP TABLE IF EXISTS piped; CREATE TABLE piped (id INT PRIMARY KEY, v TEXT)");
  test_batch b;
  const std::string insert = "INSERT INTO piped VALUES ($1, $2)";
  for (int i = 1; i <= 5; ++i) b.add(insert, {value{i}, value{"v" + std::to_string(i)}});
  b.add("UPDATE piped SET v = $1 WHERE id > $2", {value{"w"}, value{2}});
  b.add("UPDATE piped SET v = $1 WHERE id = $2", {value{"x"}, value{99}});
  b.add("DELETE FROM piped WHERE id = $1", {value{1}});
  b.run(*c);
  CHECK(b.rows == std::vector<std::int64_t>{1, 1, 1, 1, 1, 3, 0, 1});
  // Each new statement was prepared once, the INSERT used five times included; the connection
  // is out of pipeline mode and runs statements as before.
  CHECK(c->prepared_statements() == 4);
  CHECK(PQpipelineStatus(c->handle()) == PQ_PIPELINE_OFF);
  CHECK(scalar(*c, "SELECT string_agg(v, ',' ORDER BY id) FROM piped") == value{"v2,w,w,w"});
  // Statements prepared already are only executed.
  test_batch again;
  again.add(insert, {value{7}, value{"a"}});
  again.add(insert, {value{8}, value{nullptr}});
  again.run(*c);
  CHECK(again.rows == std::vector<std::int64_t>{1, 1});
  CHECK(c->prepared_statements() == 5);  // and the query above
  // A batch of one, or of none, is a plain statement.
  test_batch one;
  one.add("DELETE FROM piped WHERE id >= $1", {value{7}});
  one.run(*c);
  CHECK(one.rows == std::vector<std::int64_t>{2});
  test_batch none;
  none.run(*c);
  CHECK(scalar(*c, "SELECT count(*) FROM piped").as_int() == 4);
}

TEST_CASE("postgres sends a transaction's BEGIN with its first statement", "[postgres]") {
  auto c = connect();
  c->execute_script("DROP TABLE IF EXISTS begun; CREATE TABLE begun (id INT PRIMARY KEY)");
  const std::uint64_t start = c->round_trips();
  c->begin();
  CHECK(c->in_transaction());
  CHECK(c->round_trips() == start);  // nothing sent yet
  // BEGIN, the statement's preparation and the statement: one round trip.
  CHECK(c->execute("INSERT INTO begun VALUES ($1)", std::vector<value>{value{1}}) == 1);
  CHECK(c->round_trips() == start + 1);
  // Inside a transaction block indeed: a savepoint is refused outside one.
  c->execute_script("SAVEPOINT inside");
  c->rollback();
  CHECK(scalar(*c, "SELECT count(*) FROM begun").as_int() == 0);
  // A transaction that sends nothing costs nothing, committed or rolled back.
  const std::uint64_t idle = c->round_trips();
  c->begin();
  c->commit();
  c->begin();
  c->rollback();
  CHECK(c->round_trips() == idle);
  CHECK_FALSE(c->in_transaction());
  // The isolation level goes with it too; a query (rows) as the first statement.
  c->begin_serializable();
  CHECK(scalar(*c, "SELECT current_setting('transaction_isolation') || $1::text", {value{""}}) ==
        value{"serializable"});
  c->commit();
  // Before a script or a batch, the BEGIN is a round trip of its own, and the transaction is
  // one all the same.
  c->begin();
  c->execute_script("INSERT INTO begun VALUES (2)");
  c->rollback();
  c->begin();
  test_batch b;
  b.add("INSERT INTO begun VALUES ($1)", {value{3}});
  b.add("INSERT INTO begun VALUES ($1)", {value{4}});
  b.run(*c);
  c->rollback();
  // Within statement limits it goes with the first statement too, under the same deadline: a
  // first statement past it is cancelled, and the transaction rolls back.
  c->set_limits({.timeout = std::chrono::milliseconds{10'000}});
  c->begin();
  const std::uint64_t limited = c->round_trips();
  CHECK(c->execute("INSERT INTO begun VALUES ($1)", std::vector<value>{value{5}}) == 1);
  CHECK(c->round_trips() == limited + 1);
  c->execute_script("SAVEPOINT inside");
  c->rollback();
  c->set_limits({.timeout = std::chrono::milliseconds{200}});
  c->begin();
  CHECK(caught([&] {
          (void)c->query("SELECT pg_sleep($1)", std::vector<value>{value{5.0}});
        }).id() == "statement.timeout");
  c->rollback();
  c->set_limits({});
  CHECK_FALSE(c->in_transaction());
  CHECK(scalar(*c, "SELECT count(*) FROM begun").as_int() == 0);
  // A first statement that fails: the transaction is begun, and aborted.
  c->begin();
  CHECK(caught([&] {
          (void)c->execute("INSERT INTO begun VALUES ($1)", std::vector<value>{value{"x"}});
        }).category() == error_category::database);
  CHECK(c->in_transaction());
  CHECK(caught([&] { c->commit(); }).id() == "postgres.transaction_aborted");
  // A first statement with more parameters than the protocol carries: refused by libpq, while
  // the BEGIN before it goes out (the transaction is begun, and empty).
  std::string many = "SELECT 1 WHERE 1 IN ($1";
  for (int i = 2; i <= 70000; ++i) many += ", $" + std::to_string(i);
  many += ")";
  c->begin();
  CHECK(caught([&] { (void)c->query(many, std::vector<value>(70000, value{1})); }).id() ==
        "postgres.send_failed");
  c->commit();
  CHECK(scalar(*c, "SELECT 1") == value{1});
}

TEST_CASE("postgres stops a batch at its first failure and reports that statement", "[postgres]") {
  auto c = connect();
  c->execute_script("DROP TABLE IF EXISTS piped2; CREATE TABLE piped2 (id INT PRIMARY KEY)");
  const std::string insert = "INSERT INTO piped2 VALUES ($1)";
  SECTION("outside a transaction the batch is one: none of it stays") {
    test_batch b;
    b.add(insert, {value{1}});
    b.add(insert, {value{1}});
    b.add(insert, {value{2}});
    const auto e = caught([&] { b.run(*c); });
    CHECK(e.id() == "postgres.unique_violation");
    CHECK_THAT(e.message(), Catch::StartsWith("cannot execute '" + insert + "'"));
    CHECK(scalar(*c, "SELECT count(*) FROM piped2").as_int() == 0);
    CHECK(c->alive());
  }
  SECTION("inside one, the transaction is aborted") {
    c->begin();
    test_batch b;
    b.add(insert, {value{1}});
    b.add(insert, {value{1}});
    CHECK(caught([&] { b.run(*c); }).id() == "postgres.unique_violation");
    CHECK(c->in_transaction());
    CHECK(caught([&] { c->commit(); }).id() == "postgres.transaction_aborted");
    CHECK(scalar(*c, "SELECT count(*) FROM piped2").as_int() == 0);
  }
  SECTION("a statement that cannot be prepared") {
    const std::size_t before = c->prepared_statements();
    test_batch b;
    b.add("DELETE FROM piped2 WHERE id = $1", {value{5}});
    b.add("DELET FROM piped2 WHERE id = $1", {value{5}});
    b.add("UPDATE piped2 SET id = $1 WHERE id = $2", {value{1}, value{2}});
    const auto e = caught([&] { b.run(*c); });
    CHECK(e.id() == "postgres.syntax_error");
    CHECK_THAT(e.message(), Catch::StartsWith("cannot prepare 'DELET FROM piped2"));
    // What was prepared before the failure stays prepared; the rest was not.
    CHECK(c->prepared_statements() == before + 1);
  }
  SECTION("a statement libpq refuses to send, after one it sent") {
    test_batch b;
    b.add(insert, {value{8}});
    std::string many = "SELECT 1 WHERE 1 IN ($1";
    std::vector<value> values{value{1}};
    for (int i = 2; i <= 70000; ++i) {
      many += ", $" + std::to_string(i);
      values.emplace_back(i);
    }
    b.add(many + ")", values);
    const auto e = caught([&] { b.run(*c); });
    CHECK(e.id() == "postgres.send_failed");
    CHECK_THAT(e.message(), Catch::Contains("65535"));
    CHECK(PQpipelineStatus(c->handle()) == PQ_PIPELINE_OFF);
  }
  SECTION("a statement whose table changed under it is prepared anew next time") {
    c->execute_script("DROP TABLE IF EXISTS grows2; CREATE TABLE grows2 (a INT)");
    test_batch b;
    b.add("SELECT * FROM grows2", {});
    b.add("SELECT * FROM grows2", {});
    b.run(*c);
    c->execute_script("ALTER TABLE grows2 ADD COLUMN b INT");
    CHECK_THAT(caught([&] { b.run(*c); }).message(),
               Catch::Contains("cached plan must not change result type"));
    b.run(*c);
    CHECK(b.rows == std::vector<std::int64_t>{0, 0});
  }
  // Either way the connection goes on.
  test_batch after;
  after.add(insert, {value{3}});
  after.add(insert, {value{4}});
  after.run(*c);
  CHECK(after.rows == std::vector<std::int64_t>{1, 1});
}

TEST_CASE("postgres sends a batch larger than the socket holds while it reads the answers",
          "[postgres]") {
  auto c = connect();
  small_send_buffer(c->socket());
  c->execute_script("DROP TABLE IF EXISTS piped3; CREATE TABLE piped3 (id INT, v TEXT)");
  // 20,000 statements of 200 bytes: megabytes each way, more than the sockets buffer, so the
  // server must be read while it is written to.
  test_batch b;
  for (int i = 0; i < 20000; ++i) {
    b.add("INSERT INTO piped3 VALUES ($1, $2)", {value{i}, value{std::string(200, 'p')}});
  }
  c->begin();
  b.run(*c);
  c->commit();
  CHECK(std::count(b.rows.begin(), b.rows.end(), 1) == 20000);
  CHECK(scalar(*c, "SELECT count(*) FROM piped3").as_int() == 20000);
}

TEST_CASE("postgres reports a connection lost in the middle of a batch", "[postgres]") {
  auto left = std::make_shared<int>(-1);  // not while connecting
  auto c = connect(database_url(), [left](const wait_request& request) {
    if (*left > 0 && --*left == 0) {
      ::shutdown(request.socket, SHUT_RDWR);
      return request.interest;
    }
    return wait_for_socket(request);
  });
  small_send_buffer(c->socket());
  test_batch b;
  for (int i = 0; i < 4; ++i) {
    b.add("SELECT length($1)", {value::typed(value_type::bytes, std::string(8 << 20, 'x'))});
  }
  SECTION("while it is sent") { *left = 1; }
  SECTION("while the answers are read") {
    b.sql.resize(2);
    b.values.resize(2);
    b.values[0][0] = value{1};
    b.values[1][0] = value{2};
    // (The first answers at once, the second after 0.2 s: a wait for it comes whatever the
    // machine's speed.)
    b.sql[0] = "SELECT $1::int";
    b.sql[1] = "SELECT pg_sleep(0.2), $1::int";
    *left = 1;
  }
  const auto e = caught([&] { b.run(*c); });
  CHECK(e.id() == "postgres.connection_lost");
  CHECK_FALSE(c->alive());
}

TEST_CASE("postgres reports a socket that stops working while it sends or reads as lost",
          "[postgres]") {
  const auto drop_at = [](io when, int nth, int how) {
    auto left = std::make_shared<int>(-1);  // not while connecting
    auto c = connect(database_url(), [left, when, how](const wait_request& request) {
      if (request.interest == when && *left > 0 && --*left == 0) {
        ::shutdown(request.socket, how);
        return when;
      }
      return wait_for_socket(request);
    });
    *left = nth;
    small_send_buffer(c->socket());
    return c;
  };
  const std::string lost = "lost the connection to the PostgreSQL server: ";
  // 32 MiB fill the socket's (small) buffer, so libpq waits to send the rest.
  const std::vector<value> big{value::typed(value_type::bytes, std::string(32 << 20, 'x'))};
  SECTION("while the rest waits to be sent") {
    auto c = drop_at(io::read | io::write, 1, SHUT_RDWR);
    const auto e = caught([&] { (void)c->execute("SELECT length($1)", big); });
    CHECK(e.id() == "postgres.connection_lost");
    CHECK_THAT(e.message(), Catch::StartsWith(lost));
    CHECK_FALSE(c->alive());
  }
  SECTION("only for sending, while the rest waits to be sent") {
    // libpq drops what it cannot send and reports the loss when it reads.
    auto c = drop_at(io::read | io::write, 1, SHUT_WR);
    const auto e = caught([&] { (void)c->execute("SELECT length($1)", big); });
    CHECK(e.id() == "postgres.connection_lost");
    CHECK_THAT(e.message(), Catch::StartsWith(lost));
  }
  SECTION("between the rows of a COPY TO STDOUT") {
    // A script is not prepared. The server sends COPY data in 8 KB pieces: the first wait brings
    // 20 KB of rows, the second comes while the server pauses for 300 ms.
    auto c = drop_at(io::read, 2, SHUT_RDWR);
    const auto e = caught([&] {
      c->execute_script(
          "COPY (SELECT repeat('x', 1000) || CASE WHEN i = 20 THEN pg_sleep(0.3)::text ELSE '' "
          "END FROM generate_series(1, 40) i) TO STDOUT");
    });
    CHECK(e.id() == "postgres.connection_lost");
    CHECK_THAT(e.message(), Catch::StartsWith(lost + "server closed the connection unexpectedly"));
  }
}

TEST_CASE("postgres is not alive while a statement a wait function broke off is unfinished",
          "[postgres]") {
  bool refuse = false;
  auto c = connect(database_url(), [&](const wait_request& request) {
    if (refuse) throw std::runtime_error{"cancelled"};
    return wait_for_socket(request);
  });
  CHECK(c->alive());
  refuse = true;
  CHECK_THROWS_WITH(c->query("SELECT pg_sleep(0.01)", {}), "cancelled");
  refuse = false;
  CHECK_FALSE(c->alive());
  const auto refused = caught([&] { (void)c->query("SELECT 1", {}); });
  CHECK(refused.id() == "postgres.connection_broken");
  CHECK(refused.category() == error_category::connection);
}

TEST_CASE("postgres without a database in the URL's fields connects to the user's database",
          "[postgres]") {
  connection_url fields = parse_url(database_url());
  fields.original.clear();
  fields.database.clear();
  const auto e = caught([&] { postgres_connection c{fields}; });
  CHECK(e.id() == "postgres.cannot_connect");
  CHECK_THAT(e.message(), Catch::Contains("database \"" + fields.user + "\" does not exist"));
}

TEST_CASE("postgres waits through its poll function, for reading and for writing", "[postgres]") {
  int reads = 0;
  int writes = 0;
  int socket = -1;
  auto c = connect(database_url(), [&](const wait_request& request) {
    socket = request.socket;
    ++(has(request.interest, io::write) ? writes : reads);
    CHECK(has(request.interest, io::read));  // the server may always answer
    CHECK_FALSE(request.timeout.has_value());
    return wait_for_socket(request);
  });
  CHECK(reads + writes > 0);  // connecting
  reads = writes = 0;
  CHECK(scalar(*c, "SELECT 1") == value{1});
  CHECK(reads > 0);
  CHECK(socket == c->socket());
  CHECK(socket == PQsocket(c->handle()));

  // 32 MiB do not fit the socket's buffer: libpq's flush waits until the server reads.
  c->execute_script("DROP TABLE IF EXISTS blob; CREATE TABLE blob (x BYTEA)");
  small_send_buffer(c->socket());
  std::string big(32 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7919 % 251);
  const value payload = value::typed(value_type::bytes, big);
  (void)c->execute("INSERT INTO blob VALUES ($1)", std::vector<value>{payload});
  CHECK(writes > 0);
  CHECK(scalar(*c, "SELECT x FROM blob") == payload);

  // The wait function can be replaced, and an empty one restores the default.
  int replaced = 0;
  c->set_wait([&](const wait_request& request) {
    ++replaced;
    return wait_for_socket(request);
  });
  CHECK(scalar(*c, "SELECT 2") == value{2});
  CHECK(replaced > 0);
  const int before = replaced;
  c->set_wait({});
  CHECK(scalar(*c, "SELECT 3") == value{3});
  CHECK(replaced == before);
}

namespace {
std::atomic<int> interrupted{0};
void count_interrupt(int) { ++interrupted; }
}  // namespace

TEST_CASE("the default wait function waits through signals and reports failure", "[postgres]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  struct sigaction action {};
  action.sa_handler = count_interrupt;  // no SA_RESTART: poll(2) returns EINTR
  struct sigaction previous {};
  REQUIRE(::sigaction(SIGUSR1, &action, &previous) == 0);
  const pthread_t waiter = ::pthread_self();
  std::thread other{[&] {
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
    ::pthread_kill(waiter, SIGUSR1);
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
    CHECK(::write(fds[1], "x", 1) == 1);
  }};
  CHECK(wait_for_socket({fds[0], io::read, {}}) == io::read);
  other.join();
  CHECK(interrupted == 1);
  ::sigaction(SIGUSR1, &previous, nullptr);

  // poll(2) refuses more descriptors than the process may open.
  rlimit limit{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  rlimit none = limit;
  none.rlim_cur = 0;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &none) == 0);
  auto e = caught([&] { (void)wait_for_socket({fds[0], io::read | io::write, {}}); });
  ::setrlimit(RLIMIT_NOFILE, &limit);
  CHECK(e.id() == "driver.wait_failed");
  CHECK(e.category() == error_category::connection);
  CHECK(e.message() == "cannot wait for the server: Invalid argument");
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_CASE("postgres runs one operation at a time, step by step", "[postgres]") {
  auto c = connect();
  CHECK(c->advance() == pg_wait::done);  // nothing started
  const std::vector<value> params{value{41}};
  c->start_statement("SELECT $1 + 1", params);
  auto busy = caught([&] { c->start_script("SELECT 1"); });
  CHECK(busy.id() == "postgres.busy");
  CHECK(busy.category() == error_category::usage);
  CHECK(caught([&] { (void)c->finish(); }).id() == "postgres.not_finished");
  for (pg_wait wait = c->advance(); wait != pg_wait::done; wait = c->advance()) {
    wait_on(c->socket(), wait);
  }
  CHECK(c->advance() == pg_wait::done);
  postgres_cursor rows{c->finish()};
  CHECK(rows.row_count() == 1);
  REQUIRE(rows.next());
  CHECK(rows.get(0, value_type::null) == value{42});
  // A poll function that gives up leaves the operation unfinished: the connection refuses more.
  c->set_wait([](const wait_request&) -> io { throw std::runtime_error{"timed out"}; });
  CHECK_THROWS_WITH(c->execute("SELECT 1", {}), "timed out");
  CHECK(caught([&] { c->rollback(); }).id() == "postgres.connection_broken");
}

TEST_CASE("postgres is what open() returns for postgresql URLs", "[postgres]") {
  auto c = open(parse_url(database_url()));
  CHECK(c->dialect_name() == "postgres");
  CHECK(scalar(*c, "SELECT current_setting('server_version_num')::int >= 120000") == value{true});
}

TEST_CASE("postgres refuses more after a batch whose wait was broken off, and is not alive",
          "[postgres]") {
  bool refuse = false;
  auto c = connect(database_url(), [&](const wait_request& request) {
    if (refuse) throw std::runtime_error{"cancelled"};
    return wait_for_socket(request);
  });
  test_batch b;
  b.add("SELECT pg_sleep(0.01)", {});
  b.add("SELECT 1", {});
  refuse = true;
  CHECK_THROWS_WITH(b.run(*c), "cancelled");
  refuse = false;
  // (The pipeline left nothing of the connection's own operation running.)
  CHECK_FALSE(c->alive());
  CHECK(caught([&] { (void)c->query("SELECT 1", {}); }).id() == "postgres.connection_broken");
  CHECK(caught([&] { c->rollback(); }).id() == "postgres.connection_broken");
}
