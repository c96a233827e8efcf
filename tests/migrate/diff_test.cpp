// makemigrations' diff (src/migrate/diff.cpp): which operations lead from one schema to the next,
// what it calls destructive, and which renames it finds, declared or undone. No database.
#include "migrate/diff.hpp"

#include <nextorm/errors.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using nextorm::schema_change::diff_schemas;
using nlohmann::json;

namespace {

// A schema of entities given as "Name: attr json, attr json; Name2: ..." is too clever: the
// tests write the JSON.
json schema(const std::string& entities) {
  return json::parse(R"({"entities":[)" + entities + "]}");
}

// The operations as "op table column" lines.
std::vector<std::string> ops(const json& before, const json& after) {
  std::vector<std::string> out;
  for (const json& op : diff_schemas(before, after).operations) {
    std::string line = op["op"];
    for (const char* key : {"table", "from", "to", "column"}) {
      if (!op.contains(key)) continue;
      if (op[key].is_array()) {
        for (const auto& v : op[key]) line += " " + v.get<std::string>();
      } else {
        line += " " + op[key].get<std::string>();
      }
    }
    if (op.contains("columns")) {
      for (const auto& c : op["columns"]) line += " " + c.get<std::string>();
    }
    out.push_back(line);
  }
  return out;
}

const std::string product =
    R"({"name":"Product","attrs":[{"name":"title","kind":"Req","type":"str","max_len":40},
                                  {"name":"price","kind":"Opt","type":"float"}]})";

}  // namespace

TEST_CASE("the first schema creates every table, then its foreign keys", "[diff]") {
  const json s =
      schema(R"({"name":"Category","attrs":[{"name":"products","kind":"Set","type":"Product"}]},
    {"name":"Product","attrs":[{"name":"category","kind":"Single","type":"Category"}]})");
  CHECK(ops(json::object(), s) == std::vector<std::string>{"create_table category",
                                                           "create_table product",
                                                           "add_foreign_key product category"});
  CHECK(ops(s, s).empty());
}

TEST_CASE("columns added, dropped, retyped; what loses data is named", "[diff]") {
  const json before = schema(product);
  const json after = schema(
      R"({"name":"Product","attrs":[{"name":"title","kind":"Req","type":"str","max_len":20},
                                    {"name":"stock","kind":"Req","type":"int"}]})");
  const auto changes = diff_schemas(before, after);
  CHECK(ops(before, after) == std::vector<std::string>{"drop_column product price",
                                                       "alter_column product title",
                                                       "add_column product stock"});
  REQUIRE(changes.destructive.size() == 2);
  CHECK(changes.destructive[0] == "drops column product.price and the values it holds");
  CHECK(changes.destructive[1] ==
        "changes the type of product.title from VARCHAR(40) to VARCHAR(20): values that do not "
        "fit would be cut or refused");
  CHECK(changes.possible_renames == std::vector<std::string>{"product.price -> product.stock"});
  // Widening keeps every value.
  const json wider = schema(
      R"({"name":"Product","attrs":[{"name":"title","kind":"Req","type":"str","max_len":80},
                                    {"name":"price","kind":"Opt","type":"float"}]})");
  CHECK(diff_schemas(before, wider).destructive.empty());
  const json text = schema(
      R"({"name":"Product","attrs":[{"name":"title","kind":"Req","type":"str"},
                                    {"name":"price","kind":"Opt","type":"float"}]})");
  CHECK(diff_schemas(before, text).destructive.empty());
  const json ints =
      schema(R"({"name":"T","attrs":[{"name":"n","kind":"Req","type":"int","size":32}]})");
  const json longs = schema(R"({"name":"T","attrs":[{"name":"n","kind":"Req","type":"int"}]})");
  CHECK(diff_schemas(ints, longs).destructive.empty());
  CHECK(diff_schemas(longs, ints).destructive.size() == 1);
  // NOT NULL: without a default it is destructive, with one it is not.
  const json nullable = schema(R"({"name":"T","attrs":[{"name":"n","kind":"Opt","type":"int"}]})");
  CHECK(diff_schemas(nullable, longs).destructive.front().find("NOT NULL without a default") !=
        std::string::npos);
  const json with_default =
      schema(R"({"name":"T","attrs":[{"name":"n","kind":"Req","type":"int","default":3}]})");
  CHECK(diff_schemas(nullable, with_default).destructive.empty());
}

