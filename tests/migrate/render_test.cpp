// A migration's operations as each provider's SQL (src/migrate/render.cpp): what ALTER TABLE can
// do, SQLite's table rebuild for the rest, fills for new NOT NULL columns, renamed derived names,
// and the errors of hand-edited operations. No database: the statements are read.
#include "migrate/render.hpp"

#include "migrate/diff.hpp"

#include <nextorm/errors.hpp>

#include "lower/dialect.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace nextorm;
using nlohmann::json;

namespace {

json schema(const std::string& entities) {
  return json::parse(R"({"entities":[)" + entities + "]}");
}

const lower::dialect& dialect(const std::string& name) {
  if (name == "sqlite") return lower::sqlite_dialect();
  if (name == "postgres") return lower::postgres_dialect();
  return lower::mariadb_dialect();
}

// The statements, one per line; a step that needs an empty table is marked "[empty T]".
std::string sql(const json& before, const json& after, const json& operations,
                const std::string& provider) {
  schema_change::migration m;
  m.version = 2;
  m.name = "0002_test";
  m.operations = operations;
  m.snapshot = after;
  std::string out;
  for (const auto& step : schema_change::render(m, before, dialect(provider))) {
    if (!step.requires_empty_table.empty()) out += "[empty " + step.requires_empty_table + "] ";
    out += step.sql + "\n";
  }
  return out;
}

json op(std::initializer_list<std::pair<const char*, std::string>> fields) {
  json o = json::object();
  for (const auto& [k, v] : fields) o[k] = v;
  return o;
}
json op_columns(const std::string& kind, const std::string& table, std::vector<std::string> cols) {
  return json{{"op", kind}, {"table", table}, {"columns", cols}};
}

const json v1 = schema(R"({"name":"Shop","attrs":[{"name":"name","kind":"Req","type":"str"},
    {"name":"items","kind":"Set","type":"Item"}]},
  {"name":"Item","attrs":[{"name":"title","kind":"Req","type":"str","index":true},
    {"name":"price","kind":"Opt","type":"float"},
    {"name":"code","kind":"Req","type":"str","unique":true},
    {"name":"shop","kind":"Single","type":"Shop","optional":true}]})");

}  // namespace

TEST_CASE("new tables on each provider: indexes after, foreign keys at the end", "[render]") {
  const json ops = json::array({op({{"op", "create_table"}, {"table", "shop"}}),
                                op({{"op", "create_table"}, {"table", "item"}}),
                                op_columns("add_foreign_key", "item", {"shop"})});
  const std::string pg = sql(json::object(), v1, ops, "postgres");
  CHECK_THAT(
      pg, Catch::Contains("CREATE TABLE \"item\"") &&
              Catch::Contains("CREATE INDEX \"idx_item__title\" ON \"item\" (\"title\")") &&
              Catch::EndsWith("ALTER TABLE \"item\" ADD CONSTRAINT \"fk_item__shop\" FOREIGN KEY "
                              "(\"shop\") REFERENCES \"shop\" (\"id\") ON DELETE SET NULL\n"));
  const std::string my = sql(json::object(), v1, ops, "mariadb");
  CHECK_THAT(
      my, Catch::Contains("INDEX `idx_item__title` (`title`)") && !Catch::Contains("CREATE INDEX"));
  const std::string lite = sql(json::object(), v1, ops, "sqlite");
  CHECK_THAT(lite, Catch::Contains("REFERENCES \"Shop\" (\"id\") ON DELETE SET NULL") &&
                       !Catch::Contains("ADD CONSTRAINT"));
}

