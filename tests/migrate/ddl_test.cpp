// DDL: the statements per dialect, their validity on a real SQLite, and their equality with the
// tables PonyORM 0.7.16 creates for the same schema.
#include "migrate/ddl.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/registry.hpp>

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace nextorm;
using nextorm::schema_change::create_table_statements;
using nextorm::schema_change::drop_table_statements;

namespace {

// The quickstart-like schema. PonyORM's equivalent, whose DDL (set_sql_debug) is the expected
// text of the first test below:
//
//   class Group(db.Entity):
//       number = PrimaryKey(int)
//       students = Set('Student')
//   class Student(db.Entity):
//       name = Required(str, 64, unique=True)
//       gpa = Optional(float)
//       nick = Optional(str)
//       nick2 = Optional(str, nullable=True)
//       group = Required(Group)
//       courses = Set('Course')
//       mentor = Optional('Student', reverse='mentees')
//       mentees = Set('Student', reverse='mentor')
//       passport = Optional('Passport')
//       friends = Set('Student', reverse='friends')
//   class Course(db.Entity):
//       title = Required(str, index=True)
//       credits = Optional(int)
//       price = Required(Decimal, 10, 2)
//       d = Optional(date); dt = Optional(datetime); t = Optional(time)
//       b = Optional(bytes); u = Optional(UUID); j = Optional(Json)
//       flag = Required(bool)
//       students = Set(Student)
//   class Passport(db.Entity):
//       code = PrimaryKey(str)
//       owner = Required(Student)
const char* const quickstart_json = R"({"entities":[
  {"name":"Group","attrs":[
    {"name":"number","kind":"PK","type":"int"},
    {"name":"students","kind":"Set","type":"Student"}]},
  {"name":"Student","attrs":[
    {"name":"name","kind":"Req","type":"str","max_len":64,"unique":true},
    {"name":"gpa","kind":"Opt","type":"float"},
    {"name":"nick","kind":"Opt","type":"str"},
    {"name":"nick2","kind":"Opt","type":"str","nullable":true},
    {"name":"group","kind":"Single","type":"Group"},
    {"name":"courses","kind":"Set","type":"Course"},
    {"name":"mentor","kind":"Single","type":"Student","reverse":"mentees","optional":true},
    {"name":"mentees","kind":"Set","type":"Student","reverse":"mentor"},
    {"name":"passport","kind":"Single","type":"Passport","optional":true},
    {"name":"friends","kind":"Set","type":"Student","reverse":"friends"}]},
  {"name":"Course","attrs":[
    {"name":"title","kind":"Req","type":"str","index":true},
    {"name":"credits","kind":"Opt","type":"int"},
    {"name":"price","kind":"Req","type":"decimal","precision":10,"scale":2},
    {"name":"d","kind":"Opt","type":"date"},
    {"name":"dt","kind":"Opt","type":"datetime"},
    {"name":"t","kind":"Opt","type":"time"},
    {"name":"b","kind":"Opt","type":"bytes"},
    {"name":"u","kind":"Opt","type":"uuid"},
    {"name":"j","kind":"Opt","type":"json"},
    {"name":"flag","kind":"Req","type":"bool"},
    {"name":"students","kind":"Set","type":"Student"}]},
  {"name":"Passport","attrs":[
    {"name":"code","kind":"PK","type":"str"},
    {"name":"owner","kind":"Single","type":"Student"}]}]})";

void load(registry& r, const std::string& json) {
  r.load_json_text(json);
  r.finalize();
}

std::string join(const std::vector<std::string>& statements) {
  std::string out;
  for (const auto& s : statements) out += s + ";\n";
  return out;
}

using db_ptr = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;

db_ptr open_db(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open(path.c_str(), &db);
  db_ptr owned{db, &sqlite3_close};
  REQUIRE(rc == SQLITE_OK);
  return owned;
}

void execute(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  INFO(sql);
  INFO((message != nullptr ? message : ""));
  sqlite3_free(message);
  REQUIRE(rc == SQLITE_OK);
}

// Every row of a query, each column as text ("NULL" for null), columns joined by '|'.
std::vector<std::string> rows(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  INFO(sql);
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::vector<std::string> out;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      if (i > 0) row += '|';
      const unsigned char* text = sqlite3_column_text(stmt, i);
      row += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
    }
    out.push_back(row);
  }
  sqlite3_finalize(stmt);
  return out;
}

