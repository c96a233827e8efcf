// nextorm inspect, per provider: a database's tables read back as the JSON schema that made
// them (with a names file for what no catalog stores), the same schema twice over a database
// made from what it printed, what cannot be an entity reported rather than guessed, names files
// that do not fit refused with the nearest name, and the command's own options.
#include <nextorm/errors.hpp>
#include <nextorm/inspect.hpp>
#include <nextorm/query.hpp>
#include <nextorm/session.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "registry_shape.hpp"
#include "test_databases.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// A shop with one of each thing inspect reads back: value types and their options, a unique and
// an indexed column, composite keys and indexes, an entity keyed by a string, one keyed by two
// columns and a reference to it, one-to-one, optional references, a many-to-many with a declared
// join table, a self-referencing one with two sides and a symmetric one.
const char* const shop_schema = R"({"entities": [
  {"name": "Customer", "attrs": [
    {"name": "email", "kind": "Req", "type": "str", "max_len": 120, "unique": true},
    {"name": "name", "kind": "Req", "type": "str", "index": true},
    {"name": "vip", "kind": "Req", "type": "bool"},
    {"name": "born", "kind": "Opt", "type": "date"},
    {"name": "note", "kind": "Opt", "type": "str", "nullable": true},
    {"name": "photo", "kind": "Opt", "type": "bytes"},
    {"name": "orders", "kind": "Set", "type": "Order"},
    {"name": "card", "kind": "Single", "type": "Card", "optional": true},
    {"name": "follows", "kind": "Set", "type": "Customer", "reverse": "followers"},
    {"name": "followers", "kind": "Set", "type": "Customer", "reverse": "follows"},
    {"name": "friends", "kind": "Set", "type": "Customer", "reverse": "friends"}]},
  {"name": "Card", "attrs": [
    {"name": "number", "kind": "PK", "type": "str"},
    {"name": "holder", "kind": "Single", "type": "Customer"}]},
  {"name": "Order", "composite_keys": [["customer", "placed"]], "attrs": [
    {"name": "placed", "kind": "Req", "type": "datetime"},
    {"name": "total", "kind": "Req", "type": "decimal", "precision": 10, "scale": 2},
    {"name": "customer", "kind": "Single", "type": "Customer"},
    {"name": "code", "kind": "Opt", "type": "uuid"},
    {"name": "wait", "kind": "Opt", "type": "timedelta"},
    {"name": "extra", "kind": "Opt", "type": "json", "nullable": true},
    {"name": "lines", "kind": "Set", "type": "Line"},
    {"name": "coupons", "kind": "Set", "type": "Coupon", "table": "order_coupons"}]},
  {"name": "Line", "primary_key": ["order", "position"], "attrs": [
    {"name": "order", "kind": "Single", "type": "Order"},
    {"name": "position", "kind": "Req", "type": "int", "size": 16, "unsigned": true},
    {"name": "quantity", "kind": "Req", "type": "int"},
    {"name": "weight", "kind": "Opt", "type": "float"},
    {"name": "opens", "kind": "Opt", "type": "time"},
    {"name": "returns", "kind": "Set", "type": "Return"}]},
  {"name": "Return", "composite_indexes": [["reason", "line"]], "attrs": [
    {"name": "line", "kind": "Single", "type": "Line", "optional": true},
    {"name": "reason", "kind": "Req", "type": "str", "max_len": 40}]},
  {"name": "Coupon", "attrs": [
    {"name": "code", "kind": "PK", "type": "str", "max_len": 20},
    {"name": "orders", "kind": "Set", "type": "Order", "table": "order_coupons"}]}
]})";

// What the shop's tables cannot say: the reverse sides' names (Order.lines and Customer.orders
// follow the rule), that Card.holder is a one-to-one (a required key without ON DELETE is also
// a Set declared cascade_delete=False), the second side of a self-referencing
// many-to-many, that MariaDB's TIME is a timedelta, and a 16-bit unsigned int (PostgreSQL, which
// has no unsigned types, stores it as an INTEGER).
const char* const shop_names = R"({"entities": [
  {"name": "Card", "attrs": [{"name": "holder", "reverse": "card"}]},
  {"name": "Return", "attrs": [{"name": "line", "reverse": "returns"}]},
  {"name": "Customer", "attrs": [
    {"name": "card", "kind": "Single", "type": "Card", "optional": true},
    {"name": "follows", "table": "customer_customer", "column": "customer_2",
                                 "reverse": "followers"}]},
  {"name": "Line", "attrs": [{"name": "position", "size": 16, "unsigned": true}]},
  {"name": "Order", "attrs": [
    {"name": "wait", "type": "timedelta"},
    {"name": "coupons", "table": "order_coupons"}]}
]})";

