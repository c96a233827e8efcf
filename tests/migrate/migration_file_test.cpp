// Migration files (src/migrate/migration_file.cpp): names, contents and checksums, and every
// way a hand-edited file is refused with its name.
#include "migrate/migration_file.hpp"

#include <nextorm/errors.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace nextorm::schema_change;
using nlohmann::json;

namespace {

class folder {
 public:
  folder()
      : m_dir{fs::temp_directory_path() / ("nextorm-migration-files-" + std::to_string(getpid()) +
                                           "-" + std::to_string(++n()))} {
    fs::create_directories(m_dir);
  }
  ~folder() {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  folder(const folder&) = delete;
  folder& operator=(const folder&) = delete;
  void file(const std::string& name, const std::string& text) const {
    std::ofstream{m_dir / name} << text;
  }
  [[nodiscard]] const fs::path& dir() const { return m_dir; }

 private:
  static int& n() {
    static int count = 0;
    return count;
  }
  fs::path m_dir;
};

const json snapshot = json::parse(
    R"({"entities":[{"name":"Item","attrs":[{"name":"n","kind":"Req","type":"int"}]}]})");
const json operations = json::array({{{"op", "create_table"}, {"table", "item"}}});

std::string refusal(const folder& f) {
  try {
    (void)load_migrations(f.dir());
  } catch (const nextorm::error& e) {
    return e.what();
  }
  return "(loaded)";
}

}  // namespace

TEST_CASE("written migrations load back in version order, with their checksums",
          "[migration_file]") {
  folder f;
  const auto second = write_migration(f.dir(), 12, "later", operations, snapshot);
  CHECK(second.filename() == "0012_later.json");
  (void)write_migration(f.dir(), 3, "first", operations, snapshot);
  f.file("README.md", "not a migration");
  fs::create_directories(f.dir() / "old.json");  // a directory: skipped
  const auto loaded = load_migrations(f.dir());
  REQUIRE(loaded.size() == 2);
  CHECK(loaded[0].version == 3);
  CHECK(loaded[0].name == "0003_first");
  CHECK(loaded[1].version == 12);
  CHECK(loaded[0].operations == operations);
  CHECK(loaded[0].snapshot == snapshot);
  CHECK(loaded[0].checksum == checksum_of(operations, snapshot));
  CHECK(loaded[0].checksum.size() == 16);
  CHECK(checksum_of(operations, json::object()) != loaded[0].checksum);
  CHECK_THROWS_WITH(write_migration(f.dir(), 4, "no spaces", operations, snapshot),
                    Catch::Contains("migrate.name"));
  CHECK_THROWS_WITH(write_migration(f.dir(), 4, "", operations, snapshot),
                    Catch::Contains("migrate.name"));
  CHECK_THROWS_WITH(load_migrations(f.dir() / "missing"), Catch::Contains("migrate.dir"));
  // Versions past 9999 keep their digits; a file that cannot be written is an error.
  CHECK(write_migration(f.dir(), 12345, "big", operations, snapshot).filename() ==
        "12345_big.json");
  fs::create_directories(f.dir() / "0006_blocked.json");
  CHECK_THROWS_WITH(write_migration(f.dir(), 6, "blocked", operations, snapshot),
                    Catch::Contains("migrate.write"));
}

TEST_CASE("comments and whitespace do not change a checksum", "[migration_file]") {
  folder f;
  f.file("0001_a.json", R"(// reviewed
    {"nextorm_migration": 1, /* the ops */ "operations": [{"table": "item", "op": "create_table"}],
     "snapshot": )" + snapshot.dump() +
                            "}");
  CHECK(load_migrations(f.dir()).front().checksum == checksum_of(operations, snapshot));
}

TEST_CASE("a file that is no migration is refused, naming it", "[migration_file]") {
  const std::string good_snapshot = snapshot.dump();
  const auto refused = [&](const std::string& name, const std::string& text,
                           const std::string& words) {
    folder f;
    f.file(name, text);
    const std::string message = refusal(f);
    CHECK_THAT(message,
               Catch::Contains("migrate.file") && Catch::Contains(name) && Catch::Contains(words));
  };
  const std::string body =
      R"({"nextorm_migration":1,"operations":[],"snapshot":)" + good_snapshot + "}";
  refused("initial.json", body, "its name is not NNNN_name.json");
  refused("0001.json", body, "its name is not NNNN_name.json");
  refused("12345678901_x.json", body, "its name is not NNNN_name.json");
  refused("0x01_y.json", body, "its name is not NNNN_name.json");
  refused("0001_a-b.json", body, "its name is not NNNN_name.json");
  refused("0000_zero.json", body, "versions start at 1");
  refused("_abc.json", body, "its name is not NNNN_name.json");
  refused("0001_a.json", "{}", "\"nextorm_migration\": 1 is missing");
  refused("0001_a.json", R"({"nextorm_migration":1,"operations":["drop"],"snapshot":{}})",
          "every operation must be an object with an \"op\"");
  refused("0001_a.json", R"({"nextorm_migration":1,"operations":[{"op":5}],"snapshot":{}})",
          "every operation must be an object with an \"op\"");
  refused(
      "0001_a.json",
      R"({"nextorm_migration":1,"operations":[{"op":"drop_index","columns":"x"}],"snapshot":{}})",
      "\"columns\" must be a list of column names");
  refused("0001_a.json",
          R"({"nextorm_migration":1,"operations":[{"op":"sql","reverse":"x"}],"snapshot":{}})",
          "\"reverse\" must be an object of SQL per provider");
  refused(
      "0001_a.json",
      R"({"nextorm_migration":1,"operations":[{"op":"sql","reverse":{"sqlite":1}}],"snapshot":{}})",
      "\"reverse\" must be an object of SQL per provider");
  // A C++ step: a name (printed into scripts as a comment), a reverse one, nothing else.
  for (const char* op :
       {R"({"op":"call"})", R"({"op":"call","name":""})", R"({"op":"call","name":5})",
        R"({"op":"call","name":"x\nDROP TABLE t"})", R"({"op":"call","name":"fi\u0000ll"})",
        R"({"op":"call","name":"x\u007f"})"}) {
    refused("0001_a.json",
            std::string{R"({"nextorm_migration":1,"operations":[)"} + op + R"(],"snapshot":{}})",
            "a C++ step needs a \"name\" that is a name (not empty, no control character)");
  }
  refused(
      "0001_a.json",
      R"({"nextorm_migration":1,"operations":[{"op":"call","name":"a","reverse":""}],"snapshot":{}})",
      "a C++ step needs a \"reverse\" that is a name");
  refused(
      "0001_a.json",
      R"({"nextorm_migration":1,"operations":[{"op":"call","name":"a","postgres":"DROP TABLE t"}],"snapshot":{}})",
      "a C++ step has \"name\" and \"reverse\", not \"postgres\"");
  refused(
      "0001_a.json",
      R"({"nextorm_migration":1,"operations":[{"op":"update_discriminator","from":[1]}],"snapshot":{}})",
      "\"from\" must be a list of values");
  refused("0001_a.json", "{", "it is not JSON");
  refused("0001_a.json", "[]", "\"nextorm_migration\": 1 is missing");
  refused("0001_a.json", R"({"nextorm_migration":"1"})", "\"nextorm_migration\": 1 is missing");
  refused("0001_a.json", R"({"nextorm_migration":1,"operations":{}})",
          "\"operations\" must be an array");
  refused("0001_a.json", R"({"nextorm_migration":1,"operations":[],"snapshot":[]})",
          "\"snapshot\" must be an object");
  refused("0001_a.json", R"({"nextorm_migration":1,"operations":[{"table":"t"}],"snapshot":{}})",
          "every operation must be an object with an \"op\"");
  refused(
      "0001_a.json",
      R"({"nextorm_migration":1,"operations":[{"op":"drop_index","columns":[1]}],"snapshot":{}})",
      "\"columns\" must be a list of column names");
  refused("0001_a.json",
          R"({"nextorm_migration":1,"operations":[{"op":"drop_table","table":7}],"snapshot":{}})",
          "\"table\" must be a string");
  refused(
      "0001_a.json",
      R"({"nextorm_migration":1,"operations":[],"snapshot":{"entities":[{"name":"X","attrs":[{"name":"a","kind":"Single","type":"Nope"}]}]}})",
      "its snapshot is not a schema that loads");
  // Two files of one version.
  folder f;
  f.file("0002_a.json", body);
  f.file("0002_b.json", body);
  CHECK_THAT(refusal(f), Catch::Contains("version 2 is also") && Catch::Contains("renumber"));
}
