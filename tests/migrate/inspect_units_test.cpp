// inspect without a database: catalogs written out as data, so that every rule of
// docs/inspect.md (names made spellable, plurals, join tables, keys, hierarchies, names files)
// is shown on the shape that triggers it, whatever a provider's catalog can hold.
#include <nextorm/errors.hpp>
#include <nextorm/registry.hpp>

#include <catch2/catch.hpp>

#include "migrate/inspect.hpp"
#include "migrate/inspect_model.hpp"

#include <string>
#include <vector>

namespace {

using nextorm::schema_change::catalog_column;
using nextorm::schema_change::catalog_foreign_key;
using nextorm::schema_change::catalog_key;
using nextorm::schema_change::catalog_table;
using nextorm::schema_change::inspect_catalog;
using json = nlohmann::json;

catalog_column column(std::string name, std::string type = "int", bool nullable = false) {
  catalog_column c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.sql_type = c.type;
  c.nullable = nullable;
  return c;
}

// A table keyed by an auto-increment `id` (PonyORM's implicit key) with `more` columns.
catalog_table table(std::string name, std::vector<catalog_column> more = {}) {
  catalog_table t;
  t.name = std::move(name);
  catalog_column id = column("id");
  id.auto_increment = true;
  t.columns.push_back(id);
  for (auto& c : more) t.columns.push_back(std::move(c));
  t.primary_key = {"id"};
  return t;
}

catalog_foreign_key key(std::vector<std::string> columns, std::string parent,
                        std::vector<std::string> parent_columns = {"id"},
                        std::string on_delete = "CASCADE") {
  return {"", std::move(columns), std::move(parent), std::move(parent_columns),
          std::move(on_delete)};
}

json inspected(const std::vector<catalog_table>& tables, const json& names = nullptr,
               std::vector<std::string>* notes = nullptr, const char* provider = "sqlite") {
  auto out = inspect_catalog(tables, names, provider);
  if (notes != nullptr) *notes = out.notes;
  return out.schema;
}

const json& entity(const json& schema, const std::string& name) {
  for (const json& e : schema["entities"]) {
    if (e["name"] == name) return e;
  }
  FAIL("no entity " << name << " in " << schema.dump(2));
  throw;
}

json attr(const json& schema, const std::string& owner, const std::string& name) {
  for (const json& a : entity(schema, owner)["attrs"]) {
    if (a["name"] == name) return a;
  }
  return nullptr;
}

std::string all(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes) out += n + "\n";
  return out;
}

}  // namespace

TEST_CASE("inspect makes names that queries can spell, and plurals for reverse sides") {
  std::vector<catalog_table> tables{
      table("parent", {column("from"), column("2fa"), column("kids")}),
      table("order lines"),
      table("order_lines"),
  };
  tables.push_back(table("class"));
  for (const char* child :
       {"glass", "box", "quiz", "match", "wish", "category", "day", "y", "groups", "kid"}) {
    tables.push_back(table(child, {column("parent")}));
    tables.back().foreign_keys.push_back(key({"parent"}, "parent"));
  }
  std::vector<std::string> notes;
  const json schema = inspected(tables, nullptr, &notes);
  INFO(schema.dump(2));
  CHECK(attr(schema, "parent", "from_") ==
        json{{"name", "from_"}, {"kind", "Req"}, {"type", "int"}, {"column", "from"}});
  CHECK(attr(schema, "parent", "_2fa")["column"] == "2fa");
  CHECK(entity(schema, "order_lines")["table"] == "order lines");
  CHECK(entity(schema, "order_lines_2")["table"] == "order_lines");
  CHECK(entity(schema, "class_")["table"] == "class");
  for (const char* reverse : {"glasses", "boxes", "quizes", "matches", "wishes", "categories",
                              "days", "ys", "groups", "kids_2"}) {
    INFO(reverse);
    CHECK(attr(schema, "parent", reverse)["kind"] == "Set");
  }
}