std::vector<std::string> shape(const std::string& schema, const std::string& provider) {
  nextorm::registry r;
  r.load_json_text(schema);
  r.finalize(nextorm::pony_naming{provider});
  return nextorm::testing::shape_of(r);
}

// Lines in one shape and not the other, each marked with its side.
std::vector<std::string> difference(const std::vector<std::string>& ours,
                                    const std::vector<std::string>& theirs) {
  std::vector<std::string> out;
  for (const auto& line : ours) {
    if (std::find(theirs.begin(), theirs.end(), line) == theirs.end()) out.push_back("+ " + line);
  }
  for (const auto& line : theirs) {
    if (std::find(ours.begin(), ours.end(), line) == ours.end()) out.push_back("- " + line);
  }
  return out;
}

std::string notes_of(const nextorm::inspected_schema& found) {
  std::string out;
  for (const auto& n : found.notes) out += n + "\n";
  return out;
}

void make_tables(const std::string& url, const std::string& schema) {
  nextorm::database db;
  db.schema().load_json_text(schema);
  db.bind(url);
  db.generate_mapping({.create_tables = true});
}

std::string read_text(const fs::path& path) {
  std::ifstream in{path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("a database's tables read back as the schema that made them, with a names file") {
  const std::string provider = nextorm::testing::current_provider();
  const std::string url = nextorm::testing::fresh_database_url("inspect_shop");
  make_tables(url, shop_schema);
  nextorm::database db{url};
  const auto found = nextorm::inspect(db, {.names_json = shop_names});
  INFO(found.schema_json << "\nnotes:\n" << notes_of(found));
  CHECK(difference(shape(found.schema_json, provider), shape(shop_schema, provider)) ==
        std::vector<std::string>{});
  // What the names file did not give is in the notes: the reverse sides named by rule.
  CHECK_THAT(notes_of(found), Catch::Contains("Customer.orders (of Order.customer)"));
  CHECK_THAT(notes_of(found), Catch::Contains("Order.lines (of Line.order)"));

  // Without the names file the schema still loads and maps onto the tables, and queries run.
  const auto plain = nextorm::inspect(db);
  nextorm::database again;
  again.schema().load_json_text(plain.schema_json);
  again.bind(url);
  again.generate_mapping();
  nextorm::db_session session{again};
  CHECK(nextorm::select<nextorm::row>("c for c in Customer").count() == 0);
  nextorm::testing::discard_database(url);
}

TEST_CASE("a database made from what inspect printed is inspected the same way") {
  // PonyORM's naming corner cases (tests/schema/naming_schema.json): long names cut to the
  // provider's limit, declared tables and columns, symmetric and self-referencing sets, composite
  // keys over references, sql_type and sql_default.
  const char* root = std::getenv("NEXTORM_SOURCE_ROOT");
  REQUIRE(root != nullptr);
  const std::string provider = nextorm::testing::current_provider();
  const std::string first = nextorm::testing::fresh_database_url("inspect_naming_1");
  const std::string second = nextorm::testing::fresh_database_url("inspect_naming_2");
  make_tables(first, read_text(fs::path{root} / "tests/schema/naming_schema.json"));
  nextorm::database one{first};
  const auto found = nextorm::inspect(one);
  INFO(found.schema_json << "\nnotes:\n" << notes_of(found));
  make_tables(second, found.schema_json);
  nextorm::database two{second};
  const auto again = nextorm::inspect(two);
  CHECK(json::parse(again.schema_json) == json::parse(found.schema_json));
  // And it maps onto the first database's tables.
  nextorm::database check;
  check.schema().load_json_text(found.schema_json);
  check.bind(first);
  check.generate_mapping();
  nextorm::testing::discard_database(first);
  nextorm::testing::discard_database(second);
}

TEST_CASE("an entity keyed by two references that a table refers to is no join table") {
  // PonyORM's Enrollment, PrimaryKey(student, course) and nothing else, has a join table's
  // shape; the Grades that refer to it make it an entity, read back as declared.
  const char* const school = R"({"entities": [
    {"name": "Student", "attrs": [
      {"name": "id", "kind": "PK", "type": "int"},
      {"name": "enrollments", "kind": "Set", "type": "Enrollment"}]},
    {"name": "Course", "primary_key": ["name", "semester"], "attrs": [
      {"name": "name", "kind": "Req", "type": "str"},
      {"name": "semester", "kind": "Req", "type": "int"},
      {"name": "enrollments", "kind": "Set", "type": "Enrollment"}]},
    {"name": "Enrollment", "primary_key": ["student", "course"], "attrs": [
      {"name": "student", "kind": "Single", "type": "Student"},
      {"name": "course", "kind": "Single", "type": "Course"},
      {"name": "grades", "kind": "Set", "type": "Grade"}]},
    {"name": "Grade", "primary_key": ["enrollment", "kind"], "attrs": [
      {"name": "enrollment", "kind": "Single", "type": "Enrollment"},
      {"name": "kind", "kind": "Req", "type": "str"},
      {"name": "mark", "kind": "Req", "type": "int"}]}
  ]})";
  const std::string provider = nextorm::testing::current_provider();
  const std::string url = nextorm::testing::fresh_database_url("inspect_enrollment");
  make_tables(url, school);
  nextorm::database db{url};
  const auto found = nextorm::inspect(db);
  const std::string notes = notes_of(found);
  INFO(found.schema_json << "\nnotes:\n" << notes);
  CHECK(difference(shape(found.schema_json, provider), shape(school, provider)) ==
        std::vector<std::string>{});
  CHECK_THAT(notes, !Catch::Contains("does not refer"));
  CHECK_THAT(notes, Catch::Contains("Enrollment.grades (of Grade.enrollment)"));
  // Then a grade is found by its key's four columns, as PonyORM's Grade[1, 'Math', 1, 'exam'].
  nextorm::database read;
  read.schema().load_json_text(found.schema_json);
  read.bind(url);
  read.generate_mapping();
  nextorm::db_session session{read};
  CHECK(nextorm::select<nextorm::row>("g for g in Grade if g == Grade[1, 'Math', 1, 'exam']")
            .count() == 0);
  session.rollback();
  nextorm::testing::discard_database(url);
}