// What a database holds, table by table: columns, foreign keys and indexes as SQLite reports
// them, plus the CREATE text it stored.
std::map<std::string, std::vector<std::string>> describe(sqlite3* db) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& table : rows(db,
                                "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                "name <> 'sqlite_sequence' ORDER BY name")) {
    auto& facts = out[table];
    for (auto& row : rows(db, "PRAGMA table_info(\"" + table + "\")")) facts.push_back(row);
    for (auto& row : rows(db,
                          "SELECT \"table\", \"from\", \"to\", on_delete FROM "
                          "pragma_foreign_key_list('" +
                              table + "') ORDER BY \"from\"")) {
      facts.push_back("fk " + row);
    }
    for (auto& row : rows(db, "SELECT name, \"unique\", origin FROM pragma_index_list('" + table +
                                  "') ORDER BY name")) {
      facts.push_back("index " + row);
    }
  }
  for (auto& row : rows(db,
                        "SELECT tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL AND "
                        "name <> 'sqlite_sequence' ORDER BY name")) {
    out["(sql)"].push_back(row);
  }
  return out;
}

}  // namespace

TEST_CASE("SQLite DDL of the quickstart schema is PonyORM's, statement by statement") {
  registry r;
  load(r, quickstart_json);
  CHECK(join(create_table_statements(r, lower::sqlite_dialect())) ==
        R"(CREATE TABLE "Course" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "title" TEXT NOT NULL,
  "credits" INTEGER,
  "price" DECIMAL(10, 2) NOT NULL,
  "d" DATE,
  "dt" DATETIME,
  "t" TIME,
  "b" BLOB,
  "u" UUID,
  "j" JSON NOT NULL,
  "flag" BOOLEAN NOT NULL
);
CREATE INDEX "idx_course__title" ON "Course" ("title");
CREATE TABLE "Group" (
  "number" INTEGER NOT NULL PRIMARY KEY
);
CREATE TABLE "Student" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "name" VARCHAR(64) UNIQUE NOT NULL,
  "gpa" REAL,
  "nick" TEXT NOT NULL,
  "nick2" TEXT,
  "group" INTEGER NOT NULL REFERENCES "Group" ("number") ON DELETE CASCADE,
  "mentor" INTEGER REFERENCES "Student" ("id") ON DELETE SET NULL
);
CREATE INDEX "idx_student__group" ON "Student" ("group");
CREATE INDEX "idx_student__mentor" ON "Student" ("mentor");
CREATE TABLE "Course_Student" (
  "course" INTEGER NOT NULL REFERENCES "Course" ("id") ON DELETE CASCADE,
  "student" INTEGER NOT NULL REFERENCES "Student" ("id") ON DELETE CASCADE,
  PRIMARY KEY ("course", "student")
);
CREATE INDEX "idx_course_student" ON "Course_Student" ("student");
CREATE TABLE "Passport" (
  "code" TEXT NOT NULL PRIMARY KEY,
  "owner" INTEGER NOT NULL REFERENCES "Student" ("id")
);
CREATE INDEX "idx_passport__owner" ON "Passport" ("owner");
CREATE TABLE "Student_friends" (
  "student" INTEGER NOT NULL REFERENCES "Student" ("id") ON DELETE CASCADE,
  "student_2" INTEGER NOT NULL REFERENCES "Student" ("id") ON DELETE CASCADE,
  PRIMARY KEY ("student", "student_2")
);
CREATE INDEX "idx_student_friends" ON "Student_friends" ("student_2");
)");
  CHECK(join(drop_table_statements(r, lower::sqlite_dialect())) ==
        "DROP TABLE \"Student_friends\";\nDROP TABLE \"Passport\";\nDROP TABLE "
        "\"Course_Student\";\nDROP TABLE \"Student\";\nDROP TABLE \"Group\";\nDROP TABLE "
        "\"Course\";\n");
}

