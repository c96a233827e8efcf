// The drift check's comparisons, each on a catalog changed in one place: a SQLite database made
// from a schema is read back (it matches), then the catalog is edited as another database, or a
// hand, would have it. Every provider's way of storing a type is checked against that
// provider's dialect.
#include <catch2/catch.hpp>

#include "driver/connection.hpp"
#include "lower/dialect.hpp"
#include "migrate/catalog.hpp"
#include "migrate/ddl.hpp"
#include "migrate/drift.hpp"

#include <string>
#include <vector>

namespace {

using namespace nextorm;
using namespace nextorm::schema_change;

constexpr const char* shop = R"j({"entities":[
  {"name":"Shop","attrs":[
    {"name":"title","kind":"Req","type":"str","max_len":40},
    {"name":"bio","kind":"Opt","type":"LongStr"},
    {"name":"mood","kind":"Opt","type":"enum","values":["calm","busy"]},
    {"name":"price","kind":"Req","type":"decimal"},
    {"name":"fee","kind":"Req","type":"decimal","precision":8,"scale":3},
    {"name":"data","kind":"Opt","type":"json"},
    {"name":"raw","kind":"Opt","type":"str","sql_type":"CHAR(3)"},
    {"name":"wait","kind":"Opt","type":"timedelta"},
    {"name":"code","kind":"Req","type":"str","unique":true},
    {"name":"items","kind":"Set","type":"Item"}]},
  {"name":"Item","composite_keys":[["shop","label"]],"attrs":[
    {"name":"label","kind":"Req","type":"str","index":true},
    {"name":"size","kind":"Opt","type":"int","index":true},
    {"name":"shop","kind":"Single","type":"Shop"}]},
  {"name":"Person","attrs":[{"name":"name","kind":"Req","type":"str","max_len":255}]},
  {"name":"Student","base":"Person","attrs":[{"name":"gpa","kind":"Opt","type":"float"}]}]})j";

struct fixture {
  registry sqlite_schema;
  std::vector<catalog_table> live;

  fixture() {
    sqlite_schema.load_json_text(shop);
    sqlite_schema.finalize(pony_naming{"sqlite"});
    auto db = driver::open(driver::parse_url("sqlite::memory:"));
    for (const std::string& sql : create_table_statements(sqlite_schema, lower::sqlite_dialect())) {
      db->execute_script(sql);
    }
    live = read_catalog(*db, lower::sqlite_dialect());
  }

  // The drift of `live` from the schema as `provider` would store it.
  std::vector<std::string> drift(const std::string& provider = "sqlite") const {
    const lower::dialect& d = provider == "sqlite"     ? lower::sqlite_dialect()
                              : provider == "postgres" ? lower::postgres_dialect()
                                                       : lower::mariadb_dialect();
    registry schema;
    schema.load_json_text(shop);
    schema.finalize(pony_naming{provider});
    return drift_between(schema, describe(schema, d), live, d);
  }

  catalog_table& table(const std::string& name) {
    for (catalog_table& t : live) {
      if (t.name == name) return t;
    }
    FAIL("no table " << name);
    throw;
  }
  // The catalog as MariaDB stores the schema: a LongStr is LONGTEXT, an enumeration ENUM, a
  // timedelta TIME, a str without max_len VARCHAR(255) (no max_len in the catalog), and a json
  // column the LONGTEXT of NextORM before it wrote JSON.
  void as_mariadb() {
    column("Shop", "bio").type = "LongStr";
    column("Shop", "wait").type = "time";
    column("Shop", "wait").or_type = "timedelta";
    column("Shop", "data").type = "LongStr";
    column("Shop", "mood").type = "enum";
    column("Person", "name").max_len.reset();
  }
  catalog_column& column(const std::string& t, const std::string& name) {
    for (catalog_column& c : table(t).columns) {
      if (c.name == name) return c;
    }
    FAIL("no column " << name);
    throw;
  }
};

using lines = std::vector<std::string>;

}  // namespace

TEST_CASE("drift: a database made from the schema matches it") {
  fixture f;
  CHECK(f.drift() == lines{});
}

TEST_CASE("drift: a column's type, a string's length and a decimal's digits") {
  fixture f;
  f.column("Shop", "title").max_len = 50;
  f.column("Shop", "price").precision = 10;
  f.column("Shop", "fee").scale = 2;
  CHECK(f.drift() == lines{"table Shop: column title is str(50), the schema says str(40)",
                           "table Shop: column price is decimal(10, 2), the schema says "
                           "decimal(12, 2)",
                           "table Shop: column fee is decimal(8, 2), the schema says "
                           "decimal(8, 3)"});
  fixture g;
  g.column("Shop", "price").precision = 0;  // a NUMERIC without digits says nothing of them
  g.column("Shop", "title").type = "int";
  g.column("Shop", "title").sql_type = "";
  g.column("Shop", "raw").type = "int";  // an sql_type is the user's: not checked
  CHECK(g.drift() == lines{"table Shop: column title is untyped, the schema says str"});
}

