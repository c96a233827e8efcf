// The registry: what add() accepts and refuses, and how finalize() resolves relations and names
// the way PonyORM 0.7.16 does (the facts are in docs/naming.md).
#include <nextorm/errors.hpp>
#include <nextorm/registry.hpp>

#include <catch2/catch.hpp>

#include <limits>
#include <string>
#include <utility>
#include <vector>

using namespace nextorm;

namespace {

attr_info basic(std::string name, attr_kind kind, value_type type) {
  attr_info attr;
  attr.name = std::move(name);
  attr.kind = kind;
  attr.type = type;
  return attr;
}

attr_info req(std::string name, value_type type = value_type::text) {
  return basic(std::move(name), attr_kind::req, type);
}

attr_info opt(std::string name, value_type type = value_type::text) {
  return basic(std::move(name), attr_kind::opt, type);
}

attr_info pk(std::string name, value_type type = value_type::integer) {
  return basic(std::move(name), attr_kind::pk, type);
}

attr_info single(std::string name, std::string target, std::string reverse = {},
                 bool optional = false) {
  attr_info attr;
  attr.name = std::move(name);
  attr.kind = attr_kind::single;
  attr.target = std::move(target);
  attr.reverse = std::move(reverse);
  attr.optional = optional;
  return attr;
}

attr_info set(std::string name, std::string target, std::string reverse = {}) {
  attr_info attr = single(std::move(name), std::move(target), std::move(reverse));
  attr.kind = attr_kind::set;
  return attr;
}

entity_info entity(std::string name, std::vector<attr_info> attrs, std::string table = {}) {
  entity_info e;
  e.name = std::move(name);
  e.attrs = std::move(attrs);
  e.table = std::move(table);
  return e;
}

// "<id>: <message>" of the schema_error `f` throws, or a note that it threw none.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const schema_error& e) {
    CHECK(e.category() == error_category::schema);
    return e.what();
  }
  return "no error";
}

std::string add_error(entity_info e) {
  registry r;
  return error_of([&] { r.add(std::move(e)); });
}

std::string finalize_error(std::vector<entity_info> entities) {
  registry r;
  for (auto& e : entities) r.add(std::move(e));
  return error_of([&] { r.finalize(); });
}

const attr_info& attr_of(const registry& r, std::string_view entity, std::string_view attr) {
  const attr_info* found = r.get(entity).find(attr);
  REQUIRE(found != nullptr);
  return *found;
}

}  // namespace

TEST_CASE("kind_name spells the field markers") {
  CHECK(kind_name(attr_kind::pk) == "PK");
  CHECK(kind_name(attr_kind::req) == "Req");
  CHECK(kind_name(attr_kind::opt) == "Opt");
  CHECK(kind_name(attr_kind::single) == "Single");
  CHECK(kind_name(attr_kind::set) == "Set");
  CHECK(kind_name(static_cast<attr_kind>(42)) == "?");
}

TEST_CASE("an entity without a PK gets an auto-increment id in front") {
  registry r;
  entity_info& product = r.add(entity("Product", {req("name")}));
  REQUIRE(product.attrs.size() == 2);
  const attr_info& id = product.attrs[0];
  CHECK(id.name == "id");
  CHECK(id.kind == attr_kind::pk);
  CHECK(id.type == value_type::integer);
  CHECK(id.auto_increment);
  CHECK(product.attrs[1].name == "name");
  CHECK(product.find("name") == &product.attrs[1]);
  CHECK(product.find("price") == nullptr);
}

TEST_CASE("a declared PK is kept and no id is added") {
  registry r;
  entity_info& country = r.add(entity("Country", {req("name"), pk("code", value_type::text)}));
  CHECK(country.attrs.size() == 2);
  CHECK(country.find("id") == nullptr);
  r.finalize();
  CHECK(country.pk_index == 1);
  CHECK(&country.pk() == &country.attrs[1]);
}

TEST_CASE("add refuses bad names and duplicates") {
  CHECK(add_error(entity("", {})) == "schema.missing_name: an entity needs a name");
  CHECK(add_error(entity("2nd", {})) == "schema.bad_name: entity name '2nd' is not an identifier");
  CHECK(add_error(entity("Order-Line", {})) ==
        "schema.bad_name: entity name 'Order-Line' is not an identifier");
  CHECK(add_error(entity("_Private", {})) == "no error");
  CHECK(add_error(entity("Product", {req("name"), req("")})) ==
        "schema.missing_name: entity Product: attribute #2 needs a name");
  CHECK(add_error(entity("Product", {req("unit price")})) ==
        "schema.bad_name: entity Product: attribute name 'unit price' is not an identifier");
  CHECK(add_error(entity("Product", {req("name"), opt("name")})) ==
        "schema.duplicate_attribute: entity Product: attribute name is declared twice");
  CHECK(add_error(entity("Product", {pk("a"), pk("b")})) ==
        "schema.duplicate_pk: entity Product: attributes a and b are both PK; composite keys are "
        "not supported");
  CHECK(add_error(entity("Product", {req("id", value_type::integer)})) ==
        "schema.implicit_pk: entity Product: cannot add the default PK 'id', the name is in use; "
        "declare a PK or rename the attribute");

  registry r;
  r.add(entity("Product", {}));
  CHECK(error_of([&] { r.add(entity("Product", {})); }) ==
        "schema.duplicate_entity: entity Product is declared twice");
}

