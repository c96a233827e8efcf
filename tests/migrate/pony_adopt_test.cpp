// A database PonyORM made (tests/migrate/pony_adopt.py) adopted by NextORM's migrations on each
// provider: makemigrations --initial from the same schema, migrate --fake-initial, no drift;
// then a migration (a rename, a new column) that PonyORM's changed model reads back.
#include "migration_test_support.hpp"
#include "test_databases.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using migration_test::command_result;
using migration_test::nextorm_cli;

// Runs pony_adopt.py; its standard output, or skips the test (exit 77: no PonyORM).
std::string pony(const std::string& mode, const std::string& database) {
  const char* root = std::getenv("NEXTORM_SOURCE_ROOT");
  REQUIRE(root != nullptr);
  const fs::path script = fs::path{root} / "tests" / "migrate" / "pony_adopt.py";
  const std::string command =
      "/usr/bin/python3 '" + script.string() + "' " + mode + " '" + database + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe{popen(command.c_str(), "r"), pclose};
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0) out.append(buffer, n);
  const int status = pclose(pipe.release());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    std::fprintf(stderr, "skipped: PonyORM or the server's Python driver is not importable\n");
    std::exit(77);
  }
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return out;
}

constexpr const char* before = R"({"entities":[
  {"name":"Category","attrs":[{"name":"name","kind":"Req","type":"str","unique":true},
                              {"name":"products","kind":"Set","type":"Product"}]},
  {"name":"Tag","attrs":[{"name":"label","kind":"Req","type":"str"},
                         {"name":"products","kind":"Set","type":"Product"}]},
  {"name":"Product","attrs":[{"name":"title","kind":"Req","type":"str"},
                             {"name":"price","kind":"Req","type":"float"},
                             {"name":"category","kind":"Single","type":"Category","optional":true},
                             {"name":"tags","kind":"Set","type":"Tag"}]}]})";

constexpr const char* after = R"({"entities":[
  {"name":"Category","attrs":[{"name":"name","kind":"Req","type":"str","unique":true},
                              {"name":"products","kind":"Set","type":"Product"}]},
  {"name":"Tag","attrs":[{"name":"label","kind":"Req","type":"str"},
                         {"name":"products","kind":"Set","type":"Product"}]},
  {"name":"Product","attrs":[{"name":"name","kind":"Req","type":"str","renamed_from":"title"},
                             {"name":"price","kind":"Req","type":"float"},
                             {"name":"stock","kind":"Opt","type":"int"},
                             {"name":"category","kind":"Single","type":"Category","optional":true},
                             {"name":"tags","kind":"Set","type":"Tag"}]}]})";

}  // namespace

TEST_CASE("a PonyORM database is adopted, then migrated, and PonyORM reads it", "[pony_adopt]") {
  const std::string url = nextorm::testing::fresh_database_url("pony_adopt");
  // PonyORM takes a SQLite file by its path.
  const std::string database = url.starts_with("sqlite:") ? url.substr(7) : url;
  (void)pony("make", database);
  const fs::path dir =
      fs::temp_directory_path() / ("nextorm-pony-adopt-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream{dir / "before.json"} << before;
  std::ofstream{dir / "after.json"} << after;
  const std::string migrations = (dir / "migrations").string();
  REQUIRE(nextorm_cli({"makemigrations", "--schema", (dir / "before.json").string(), "--dir",
                       migrations, "--initial"})
              .code == 0);
  REQUIRE(nextorm_cli({"migrate", "--db", url, "--dir", migrations, "--fake-initial"}).out ==
          "Faked 0001_initial\n");
  // NextORM's tables are PonyORM's: no drift.
  const command_result drift =
      nextorm_cli({"migrate", "--db", url, "--dir", migrations, "--check"});
  INFO(drift.out);
  CHECK(drift.code == 0);
  REQUIRE(nextorm_cli(
              {"makemigrations", "--schema", (dir / "after.json").string(), "--dir", migrations})
              .code == 0);
  const command_result migrated = nextorm_cli({"migrate", "--db", url, "--dir", migrations});
  INFO(migrated.err);
  REQUIRE(migrated.code == 0);
  CHECK(pony("read", database) == "Hammer|5.5|None|tools|sale\nSaw|10.0|None|-|\n");
  std::error_code ec;
  fs::remove_all(dir, ec);
  nextorm::testing::discard_database(url);
}