TEST_CASE("inspect tells join tables from entities by their keys") {
  std::vector<catalog_table> tables{table("a"), table("b")};
  catalog_table nokey = table("nokey");
  nokey.primary_key.clear();
  tables.push_back(nokey);
  auto link = [](std::string name, catalog_foreign_key first, catalog_foreign_key second,
                 std::vector<std::string> columns) {
    catalog_table t;
    t.name = std::move(name);
    for (const auto& c : columns) t.columns.push_back(column(c));
    t.primary_key = columns;
    t.foreign_keys = {std::move(first), std::move(second)};
    return t;
  };
  // Entities, not join tables: a key to a table that is not there, to one without a key, to
  // itself, to columns that are not the key, two keys over one column, a key over a column the
  // table does not have.
  tables.push_back(link("to_missing", key({"x"}, "missing"), key({"y"}, "a"), {"x", "y"}));
  tables.push_back(link("to_nokey", key({"x"}, "nokey"), key({"y"}, "a"), {"x", "y"}));
  tables.push_back(link("to_self", key({"x"}, "to_self", {"x"}), key({"y"}, "a"), {"x", "y"}));
  tables.push_back(link("to_other", key({"x"}, "a", {"other"}), key({"y"}, "b"), {"x", "y"}));
  tables.push_back(link("same_column", key({"x"}, "a"), key({"x"}, "b"), {"x", "y"}));
  tables.push_back(link("ghost", key({"x"}, "a"), key({"z"}, "b"), {"x", "y"}));
  // Join tables: one of two entities (named otherwise than PonyORM would), an entity's own
  // with two sides (X_X) and symmetric ones (with and without the E_ prefix).
  tables.push_back(link("a_and_b", key({"a_id"}, "a"), key({"b_id"}, "b"), {"a_id", "b_id"}));
  tables.push_back(link("a_a", key({"a"}, "a"), key({"a_2"}, "a"), {"a", "a_2"}));
  tables.push_back(link("a_friends", key({"a"}, "a"), key({"b"}, "a"), {"a", "b"}));
  tables.push_back(link("links", key({"a"}, "a"), key({"a_2"}, "a"), {"a", "a_2"}));
  tables.push_back(link("a_aa", key({"a"}, "a"), key({"a_2"}, "a"), {"a", "a_2"}));
  std::vector<std::string> notes;
  const json schema = inspected(tables, nullptr, &notes);
  INFO(schema.dump(2) << "\n" << all(notes));
  for (const char* e : {"to_missing", "to_nokey", "to_self", "to_other", "same_column", "ghost"}) {
    INFO(e);
    CHECK(entity(schema, e)["primary_key"].size() == 2);
  }
  CHECK_THAT(all(notes), Catch::Contains("table nokey has no primary key"));
  CHECK_THAT(all(notes), Catch::Contains("to_missing: the foreign key over x does not refer"));
  CHECK(attr(schema, "a", "bs") == json{{"name", "bs"},
                                        {"kind", "Set"},
                                        {"type", "b"},
                                        {"table", "a_and_b"},
                                        {"column", "b_id"}});
  CHECK(attr(schema, "b", "as_") == json{{"name", "as_"},
                                         {"kind", "Set"},
                                         {"type", "a"},
                                         {"table", "a_and_b"},
                                         {"column", "a_id"}});
  // ("as" is a keyword: as_ and as_2 for a_a, as__2 for the symmetric links.)
  CHECK(attr(schema, "a", "as_")["reverse"] == "as_2");
  CHECK(attr(schema, "a", "as_2")["reverse"] == "as_");
  CHECK(attr(schema, "a", "friends") == json{{"name", "friends"},
                                             {"kind", "Set"},
                                             {"type", "a"},
                                             {"reverse", "friends"},
                                             {"reverse_column", "b"}});
  CHECK(attr(schema, "a", "as__2")["table"] == "links");
  CHECK(attr(schema, "a", "aa")["reverse"] == "aa");
  CHECK_THAT(all(notes), Catch::Contains("the join table links is read as PonyORM's symmetric"));
}