TEST_CASE("columns on PostgreSQL and MariaDB: ALTER TABLE; on SQLite, a rebuild where needed",
          "[render]") {
  const json v2 = schema(R"({"name":"Shop","attrs":[{"name":"name","kind":"Req","type":"str"},
      {"name":"items","kind":"Set","type":"Item"}]},
    {"name":"Item","attrs":[{"name":"label","kind":"Req","type":"str","index":true,"renamed_from":"title"},
      {"name":"price","kind":"Req","type":"float","default":1.5},
      {"name":"code","kind":"Req","type":"str"},
      {"name":"note","kind":"Opt","type":"str"},
      {"name":"stock","kind":"Req","type":"int"},
      {"name":"shop","kind":"Single","type":"Shop","optional":true}]})");
  const json ops = json::array(
      {op({{"op", "rename_column"}, {"table", "item"}, {"from", "title"}, {"to", "label"}}),
       op({{"op", "alter_column"}, {"table", "item"}, {"column", "price"}}),
       op({{"op", "alter_column"}, {"table", "item"}, {"column", "code"}}),
       op({{"op", "add_column"}, {"table", "item"}, {"column", "note"}}),
       op({{"op", "add_column"}, {"table", "item"}, {"column", "stock"}})});
  const std::string pg = sql(v1, v2, ops, "postgres");
  CHECK_THAT(pg, Catch::Contains("ALTER TABLE \"item\" RENAME COLUMN \"title\" TO \"label\""));
  // NULL prices get the default before the column refuses NULL.
  CHECK_THAT(pg, Catch::Contains("UPDATE \"item\" SET \"price\" = 1.5 WHERE \"price\" IS NULL\n"
                                 "ALTER TABLE \"item\" ALTER COLUMN \"price\" SET DEFAULT 1.5\n"
                                 "ALTER TABLE \"item\" ALTER COLUMN \"price\" SET NOT NULL"));
  // The unique constraint PostgreSQL named is found by its column.
  CHECK_THAT(pg, Catch::Contains("DO $$") && Catch::Contains("k.contype = 'u'"));
  // An optional string: added, filled with '', then NOT NULL; a required int needs an empty
  // table.
  CHECK_THAT(pg, Catch::Contains("ADD COLUMN \"note\" TEXT\nUPDATE \"item\" SET \"note\" = ''\n"
                                 "ALTER TABLE \"item\" ALTER COLUMN \"note\" SET NOT NULL"));
  CHECK_THAT(pg, Catch::Contains("[empty item] ALTER TABLE \"item\" ADD COLUMN \"stock\""));
  // The index follows the column's new name.
  CHECK_THAT(pg, Catch::Contains("ALTER INDEX \"idx_item__title\" RENAME TO \"idx_item__label\""));

  const std::string my = sql(v1, v2, ops, "mariadb");
  CHECK_THAT(my, Catch::Contains(
                     "MODIFY COLUMN `price` DOUBLE DEFAULT 1.5\nUPDATE `item` SET `price` = 1.5") &&
                     Catch::Contains("MODIFY COLUMN `code` VARCHAR(255) NOT NULL\n"
                                     "ALTER TABLE `item` DROP INDEX `code`") &&
                     Catch::Contains("RENAME INDEX `idx_item__title` TO `idx_item__label`"));

  // SQLite rebuilds the table once: renamed columns copied from their old names, NULL prices
  // given the default, the new optional string filled, the required int on an empty table only.
  const std::string lite = sql(v1, v2, ops, "sqlite");
  CHECK_THAT(lite, Catch::Contains("CREATE TABLE \"nextorm_new_Item\"") &&
                       !Catch::Contains("RENAME COLUMN") &&
                       Catch::Contains("[empty Item] INSERT INTO \"nextorm_new_Item\" (\"id\", "
                                       "\"label\", \"price\", \"code\", \"note\", \"shop\") SELECT "
                                       "\"id\", \"title\", COALESCE(\"price\", 1.5), \"code\", '', "
                                       "\"shop\" FROM \"Item\"") &&
                       Catch::Contains("INSERT INTO sqlite_sequence") &&
                       Catch::Contains("ALTER TABLE \"nextorm_new_Item\" RENAME TO \"Item\"\n"
                                       "PRAGMA legacy_alter_table = OFF\n"
                                       "CREATE INDEX \"idx_item__label\" ON \"Item\" (\"label\")"));
}

TEST_CASE("types change through casts; defaults and checks around them", "[render]") {
  const json before =
      schema(R"({"name":"T","attrs":[{"name":"a","kind":"Req","type":"str","default":"1"},
      {"name":"b","kind":"Req","type":"int"},
      {"name":"e","kind":"Req","type":"enum","values":["red","green"]}]})");
  const json after =
      schema(R"({"name":"T","attrs":[{"name":"a","kind":"Req","type":"int","default":2},
      {"name":"b","kind":"Req","type":"bool"},
      {"name":"e","kind":"Req","type":"enum","values":["red","green","blue"]}]})");
  const json ops = json::array({op({{"op", "alter_column"}, {"table", "t"}, {"column", "a"}}),
                                op({{"op", "alter_column"}, {"table", "t"}, {"column", "b"}}),
                                op({{"op", "alter_column"}, {"table", "t"}, {"column", "e"}})});
  const std::string pg = sql(before, after, ops, "postgres");
  CHECK_THAT(
      pg, Catch::Contains("ALTER COLUMN \"a\" DROP DEFAULT\n"
                          "ALTER TABLE \"t\" ALTER COLUMN \"a\" TYPE BIGINT USING \"a\"::BIGINT\n"
                          "ALTER TABLE \"t\" ALTER COLUMN \"a\" SET DEFAULT 2"));
  CHECK_THAT(pg, Catch::Contains("TYPE BOOLEAN USING (\"b\" <> 0)"));
  CHECK_THAT(pg, Catch::Contains("k.contype = 'c'") &&
                     Catch::Contains("ADD CHECK (\"e\" IN ('red', 'green', 'blue'))"));
}