TEST_CASE("a foreign key to no entity's key is noted once, its columns read as values") {
  const std::string url = nextorm::testing::fresh_database_url("inspect_plain_key");
  {
    auto raw = nextorm::testing::raw_connection(url);
    raw->execute_script(
        "CREATE TABLE pair (a INTEGER NOT NULL, b INTEGER NOT NULL, c INTEGER NOT NULL, "
        "PRIMARY KEY (a, b, c), UNIQUE (a, b))");
    raw->execute_script(
        "CREATE TABLE note (id INTEGER PRIMARY KEY, pa INTEGER, pb INTEGER, "
        "FOREIGN KEY (pa, pb) REFERENCES pair (a, b))");
  }
  nextorm::database db{url};
  const auto found = nextorm::inspect(db);
  const std::string notes = notes_of(found);
  INFO(found.schema_json << "\nnotes:\n" << notes);
  const auto first = notes.find("does not refer to an entity's primary key");
  CHECK(first != std::string::npos);
  CHECK(notes.find("does not refer", first + 1) == std::string::npos);
  nextorm::testing::discard_database(url);
}

TEST_CASE("what cannot be an entity or an attribute is reported, not guessed") {
  const std::string provider = nextorm::testing::current_provider();
  const std::string url = nextorm::testing::fresh_database_url("inspect_odd");
  {
    auto raw = nextorm::testing::raw_connection(url);
    const std::string odd_type = provider == "postgres"  ? "point"
                                 : provider == "mariadb" ? "year"
                                                         : "GEOMETRY";
    raw->execute_script("CREATE TABLE loose (a INTEGER, b INTEGER)");
    raw->execute_script(
        "CREATE TABLE shape (id INTEGER PRIMARY KEY, code VARCHAR(10) NOT NULL "
        "UNIQUE, place " +
        odd_type + ")");
    raw->execute_script(
        "CREATE TABLE mark (id INTEGER PRIMARY KEY, shape_code VARCHAR(10), "
        "FOREIGN KEY (shape_code) REFERENCES shape (code))");
  }
  nextorm::database db{url};
  const auto found = nextorm::inspect(db);
  INFO(found.schema_json);
  const std::string notes = notes_of(found);
  CHECK_THAT(notes, Catch::Contains("table loose has no primary key: left out"));
  CHECK_THAT(notes, Catch::Contains("has no NextORM type; read as str with its sql_type"));
  CHECK_THAT(notes, Catch::Contains("does not refer to an entity's primary key"));
  const json schema = json::parse(found.schema_json);
  std::vector<std::string> entities;
  for (const json& e : schema["entities"]) entities.push_back(e["name"]);
  CHECK(entities == std::vector<std::string>{provider == "sqlite" ? "mark" : "Mark",
                                             provider == "sqlite" ? "shape" : "Shape"});
  // The key to a non-key column is a plain value. (SQLite's INTEGER PRIMARY KEY, which SQLite
  // fills in, is PonyORM's implicit id; on the servers it is a PK the program sets.)
  const json& mark = schema["entities"][0]["attrs"];
  CHECK(mark.size() == (provider == "sqlite" ? 1U : 2U));
  CHECK(mark.back() == json{{"name", "shape_code"},
                            {"kind", "Opt"},
                            {"type", "str"},
                            {"max_len", 10},
                            {"nullable", true}});
  nextorm::testing::discard_database(url);
}