TEST_CASE("inspect reads references, keys and values from what the catalog says of them") {
  catalog_table owner = table("owner", {column("code", "str")});
  owner.unique_keys.push_back({"", {"code"}});
  catalog_column amount = column("amount", "decimal");  // NUMERIC without arguments
  catalog_column huge = column("huge");
  huge.size = 64;
  huge.is_unsigned = true;
  huge.sql_type = "bigint unsigned";
  catalog_column colour = column("colour", "enum");
  colour.enum_values = {"red", "green"};
  catalog_column label = column("label", "str", true);
  label.default_sql = "'-'";
  catalog_column shape = column("shape", "", true);
  shape.sql_type = "";
  catalog_column unique_note = column("unique_note", "str", true);
  catalog_table thing =
      table("thing", {column("owner_id"), column("backup", "int", true), column("by_code", "str"),
                      amount, huge, colour, label, shape, unique_note, column("partial_u"),
                      column("indexed"), column("partial_i"), column("classtype", "int")});
  thing.foreign_keys = {key({"owner_id"}, "owner", {"id"}, ""),
                        key({"backup"}, "owner", {"id"}, "SET NULL"),
                        key({"by_code"}, "owner", {"code"})};
  thing.unique_keys = {
      {"", {"owner_id"}}, {"", {"unique_note"}}, {"", {"partial_u"}, true}, {"", {"backup"}, true}};
  thing.indexes = {{"i1", {"indexed"}},
                   {"i2", {"partial_i"}, true},
                   {"i3", {"owner_id"}},
                   {"i4", {"indexed", "partial_i"}, true}};
  // Keys that are not PonyORM's implicit one: not first, not named id, not an int, not auto.
  catalog_table later = table("later");
  later.columns = {column("x"), column("id")};
  later.columns[1].auto_increment = true;
  later.primary_key = {"id"};
  catalog_table named = table("named");
  named.columns[0].name = "key";
  named.primary_key = {"key"};
  catalog_table text_key = table("text_key");
  text_key.columns[0].type = "str";
  text_key.columns[0].default_sql = "'k'";
  catalog_table plain_key = table("plain_key");
  plain_key.columns[0].auto_increment = false;
  plain_key.columns[0].default_sql = "7";
  std::vector<std::string> notes;
  const json schema =
      inspected({owner, thing, later, named, text_key, plain_key}, nullptr, &notes, "postgres");
  INFO(schema.dump(2) << "\n" << all(notes));
  // A unique reference is a one-to-one; one without ON DELETE that is not is a Set's.
  CHECK(attr(schema, "Thing", "owner") == json{{"name", "owner"},
                                               {"kind", "Single"},
                                               {"type", "Owner"},
                                               {"unique", true},
                                               {"column", "owner_id"},
                                               {"reverse", "thing_by_owner"}});
  CHECK(attr(schema, "Owner", "thing_by_owner") == json{{"name", "thing_by_owner"},
                                                        {"kind", "Single"},
                                                        {"type", "Thing"},
                                                        {"optional", true},
                                                        {"reverse", "owner"}});
  CHECK(attr(schema, "Thing", "backup")["optional"] == true);
  CHECK(attr(schema, "Thing", "by_code") ==
        json{{"name", "by_code"}, {"kind", "Req"}, {"type", "str"}});
  CHECK_THAT(all(notes), Catch::Contains("over by_code does not refer to an entity's primary key"));
  CHECK(attr(schema, "Thing", "amount") ==
        json{{"name", "amount"}, {"kind", "Req"}, {"type", "decimal"}});
  CHECK(attr(schema, "Thing", "huge") == json{{"name", "huge"}, {"kind", "Req"}, {"type", "int"}});
  CHECK_THAT(all(notes),
             Catch::Contains("Thing.huge: a bigint unsigned column is read as a signed"));
  CHECK(attr(schema, "Thing", "colour")["values"] == json{"red", "green"});
  CHECK(attr(schema, "Thing", "label") == json{{"name", "label"},
                                               {"kind", "Opt"},
                                               {"type", "str"},
                                               {"nullable", true},
                                               {"sql_default", "'-'"}});
  CHECK(attr(schema, "Thing", "shape") == json{{"name", "shape"},
                                               {"kind", "Opt"},
                                               {"type", "str"},
                                               {"sql_type", "TEXT"},
                                               {"nullable", true}});
  CHECK_THAT(all(notes), Catch::Contains("Thing.shape: the type (none) has no NextORM type"));
  CHECK(attr(schema, "Thing", "unique_note") ==
        json{{"name", "unique_note"}, {"kind", "Opt"}, {"type", "str"}, {"unique", true}});
  CHECK(attr(schema, "Thing", "partial_u") ==
        json{{"name", "partial_u"}, {"kind", "Req"}, {"type", "int"}});
  CHECK(attr(schema, "Thing", "indexed")["index"] == true);
  CHECK_FALSE(attr(schema, "Thing", "partial_i").contains("index"));
  CHECK_THAT(all(notes), Catch::Contains("thing: the index i4 has a condition or an expression"));
  // A classtype that is not text is a value like any other.
  CHECK(attr(schema, "Thing", "classtype")["type"] == "int");
  CHECK(attr(schema, "Later", "id") ==
        json{{"name", "id"}, {"kind", "PK"}, {"type", "int"}, {"auto", true}});
  CHECK(attr(schema, "Named", "key") ==
        json{{"name", "key"}, {"kind", "PK"}, {"type", "int"}, {"auto", true}});
  CHECK(attr(schema, "Text_key", "id") == json{{"name", "id"}, {"kind", "PK"}, {"type", "str"}});
  CHECK(attr(schema, "Plain_key", "id") ==
        json{{"name", "id"}, {"kind", "PK"}, {"type", "int"}, {"sql_default", "7"}});
}