TEST_CASE("add refuses attributes without a type or target, and PKs of other types") {
  CHECK(add_error(entity("P", {req("name", value_type::null)})) ==
        "schema.missing_type: entity P, attribute name: a Req needs a type");
  CHECK(add_error(entity("P", {single("group", "")})) ==
        "schema.missing_target: entity P, attribute group: a Single needs a target entity");
  CHECK(add_error(entity("P", {set("tags", "")})) ==
        "schema.missing_target: entity P, attribute tags: a Set needs a target entity");
  CHECK(add_error(entity("P", {pk("k", value_type::real)})) ==
        "schema.pk_type: entity P, attribute k: a PK must be int, str or uuid, not float");
  CHECK(add_error(entity("P", {pk("k", value_type::date)})) ==
        "schema.pk_type: entity P, attribute k: a PK must be int, str or uuid, not date");
  CHECK(add_error(entity("P", {pk("k", value_type::text)})) == "no error");
}

TEST_CASE("options that do not apply to the attribute are refused") {
  attr_info a = req("n", value_type::integer);
  a.auto_increment = true;
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute n: 'auto' applies only to an int PK, not to a "
        "Req int");
  a = pk("code", value_type::text);
  a.auto_increment = true;
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute code: 'auto' applies only to an int PK, not to "
        "a PK str");
  a = req("n", value_type::integer);
  a.max_len = 10;
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute n: 'max_len' applies only to str attributes, "
        "not to a Req int");
  a = single("g", "G");
  a.max_len = 10;
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute g: 'max_len' applies only to str attributes, "
        "not to a Single");
  a = req("s");
  a.max_len = 0;
  CHECK(add_error(entity("P", {a})) ==
        "schema.max_len: entity P, attribute s: max_len must be at least 1");
  a = req("s");
  a.precision = 5;
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute s: 'precision' applies only to decimal "
        "attributes, not to a Req str");
  a = req("n", value_type::integer);
  a.scale = 2;
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute n: 'precision' applies only to decimal "
        "attributes, not to a Req int");
  a = single("g", "G");
  a.precision = 3;
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute g: 'precision' applies only to decimal "
        "attributes, not to a Single");
  a = set("tags", "Tag");
  a.unique = true;
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute tags: 'unique' applies only to attributes with "
        "a column, not to a Set");
  a = set("tags", "Tag");
  a.indexed = true;
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute tags: 'index' applies only to attributes with a "
        "column, not to a Set");
  a = req("gpa", value_type::real);
  a.unique = true;
  CHECK(add_error(entity("P", {a})) ==
        "schema.float_key: entity P, attribute gpa: a float attribute cannot be unique (PonyORM "
        "refuses it too)");
  a = req("s");
  a.nullable = true;
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute s: 'nullable' applies only to Opt, not to a Req "
        "str");
  a = req("s");
  a.optional = true;
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute s: 'optional' applies only to Single, not to a "
        "Req str");
  a = pk("k");
  a.default_value = value{1};
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute k: 'default' applies only to Req and Opt, not "
        "to a PK int");
  a = single("g", "G");
  a.default_value = value{1};
  CHECK(add_error(entity("P", {a})) ==
        "schema.option_kind: entity P, attribute g: 'default' applies only to Req and Opt, not "
        "to a Single");
}

TEST_CASE("decimals default to PonyORM's DECIMAL(12, 2) and refuse a scale above the precision") {
  registry r;
  attr_info plain = req("price", value_type::decimal);
  attr_info ten = req("total", value_type::decimal);
  ten.precision = 10;
  attr_info scaled = req("rate", value_type::decimal);
  scaled.scale = 4;
  entity_info& e = r.add(entity("P", {plain, ten, scaled}));
  CHECK(e.find("price")->precision == 12);
  CHECK(e.find("price")->scale == 2);
  CHECK(e.find("total")->precision == 10);
  CHECK(e.find("total")->scale == 0);
  CHECK(e.find("rate")->precision == 12);
  CHECK(e.find("rate")->scale == 4);

  attr_info bad = req("x", value_type::decimal);
  bad.precision = 3;
  bad.scale = 5;
  CHECK(add_error(entity("P", {bad})) ==
        "schema.decimal: entity P, attribute x: scale 5 exceeds precision 3");
}