TEST_CASE("the SQLite DDL runs on a real database, foreign keys on, and drops cleanly") {
  registry r;
  load(r, quickstart_json);
  db_ptr db = open_db(":memory:");
  execute(db.get(), "PRAGMA foreign_keys = ON");
  for (const auto& sql : create_table_statements(r, lower::sqlite_dialect())) {
    execute(db.get(), sql);
  }
  // The constraints work: a student needs an existing group, and deleting the group cascades.
  execute(db.get(), "INSERT INTO \"Group\" (number) VALUES (1)");
  execute(db.get(), "INSERT INTO Student (name, nick, \"group\") VALUES ('Ann', '', 1)");
  CHECK(sqlite3_exec(db.get(), "INSERT INTO Student (name, nick, \"group\") VALUES ('Bob', '', 2)",
                     nullptr, nullptr, nullptr) == SQLITE_CONSTRAINT);
  execute(db.get(), "DELETE FROM \"Group\"");
  CHECK(rows(db.get(), "SELECT count(*) FROM Student") == std::vector<std::string>{"0"});
  for (const auto& sql : drop_table_statements(r, lower::sqlite_dialect())) {
    execute(db.get(), sql);
  }
  CHECK(rows(db.get(), "SELECT name FROM sqlite_master WHERE name <> 'sqlite_sequence'").empty());
}

TEST_CASE("PonyORM creates the same SQLite tables, columns, keys and indexes") {
  namespace fs = std::filesystem;
  const char* python = "/usr/bin/python3";
  if (!fs::exists(python)) {
    std::cout << "NEXTORM-SKIP: ddl: " << python << " is missing; PonyORM comparison skipped\n";
    return;
  }
  const fs::path dir =
      fs::temp_directory_path() / ("nextorm_ddl_pony_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path script = dir / "pony_schema.py";
  const fs::path pony_db = dir / "pony.sqlite";
  const fs::path ours_db = dir / "ours.sqlite";
  // The quickstart schema plus a self-referencing many-to-many, a one-to-one with both sides
  // optional, a str key referenced by a foreign key, and a second join table between the same
  // entities (PonyORM names it Course_Student_2).
  std::ofstream{script} << R"PY(import sys
try:
    from pony.orm import *
except ImportError:
    sys.exit(77)
from decimal import Decimal
from datetime import date, datetime, time
from uuid import UUID
db = Database()
class Group(db.Entity):
    number = PrimaryKey(int)
    students = Set('Student')
class Student(db.Entity):
    name = Required(str, 64, unique=True)
    gpa = Optional(float)
    nick = Optional(str)
    nick2 = Optional(str, nullable=True)
    group = Required(Group)
    courses = Set('Course', reverse='students')
    mentor = Optional('Student', reverse='mentees')
    mentees = Set('Student', reverse='mentor')
    passport = Optional('Passport')
    friends = Set('Student', reverse='friends')
    following = Set('Student', reverse='followers')
    followers = Set('Student', reverse='following')
    assisted = Set('Course', reverse='assistants')
    locker = Optional('Locker')
class Course(db.Entity):
    title = Required(str, index=True)
    credits = Optional(int)
    price = Required(Decimal, 10, 2)
    d = Optional(date)
    dt = Optional(datetime)
    t = Optional(time)
    b = Optional(bytes)
    u = Optional(UUID)
    j = Optional(Json)
    flag = Required(bool)
    code = Optional(str, unique=True)
    students = Set(Student, reverse='courses')
    assistants = Set(Student, reverse='assisted')
    room = Required('Room')
class Passport(db.Entity):
    code = PrimaryKey(str)
    owner = Required(Student)
class Locker(db.Entity):
    student = Optional(Student)
class Room(db.Entity):
    label = PrimaryKey(str, 10)
    courses = Set(Course)
db.bind(provider='sqlite', filename=sys.argv[1], create_db=True)
db.generate_mapping(create_tables=True)
)PY";
  const std::string command = std::string{python} + " " + script.string() + " " + pony_db.string() +
                              " > " + (dir / "pony.log").string() + " 2>&1";
  const int status = std::system(command.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    std::cout << "NEXTORM-SKIP: ddl: PonyORM is not importable by " << python
              << "; PonyORM comparison skipped\n";
    fs::remove_all(dir);
    return;
  }
  REQUIRE(status == 0);

  registry r;
  load(r, R"({"entities":[
    {"name":"Group","attrs":[
      {"name":"number","kind":"PK","type":"int"},
      {"name":"students","kind":"Set","type":"Student"}]},
    {"name":"Student","attrs":[
      {"name":"name","kind":"Req","type":"str","max_len":64,"unique":true},
      {"name":"gpa","kind":"Opt","type":"float"},
      {"name":"nick","kind":"Opt","type":"str"},
      {"name":"nick2","kind":"Opt","type":"str","nullable":true},
      {"name":"group","kind":"Single","type":"Group"},
      {"name":"courses","kind":"Set","type":"Course","reverse":"students"},
      {"name":"mentor","kind":"Single","type":"Student","reverse":"mentees","optional":true},
      {"name":"mentees","kind":"Set","type":"Student","reverse":"mentor"},
      {"name":"passport","kind":"Single","type":"Passport","optional":true},
      {"name":"friends","kind":"Set","type":"Student","reverse":"friends"},
      {"name":"following","kind":"Set","type":"Student","reverse":"followers"},
      {"name":"followers","kind":"Set","type":"Student","reverse":"following"},
      {"name":"assisted","kind":"Set","type":"Course","reverse":"assistants"},
      {"name":"locker","kind":"Single","type":"Locker","optional":true}]},
    {"name":"Course","attrs":[
      {"name":"title","kind":"Req","type":"str","index":true},
      {"name":"credits","kind":"Opt","type":"int"},
      {"name":"price","kind":"Req","type":"decimal","precision":10,"scale":2},
      {"name":"d","kind":"Opt","type":"date"},
      {"name":"dt","kind":"Opt","type":"datetime"},
      {"name":"t","kind":"Opt","type":"time"},
      {"name":"b","kind":"Opt","type":"bytes"},
      {"name":"u","kind":"Opt","type":"uuid"},
      {"name":"j","kind":"Opt","type":"json"},
      {"name":"flag","kind":"Req","type":"bool"},
      {"name":"code","kind":"Opt","type":"str","unique":true},
      {"name":"students","kind":"Set","type":"Student","reverse":"courses"},
      {"name":"assistants","kind":"Set","type":"Student","reverse":"assisted"},
      {"name":"room","kind":"Single","type":"Room"}]},
    {"name":"Passport","attrs":[
      {"name":"code","kind":"PK","type":"str"},
      {"name":"owner","kind":"Single","type":"Student"}]},
    {"name":"Locker","attrs":[
      {"name":"student","kind":"Single","type":"Student","optional":true}]},
    {"name":"Room","attrs":[
      {"name":"label","kind":"PK","type":"str","max_len":10},
      {"name":"courses","kind":"Set","type":"Course"}]}]})");
  {
    db_ptr db = open_db(ours_db.string());
    for (const auto& sql : create_table_statements(r, lower::sqlite_dialect())) {
      execute(db.get(), sql);
    }
  }
  db_ptr pony = open_db(pony_db.string());
  db_ptr ours = open_db(ours_db.string());
  const auto expected = describe(pony.get());
  const auto actual = describe(ours.get());
  CHECK(expected.size() == 11);  // 6 entities, 4 join tables, and the stored CREATE texts
  for (const auto& [table, facts] : expected) {
    INFO("table " << table);
    REQUIRE(actual.count(table) == 1);
    CHECK(actual.at(table) == facts);
  }
  CHECK(actual.size() == expected.size());
  fs::remove_all(dir);
}