TEST_CASE("a names file that does not fit the database is refused, naming the nearest") {
  const std::string url = nextorm::testing::fresh_database_url("inspect_names");
  make_tables(url, shop_schema);
  nextorm::database db{url};
  auto refused = [&](const std::string& names, const std::string& id, const std::string& says) {
    INFO(names);
    try {
      (void)nextorm::inspect(db, {.names_json = names});
      FAIL("accepted");
    } catch (const nextorm::schema_error& e) {
      CHECK(e.id() == id);
      CHECK_THAT(e.what(), Catch::Contains(says));
    }
  };
  refused("{", "inspect.names", "not JSON");
  refused("[]", "inspect.names", "one field, \"entities\"");
  refused(R"({"entities": [{"attrs": []}]})", "inspect.names", "with a \"name\"");
  refused(R"({"entities": [{"name": "Costumer"}]})", "inspect.unknown_entity",
          "did you mean 'Customer'?");
  refused(R"({"entities": [{"name": "Customer", "attrs": [{"name": "emial", "kind": "Req"}]}]})",
          "inspect.unknown_attribute", "did you mean 'email'?");
  refused(R"({"entities": [{"name": "Gold", "base": "Nobody"}]})", "inspect.unknown_entity",
          "Nobody");
  // A names file may give an attribute that has no column: a computed one.
  const auto found = nextorm::inspect(
      db, {.names_json = R"j({"entities": [{"name": "Customer", "attrs": [{"name": "shout",
           "kind": "Computed", "type": "str", "text": "self.name.upper()"}]}]})j"});
  CHECK_THAT(found.schema_json, Catch::Contains("self.name.upper()"));
  nextorm::testing::discard_database(url);
}