TEST_CASE("indexes, unique keys and foreign keys by their columns", "[render]") {
  const json before =
      schema(R"({"name":"A","attrs":[{"name":"x","kind":"Req","type":"int","index":true},
      {"name":"y","kind":"Req","type":"int"},{"name":"bs","kind":"Set","type":"B"}],
      "composite_keys":[["x","y"]]},
    {"name":"B","attrs":[{"name":"a","kind":"Single","type":"A"}]})");
  const json after = schema(R"({"name":"A","attrs":[{"name":"x","kind":"Req","type":"int"},
      {"name":"y","kind":"Req","type":"int","index":true},{"name":"bs","kind":"Set","type":"B"}],
      "composite_indexes":[["x","y"]]},
    {"name":"B","attrs":[{"name":"a","kind":"Single","type":"A","optional":true}]})");
  const json ops = json::array(
      {op_columns("drop_foreign_key", "b", {"a"}), op_columns("drop_index", "a", {"x"}),
       op_columns("drop_unique", "a", {"x", "y"}),
       op({{"op", "alter_column"}, {"table", "b"}, {"column", "a"}}),
       op_columns("create_index", "a", {"y"}), op_columns("create_index", "a", {"x", "y"}),
       op_columns("add_foreign_key", "b", {"a"})});
  const std::string pg = sql(before, after, ops, "postgres");
  CHECK_THAT(pg, Catch::StartsWith("ALTER TABLE \"b\" DROP CONSTRAINT \"fk_b__a\"\n"
                                   "DROP INDEX \"idx_a__x\"\n"
                                   "ALTER TABLE \"a\" DROP CONSTRAINT \"unq_a__x_y\""));
  const std::string my = sql(before, after, ops, "mariadb");
  CHECK_THAT(my, Catch::StartsWith("ALTER TABLE `b` DROP FOREIGN KEY `fk_b__a`\n"
                                   "DROP INDEX `idx_a__x` ON `a`\n"
                                   "ALTER TABLE `a` DROP INDEX `unq_a__x_y`"));
  // SQLite: both tables are rebuilt (a unique key and a foreign key change), indexes made again.
  const std::string lite = sql(before, after, ops, "sqlite");
  CHECK_THAT(lite, Catch::Contains("CREATE TABLE \"nextorm_new_A\"") &&
                       Catch::Contains("CREATE INDEX \"idx_a__x_y\" ON \"A\" (\"x\", \"y\")") &&
                       Catch::Contains("CREATE TABLE \"nextorm_new_B\"") &&
                       !Catch::Contains("DROP INDEX"));
  // A unique key added.
  const json keyed = schema(R"({"name":"A","attrs":[{"name":"x","kind":"Req","type":"int"},
      {"name":"y","kind":"Req","type":"int"}],"composite_keys":[["y","x"]]})");
  const json plain = schema(R"({"name":"A","attrs":[{"name":"x","kind":"Req","type":"int"},
      {"name":"y","kind":"Req","type":"int"}]})");
  const json add = json::array({op_columns("add_unique", "a", {"y", "x"})});
  CHECK(sql(plain, keyed, add, "postgres") ==
        "ALTER TABLE \"a\" ADD CONSTRAINT \"unq_a__y_x\" UNIQUE (\"y\", \"x\")\n");
  CHECK_THAT(sql(plain, keyed, add, "sqlite"), Catch::Contains("CREATE TABLE \"nextorm_new_A\""));
}

TEST_CASE("renamed tables take their derived names along", "[render]") {
  const json before =
      schema(R"({"name":"P","attrs":[{"name":"n","kind":"Req","type":"str","unique":true},
      {"name":"qs","kind":"Set","type":"Q"}]},
    {"name":"Q","attrs":[{"name":"p","kind":"Single","type":"P"},{"name":"v","kind":"Req","type":"int"},
      {"name":"w","kind":"Req","type":"int"}],"composite_keys":[["v","w"]]})");
  const json after =
      schema(R"({"name":"P","attrs":[{"name":"n","kind":"Req","type":"str","unique":true},
      {"name":"rs","kind":"Set","type":"R"}]},
    {"name":"R","renamed_from":"Q","attrs":[{"name":"p","kind":"Single","type":"P"},
      {"name":"v","kind":"Req","type":"int"},{"name":"w","kind":"Req","type":"int"}],
      "composite_keys":[["v","w"]]})");
  const json ops = json::array({op({{"op", "rename_table"}, {"from", "q"}, {"to", "r"}})});
  const std::string pg = sql(before, after, ops, "postgres");
  CHECK_THAT(pg, Catch::Contains("ALTER TABLE \"q\" RENAME TO \"r\"") &&
                     Catch::Contains("ALTER INDEX \"idx_q__p\" RENAME TO \"idx_r__p\"") &&
                     Catch::Contains("RENAME CONSTRAINT \"unq_q__v_w\" TO \"unq_r__v_w\"") &&
                     Catch::Contains("RENAME CONSTRAINT \"fk_q__p\" TO \"fk_r__p\"") &&
                     Catch::Contains("ALTER INDEX IF EXISTS \"q_pkey\" RENAME TO \"r_pkey\"") &&
                     Catch::Contains("ALTER SEQUENCE IF EXISTS \"q_id_seq\""));
  const std::string my = sql(before, after, ops, "mariadb");
  CHECK_THAT(my, Catch::Contains("RENAME INDEX `unq_q__v_w` TO `unq_r__v_w`") &&
                     Catch::Contains("DROP FOREIGN KEY `fk_q__p`") &&
                     Catch::EndsWith("ADD CONSTRAINT `fk_r__p` FOREIGN KEY (`p`) REFERENCES `p` "
                                     "(`id`) ON DELETE CASCADE\n"));
  const std::string lite = sql(before, after, ops, "sqlite");
  CHECK_THAT(lite, Catch::Contains("DROP INDEX \"idx_q__p\"\nCREATE INDEX \"idx_r__p\""));
}