TEST_CASE("PostgreSQL and MariaDB add named foreign keys once both tables exist") {
  // A cycle: each table references the other, so neither can be created first. PonyORM then
  // takes the last table by name (Team) and adds each key once its parent exists.
  registry r;
  load(r, R"({"entities":[
    {"name":"Team","attrs":[
      {"name":"captain","kind":"Single","type":"Player","reverse":"captain_of"},
      {"name":"players","kind":"Set","type":"Player","reverse":"team"}]},
    {"name":"Player","attrs":[
      {"name":"name","kind":"Req","type":"str","max_len":40,"index":true},
      {"name":"team","kind":"Single","type":"Team","optional":true},
      {"name":"captain_of","kind":"Set","type":"Team"}]}]})");
  CHECK(join(create_table_statements(r, lower::postgres_dialect())) ==
        R"(CREATE TABLE "Team" (
  "id" BIGSERIAL PRIMARY KEY,
  "captain" BIGINT NOT NULL
);
CREATE INDEX "idx_team__captain" ON "Team" ("captain");
CREATE TABLE "Player" (
  "id" BIGSERIAL PRIMARY KEY,
  "name" VARCHAR(40) NOT NULL,
  "team" BIGINT
);
CREATE INDEX "idx_player__name" ON "Player" ("name");
CREATE INDEX "idx_player__team" ON "Player" ("team");
ALTER TABLE "Player" ADD CONSTRAINT "fk_player__team" FOREIGN KEY ("team") REFERENCES "Team" ("id") ON DELETE SET NULL;
ALTER TABLE "Team" ADD CONSTRAINT "fk_team__captain" FOREIGN KEY ("captain") REFERENCES "Player" ("id") ON DELETE CASCADE;
)");
  CHECK(join(drop_table_statements(r, lower::postgres_dialect())) ==
        R"(ALTER TABLE "Team" DROP CONSTRAINT "fk_team__captain";
DROP TABLE "Player";
DROP TABLE "Team";
)");
  // MariaDB: the same names, but indexes and the keys to existing tables inside CREATE TABLE,
  // since each separate statement would rebuild the table.
  CHECK(join(create_table_statements(r, lower::mariadb_dialect())) ==
        R"(CREATE TABLE `Team` (
  `id` BIGINT AUTO_INCREMENT PRIMARY KEY,
  `captain` BIGINT NOT NULL,
  INDEX `idx_team__captain` (`captain`)
);
CREATE TABLE `Player` (
  `id` BIGINT AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(40) NOT NULL,
  `team` BIGINT,
  INDEX `idx_player__name` (`name`),
  INDEX `idx_player__team` (`team`),
  CONSTRAINT `fk_player__team` FOREIGN KEY (`team`) REFERENCES `Team` (`id`) ON DELETE SET NULL
);
ALTER TABLE `Team` ADD CONSTRAINT `fk_team__captain` FOREIGN KEY (`captain`) REFERENCES `Player` (`id`) ON DELETE CASCADE;
)");
  CHECK(join(drop_table_statements(r, lower::mariadb_dialect())) ==
        R"(ALTER TABLE `Team` DROP FOREIGN KEY `fk_team__captain`;
DROP TABLE `Player`;
DROP TABLE `Team`;
)");
  // On SQLite the same cycle is created with inline references, in any order.
  db_ptr db = open_db(":memory:");
  execute(db.get(), "PRAGMA foreign_keys = ON");
  for (const auto& sql : create_table_statements(r, lower::sqlite_dialect())) {
    execute(db.get(), sql);
  }
  for (const auto& sql : drop_table_statements(r, lower::sqlite_dialect())) {
    execute(db.get(), sql);
  }
}

