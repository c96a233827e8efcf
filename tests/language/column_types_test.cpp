// A schema that declares a column's type wrongly (text in the table, int in the schema) fails
// on read with value.type_mismatch naming the entity, the attribute, the column and both
// types, on each provider; NULL in a nullable column stays fine.
#include "session_fixture.hpp"

#include <nextorm/json.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <sstream>

using namespace session_test;

namespace {

// The C++ view of a table whose columns all hold text.
struct Mismatch : entity<Mismatch> {
  Opt<std::int64_t> v_int{"v_int"};
  Opt<double> v_float{"v_float"};
  Opt<bool> v_bool{"v_bool"};
  Opt<date> v_date{"v_date"};
  Opt<decimal> v_dec{"v_dec"};
};

constexpr const char* value_columns[] = {"v_int", "v_float", "v_bool", "v_date", "v_dec"};
constexpr const char* declared[] = {"int", "float", "bool", "date", "decimal"};

// The table made from a JSON schema of text columns, one row, read through Mismatch.
class mismatch_database {
 public:
  mismatch_database()
      : m_url{nextorm::testing::fresh_database_url("column_types_" + std::to_string(++counter()))} {
    database maker;
    std::string attrs;
    for (const char* c : value_columns) {
      attrs += std::string{attrs.empty() ? "" : ","} + R"({"name":")" + c +
               R"(","kind":"Opt","type":"str","nullable":true})";
    }
    maker.schema().load_json_text(R"({"entities":[{"name":"Mismatch","attrs":[)" + attrs + "]}]}");
    maker.bind(m_url);
    maker.generate_mapping({.create_tables = true});
    db.bind(m_url);
    db.generate_mapping<Mismatch>();
    sql("INSERT INTO " + table() + " (" + quote("v_int") + ") VALUES (NULL)");
  }
  ~mismatch_database() { nextorm::testing::discard_database(m_url); }

  std::string quote(const std::string& name) { return db.impl().dialect().quote(name); }
  std::string table() { return quote(db.schema().get("Mismatch").table); }
  void sql(const std::string& text) {
    (void)nextorm::testing::raw_connection(m_url)->execute(text, {});
  }

  database db;

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const nextorm::error& e) {
    return e.id() + ": " + e.message();
  }
  return "no error";
}

}  // namespace

TEST_CASE("text in a column the schema declares int, float, bool, date or decimal is an error",
          "[types]") {
  mismatch_database t;
  {
    // NULL everywhere: every nullable attribute reads as no value.
    db_session session{t.db};
    auto all = select<Mismatch>("m for m in Mismatch").fetch();
    REQUIRE(all.size() == 1);
    CHECK_FALSE(all[0].v_int.has_value());
    CHECK_FALSE(all[0].v_date.has_value());
  }
  for (std::size_t i = 0; i < std::size(value_columns); ++i) {
    const std::string column = value_columns[i];
    INFO(column);
    t.sql("UPDATE " + t.table() + " SET " + t.quote(column) + " = 'abc'");
    const std::string expected = "value.type_mismatch: entity Mismatch, attribute " + column +
                                 " (column \"" + column + "\") is declared " + declared[i] +
                                 " in the schema, but the database ";
    const std::string objects = message_of([&] {
      db_session session{t.db};
      (void)select<Mismatch>("m for m in Mismatch").fetch();
    });
    CHECK(objects.starts_with(expected));
    CHECK(objects.ends_with(": the schema does not match the table"));
    if (nextorm::testing::current_provider() == "sqlite") {
      CHECK(objects == expected + "holds text 'abc': the schema does not match the table");
    }
    // A value of the attribute, as a row (the CLI's path).
    const std::string values = message_of([&] {
      db_session session{t.db};
      (void)select("m." + column + " for m in Mismatch").fetch();
    });
    CHECK(values.starts_with("value.type_mismatch: result column 'm." + column + "' is declared " +
                             declared[i] + " in the schema, but the database "));
    t.sql("UPDATE " + t.table() + " SET " + t.quote(column) + " = NULL");
  }
}