TEST_CASE("Opt is nullable except a non-unique str or json, which PonyORM stores as ''") {
  registry r;
  attr_info unique_str = opt("email");
  unique_str.unique = true;
  attr_info nullable_str = opt("nick2");
  nullable_str.nullable = true;
  entity_info& e = r.add(entity(
      "P", {opt("nick"), opt("doc", value_type::json), opt("age", value_type::integer), unique_str,
            nullable_str, req("name"), single("g", "G", "", true), single("h", "G")}));
  CHECK_FALSE(e.find("nick")->nullable);
  CHECK_FALSE(e.find("doc")->nullable);
  CHECK(e.find("age")->nullable);
  CHECK(e.find("email")->nullable);
  CHECK(e.find("nick2")->nullable);
  CHECK_FALSE(e.find("nick")->column_nullable());
  CHECK(e.find("age")->column_nullable());
  CHECK_FALSE(e.find("name")->column_nullable());
  CHECK(e.find("g")->column_nullable());
  CHECK_FALSE(e.find("h")->column_nullable());
}

TEST_CASE("defaults are checked and converted to the attribute's type") {
  auto with_default = [](attr_info a, value v) {
    a.default_value = std::move(v);
    return a;
  };
  registry r;
  entity_info& e =
      r.add(entity("P", {with_default(req("n", value_type::integer), value{5}),
                         with_default(req("x", value_type::real), value{2}),
                         with_default(req("d", value_type::decimal), value{3}),
                         with_default(req("e", value_type::decimal), value{1.25}),
                         with_default(req("day", value_type::date), value{"2024-01-31"}),
                         with_default(opt("note"), value{"n/a"}),
                         with_default(opt("age", value_type::integer), value{}),
                         with_default(req("flag", value_type::boolean), value{true})}));
  CHECK(*e.find("n")->default_value == value{5});
  CHECK(*e.find("x")->default_value == value{2.0});
  CHECK(*e.find("d")->default_value == value::typed(value_type::decimal, "3"));
  CHECK(*e.find("e")->default_value == value::typed(value_type::decimal, "1.25"));
  CHECK(*e.find("day")->default_value == value::typed(value_type::date, "2024-01-31"));
  CHECK(*e.find("note")->default_value == value{"n/a"});
  CHECK(e.find("age")->default_value->is_null());

  CHECK(add_error(entity("P", {with_default(req("n", value_type::integer), value{})})) ==
        "schema.default_null: entity P, attribute n: a Req attribute cannot default to None");
  CHECK(add_error(entity("P", {with_default(opt("s"), value{})})) ==
        "schema.default_null: entity P, attribute s: default None needs a nullable attribute "
        "(add \"nullable\": true)");
  CHECK(add_error(entity("P", {with_default(req("s"), value{""})})) ==
        "schema.default_null: entity P, attribute s: a Req attribute cannot default to ''");
  CHECK(add_error(entity("P", {with_default(opt("b", value_type::bytes), value{"x"})})) ==
        "schema.default_type: entity P, attribute b: a default for a bytes attribute is not "
        "supported");
  CHECK(add_error(entity("P", {with_default(req("n", value_type::integer), value{"five"})})) ==
        "schema.default_type: entity P, attribute n: default 'five' has type str, expected int");
  CHECK(add_error(entity("P", {with_default(req("x", value_type::real), value{"1.5"})})) ==
        "schema.default_type: entity P, attribute x: default '1.5' has type str, expected float");
  CHECK(add_error(entity("P", {with_default(req("d", value_type::date), value{20240131})})) ==
        "schema.default_type: entity P, attribute d: default 20240131 has type int, expected date");
  CHECK(add_error(entity("P", {with_default(req("f", value_type::boolean), value{1})})) ==
        "schema.default_type: entity P, attribute f: default 1 has type int, expected bool");
  CHECK(add_error(entity("P", {with_default(req("x", value_type::real),
                                            value{std::numeric_limits<double>::infinity()})})) ==
        "schema.default_type: entity P, attribute x: default inf is not a finite number");
  CHECK(add_error(entity("P", {with_default(req("s"), value{std::string{"a\0b", 3}})})) ==
        "schema.default_type: entity P, attribute s: a default cannot contain a NUL character");
}