TEST_CASE("data migrations and hand-edited operations", "[render]") {
  const json ops = json::array({json{{"op", "sql"}, {"postgres", "UPDATE t SET a = 1"}}});
  CHECK(sql(v1, v1, ops, "postgres") == "UPDATE t SET a = 1\n");
  CHECK_THROWS_WITH(sql(v1, v1, ops, "sqlite"), Catch::Contains("migrate.sql_missing"));
  const auto fails = [&](const json& o, const std::string& words) {
    CHECK_THROWS_WITH(sql(v1, v1, json::array({o}), "postgres"),
                      Catch::Contains("migrate.operation") && Catch::Contains(words));
  };
  fails(op({{"op", "vanish"}}), "unknown operation \"vanish\"");
  fails(op({{"op", "drop_table"}}), "needs a \"table\"");
  fails(op({{"op", "create_index"}, {"table", "item"}}), "needs \"columns\"");
  fails(op({{"op", "drop_table"}, {"table", "nope"}}), "there is no table nope before it");
  fails(op({{"op", "create_table"}, {"table", "nope"}}), "there is no table nope in its snapshot");
  fails(op({{"op", "add_column"}, {"table", "item"}, {"column", "nope"}}),
        "there is no column item.nope in its snapshot");
  fails(op_columns("create_index", "item", {"price"}), "there is no index of item on (price)");
  // An altered column that was not there before.
  const json noted = schema(R"({"name":"Shop","attrs":[{"name":"name","kind":"Req","type":"str"},
      {"name":"items","kind":"Set","type":"Item"}]},
    {"name":"Item","attrs":[{"name":"title","kind":"Req","type":"str","index":true},
      {"name":"price","kind":"Opt","type":"float"},
      {"name":"code","kind":"Req","type":"str","unique":true},
      {"name":"note","kind":"Opt","type":"int"},
      {"name":"shop","kind":"Single","type":"Shop","optional":true}]})");
  CHECK_THROWS_WITH(
      sql(v1, noted,
          json::array({op({{"op", "alter_column"}, {"table", "item"}, {"column", "note"}})}),
          "postgres"),
      Catch::Contains("there is no column item.note before it"));
}

TEST_CASE("a hierarchy's classes: their rows' discriminators rewritten or deleted", "[render]") {
  const json classes = schema(R"({"name":"P","attrs":[{"name":"n","kind":"Opt","type":"int"}]},
    {"name":"Q","base":"P","attrs":[]})");
  const json update{{"op", "update_discriminator"},
                    {"table", "p"},
                    {"column", "classtype"},
                    {"from", {"Q", "R's"}},
                    {"to", {"R's", "Q"}}};
  CHECK(sql(classes, classes, json::array({update}), "mariadb") ==
        "UPDATE `p` SET `classtype` = CASE `classtype` WHEN 'Q' THEN 'R''s' WHEN 'R''s' THEN 'Q' "
        "END WHERE `classtype` IN ('Q', 'R''s')\n");
  const json numbers{{"op", "delete_class"},
                     {"table", "p"},
                     {"column", "classtype"},
                     {"type", "int"},
                     {"values", {"-007", "9223372036854775807"}}};
  CHECK(sql(classes, classes, json::array({numbers}), "postgres") ==
        "DELETE FROM \"p\" WHERE \"classtype\" IN (-7, 9223372036854775807)\n");
  const auto fails = [&](json o, const std::string& words) {
    CHECK_THROWS_WITH(sql(classes, classes, json::array({o}), "sqlite"),
                      Catch::Contains("migrate.operation") && Catch::Contains(words));
  };
  json edited = numbers;
  edited["values"] = {"9223372036854775808"};
  fails(edited, "needs discriminator values that are 64-bit integers");
  edited["values"] = {"+5"};
  fails(edited, "64-bit integers");
  edited.erase("type");
  edited["values"] = {""};
  fails(edited, "text, not empty and without a NUL character");
  edited["values"] = {std::string{"a\0b", 3}};
  fails(edited, "without a NUL character");
  edited.erase("values");
  fails(edited, "needs a list \"values\"");
  json uneven = update;
  uneven["to"] = {"Q"};
  fails(uneven, "needs \"from\" and \"to\" of the same length");
  uneven["from"] = json::array();
  uneven["to"] = json::array();
  fails(uneven, "needs \"from\" and \"to\" of the same length");
}