TEST_CASE("numbers stored as text of their own form still read", "[types]") {
  if (nextorm::testing::current_provider() != "sqlite") return;  // SQLite's storage classes
  mismatch_database t;
  t.sql("UPDATE " + t.table() + " SET " + t.quote("v_int") + " = '42', " + t.quote("v_float") +
        " = '2.5', " + t.quote("v_date") + " = '2020-01-31', " + t.quote("v_dec") + " = '12.50'");
  db_session session{t.db};
  auto all = select<Mismatch>("m for m in Mismatch").fetch();
  REQUIRE(all.size() == 1);
  CHECK(all[0].v_int.get() == 42);
  CHECK(all[0].v_float.get() == 2.5);
  CHECK(to_text(all[0].v_date.get()) == "2020-01-31");
  CHECK(all[0].v_dec.get() == decimal{"12.5"});
}

namespace {

// A database whose tables `maker_schema` (JSON, text where the C++ types below declare others)
// made; `db` is bound to it, its entities still to be mapped.
class text_tables {
 public:
  explicit text_tables(const std::string& maker_schema)
      : m_url{nextorm::testing::fresh_database_url("text_tables_" + std::to_string(++counter()))} {
    database maker;
    maker.schema().load_json_text(maker_schema);
    maker.bind(m_url);
    maker.generate_mapping({.create_tables = true});
    db.bind(m_url);
  }
  ~text_tables() { nextorm::testing::discard_database(m_url); }

  [[nodiscard]] const std::string& url() const noexcept { return m_url; }
  std::string quote(const std::string& name) { return db.impl().dialect().quote(name); }
  // INSERT INTO the entity's table (its name quoted) `rest` ("(...) VALUES (...)").
  void insert(const std::string& entity, const std::string& rest) {
    (void)nextorm::testing::raw_connection(m_url)->execute(
        "INSERT INTO " + quote(db.schema().get(entity).table) + " " + rest, {});
  }

  database db;

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

struct Pet;
struct Owner : entity<Owner> {
  Set<Pet> pets{"pets"};
};
struct Pet : entity<Pet> {
  Req<std::string> name{"name"};
  Single<Owner> owner{"owner"};
};

struct Code : entity<Code> {
  PK<std::string> code{"code"};
  Req<std::string> note{"note"};
};

struct Notes : entity<Notes> {
  Opt<nlohmann::json> meta{"meta"};
};

const std::string mismatch_end = ": the schema does not match the table";

// Checks a type mismatch's message: its start, its end, and on SQLite (whose storage classes
// make the found value known) all of it.
void check_mismatch(const std::string& message, const std::string& subject,
                    const std::string& declared, const std::string& sqlite_found) {
  const std::string start = "value.type_mismatch: " + subject + " is declared " + declared +
                            " in the schema, but the database ";
  CHECK(message.starts_with(start));
  CHECK(message.ends_with(mismatch_end));
  if (nextorm::testing::current_provider() == "sqlite" && !sqlite_found.empty()) {
    CHECK(message == start + sqlite_found + mismatch_end);
  }
}

}  // namespace

TEST_CASE("text in an integer key or reference column is a type mismatch naming the key",
          "[types]") {
  text_tables t{R"({"entities":[
    {"name":"Owner","attrs":[{"name":"id","kind":"PK","type":"str"},
                             {"name":"pets","kind":"Set","type":"Pet"}]},
    {"name":"Pet","attrs":[{"name":"name","kind":"Req","type":"str"},
                           {"name":"owner","kind":"Single","type":"Owner"}]}]})"};
  t.db.generate_mapping<Owner, Pet>();
  t.insert("Owner", "(" + t.quote("id") + ") VALUES ('abc')");
  t.insert("Pet", "(" + t.quote("name") + ", " + t.quote("owner") + ") VALUES ('Rex', 'abc')");
  db_session session{t.db};
  const std::string owner_key = "entity Owner, attribute id (column \"id\")";
  check_mismatch(message_of([] { (void)select<Owner>("o for o in Owner").fetch(); }), owner_key,
                 "int", "holds text 'abc'");
  // The reference's column, read with the object that holds it: named as its attribute, also
  // when the object is part of a tuple.
  const std::string objects = message_of([] { (void)select<Pet>("p for p in Pet").fetch(); });
  check_mismatch(objects, "entity Pet, attribute owner (column \"owner\")", "int",
                 "holds text 'abc'");
  check_mismatch(message_of([] { (void)select("(p, p.name) for p in Pet").fetch(); }),
                 "entity Pet, attribute owner (column \"owner\")", "int", "holds text 'abc'");
  // The reference alone in a tuple is the target's key.
  check_mismatch(message_of([] { (void)select("(p.name, p.owner) for p in Pet").fetch(); }),
                 owner_key, "int", "holds text 'abc'");
}

