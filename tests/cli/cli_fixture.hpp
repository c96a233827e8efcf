// A throwaway folder with a JSON schema and a database of the provider under test
// (NEXTORM_PROVIDER): a SQLite file made with the sqlite3 C API, or the tables of
// generate_mapping's DDL in a server database of this test program, refilled for each fixture;
// and a way to run the command in-process.
#pragma once

#include <nextorm/registry.hpp>

#include "cli/cli.hpp"
#include "lower/dialect.hpp"
#include "migrate/ddl.hpp"
#include "test_databases.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cli_test {

inline constexpr std::string_view schema_json = R"({"entities":[
  {"name":"Group","attrs":[
    {"name":"number","kind":"PK","type":"int"},
    {"name":"dept","kind":"Opt","type":"str","nullable":true},
    {"name":"students","kind":"Set","type":"Student"}]},
  {"name":"Student","attrs":[
    {"name":"id","kind":"PK","type":"int","auto":true},
    {"name":"name","kind":"Req","type":"str"},
    {"name":"gpa","kind":"Opt","type":"float"},
    {"name":"group","kind":"Single","type":"Group","optional":true},
    {"name":"born","kind":"Opt","type":"date"},
    {"name":"seen","kind":"Opt","type":"datetime"},
    {"name":"wakes","kind":"Opt","type":"time"},
    {"name":"fee","kind":"Opt","type":"decimal","precision":10,"scale":2},
    {"name":"photo","kind":"Opt","type":"bytes"},
    {"name":"token","kind":"Opt","type":"uuid"},
    {"name":"enrollments","kind":"Set","type":"Enrollment"}]},
  {"name":"Course","attrs":[
    {"name":"code","kind":"PK","type":"str"},
    {"name":"title","kind":"Req","type":"str"},
    {"name":"enrollments","kind":"Set","type":"Enrollment"}]},
  {"name":"Enrollment","primary_key":["student","course"],"attrs":[
    {"name":"student","kind":"Single","type":"Student"},
    {"name":"course","kind":"Single","type":"Course"},
    {"name":"grade","kind":"Opt","type":"int"}]}]})";

// Tables as PonyORM names them; decimals stored as text so that they stay exact.
inline constexpr const char* database_sql = R"(
  CREATE TABLE "Group" ("number" INTEGER PRIMARY KEY, "dept" TEXT);
  CREATE TABLE "Student" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "name" TEXT NOT NULL,
    "gpa" REAL, "group" INTEGER REFERENCES "Group" ("number"), "born" DATE, "seen" DATETIME,
    "wakes" TIME, "fee" TEXT, "photo" BLOB, "token" TEXT);
  CREATE TABLE "Course" ("code" TEXT PRIMARY KEY, "title" TEXT NOT NULL);
  INSERT INTO "Group" VALUES (101, 'Math'), (102, NULL);
  INSERT INTO "Student" VALUES
    (1, 'Ann', 3.9, 101, '2000-01-31', '2020-05-01 08:30:00', '07:15:00', '12.50', x'00ff',
     '123e4567-e89b-12d3-a456-426614174000'),
    (2, 'Bob', 3.1, 101, '2001-02-03', '2020-05-02 09:00:00', '06:00:00', '7.00', NULL, NULL),
    (3, 'Cid', NULL, 102, NULL, NULL, NULL, NULL, NULL, NULL),
    (4, 'Dée', 3.5, NULL, '1999-12-31', NULL, NULL, '0.10', NULL, NULL);
  INSERT INTO "Course" VALUES ('CS101', 'Programming');
  CREATE TABLE "Enrollment" ("student" INTEGER NOT NULL REFERENCES "Student" ("id"),
    "course" TEXT NOT NULL REFERENCES "Course" ("code"), "grade" INTEGER,
    PRIMARY KEY ("student", "course"));
  INSERT INTO "Enrollment" VALUES (1, 'CS101', 5);
)";

