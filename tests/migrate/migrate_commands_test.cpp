// The migration commands' command lines (src/cli/migrate_commands.cpp) on SQLite: help, wrong
// options, names of migrations, --sql, --dry-run, sqlmigrate and showmigrations' marks. What the
// migrations do on each provider is migrations_test.cpp's.
#include "migration_test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

using migration_test::command_result;
using result = command_result;

namespace {

result run(std::vector<std::string> args) { return migration_test::nextorm_cli(std::move(args)); }

class folder {
 public:
  folder() : m_temp{"nextorm-migrate-cli"} {}
  std::string file(const std::string& name, const std::string& text) const {
    std::ofstream{m_temp.dir() / name} << text;
    return (m_temp.dir() / name).string();
  }
  [[nodiscard]] std::string path(const std::string& name) const {
    return (m_temp.dir() / name).string();
  }
  [[nodiscard]] std::string db() const { return "sqlite:" + path("db.sqlite"); }

 private:
  migration_test::temp_folder m_temp;
};

constexpr const char* one =
    R"({"entities":[{"name":"Item","attrs":[{"name":"n","kind":"Req","type":"int"}]}]})";
constexpr const char* two =
    R"({"entities":[{"name":"Item","attrs":[{"name":"n","kind":"Req","type":"int"},
  {"name":"m","kind":"Opt","type":"int"}]},{"name":"Box","attrs":[{"name":"k","kind":"Opt","type":"int"}]}]})";

}  // namespace

TEST_CASE("each migration command prints its help", "[migrate_cli]") {
  for (const char* command : {"makemigrations", "migrate", "showmigrations", "sqlmigrate"}) {
    const result r = run({command, "--help"});
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::StartsWith(std::string{"Usage: nextorm "} + command));
  }
  CHECK_THAT(run({"--help"}).out, Catch::Contains("sqlmigrate"));
}

TEST_CASE("wrong command lines exit 2 with what is wrong", "[migrate_cli]") {
  folder f;
  const auto wrong = [](std::vector<std::string> args, const std::string& words) {
    const result r = run(std::move(args));
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(words) && Catch::Contains("--help' for usage"));
  };
  wrong({"makemigrations", "--shema", "x"}, "unknown option '--shema'; did you mean '--schema'?");
  wrong({"makemigrations", "--dir"}, "--dir needs a value");
  wrong({"makemigrations", "--check=yes"}, "unknown option '--check'");
  wrong({"makemigrations", "extra"}, "unexpected 'extra'");
  wrong({"makemigrations", "--schema", "s.json"}, "missing --dir");
  wrong({"migrate", "--dir", f.path("m"), "here"}, "unexpected 'here'");
  wrong({"showmigrations", "there"}, "unexpected 'there'");
  wrong({"sqlmigrate", "--dir", f.path("m")}, "expected one migration number");
  wrong({"sqlmigrate", "x1", "--dir", f.path("m")}, "N: expected a migration number, not 'x1'");
  const std::string schema = f.file("one.json", one);
  REQUIRE(run({"makemigrations", "--schema", schema, "--dir", f.path("m")}).code == 0);
  wrong({"migrate", "--dir", f.path("m"), "--to", "-1", "--db", f.db()},
        "--to: expected a migration number, not '-1'");
  wrong({"migrate", "--dir", f.path("m"), "--lock-timeout", "soon", "--db", f.db()},
        "--lock-timeout: expected seconds, not 'soon'");
  wrong({"migrate", "--sql", "--provider", "oracle", "--dir", f.path("m")},
        "unknown provider 'oracle'");
  wrong({"sqlmigrate", "7", "--dir", f.path("m"), "--provider", "sqlite"},
        "there is no migration 7 in");
  wrong({"makemigrations", "--schema", schema, "--dir", f.path("m"), "--initial"},
        "has migrations already");
  // A name that is not a name is an error of the migration (exit 1).
  const std::string changed = f.file("two.json", two);
  const result named =
      run({"makemigrations", "--schema", changed, "--dir", f.path("m"), "--name", "add stuff"});
  CHECK(named.code == 1);
  CHECK_THAT(named.err, Catch::Contains("migrate.name"));
  // A directory that is not there.
  const result none = run({"migrate", "--db", f.db(), "--dir", f.path("nowhere")});
  CHECK(none.code == 1);
  CHECK_THAT(none.err, Catch::Contains("there is no migrations directory"));
}