TEST_CASE("join tables, self-references and acyclic foreign keys outside SQLite") {
  registry r;
  load(r, R"({"entities":[
    {"name":"Tag","attrs":[
      {"name":"label","kind":"PK","type":"str","max_len":20},
      {"name":"products","kind":"Set","type":"Product"}]},
    {"name":"Product","attrs":[
      {"name":"tags","kind":"Set","type":"Tag"},
      {"name":"parent","kind":"Single","type":"Product","reverse":"parts","optional":true},
      {"name":"parts","kind":"Set","type":"Product","reverse":"parent"}]}]})");
  CHECK(join(create_table_statements(r, lower::postgres_dialect())) ==
        R"(CREATE TABLE "Product" (
  "id" BIGSERIAL PRIMARY KEY,
  "parent" BIGINT
);
CREATE INDEX "idx_product__parent" ON "Product" ("parent");
ALTER TABLE "Product" ADD CONSTRAINT "fk_product__parent" FOREIGN KEY ("parent") REFERENCES "Product" ("id") ON DELETE SET NULL;
CREATE TABLE "Tag" (
  "label" VARCHAR(20) NOT NULL PRIMARY KEY
);
CREATE TABLE "Product_Tag" (
  "product" BIGINT NOT NULL,
  "tag" VARCHAR(20) NOT NULL,
  PRIMARY KEY ("product", "tag")
);
CREATE INDEX "idx_product_tag" ON "Product_Tag" ("tag");
ALTER TABLE "Product_Tag" ADD CONSTRAINT "fk_product_tag__product" FOREIGN KEY ("product") REFERENCES "Product" ("id") ON DELETE CASCADE;
ALTER TABLE "Product_Tag" ADD CONSTRAINT "fk_product_tag__tag" FOREIGN KEY ("tag") REFERENCES "Tag" ("label") ON DELETE CASCADE;
)");
  CHECK(join(drop_table_statements(r, lower::postgres_dialect())) ==
        R"(DROP TABLE "Product_Tag";
DROP TABLE "Tag";
DROP TABLE "Product";
)");
}