TEST_CASE("nextorm inspect prints the schema, writes it with --out, and creates no database") {
  if (nextorm::testing::current_provider() != "sqlite") return;  // the command's own options
  const std::string url = nextorm::testing::fresh_database_url("inspect_cli");
  make_tables(url, shop_schema);
  auto run = [](std::vector<std::string> words, std::string& out, std::string& err) {
    const std::vector<std::string_view> args(words.begin(), words.end());
    std::ostringstream o, e;
    const int code = nextorm::cli::run_cli(std::span<const std::string_view>{args}, o, e);
    out = o.str();
    err = e.str();
    return code;
  };
  std::string out, err;
  REQUIRE(run({"inspect", "--db", url}, out, err) == 0);
  CHECK(json::parse(out)["entities"].size() == 6);
  CHECK_THAT(err, Catch::Contains("note: reverse sides named by rule"));
  const fs::path file = fs::temp_directory_path() / "nextorm_inspect_cli.json";
  REQUIRE(run({"inspect", "--db=" + url, "--out", file.string()}, out, err) == 0);
  CHECK(out.empty());
  CHECK(json::parse(read_text(file))["entities"].size() == 6);
  fs::remove(file);

  const fs::path missing = fs::temp_directory_path() / "nextorm_inspect_missing.db";
  fs::remove(missing);
  CHECK(run({"inspect", "--db", "sqlite:" + missing.string()}, out, err) == 1);
  CHECK_THAT(err, Catch::Contains("nextorm inspect does not create databases"));
  CHECK_FALSE(fs::exists(missing));
  CHECK(run({"inspect"}, out, err) == 2);
  CHECK_THAT(err, Catch::Contains("missing --db"));
  CHECK(run({"inspect", "--db", url, "--name", "x"}, out, err) == 2);
  CHECK_THAT(err, Catch::Contains("did you mean '--names'?"));
  CHECK(run({"inspect", "--db", url, "--names", "/nonexistent/names.json"}, out, err) == 2);
  CHECK(run({"inspect", "--db", url, "--names", fs::temp_directory_path().string()}, out, err) ==
        2);
  CHECK_THAT(err, Catch::Contains("not a file"));
  const fs::path empty = fs::temp_directory_path() / "nextorm_inspect_empty.json";
  std::ofstream{empty} << "  \n";
  CHECK(run({"inspect", "--db", url, "--names", empty.string()}, out, err) == 2);
  CHECK_THAT(err, Catch::Contains("is empty"));
  fs::remove(empty);
  // A schema that cannot be written is a failure of the command, not its success.
  CHECK(run({"inspect", "--db", url, "--out", "/nonexistent/dir/schema.json"}, out, err) == 1);
  CHECK_THAT(err, Catch::Contains("cannot write"));
  CHECK(run({"inspect", "--help"}, out, err) == 0);
  CHECK_THAT(out, Catch::Contains("Usage: nextorm inspect"));
  CHECK(run({"inspect", "-h"}, out, err) == 0);
  CHECK(run({"inspect", "extra", "--db", url}, out, err) == 2);
  CHECK_THAT(err, Catch::Contains("unexpected argument 'extra'"));
  CHECK(run({"inspect", "--db"}, out, err) == 2);
  CHECK_THAT(err, Catch::Contains("--db needs a value"));
  const fs::path names = fs::temp_directory_path() / "nextorm_inspect_names.json";
  std::ofstream{names} << R"({"entities": [{"name": "Customer", "attrs": [
    {"name": "name", "kind": "Opt"}]}]})";
  REQUIRE(run({"inspect", "--db", url, "--names=" + names.string()}, out, err) == 0);
  CHECK_THAT(out, Catch::Contains(R"("kind": "Opt")"));
  fs::remove(names);
  {
    // Standard output that cannot be written (closed, full): exit 1, not a silent success.
    std::ostringstream closed, e;
    closed.setstate(std::ios::badbit);
    const std::vector<std::string_view> args{"inspect", "--db", url};
    CHECK(nextorm::cli::run_cli(args, closed, e) == 1);
    CHECK_THAT(e.str(), Catch::Contains("cannot write the schema to standard output"));
  }
  nextorm::testing::discard_database(url);
}

TEST_CASE(
    "tables written by hand read as references, and a names file renames without losing "
    "their columns") {
  const std::string provider = nextorm::testing::current_provider();
  const std::string url = nextorm::testing::fresh_database_url("inspect_hand");
  {
    auto raw = nextorm::testing::raw_connection(url);
    raw->execute_script(
        "CREATE TABLE member (id INTEGER PRIMARY KEY, handle VARCHAR(20) NOT NULL)");
    // A key without ON DELETE, as most hand-written schemas have: the many side of a Set.
    raw->execute_script(
        "CREATE TABLE gadget (id INTEGER PRIMARY KEY, serial VARCHAR(20) NOT "
        "NULL, owner_id INTEGER NOT NULL, FOREIGN KEY (owner_id) REFERENCES "
        "member (id))");
    // A self-referencing join table with two directions (who blocks whom).
    raw->execute_script(
        "CREATE TABLE user_blocks (blocker INTEGER NOT NULL, blocked INTEGER NOT "
        "NULL, PRIMARY KEY (blocker, blocked), FOREIGN KEY (blocker) REFERENCES "
        "member (id), FOREIGN KEY (blocked) REFERENCES member (id))");
    raw->execute_script("INSERT INTO member VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    raw->execute_script("INSERT INTO gadget VALUES (1, 'S1', 1), (2, 'S2', 1)");
    raw->execute_script("INSERT INTO user_blocks VALUES (1, 3), (2, 3)");
  }
  nextorm::database db{url};
  const auto plain = nextorm::inspect(db);
  INFO(plain.schema_json << "\nnotes:\n" << notes_of(plain));
  CHECK_THAT(notes_of(plain), Catch::Contains("read as PonyORM's symmetric Set"));
  CHECK_THAT(notes_of(plain), Catch::Contains("required references without ON DELETE"));
  {
    // owner_id is the reference owner; member's reverse side is a Set (two gadgets, one owner).
    nextorm::database read;
    read.schema().load_json_text(plain.schema_json);
    read.bind(url);
    read.generate_mapping();
    nextorm::db_session session{read};
    const auto counts =
        nextorm::select<std::tuple<std::string, std::int64_t>>(
            "(m.handle, count(m.gadgets)) for m in " +
            std::string{provider == "sqlite" ? "member" : "Member"} + " if m.handle == 'a'")
            .fetch();
    REQUIRE(counts.size() == 1);
    CHECK(std::get<1>(counts[0]) == 2);
  }
  const auto named = nextorm::inspect(db, {.names_json = R"({"entities": [
    {"name": "Person", "table": "member", "attrs": [
      {"name": "blocked", "table": "user_blocks", "column": "blocked", "reverse": "blocked_by"}]},
    {"name": "Gadget", "attrs": [{"name": "sn", "column": "serial"}]}]})"});
  INFO(named.schema_json);
  nextorm::database read;
  read.schema().load_json_text(named.schema_json);
  read.bind(url);
  read.generate_mapping();
  nextorm::db_session session{read};
  const auto blocks = nextorm::select<std::tuple<std::string, std::string>>(
                          "(p.handle, b.handle) for p in Person for b in p.blocked")
                          .order_by("1, 2")
                          .fetch();
  REQUIRE(blocks.size() == 2);
  CHECK(std::get<0>(blocks[0]) == "a");
  CHECK(std::get<1>(blocks[0]) == "c");
  CHECK(nextorm::select<nextorm::row>("p for p in Person if count(p.blocked_by) == 2").count() ==
        1);
  const auto serials =
      nextorm::select<std::string>("g.sn for g in Gadget if g.owner.handle == 'a'").fetch();
  CHECK(serials.size() == 2);
  nextorm::testing::discard_database(url);
}