TEST_CASE("migrations are named after their first operation unless named", "[migrate_cli]") {
  folder f;
  const std::string m = f.path("m");
  CHECK_THAT(run({"makemigrations", "--schema", f.file("one.json", one), "--dir", m}).out,
             Catch::Contains("0001_initial.json"));
  CHECK_THAT(run({"makemigrations", "--schema", f.file("two.json", two), "--dir", m}).out,
             Catch::Contains("0002_create_table_box_and_more.json"));
  const std::string three =
      R"({"entities":[{"name":"Item","attrs":[{"name":"n","kind":"Req","type":"int"},
    {"name":"m","kind":"Opt","type":"int"},{"name":"o","kind":"Opt","type":"int"}]},
    {"name":"Box","attrs":[{"name":"k","kind":"Opt","type":"int"}]}]})";
  CHECK_THAT(run({"makemigrations", "--schema", f.file("three.json", three), "--dir", m}).out,
             Catch::Contains("0003_add_column_item_o.json"));
  const std::string four =
      R"({"entities":[{"name":"Item","attrs":[{"name":"n","kind":"Req","type":"int"},
    {"name":"m","kind":"Opt","type":"int"},{"name":"o","kind":"Opt","type":"int"}]},
    {"name":"Crate","renamed_from":"Box","attrs":[{"name":"k","kind":"Opt","type":"int"}]}]})";
  CHECK_THAT(
      run({"makemigrations", "--schema", f.file("four.json", four), "--dir", m, "--name", "crates"})
          .out,
      Catch::Contains("0004_crates.json") && Catch::Contains("rename_table from=box to=crate"));
  // --sql prints every migration for a provider, --to stops it.
  const result script =
      run({"migrate", "--sql", "--provider", "postgres", "--dir", m, "--to", "2"});
  CHECK(script.code == 0);
  CHECK_THAT(script.out, Catch::StartsWith("-- 0001_initial\nCREATE TABLE \"item\"") &&
                             Catch::Contains("-- 0002_create_table_box_and_more\n") &&
                             !Catch::Contains("0003"));
  CHECK_THAT(run({"sqlmigrate", "3", "--dir", m, "--provider", "mariadb"}).out,
             Catch::Contains("ALTER TABLE `item` ADD COLUMN `o` BIGINT;"));
}

TEST_CASE("dry runs, statuses and refusals of makemigrations", "[migrate_cli]") {
  folder f;
  const std::string m = f.path("m");
  REQUIRE(run({"makemigrations", "--schema", f.file("one.json", one), "--dir", m}).code == 0);
  REQUIRE(run({"makemigrations", "--schema", f.file("two.json", two), "--dir", m}).code == 0);
  // Nothing applied yet: showmigrations works without the history table.
  CHECK(run({"showmigrations", "--db", f.db(), "--dir", m}).out ==
        "[ ] 0001_initial\n[ ] 0002_create_table_box_and_more\n");
  const result dry = run({"migrate", "--db", f.db(), "--dir", m, "--dry-run", "--to", "1"});
  CHECK(dry.code == 0);
  CHECK(dry.out ==
        "-- 0001_initial\nCREATE TABLE \"Item\" (\n  \"id\" INTEGER PRIMARY KEY "
        "AUTOINCREMENT,\n  \"n\" INTEGER NOT NULL\n);\n");
  REQUIRE(run({"migrate", "--db", f.db(), "--dir", m, "--fake"}).out ==
          "Faked 0001_initial\nFaked 0002_create_table_box_and_more\n");
  // A file gone: marked, not an error.
  fs::remove(m + "/0002_create_table_box_and_more.json");
  CHECK_THAT(run({"showmigrations", "--db", f.db(), "--dir", m}).out,
             Catch::Contains("[?] 0002_create_table_box_and_more  applied ") &&
                 Catch::Contains("its file is gone"));
  // A destructive change: refused with what is lost and the renames it may be.
  const std::string renamed =
      R"({"entities":[{"name":"Item","attrs":[{"name":"count","kind":"Req","type":"int"}]}]})";
  const result refused = run({"makemigrations", "--schema", f.file("r.json", renamed), "--dir", m});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err, Catch::Contains("drops column item.n") &&
                              Catch::Contains("item.n -> item.count") &&
                              Catch::Contains("renamed_from"));
  const result check =
      run({"makemigrations", "--schema", f.file("r.json", renamed), "--dir", m, "--check"});
  CHECK(check.code == 1);
  CHECK_THAT(check.err, Catch::Contains("(2 operations)"));
}

