#include <nextorm/errors.hpp>

#include "driver/connection.hpp"
#include "driver/sqlite/sqlite_connection.hpp"
#include "driver/wait.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

using namespace nextorm;
using namespace nextorm::driver;

TEST_CASE("connection URLs parse for each provider", "[url]") {
  auto memory = parse_url("sqlite::memory:");
  CHECK(memory.provider == "sqlite");
  CHECK(memory.path == ":memory:");
  CHECK(parse_url("sqlite:/tmp/x.db").path == "/tmp/x.db");
  CHECK(parse_url("sqlite:///tmp/x.db").path == "/tmp/x.db");

  auto pg = parse_url("postgresql://ann:p%40ss@127.0.0.1:5433/shop?sslmode=disable");
  CHECK(pg.provider == "postgres");
  CHECK(pg.user == "ann");
  CHECK(pg.password == "p@ss");
  CHECK(pg.host == "127.0.0.1");
  CHECK(pg.port == 5433);
  CHECK(pg.database == "shop");

  auto my = parse_url("mariadb://root@localhost/test");
  CHECK(my.provider == "mariadb");
  CHECK(my.user == "root");
  CHECK(my.password.empty());
  CHECK(my.host == "localhost");
  CHECK(my.port == 0);
  CHECK(parse_url("mysql://h").host == "h");
}

TEST_CASE("bad connection URLs say what is wrong", "[url]") {
  CHECK_THROWS_WITH(parse_url("nothing"),
                    "url.invalid: cannot use connection URL 'nothing': expected <provider>:..., "
                    "e.g. sqlite::memory:");
  CHECK_THROWS_WITH(parse_url("oracle://x"),
                    "url.provider: unknown database provider 'oracle' in connection URL; expected "
                    "sqlite, postgresql or mariadb");
  CHECK_THROWS_WITH(parse_url("sqlite:"), Catch::Contains("expected a file path"));
  CHECK_THROWS_WITH(parse_url("mariadb:host"), Catch::Contains("expected '//'"));
  CHECK_THROWS_WITH(parse_url("mariadb://h:99999/db"), Catch::Contains("bad port '99999'"));
  CHECK_THROWS_WITH(parse_url("mariadb://h:x/db"), Catch::Contains("bad port 'x'"));
  CHECK_THROWS_WITH(parse_url("mariadb://a%4@h/db"), Catch::Contains("bad percent escape"));
  CHECK_THROWS_WITH(parse_url("mariadb://a%zz@h/db"), Catch::Contains("bad percent escape"));
}