TEST_CASE("a default written as text must be a value of its attribute's type, kept in its form") {
  auto with_default = [](attr_info a, std::string text) {
    a.default_value = value{std::move(text)};
    return a;
  };
  registry r;
  entity_info& e = r.add(
      entity("P", {with_default(req("at", value_type::datetime), "2024-01-31T10:00:00.5"),
                   with_default(req("alarm", value_type::time), "07:30:00"),
                   with_default(req("uid", value_type::uuid), "0123456789ABCDEF0123456789ABCDEF"),
                   with_default(req("meta", value_type::json), R"({"a": [1, 2]})"),
                   with_default(req("price", value_type::decimal), "1.50")}));
  CHECK(*e.find("at")->default_value ==
        value::typed(value_type::datetime, "2024-01-31 10:00:00.5"));
  CHECK(*e.find("alarm")->default_value == value::typed(value_type::time, "07:30:00"));
  CHECK(*e.find("uid")->default_value ==
        value::typed(value_type::uuid, "01234567-89ab-cdef-0123-456789abcdef"));
  CHECK(*e.find("meta")->default_value == value::typed(value_type::json, R"({"a": [1, 2]})"));
  CHECK(*e.find("price")->default_value == value::typed(value_type::decimal, "1.50"));

  // Found when the schema is added, not when the database creates the table or reads a row.
  const auto error = [&](value_type type, std::string text) {
    return add_error(entity("P", {with_default(req("x", type), std::move(text))}));
  };
  CHECK(error(value_type::date, "2024-02-30") ==
        "schema.default_type: entity P, attribute x: default '2024-02-30' is not a date");
  CHECK(error(value_type::datetime, "yesterday") ==
        "schema.default_type: entity P, attribute x: default 'yesterday' is not a datetime");
  CHECK(error(value_type::time, "7:30") ==
        "schema.default_type: entity P, attribute x: default '7:30' is not a time");
  CHECK(error(value_type::uuid, "0123") ==
        "schema.default_type: entity P, attribute x: default '0123' is not a UUID");
  CHECK(error(value_type::decimal, "1,5") ==
        "schema.default_type: entity P, attribute x: default '1,5' is not a decimal number");
  CHECK(error(value_type::json, "{oops") ==
        "schema.default_type: entity P, attribute x: default '{oops' is not JSON");
}

TEST_CASE("find, find_type and get look entities up") {
  registry r;
  static const int tag = 0;
  entity_info typed = entity("Tag", {});
  typed.type_tag = &tag;
  r.add(entity("Product", {}));
  const entity_info& t = r.add(std::move(typed));
  CHECK(r.find("Tag") == &t);
  CHECK(r.find("Nope") == nullptr);
  CHECK(r.find_type(&tag) == &t);
  CHECK(r.find_type(nullptr) == nullptr);
  static const int other = 0;
  CHECK(r.find_type(&other) == nullptr);
  CHECK(&r.get("Product") == r.entities()[0].get());
  CHECK(error_of([&] { (void)r.get("Prodcut"); }) ==
        "schema.unknown_entity: unknown entity 'Prodcut'; did you mean 'Product'?");
  CHECK(error_of([&] { (void)r.get("Zebra"); }) == "schema.unknown_entity: unknown entity 'Zebra'");
}

TEST_CASE("finalize bumps the version and may run again after more adds") {
  registry r;
  CHECK_FALSE(r.finalized());
  r.add(entity("Group", {set("students", "Student")}));
  r.add(entity("Student", {req("name"), single("group", "Group")}));
  const auto v0 = r.version();
  r.finalize();
  CHECK(r.finalized());
  CHECK(r.version() == v0 + 1);

  r.add(entity("Course", {req("title"), set("groups", "Group")}));
  CHECK_FALSE(r.finalized());
  // Group has no attribute for Course yet: adding one is the user's job, and finalize says so.
  CHECK(error_of([&] { r.finalize(); }) ==
        "schema.missing_reverse: entity Course, attribute groups: no attribute of Group points "
        "back at Course; every relation needs a reverse attribute: add {\"name\": \"course\", "
        "\"kind\": \"Single\", \"type\": \"Course\"} to the \"attrs\" of Group (or \"kind\": "
        "\"Set\" for many-to-many)");
  CHECK_FALSE(r.finalized());

  registry r2;
  r2.add(entity("Group", {set("students", "Student")}));
  r2.add(entity("Student", {req("name"), single("group", "Group")}));
  r2.finalize();
  r2.add(entity("Tag", {req("label")}));
  r2.finalize();
  CHECK(r2.version() == 2);
  CHECK(attr_of(r2, "Student", "group").reverse_attr == &attr_of(r2, "Group", "students"));
  CHECK(r2.get("Tag").table == "Tag");
}