TEST_CASE("objects with a str key are read once per session", "[types]") {
  temp_database t;
  {
    db_session session{t.db};
    (void)Customer::create({{"email", "a@example.org"}, {"vip", false}});
  }
  db_session session{t.db};
  auto first = select<Customer>("c for c in Customer").fetch();
  REQUIRE(first.size() == 1);
  first[0].vip = true;
  // The same object again: the session's version wins over the row.
  auto again = select<Customer>("c for c in Customer").fetch();
  REQUIRE(again.size() == 1);
  CHECK(&again[0] == &first[0]);
  CHECK(again[0].vip.get());
}

TEST_CASE("text that is not JSON in a json attribute is a type mismatch naming the attribute",
          "[types]") {
  text_tables t{R"({"entities":[{"name":"Notes","attrs":[
    {"name":"meta","kind":"Opt","type":"str","nullable":true}]}]})"};
  t.db.generate_mapping<Notes>();
  t.insert("Notes", "(" + t.quote("meta") + ") VALUES ('abc')");
  db_session session{t.db};
  const std::string message = message_of([] { (void)select<Notes>("n for n in Notes").fetch(); });
  check_mismatch(message, "entity Notes, attribute meta (column \"meta\")", "json", "");
  CHECK(message.find("gives 'abc' is not JSON: ") != std::string::npos);
}

TEST_CASE("an entity of a JSON schema is its key in a result, which must have the key's type",
          "[types]") {
  // The key declared after another attribute: its column is not the first.
  const std::string schema = R"({"entities":[{"name":"Label","attrs":[
    {"name":"text","kind":"Req","type":"str"},{"name":"code","kind":"PK","type":"TYPE"}]}]})";
  auto with_type = [&](const std::string& type) {
    std::string s = schema;
    return s.replace(s.find("TYPE"), 4, type);
  };
  text_tables t{with_type("str")};
  t.db.schema().load_json_text(with_type("str"));
  t.db.generate_mapping();
  t.insert("Label", "(" + t.quote("text") + ", " + t.quote("code") + ") VALUES ('x', 'abc')");
  {
    db_session session{t.db};
    auto rows = select("l for l in Label").fetch();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0][0] == value{"abc"});
    std::ostringstream out;
    select("l for l in Label").show(out);
    // show() names the object by its key, as PonyORM prints an entity.
    CHECK(out.str() == "l\n------------\nLabel['abc']\n");
  }
  database reader;
  reader.schema().load_json_text(with_type("int"));
  reader.bind(t.url());
  reader.generate_mapping();
  db_session session{reader};
  check_mismatch(message_of([] { (void)select("l for l in Label").fetch(); }),
                 "entity Label, attribute code (column \"code\")", "int", "holds text 'abc'");
}
