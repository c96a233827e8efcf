// A schema that declares a column's type wrongly (text in the table, int in the schema) fails
// on read with value.type_mismatch naming the entity, the attribute, the column and both
// types, on each provider; NULL in a nullable column stays fine.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <functional>

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

constexpr const char* columns[] = {"v_int", "v_float", "v_bool", "v_date", "v_dec"};
constexpr const char* declared[] = {"int", "float", "bool", "date", "decimal"};

// The table made from a JSON schema of text columns, one row, read through Mismatch.
class mismatch_database {
 public:
  mismatch_database()
      : m_url{nextorm::testing::fresh_database_url("column_types_" + std::to_string(++counter()))} {
    database maker;
    std::string attrs;
    for (const char* c : columns) {
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
  for (std::size_t i = 0; i < std::size(columns); ++i) {
    const std::string column = columns[i];
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