TEST_CASE("a names file of the wrong shape is refused with inspect.names, however deep") {
  const std::string url = nextorm::testing::fresh_database_url("inspect_bad_names");
  make_tables(url, shop_schema);
  nextorm::database db{url};
  auto refused = [&](const std::string& names, const std::string& says) {
    try {
      (void)nextorm::inspect(db, {.names_json = names});
      FAIL("accepted");
    } catch (const nextorm::schema_error& e) {
      CHECK(e.id() == "inspect.names");
      CHECK_THAT(e.what(), Catch::Contains(says));
      CHECK(std::string{e.what()}.size() < 300);  // the input is not echoed
    }
  };
  const std::string deep(100000, '[');
  refused(R"({"entities": [)" + deep + std::string(100000, ']') + "]}", "nested deeper than 32");
  refused(R"({"entities": [{"name": "Customer", "table": 5}]})",
          R"(a "table" that is not a string)");
  refused(R"({"entities": [{"name": "Customer", "attrs": [{"name": "email", "reverse": []}]}]})",
          R"(a "reverse" that is not a string)");
  for (const char* base : {"5", "[]", R"(["Customer", 1])"}) {
    refused(R"({"entities": [{"name": "Customer", "base": )" + std::string{base} + "}]}",
            R"(a "base" that is neither a string nor a non-empty list of strings)");
  }
  refused(R"({"entities": [{"name": "Customer", "attrs": {"name": "x"}}]})",
          R"("attrs" that are not a list)");
  refused(R"({"entities": [{"name": "Order"}, {"name": "Customer", "attrs": [
           {"name": "vip", "column": "name"}]}]})",
          "the name of another attribute");
  nextorm::testing::discard_database(url);
}