TEST_CASE("indexes, unique keys and foreign keys come and go", "[diff]") {
  const json before =
      schema(R"({"name":"A","attrs":[{"name":"x","kind":"Req","type":"int","index":true},
      {"name":"y","kind":"Req","type":"int"},{"name":"z","kind":"Req","type":"int"},
      {"name":"bs","kind":"Set","type":"B"}],"composite_keys":[["y","z"]]},
    {"name":"B","attrs":[{"name":"a","kind":"Single","type":"A"}]})");
  const json after = schema(R"({"name":"A","attrs":[{"name":"x","kind":"Req","type":"int"},
      {"name":"y","kind":"Req","type":"int","index":true},{"name":"z","kind":"Req","type":"int"}],
      "composite_keys":[["z","y"]]},
    {"name":"B","attrs":[{"name":"n","kind":"Opt","type":"int"}]})");
  CHECK(ops(before, after) == std::vector<std::string>{"drop_index a x", "drop_unique a y z",
                                                       "drop_foreign_key b a", "drop_index b a",
                                                       "drop_column b a", "add_column b n",
                                                       "create_index a y", "add_unique a z y"});
  // A reference that goes to another entity, or cascades differently, is a new foreign key.
  const json cascading =
      schema(R"({"name":"A","attrs":[{"name":"bs","kind":"Set","type":"B","cascade_delete":true}]},
    {"name":"B","attrs":[{"name":"a","kind":"Single","type":"A","optional":true}]})");
  const json plain = schema(R"({"name":"A","attrs":[{"name":"bs","kind":"Set","type":"B"}]},
    {"name":"B","attrs":[{"name":"a","kind":"Single","type":"A","optional":true}]})");
  CHECK(ops(cascading, plain) ==
        std::vector<std::string>{"drop_foreign_key b a", "add_foreign_key b a"});
}

TEST_CASE("tables dropped in reverse order of creation, created in order", "[diff]") {
  const json two = schema(R"({"name":"A","attrs":[{"name":"bs","kind":"Set","type":"B"}]},
    {"name":"B","attrs":[{"name":"a","kind":"Single","type":"A"}]})");
  const json none = schema(R"({"name":"C","attrs":[{"name":"n","kind":"Opt","type":"int"}]})");
  const auto changes = diff_schemas(two, none);
  CHECK(ops(two, none) ==
        std::vector<std::string>{"drop_table b", "drop_table a", "create_table c"});
  CHECK(changes.destructive.size() == 2);
  CHECK(changes.possible_renames == std::vector<std::string>{"a -> c", "b -> c"});
}

TEST_CASE("renames are declared with renamed_from, and undone the other way", "[diff]") {
  const json v1 =
      schema(R"({"name":"Person","attrs":[{"name":"name","kind":"Req","type":"str","index":true},
      {"name":"clubs","kind":"Set","type":"Club"}]},
    {"name":"Club","attrs":[{"name":"members","kind":"Set","type":"Person"}]})");
  const json v2 = schema(R"({"name":"Human","renamed_from":"Person","attrs":[
      {"name":"fullname","kind":"Req","type":"str","index":true,"renamed_from":"name"},
      {"name":"clubs","kind":"Set","type":"Club"}]},
    {"name":"Club","attrs":[{"name":"members","kind":"Set","type":"Human"}]})");
  const auto forward = diff_schemas(v1, v2);
  CHECK(ops(v1, v2) == std::vector<std::string>{"rename_table club_person club_human",
                                                "rename_table person human",
                                                "rename_column human name fullname",
                                                "rename_column club_human person human"});
  CHECK(forward.destructive.empty());
  // The same snapshots the other way round: the renames undone.
  CHECK(ops(v2, v1) == std::vector<std::string>{"rename_table club_human club_person",
                                                "rename_table human person",
                                                "rename_column person fullname name",
                                                "rename_column club_person human person"});
  // A renamed_from whose old name is not in the snapshot before does nothing.
  CHECK(ops(v2, v2).empty());
  // An attribute renamed within an entity that keeps its name.
  const json a = schema(R"({"name":"T","attrs":[{"name":"a","kind":"Req","type":"int"}]})");
  const json b =
      schema(R"({"name":"T","attrs":[{"name":"b","kind":"Req","type":"int","renamed_from":"a"}]})");
  CHECK(ops(a, b) == std::vector<std::string>{"rename_column t a b"});
  CHECK(ops(b, a) == std::vector<std::string>{"rename_column t b a"});
}