TEST_CASE("finalize resolves owner, index, pk, targets and the columns in declaration order") {
  registry r;
  r.add(entity("Group", {pk("number"), set("students", "Student")}));
  r.add(entity("Student", {req("name"), single("group", "Group"), opt("gpa", value_type::real)}));
  r.finalize();
  const entity_info& group = r.get("Group");
  const entity_info& student = r.get("Student");
  CHECK(group.table == "Group");
  CHECK(group.pk_index == 0);
  REQUIRE(group.columns.size() == 1);
  CHECK(group.columns[0]->name == "number");
  REQUIRE(student.columns.size() == 4);
  CHECK(student.columns[0]->name == "id");
  CHECK(student.columns[1]->name == "name");
  CHECK(student.columns[2]->name == "group");
  CHECK(student.columns[3]->name == "gpa");
  const attr_info& fk = attr_of(r, "Student", "group");
  CHECK(fk.owner == &student);
  CHECK(fk.index == 2);
  CHECK(fk.target_entity == &group);
  CHECK(fk.type == value_type::integer);
  CHECK(fk.column == "group");
  CHECK(fk.has_column());
  const attr_info& students = attr_of(r, "Group", "students");
  CHECK(students.target_entity == &student);
  CHECK(students.reverse_attr == &fk);
  CHECK(fk.reverse_attr == &students);
  CHECK_FALSE(students.has_column());
  CHECK_FALSE(students.is_many_to_many());
  CHECK(students.column.empty());
}

TEST_CASE("a Single takes the type and length of the target's key") {
  registry r;
  attr_info code = pk("code", value_type::text);
  code.max_len = 20;
  r.add(entity("Order", {code, set("items", "Item")}));
  r.add(entity("Item", {single("order", "Order")}));
  r.finalize();
  const attr_info& order = attr_of(r, "Item", "order");
  CHECK(order.type == value_type::text);
  CHECK(order.max_len == 20u);
}

TEST_CASE("an unknown target entity is refused with a suggestion") {
  CHECK(finalize_error({entity("Tag", {set("products", "Product")}),
                        entity("Product", {set("tags", "Tg")})}) ==
        "schema.unknown_entity: entity Product, attribute tags: unknown entity 'Tg'; did you mean "
        "'Tag'?");
  CHECK(finalize_error({entity("Product", {single("maker", "Company")})}) ==
        "schema.unknown_entity: entity Product, attribute maker: unknown entity 'Company'");
}