TEST_CASE("every column type the catalog names reads as its JSON type, with its options") {
  const std::string provider = nextorm::testing::current_provider();
  const std::string url = nextorm::testing::fresh_database_url("inspect_types");
  // column, its type in CREATE TABLE, and the JSON attribute expected without name and kind.
  struct column {
    std::string name, sql;
    json expected;
  };
  std::vector<column> columns;
  if (provider == "sqlite") {
    columns = {
        {"a", "TINYINT", {{"type", "int"}, {"size", 8}}},
        {"b", "SMALLINT", {{"type", "int"}, {"size", 16}}},
        {"c", "MEDIUMINT", {{"type", "int"}, {"size", 24}}},
        {"d", "BIGINT", {{"type", "int"}, {"size", 64}}},
        {"e", "INTEGER UNSIGNED", {{"type", "int"}, {"unsigned", true}}},
        {"f", "VARCHAR(5)", {{"type", "str"}, {"max_len", 5}, {"nullable", true}}},
        {"g", "DOUBLE", {{"type", "float"}}},
        {"h", "DECIMAL(5, 1)", {{"type", "decimal"}, {"precision", 5}, {"scale", 1}}},
        {"i", "NUMERIC", {{"type", "decimal"}}},
        {"j", "BOOLEAN", {{"type", "bool"}}},
        {"k", "BLOB", {{"type", "bytes"}}},
        {"l", "INTERVAL", {{"type", "timedelta"}}},
        {"m", "DATETIME", {{"type", "datetime"}}},
        {"n", "UUID", {{"type", "uuid"}}},
        {"o", "JSON", {{"type", "json"}, {"nullable", true}}},
        {"p", "GEOMETRY", {{"type", "str"}, {"sql_type", "GEOMETRY"}, {"nullable", true}}},
        {"q", "", {{"type", "str"}, {"sql_type", "TEXT"}, {"nullable", true}}},
        {"r", "TEXT DEFAULT 'x'", {{"type", "str"}, {"nullable", true}, {"sql_default", "'x'"}}},
    };
  } else if (provider == "postgres") {
    columns = {
        {"a", "smallint", {{"type", "int"}, {"size", 16}}},
        {"b", "bigint", {{"type", "int"}}},
        {"c", "varchar(5)", {{"type", "str"}, {"max_len", 5}, {"nullable", true}}},
        {"d", "numeric(5, 1)", {{"type", "decimal"}, {"precision", 5}, {"scale", 1}}},
        {"e", "real", {{"type", "float"}}},
        {"f", "boolean", {{"type", "bool"}}},
        {"g", "date", {{"type", "date"}}},
        {"h", "timestamp", {{"type", "datetime"}}},
        {"i", "time", {{"type", "time"}}},
        {"j", "interval", {{"type", "timedelta"}}},
        {"k", "bytea", {{"type", "bytes"}}},
        {"l", "uuid", {{"type", "uuid"}}},
        {"m", "json", {{"type", "json"}, {"nullable", true}}},
        {"n", "point", {{"type", "str"}, {"sql_type", "point"}, {"nullable", true}}},
        {"o", "text[]", {{"type", "str"}, {"sql_type", "text[]"}, {"nullable", true}}},
        {"p", "integer DEFAULT 7", {{"type", "int"}, {"sql_default", "7"}}},
    };
  } else {
    columns = {
        {"a", "tinyint", {{"type", "int"}, {"size", 8}}},
        {"b", "smallint", {{"type", "int"}, {"size", 16}}},
        {"c", "mediumint", {{"type", "int"}, {"size", 24}}},
        {"d", "int unsigned", {{"type", "int"}, {"size", 32}, {"unsigned", true}}},
        {"e", "bigint unsigned", {{"type", "int"}}},
        {"f", "varchar(5)", {{"type", "str"}, {"max_len", 5}, {"nullable", true}}},
        {"g", "varchar(255)", {{"type", "str"}, {"nullable", true}}},
        {"h", "longtext", {{"type", "LongStr"}, {"nullable", true}}},
        {"i", "mediumtext", {{"type", "str"}, {"nullable", true}}},
        {"j", "decimal(5,1)", {{"type", "decimal"}, {"precision", 5}, {"scale", 1}}},
        {"k", "float", {{"type", "float"}}},
        {"l", "datetime", {{"type", "datetime"}}},
        {"m", "time", {{"type", "time"}}},
        {"n", "binary(16)", {{"type", "uuid"}}},
        {"o", "varbinary(10)", {{"type", "bytes"}}},
        {"p", "enum('red','it''s')", {{"type", "enum"}, {"values", {"red", "it's"}}}},
        {"q", "json", {{"type", "json"}, {"nullable", true}}},
        {"r", "year", {{"type", "str"}, {"sql_type", "year(4)"}, {"nullable", true}}},
        {"s", "int DEFAULT 7", {{"type", "int"}, {"sql_default", "7"}}},
    };
  }
  std::string create = "CREATE TABLE typed (id INTEGER PRIMARY KEY";
  for (const column& c : columns) create += ", " + c.name + " " + c.sql;
  {
    auto raw = nextorm::testing::raw_connection(url);
    raw->execute_script(create + ")");
  }
  nextorm::database db{url};
  const auto found = nextorm::inspect(db);
  INFO(found.schema_json << "\nnotes:\n" << notes_of(found));
  const json attrs = json::parse(found.schema_json)["entities"][0]["attrs"];
  for (const column& c : columns) {
    json want = c.expected;
    want["name"] = c.name;
    want["kind"] = "Opt";
    json got;
    for (const json& a : attrs) {
      if (a["name"] == c.name) got = a;
    }
    INFO(c.sql);
    CHECK(got == want);
  }
  nextorm::testing::discard_database(url);
}

