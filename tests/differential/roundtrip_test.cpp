// Writes that PonyORM reads back equal, in both directions, once per provider: PonyORM
// (roundtrip.py) writes the objects of roundtrip_data.json and NextORM reads them; NextORM
// writes the same objects into tables it made and PonyORM reads them. Every value of every
// type, its extremes included (64-bit limits, the ends of the date range, NUL bytes, emoji,
// quotes, empty strings against None), is compared as the canonical cell both sides print
// (canonical_cell.hpp, pony_run.py; floats exactly). Skips (77) as the differential test does.
#include <nextorm/json.hpp>
#include <nextorm/nextorm.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>
#include "canonical_cell.hpp"
#include "materialize/object_access.hpp"
#include "test_databases.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace nextorm;

struct Thing;

struct Owner : entity<Owner> {
  Req<std::string> name{"name", unique};
  Set<Thing> things{"things"};
};

struct Tag : entity<Tag> {
  Req<std::string> label{"label", unique};
  Set<Thing> things{"things"};
};

struct Thing : entity<Thing> {
  Req<std::string> title{"title"};
  Req<std::int64_t> count{"count", int_size{64}};
  Req<double> ratio{"ratio"};
  Req<decimal> price{"price", decimal_digits{12, 2}};
  Req<bool> flag{"flag"};
  Opt<date> day{"day"};
  Opt<datetime> moment{"moment"};
  Opt<time_of_day> clock{"clock"};
  Opt<std::chrono::microseconds> span{"span"};
  Opt<uuid> ident{"ident"};
  Opt<nlohmann::json> doc{"doc"};
  Opt<bytes> blob{"blob"};
  Opt<std::string> note{"note", nullable};
  Opt<std::string> plain_note{"plain_note"};
  Single<Owner> owner{"owner", optional};
  Set<Tag> tags{"tags"};
};

constexpr const char* thing_columns[] = {"id",   "title",  "count",      "ratio", "price", "flag",
                                         "day",  "moment", "clock",      "span",  "ident", "doc",
                                         "blob", "note",   "plain_note", "owner"};

std::string read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

[[noreturn]] void skip(const std::string& why) {
  std::cout << "NEXTORM-SKIP: roundtrip: " << why << std::endl;
  std::exit(77);  // meson's "skipped"
}

fs::path harness() {
  const char* root = std::getenv("NEXTORM_SOURCE_ROOT");
  REQUIRE(root != nullptr);
  return fs::path{root} / "tests" / "differential";
}

// roundtrip.py `mode` on `url` (PonyORM takes a SQLite file's path), its output into `out`.
void pony(const std::string& mode, const std::string& url, const fs::path& out = {}) {
  const char* python = "/usr/bin/python3";
  if (!fs::exists(python)) skip(std::string{python} + " is missing");
  const std::string database = url.starts_with("sqlite:") ? url.substr(7) : url;
  const fs::path log =
      fs::temp_directory_path() / ("nextorm_roundtrip_" + std::to_string(::getpid()) + ".log");
  const std::string command = std::string{python} + " '" + (harness() / "roundtrip.py").string() +
                              "' " + mode + " '" + database + "'" +
                              (out.empty() ? "" : " '" + out.string() + "'") + " > '" +
                              log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  const std::string said = read_file(log);
  fs::remove(log);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    skip("PonyORM (python3-pony) or the server's Python driver is not importable: " + said);
  }
  INFO("roundtrip.py " << mode << " failed:\n" << said);
  REQUIRE(status == 0);
}

// A value of roundtrip_data.json: plain JSON, or {"date": TEXT} and the like.
param_value typed(const json& v) {
  if (v.is_null()) return value{};
  if (v.is_boolean()) return value{v.get<bool>()};
  if (v.is_number_integer()) return value{v.get<std::int64_t>()};
  if (v.is_number_float()) return value{v.get<double>()};
  if (v.is_string()) return value{v.get<std::string>()};
  const auto first = v.begin();
  const std::string kind = first.key();
  const std::string text = first.value().get<std::string>();
  if (kind == "timedelta") return value::interval(timedelta_from_text(text).count());
  if (kind == "bytes") {
    std::string raw;
    for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
      raw += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
    }
    return value::typed(value_type::bytes, raw);
  }
  const value_type type = kind == "date"       ? value_type::date
                          : kind == "datetime" ? value_type::datetime
                          : kind == "time"     ? value_type::time
                          : kind == "decimal"  ? value_type::decimal
                          : kind == "uuid"     ? value_type::uuid
                                               : value_type::json;
  return value::typed(type, text);
}

// NextORM writes the objects of roundtrip_data.json.
void write_with_nextorm(database& db) {
  const json data = json::parse(read_file(harness() / "roundtrip_data.json"));
  db_session session{db};
  std::map<std::string, Owner*> owners;
  std::map<std::string, Tag*> tags;
  for (const auto& name : data.at("owners")) {
    owners[name] = &Owner::create({{"name", name.get<std::string>()}});
  }
  for (const auto& label : data.at("tags")) {
    tags[label] = &Tag::create({{"label", label.get<std::string>()}});
  }
  for (const auto& thing : data.at("things")) {
    params values;
    for (const auto& [name, v] : thing.items()) {
      if (name == "owner" || name == "tags") continue;
      values.emplace(name, typed(v));
    }
    if (thing.contains("owner") && !thing.at("owner").is_null()) {
      values.emplace("owner", owners.at(thing.at("owner").get<std::string>()));
    }
    Thing& t = Thing::create(values);
    if (thing.contains("tags")) {
      for (const auto& label : thing.at("tags")) t.tags.add(*tags.at(label.get<std::string>()));
    }
  }
}