TEST_CASE("the commands' other spellings and outputs", "[migrate_cli]") {
  folder f;
  const std::string m = f.path("m");
  CHECK_THAT(run({"makemigrations", "-h"}).out, Catch::StartsWith("Usage: nextorm makemigrations"));
  REQUIRE(run({"makemigrations", "--schema=" + f.file("one.json", one), "--dir=" + m}).code == 0);
  const std::string req =
      R"({"entities":[{"name":"Item","attrs":[{"name":"n","kind":"Req","type":"int"},
    {"name":"q","kind":"Req","type":"int"}]}]})";
  // One operation: said in the singular.
  const result check =
      run({"makemigrations", "--schema", f.file("req.json", req), "--dir", m, "--check"});
  CHECK_THAT(check.err, Catch::Contains("(1 operation):"));
  REQUIRE(run({"makemigrations", "--schema", f.file("req.json", req), "--dir", m}).code == 0);
  // A required column without a default: the script says the table must be empty.
  CHECK_THAT(
      run({"sqlmigrate", "2", "--dir", m, "--provider", "postgresql"}).out,
      Catch::Contains("-- (table item must have no rows)\nALTER TABLE \"item\" ADD COLUMN \"q\""));
  CHECK_THAT(run({"sqlmigrate", "1", "--dir", m, "--provider", "mysql"}).out,
             Catch::StartsWith("-- 0001_initial\nCREATE TABLE `item`"));
  CHECK_THAT(run({"migrate", "--sql", "--provider", "sqlite", "--dir", m}).out,
             Catch::Contains("-- 0001_initial") && Catch::Contains("-- 0002_"));
  CHECK(run({"migrate", "--db", f.db(), "--dir", m, "--to", "3x"}).code == 2);
  // Dry runs stop at --to; nothing applied, all is pending.
  CHECK(run({"migrate", "--db", f.db(), "--dir", m, "--dry-run", "--to", "1"}).out.find("0002") ==
        std::string::npos);
  CHECK_THAT(run({"migrate", "--db", f.db(), "--dir", m, "--dry-run"}).out,
             Catch::Contains("-- 0002_"));
  REQUIRE(run({"migrate", "--db", f.db(), "--dir", m}).code == 0);
  CHECK(run({"migrate", "--db", f.db(), "--dir", m, "--dry-run"}).out.empty());
  // --fake-initial where migrations are applied already, or without migrations, does nothing.
  CHECK(run({"migrate", "--db", f.db(), "--dir", m, "--fake-initial"}).out ==
        "No migrations to apply.\n");
  fs::create_directories(f.path("empty"));
  CHECK(run({"migrate", "--db", f.db(), "--dir", f.path("empty"), "--fake-initial"}).out ==
        "No migrations to apply.\n");
}

namespace {

result answered(std::vector<std::string> args, const std::string& answers) {
  return migration_test::nextorm_cli(std::move(args), &answers);
}

}  // namespace