TEST_CASE("a primary key that changes is dropped before the columns change, added after",
          "[diff]") {
  const json a =
      schema(R"({"name":"T","primary_key":["x","y"],"attrs":[{"name":"x","kind":"Req","type":"int"},
      {"name":"y","kind":"Req","type":"int"}]})");
  const json b =
      schema(R"({"name":"T","primary_key":["y","x"],"attrs":[{"name":"x","kind":"Req","type":"int"},
      {"name":"y","kind":"Req","type":"int"}]})");
  CHECK(ops(a, b) == std::vector<std::string>{"drop_primary_key t x y", "add_primary_key t y x"});
  // To a generated id and back: the id is added as the key, or dropped after the key.
  const json c = schema(R"({"name":"T","attrs":[{"name":"x","kind":"Req","type":"int"},
      {"name":"y","kind":"Req","type":"int"}]})");
  CHECK(ops(a, c) == std::vector<std::string>{"drop_primary_key t x y", "add_column t id",
                                              "add_primary_key t id"});
  CHECK(ops(c, a) == std::vector<std::string>{"drop_primary_key t id", "drop_column t id",
                                              "add_primary_key t x y"});
  // A renamed key column is no new key.
  const json d =
      schema(R"({"name":"T","primary_key":["z","y"],"attrs":[{"name":"z","kind":"Req","type":"int",
      "renamed_from":"x"},{"name":"y","kind":"Req","type":"int"}]})");
  CHECK(ops(a, d) == std::vector<std::string>{"rename_column t x z"});
}

TEST_CASE("what is not a rename, and renames that keep their names", "[diff]") {
  const auto t = [](const std::string& attrs) { return R"({"name":"T","attrs":[)" + attrs + "]}"; };
  // A kept composite key; a new table with one.
  const json keyed = schema(R"({"name":"K","attrs":[{"name":"a","kind":"Req","type":"int"},
      {"name":"b","kind":"Req","type":"int"}],"composite_keys":[["a","b"]]})");
  const json more = schema(R"({"name":"K","attrs":[{"name":"a","kind":"Req","type":"int"},
      {"name":"b","kind":"Req","type":"int"}],"composite_keys":[["a","b"]]},
    {"name":"L","attrs":[{"name":"a","kind":"Req","type":"int"},
      {"name":"b","kind":"Req","type":"int"}],"composite_keys":[["a","b"]]})");
  CHECK(ops(keyed, more) == std::vector<std::string>{"create_table l"});
  // A 32-bit integer to text loses nothing but is no widening NextORM knows: destructive.
  const json small = schema(t(R"({"name":"n","kind":"Req","type":"int","size":32})"));
  const json text = schema(t(R"({"name":"n","kind":"Req","type":"str"})"));
  CHECK(diff_schemas(small, text).destructive.size() == 1);
  // renamed_from naming an entity that is still there: Person stays, Human is new.
  const json both = schema(R"({"name":"Person","attrs":[{"name":"n","kind":"Opt","type":"int"}]},
    {"name":"Human","attrs":[{"name":"n","kind":"Opt","type":"int"}]})");
  const json one = schema(
      R"({"name":"Human","renamed_from":"Person","attrs":[{"name":"n","kind":"Opt","type":"int"}]})");
  CHECK(ops(both, one) == std::vector<std::string>{"drop_table person"});
  // An entity renamed whose table is named explicitly keeps the table.
  const json named = schema(
      R"({"name":"Person","table":"people","attrs":[{"name":"n","kind":"Opt","type":"int"}]})");
  const json renamed = schema(
      R"({"name":"Human","table":"people","renamed_from":"Person","attrs":[{"name":"n","kind":"Opt","type":"int"}]})");
  CHECK(ops(named, renamed).empty());
  // An attribute renamed whose column is named explicitly keeps the column.
  const json column = schema(t(R"({"name":"a","kind":"Opt","type":"int","column":"c"})"));
  const json recolumn =
      schema(t(R"({"name":"b","kind":"Opt","type":"int","column":"c","renamed_from":"a"})"));
  CHECK(ops(column, recolumn).empty());
  // renamed_from naming an attribute that is still there: a new column.
  const json ab =
      schema(t(R"({"name":"a","kind":"Opt","type":"int"},{"name":"b","kind":"Opt","type":"int"})"));
  const json b_from_a = schema(t(R"({"name":"b","kind":"Opt","type":"int","renamed_from":"a"})"));
  CHECK(ops(ab, b_from_a) == std::vector<std::string>{"drop_column t a"});
  // A rename, and the old name used again by a new column.
  const json title = schema(t(R"({"name":"title","kind":"Opt","type":"int"})"));
  const json reused = schema(t(R"({"name":"name","kind":"Opt","type":"int","renamed_from":"title"},
      {"name":"title","kind":"Opt","type":"int"})"));
  CHECK(ops(title, reused) ==
        std::vector<std::string>{"rename_column t title name", "add_column t title"});
  // A table renamed, and a new one under its old name.
  const json a = schema(R"({"name":"A","attrs":[{"name":"n","kind":"Opt","type":"int"}]})");
  const json b_and_a =
      schema(R"({"name":"B","renamed_from":"A","attrs":[{"name":"n","kind":"Opt","type":"int"}]},
    {"name":"A","attrs":[{"name":"m","kind":"Opt","type":"int"}]})");
  CHECK(ops(a, b_and_a) == std::vector<std::string>{"rename_table a b", "create_table a"});
}

