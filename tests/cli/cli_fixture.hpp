// A throwaway folder with a JSON schema and a SQLite database made with the sqlite3 C API, and
// a way to run the command in-process.
#pragma once

#include "cli/cli.hpp"

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
    {"name":"token","kind":"Opt","type":"uuid"}]},
  {"name":"Course","attrs":[
    {"name":"code","kind":"PK","type":"str"},
    {"name":"title","kind":"Req","type":"str"}]}]})";

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
)";

class fixture {
 public:
  fixture()
      : m_dir{std::filesystem::temp_directory_path() /
              ("nextorm-cli-" + std::to_string(::getpid()) + "-" + std::to_string(++counter()))} {
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir);
    std::ofstream{schema()} << schema_json;
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
  [[nodiscard]] std::string db_path() const { return (m_dir / "school.db").string(); }
  [[nodiscard]] std::string url() const { return "sqlite:" + db_path(); }

  // One value from the database, read with the C API (to check what --delete did).
  [[nodiscard]] std::string scalar(const std::string& sql) const {
    sqlite3* db = nullptr;
    sqlite3_open(db_path().c_str(), &db);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path m_dir;
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