TEST_CASE("reverse attributes are found like PonyORM finds them") {
  SECTION("a declared reverse name") {
    registry r;
    r.add(entity("Person", {set("owned", "Car", "owner"), set("driven", "Car", "driver")}));
    r.add(entity("Car", {single("owner", "Person"), single("driver", "Person", "", true)}));
    r.finalize();
    CHECK(attr_of(r, "Person", "owned").reverse_attr == &attr_of(r, "Car", "owner"));
    CHECK(attr_of(r, "Car", "driver").reverse_attr == &attr_of(r, "Person", "driven"));
  }
  SECTION("the one attribute that names this one as its reverse wins over unnamed ones") {
    registry r;
    r.add(entity("Person", {set("owned", "Car"), set("driven", "Car")}));
    r.add(
        entity("Car", {single("owner", "Person", "owned"), single("driver", "Person", "driven")}));
    r.finalize();
    CHECK(attr_of(r, "Person", "owned").reverse_attr == &attr_of(r, "Car", "owner"));
    CHECK(attr_of(r, "Person", "driven").reverse_attr == &attr_of(r, "Car", "driver"));
  }
  SECTION("an unknown reverse name") {
    CHECK(finalize_error({entity("Person", {set("cars", "Car", "ownr")}),
                          entity("Car", {single("owner", "Person")})}) ==
          "schema.unknown_reverse: entity Person, attribute cars: entity Car has no attribute "
          "'ownr'; did you mean 'owner'?");
  }
  SECTION("two unnamed candidates are ambiguous") {
    CHECK(
        finalize_error({entity("Person", {set("cars", "Car")}),
                        entity("Car", {single("owner", "Person"), single("driver", "Person")})}) ==
        "schema.ambiguous_reverse: entity Person, attribute cars: ambiguous reverse attribute: "
        "Car.owner and Car.driver both point back at Person; declare \"reverse\": add \"reverse\": "
        "\"owner\" or \"reverse\": \"driver\" to Person.cars");
  }
  SECTION("two candidates naming this attribute are ambiguous") {
    CHECK(finalize_error({entity("Person", {set("cars", "Car")}),
                          entity("Car", {single("owner", "Person", "cars"),
                                         single("driver", "Person", "cars")})}) ==
          "schema.ambiguous_reverse: entity Person, attribute cars: ambiguous reverse attribute: "
          "Car.owner and Car.driver both point back at Person; declare \"reverse\": add "
          "\"reverse\": \"owner\" or \"reverse\": \"driver\" to Person.cars");
  }
  SECTION("no attribute points back") {
    CHECK(finalize_error({entity("Person", {set("cars", "Car")}), entity("Car", {req("plate")})}) ==
          "schema.missing_reverse: entity Person, attribute cars: no attribute of Car points back "
          "at Person; every relation needs a reverse attribute: add {\"name\": \"person\", "
          "\"kind\": \"Single\", \"type\": \"Person\"} to the \"attrs\" of Car (or \"kind\": "
          "\"Set\" for many-to-many)");
  }
  SECTION("a Single without a reverse needs a Set on the other side") {
    CHECK(finalize_error(
              {entity("Car", {single("owner", "Person")}), entity("Person", {req("name")})}) ==
          "schema.missing_reverse: entity Car, attribute owner: no attribute of Person points back "
          "at Car; every relation needs a reverse attribute: add {\"name\": \"cars\", \"kind\": "
          "\"Set\", \"type\": \"Car\"} to the \"attrs\" of Person");
  }
  SECTION("an attribute already linked is no candidate (PonyORM: reverse not found)") {
    CHECK(finalize_error(
              {entity("A", {set("b", "B"), set("c", "B")}), entity("B", {single("a", "A")})}) ==
          "schema.missing_reverse: entity A, attribute c: no attribute of B points back at A; "
          "every relation needs a reverse attribute: add {\"name\": \"a_c\", \"kind\": "
          "\"Single\", \"type\": \"A\"} to the \"attrs\" of B (or \"kind\": \"Set\" for "
          "many-to-many)");
  }
  SECTION("a self-reference needs a declared reverse") {
    CHECK(finalize_error({entity("Person", {set("friends", "Person")})}) ==
          "schema.missing_reverse: entity Person, attribute friends: no attribute of Person "
          "points back at Person; every relation needs a reverse attribute: add {\"name\": "
          "\"person\", \"kind\": \"Single\", \"type\": \"Person\"} to the \"attrs\" of "
          "Person (or \"kind\": \"Set\" for many-to-many)");
  }
  SECTION("a reverse that is not a relation") {
    CHECK(finalize_error({entity("A", {set("b", "B", "x")}), entity("B", {req("x")})}) ==
          "schema.inconsistent_reverse: entity A, attribute b: inconsistent reverse attributes "
          "A.b and B.x: B.x does not point at A");
  }
  SECTION("a reverse that points at another entity") {
    CHECK(finalize_error({entity("A", {set("b", "B", "c")}), entity("B", {single("c", "C")}),
                          entity("C", {set("bs", "B")})}) ==
          "schema.inconsistent_reverse: entity A, attribute b: inconsistent reverse attributes "
          "A.b and B.c: B.c does not point at A");
  }
  SECTION("a reverse that names another attribute") {
    CHECK(finalize_error({entity("A", {set("b1", "B", "a"), set("b2", "B")}),
                          entity("B", {single("a", "A", "b2")})}) ==
          "schema.inconsistent_reverse: entity A, attribute b1: inconsistent reverse attributes "
          "A.b1 and B.a: B.a has b2 as its reverse");
  }
  SECTION("a reverse already linked to another attribute") {
    CHECK(finalize_error({entity("A", {set("b", "B"), set("c", "B", "a")}),
                          entity("B", {single("a", "A")})}) ==
          "schema.inconsistent_reverse: entity A, attribute c: inconsistent reverse attributes "
          "A.c and B.a: B.a has b as its reverse");
  }
  SECTION("both sides of a one-to-one required") {
    CHECK(finalize_error({entity("A", {single("b", "B")}), entity("B", {single("a", "A")})}) ==
          "schema.one_to_one_required: entity A, attribute b: one side of the one-to-one relation "
          "A.b and B.a must be optional: add \"optional\": true to one of them");
    CHECK(finalize_error({entity("Person", {single("twin", "Person", "twin")})}) ==
          "schema.one_to_one_required: entity Person, attribute twin: one side of the one-to-one "
          "relation Person.twin and Person.twin must be optional: add \"optional\": true to one "
          "of them");
  }
}