TEST_CASE("renames in hierarchies and relations", "[diff]") {
  // A subclass renamed: its rows stay in its root's table, their discriminator (its name by
  // default) given the new name, or no query would read them.
  const json classes = schema(
      R"({"name":"Animal","attrs":[{"name":"name","kind":"Req","type":"str","renamed_from":"label"}]},
    {"name":"Dog","base":"Animal","attrs":[{"name":"bark","kind":"Opt","type":"str"}]})");
  const json renamed = schema(
      R"({"name":"Animal","attrs":[{"name":"name","kind":"Req","type":"str","renamed_from":"label"}]},
    {"name":"Hound","base":"Animal","renamed_from":"Dog","attrs":[{"name":"bark","kind":"Opt","type":"str"}]})");
  CHECK(ops(classes, renamed) ==
        std::vector<std::string>{"update_discriminator animal Dog Hound classtype"});
  CHECK(ops(renamed, classes) ==
        std::vector<std::string>{"update_discriminator animal Hound Dog classtype"});
  // A one-to-many Set that becomes a many-to-many: a join table, the old column gone.
  const json one_to_many = schema(R"({"name":"A","attrs":[{"name":"bs","kind":"Set","type":"B"}]},
    {"name":"B","attrs":[{"name":"a","kind":"Single","type":"A","optional":true}]})");
  const json many = schema(R"({"name":"A","attrs":[{"name":"bs","kind":"Set","type":"B"}]},
    {"name":"B","attrs":[{"name":"a","kind":"Set","type":"A"}]})");
  CHECK(ops(one_to_many, many) == std::vector<std::string>{"drop_foreign_key b a", "drop_index b a",
                                                           "drop_column b a", "create_table a_b",
                                                           "add_foreign_key a_b a",
                                                           "add_foreign_key a_b b"});
  // A reference moved to a new table while its old one goes.
  const json to_b = schema(R"({"name":"B","attrs":[{"name":"cs","kind":"Set","type":"C"}]},
    {"name":"C","attrs":[{"name":"r","kind":"Single","type":"B","optional":true}]})");
  const json to_d = schema(R"({"name":"D","attrs":[{"name":"cs","kind":"Set","type":"C"}]},
    {"name":"C","attrs":[{"name":"r","kind":"Single","type":"D","optional":true}]})");
  CHECK(ops(to_b, to_d) == std::vector<std::string>{"drop_foreign_key c r", "drop_table b",
                                                    "create_table d", "add_foreign_key c r"});
}