TEST_CASE("inspect reads a hierarchy's classes from its classtype column") {
  catalog_table pet = table("pet", {column("classtype", "str"), column("name", "str"),
                                    column("bark", "int", true), column("lives", "int", true)});
  pet.classtypes = {"", "Cat", "Dog Breed", "Pet"};
  catalog_table twin = table("Pet_");  // an entity name taken by a class: Pet__2
  catalog_table twice = table("PET");  // a table's name in another letter case
  std::vector<std::string> notes;
  const json schema = inspected({pet, twice, twin}, nullptr, &notes, "postgres");
  INFO(schema.dump(2) << "\n" << all(notes));
  CHECK(entity(schema, "Pet")["attrs"].size() == 3);
  CHECK(entity(schema, "Cat")["base"] == "Pet");
  CHECK(entity(schema, "Dog_Breed")["discriminator"] == "Dog Breed");
  CHECK_THAT(all(notes), Catch::Contains("pet: rows whose classtype is empty belong to no class"));
  CHECK_THAT(all(notes), Catch::Contains("table PET differs from another table's name only in "
                                         "letter case"));
  CHECK_THAT(all(notes), Catch::Contains("Cat is a class of the hierarchy of Pet"));

  // The names file gives the classes their attributes, a class without rows yet, and renames.
  const json names = {{"entities",
                       {{{"name", "Dog"},
                         {"discriminator", "Dog Breed"},
                         {"attrs", {{{"name", "bark"}, {"kind", "Req"}}}}},
                        {{"name", "Cat"}, {"attrs", {{{"name", "lives"}, {"kind", "Opt"}}}}},
                        {{"name", "Kitten"}, {"base", "cat"}, {"composite_keys", json::array()}},
                        {{"name", "Animal"}, {"table", "pet"}}}}};
  const json named = inspected({pet}, names, &notes, "postgres");
  INFO(named.dump(2));
  CHECK(entity(named, "Animal")["table"] == "pet");
  CHECK(entity(named, "Dog")["base"] == "Animal");
  CHECK(entity(named, "Dog")["discriminator"] == "Dog Breed");
  CHECK(attr(named, "Dog", "bark") == json{{"name", "bark"}, {"kind", "Req"}, {"type", "int"}});
  CHECK(attr(named, "Animal", "bark").is_null());
  CHECK(attr(named, "Cat", "lives")["kind"] == "Opt");
  CHECK(entity(named, "Kitten")["base"] == "Cat");
  CHECK(entity(named, "Kitten")["composite_keys"] == json::array());
  CHECK_THAT(all(notes), !Catch::Contains("Cat is a class"));

  auto refused = [&](const json& n, const char* id, const std::string& says) {
    INFO(n.dump());
    try {
      (void)inspected({pet, table("other")}, n);
      FAIL("accepted");
    } catch (const nextorm::schema_error& e) {
      CHECK(e.id() == id);
      CHECK_THAT(e.what(), Catch::Contains(says));
    }
  };
  refused({{"entities", {{{"name", "Kid"}, {"base", "other"}}}}}, "inspect.unknown_entity",
          "no entity of the database with a classtype column");
  refused({{"entities", {{{"name", "Kid"}, {"base", "nobody"}}}}}, "inspect.unknown_entity",
          "nobody");
  refused({{"entities", {{{"name", "Cat"}, {"table", "other"}}}}}, "inspect.names",
          "renames an entity to Cat, the name of another");
  refused({{"entities", {{{"name", "Cat"}, {"attrs", {1}}}}}}, "inspect.names",
          "an attribute of Cat that is not an object");
  refused({{"entities", {{{"name", "Cat"}, {"attrs", {{{"kind", "Req"}}}}}}}}, "inspect.names",
          "an attribute of Cat that is not an object with a \"name\"");
  refused({{"entities", {{{"name", "Cat"}, {"attrs", {{{"name", 5}}}}}}}}, "inspect.names",
          "not an object with a \"name\"");
  refused({{"entities", {1}}}, "inspect.names", "an entity that is not an object");
  refused({{"entities", {{{"name", 1}}}}}, "inspect.names", "an entity that is not an object");
  refused({{"entities", {{{"table", "pet"}}}}}, "inspect.names", "an entity that is not an object");
  refused({{"entities", 1}}, "inspect.names", "one field, \"entities\"");
  refused({{"entities", json::array()}, {"more", 1}}, "inspect.names", "one field");
  refused({{"other", 1}}, "inspect.names", "one field");
}