TEST_CASE("a one-to-one keeps its foreign key on one side, as PonyORM does") {
  SECTION("the required side holds it") {
    registry r;
    r.add(entity("Student", {single("passport", "Passport", "", true)}));
    r.add(entity("Passport", {pk("code", value_type::text), single("owner", "Student")}));
    r.finalize();
    const attr_info& passport = attr_of(r, "Student", "passport");
    const attr_info& owner = attr_of(r, "Passport", "owner");
    CHECK(passport.key_in_reverse);
    CHECK_FALSE(passport.has_column());
    CHECK(passport.column.empty());
    CHECK(passport.type == value_type::text);  // the target's key type, though stored elsewhere
    CHECK(owner.has_column());
    CHECK(owner.column == "owner");
    CHECK(r.get("Student").columns.size() == 1);
  }
  SECTION("the required side holds it when declared first too") {
    registry r;
    r.add(entity("Passport", {single("owner", "Student")}));
    r.add(entity("Student", {single("passport", "Passport", "", true)}));
    r.finalize();
    CHECK(attr_of(r, "Passport", "owner").has_column());
    CHECK(attr_of(r, "Student", "passport").key_in_reverse);
  }
  SECTION("both optional: the entity whose name sorts first, whatever the declaration order") {
    registry r;
    r.add(entity("Zeta", {single("alpha", "Alpha", "", true)}));
    r.add(entity("Alpha", {single("zeta", "Zeta", "", true)}));
    r.finalize();
    CHECK(attr_of(r, "Zeta", "alpha").key_in_reverse);
    CHECK(attr_of(r, "Alpha", "zeta").has_column());
  }
  SECTION("both optional: a declared column decides") {
    registry r;
    attr_info alpha = single("alpha", "Alpha", "", true);
    alpha.column = "al";
    r.add(entity("Zeta", {alpha}));
    r.add(entity("Alpha", {single("zeta", "Zeta", "", true)}));
    r.finalize();
    CHECK(attr_of(r, "Zeta", "alpha").column == "al");
    CHECK(attr_of(r, "Alpha", "zeta").key_in_reverse);
  }
  SECTION("a self-reference: the attribute declared first") {
    registry r;
    r.add(entity("Person", {single("wife", "Person", "husband", true),
                            single("husband", "Person", "wife", true),
                            single("spouse", "Person", "spouse", true)}));
    r.finalize();
    CHECK(attr_of(r, "Person", "wife").has_column());
    CHECK(attr_of(r, "Person", "husband").key_in_reverse);
    CHECK(attr_of(r, "Person", "spouse").has_column());  // symmetric: its own reverse
    CHECK(attr_of(r, "Person", "spouse").reverse_attr == &attr_of(r, "Person", "spouse"));
  }
  SECTION("a column declared on the side without the key is refused") {
    attr_info passport = single("passport", "Passport", "", true);
    passport.column = "passport_code";
    CHECK(finalize_error(
              {entity("Student", {passport}), entity("Passport", {single("owner", "Student")})}) ==
          "schema.one_to_one_columns: entity Student, attribute passport: declares column "
          "passport_code, but Passport.owner holds the key of this one-to-one relation; declare "
          "the column there");
    attr_info a = single("b", "B", "", true);
    a.column = "b_id";
    attr_info b = single("a", "A", "", true);
    b.column = "a_id";
    CHECK(finalize_error({entity("A", {a}), entity("B", {b})}) ==
          "schema.one_to_one_columns: entity B, attribute a: declares column a_id, but A.b holds "
          "the key of this one-to-one relation; declare the column there");
  }
}

TEST_CASE("tables and columns are named by the convention unless declared") {
  registry r;
  attr_info title = req("title");
  title.column = "book_title";
  r.add(entity("Book", {title, single("author", "Author")}, "books"));
  r.add(entity("Author", {set("books", "Book")}));
  r.finalize();
  CHECK(r.get("Book").table == "books");
  CHECK(r.get("Author").table == "Author");
  CHECK(attr_of(r, "Book", "title").column == "book_title");
  CHECK(attr_of(r, "Book", "author").column == "author");
  CHECK(attr_of(r, "Book", "id").column == "id");
}

TEST_CASE("two entities in one table, or two attributes in one column, are refused") {
  CHECK(finalize_error({entity("A", {}, "things"), entity("B", {}, "Things")}) ==
        "schema.duplicate_table: entity B: table Things is already used; give one of them another "
        "\"table\"");
  CHECK(finalize_error({entity("Course_Student", {}), entity("B", {}, "course_student")}) ==
        "schema.duplicate_table: entity B: table course_student is already used; give one of them "
        "another \"table\"");
  attr_info b = req("b");
  b.column = "A";
  CHECK(finalize_error({entity("P", {req("a"), b})}) ==
        "schema.duplicate_column: entity P, attribute b: column A is already used in table P; "
        "name one of the columns another way with \"column\"");
}

namespace {

// A convention of a different shape, to show that finalize() asks it and not PonyORM's rules.
class snake_naming : public naming_convention {
 public:
  std::string table(const entity_info& e) const override { return "t_" + e.name; }
  std::string column(const attr_info& a) const override { return "c_" + a.name; }
  std::string join_table(const attr_info& a, const attr_info& b) const override {
    return "j_" + a.owner->name + "_" + b.owner->name;
  }
  std::string join_column(const entity_info& referenced) const override {
    return m_same ? std::string{"ref"} : "ref_" + referenced.name;
  }
  bool m_same = false;
};

}  // namespace