TEST_CASE("defaults become literals; unique columns get no extra index") {
  registry r;
  load(r, R"({"entities":[
    {"name":"Owner","attrs":[{"name":"id","kind":"PK","type":"int","auto":true,"index":true},
                             {"name":"thing","kind":"Set","type":"Thing"}]},
    {"name":"Thing","attrs":[
      {"name":"n","kind":"Req","type":"int","default":5},
      {"name":"x","kind":"Req","type":"float","default":2.5},
      {"name":"ok","kind":"Req","type":"bool","default":true},
      {"name":"off","kind":"Req","type":"bool","default":false},
      {"name":"s","kind":"Opt","type":"str","default":"it's a\\b"},
      {"name":"day","kind":"Opt","type":"date","default":"2024-01-31"},
      {"name":"maybe","kind":"Opt","type":"int","default":null},
      {"name":"code","kind":"Req","type":"str","unique":true,"index":true},
      {"name":"owner","kind":"Single","type":"Owner","unique":true}]}]})");
  const auto sqlite = create_table_statements(r, lower::sqlite_dialect());
  REQUIRE(sqlite.size() == 2);
  CHECK(sqlite[1] == R"(CREATE TABLE "Thing" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "n" INTEGER DEFAULT 5 NOT NULL,
  "x" REAL DEFAULT 2.5 NOT NULL,
  "ok" BOOLEAN DEFAULT 1 NOT NULL,
  "off" BOOLEAN DEFAULT 0 NOT NULL,
  "s" TEXT DEFAULT 'it''s a\b' NOT NULL,
  "day" DATE DEFAULT '2024-01-31',
  "maybe" INTEGER,
  "code" TEXT UNIQUE NOT NULL,
  "owner" INTEGER UNIQUE NOT NULL REFERENCES "Owner" ("id") ON DELETE CASCADE
))");
  const auto postgres = create_table_statements(r, lower::postgres_dialect());
  CHECK(postgres[1].find(R"("ok" BOOLEAN DEFAULT true NOT NULL)") != std::string::npos);
  CHECK(postgres[1].find(R"("s" TEXT DEFAULT 'it''s a\b' NOT NULL)") != std::string::npos);
  const auto mariadb = create_table_statements(r, lower::mariadb_dialect());
  CHECK(mariadb[1].find(R"(`s` VARCHAR(255) DEFAULT 'it''s a\\b' NOT NULL)") != std::string::npos);

  db_ptr db = open_db(":memory:");
  for (const auto& sql : sqlite) execute(db.get(), sql);
  execute(db.get(), "INSERT INTO Owner DEFAULT VALUES");
  execute(db.get(), "INSERT INTO Thing (code, owner) VALUES ('c', 1)");
  CHECK(rows(db.get(), "SELECT n, x, ok, off, s, day, maybe FROM Thing") ==
        std::vector<std::string>{"5|2.5|1|0|it's a\\b|2024-01-31|NULL"});
}

TEST_CASE("DDL needs a finalized registry") {
  registry r;
  r.load_json_text(R"({"entities":[{"name":"A"}]})");
  try {
    (void)create_table_statements(r, lower::sqlite_dialect());
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()} ==
          "migrate.not_finalized: the registry is not finalized: call db.generate_mapping() (or "
          "registry::finalize()) before generating its DDL");
  }
  CHECK_THROWS_AS(drop_table_statements(r, lower::sqlite_dialect()), usage_error);
}