TEST_CASE("columns added where ALTER TABLE can, and each kind of column change", "[render]") {
  const json before = schema(R"({"name":"P","attrs":[{"name":"n","kind":"Req","type":"str"},
      {"name":"qs","kind":"Set","type":"Q"}]},
    {"name":"Q","attrs":[{"name":"p","kind":"Single","type":"P","optional":true},
      {"name":"u","kind":"Req","type":"str","unique":true,"max_len":10},
      {"name":"o","kind":"Opt","type":"int"},
      {"name":"d","kind":"Req","type":"int","default":1},
      {"name":"s","kind":"Req","type":"str"},
      {"name":"e","kind":"Req","type":"enum","values":["a","b"]},
      {"name":"f","kind":"Req","type":"str"}]},
    {"name":"R","attrs":[{"name":"x","kind":"Opt","type":"int"}]})");
  const json after = schema(R"({"name":"P","attrs":[{"name":"n","kind":"Req","type":"str"},
      {"name":"qs","kind":"Set","type":"Q"}]},
    {"name":"Q","attrs":[{"name":"p","kind":"Single","type":"P","optional":true},
      {"name":"u","kind":"Req","type":"str","unique":true,"max_len":20},
      {"name":"o","kind":"Opt","type":"str","nullable":true},
      {"name":"d","kind":"Req","type":"int","default":2},
      {"name":"s","kind":"Req","type":"str","unique":true},
      {"name":"e","kind":"Req","type":"str"},
      {"name":"f","kind":"Req","type":"enum","values":["x"]},
      {"name":"r","kind":"Single","type":"R","optional":true},
      {"name":"k","kind":"Req","type":"int","default":5},
      {"name":"b","kind":"Req","type":"bool"}]},
    {"name":"R","attrs":[{"name":"x","kind":"Opt","type":"int"},{"name":"qs","kind":"Set","type":"Q"}]})");
  const auto alter = [](const std::string& column) {
    return op({{"op", "alter_column"}, {"table", "q"}, {"column", column}});
  };
  const json ops = json::array(
      {alter("u"), alter("o"), alter("d"), alter("s"), alter("e"), alter("f"),
       op({{"op", "add_column"}, {"table", "q"}, {"column", "r"}}),
       op({{"op", "add_column"}, {"table", "q"}, {"column", "k"}}),
       op_columns("create_index", "q", {"r"}), op_columns("add_foreign_key", "q", {"r"})});
  const std::string pg = sql(before, after, ops, "postgres");
  CHECK_THAT(pg, Catch::Contains("ALTER COLUMN \"u\" TYPE VARCHAR(20)") &&
                     !Catch::Contains("DROP CONSTRAINT %I', '\"q\"', n); END LOOP; END $$\nALTER "
                                      "TABLE \"q\" ADD UNIQUE (\"u\")"));
  CHECK_THAT(pg, Catch::Contains("ALTER COLUMN \"o\" TYPE TEXT USING \"o\"::TEXT"));
  CHECK_THAT(pg, Catch::Contains("ALTER COLUMN \"d\" DROP DEFAULT\n"
                                 "ALTER TABLE \"q\" ALTER COLUMN \"d\" SET DEFAULT 2"));
  CHECK_THAT(pg, Catch::Contains("ALTER TABLE \"q\" ADD UNIQUE (\"s\")"));
  CHECK_THAT(pg,
             Catch::Contains("k.contype = 'c'") && Catch::Contains("ADD CHECK (\"f\" IN ('x'))"));
  CHECK_THAT(pg, Catch::Contains("ADD COLUMN \"k\" BIGINT DEFAULT 5 NOT NULL\n"));
  CHECK_THAT(pg, Catch::Contains("CREATE INDEX \"idx_q__r\"") &&
                     Catch::EndsWith(
                         "FOREIGN KEY (\"r\") REFERENCES \"r\" (\"id\") ON DELETE SET NULL\n"));
  const std::string my = sql(before, after, ops, "mariadb");
  CHECK_THAT(my, Catch::Contains("MODIFY COLUMN `u` VARCHAR(20) NOT NULL\n"));
  // SQLite: the changed table is rebuilt (the new reference and index with it).
  const std::string lite = sql(before, after, ops, "sqlite");
  CHECK_THAT(lite,
             Catch::Contains("CREATE TABLE \"nextorm_new_Q\"") &&
                 Catch::Contains("\"r\" INTEGER REFERENCES \"R\" (\"id\") ON DELETE SET NULL") &&
                 Catch::Contains("CREATE INDEX \"idx_q__r\" ON \"Q\" (\"r\")"));

  // Without other changes SQLite adds a column in place: a reference with its REFERENCES, a
  // required one with a default; a boolean from text is a plain cast on PostgreSQL.
  const json added = schema(R"({"name":"P","attrs":[{"name":"n","kind":"Req","type":"str"},
      {"name":"qs","kind":"Set","type":"Q"}]},
    {"name":"Q","attrs":[{"name":"p","kind":"Single","type":"P","optional":true},
      {"name":"u","kind":"Req","type":"str","unique":true,"max_len":10},
      {"name":"o","kind":"Opt","type":"int"},
      {"name":"d","kind":"Req","type":"int","default":1},
      {"name":"s","kind":"Req","type":"str"},
      {"name":"e","kind":"Req","type":"enum","values":["a","b"]},
      {"name":"f","kind":"Req","type":"bool"},
      {"name":"r","kind":"Single","type":"R","optional":true},
      {"name":"k","kind":"Req","type":"int","default":5}]},
    {"name":"R","attrs":[{"name":"x","kind":"Opt","type":"int"},{"name":"qs","kind":"Set","type":"Q"}]})");
  const json adds = json::array({op({{"op", "add_column"}, {"table", "q"}, {"column", "r"}}),
                                 op({{"op", "add_column"}, {"table", "q"}, {"column", "k"}}),
                                 op_columns("create_index", "q", {"r"}),
                                 op_columns("add_foreign_key", "q", {"r"})});
  CHECK(sql(before, added, adds, "sqlite") ==
        "ALTER TABLE \"Q\" ADD COLUMN \"r\" INTEGER REFERENCES \"R\" (\"id\") ON DELETE SET NULL\n"
        "ALTER TABLE \"Q\" ADD COLUMN \"k\" INTEGER DEFAULT 5 NOT NULL\n"
        "CREATE INDEX \"idx_q__r\" ON \"Q\" (\"r\")\n");
  CHECK_THAT(sql(before, added, json::array({alter("f")}), "postgres"),
             Catch::Contains("TYPE BOOLEAN USING \"f\"::BOOLEAN"));
  // A unique column added: SQLite rebuilds (ALTER TABLE cannot add UNIQUE).
  const json unique_added = schema(R"({"name":"P","attrs":[{"name":"n","kind":"Req","type":"str"},
      {"name":"m","kind":"Opt","type":"int","unique":true},{"name":"qs","kind":"Set","type":"Q"}]},
    {"name":"Q","attrs":[{"name":"p","kind":"Single","type":"P","optional":true},
      {"name":"u","kind":"Req","type":"str","unique":true,"max_len":10},
      {"name":"o","kind":"Opt","type":"int"},
      {"name":"d","kind":"Req","type":"int","default":1},
      {"name":"s","kind":"Req","type":"str"},
      {"name":"e","kind":"Req","type":"enum","values":["a","b"]},
      {"name":"f","kind":"Req","type":"str"}]},
    {"name":"R","attrs":[{"name":"x","kind":"Opt","type":"int"}]})");
  CHECK_THAT(
      sql(before, unique_added,
          json::array({op({{"op", "add_column"}, {"table", "p"}, {"column", "m"}})}), "sqlite"),
      Catch::Contains("CREATE TABLE \"nextorm_new_P\""));
  CHECK_THROWS_WITH(
      sql(before, after, json::array({op_columns("drop_index", "q", {"p", "u"})}), "postgres"),
      Catch::Contains("there is no index of q on (p, u)"));
}