TEST_CASE("sqlite binds every value type and reads it back as asked", "[sqlite]") {
  sqlite_connection c{":memory:"};
  c.execute_script("CREATE TABLE t (i INTEGER, r REAL, b BOOLEAN, s TEXT, d TEXT, x BLOB, n TEXT)");
  const std::vector<value> row{value{std::int64_t{-9223372036854775807LL - 1}},
                               value{0.1},
                               value{true},
                               value{"héllo"},
                               value::typed(value_type::date, "2020-01-31"),
                               value::typed(value_type::bytes, std::string{"a\0b", 3}),
                               value{}};
  CHECK(c.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", row) == 1);
  auto rows = c.query("SELECT i, r, b, s, d, x, n FROM t", {});
  REQUIRE(rows->next());
  CHECK(rows->column_count() == 7);
  CHECK(rows->get(0, value_type::integer) == row[0]);
  CHECK(rows->get(1, value_type::real) == row[1]);
  CHECK(rows->get(2, value_type::boolean) == row[2]);
  CHECK(rows->get(3, value_type::text) == row[3]);
  CHECK(rows->get(4, value_type::date) == row[4]);
  CHECK(rows->get(5, value_type::bytes) == row[5]);
  CHECK(rows->get(6, value_type::text).is_null());
  CHECK(rows->is_null(6));
  // The column's own type when none is asked for.
  CHECK(rows->get(0, value_type::null).type() == value_type::integer);
  CHECK(rows->get(1, value_type::null).type() == value_type::real);
  CHECK(rows->get(3, value_type::null).type() == value_type::text);
  CHECK(rows->get(5, value_type::null).type() == value_type::bytes);
  CHECK_FALSE(rows->next());
}

TEST_CASE("sqlite reads another storage class only where it stands for the value asked",
          "[sqlite]") {
  sqlite_connection c{":memory:"};
  // No affinity: each value keeps the storage class it is inserted with.
  c.execute_script("CREATE TABLE m (k INTEGER PRIMARY KEY, v)");
  c.execute_script(
      "INSERT INTO m VALUES (1, 3.0), (2, 2.5), (3, 1e19), (4, -1e19), (5, '42abc'), (6, x'0102'), "
      "(7, NULL), (8, '2.5'), (9, '2.5x'), (10, 20200131), (11, x''), (12, ''), "
      "(13, '" +
      std::string(50, 'y') + "')");
  auto read = [&](std::int64_t k, auto how) {
    const std::vector<value> key{value{k}};
    auto rows = c.query("SELECT v FROM m WHERE k = ?", key);
    REQUIRE(rows->next());
    return how(*rows);
  };
  const auto as_int = [](cursor& r) { return r.get_int(0); };
  const auto as_real = [](cursor& r) { return r.get_real(0); };
  const auto as = [](value_type type) { return [type](cursor& r) { return r.get(0, type); }; };
  // An integral float is an int; NULL reads as 0 (is_null() tells it apart).
  CHECK(read(1, as_int) == 3);
  CHECK(read(7, as_int) == 0);
  CHECK(read(7, as_real) == 0.0);
  CHECK(read(8, as_real) == 2.5);
  CHECK(read(10, as_real) == 20200131.0);
  // What is not the value asked for names itself.
  CHECK_THROWS_WITH(read(2, as_int), "value.type_mismatch: column 1 holds float '2.5', not int");
  CHECK_THROWS_WITH(read(3, as_int),
                    "value.type_mismatch: column 1 holds float '1.0e+19', not int");
  CHECK_THROWS_WITH(read(4, as_int),
                    "value.type_mismatch: column 1 holds float '-1.0e+19', not int");
  CHECK_THROWS_WITH(read(5, as_int), "value.type_mismatch: column 1 holds text '42abc', not int");
  CHECK_THROWS_WITH(read(12, as_int), "value.type_mismatch: column 1 holds text '', not int");
  CHECK_THROWS_WITH(read(6, as_int), "value.type_mismatch: column 1 holds bytes (2), not int");
  CHECK_THROWS_WITH(read(9, as_real), "value.type_mismatch: column 1 holds text '2.5x', not float");
  CHECK_THROWS_WITH(read(12, as_real), "value.type_mismatch: column 1 holds text '', not float");
  CHECK_THROWS_WITH(read(6, as_real), "value.type_mismatch: column 1 holds bytes (2), not float");
  // A date, datetime or time must be text of its form.
  CHECK_THROWS_WITH(read(10, as(value_type::date)),
                    "value.type_mismatch: column 1 holds int '20200131', not date");
  CHECK_THROWS_WITH(read(2, as(value_type::time)),
                    "value.type_mismatch: column 1 holds float '2.5', not time");
  CHECK_THROWS_WITH(read(6, as(value_type::datetime)),
                    "value.type_mismatch: column 1 holds bytes (2), not datetime");
  CHECK_THROWS_WITH(read(13, as(value_type::date)), "value.type_mismatch: column 1 holds text '" +
                                                        std::string(40, 'y') + "...', not date");
  // An empty blob is empty bytes; the text of NULL is empty.
  CHECK(read(11, as(value_type::bytes)) == value::typed(value_type::bytes, ""));
  CHECK(read(7, [](cursor& r) { return std::string{r.get_text(0)}; }).empty());
}

TEST_CASE("sqlite reports an error while stepping, and runs a SELECT given to execute",
          "[sqlite]") {
  sqlite_connection c{":memory:"};
  const std::vector<value> smallest{value{std::int64_t{-9223372036854775807LL - 1}}};
  auto rows = c.query("SELECT abs(?)", smallest);
  CHECK_THROWS_WITH(rows->next(), "sqlite.error: cannot read the next row: integer overflow");
  CHECK(c.execute("SELECT 1", {}) == 0);
}

TEST_CASE("sqlite refuses a file that is not a database as cannot_open", "[sqlite]") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("nextorm-driver-notadb-" + std::to_string(::getpid()) + ".db");
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f != nullptr);
    for (int i = 0; i < 10; ++i) std::fputs("this is text, not an SQLite database\n", f);
    std::fclose(f);
  }
  {
    sqlite_connection c{path.string()};  // SQLite reads the file on first use
    try {
      (void)c.query("SELECT name FROM sqlite_master", {});
      FAIL("no error");
    } catch (const connection_error& e) {
      CHECK(e.id() == "sqlite.cannot_open");
      CHECK(std::string{e.what()} ==
            "sqlite.cannot_open: cannot prepare 'SELECT name FROM sqlite_master': file is not a "
            "database");
    }
  }
  std::filesystem::remove(path);
}