TEST_CASE("finalize follows the naming convention it is given, and can switch") {
  registry r;
  attr_info title = req("title");
  title.column = "kept";
  r.add(entity("Course", {title, set("students", "Student")}, "declared"));
  r.add(entity("Student", {set("courses", "Course")}));
  snake_naming naming;
  r.finalize(naming);
  CHECK(r.get("Course").table == "declared");
  CHECK(r.get("Student").table == "t_Student");
  CHECK(attr_of(r, "Course", "title").column == "kept");
  CHECK(attr_of(r, "Course", "id").column == "c_id");
  const attr_info& students = attr_of(r, "Course", "students");
  CHECK(students.m2m_table == "j_Course_Student");
  CHECK(students.m2m_own_columns == std::vector<std::string>{"ref_Course"});
  CHECK(students.m2m_other_columns == std::vector<std::string>{"ref_Student"});

  r.finalize();  // back to PonyORM's names; declared names stay
  CHECK(r.get("Course").table == "declared");
  CHECK(r.get("Student").table == "Student");
  CHECK(attr_of(r, "Course", "id").column == "id");
  CHECK(attr_of(r, "Course", "title").column == "kept");
  CHECK(students.m2m_table == "Course_Student");

  naming.m_same = true;
  CHECK(error_of([&] { r.finalize(naming); }) ==
        "schema.duplicate_column: entity Course, attribute students: join table j_Course_Student "
        "would have two columns named ref; declare another column for one side");
}

TEST_CASE("many-to-many join tables follow PonyORM's names and columns") {
  registry r;
  r.add(entity("Student",
               {set("courses", "Course"), set("following", "Student", "followers"),
                set("followers", "Student", "following"), set("friends", "Student", "friends")}));
  r.add(entity("Course", {set("students", "Student")}));
  // Before finalize() no Set knows its reverse, so none is many-to-many yet.
  CHECK_FALSE(attr_of(r, "Student", "courses").is_many_to_many());
  r.finalize();
  const attr_info& courses = attr_of(r, "Student", "courses");
  const attr_info& students = attr_of(r, "Course", "students");
  CHECK(courses.is_many_to_many());
  CHECK(courses.m2m_table == "Course_Student");
  CHECK(students.m2m_table == "Course_Student");
  CHECK(courses.m2m_own_columns == std::vector<std::string>{"student"});
  CHECK(courses.m2m_other_columns == std::vector<std::string>{"course"});
  CHECK(students.m2m_own_columns == std::vector<std::string>{"course"});
  CHECK(students.m2m_other_columns == std::vector<std::string>{"student"});

  // Self-reference: the attribute whose name sorts first ("followers") keeps its items in the
  // first column; PonyORM stores b.followers.add(a)... as (student=a, student_2=b).
  const attr_info& following = attr_of(r, "Student", "following");
  const attr_info& followers = attr_of(r, "Student", "followers");
  CHECK(following.m2m_table == "Student_Student");
  CHECK(followers.m2m_table == "Student_Student");
  CHECK(followers.m2m_other_columns == std::vector<std::string>{"student"});
  CHECK(followers.m2m_own_columns == std::vector<std::string>{"student_2"});
  CHECK(following.m2m_own_columns == std::vector<std::string>{"student"});
  CHECK(following.m2m_other_columns == std::vector<std::string>{"student_2"});

  // Symmetric: named after the attribute.
  const attr_info& friends = attr_of(r, "Student", "friends");
  CHECK(friends.is_many_to_many());
  CHECK(friends.m2m_table == "Student_friends");
  CHECK(friends.m2m_own_columns == std::vector<std::string>{"student"});
  CHECK(friends.m2m_other_columns == std::vector<std::string>{"student_2"});
}

TEST_CASE("a join table name already taken gets _2, _3, ...") {
  registry r;
  r.add(entity("Course_Student", {req("x", value_type::integer)}));
  r.add(entity("Course_Student_2", {req("x", value_type::integer)}));
  r.add(entity("Course",
               {set("students", "Student", "courses"), set("assistants", "Student", "assisted")}));
  r.add(entity("Student",
               {set("courses", "Course", "students"), set("assisted", "Course", "assistants")}));
  r.finalize();
  CHECK(attr_of(r, "Course", "students").m2m_table == "Course_Student_3");
  CHECK(attr_of(r, "Student", "assisted").m2m_table == "Course_Student_4");
}

TEST_CASE("pony_naming spells PonyORM's names") {
  registry r;
  r.add(entity("Student", {set("courses", "Course"), set("friends", "Student", "friends")}));
  r.add(entity("Course", {set("students", "Student")}));
  r.finalize();
  const pony_naming naming;
  const attr_info& courses = attr_of(r, "Student", "courses");
  const attr_info& students = attr_of(r, "Course", "students");
  const attr_info& friends = attr_of(r, "Student", "friends");
  CHECK(naming.table(r.get("Student")) == "Student");
  CHECK(naming.column(courses) == "courses");
  CHECK(naming.join_table(courses, students) == "Course_Student");
  CHECK(naming.join_table(students, courses) == "Course_Student");
  CHECK(naming.join_table(friends, friends) == "Student_friends");
  CHECK(naming.join_column(r.get("Course")) == "course");
}