TEST_CASE(
    "renames on SQLite rebuild the renamed table once; MariaDB renames a unique column's index",
    "[render]") {
  const json before = schema(R"({"name":"Code","attrs":[{"name":"k","kind":"PK","type":"str"},
      {"name":"old","kind":"Req","type":"str","unique":true},{"name":"plain","kind":"Opt","type":"int"},
      {"name":"gone","kind":"Opt","type":"int"}]})");
  const json after = schema(R"({"name":"Token","renamed_from":"Code","attrs":[
      {"name":"k","kind":"PK","type":"str"},
      {"name":"fresh","kind":"Req","type":"str","unique":true,"renamed_from":"old"},
      {"name":"level","kind":"Opt","type":"int","renamed_from":"plain"}]})");
  const json ops = json::array(
      {op({{"op", "drop_column"}, {"table", "code"}, {"column", "gone"}}),
       op({{"op", "rename_table"}, {"from", "code"}, {"to", "token"}}),
       op({{"op", "rename_column"}, {"table", "token"}, {"from", "old"}, {"to", "fresh"}}),
       op({{"op", "rename_column"}, {"table", "token"}, {"from", "plain"}, {"to", "level"}})});
  const std::string lite = sql(before, after, ops, "sqlite");
  CHECK_THAT(lite, Catch::StartsWith("ALTER TABLE \"Code\" RENAME TO \"Token\"\n"
                                     "CREATE TABLE \"nextorm_new_Token\"") &&
                       Catch::Contains("SELECT \"k\", \"old\", \"plain\" FROM \"Token\"") &&
                       !Catch::Contains("sqlite_sequence"));
  const std::string my = sql(before, after, ops, "mariadb");
  CHECK_THAT(my, Catch::Contains("ALTER TABLE `token` RENAME INDEX `old` TO `fresh`") &&
                     !Catch::Contains("RENAME INDEX `plain`"));
}

TEST_CASE("SQLite rebuilds for a foreign key on a column it had, or of several columns",
          "[render]") {
  const json before = schema(R"({"name":"P","attrs":[{"name":"qs","kind":"Set","type":"Q"}]},
    {"name":"Q","attrs":[{"name":"p","kind":"Single","type":"P","optional":true}]},
    {"name":"K","primary_key":["a","b"],"attrs":[{"name":"a","kind":"Req","type":"int"},
      {"name":"b","kind":"Req","type":"int"}]})");
  const json after =
      schema(R"({"name":"P","attrs":[{"name":"qs","kind":"Set","type":"Q","cascade_delete":true}]},
    {"name":"Q","attrs":[{"name":"p","kind":"Single","type":"P","optional":true},
      {"name":"k","kind":"Single","type":"K","optional":true}]},
    {"name":"K","primary_key":["a","b"],"attrs":[{"name":"a","kind":"Req","type":"int"},
      {"name":"b","kind":"Req","type":"int"},{"name":"qs","kind":"Set","type":"Q"}]})");
  const json retarget = json::array(
      {op_columns("drop_foreign_key", "q", {"p"}), op_columns("add_foreign_key", "q", {"p"})});
  CHECK_THAT(sql(before, after, retarget, "sqlite"),
             Catch::Contains("CREATE TABLE \"nextorm_new_Q\""));
  const json composite = json::array({op({{"op", "add_column"}, {"table", "q"}, {"column", "k_a"}}),
                                      op({{"op", "add_column"}, {"table", "q"}, {"column", "k_b"}}),
                                      op_columns("add_foreign_key", "q", {"k_a", "k_b"})});
  CHECK_THAT(sql(before, after, composite, "sqlite"),
             Catch::Contains("CREATE TABLE \"nextorm_new_Q\"") &&
                 Catch::Contains("FOREIGN KEY (\"k_a\", \"k_b\") REFERENCES \"K\""));
  // A column's unique added where it has a default: neither the type nor the default changes.
  const json plain =
      schema(R"({"name":"T","attrs":[{"name":"d","kind":"Req","type":"int","default":1}]})");
  const json unique = schema(
      R"({"name":"T","attrs":[{"name":"d","kind":"Req","type":"int","default":1,"unique":true}]})");
  CHECK(sql(plain, unique,
            json::array({op({{"op", "alter_column"}, {"table", "t"}, {"column", "d"}})}),
            "postgres") == "ALTER TABLE \"t\" ADD UNIQUE (\"d\")\n");
  // A rename of a column the old snapshot does not have (a hand edit).
  CHECK_THROWS_WITH(
      sql(plain, plain,
          json::array(
              {op({{"op", "rename_column"}, {"table", "t"}, {"from", "nope"}, {"to", "d"}})}),
          "mariadb"),
      Catch::Contains("there is no column t.nope before it"));
}