TEST_CASE("a nullable column retyped stays nullable: nothing NOT NULL to refuse", "[diff]") {
  const json a = schema(R"({"name":"T","attrs":[{"name":"n","kind":"Opt","type":"int"}]})");
  const json b = schema(R"({"name":"T","attrs":[{"name":"n","kind":"Opt","type":"float"}]})");
  const auto changes = diff_schemas(a, b);
  CHECK(ops(a, b) == std::vector<std::string>{"alter_column t n"});
  CHECK(changes.destructive.size() == 1);  // (the type: an integer past 2^53 loses digits)
}

TEST_CASE("the classes of a hierarchy keep their rows through renames, new values and drops",
          "[diff]") {
  const json before = schema(R"({"name":"P","attrs":[{"name":"n","kind":"Opt","type":"int"}]},
    {"name":"Student","base":"P","attrs":[]},
    {"name":"Teacher","base":"P","attrs":[]},
    {"name":"Guest","base":"P","attrs":[]})");
  // A chain of renames: Student becomes Teacher while Teacher becomes Professor; Guest goes.
  const json chain = schema(R"({"name":"P","attrs":[{"name":"n","kind":"Opt","type":"int"}]},
    {"name":"Teacher","base":"P","renamed_from":"Student","attrs":[]},
    {"name":"Professor","base":"P","renamed_from":"Teacher","attrs":[]})");
  const auto forward = diff_schemas(before, chain);
  CHECK(ops(before, chain) ==
        std::vector<std::string>{
            "delete_class p classtype",
            "update_discriminator p Student Teacher Teacher Professor classtype"});
  CHECK(forward.operations[0]["values"] == json{"Guest"});
  REQUIRE(forward.destructive.size() == 1);
  CHECK(forward.destructive[0] == "drops class Guest and its rows in table p");
  // Undone: the same classes, the other way (Guest's rows cannot come back).
  CHECK(ops(chain, before) ==
        std::vector<std::string>{
            "update_discriminator p Teacher Professor Student Teacher classtype"});
  // A rename made by an earlier migration (renamed_from left in the schema) is no rename.
  CHECK(ops(chain, chain).empty());
  // The hierarchy that ends (no subclass left): its discriminator column goes, its rows stay.
  const json flat = schema(R"({"name":"P","attrs":[{"name":"n","kind":"Opt","type":"int"}]})");
  CHECK(ops(before, flat) == std::vector<std::string>{"drop_column p classtype"});
  // A renamed class that takes the name of a class that goes: the one's rows deleted, the
  // other's renamed. A subclass that leaves for a table of its own takes its rows there.
  const json taken = schema(R"({"name":"P","attrs":[{"name":"n","kind":"Opt","type":"int"}]},
    {"name":"Guest","base":"P","renamed_from":"Student","attrs":[]},
    {"name":"Teacher","attrs":[]})");
  CHECK(ops(before, taken) ==
        std::vector<std::string>{"create_table teacher", "move_class p teacher id",
                                 "delete_class p classtype",
                                 "update_discriminator p Student Guest classtype"});
  const auto moved = diff_schemas(before, taken).operations;
  CHECK(moved[1]["from_column"] == "classtype");
  CHECK(moved[1]["from_value"] == "Teacher");
  CHECK_FALSE(moved[1].contains("to_column"));
  CHECK(moved[1]["sequence"] == "id");
  CHECK(moved[2]["values"] == json{"Guest"});
  // A hierarchy whose table goes takes its rows along.
  const json gone = schema(R"({"name":"Other","attrs":[{"name":"n","kind":"Opt","type":"int"}]})");
  CHECK(ops(before, gone) == std::vector<std::string>{"drop_table p", "create_table other"});
  // A discriminator's type is not changed by any operation yet.
  const json typed = schema(R"({"name":"P","discriminator":1,"attrs":[
      {"name":"n","kind":"Opt","type":"int"},
      {"name":"classtype","kind":"Discriminator","type":"int"}]},
    {"name":"Student","base":"P","discriminator":2,"attrs":[]},
    {"name":"Teacher","base":"P","discriminator":3,"attrs":[]},
    {"name":"Guest","base":"P","discriminator":4,"attrs":[]})");
  CHECK_THROWS_WITH(diff_schemas(before, typed),
                    Catch::Contains("migrate.unsupported") &&
                        Catch::Contains("the discriminator of P changes its type (str to int)"));
}