TEST_CASE("at a terminal, makemigrations asks about what may be a rename", "[migrate_cli]") {
  folder f;
  const std::string m = f.path("m");
  const std::string v1 =
      R"({"entities":[{"name":"Item","attrs":[{"name":"n","kind":"Req","type":"int"},
    {"name":"label","kind":"Opt","type":"str"}]}]})";
  REQUIRE(run({"makemigrations", "--schema", f.file("v1.json", v1), "--dir", m}).code == 0);
  // Item.n became Item.count (same kind and type); label became size (another type: no question).
  const std::string v2 =
      R"({"entities":[{"name":"Item","attrs":[{"name":"count","kind":"Req","type":"int"},
    {"name":"size","kind":"Opt","type":"int"}]}]})";
  const result no =
      answered({"makemigrations", "--schema", f.file("v2.json", v2), "--dir", m}, "n\n");
  CHECK(no.code == 1);
  CHECK(no.out == "Did you rename Item.n to Item.count? [y/N] ");
  CHECK_THAT(no.err, Catch::Contains("refused"));
  const result yes = answered(
      {"makemigrations", "--schema", f.file("v2.json", v2), "--dir", m, "--allow-destructive"},
      "y\n");
  CHECK(yes.code == 0);
  CHECK_THAT(yes.out, Catch::StartsWith("Did you rename Item.n to Item.count? [y/N] Wrote ") &&
                          Catch::Contains("rename_column table=item from=n to=count") &&
                          Catch::Contains("drop_column table=item column=label"));
  // The answer is in the snapshot: the schema as it is needs nothing more.
  CHECK_THAT(run({"makemigrations", "--schema", f.file("v2.json", v2), "--dir", m}).out,
             Catch::StartsWith("No changes"));
  // An entity renamed; no answer (the end of the input) is no.
  const std::string v3 =
      R"({"entities":[{"name":"Thing","attrs":[{"name":"count","kind":"Req","type":"int"},
    {"name":"size","kind":"Opt","type":"int"}]}]})";
  const result silent =
      answered({"makemigrations", "--schema", f.file("v3.json", v3), "--dir", m}, "");
  CHECK(silent.code == 1);
  CHECK(silent.out == "Did you rename Item to Thing? [y/N] ");
  const result renamed =
      answered({"makemigrations", "--schema", f.file("v3.json", v3), "--dir", m}, "yes\n");
  CHECK(renamed.code == 0);
  CHECK_THAT(renamed.out, Catch::Contains("rename_table from=item to=thing"));
  // Two candidates for one old name: the first yes takes it.
  const std::string v4 =
      R"({"entities":[{"name":"Thing","attrs":[{"name":"a","kind":"Req","type":"int"},
    {"name":"b","kind":"Req","type":"int"},{"name":"size","kind":"Opt","type":"int"}]}]})";
  const result first = answered(
      {"makemigrations", "--schema", f.file("v4.json", v4), "--dir", m, "--allow-destructive"},
      "Y\n");
  CHECK(first.out.find("Did you rename Thing.count to Thing.a? [y/N] Wrote") == 0);
  CHECK_THAT(first.out, Catch::Contains("rename_column table=thing from=count to=a") &&
                            Catch::Contains("add_column table=thing column=b"));
  // Nothing lost: nothing asked. --check asks nothing either.
  const std::string v5 =
      R"({"entities":[{"name":"Thing","attrs":[{"name":"a","kind":"Req","type":"int"},
    {"name":"b","kind":"Req","type":"int"},{"name":"size","kind":"Opt","type":"int"},
    {"name":"c","kind":"Opt","type":"int"}]},{"name":"Box","attrs":[{"name":"w","kind":"Opt","type":"int"}]},
    {"name":"Crate","attrs":[{"name":"w","kind":"Opt","type":"int"}]}]})";
  const result calm =
      answered({"makemigrations", "--schema", f.file("v5.json", v5), "--dir", m}, "y\n");
  CHECK(calm.out.find("Did you") == std::string::npos);
  REQUIRE(calm.code == 0);
  // Thing.b goes while Thing.d comes (a is kept, of the same type: not asked about); Box goes
  // while Case and Bin come: one question per new entity, Box asked about once it is taken.
  const std::string v6 =
      R"({"entities":[{"name":"Thing","attrs":[{"name":"a","kind":"Req","type":"int"},
    {"name":"d","kind":"Req","type":"int"},{"name":"size","kind":"Opt","type":"int"},
    {"name":"c","kind":"Opt","type":"int"}]},{"name":"Case","attrs":[{"name":"w","kind":"Opt","type":"int"}]},
    {"name":"Bin","attrs":[{"name":"w","kind":"Opt","type":"int"}]},
    {"name":"Crate","attrs":[{"name":"w","kind":"Opt","type":"int"}]}]})";
  CHECK(
      answered({"makemigrations", "--schema", f.file("v6.json", v6), "--dir", m, "--check"}, "y\n")
          .out.empty());
  const result asked =
      answered({"makemigrations", "--schema", f.file("v6.json", v6), "--dir", m}, "y\ny\n");
  CHECK(asked.code == 0);
  CHECK_THAT(asked.out, Catch::StartsWith("Did you rename Thing.b to Thing.d? [y/N] "
                                          "Did you rename Box to Case? [y/N] Wrote") &&
                            Catch::Contains("rename_table from=box to=case") &&
                            Catch::Contains("create_table table=bin"));
}