TEST_CASE(
    "SQLite's rebuild comes before a migration's SQL that follows what needs it, after one "
    "that precedes it",
    "[render]") {
  const json a = schema(R"({"name":"T","attrs":[{"name":"n","kind":"Opt","type":"int"}]})");
  const json b =
      schema(R"({"name":"T","attrs":[{"name":"n","kind":"Req","type":"int","default":0}]})");
  const json fill = json{{"op", "sql"}, {"sqlite", "UPDATE T SET n = 0 WHERE n IS NULL"}};
  const json alter = op({{"op", "alter_column"}, {"table", "t"}, {"column", "n"}});
  const std::string before_sql = sql(a, b, json::array({fill, alter}), "sqlite");
  CHECK_THAT(before_sql, Catch::StartsWith("UPDATE T SET n = 0 WHERE n IS NULL\nCREATE TABLE"));
  const std::string after_sql = sql(a, b, json::array({alter, fill, fill}), "sqlite");
  CHECK_THAT(after_sql, Catch::StartsWith("CREATE TABLE \"nextorm_new_T\"") &&
                            Catch::EndsWith("UPDATE T SET n = 0 WHERE n IS NULL\n"
                                            "UPDATE T SET n = 0 WHERE n IS NULL\n"));
}

namespace {

// The operations makemigrations writes from `before` to `after`, and their SQL for `provider`.
std::string migrated(const json& before, const json& after, const std::string& provider) {
  return sql(before, after, schema_change::diff_schemas(before, after).operations, provider);
}

}  // namespace

TEST_CASE("a primary key moved to a column that was there already", "[render]") {
  // Owner keyed by a generated id, then by its code; Thing's reference column keeps its name,
  // but refers to the new key: its foreign key is made anew.
  const json before = schema(R"({"name":"Owner","attrs":[
      {"name":"code","kind":"Req","type":"int","unique":true},
      {"name":"things","kind":"Set","type":"Thing"}]},
    {"name":"Thing","attrs":[{"name":"owner","kind":"Single","type":"Owner"}]})");
  const json after = schema(R"({"name":"Owner","attrs":[
      {"name":"code","kind":"PK","type":"int"},
      {"name":"things","kind":"Set","type":"Thing"}]},
    {"name":"Thing","attrs":[{"name":"owner","kind":"Single","type":"Owner"}]})");
  const auto changes = schema_change::diff_schemas(before, after);
  std::vector<std::string> kinds;
  for (const json& o : changes.operations) kinds.push_back(o["op"]);
  CHECK(kinds == std::vector<std::string>{"drop_foreign_key", "drop_primary_key", "drop_column",
                                          "alter_column", "add_primary_key", "add_foreign_key"});
  const std::string pg = migrated(before, after, "postgres");
  CHECK_THAT(pg, Catch::Contains("ALTER TABLE \"owner\" ADD PRIMARY KEY (\"code\")") &&
                     Catch::Contains("REFERENCES \"owner\" (\"code\")"));
  const std::string maria = migrated(before, after, "mariadb");
  CHECK_THAT(maria, Catch::Contains("ALTER TABLE `owner` MODIFY COLUMN `id` BIGINT NOT NULL\n"
                                    "ALTER TABLE `owner` DROP PRIMARY KEY"));
}

TEST_CASE("an enumeration that loses names says which", "[render]") {
  const json before = schema(R"({"name":"T","attrs":[
      {"name":"e","kind":"Req","type":"enum","values":["a","it's","b"]}]})");
  const json after = schema(R"({"name":"T","attrs":[
      {"name":"e","kind":"Req","type":"enum","values":["b"]}]})");
  const auto changes = schema_change::diff_schemas(before, after);
  REQUIRE(changes.destructive.size() == 1);
  CHECK_THAT(changes.destructive[0],
             Catch::StartsWith("removes 'a', 'it's' from the values of t.e"));
  CHECK(schema_change::diff_schemas(after, before).destructive.empty());
}