TEST_CASE("fk_name names a foreign key; ON DELETE follows cascade_delete") {
  registry r;
  load(r, R"({"entities":[
    {"name":"Dept","attrs":[
      {"name":"courses","kind":"Set","type":"Course","cascade_delete":false},
      {"name":"labs","kind":"Set","type":"Lab","cascade_delete":true}]},
    {"name":"Course","attrs":[
      {"name":"dept","kind":"Single","type":"Dept","fk_name":"course_in_dept"},
      {"name":"tags","kind":"Set","type":"Tag","fk_name":"tagged_with","column":"tag"}]},
    {"name":"Lab","attrs":[{"name":"dept","kind":"Single","type":"Dept","optional":true}]},
    {"name":"Tag","attrs":[{"name":"courses","kind":"Set","type":"Course"}]}]})");
  CHECK(join(create_table_statements(r, lower::postgres_dialect())) ==
        R"(CREATE TABLE "Dept" (
  "id" BIGSERIAL PRIMARY KEY
);
CREATE TABLE "Course" (
  "id" BIGSERIAL PRIMARY KEY,
  "dept" BIGINT NOT NULL
);
CREATE INDEX "idx_course__dept" ON "Course" ("dept");
ALTER TABLE "Course" ADD CONSTRAINT "course_in_dept" FOREIGN KEY ("dept") REFERENCES "Dept" ("id");
CREATE TABLE "Lab" (
  "id" BIGSERIAL PRIMARY KEY,
  "dept" BIGINT
);
CREATE INDEX "idx_lab__dept" ON "Lab" ("dept");
ALTER TABLE "Lab" ADD CONSTRAINT "fk_lab__dept" FOREIGN KEY ("dept") REFERENCES "Dept" ("id") ON DELETE CASCADE;
CREATE TABLE "Tag" (
  "id" BIGSERIAL PRIMARY KEY
);
CREATE TABLE "Course_Tag" (
  "course" BIGINT NOT NULL,
  "tag" BIGINT NOT NULL,
  PRIMARY KEY ("course", "tag")
);
CREATE INDEX "idx_course_tag" ON "Course_Tag" ("tag");
ALTER TABLE "Course_Tag" ADD CONSTRAINT "fk_course_tag__course" FOREIGN KEY ("course") REFERENCES "Course" ("id") ON DELETE CASCADE;
ALTER TABLE "Course_Tag" ADD CONSTRAINT "tagged_with" FOREIGN KEY ("tag") REFERENCES "Tag" ("id") ON DELETE CASCADE;
)");
  // Where it cannot name the key of a column: a one-to-many Set, the side of a one-to-one
  // without the column, an attribute without a relation.
  const auto refused = [](const std::string& json) {
    registry bad;
    try {
      load(bad, json);
    } catch (const schema_error& e) {
      return std::string{e.what()};
    }
    return std::string{"no error"};
  };
  CHECK(refused(R"({"entities":[
    {"name":"Dept","attrs":[{"name":"courses","kind":"Set","type":"Course","fk_name":"x"}]},
    {"name":"Course","attrs":[{"name":"dept","kind":"Single","type":"Dept"}]}]})") ==
        "schema.option_kind: entity Dept, attribute courses: 'fk_name' applies only to a "
        "many-to-many Set; Dept.courses is one-to-many, and its column is Course.dept's");
  CHECK(refused(R"({"entities":[
    {"name":"Card","attrs":[{"name":"holder","kind":"Single","type":"Person"}]},
    {"name":"Person","attrs":[{"name":"card","kind":"Single","type":"Card","optional":true,
      "fk_name":"x"}]}]})") ==
        "schema.one_to_one_columns: entity Person, attribute card: declares fk_name x, but "
        "Card.holder holds the key of this one-to-one relation; declare the fk_name there");
  CHECK(refused(R"({"entities":[{"name":"Card","attrs":[
    {"name":"number","kind":"Req","type":"str","fk_name":"x"}]}]})") ==
        "schema.option_kind: entity Card, attribute number: 'fk_name' applies only to Single and "
        "Set, not to a Req str");
}