// The rows of database_sql, for a server: table, columns, then one row of values per line.
inline void fill_server_database(const std::string& url, bool create) {
  using nextorm::value;
  using nextorm::value_type;
  const std::string provider = nextorm::testing::current_provider();
  const nextorm::lower::dialect& d = *nextorm::lower::find_dialect(provider);
  nextorm::registry schema;
  schema.load_json_text(schema_json);
  schema.finalize(nextorm::pony_naming{provider});
  auto db = nextorm::testing::raw_connection(url);
  if (create) {
    for (const auto& sql : nextorm::schema_change::create_table_statements(schema, d)) {
      db->execute_script(sql);
    }
  }
  auto table = [&](const char* entity) { return d.quote(schema.get(entity).table); };
  for (const char* entity : {"Enrollment", "Student", "Group", "Course"}) {
    (void)db->execute("DELETE FROM " + table(entity), {});
  }
  auto insert = [&](const char* entity, const std::vector<value>& row) {
    std::string columns, marks;
    for (std::size_t i = 0; i < row.size(); ++i) {
      columns += (i == 0 ? "" : ", ") + d.quote(schema.get(entity).columns[i]->column);
      marks += (i == 0 ? "" : ", ") + d.placeholder(i);
    }
    (void)db->execute("INSERT INTO " + table(entity) + " (" + columns + ") VALUES (" + marks + ")",
                      row);
  };
  auto typed = [](value_type type, std::string text) {
    return value::typed(type, std::move(text));
  };
  insert("Group", {value{101}, value{"Math"}});
  insert("Group", {value{102}, value{}});
  insert("Student",
         {value{1}, value{"Ann"}, value{3.9}, value{101}, typed(value_type::date, "2000-01-31"),
          typed(value_type::datetime, "2020-05-01 08:30:00"), typed(value_type::time, "07:15:00"),
          typed(value_type::decimal, "12.50"), typed(value_type::bytes, std::string{"\x00\xff", 2}),
          typed(value_type::uuid, "123e4567-e89b-12d3-a456-426614174000")});
  insert("Student",
         {value{2}, value{"Bob"}, value{3.1}, value{101}, typed(value_type::date, "2001-02-03"),
          typed(value_type::datetime, "2020-05-02 09:00:00"), typed(value_type::time, "06:00:00"),
          typed(value_type::decimal, "7.00"), value{}, value{}});
  insert("Student", {value{3}, value{"Cid"}, value{}, value{102}, value{}, value{}, value{},
                     value{}, value{}, value{}});
  insert("Student",
         {value{4}, value{"Dée"}, value{3.5}, value{}, typed(value_type::date, "1999-12-31"),
          value{}, value{}, typed(value_type::decimal, "0.10"), value{}, value{}});
  insert("Course", {value{"CS101"}, value{"Programming"}});
  insert("Enrollment", {value{1}, value{"CS101"}, value{5}});
}

class fixture {
 public:
  fixture()
      : m_dir{std::filesystem::temp_directory_path() /
              ("nextorm-cli-" + std::to_string(::getpid()) + "-" + std::to_string(++counter()))} {
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir);
    std::ofstream{schema()} << schema_json;
    if (nextorm::testing::current_provider() != "sqlite") {
      // One database per test program; each fixture refills its tables.
      static const std::string url = nextorm::testing::fresh_database_url("cli");
      static bool created = false;
      fill_server_database(url, !created);
      created = true;
      m_url = url;
      return;
    }
    m_url = "sqlite:" + db_path();
    sqlite3* db = nullptr;
    sqlite3_open(db_path().c_str(), &db);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, database_sql, nullptr, nullptr, &message);
    const std::string error = message != nullptr ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error{"fixture: " + error};
  }
  ~fixture() { std::filesystem::remove_all(m_dir); }
  fixture(const fixture&) = delete;
  fixture& operator=(const fixture&) = delete;

  [[nodiscard]] std::string dir() const { return m_dir.string(); }
  [[nodiscard]] std::string schema() const { return (m_dir / "schema.json").string(); }
  // The SQLite file; a server's database is url().
  [[nodiscard]] std::string db_path() const { return (m_dir / "school.db").string(); }
  [[nodiscard]] std::string url() const { return m_url; }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path m_dir;
  std::string m_url;
};

struct outcome {
  int code;
  std::string out;
  std::string err;
};

inline outcome run(const std::vector<std::string>& args) {
  const std::vector<std::string_view> views(args.begin(), args.end());
  std::ostringstream out;
  std::ostringstream err;
  const int code = nextorm::cli::run_cli(views, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace cli_test