TEST_CASE("classes that change tables: numbered discriminators, keys of their own", "[render]") {
  // A hierarchy keyed by a code, with numbered classes; Student leaves with a year of its own.
  const json before = schema(R"({"name":"P","discriminator":1,"attrs":[
      {"name":"code","kind":"PK","type":"str"},{"name":"name","kind":"Req","type":"str"},
      {"name":"kind","kind":"Discriminator","type":"int"}]},
    {"name":"Student","base":"P","discriminator":2,"attrs":[]},
    {"name":"Teacher","base":"P","discriminator":3,"attrs":[]})");
  const json after = schema(R"({"name":"P","discriminator":1,"attrs":[
      {"name":"code","kind":"PK","type":"str"},{"name":"name","kind":"Req","type":"str"},
      {"name":"kind","kind":"Discriminator","type":"int"}]},
    {"name":"Student","attrs":[{"name":"code","kind":"PK","type":"str"},
      {"name":"name","kind":"Req","type":"str"},{"name":"year","kind":"Opt","type":"int"}]},
    {"name":"Teacher","base":"P","discriminator":3,"attrs":[]})");
  const auto ops = schema_change::diff_schemas(before, after).operations;
  const json* move = nullptr;
  for (const json& o : ops) {
    if (o["op"] == "move_class") move = &o;
  }
  REQUIRE(move != nullptr);
  CHECK((*move)["columns"] == json{"code", "name"});  // (year is new)
  CHECK((*move)["from_value"] == "2");
  CHECK((*move)["from_type"] == "int");
  CHECK_FALSE(move->contains("sequence"));  // a text key
  const std::string pg = migrated(before, after, "postgres");
  CHECK_THAT(pg, Catch::Contains("INSERT INTO \"student\" (\"code\", \"name\") SELECT "
                                 "\"code\", \"name\" FROM \"p\" WHERE \"kind\" = 2\n"
                                 "DELETE FROM \"p\" WHERE \"kind\" = 2"));
  // And back, into the hierarchy: the rows get the class's number.
  CHECK_THAT(migrated(after, before, "postgres"),
             Catch::Contains("INSERT INTO \"p\" (\"code\", \"name\", \"kind\") SELECT "
                             "\"code\", \"name\", 2 FROM \"student\""));

  // A composite key: no sequence to move.
  const json pairs = schema(R"({"name":"Q","primary_key":["a","b"],"attrs":[
      {"name":"a","kind":"Req","type":"int"},{"name":"b","kind":"Req","type":"int"}]},
    {"name":"R","base":"Q","attrs":[]})");
  const json apart = schema(R"({"name":"Q","primary_key":["a","b"],"attrs":[
      {"name":"a","kind":"Req","type":"int"},{"name":"b","kind":"Req","type":"int"}]},
    {"name":"R","primary_key":["a","b"],"attrs":[
      {"name":"a","kind":"Req","type":"int"},{"name":"b","kind":"Req","type":"int"}]})");
  for (const json& o : schema_change::diff_schemas(pairs, apart).operations) {
    if (o["op"] == "move_class") CHECK_FALSE(o.contains("sequence"));
  }

  // A class that leaves a table renamed in the same migration: not moved (its rows go, said).
  const json renamed = schema(R"({"name":"Person","renamed_from":"P","discriminator":1,"attrs":[
      {"name":"code","kind":"PK","type":"str"},{"name":"name","kind":"Req","type":"str"},
      {"name":"kind","kind":"Discriminator","type":"int"}]},
    {"name":"Student","attrs":[{"name":"code","kind":"PK","type":"str"},
      {"name":"name","kind":"Req","type":"str"}]},
    {"name":"Teacher","base":"Person","discriminator":3,"attrs":[]})");
  const auto left = schema_change::diff_schemas(before, renamed);
  std::vector<std::string> kinds;
  for (const json& o : left.operations) kinds.push_back(o["op"]);
  CHECK(std::count(kinds.begin(), kinds.end(), "move_class") == 0);
  CHECK(std::count(kinds.begin(), kinds.end(), "delete_class") == 1);
}

TEST_CASE("SQLite: rows move into a table rebuilt first, once", "[render]") {
  // Two classes join a hierarchy whose root's name becomes unique (a rebuild on SQLite).
  const json before = schema(R"({"name":"P","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"A","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"B","attrs":[{"name":"name","kind":"Req","type":"str"}]})");
  const json after = schema(R"({"name":"P","attrs":[
      {"name":"name","kind":"Req","type":"str","unique":true}]},
    {"name":"A","base":"P","attrs":[]},
    {"name":"B","base":"P","attrs":[]})");
  const std::string lite = migrated(before, after, "sqlite");
  const auto rebuilt = lite.find("CREATE TABLE \"nextorm_new_P\"");
  const auto first = lite.find("INSERT INTO \"P\" (\"id\", \"name\", \"classtype\")");
  REQUIRE(rebuilt != std::string::npos);
  REQUIRE(first != std::string::npos);
  CHECK(rebuilt < first);
  CHECK(lite.find("CREATE TABLE \"nextorm_new_P\"", rebuilt + 1) == std::string::npos);
}

TEST_CASE("a hand-edited move_class names columns its tables have", "[render]") {
  const json before = schema(R"({"name":"P","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"S","base":"P","attrs":[]})");
  const json after = schema(R"({"name":"P","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"S","attrs":[{"name":"name","kind":"Req","type":"str"},
      {"name":"extra","kind":"Opt","type":"int"}]})");
  const auto fails = [&](const json& o, const std::string& words) {
    CHECK_THROWS_WITH(sql(before, after, json::array({o}), "postgres"),
                      Catch::Contains("migrate.operation") && Catch::Contains(words));
  };
  json moved = {
      {"op", "move_class"}, {"class", "S"}, {"from", "p"}, {"to", "s"}, {"columns", {"nope"}}};
  fails(moved, "there is no column s.nope");
  moved["columns"] = {"extra"};
  fails(moved, "there is no column p.extra");
  moved["columns"] = {"name"};
  moved["from_column"] = "kind";
  moved["from_value"] = "S";
  fails(moved, "there is no column p discriminator");
}