TEST_CASE(
    "what only one provider's catalog holds: views, partitions, identities, expression "
    "indexes, checks, keys without columns") {
  const std::string provider = nextorm::testing::current_provider();
  const std::string url = nextorm::testing::fresh_database_url("inspect_catalog");
  {
    auto raw = nextorm::testing::raw_connection(url);
    raw->execute_script("CREATE TABLE base (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL)");
    raw->execute_script("CREATE VIEW base_names AS SELECT name FROM base");
    // A key declared ON DELETE NO ACTION is a key without one.
    raw->execute_script(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, base INTEGER NOT NULL, "
        "FOREIGN KEY (base) REFERENCES base (id) ON DELETE NO ACTION)");
    if (provider == "postgres") {
      raw->execute_script(
          "CREATE TABLE counted (id INTEGER GENERATED ALWAYS AS IDENTITY "
          "PRIMARY KEY, label TEXT)");
      raw->execute_script("CREATE INDEX by_lower ON counted ((lower(label)))");
      raw->execute_script("CREATE INDEX some_labels ON counted (label) WHERE label <> ''");
      raw->execute_script(
          "CREATE TABLE measure (id INTEGER, at DATE, PRIMARY KEY (id, at)) "
          "PARTITION BY RANGE (at)");
      raw->execute_script(
          "CREATE TABLE measure_2026 PARTITION OF measure FOR VALUES FROM "
          "('2026-01-01') TO ('2027-01-01')");
      raw->execute_script("CREATE INDEX measure_at ON measure (at)");  // each partition's too
    } else if (provider == "mariadb") {
      raw->execute_script(
          "CREATE TABLE coded (id INTEGER PRIMARY KEY, code CHAR(3) NOT NULL, "
          "n INTEGER CHECK (n > 0))");
    } else {
      raw->execute_script(
          "CREATE TABLE loose_key (id INTEGER PRIMARY KEY, base INT2 "
          "REFERENCES base, classtype INTEGER)");
      raw->execute_script("CREATE INDEX by_lower ON base (lower(name))");
    }
  }
  nextorm::database db{url};
  const auto found = nextorm::inspect(db);
  INFO(found.schema_json << "\nnotes:\n" << notes_of(found));
  const json schema = json::parse(found.schema_json);
  std::map<std::string, json> entities;
  for (const json& e : schema["entities"]) entities[e["name"]] = e;
  const std::string item = provider == "sqlite" ? "item" : "Item";
  CHECK(entities.count(provider == "sqlite" ? "base_names" : "Base_names") == 0);
  json base{{"name", "base"}, {"kind", "Single"}, {"type", provider == "sqlite" ? "base" : "Base"}};
  // (The servers name the key themselves: not PonyORM's name, so it is given.)
  if (provider == "postgres") base["fk_name"] = "item_base_fkey";
  if (provider == "mariadb") base["fk_name"] = "item_ibfk_1";
  CHECK(entities.at(item)["attrs"].back() == base);
  CHECK_THAT(notes_of(found), Catch::Contains("read as the many side of a Set declared "
                                              "cascade_delete=False: " +
                                              item + ".base"));
  if (provider == "postgres") {
    // An identity id is PonyORM's implicit key.
    CHECK(entities.at("Counted")["attrs"].size() == 1);
    CHECK_THAT(notes_of(found), Catch::Contains("the index by_lower has a condition or an "
                                                "expression") &&
                                    Catch::Contains("the index some_labels has a condition"));
    CHECK(entities.at("Measure")["attrs"][1]["index"] == true);
    CHECK(entities.count("Measure_2026") == 0);
  } else if (provider == "mariadb") {
    CHECK(entities.at("Coded")["attrs"][1] ==
          json{{"name", "code"}, {"kind", "Req"}, {"type", "str"}, {"max_len", 3}});
    CHECK(entities.at("Coded")["attrs"][2] ==
          json{{"name", "n"}, {"kind", "Opt"}, {"type", "int"}});
  } else {
    // A key without columns refers to the primary key; a classtype that is no text is a value.
    CHECK(entities.at("loose_key")["attrs"][0] ==
          json{{"name", "base"}, {"kind", "Single"}, {"type", "base"}, {"optional", true}});
    CHECK(entities.at("loose_key")["attrs"][1]["type"] == "int");
    CHECK_THAT(notes_of(found), Catch::Contains("the index by_lower has a condition or an "
                                                "expression"));
  }
  nextorm::testing::discard_database(url);
}