TEST_CASE("drift: types that a provider stores alike are no drift there, and are elsewhere") {
  fixture f;
  f.as_mariadb();
  CHECK(f.drift("mariadb") == lines{});
  f.column("Shop", "bio").type = "str";
  f.column("Shop", "data").type = "str";
  CHECK(f.drift("mariadb") == lines{"table shop: column bio is TEXT, the schema says LongStr",
                                    "table shop: column data is JSON, the schema says json"});
  // An enumeration is a CHECK'd VARCHAR as NextORM makes it, or an ENUM: both are no drift.
  f.column("Shop", "mood").type = "str";
  CHECK(f.drift("mariadb") == lines{"table shop: column bio is TEXT, the schema says LongStr",
                                    "table shop: column data is JSON, the schema says json"});
  // Another type is drift wherever the schema's would be stored alike.
  fixture h;
  h.column("Shop", "bio").type = "int";
  h.column("Shop", "mood").type = "int";
  h.column("Shop", "data").type = "LongStr";
  CHECK(h.drift() == lines{"table Shop: column bio is TEXT, the schema says LongStr",
                           "table Shop: column mood is TEXT, the schema says enum",
                           "table Shop: column data is JSON, the schema says json"});
  // SQLite and PostgreSQL: LongStr and enum are TEXT (the enum's CHECK is not read).
  f.column("Shop", "wait").or_type.clear();
  f.column("Person", "name").max_len = 255;
  CHECK(f.drift("postgres") == lines{"table shop: column data is JSON, the schema says json",
                                     "table shop: column wait is INTERVAL, the schema says "
                                     "timedelta"});
}

TEST_CASE("drift: indexes and unique keys, by their columns") {
  fixture f;
  f.table("Item").indexes.clear();
  f.table("Item").indexes.push_back({"by_hand", {"label", "shop"}});
  f.table("Item").indexes.push_back({"partial", {"label"}, true});
  f.table("Shop").unique_keys.clear();
  f.table("Shop").unique_keys.push_back({"", {"title"}});
  f.table("Shop").unique_keys.push_back({"", {"bio"}, true});
  CHECK(f.drift() == lines{"table Shop: the unique key on (code) is missing",
                           "table Shop: the unique key on (title) is not in the schema",
                           "table Item: index idx_item__label on (label) is missing",
                           "table Item: index idx_item__size on (size) is missing",
                           "table Item: index by_hand on (label, shop) is not in the schema"});
  // MariaDB makes an index for a foreign key that has none: not the user's.
  fixture g;
  g.as_mariadb();
  g.table("Item").indexes.push_back({"fk_item__shop", {"shop"}});
  CHECK(g.drift("mariadb") == lines{});
  g.column("Person", "name").max_len = 255;
  g.column("Shop", "bio").type = "str";
  g.column("Shop", "mood").type = "str";
  g.column("Shop", "data").type = "json";
  g.column("Shop", "wait").type = "timedelta";
  CHECK(g.drift() == lines{"table Item: index fk_item__shop on (shop) is not in the schema"});
}

TEST_CASE("drift: foreign keys, their targets and their ON DELETE") {
  fixture f;
  auto& keys = f.table("Item").foreign_keys;
  REQUIRE(keys.size() == 1);
  keys[0].on_delete = "";
  CHECK(f.drift() == lines{"table Item: the foreign key on (shop) has no ON DELETE, the schema "
                           "says ON DELETE CASCADE"});
  keys[0].on_delete = "SET NULL";
  CHECK(f.drift() == lines{"table Item: the foreign key on (shop) has ON DELETE SET NULL, the "
                           "schema says ON DELETE CASCADE"});
  keys[0].parent_table = "Person";
  CHECK(f.drift() == lines{"table Item: the foreign key on (shop) refers to Person (id), the "
                           "schema says Shop (id)"});
  keys[0].parent_table = "Shop";
  keys[0].parent_columns = {"code"};
  CHECK(f.drift() == lines{"table Item: the foreign key on (shop) refers to Shop (code), the "
                           "schema says Shop (id)"});
  keys[0].columns = {"label"};
  CHECK(f.drift() == lines{"table Item: the foreign key on (shop) to Shop is missing",
                           "table Item: the foreign key on (label) to Shop is not in the schema"});
}