TEST_CASE("a names file declares a discriminator of its own and the classes it numbers") {
  // PonyORM's Discriminator(int, column='kind_code'): a column like any other in the catalog.
  catalog_table pet = table("pet", {column("kind_code", "int"), column("name", "str"),
                                    column("tag", "str", true), column("lives", "int", true)});
  const json names = {
      {"entities",
       {{{"name", "Pet"},
         {"discriminator", 1},
         {"attrs", {{{"name", "kind"}, {"column", "kind_code"}, {"kind", "Discriminator"}}}}},
        {{"name", "Dog"},
         {"base", "Pet"},
         {"discriminator", 2},
         {"attrs",
          {{{"name", "tag"}, {"kind", "Req"}},
           {{"name", "lives"}, {"kind", "Req"}, {"nullable", nullptr}}}}},
        {{"name", "Cat"}, {"base", "Pet"}, {"discriminator", 3}}}}};
  std::vector<std::string> notes;
  const json named = inspected({pet}, names, &notes);
  INFO(named.dump(2) << "\n" << all(notes));
  CHECK(entity(named, "Pet")["discriminator"] == 1);
  CHECK(
      attr(named, "Pet", "kind") ==
      json{{"name", "kind"}, {"kind", "Discriminator"}, {"type", "int"}, {"column", "kind_code"}});
  CHECK(entity(named, "Cat")["discriminator"] == 3);
  // The subclass's str column was a nullable Opt; made a Req it is no longer nullable.
  CHECK(attr(named, "Dog", "tag") == json{{"name", "tag"}, {"kind", "Req"}, {"type", "str"}});
  nextorm::registry loaded;
  loaded.load_json_text(named.dump());
  loaded.finalize();
  CHECK(loaded.get("Dog").discriminator_value == nextorm::value{2});

  auto refused = [&](const json& n, const std::string& says) {
    INFO(n.dump());
    try {
      (void)inspected({pet}, n);
      FAIL("accepted");
    } catch (const nextorm::schema_error& e) {
      CHECK(std::string{e.id()} == "inspect.names");
      CHECK_THAT(e.what(), Catch::Contains(says));
    }
  };
  refused({{"entities", {{{"name", "Pet"}, {"discriminator", {1}}}}}},
          "a \"discriminator\" that is neither a string nor an integer");
  refused({{"entities", {{{"name", "Pet"}, {"discriminator", 1.5}}}}}, "neither a string");
  try {
    (void)inspected({pet}, {{"entities", {{{"name", "Dog"}, {"base", "Pet"}}}}});
    FAIL("accepted");
  } catch (const nextorm::schema_error& e) {
    CHECK(std::string{e.id()} == "inspect.unknown_entity");
    CHECK_THAT(e.what(), Catch::Contains("\"kind\": \"Discriminator\", before its subclasses"));
  }
}