namespace {

// One row written through the param_writer calls, as an object's fields write themselves.
class row_source final : public param_source {
 public:
  explicit row_source(std::string text) : m_text{std::move(text)} {}
  [[nodiscard]] std::size_t count() const noexcept override { return 6; }
  void write(detail::param_writer& out) const override {
    out.set_int(0, 42);
    out.set_real(1, 2.5);
    out.set_text(2, m_text);
    out.set(3, value::typed(value_type::date, "2020-01-31"));
    out.set(4, value::typed(value_type::bytes, std::string{"a\0b", 3}));
    out.set_null(5);
  }

 private:
  std::string m_text;
};

}  // namespace

TEST_CASE("sqlite binds parameters that a source writes in place", "[sqlite]") {
  sqlite_connection c{":memory:"};
  c.execute_script("CREATE TABLE t (id INTEGER PRIMARY KEY, r REAL, s TEXT, d TEXT, x BLOB, n)");
  CHECK(c.insert_from("INSERT INTO t (id, r, s, d, x, n) VALUES (?, ?, ?, ?, ?, ?)",
                      row_source{"héllo"}) == value{std::int64_t{42}});
  CHECK(c.execute_from("UPDATE t SET id = ?, r = ?, s = ?, d = ?, x = ?, n = ? WHERE id = 42",
                       row_source{"again"}) == 1);
  auto rows = c.query("SELECT id, r, s, d, x, n FROM t", {});
  REQUIRE(rows->next());
  CHECK(rows->get_int(0) == 42);
  CHECK(rows->get_real(1) == 2.5);
  CHECK(rows->get_text(2) == "again");
  CHECK(rows->get(3, value_type::date) == value::typed(value_type::date, "2020-01-31"));
  CHECK(rows->get(4, value_type::bytes) == value::typed(value_type::bytes, std::string{"a\0b", 3}));
  CHECK(rows->is_null(5));
}

TEST_CASE("sqlite says which parameter it cannot bind", "[sqlite]") {
  sqlite_connection c{":memory:"};
  c.execute_script("CREATE TABLE t (id INTEGER PRIMARY KEY, r REAL, s TEXT, d TEXT, x BLOB, n)");
  // A string longer than the connection's length limit: SQLite refuses to bind it.
  sqlite3_limit(c.handle(), SQLITE_LIMIT_LENGTH, 4);
  CHECK_THROWS_WITH(
      c.insert_from("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", row_source{"too long"}),
      Catch::Contains("cannot bind parameter"));
  CHECK_THROWS_WITH(c.execute("INSERT INTO t (s) VALUES (?)", std::vector{value{"too long"}}),
                    Catch::Contains("cannot bind parameter"));
}

TEST_CASE("sqlite maps its errors to NextORM's categories", "[sqlite]") {
  sqlite_connection c{":memory:"};
  c.execute_script("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)");
  (void)c.insert("INSERT INTO t (v) VALUES (?)", std::vector<value>{value{"a"}});
  CHECK_THROWS_AS(c.execute("INSERT INTO t (v) VALUES (?)", std::vector<value>{value{"a"}}),
                  integrity_error);
  CHECK_THROWS_AS(c.execute("INSERT INTO t (v) VALUES (NULL)", {}), integrity_error);
  CHECK_THROWS_WITH(c.query("SELEC 1", {}),
                    Catch::StartsWith("sqlite.syntax_error: cannot prepare"));
  CHECK_THROWS_WITH(c.query("SELECT * FROM nowhere", {}),
                    Catch::StartsWith("sqlite.error: cannot prepare"));
  // A constraint of no kind of its own: a trigger that aborts.
  c.execute_script(
      "CREATE TRIGGER no_b BEFORE INSERT ON t WHEN NEW.v = 'b' BEGIN SELECT RAISE(ABORT, 'no b'); "
      "END");
  CHECK_THROWS_WITH(c.execute("INSERT INTO t (v) VALUES ('b')", {}),
                    Catch::StartsWith("sqlite.constraint: "));
  // A table in use by an unfinished statement of the same connection cannot be dropped.
  {
    auto rows = c.query("SELECT v FROM t", {});
    REQUIRE(rows->next());
    CHECK_THROWS_WITH(c.execute_script("DROP TABLE t"), Catch::StartsWith("sqlite.locked: "));
  }
  CHECK(c.alive());
  CHECK_THROWS_AS(sqlite_connection{"/nonexistent/dir/x.db"}, connection_error);
}

TEST_CASE("sqlite reports a write lock that stays taken past the busy timeout as lock_timeout",
          "[sqlite]") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("nextorm-driver-lock-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    sqlite_connection holder{path.string()};
    sqlite_connection waiter{path.string()};
    holder.execute_script("CREATE TABLE t (v INTEGER)");
    holder.execute_script("BEGIN IMMEDIATE");
    waiter.execute_script("PRAGMA busy_timeout = 20");
    try {
      (void)waiter.execute("INSERT INTO t VALUES (1)", {});
      FAIL("no error");
    } catch (const lock_timeout& e) {
      CHECK(e.id() == "sqlite.lock_timeout");
    }
    holder.rollback();
  }
  std::filesystem::remove(path);
}