TEST_CASE(
    "an int's size and unsigned choose PonyORM's column type; sql_type and sql_default are "
    "written as given") {
  registry r;
  load(r, R"json({"entities":[{"name":"Meter","attrs":[
    {"name":"a","kind":"Req","type":"int","size":8},
    {"name":"b","kind":"Req","type":"int","size":16,"unsigned":true},
    {"name":"c","kind":"Req","type":"int","size":24},
    {"name":"d","kind":"Req","type":"int","unsigned":true},
    {"name":"e","kind":"Req","type":"int","size":64},
    {"name":"f","kind":"Opt","type":"str","sql_type":"CHAR(3)","sql_default":"'abc'"},
    {"name":"g","kind":"Req","type":"datetime","sql_default":"CURRENT_TIMESTAMP"},
    {"name":"h","kind":"Opt","type":"int","size":16},
    {"name":"i","kind":"Opt","type":"int","size":32}]}]})json");
  CHECK(join(create_table_statements(r, lower::sqlite_dialect())) ==
        R"(CREATE TABLE "Meter" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "a" TINYINT NOT NULL,
  "b" SMALLINT UNSIGNED NOT NULL,
  "c" MEDIUMINT NOT NULL,
  "d" INTEGER UNSIGNED NOT NULL,
  "e" BIGINT NOT NULL,
  "f" CHAR(3) DEFAULT 'abc' NOT NULL,
  "g" DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
  "h" SMALLINT,
  "i" INTEGER
);
)");
  const std::string postgres = join(create_table_statements(r, lower::postgres_dialect()));
  CHECK(postgres.find(R"("a" SMALLINT NOT NULL,
  "b" INTEGER NOT NULL,
  "c" INTEGER NOT NULL,
  "d" BIGINT NOT NULL,
  "e" BIGINT NOT NULL,)") != std::string::npos);
  CHECK(postgres.find(R"("h" SMALLINT,
  "i" INTEGER
)") != std::string::npos);
  const std::string mariadb = join(create_table_statements(r, lower::mariadb_dialect()));
  CHECK(mariadb.find(R"(`a` TINYINT NOT NULL,
  `b` SMALLINT UNSIGNED NOT NULL,
  `c` MEDIUMINT NOT NULL,
  `d` INTEGER UNSIGNED NOT NULL,
  `e` BIGINT NOT NULL,)") != std::string::npos);
  // The SQLite statements run, and the database fills in the defaults.
  db_ptr db = open_db(":memory:");
  for (const auto& sql : create_table_statements(r, lower::sqlite_dialect())) {
    execute(db.get(), sql);
  }
  execute(db.get(), R"(INSERT INTO "Meter" ("a", "b", "c", "d", "e") VALUES (1, 2, 3, 4, 5))");
  CHECK(rows(db.get(), R"(SELECT "f", "g" IS NOT NULL FROM "Meter")") ==
        std::vector<std::string>{"abc|1"});

  const auto refused = [](const std::string& attrs) {
    registry bad;
    try {
      load(bad, R"({"entities":[{"name":"Meter","attrs":[)" + attrs + "]}]}");
    } catch (const schema_error& e) {
      return std::string{e.what()};
    }
    return std::string{"no error"};
  };
  CHECK(refused(R"({"name":"a","kind":"Req","type":"int","size":12})") ==
        "schema.int_size: entity Meter, attribute a: size must be 8, 16, 24, 32 or 64 (bits), "
        "not 12");
  CHECK(refused(R"({"name":"a","kind":"Req","type":"int","size":64,"unsigned":true})") ==
        "schema.int_size: entity Meter, attribute a: an unsigned 64-bit integer does not fit "
        "NextORM's int (std::int64_t); declare size 64 without unsigned");
  CHECK(refused(R"({"name":"a","kind":"Req","type":"int","size":8,"max":200})") ==
        "schema.int_size: entity Meter, attribute a: max 200 is outside the column (the range "
        "of size 8 is -128 to 127)");
  CHECK(refused(R"({"name":"a","kind":"Req","type":"int","unsigned":true,"min":-1})") ==
        "schema.int_size: entity Meter, attribute a: min -1 is outside the column (the range of "
        "size 32 unsigned is 0 to 4294967295)");
  CHECK(refused(R"({"name":"a","kind":"Req","type":"str","size":8})") ==
        "schema.option_kind: entity Meter, attribute a: 'size' applies only to int attributes, "
        "not to a Req str");
  CHECK(refused(R"({"name":"a","kind":"Req","type":"float","unsigned":true})") ==
        "schema.option_kind: entity Meter, attribute a: 'unsigned' applies only to int "
        "attributes, not to a Req float");
  CHECK(refused(R"({"name":"a","kind":"Single","type":"Meter","size":8,"optional":true},
      {"name":"b","kind":"Single","type":"Meter","reverse":"a","optional":true})") ==
        "schema.option_kind: entity Meter, attribute a: 'size' applies only to int attributes, "
        "not to a Single");
  CHECK(refused(R"({"name":"a","kind":"Single","type":"Meter","sql_type":"INT","optional":true},
      {"name":"b","kind":"Single","type":"Meter","reverse":"a","optional":true})") ==
        "schema.option_kind: entity Meter, attribute a: 'sql_type' applies only to PK, Req and "
        "Opt, not to a Single");
  // A bound of another numeric type is compared as a number when assigned.
  CHECK(refused(R"({"name":"a","kind":"Req","type":"int","size":8,"min":0.5})") == "no error");
  CHECK(refused(R"({"name":"a","kind":"Req","type":"str","sql_type":"TEXT; DROP TABLE x"})") ==
        "schema.sql_option: entity Meter, attribute a: sql_type must be one piece of SQL, "
        "without ';' or a NUL character");
  CHECK(refused(R"({"name":"a","kind":"Req","type":"int","size":8,"min":-128,"max":127})") ==
        "no error");
}