// What NextORM reads, in roundtrip.py's form.
json read_with_nextorm(database& db) {
  json dump;
  db_session session{db};
  const registry& schema = db.schema();
  auto cell = [](const entity_base& object, const attr_info& attr) {
    return differential::canonical(detail::object_access::read(object, attr), 17);
  };
  dump["Owner"] = json::array();
  for (const Owner& o : select<Owner>("o for o in Owner").order_by("o.id")) {
    dump["Owner"].push_back(
        {cell(o, *schema.find("Owner")->find("id")), cell(o, *schema.find("Owner")->find("name"))});
  }
  dump["Tag"] = json::array();
  for (const Tag& t : select<Tag>("t for t in Tag").order_by("t.id")) {
    dump["Tag"].push_back(
        {cell(t, *schema.find("Tag")->find("id")), cell(t, *schema.find("Tag")->find("label"))});
  }
  dump["Thing"] = json::array();
  const entity_info& thing = *schema.find("Thing");
  for (const Thing& t : select<Thing>("t for t in Thing").order_by("t.id")) {
    json row = json::array();
    for (const char* name : thing_columns) row.push_back(cell(t, *thing.find(name)));
    std::vector<std::int64_t> keys;
    for (const Tag& tag : t.tags) keys.push_back(tag.key().as_int());
    std::sort(keys.begin(), keys.end());
    std::string tags;
    for (const std::int64_t k : keys) tags += (tags.empty() ? "" : ",") + std::to_string(k);
    row.push_back(tags);
    dump["Thing"].push_back(row);
  }
  return dump;
}

// Each entity's rows alike, cell by cell (the first difference named).
void check_same(const json& expected, const json& got, const std::string& what) {
  for (const char* entity : {"Owner", "Tag", "Thing"}) {
    INFO(what << ": " << entity);
    const json& a = expected.at(entity);
    const json& b = got.at(entity);
    REQUIRE(a.size() == b.size());
    for (std::size_t row = 0; row < a.size(); ++row) {
      REQUIRE(a[row].size() == b[row].size());
      for (std::size_t column = 0; column < a[row].size(); ++column) {
        INFO("row " << row + 1 << ", "
                    << (std::string{entity} == "Thing" && column < std::size(thing_columns)
                            ? thing_columns[column]
                            : "column " + std::to_string(column)));
        CHECK(a[row][column].get<std::string>() == b[row][column].get<std::string>());
      }
    }
  }
}

// Drops the fraction of a second from the datetime, time and timedelta cells of Things.
void whole_seconds(json& dump) {
  for (json& row : dump.at("Thing")) {
    for (json& cell : row) {
      std::string text = cell.get<std::string>();
      const bool timed =
          text.starts_with("dt:") || text.starts_with("t:") || text.starts_with("td:");
      const std::size_t dot = text.rfind('.');
      if (timed && dot != std::string::npos && dot > text.rfind(':')) cell = text.substr(0, dot);
    }
  }
}

class roundtrip_database {
 public:
  explicit roundtrip_database(const std::string& name)
      : url{testing::fresh_database_url(name)},
        out{fs::temp_directory_path() /
            ("nextorm_" + name + "_" + std::to_string(::getpid()) + ".json")} {}
  ~roundtrip_database() {
    fs::remove(out);
    testing::discard_database(url);
  }
  roundtrip_database(const roundtrip_database&) = delete;
  roundtrip_database& operator=(const roundtrip_database&) = delete;
  std::string url;
  fs::path out;
};

}  // namespace

TEST_CASE("what PonyORM writes, NextORM reads as PonyORM does", "[roundtrip]") {
  roundtrip_database t{"roundtrip_pony"};
  pony("write", t.url);
  pony("read", t.url, t.out);
  const json theirs = json::parse(read_file(t.out));
  database db;
  db.bind(t.url);
  db.generate_mapping<Owner, Tag, Thing>();
  check_same(theirs, read_with_nextorm(db), "NextORM reading PonyORM's rows");
}

TEST_CASE("what NextORM writes, PonyORM reads as it reads its own rows", "[roundtrip]") {
  // The reference: the same objects written and read by PonyORM.
  json own;
  {
    roundtrip_database t{"roundtrip_reference"};
    pony("write", t.url);
    pony("read", t.url, t.out);
    own = json::parse(read_file(t.out));
  }
  roundtrip_database t{"roundtrip_nextorm"};
  json mine;
  {
    database db;
    db.bind(t.url);
    db.generate_mapping<Owner, Tag, Thing>({.create_tables = true});
    write_with_nextorm(db);
    mine = read_with_nextorm(db);
  }
  // PonyORM reads NextORM's rows as NextORM reads them...
  pony("read", t.url, t.out);
  check_same(json::parse(read_file(t.out)), mine, "PonyORM reading NextORM's rows");
  // ...and as it reads its own. On MariaDB PonyORM's own columns keep whole seconds (DATETIME,
  // TIME), NextORM's microseconds (DATETIME(6), TIME(6)): compared without the fraction there.
  if (testing::current_provider() == "mariadb") {
    whole_seconds(own);
    whole_seconds(mine);
  }
  check_same(own, mine, "NextORM's rows against PonyORM's own");
}