TEST_CASE("sqlite transactions commit and roll back", "[sqlite]") {
  sqlite_connection c{":memory:"};
  c.execute_script("CREATE TABLE t (v INTEGER)");
  CHECK_FALSE(c.in_transaction());
  c.begin();
  CHECK(c.in_transaction());
  (void)c.execute("INSERT INTO t VALUES (1)", {});
  c.rollback();
  c.rollback();  // nothing to roll back: no error
  c.begin();
  CHECK(c.insert("INSERT INTO t VALUES (2)", {}) == value{1});
  c.commit();
  auto rows = c.query("SELECT group_concat(v) FROM t", {});
  REQUIRE(rows->next());
  CHECK(rows->get_text(0) == "2");
  CHECK(rows->get_int(0) == 2);
  CHECK(rows->get_real(0) == 2.0);
}

// `.upper()` lowers to py_upper on SQLite, which follows Python: 'ß'.upper() is 'SS' (two code
// points for one), while lower() leaves 'ß' alone and maps other letters one to one.
TEST_CASE("sqlite's py_upper turns 'ß' into 'SS' as Python does", "[sqlite]") {
  sqlite_connection c{":memory:"};
  auto one = [&](const std::string& sql, const std::string& text,
                 value_type type = value_type::text) {
    // The parameters must outlive the statement's execution (SQLite binds them in place).
    const std::vector<value> params{value{text}};
    auto rows = c.query(sql, params);
    REQUIRE(rows->next());
    return rows->get(0, type);
  };
  CHECK(one("SELECT py_upper(?)", "Straße é") == value{"STRASSE É"});
  CHECK(one("SELECT py_upper(?)", "ß") == value{"SS"});
  CHECK(one("SELECT py_lower(?)", "STRASSE ß É") == value{"strasse ß é"});
  // Where the result stands in a comparison, as `p.name.upper() == 'STRASSE'` lowers.
  CHECK(one("SELECT py_upper(?) = 'STRASSE'", "straße", value_type::integer) == value{1});
  auto null_row = c.query("SELECT py_upper(NULL)", {});
  REQUIRE(null_row->next());
  CHECK(null_row->is_null(0));
}

TEST_CASE("opening a URL gives a connection of its provider", "[open]") {
  auto c = open(parse_url("sqlite::memory:"));
  CHECK(c->dialect_name() == "sqlite");
}

TEST_CASE("parsed URLs print back to URLs that parse the same", "[url]") {
  connection_url url;
  url.provider = "postgres";
  url.user = "ann smith";
  url.password = "p@ss:word";
  url.host = "db.example.com";
  url.port = 5433;
  url.database = "shop";
  const std::string text = to_url(url);
  CHECK(text == "postgresql://ann%20smith:p%40ss%3Aword@db.example.com:5433/shop");
  auto back = parse_url(text);
  CHECK(back.user == url.user);
  CHECK(back.password == url.password);
  CHECK(back.host == url.host);
  CHECK(back.port == url.port);
  CHECK(back.database == url.database);
  url.provider = "mariadb";
  url.password.clear();
  url.port = 0;
  url.database.clear();
  CHECK(to_url(url) == "mariadb://ann%20smith@db.example.com");
  url.user.clear();
  CHECK(to_url(url) == "mariadb://db.example.com");
  connection_url file;
  file.provider = "sqlite";
  file.path = "/tmp/x.db";
  CHECK(to_url(file) == "sqlite:/tmp/x.db");
}

TEST_CASE("the default wait function waits with poll(2) for what is asked", "[wait]") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  using std::chrono::milliseconds;
  CHECK(wait_for_socket({fds[0], io::read, milliseconds{0}}) == io::timeout);
  CHECK(wait_for_socket({fds[0], io::write, std::nullopt}) == io::write);
  CHECK(wait_for_socket({fds[0], io::read | io::write, std::nullopt}) == io::write);
  REQUIRE(::write(fds[1], "x", 1) == 1);
  CHECK(wait_for_socket({fds[0], io::read, std::nullopt}) == io::read);
  CHECK(wait_for_socket({fds[0], io::read | io::write, std::nullopt}) == (io::read | io::write));
  char byte = 0;
  REQUIRE(::read(fds[0], &byte, 1) == 1);
  ::close(fds[1]);
  // A hang-up wakes a reader, whose next read then sees the end.
  CHECK(wait_for_socket({fds[0], io::read, milliseconds{1000}}) == io::read);
  ::close(fds[0]);
}