TEST_CASE("a names file renames both sides of join tables and splits a symmetric one") {
  catalog_table a = table("a");
  catalog_table ab;
  ab.name = "a_b";
  ab.columns = {column("a"), column("b")};
  ab.primary_key = {"a", "b"};
  ab.foreign_keys = {key({"a"}, "a"), key({"b"}, "b")};
  catalog_table friends;
  friends.name = "a_friends";
  friends.columns = {column("a"), column("a_2")};
  friends.primary_key = {"a", "a_2"};
  friends.foreign_keys = {key({"a"}, "a"), key({"a_2"}, "a")};
  catalog_table blocks = friends;
  blocks.name = "a_blocks";
  catalog_table likes = friends;
  likes.name = "a_likes";
  catalog_table pins = friends;
  pins.name = "a_pins";
  const json names = {
      {"entities",
       {{{"name", "A"},
         {"attrs",
          {{{"name", "bees"}, {"table", "A_B"}, {"reverse", "ays"}},
           {{"name", "friends"}, {"reverse", "friends"}},
           {{"name", "blocked"}, {"table", "a_blocks"}, {"column", "a_2"}, {"reverse", "by"}},
           {{"name", "liked"}, {"table", "a_likes"}, {"column", "a"}, {"reverse", "liked_by"}},
           {{"name", "pinned"}, {"table", "a_pins"}, {"reverse", "pinned_by"}},
           {{"name", "nothing"}, {"kind", "Computed"}, {"type", "int"}, {"text", "1"}}}}}}}};
  std::vector<std::string> notes;
  const json schema = inspected({a, table("b"), ab, friends, blocks, likes, pins}, names, &notes);
  INFO(schema.dump(2));
  CHECK(attr(schema, "A", "bees") ==
        json{{"name", "bees"}, {"kind", "Set"}, {"type", "b"}, {"table", "a_b"}});
  CHECK(attr(schema, "b", "ays")["type"] == "A");
  CHECK(attr(schema, "A", "friends")["reverse"] == "friends");
  // Who blocks whom: `blocked` holds its items in a_2, `by` in a.
  CHECK(attr(schema, "A", "blocked") == json{{"name", "blocked"},
                                             {"kind", "Set"},
                                             {"type", "A"},
                                             {"reverse", "by"},
                                             {"table", "a_blocks"},
                                             {"column", "a_2"}});
  CHECK(attr(schema, "A", "by")["column"] == "a");
  // `liked` (which sorts first) holds its items in a, as PonyORM's names would: no columns given.
  CHECK(attr(schema, "A", "liked") == json{{"name", "liked"},
                                           {"kind", "Set"},
                                           {"type", "A"},
                                           {"reverse", "liked_by"},
                                           {"table", "a_likes"}});
  CHECK_FALSE(attr(schema, "A", "liked_by").contains("column"));
  CHECK(attr(schema, "A", "pinned")["reverse"] == "pinned_by");
  CHECK(attr(schema, "A", "nothing")["kind"] == "Computed");
}

TEST_CASE("inspect's rules at their edges: names, keys over a hierarchy, join tables") {
  using nextorm::schema_change::inspect_model::identifier;
  CHECK(identifier("") == "_");
  CHECK(identifier("9lives") == "_9lives");
  CHECK(table("t").find("nope") == nullptr);

  catalog_table pet =
      table("pet", {column("classtype", "str"), column("name", "str"), column("tag", "str", true),
                    column("x"), column("y"), column("other_a"), column("other_b")});
  pet.classtypes = {"Dog", "Pet"};
  catalog_table pair;  // keyed by two columns, so that a reference to it has two
  pair.name = "pair";
  pair.columns = {column("a"), column("b"), column("code", "str")};
  pair.primary_key = {"a", "b"};
  pet.foreign_keys = {key({"other_a", "other_b"}, "pair", {"a", "b"})};
  pet.unique_keys = {{"u1", {"name", "classtype"}},   // a column of no attribute: left out
                     {"u2", {"other_b", "other_a"}},  // one attribute: no composite key
                     {"u3", {"x", "y"}, true},        // partial
                     {"u4", {"other_a", "other_b"}},  // the reference's own: no composite key
                     {"u5", {"tag", "x"}}};
  catalog_table solo = table("solo");
  solo.columns[0].name = "key";  // a key that is unique again: no "unique" on the PK
  solo.primary_key = {"key"};
  solo.unique_keys = {{"", {"key"}}};
  // A join table to a table left out (its name differs from another's in case only), one of an
  // entity to itself whose name is not E_E, and a symmetric one over a key of two columns.
  catalog_table dup = table("PAIR");
  catalog_table to_dup;
  to_dup.name = "solo_pair";
  to_dup.columns = {column("solo"), column("pair_id")};
  to_dup.primary_key = {"solo", "pair_id"};
  to_dup.foreign_keys = {key({"solo"}, "solo", {"key"}), key({"pair_id"}, "PAIR")};
  catalog_table from_dup = to_dup;  // the left-out table on the first side
  from_dup.name = "pair_solo";
  from_dup.columns = {column("pair_id"), column("solo")};
  from_dup.primary_key = {"pair_id", "solo"};
  from_dup.foreign_keys = {key({"pair_id"}, "PAIR"), key({"solo"}, "solo", {"key"})};
  catalog_table halves;
  halves.name = "so_lo";
  halves.columns = {column("s1"), column("s2")};
  halves.primary_key = {"s1", "s2"};
  halves.foreign_keys = {key({"s1"}, "solo", {"key"}), key({"s2"}, "solo", {"key"})};
  catalog_table twins;
  twins.name = "pair_twins";
  twins.columns = {column("pa"), column("pb"), column("qa"), column("qb")};
  twins.primary_key = {"pa", "pb", "qa", "qb"};
  twins.foreign_keys = {key({"pa", "pb"}, "pair", {"a", "b"}),
                        key({"qa", "qb"}, "pair", {"a", "b"})};
  const json names = {{"entities",
                       {{{"name", "Dog"},
                         {"discriminator", "Dog"},
                         {"attrs",
                          {{{"name", "tag"}},
                           {{"name", "x"}},
                           {{"name", "loud"},
                            {"kind", "Method"},
                            {"params", {"int"}},
                            {"text", "lambda d, n: n > 1"}}}}},
                        {{"name", "Pet"},
                         {"table", "nope"},
                         {"discriminator", "nope"},
                         {"attrs", {{{"name", "other"}, {"reverse", "pets"}}}}},
                        {{"name", "pair"},
                         {"attrs",
                          {{{"name", "twins"}, {"columns", {"z"}}, {"reverse_column", "z"}},
                           {{"name", "size"}, {"kind", "Computed"}, {"text", "count(self.twins)"}},
                           {{"name", "pets"}, {"kind", "Set"}, {"type", "Pet"}}}}},
                        {{"name", "Solo"}, {"attrs", {{{"name", "so_lo"}, {"table", "so_lo"}}}}}}}};
  std::vector<std::string> notes;
  const json schema =
      inspected({pet, pair, solo, dup, to_dup, from_dup, halves, twins}, names, &notes);
  INFO(schema.dump(2) << "\n" << all(notes));
  CHECK_FALSE(entity(schema, "Pet").contains("composite_keys"));
  CHECK(entity(schema, "Dog")["composite_keys"] == json::parse(R"([["tag", "x"]])"));
  CHECK_FALSE(entity(schema, "Dog").contains("discriminator"));
  CHECK(attr(schema, "Dog", "loud")["kind"] == "Method");
  CHECK(attr(schema, "pair", "twins") == json{{"name", "twins"},
                                              {"kind", "Set"},
                                              {"type", "pair"},
                                              {"reverse", "twins"},
                                              {"columns", {"pa", "pb"}}});
  CHECK(attr(schema, "pair", "size")["text"] == "count(self.twins)");
  CHECK(attr(schema, "pair", "pets") == json{{"name", "pets"}, {"kind", "Set"}, {"type", "Pet"}});
  CHECK_THAT(all(notes), Catch::Contains("join table pair_solo refers to a table that is not"));
  CHECK(attr(schema, "Solo", "key") ==
        json{{"name", "key"}, {"kind", "PK"}, {"type", "int"}, {"auto", true}});
  CHECK(attr(schema, "Solo", "so_lo")["reverse"] == "so_lo");
  CHECK_THAT(all(notes), Catch::Contains("join table solo_pair refers to a table that is not an "
                                         "entity: left out"));

  auto refused = [&](const json& n, const char* id, const std::string& says) {
    INFO(n.dump());
    try {
      (void)inspected({pet, pair}, n);
      FAIL("accepted");
    } catch (const nextorm::schema_error& e) {
      CHECK(e.id() == id);
      CHECK_THAT(e.what(), Catch::Contains(says));
    }
  };
  refused({{"entities", {{{"name", "Pet"}, {"attrs", {{{"name", "x"}, {"column", "nope"}}}}}}}},
          "inspect.unknown_attribute", "Pet.x, which is no column of the table pet");
  // A reference given a type no entity has: the registry names it when the schema loads.
  refused({{"entities", {{{"name", "Pet"}, {"attrs", {{{"name", "other"}, {"type", "Nobody"}}}}}}}},
          "schema.unknown_entity", "Nobody");
}
