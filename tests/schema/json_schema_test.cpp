// The JSON schema: the CLI's form of a registry. Every malformed input is a schema_error that
// names where it is; nothing else escapes.
#include <nextorm/errors.hpp>
#include <nextorm/registry.hpp>

#include <sys/resource.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

using namespace nextorm;

namespace {

std::string load_error(const std::string& text) {
  registry r;
  try {
    r.load_json_text(text);
  } catch (const schema_error& e) {
    return e.what();
  }
  return "no error";
}

// One entity "P" with the given attribute objects.
std::string attrs_error(const std::string& attrs) {
  return load_error(R"({"entities":[{"name":"P","attrs":[)" + attrs + "]}]}");
}

}  // namespace

TEST_CASE("the JSON schema of the brief loads into the registry") {
  registry r;
  r.load_json_text(R"({"entities":[
    {"name":"Group","attrs":[{"name":"students","kind":"Set","type":"Student"}]},
    {"name":"Student","table":"students","attrs":[
      {"name":"id","kind":"PK","type":"int","auto":true},
      {"name":"name","kind":"Req","type":"str","max_len":64,"unique":true},
      {"name":"group","kind":"Single","type":"Group","reverse":"students","optional":true},
      {"name":"courses","kind":"Set","type":"Course","reverse":"students"},
      {"name":"gpa","kind":"Opt","type":"float","column":"grade","index":true},
      {"name":"nick","kind":"Opt","type":"str","nullable":true,"default":null},
      {"name":"price","kind":"Req","type":"decimal","precision":10,"scale":3,"default":"1.5"},
      {"name":"ok","kind":"Req","type":"bool","default":true},
      {"name":"n","kind":"Req","type":"int","default":-3},
      {"name":"m","kind":"Req","type":"int","default":7},
      {"name":"x","kind":"Req","type":"float","default":2.5},
      {"name":"s","kind":"Req","type":"str","default":"hi"}]},
    {"name":"Course","attrs":[
      {"name":"students","kind":"Set","type":"Student","reverse":"courses"},
      {"name":"d","kind":"Opt","type":"date"},{"name":"dt","kind":"Opt","type":"datetime"},
      {"name":"t","kind":"Opt","type":"time"},{"name":"b","kind":"Opt","type":"bytes"},
      {"name":"u","kind":"Opt","type":"uuid"},{"name":"j","kind":"Opt","type":"json"},
      {"name":"dec","kind":"Req","type":"decimal","precision":10},
      {"name":"one","kind":"Req","type":"decimal","precision":1}]}]})");
  r.finalize();
  const entity_info& student = r.get("Student");
  CHECK(student.table == "students");
  CHECK(student.attrs[0].auto_increment);
  const attr_info& name = *student.find("name");
  CHECK(name.kind == attr_kind::req);
  CHECK(name.type == value_type::text);
  CHECK(name.max_len == 64u);
  CHECK(name.unique);
  const attr_info& group = *student.find("group");
  CHECK(group.kind == attr_kind::single);
  CHECK(group.target == "Group");
  CHECK(group.reverse == "students");
  CHECK(group.optional);
  CHECK(student.find("courses")->is_many_to_many());
  const attr_info& gpa = *student.find("gpa");
  CHECK(gpa.column == "grade");
  CHECK(gpa.indexed);
  CHECK(gpa.type == value_type::real);
  CHECK(student.find("nick")->nullable);
  CHECK(student.find("nick")->default_value->is_null());
  const attr_info& price = *student.find("price");
  CHECK(price.precision == 10);
  CHECK(price.scale == 3);
  CHECK(*price.default_value == value::typed(value_type::decimal, "1.5"));
  CHECK(*student.find("ok")->default_value == value{true});
  CHECK(*student.find("n")->default_value == value{-3});
  CHECK(*student.find("m")->default_value == value{7});
  CHECK(*student.find("x")->default_value == value{2.5});
  CHECK(*student.find("s")->default_value == value{"hi"});
  const entity_info& course = r.get("Course");
  CHECK(course.find("d")->type == value_type::date);
  CHECK(course.find("dt")->type == value_type::datetime);
  CHECK(course.find("t")->type == value_type::time);
  CHECK(course.find("b")->type == value_type::bytes);
  CHECK(course.find("u")->type == value_type::uuid);
  CHECK(course.find("j")->type == value_type::json);
  // PonyORM: Decimal(10) has scale 2.
  CHECK(course.find("dec")->scale == 2);
  CHECK(course.find("one")->scale == 1);
  CHECK(r.get("Group").find("students")->reverse_attr == student.find("group"));
}

TEST_CASE("text that is not JSON reports nlohmann's line and column") {
  CHECK(load_error("{\"entities\": [\n  {\"name\": \"P\",}\n]}") ==
        "schema.json_syntax: JSON schema: parse error at line 2, column 16: syntax error while "
        "parsing object key - unexpected '}'; expected string literal");
  CHECK(load_error("") ==
        "schema.json_syntax: JSON schema: parse error at line 1, column 1: syntax error while "
        "parsing value - unexpected end of input; expected '[', '{', or a literal");
}

// Found by tests/fuzz (fuzz_json_schema): nlohmann reports a number beyond a double as
// out_of_range, not parse_error, and it left load_json_text as such.
TEST_CASE("a number beyond a double is a schema.json_syntax error") {
  const std::string error = load_error(R"({"entities": [], "x": -1e400})");
  CHECK(error.starts_with("schema.json_syntax: JSON schema: "));
  CHECK(error.find("1e400") != std::string::npos);
}

TEST_CASE("the document and entity shapes are checked") {
  CHECK(load_error("[]") ==
        "schema.json_shape: JSON schema: 'the schema' must be a JSON object with \"entities\", "
        "got array");
  CHECK(load_error(R"({"entitys":[]})") ==
        "schema.unknown_field: JSON schema: unknown field 'entitys'; did you mean 'entities'?");
  CHECK(load_error("{}") == "schema.missing_field: JSON schema: missing \"entities\"");
  CHECK(load_error(R"({"entities":{}})") ==
        "schema.json_shape: JSON schema: 'entities' must be a list of entities, got object");
  CHECK(load_error(R"({"entities":[{"name":"A"}, 3]})") ==
        "schema.json_shape: entity #2: 'entity' must be a JSON object, got number");
  CHECK(load_error(R"({"entities":[{"attrs":[]}]})") ==
        "schema.missing_field: entity #1: missing \"name\"");
  CHECK(load_error(R"({"entities":[{"name":7}]})") ==
        "schema.json_shape: entity #1: 'name' must be a string, got number");
  CHECK(load_error(R"({"entities":[{"name":"A","tabel":"a"}]})") ==
        "schema.unknown_field: entity A: unknown field 'tabel'; did you mean 'table'?");
  CHECK(load_error(R"({"entities":[{"name":"A","table":null}]})") ==
        "schema.json_shape: entity A: 'table' must be a string, got null");
  CHECK(load_error(R"({"entities":[{"name":"A","attrs":{}}]})") ==
        "schema.json_shape: entity A: 'attrs' must be a list of attributes, got object");
  CHECK(load_error(R"({"entities":[{"name":"A","colour":"red"}]})") ==
        "schema.unknown_field: entity A: unknown field 'colour'");
}

TEST_CASE("attribute fields are checked and named in the message") {
  CHECK(attrs_error(R"("x")") ==
        "schema.json_shape: entity P, attribute #1: 'attribute' must be a JSON object, got "
        "string");
  CHECK(attrs_error(R"({"kind":"Req","type":"str"})") ==
        "schema.missing_field: entity P, attribute #1: missing \"name\"");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"str"},{"name":false})") ==
        "schema.json_shape: entity P, attribute #2: 'name' must be a string, got boolean");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"str","uniq":true})") ==
        "schema.unknown_field: entity P, attribute a: unknown field 'uniq'; did you mean "
        "'unique'?");
  CHECK(attrs_error(R"({"name":"a","type":"str"})") ==
        "schema.missing_field: entity P, attribute a: missing \"kind\"");
  CHECK(attrs_error(R"({"name":"a","kind":"Reqd","type":"str"})") ==
        "schema.unknown_kind: entity P, attribute a: unknown kind 'Reqd'; did you mean 'Req'?");
  CHECK(attrs_error(R"({"name":"a","kind":"Required","type":"str"})") ==
        "schema.unknown_kind: entity P, attribute a: unknown kind 'Required'");
  CHECK(attrs_error(R"({"name":"a","kind":1,"type":"str"})") ==
        "schema.json_shape: entity P, attribute a: 'kind' must be a string, got number");
  CHECK(attrs_error(R"({"name":"a","kind":"Req"})") ==
        "schema.missing_field: entity P, attribute a: missing \"type\" (a type name, or the "
        "target entity of a Single or Set)");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"strr"})") ==
        "schema.unknown_type: entity P, attribute a: unknown type 'strr'; did you mean 'str'?");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"varchar"})") ==
        "schema.unknown_type: entity P, attribute a: unknown type 'varchar'");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":["str"]})") ==
        "schema.json_shape: entity P, attribute a: 'type' must be a string, got array");
  CHECK(attrs_error(R"({"name":"a","kind":"Single","type":"P","reverse":3})") ==
        "schema.json_shape: entity P, attribute a: 'reverse' must be a string, got number");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"str","column":{}})") ==
        "schema.json_shape: entity P, attribute a: 'column' must be a string, got object");
}

TEST_CASE("numbers and flags must have the right JSON type and range") {
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"str","max_len":-1})") ==
        "schema.json_shape: entity P, attribute a: 'max_len' must be an integer from 0 to "
        "4294967295, got number");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"str","max_len":6.5})") ==
        "schema.json_shape: entity P, attribute a: 'max_len' must be an integer from 0 to "
        "4294967295, got number");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"str","max_len":"64"})") ==
        "schema.json_shape: entity P, attribute a: 'max_len' must be an integer from 0 to "
        "4294967295, got string");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"str","max_len":4294967296})") ==
        "schema.json_shape: entity P, attribute a: 'max_len' must be an integer from 0 to "
        "4294967295, got 4294967296");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"decimal","precision":300})") ==
        "schema.json_shape: entity P, attribute a: 'precision' must be an integer from 0 to "
        "255, got 300");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"decimal","scale":-2})") ==
        "schema.json_shape: entity P, attribute a: 'scale' must be an integer from 0 to 255, got "
        "number");
  for (const char* flag : {"unique", "index", "nullable", "optional", "auto"}) {
    CHECK(attrs_error(std::string{R"({"name":"a","kind":"Req","type":"str",")"} + flag +
                      R"(":"yes"})") == std::string{"schema.json_shape: entity P, attribute a: '"} +
                                            flag + "' must be true or false, got string");
  }
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"int","default":[1]})") ==
        "schema.json_shape: entity P, attribute a: 'default' must be a JSON scalar (number, "
        "string, true, false or null), got array");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"int","default":9223372036854775808})") ==
        "schema.json_shape: entity P, attribute a: 'default' 9223372036854775808 does not fit a "
        "64-bit integer");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"int","default":9223372036854775807})") ==
        "no error");
}

TEST_CASE("add()'s checks apply to JSON entities, and a failing schema adds nothing") {
  CHECK(attrs_error(R"({"name":"k","kind":"PK","type":"float"})") ==
        "schema.pk_type: entity P, attribute k: a PK must be int, str or uuid, not float");
  registry r;
  r.load_json_text(R"({"entities":[{"name":"Existing"}]})");
  CHECK_THROWS_AS(r.load_json_text(R"({"entities":[{"name":"New"},{"name":"Existing"}]})"),
                  schema_error);
  CHECK(r.entities().size() == 1);
  CHECK(r.find("New") == nullptr);
  r.load_json_text(R"({"entities":[{"name":"New"}]})");  // the name is free again
  r.finalize();
  CHECK(r.get("New").table == "New");
}

TEST_CASE("load_json_file reads a file and names it in errors") {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("nextorm_json_schema_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path good = dir / "good.json";
  const fs::path bad = dir / "bad.json";
  std::ofstream{good} << R"({"entities":[{"name":"Tag","attrs":[)"
                         R"({"name":"label","kind":"Req","type":"str"}]}]})";
  std::ofstream{bad} << R"({"entities":[{"name":"Tag","attrs":[{"name":"x","kind":"Reqd"}]}]})";
  registry r;
  r.load_json_file(good);
  CHECK(r.get("Tag").find("label") != nullptr);

  auto error_of = [](const fs::path& path) -> std::string {
    registry fresh;
    try {
      fresh.load_json_file(path);
    } catch (const schema_error& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK(error_of(bad) == "schema.unknown_kind: " + bad.string() +
                             ": entity Tag, attribute x: unknown kind 'Reqd'; did you mean 'Req'?");
  CHECK(error_of(dir / "missing.json") ==
        "schema.file: cannot read the schema file '" + (dir / "missing.json").string() + "'");
  CHECK(error_of(dir) == "schema.file: cannot read the schema file '" + dir.string() + "'");
  // A regular file that cannot be opened: without the permission to read it, or, as here, with
  // no file descriptor left (the tests may run as root, who may read any file).
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
  rlimit none = saved;
  none.rlim_cur = 0;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &none) == 0);
  const std::string unopened = error_of(good);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);
  CHECK(unopened == "schema.file: cannot read the schema file '" + good.string() + "'");
  fs::remove_all(dir);
}

namespace {

// The message of the schema_error that loading and finalizing `attrs` of entity P throws.
std::string finalize_error(const std::string& attrs) {
  registry r;
  try {
    r.load_json_text(R"({"entities":[{"name":"P","attrs":[)" + attrs + "]}]}");
    r.finalize();
  } catch (const schema_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("min, max and autostrip load from the JSON schema and are checked") {
  registry r;
  r.load_json_text(R"({"entities":[{"name":"P","attrs":[
      {"name":"age","kind":"Req","type":"int","min":0,"max":150},
      {"name":"score","kind":"Opt","type":"float","min":0.5},
      {"name":"code","kind":"Req","type":"str","autostrip":false},
      {"name":"label","kind":"Req","type":"str"}]}]})");
  r.finalize();
  const entity_info& p = r.get("P");
  CHECK(p.find("age")->min_value == value{0});
  CHECK(p.find("age")->max_value == value{150});
  CHECK(p.find("score")->min_value == value{0.5});
  CHECK_FALSE(p.find("score")->max_value.has_value());
  CHECK_FALSE(p.find("code")->autostrip);
  CHECK(p.find("label")->autostrip);  // PonyORM's default
  CHECK(finalize_error(R"({"name":"a","kind":"Req","type":"str","min":1})") ==
        "schema.option_kind: entity P, attribute a: 'min' applies only to int, float and decimal "
        "attributes, not to a Req str");
  CHECK(finalize_error(R"({"name":"a","kind":"Req","type":"int","max":"9"})") ==
        "schema.bound_type: entity P, attribute a: max must be a number, not str");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"int","min":[1]})") ==
        "schema.json_shape: entity P, attribute a: 'min' must be a JSON scalar (number, "
        "string, true, false or null), got array");
  CHECK(attrs_error(R"({"name":"a","kind":"Req","type":"str","autostrip":1})") ==
        "schema.json_shape: entity P, attribute a: 'autostrip' must be true or false, got "
        "number");
}

namespace {

// Loads and finalizes; the error, or "no error".
std::string mapping_error(const std::string& text) {
  registry r;
  try {
    r.load_json_text(text);
    r.finalize();
  } catch (const schema_error& e) {
    return e.what();
  }
  return "no error";
}

// A Student with first/last/year/score and the given composite lists.
std::string composite_error(const std::string& lists) {
  return mapping_error(R"({"entities":[{"name":"Student",)" + lists + R"(,"attrs":[
    {"name":"first","kind":"Req","type":"str"}, {"name":"last","kind":"Opt","type":"str"},
    {"name":"year","kind":"Req","type":"int"}, {"name":"score","kind":"Opt","type":"float"},
    {"name":"groups","kind":"Set","type":"Group"}]},
    {"name":"Group","attrs":[{"name":"students","kind":"Set","type":"Student"}]}]})");
}

}  // namespace

TEST_CASE(
    "composite_keys and composite_indexes load as PonyORM's composite_key and composite_index") {
  registry r;
  r.load_json_text(R"({"entities":[{"name":"Student",
    "composite_keys":[["first","last"]], "composite_indexes":[["year","first","last"]],
    "attrs":[{"name":"first","kind":"Req","type":"str"},{"name":"last","kind":"Opt","type":"str"},
             {"name":"year","kind":"Req","type":"int"}]}]})");
  r.finalize();
  const entity_info& student = r.get("Student");
  REQUIRE(student.composite_indexes.size() == 2);
  CHECK(student.composite_indexes[0].attrs == std::vector<std::string>{"first", "last"});
  CHECK(student.composite_indexes[0].unique);
  CHECK(student.composite_indexes[1].attrs == std::vector<std::string>{"year", "first", "last"});
  CHECK_FALSE(student.composite_indexes[1].unique);
  // An Opt str in a composite index is nullable: a missing value is NULL, not ''.
  CHECK(student.find("last")->column_nullable());
  CHECK_FALSE(student.find("first")->column_nullable());
}

TEST_CASE("a composite key or index names two or more distinct attributes with columns") {
  CHECK(composite_error(R"("composite_keys":[["first","lats"]])") ==
        "schema.unknown_field: entity Student: composite_key(first, lats): entity Student has no "
        "attribute 'lats'; did you mean 'last'?");
  CHECK(composite_error(R"("composite_keys":[["first"]])") ==
        "schema.composite_index: entity Student: composite_key(first): needs at least two "
        "attributes (a single one: make it unique)");
  CHECK(composite_error(R"("composite_indexes":[["year"]])") ==
        "schema.composite_index: entity Student: composite_index(year): needs at least two "
        "attributes (a single one: make it indexed)");
  CHECK(composite_error(R"("composite_keys":[["first","year","first"]])") ==
        "schema.composite_index: entity Student: composite_key(first, year, first): first is "
        "listed twice");
  CHECK(composite_error(R"("composite_indexes":[["first","groups"]])") ==
        "schema.composite_index: entity Student: composite_index(first, groups): the Set groups "
        "has no column to index");
  CHECK(composite_error(R"("composite_keys":[["first","score"]])") ==
        "schema.float_key: entity Student: composite_key(first, score): the float attribute "
        "score cannot be part of it (PonyORM refuses it too)");
  CHECK(composite_error(R"("composite_keys":["first"])") ==
        "schema.json_shape: entity Student: 'composite_keys' must be a list of lists of "
        "attribute names, got string");
  CHECK(composite_error(R"("composite_indexes":{"a":1})") ==
        "schema.json_shape: entity Student: 'composite_indexes' must be a list of lists of "
        "attribute names, got object");
  CHECK(composite_error(R"("composite_keys":[["first",2]])") ==
        "schema.json_shape: entity Student: 'composite_keys' must be a list of lists of "
        "attribute names, got number");
  CHECK(composite_error(R"("composite_keys":[])") == "no error");
}

TEST_CASE("join-table options name a many-to-many's table and columns, as PonyORM's Set options") {
  registry r;
  r.load_json_text(R"({"entities":[
    {"name":"Student","attrs":[
      {"name":"courses","kind":"Set","type":"Course","table":"enrolment","column":"course_ref"},
      {"name":"friends","kind":"Set","type":"Student","reverse":"friends","column":"a",
       "reverse_column":"b"},
      {"name":"follows","kind":"Set","type":"Student","reverse":"followers","column":"x"},
      {"name":"followers","kind":"Set","type":"Student","reverse":"follows"}]},
    {"name":"Course","attrs":[{"name":"students","kind":"Set","type":"Student"}]}]})");
  r.finalize();
  const attr_info& courses = *r.get("Student").find("courses");
  CHECK(courses.m2m_table == "enrolment");
  CHECK(courses.m2m_other_columns ==
        std::vector<std::string>{"course_ref"});  // the column of the Set's items
  CHECK(courses.m2m_own_columns ==
        std::vector<std::string>{"student"});  // the reverse declares none: PonyORM's name
  CHECK(r.get("Course").find("students")->m2m_table == "enrolment");
  const attr_info& friends = *r.get("Student").find("friends");
  CHECK(friends.m2m_own_columns == std::vector<std::string>{"a"});
  CHECK(friends.m2m_other_columns == std::vector<std::string>{"b"});
  // A self-reference: follows declares the column of its items (x), as PonyORM checks: after
  // a.follows.add(b), its row is (student=a, x=b).
  const attr_info& follows = *r.get("Student").find("follows");
  CHECK(follows.m2m_other_columns == std::vector<std::string>{"x"});
  CHECK(follows.m2m_own_columns == std::vector<std::string>{"student"});
  CHECK(r.get("Student").find("followers")->m2m_other_columns ==
        std::vector<std::string>{"student"});
}

TEST_CASE("join-table options that do not fit the relation are refused with the reason") {
  const std::string course =
      R"({"name":"Course","attrs":[{"name":"teacher","kind":"Single","type":"Teacher"}]})";
  CHECK(mapping_error(R"({"entities":[{"name":"Teacher","attrs":[
      {"name":"courses","kind":"Set","type":"Course","column":"c"}]},)" +
                      course + "]}") ==
        "schema.option_kind: entity Teacher, attribute courses: 'column' applies only to a "
        "many-to-many Set; Teacher.courses is one-to-many, and its column is Course.teacher's");
  CHECK(mapping_error(R"({"entities":[{"name":"Teacher","attrs":[
      {"name":"courses","kind":"Set","type":"Course","table":"t"}]},)" +
                      course + "]}") ==
        "schema.option_kind: entity Teacher, attribute courses: 'table' applies only to a "
        "many-to-many Set; Teacher.courses is one-to-many, and its column is Course.teacher's");
  CHECK(mapping_error(R"({"entities":[{"name":"Teacher","attrs":[
      {"name":"courses","kind":"Set","type":"Course"}]},
      {"name":"Course","attrs":[{"name":"teacher","kind":"Single","type":"Teacher","table":"t"}]}]})") ==
        "schema.option_kind: entity Course, attribute teacher: 'table' applies only to a "
        "many-to-many Set, not to a Single");
  CHECK(mapping_error(R"({"entities":[{"name":"Teacher","attrs":[
      {"name":"courses","kind":"Set","type":"Course"}]},
      {"name":"Course","attrs":[{"name":"teacher","kind":"Single","type":"Teacher",
        "reverse_column":"t"}]}]})") ==
        "schema.option_kind: entity Course, attribute teacher: 'reverse_column' applies only to "
        "a symmetric Set, not to a Single");
  const std::string pair =
      R"({"entities":[{"name":"A","attrs":[{"name":"bs","kind":"Set","type":"B")";
  CHECK(mapping_error(pair + R"(,"reverse_column":"r"}]},
      {"name":"B","attrs":[{"name":"as","kind":"Set","type":"A"}]}]})") ==
        "schema.option_kind: entity A, attribute bs: 'reverse_column' applies only to a "
        "symmetric Set (its own reverse); name this side's column with 'column'");
  CHECK(mapping_error(pair + R"(,"table":"ab"}]},
      {"name":"B","attrs":[{"name":"as","kind":"Set","type":"A","table":"ba"}]}]})") ==
        "schema.join_table: entity A, attribute bs: the join table is declared as ab here and as "
        "ba by B.as; declare one name");
  // The same name on both sides is one declaration.
  CHECK(mapping_error(pair + R"(,"table":"ab"}]},
      {"name":"B","attrs":[{"name":"as","kind":"Set","type":"A","table":"ab"}]}]})") == "no error");
  CHECK(mapping_error(pair + R"(,"table":"B"}]},
      {"name":"B","attrs":[{"name":"as","kind":"Set","type":"A"}]}]})") ==
        "schema.duplicate_table: entity A, attribute bs: join table B is already used; declare "
        "another name");
  CHECK(mapping_error(pair + R"(,"column":"x"}]},
      {"name":"B","attrs":[{"name":"as","kind":"Set","type":"A","column":"X"}]}]})") ==
        "schema.duplicate_column: entity A, attribute bs: join table A_B would have two columns "
        "named X; declare another column for one side");
}

TEST_CASE("cascade_delete loads with PonyORM's default and is refused where it cannot apply") {
  registry r;
  r.load_json_text(R"({"entities":[
    {"name":"Teacher","attrs":[{"name":"name","kind":"Req","type":"str"},
      {"name":"courses","kind":"Set","type":"Course"},
      {"name":"notes","kind":"Set","type":"Note","cascade_delete":true},
      {"name":"desk","kind":"Single","type":"Desk","optional":true,"cascade_delete":true}]},
    {"name":"Course","attrs":[{"name":"teacher","kind":"Single","type":"Teacher"}]},
    {"name":"Note","attrs":[{"name":"teacher","kind":"Single","type":"Teacher","optional":true}]},
    {"name":"Desk","attrs":[{"name":"teacher","kind":"Single","type":"Teacher"}]}]})");
  r.finalize();
  const entity_info& teacher = r.get("Teacher");
  CHECK(teacher.find("courses")->cascades);  // its items require their teacher
  CHECK(teacher.find("notes")->cascades);    // declared
  CHECK(teacher.find("desk")->cascades);
  CHECK_FALSE(r.get("Note").find("teacher")->cascades);
  CHECK_FALSE(r.get("Desk").find("teacher")->cascades);

  const std::string teacher_with = R"({"entities":[{"name":"Teacher","attrs":[)";
  CHECK(mapping_error(teacher_with + R"({"name":"name","kind":"Req","type":"str",
      "cascade_delete":true}]}]})") ==
        "schema.option_kind: entity Teacher, attribute name: 'cascade_delete' applies only to "
        "Single and Set, not to a Req str");
  CHECK(mapping_error(teacher_with + R"({"name":"courses","kind":"Set","type":"Course"}]},
      {"name":"Course","attrs":[{"name":"teacher","kind":"Single","type":"Teacher",
        "cascade_delete":true}]}]})") ==
        "schema.cascade_delete: entity Course, attribute teacher: cascade_delete cannot be set: "
        "the reverse attribute Teacher.courses is a Set (an object there may belong to others "
        "too)");
  CHECK(mapping_error(teacher_with + R"({"name":"courses","kind":"Set","type":"Course",
        "cascade_delete":true}]},
      {"name":"Course","attrs":[{"name":"teachers","kind":"Set","type":"Teacher"}]}]})") ==
        "schema.cascade_delete: entity Teacher, attribute courses: cascade_delete cannot be set: "
        "the reverse attribute Course.teachers is a Set (an object there may belong to others "
        "too)");
  CHECK(mapping_error(teacher_with + R"({"name":"desk","kind":"Single","type":"Desk",
        "optional":true,"cascade_delete":true}]},
      {"name":"Desk","attrs":[{"name":"teacher","kind":"Single","type":"Teacher",
        "optional":true,"cascade_delete":true}]}]})") ==
        "schema.cascade_delete: entity Teacher, attribute desk: cascade_delete is set on both "
        "sides of the relation with Desk.teacher; keep it on the side whose removal takes the "
        "other");
  // Declared false, it may stand anywhere on a relation.
  CHECK(mapping_error(teacher_with + R"({"name":"courses","kind":"Set","type":"Course",
        "cascade_delete":false}]},
      {"name":"Course","attrs":[{"name":"teachers","kind":"Set","type":"Teacher"}]}]})") ==
        "no error");
}

TEST_CASE("the synopsis of docs/json-schema.md loads and maps as it says") {
  const char* root = std::getenv("NEXTORM_SOURCE_ROOT");
  REQUIRE(root != nullptr);
  std::ifstream in{std::string{root} + "/docs/json-schema.md"};
  REQUIRE(in);
  const std::string doc{std::istreambuf_iterator<char>{in}, {}};
  const auto start = doc.find("```json\n");
  REQUIRE(start != std::string::npos);
  const auto end = doc.find("```", start + 8);
  registry r;
  r.load_json_text(doc.substr(start + 8, end - start - 8));
  r.finalize();
  CHECK(r.get("Group").table == "study_groups");
  const entity_info& course = r.get("Course");
  REQUIRE(course.composite_indexes.size() == 1);
  CHECK(course.composite_indexes[0].unique);
  CHECK(course.find("students")->m2m_table == "enrolments");
  CHECK(course.find("dept")->fk_name == "course_dept");
  CHECK(course.find("credits")->default_value == value{std::int64_t{3}});
  CHECK_FALSE(r.get("Department").find("courses")->cascades);
  CHECK(r.get("Department").find("groups")->cascades);
  CHECK(r.get("Student").pk().name == "id");  // the implicit key
  CHECK(r.get("Student").find("mentees")->reverse_attr == r.get("Student").find("mentor"));
}

namespace {

// `entities` (JSON objects) loaded and finalized; the error's text, or "no error".
std::string hierarchy_error(const std::string& entities) {
  registry r;
  try {
    r.load_json_text(R"({"entities":[)" + entities + "]}");
    r.finalize();
  } catch (const schema_error& e) {
    return e.what();
  }
  return "no error";
}

const std::string person =
    R"({"name":"Person","attrs":[{"name":"name","kind":"Req","type":"str"}]})";

}  // namespace

TEST_CASE("a JSON schema declares inheritance with base and discriminator", "[inheritance]") {
  registry r;
  // A subclass may come before its base.
  r.load_json_text(R"({"entities":[
    {"name":"Prof","base":"Teacher","discriminator":"P","attrs":[
      {"name":"chair","kind":"Opt","type":"str"}]},
    {"name":"Teacher","base":"Person","attrs":[{"name":"salary","kind":"Req","type":"int"}]},
    )" + person + "]}");
  r.finalize();
  const entity_info& prof = r.get("Prof");
  const entity_info& root = r.get("Person");
  CHECK(prof.table == "Person");
  CHECK(prof.root == &root);
  CHECK(prof.base_entity == &r.get("Teacher"));
  CHECK(prof.discriminator_value == "P");
  CHECK(r.get("Teacher").discriminator_value == "Teacher");
  // Its attributes: the base's (the key, name, classtype, salary), then its own.
  std::vector<std::string> names;
  for (const auto& attr : prof.attrs) names.push_back(attr.name);
  CHECK(names == std::vector<std::string>{"id", "name", "classtype", "salary", "chair"});
  CHECK(prof.attrs[0].inherited);
  CHECK_FALSE(prof.attrs[4].inherited);
  // A subclass's Req takes NULL in the table (other classes' rows have none).
  CHECK(r.get("Teacher").find("salary")->column_nullable());
  CHECK_FALSE(root.find("name")->column_nullable());
  // The table has every class's columns, read for an object of any class.
  std::vector<std::string> columns;
  for (const attr_info* attr : root.load_columns) columns.push_back(attr->column);
  CHECK(columns == std::vector<std::string>{"id", "name", "classtype", "salary", "chair"});
  CHECK(prof.load_positions == std::vector<std::size_t>{0, 1, 2, 3, 4});
  CHECK(root.subclasses.size() == 2);
  CHECK(root.is_same_or_base_of(prof));
  CHECK_FALSE(prof.is_same_or_base_of(root));
}

TEST_CASE("an inheritance that PonyORM refuses is a schema_error that says why", "[inheritance]") {
  CHECK_THAT(hierarchy_error(person + R"(,{"name":"S","base":"Persn","attrs":[]})"),
             Catch::Contains("unknown base entity 'Persn'; did you mean 'Person'?"));
  CHECK_THAT(
      hierarchy_error(R"({"name":"A","base":"B","attrs":[]},{"name":"B","base":"A","attrs":[]})"),
      Catch::Contains("schema.inheritance_cycle"));
  CHECK_THAT(hierarchy_error(R"({"name":"A","base":"A","attrs":[]})"),
             Catch::Contains("schema.inheritance_cycle"));
  CHECK_THAT(hierarchy_error(person + R"(,{"name":"S","base":"Person","attrs":[
               {"name":"code","kind":"PK","type":"int"}]})"),
             Catch::Contains("schema.subclass_pk"));
  CHECK_THAT(hierarchy_error(person + R"(,{"name":"S","base":"Person","table":"s","attrs":[]})"),
             Catch::Contains("schema.subclass_table"));
  CHECK_THAT(hierarchy_error(person + R"(,{"name":"S","base":"Person","attrs":[
               {"name":"name","kind":"Opt","type":"str"}]})"),
             Catch::Contains("hides the attribute Person.name"));
  CHECK_THAT(
      hierarchy_error(R"({"name":"P","attrs":[{"name":"classtype","kind":"Req","type":"str"}]},
                                {"name":"S","base":"P","attrs":[]})"),
      Catch::Contains("schema.discriminator_name"));
  CHECK_THAT(hierarchy_error(
                 person + R"(,{"name":"S","base":"Person","discriminator":"Person","attrs":[]})"),
             Catch::Contains("schema.duplicate_discriminator"));
  // Two classes that are not each other's base cannot share a column.
  CHECK_THAT(
      hierarchy_error(person + R"(,{"name":"S","base":"Person","attrs":[
               {"name":"code","kind":"Opt","type":"str"}]},{"name":"T","base":"Person","attrs":[
               {"name":"code","kind":"Opt","type":"int"}]})"),
      Catch::Contains("another class of the hierarchy of Person has an attribute of that name"));
  CHECK_THAT(hierarchy_error(person + R"(,{"name":"S","base":"Person","attrs":[
               {"name":"code","kind":"Opt","type":"str"}]},{"name":"T","base":"Person","attrs":[
               {"name":"other","kind":"Opt","type":"int","column":"code"}]})"),
             Catch::Contains("column code is already used in table Person"));
  CHECK_THAT(hierarchy_error(person + R"(,{"name":"S","base":"Person","attrs":[
               {"name":"code","kind":"Opt","type":"str","column":"name"}]})"),
             Catch::Contains("schema.duplicate_column"));
  CHECK_THAT(load_error(R"({"entities":[{"name":"S","base":"not a name","attrs":[]}]})"),
             Catch::Contains("schema.bad_name"));
  CHECK_THAT(load_error(R"({"entities":[{"name":"S","base":1,"attrs":[]}]})"),
             Catch::Contains("base"));
  // A subclass's composite key may name its base's attributes.
  CHECK(hierarchy_error(person + R"(,{"name":"S","base":"Person","composite_keys":[["name","code"]],
          "attrs":[{"name":"code","kind":"Opt","type":"str"}]})") == "no error");
  CHECK_THAT(
      hierarchy_error(person + R"(,{"name":"S","base":"Person","composite_keys":[["name","cod"]],
          "attrs":[{"name":"code","kind":"Opt","type":"str"}]})"),
      Catch::Contains("did you mean 'code'"));
}

TEST_CASE("finalize() runs again over a hierarchy with its attributes in place", "[inheritance]") {
  registry r;
  r.load_json_text(
      R"({"entities":[)" + person +
      R"(,{"name":"S","base":"Person","attrs":[{"name":"code","kind":"Opt","type":"str"}]}]})");
  r.finalize();
  const attr_info* code = r.get("S").find("code");
  r.finalize(pony_naming{"postgres"});
  CHECK(r.get("S").find("code") == code);
  CHECK(r.get("S").table == "person");
}

namespace {

// The first JSON example of docs/json-schema.md after the text `after`, loaded and finalized.
void load_doc_example(registry& r, const std::string& after) {
  const char* root = std::getenv("NEXTORM_SOURCE_ROOT");
  REQUIRE(root != nullptr);
  std::ifstream in{std::string{root} + "/docs/json-schema.md"};
  const std::string doc{std::istreambuf_iterator<char>{in}, {}};
  const auto start = doc.find("```json\n", doc.find(after));
  REQUIRE(start != std::string::npos);
  const auto end = doc.find("```", start + 8);
  r.load_json_text(doc.substr(start + 8, end - start - 8));
  r.finalize();
}

}  // namespace

TEST_CASE("the inheritance example of docs/json-schema.md loads as it says", "[inheritance]") {
  registry r;
  load_doc_example(r, "A subclass declares only its own attributes");
  CHECK(r.get("Professor").discriminator_value == "Prof");
  CHECK(r.get("Student").table == "Person");
  CHECK(r.get("Person").load_columns.size() == 5);  // id, name, classtype, gpa, position
}

TEST_CASE("the multiple inheritance example of docs/json-schema.md loads as it says",
          "[inheritance]") {
  registry r;
  load_doc_example(r, "PonyORM's multiple inheritance:");
  const entity_info& assistant = r.get("Assistant");
  CHECK(r.get("Teacher").is_same_or_base_of(assistant));
  CHECK(r.get("Student").is_same_or_base_of(assistant));
  CHECK(assistant.find("gpa") != nullptr);
  CHECK(assistant.find("degree") != nullptr);
  CHECK(assistant.table == "Person");
}

namespace {

// What a finalized registry maps to: tables, columns (with their nullability, the key, the
// join tables), in a text that two registries can be compared by.
std::string mapping_of(const registry& r) {
  auto text_of = [](const nextorm::value& v) {
    return v.is_null() ? std::string{} : v.type() == value_type::text ? v.as_text() : v.repr();
  };
  std::string out;
  for (const auto& entity : r.entities()) {
    out +=
        entity->name + " -> " + entity->table + " (" + text_of(entity->discriminator_value) + "):";
    for (const attr_info* attr : entity->load_columns) {
      out += " " + attr->name + "=" + attr->column + (attr->column_nullable() ? "?" : "") +
             (attr->unique ? "!" : "");
    }
    for (const auto& attr : entity->attrs) {
      if (attr.is_many_to_many()) out += " " + attr.name + "@" + attr.m2m_table;
      if (attr.cascades) out += " " + attr.name + "+cascade";
      if (attr.default_value) out += " " + attr.name + "=" + attr.default_value->repr();
    }
    for (const auto& index : entity->composite_indexes) {
      out += index.unique ? " key(" : " index(";
      for (const auto& name : index.attrs) out += name + " ";
      out += ")";
    }
    out += "\n";
  }
  return out;
}

// `text` loaded, written back with to_json() and loaded again: both map the same way.
void check_round_trip(const std::string& text) {
  registry first;
  first.load_json_text(text);
  first.finalize(pony_naming{"mariadb"});
  const std::string written = first.to_json();
  registry second;
  second.load_json_text(written);
  second.finalize(pony_naming{"mariadb"});
  CHECK(mapping_of(second) == mapping_of(first));
  CHECK(second.to_json() == written);
}

std::string source_file(const std::string& path) {
  const char* root = std::getenv("NEXTORM_SOURCE_ROOT");
  REQUIRE(root != nullptr);
  std::ifstream in{std::string{root} + "/" + path};
  REQUIRE(in);
  return std::string{std::istreambuf_iterator<char>{in}, {}};
}

}  // namespace

TEST_CASE("to_json() writes a registry as the JSON schema that loads into it again", "[to_json]") {
  check_round_trip(source_file("tests/schema/naming_schema.json"));
  check_round_trip(source_file("tests/differential/schema.json"));
  const std::string doc = source_file("docs/json-schema.md");
  const auto start = doc.find("```json\n");
  check_round_trip(doc.substr(start + 8, doc.find("```", start + 8) - start - 8));
  // Every option, with defaults of the text-carried types and bounds.
  check_round_trip(R"js({"entities":[{"name":"P","table":"things","attrs":[
    {"name":"code","kind":"PK","type":"str","max_len":12},
    {"name":"price","kind":"Req","type":"decimal","precision":10,"scale":3,"default":"1.5",
     "min":0,"max":99.5,"sql_type":"NUMERIC(10, 3)"},
    {"name":"day","kind":"Opt","type":"date","default":"2024-02-29","column":"the_day"},
    {"name":"n","kind":"Req","type":"int","size":16,"unsigned":true,"sql_default":"7","index":true},
    {"name":"f","kind":"Opt","type":"float","default":-0.5},
    {"name":"ok","kind":"Req","type":"bool","default":false},
    {"name":"s","kind":"Opt","type":"str","autostrip":false,"nullable":true,"unique":true},
    {"name":"nothing","kind":"Opt","type":"str","nullable":true,"default":null},
    {"name":"q","kind":"Single","type":"Q","optional":true,"fk_name":"p_q","cascade_delete":false}
  ]},{"name":"Q","attrs":[{"name":"ps","kind":"Set","type":"P","reverse":"q"}]}]})js");
  registry empty;
  CHECK(empty.to_json() == "{\n  \"entities\": []\n}");
}

TEST_CASE("\"generate\" makes a uuid attribute's values, and nothing else's", "[uuid_keys]") {
  registry r;
  r.load_json_text(R"({"entities":[{"name":"P","attrs":[
    {"name":"id","kind":"PK","type":"uuid","generate":"uuid4"},
    {"name":"v","kind":"Opt","type":"uuid","generate":"uuid7"}]}]})");
  CHECK(r.get("P").pk().generate == key_generator::uuid4);
  CHECK(r.get("P").find("v")->generate == key_generator::uuid7);
  CHECK_THAT(attrs_error(R"({"name":"id","kind":"PK","type":"uuid","generate":"uuid5"})"),
             Catch::Contains("unknown \"generate\" 'uuid5'; did you mean 'uuid4'?"));
  CHECK_THAT(attrs_error(R"({"name":"n","kind":"Req","type":"int","generate":"uuid4"})"),
             Catch::Contains("schema.option_kind"));
}

// PonyORM's documentation's example of multiple inheritance: an Assistant is a Student and a
// Teacher, both Persons (a "diamond").
const std::string diamond = person + R"(,
  {"name":"Student","base":"Person","attrs":[{"name":"gpa","kind":"Opt","type":"float"},
    {"name":"mentor","kind":"Single","type":"Teacher","optional":true}]},
  {"name":"Teacher","base":"Person","attrs":[{"name":"degree","kind":"Req","type":"str"},
    {"name":"students","kind":"Set","type":"Student"}]})";

TEST_CASE("a JSON schema declares multiple inheritance as a list of bases of one hierarchy",
          "[inheritance]") {
  registry r;
  // A subclass of several bases may come before them.
  r.load_json_text(R"({"entities":[
    {"name":"Assistant","base":["Student","Teacher"],"attrs":[
      {"name":"hours","kind":"Opt","type":"int"}]},)" +
                   diamond + "]}");
  r.finalize();
  const entity_info& assistant = r.get("Assistant");
  const entity_info& student = r.get("Student");
  const entity_info& teacher = r.get("Teacher");
  const entity_info& root = r.get("Person");
  CHECK(assistant.base == "Student");
  CHECK(assistant.more_bases == std::vector<std::string>{"Teacher"});
  CHECK(assistant.bases == std::vector<const entity_info*>{&student, &teacher});
  CHECK(assistant.ancestors == std::vector<const entity_info*>{&student, &teacher, &root});
  CHECK(assistant.root == &root);
  CHECK(assistant.table == "Person");
  // Its attributes: the first base's, the second's that it lacks (Person's once), its own.
  std::vector<std::string> names;
  for (const auto& attr : assistant.attrs) {
    names.push_back(attr.name + (attr.inherited ? "" : "*"));
  }
  CHECK(names == std::vector<std::string>{"id", "name", "classtype", "gpa", "mentor", "degree",
                                          "students", "hours*"});
  CHECK(assistant.find("degree")->column == "degree");
  CHECK(assistant.find("students")->target_entity == &student);
  CHECK(assistant.find("mentor")->target_entity == &teacher);
  // One table of every class's columns; the Assistant is below each of its bases, once.
  std::vector<std::string> columns;
  for (const attr_info* attr : root.load_columns) columns.push_back(attr->column);
  CHECK(columns ==
        std::vector<std::string>{"id", "name", "classtype", "gpa", "mentor", "degree", "hours"});
  CHECK(root.subclasses == std::vector<const entity_info*>{&student, &teacher, &assistant});
  CHECK(student.subclasses == std::vector<const entity_info*>{&assistant});
  CHECK(teacher.subclasses == std::vector<const entity_info*>{&assistant});
  CHECK(teacher.is_same_or_base_of(assistant));
  CHECK_FALSE(teacher.is_same_or_base_of(student));
  CHECK_FALSE(assistant.is_same_or_base_of(teacher));
  // Written back as it was declared: the list of bases, its own attributes.
  registry again;
  again.load_json_text(r.to_json());
  again.finalize();
  CHECK(again.get("Assistant").more_bases == std::vector<std::string>{"Teacher"});
  CHECK(again.get("Assistant").attrs.size() == assistant.attrs.size());
  CHECK_THAT(r.to_json(), Catch::Contains(R"("base": [
        "Student",
        "Teacher"
      ])"));
  // Written as declared before finalize(), which finds the bases (or refuses unknown ones).
  registry unresolved;
  unresolved.load_json_text(R"({"entities":[{"name":"S","base":["Nope","Other"],"attrs":[]}]})");
  CHECK_THAT(unresolved.to_json(), Catch::Contains(R"("Nope",)"));
  // A list of one base is that base.
  registry one;
  one.load_json_text(R"({"entities":[)" + person +
                     R"(,{"name":"S","base":["Person"],"attrs":[]}]})");
  one.finalize();
  CHECK(one.get("S").base == "Person");
  CHECK(one.get("S").more_bases.empty());
}

TEST_CASE("multiple inheritance that PonyORM refuses is a schema_error that says why",
          "[inheritance]") {
  // Bases of different hierarchies (PonyORM: "Multiple inheritance graph must be diamond-like").
  CHECK_THAT(hierarchy_error(diamond + R"(,{"name":"Club","attrs":[]},
               {"name":"X","base":["Student","Club"],"attrs":[]})"),
             Catch::Contains("schema.multiple_inheritance: entity X: its bases Student and Club "
                             "are of different hierarchies (rooted at Person and Club)"));
  CHECK_THAT(
      hierarchy_error(diamond + R"(,{"name":"X","base":["Student","Student"],"attrs":[]})"),
      Catch::Contains("schema.multiple_inheritance: entity X: names its base Student twice"));
  // Two bases that declare one name: PonyORM's "conflicts"; declared once, in a common base.
  CHECK_THAT(hierarchy_error(diamond + R"(,{"name":"Y","base":"Person","attrs":[
               {"name":"gpa","kind":"Opt","type":"int"}]},
               {"name":"X","base":["Student","Y"],"attrs":[]})"),
             Catch::Contains("schema.duplicate_attribute"));
  CHECK_THAT(hierarchy_error(diamond + R"(,{"name":"X","base":["Student","Teacher"],"attrs":[
               {"name":"degree","kind":"Opt","type":"str"}]})"),
             Catch::Contains("hides the attribute Teacher.degree of its base"));
  CHECK_THAT(hierarchy_error(diamond + R"(,{"name":"X","base":["Student","Teachr"],"attrs":[]})"),
             Catch::Contains("unknown base entity 'Teachr'; did you mean 'Teacher'?"));
  // A cycle through a second base.
  CHECK_THAT(hierarchy_error(diamond + R"(,{"name":"X","base":["Student","Y"],"attrs":[]},
               {"name":"Y","base":"X","attrs":[]})"),
             Catch::Contains("schema.inheritance_cycle"));
  CHECK_THAT(load_error(R"({"entities":[{"name":"S","base":[],"attrs":[]}]})"),
             Catch::Contains("schema.json_shape: entity S: 'base' must be an entity name or a "
                             "non-empty list of them"));
  CHECK_THAT(load_error(R"({"entities":[{"name":"S","base":["P",1],"attrs":[]}]})"),
             Catch::Contains("schema.json_shape"));
  CHECK_THAT(load_error(R"({"entities":[{"name":"S","base":["","P"],"attrs":[]}]})"),
             Catch::Contains("schema.bad_name: entity S: base entity name '' is not"));
  CHECK_THAT(load_error(R"({"entities":[{"name":"S","base":["P","not a name"],"attrs":[]}]})"),
             Catch::Contains("schema.bad_name: entity S: base entity name 'not a name'"));
  // (C++: more_bases without a base.)
  registry r;
  entity_info orphan;
  orphan.name = "Orphan";
  orphan.more_bases = {"Person"};
  CHECK_THROWS_WITH(r.add(orphan), Catch::Contains("schema.bad_name: entity Orphan: base entity "
                                                   "name '' is not an identifier"));
}

TEST_CASE("a chain of bases that runs into a cycle elsewhere is refused", "[inheritance]") {
  CHECK_THAT(
      hierarchy_error(R"({"name":"A","base":"B","attrs":[]},{"name":"B","base":"C","attrs":[]},
                                {"name":"C","base":"B","attrs":[]})"),
      Catch::Contains("schema.inheritance_cycle"));
}

TEST_CASE("an enum attribute of a JSON schema lists its names", "[enums]") {
  registry r;
  r.load_json_text(R"({"entities":[{"name":"Car","attrs":[
    {"name":"color","kind":"Req","type":"enum","values":["red","green"]},
    {"name":"roof","kind":"Opt","type":"enum","values":["red"],"default":"red"}]}]})");
  const attr_info& color = *r.get("Car").find("color");
  CHECK(color.type == value_type::text);
  CHECK(color.enum_values == std::vector<std::string>{"red", "green"});
  CHECK(r.get("Car").find("roof")->column_nullable());  // a missing name is NULL, not ''
  CHECK_THAT(r.to_json(), Catch::Contains(R"("type": "enum",)"));
  CHECK_THAT(attrs_error(R"({"name":"c","kind":"Req","type":"enum"})"),
             Catch::Contains("an enum needs \"values\""));
  CHECK_THAT(attrs_error(R"({"name":"c","kind":"Req","type":"enum","values":[]})"),
             Catch::Contains("schema.json_shape"));
  CHECK_THAT(attrs_error(R"({"name":"c","kind":"Req","type":"enum","values":[1]})"),
             Catch::Contains("schema.json_shape"));
  CHECK_THAT(attrs_error(R"({"name":"c","kind":"Req","type":"enum","values":["a","a"]})"),
             Catch::Contains("the name 'a' is listed twice"));
  CHECK_THAT(attrs_error(R"({"name":"c","kind":"Req","type":"enum","values":[""]})"),
             Catch::Contains("schema.enum_values"));
  CHECK_THAT(attrs_error(R"({"name":"c","kind":"Req","type":"enum","values":["a"],"default":"b"})"),
             Catch::Contains("not one of the enumeration's names"));
  CHECK_THAT(attrs_error(R"({"name":"c","kind":"PK","type":"enum","values":["a"]})"),
             Catch::Contains("schema.option_kind"));
  CHECK_THAT(attrs_error(R"({"name":"c","kind":"Req","type":"int","values":["a"]})"),
             Catch::Contains("'values' applies only to \"type\": \"enum\""));
  CHECK_THAT(attrs_error(R"({"name":"c","kind":"Req","type":"enm"})"),
             Catch::Contains("did you mean 'enum'"));
}

TEST_CASE("to_json() keeps what makes a declared key differ from the implicit id", "[to_json]") {
  check_round_trip(R"({"entities":[
    {"name":"A","attrs":[{"name":"code","kind":"PK","type":"int"},{"name":"id","kind":"Req","type":"int"}]},
    {"name":"B","attrs":[{"name":"id","kind":"PK","type":"str"}]},
    {"name":"C","attrs":[{"name":"id","kind":"PK","type":"int"}]},
    {"name":"D","attrs":[{"name":"id","kind":"PK","type":"int","auto":true,"column":"ID"}]},
    {"name":"E","attrs":[{"name":"id","kind":"PK","type":"int","auto":true,"sql_type":"INTEGER"}]},
    {"name":"F","attrs":[{"name":"key","kind":"PK","type":"uuid","generate":"uuid4"}]}]})");
  // A decimal bound of a C++ field is a number in JSON.
  registry r;
  entity_info price;
  price.name = "Price";
  attr_info amount;
  amount.name = "amount";
  amount.kind = attr_kind::req;
  amount.type = value_type::decimal;
  amount.min_value = value::typed(value_type::decimal, "0.5");
  price.attrs.push_back(amount);
  r.add(std::move(price));
  CHECK_THAT(r.to_json(), Catch::Contains(R"("min": 0.5)"));
  // A registry that finalize() would refuse (a cycle of bases) is written all the same.
  registry cycle;
  cycle.load_json_text(
      R"({"entities":[{"name":"A","base":"B","attrs":[]},{"name":"B","base":"A","attrs":[]}]})");
  CHECK_THAT(cycle.to_json(), Catch::Contains(R"("base": "A")"));
  CHECK_THAT(attrs_error(R"({"name":"g","kind":"Single","type":"P","generate":"uuid4"})"),
             Catch::Contains("schema.option_kind"));
}

TEST_CASE("a timedelta's default is Python's str(timedelta), checked when loaded", "[json]") {
  CHECK_THAT(
      attrs_error(R"({"name":"d","kind":"Req","type":"timedelta","default":"soon"})"),
      Catch::Contains("schema.default_type") && Catch::Contains("'soon' is not a timedelta"));
  CHECK_THAT(attrs_error(R"({"name":"d","kind":"Req","type":"timedelta","default":5})"),
             Catch::Contains("has type int, expected timedelta"));
}

TEST_CASE("an enumeration's names are checked where the registry takes them", "[enums]") {
  CHECK_THAT(attrs_error(R"({"name":"c","kind":"Req","type":"enum","values":["a\u0000b"]})"),
             Catch::Contains("cannot be empty or hold a NUL"));
  CHECK_THAT(attrs_error(R"({"name":"c","kind":"Req","type":"enum","values":["a"],"default":1})"),
             Catch::Contains("schema.default_type"));
  // Through the registry's own API: names on what is not a str are refused.
  for (const attr_kind kind : {attr_kind::req, attr_kind::single}) {
    registry r;
    entity_info e;
    e.name = "E";
    attr_info a;
    a.name = "a";
    a.kind = kind;
    a.type = value_type::integer;
    a.target = "E";
    a.enum_values = {"x"};
    e.attrs.push_back(a);
    CHECK_THROWS_WITH(r.add(std::move(e)),
                      Catch::Contains("'values' applies only to Req and Opt str"));
  }
}

namespace {

// Composite primary keys (PonyORM's PrimaryKey(a, b)): Pair keyed by b then a (not their order
// of declaration), Enrollment by its two references, to a Student with the implicit key and to
// a Course with a str key, whose reverse Sets are allowed.
const std::string composite_schema = R"({"entities":[
  {"name":"Student","attrs":[{"name":"name","kind":"Req","type":"str"},
    {"name":"enrollments","kind":"Set","type":"Enrollment"}]},
  {"name":"Course","attrs":[{"name":"code","kind":"PK","type":"str"},
    {"name":"enrollments","kind":"Set","type":"Enrollment"}]},
  {"name":"Enrollment","primary_key":["student","course"],"attrs":[
    {"name":"grade","kind":"Opt","type":"int"},
    {"name":"student","kind":"Single","type":"Student"},
    {"name":"course","kind":"Single","type":"Course"}]},
  {"name":"Pair","primary_key":["b","a"],"attrs":[
    {"name":"a","kind":"Req","type":"int"},{"name":"b","kind":"Req","type":"str"},
    {"name":"c","kind":"Opt","type":"int"}]}]})";

std::vector<std::string> attr_names(const entity_info& entity) {
  std::vector<std::string> out;
  for (const auto& attr : entity.attrs) out.push_back(attr.name);
  return out;
}

std::vector<std::string> key_names(const entity_info& entity) {
  std::vector<std::string> out;
  for (const attr_info* attr : entity.key_attrs) out.push_back(attr->name);
  return out;
}

// The id of the schema_error that loading and finalizing `text` throws, or "no error".
std::string error_id_of(const std::string& text) {
  registry r;
  try {
    r.load_json_text(text);
    r.finalize();
  } catch (const schema_error& e) {
    return e.id();
  }
  return "no error";
}

// Entity P (a Req int, b Req str, c Opt int, f Req float, owner an optional Single to R, and
// `extra` attributes) with "primary_key": `list`, and R, the other side of owner.
std::string keyed_p(const std::string& list, const std::string& extra = "") {
  return R"({"entities":[{"name":"P","primary_key":)" + list + R"(,"attrs":[
    {"name":"a","kind":"Req","type":"int"},{"name":"b","kind":"Req","type":"str"},
    {"name":"c","kind":"Opt","type":"int"},{"name":"f","kind":"Req","type":"float"},
    {"name":"owner","kind":"Single","type":"R","optional":true})" +
         extra + R"(]},
    {"name":"R","attrs":[{"name":"ps","kind":"Set","type":"P"}]}]})";
}

}  // namespace

TEST_CASE("\"primary_key\" makes two or more attributes the key, as PonyORM's PrimaryKey(a, b)",
          "[composite_keys]") {
  registry r;
  r.load_json_text(composite_schema);
  r.finalize();
  const entity_info& pair = r.get("Pair");
  // No implicit id, and the attributes keep their kinds; the key is in the listed order.
  CHECK(attr_names(pair) == std::vector<std::string>{"a", "b", "c"});
  CHECK(pair.find("id") == nullptr);
  CHECK(pair.primary_key == std::vector<std::string>{"b", "a"});
  CHECK(key_names(pair) == std::vector<std::string>{"b", "a"});
  CHECK(pair.composite_key());
  CHECK(pair.find("a")->kind == attr_kind::req);
  CHECK(pair.find("b")->kind == attr_kind::req);
  CHECK_FALSE(pair.find("a")->column_nullable());
  CHECK_FALSE(pair.find("b")->column_nullable());
  CHECK(pair.find("c")->column_nullable());
  REQUIRE(pair.columns.size() == 3);
  CHECK(pair.columns[0]->name == "a");
  const entity_info& enrollment = r.get("Enrollment");
  CHECK(enrollment.find("id") == nullptr);
  CHECK(key_names(enrollment) == std::vector<std::string>{"student", "course"});
  // A reference in the key holds its target's key: an int, a str.
  CHECK(enrollment.find("student")->type == value_type::integer);
  CHECK(enrollment.find("course")->type == value_type::text);
  CHECK_FALSE(enrollment.find("student")->column_nullable());
  CHECK(r.get("Student").find("enrollments")->reverse_attr == enrollment.find("student"));
  CHECK(r.get("Course").find("enrollments")->reverse_attr == enrollment.find("course"));
  // Entities with a key of one attribute have it alone.
  CHECK(key_names(r.get("Student")) == std::vector<std::string>{"id"});
  CHECK_FALSE(r.get("Student").composite_key());
  CHECK(key_names(r.get("Course")) == std::vector<std::string>{"code"});
  // finalize() again (another provider's names) keeps the key.
  r.finalize(pony_naming{"postgres"});
  CHECK(key_names(r.get("Pair")) == std::vector<std::string>{"b", "a"});
  CHECK(key_names(r.get("Enrollment")) == std::vector<std::string>{"student", "course"});
}

TEST_CASE("a \"primary_key\" PonyORM refuses is a schema.primary_key error", "[composite_keys]") {
  CHECK(error_id_of(keyed_p(R"(["a","b"])")) == "no error");
  CHECK(error_id_of(keyed_p(R"(["b","a"])")) == "no error");
  CHECK(error_id_of(keyed_p(R"(["a","b","c"])")) == "schema.primary_key");  // c is an Opt
  CHECK(error_id_of(keyed_p(R"(["a"])")) == "schema.primary_key");          // one is the PK's job
  CHECK(error_id_of(keyed_p(R"([])")) == "schema.primary_key");
  CHECK(error_id_of(keyed_p(R"(["a","c"])")) == "schema.primary_key");
  CHECK(error_id_of(keyed_p(R"(["a","owner"])")) == "schema.primary_key");  // optional Single
  CHECK(error_id_of(keyed_p(R"(["a","b","a"])")) == "schema.primary_key");
  CHECK_THAT(load_error(keyed_p(R"(["a","b","a"])")), Catch::Contains("listed twice"));
  CHECK(error_id_of(keyed_p(R"(["a","bb"])")) == "schema.primary_key");
  CHECK_THAT(load_error(keyed_p(R"(["a","bb"])")), Catch::Contains("schema.primary_key: ") &&
                                                       Catch::Contains("'bb'") &&
                                                       Catch::Contains("did you mean 'b'?"));
  // Beside a PK: one key or the other.
  CHECK(error_id_of(keyed_p(R"(["a","b"])", R"(,{"name":"k","kind":"PK","type":"int"})")) ==
        "schema.primary_key");
  // A Set has no column (and its reverse would refer to P: refused either way).
  CHECK(error_id_of(R"({"entities":[{"name":"P","primary_key":["a","items"],"attrs":[
      {"name":"a","kind":"Req","type":"int"},{"name":"items","kind":"Set","type":"Q"}]},
      {"name":"Q","attrs":[{"name":"p","kind":"Single","type":"P"}]}]})") == "schema.primary_key");
  // PonyORM: "Attribute P.f of type float cannot be part of primary key".
  CHECK_THAT(load_error(keyed_p(R"(["a","f"])")), Catch::Contains("float"));
  // Not a list of names.
  CHECK(error_id_of(keyed_p(R"("a")")) == "schema.json_shape");
  CHECK(error_id_of(keyed_p(R"(["a",2])")) == "schema.json_shape");
  CHECK(error_id_of(keyed_p(R"({"a":"b"})")) == "schema.json_shape");
  CHECK(error_id_of(keyed_p("null")) == "schema.json_shape");
}

TEST_CASE("a reference to an entity with a composite key has a column per key attribute",
          "[composite_keys]") {
  const std::string pair = R"({"name":"Pair","primary_key":["a","b"],"attrs":[
    {"name":"a","kind":"Req","type":"int"},{"name":"b","kind":"Req","type":"str"})";
  auto note = [&](const std::string& options) {
    return R"({"entities":[)" + pair + R"(,
      {"name":"notes","kind":"Set","type":"Note"}]},
      {"name":"Note","attrs":[{"name":"pair","kind":"Single","type":"Pair")" +
           options + "}]}]}";
  };
  auto columns_of = [&](const std::string& text, std::string_view naming) {
    registry r;
    r.load_json_text(text);
    r.finalize(pony_naming{naming});
    const auto names = r.get("Note").find("pair")->column_names();
    return std::vector<std::string>(names.begin(), names.end());
  };
  // PonyORM's <attribute>_<key column>, lower case on the servers; or as declared.
  CHECK(columns_of(note(""), "sqlite") == std::vector<std::string>{"pair_a", "pair_b"});
  CHECK(columns_of(note(R"(,"optional":true)"), "postgres") ==
        std::vector<std::string>{"pair_a", "pair_b"});
  CHECK(columns_of(note(R"(,"columns":["pa","PB"])"), "postgres") ==
        std::vector<std::string>{"pa", "PB"});
  CHECK(error_id_of(note("")) == "no error");
  // The referencing entity listed (and named) before its target.
  CHECK(columns_of(R"({"entities":[{"name":"Note","attrs":[
      {"name":"pair","kind":"Single","type":"Pair"}]},)" +
                       pair + R"(,{"name":"notes","kind":"Set","type":"Note"}]}]})",
                   "mariadb") == std::vector<std::string>{"pair_a", "pair_b"});
  // One column for a key of two; a count that is not the key's; a unique one.
  CHECK_THAT(mapping_error(note(R"(,"column":"p")")),
             Catch::Contains("schema.option_kind: ") && Catch::Contains("\"columns\""));
  CHECK_THAT(mapping_error(note(R"(,"columns":["x","y","z"])")),
             Catch::Contains("schema.option_kind: ") && Catch::Contains("declares 3 columns"));
  CHECK_THAT(mapping_error(note(R"(,"unique":true)")),
             Catch::Contains("schema.option_kind: ") && Catch::Contains("unique"));
  CHECK(error_id_of(note(R"(,"columns":["x"],"column":"y")")) == "schema.option_kind");
  // `columns` elsewhere, or not a list of names.
  CHECK(error_id_of(R"({"entities":[{"name":"P","attrs":[
      {"name":"a","kind":"Req","type":"int","columns":["x"]}]}]})") == "schema.option_kind");
  CHECK(error_id_of(note(R"(,"columns":"x")")) == "schema.json_shape");
  CHECK(error_id_of(note(R"(,"columns":[])")) == "schema.json_shape");
  CHECK(error_id_of(note(R"(,"columns":["x",1])")) == "schema.json_shape");
  // A column of the reference taken by another attribute.
  CHECK(error_id_of(R"({"entities":[)" + pair + R"(,
      {"name":"notes","kind":"Set","type":"Note"}]},
      {"name":"Note","attrs":[{"name":"pair","kind":"Single","type":"Pair"},
        {"name":"pair_b","kind":"Req","type":"int"}]}]})") == "schema.duplicate_column");
  // A one-to-one: the side whose columns are declared holds the key (PonyORM's rule), in either
  // order of the entities; the other side may not declare them.
  const std::string pair_note = R"({"name":"Pair","primary_key":["a","b"],"attrs":[
    {"name":"a","kind":"Req","type":"int"},{"name":"b","kind":"Req","type":"str"},
    {"name":"note","kind":"Single","type":"Note","optional":true}]})";
  const std::string note_pair =
      R"({"name":"Note","attrs":[{"name":"pair","kind":"Single","type":"Pair","optional":true,
        "columns":["pa","pb"]}]})";
  auto holder = [](const std::string& text) {
    registry r;
    r.load_json_text(text);
    r.finalize();
    return r.get("Pair").find("note")->key_in_reverse ? "Note" : "Pair";
  };
  CHECK(std::string{holder(R"({"entities":[)" + pair_note + "," + note_pair + "]}")} == "Note");
  CHECK(std::string{holder(R"({"entities":[)" + note_pair + "," + pair_note + "]}")} == "Note");
  // Pair.note required: it holds the key, and Note.pair's columns are refused.
  std::string required_note = pair_note;
  required_note.replace(required_note.find(R"(,"optional":true)"), 16, "");
  CHECK_THAT(mapping_error(R"({"entities":[)" + required_note + "," + note_pair + "]}"),
             Catch::Contains("schema.one_to_one_columns: ") &&
                 Catch::Contains("declares columns pa, but Pair.note holds the key"));
  // To itself: parent_a, parent_b.
  CHECK(error_id_of(R"({"entities":[)" + pair + R"(,
      {"name":"parent","kind":"Single","type":"Pair","optional":true},
      {"name":"children","kind":"Set","type":"Pair","reverse":"parent"}]}]})") == "no error");
  // Written back by to_json() as its columns.
  check_round_trip(note(""));
  check_round_trip(note(R"(,"columns":["pa","pb"],"optional":true)"));
  registry r;
  r.load_json_text(note(R"(,"columns":["pa","pb"])"));
  r.finalize();
  CHECK_THAT(r.to_json(), Catch::Contains(R"("columns": [)"));
}

TEST_CASE(
    "a many-to-many with an entity with a composite key has a join column per key attribute, "
    "as PonyORM names them",
    "[composite_keys]") {
  const std::string pair = R"({"name":"Pair","primary_key":["a","b"],"attrs":[
    {"name":"a","kind":"Req","type":"int"},{"name":"b","kind":"Req","type":"str"})";
  auto schema = [&](const std::string& pair_options, const std::string& tag_options) {
    return R"({"entities":[)" + pair + R"(,
      {"name":"tags","kind":"Set","type":"Tag")" +
           pair_options + R"(}]},
      {"name":"Tag","attrs":[{"name":"pairs","kind":"Set","type":"Pair")" +
           tag_options + "}]}]}";
  };
  {
    registry r;
    r.load_json_text(schema("", ""));
    r.finalize();
    const attr_info& tags = *r.get("Pair").find("tags");
    CHECK(tags.m2m_table == "Pair_Tag");
    // PonyORM's <entity lower case>_<key column>, one per key attribute, in the key's order.
    CHECK(tags.m2m_own_columns == std::vector<std::string>{"pair_a", "pair_b"});
    CHECK(tags.m2m_other_columns == std::vector<std::string>{"tag"});
    CHECK(r.get("Tag").find("pairs")->m2m_other_columns == tags.m2m_own_columns);
  }
  {
    // A Set's "columns" name the join table's columns of its items, and are written back.
    registry r;
    r.load_json_text(schema("", R"(,"columns":["pa","pb"])"));
    r.finalize();
    CHECK(r.get("Pair").find("tags")->m2m_own_columns == std::vector<std::string>{"pa", "pb"});
    check_round_trip(schema("", R"(,"columns":["pa","pb"])"));
    // One column for a one-attribute key, as "column" would.
    CHECK(error_id_of(schema(R"(,"columns":["t"])", "")) == "no error");
  }
  // As many columns as the key has attributes.
  CHECK(mapping_error(schema("", R"(,"column":"p")")) ==
        "schema.option_kind: entity Tag, attribute pairs: declares 1 join column, but the key of "
        "Pair has 2 columns; declare one column for each with \"columns\"");
  CHECK_THAT(mapping_error(schema("", R"(,"columns":["x","y","z"])")),
             Catch::Contains("schema.option_kind: ") && Catch::Contains("declares 3 join columns"));
  CHECK_THAT(
      mapping_error(schema(R"(,"columns":["x","y"])", "")),
      Catch::Contains("schema.option_kind: ") && Catch::Contains("the key of Tag has 1 column;"));
  // Columns that clash between the two sides.
  CHECK(error_id_of(schema(R"(,"columns":["pair_b"])", "")) == "schema.duplicate_column");
  // "columns" on a one-to-many Set: its columns are the reverse Single's.
  CHECK_THAT(mapping_error(R"({"entities":[)" + pair + R"(,
      {"name":"notes","kind":"Set","type":"Note","columns":["x","y"]}]},
      {"name":"Note","attrs":[{"name":"pair","kind":"Single","type":"Pair"}]}]})"),
             Catch::Contains("schema.option_kind: ") && Catch::Contains("'columns' applies only"));
  // A Single's "columns" to an entity with a one-attribute key: its one column (PonyORM's
  // columns=['ref']).
  {
    registry r;
    r.load_json_text(R"({"entities":[{"name":"Tag","attrs":[
      {"name":"parent","kind":"Single","type":"Tag","optional":true,"columns":["ref"]},
      {"name":"children","kind":"Set","type":"Tag","reverse":"parent"}]}]})");
    r.finalize();
    CHECK(r.get("Tag").find("parent")->column == "ref");
  }
  CHECK(mapping_error(R"({"entities":[{"name":"Tag","attrs":[
      {"name":"parent","kind":"Single","type":"Tag","optional":true,"columns":["a","b"]},
      {"name":"children","kind":"Set","type":"Tag","reverse":"parent"}]}]})") ==
        "schema.option_kind: entity Tag, attribute parent: declares 2 columns, but the key of Tag "
        "has one attribute; declare one column");
  // A symmetric Set of such an entity: its second columns are the first ones with _2.
  {
    registry r;
    r.load_json_text(R"({"entities":[)" + pair + R"(,
      {"name":"twins","kind":"Set","type":"Pair","reverse":"twins"}]}]})");
    r.finalize();
    const attr_info& twins = *r.get("Pair").find("twins");
    CHECK(twins.m2m_own_columns == std::vector<std::string>{"pair_a", "pair_b"});
    CHECK(twins.m2m_other_columns == std::vector<std::string>{"pair_a_2", "pair_b_2"});
  }
  CHECK_THAT(mapping_error(R"({"entities":[)" + pair + R"(,
      {"name":"twins","kind":"Set","type":"Pair","reverse":"twins","reverse_column":"t"}]}]})"),
             Catch::Contains("schema.option_kind: ") &&
                 Catch::Contains("'reverse_column' names one column"));
  // A key part referring to an entity whose key is composite (a key of keys): a column per
  // column of that key, and so has a reference to it and a join table.
  {
    registry r;
    r.load_json_text(R"({"entities":[)" + pair + R"(,
      {"name":"links","kind":"Set","type":"Link"}]},
      {"name":"Link","primary_key":["pair","n"],"attrs":[
        {"name":"pair","kind":"Single","type":"Pair"},{"name":"n","kind":"Req","type":"int"},
        {"name":"notes","kind":"Set","type":"Note"},{"name":"tags","kind":"Set","type":"Tag"}]},
      {"name":"Note","attrs":[{"name":"link","kind":"Single","type":"Link"}]},
      {"name":"Tag","attrs":[{"name":"links","kind":"Set","type":"Link"}]}]})");
    r.finalize();
    std::vector<std::string> key;
    for (const key_column& k : r.get("Link").key_columns) key.push_back(k.name);
    CHECK(key == std::vector<std::string>{"pair_a", "pair_b", "n"});
    CHECK(r.get("Link").key_columns[1].leaf->type == value_type::text);
    const auto link = r.get("Note").find("link")->column_names();
    CHECK(std::vector<std::string>(link.begin(), link.end()) ==
          std::vector<std::string>{"link_pair_a", "link_pair_b", "link_n"});
    CHECK(r.get("Tag").find("links")->m2m_other_columns ==
          std::vector<std::string>{"link_pair_a", "link_pair_b", "link_n"});
  }
  // A key part's declared columns name the columns of what refers to its entity.
  {
    registry r;
    r.load_json_text(R"({"entities":[)" + pair + R"(,
      {"name":"links","kind":"Set","type":"Link"}]},
      {"name":"Link","primary_key":["pair","n"],"attrs":[
        {"name":"pair","kind":"Single","type":"Pair","columns":["pa","pb"]},
        {"name":"n","kind":"Req","type":"int"},{"name":"notes","kind":"Set","type":"Note"}]},
      {"name":"Note","attrs":[{"name":"link","kind":"Single","type":"Link"}]}]})");
    r.finalize();
    const auto link = r.get("Note").find("link")->column_names();
    CHECK(std::vector<std::string>(link.begin(), link.end()) ==
          std::vector<std::string>{"link_pa", "link_pb", "link_n"});
  }
  // Its columns, declared: one per column of the referred key.
  CHECK_THAT(mapping_error(R"({"entities":[)" + pair + R"(,
      {"name":"links","kind":"Set","type":"Link"}]},
      {"name":"Link","primary_key":["pair","n"],"attrs":[
        {"name":"pair","kind":"Single","type":"Pair"},{"name":"n","kind":"Req","type":"int"},
        {"name":"notes","kind":"Set","type":"Note"}]},
      {"name":"Note","attrs":[{"name":"link","kind":"Single","type":"Link",
        "columns":["x","y"]}]}]})"),
             Catch::Contains("declares 2 columns, but the key of Link has 3 columns"));
  // A key of one attribute that refers to such an entity has its columns (PonyORM's
  // PrimaryKey(pair)), and so has a reference to it.
  {
    registry r;
    r.load_json_text(R"({"entities":[)" + pair + R"(,
      {"name":"link","kind":"Single","type":"Link","optional":true}]},
      {"name":"Link","primary_key":["pair"],"attrs":[
        {"name":"pair","kind":"Single","type":"Pair"},{"name":"notes","kind":"Set","type":"Note"}]},
      {"name":"Note","attrs":[{"name":"link","kind":"Single","type":"Link"}]}]})");
    r.finalize();
    const entity_info& link = r.get("Link");
    CHECK(link.composite_key());
    CHECK(link.key_attrs.size() == 1);
    std::vector<std::string> names;
    for (const auto& column : link.key_columns) names.push_back(column.name);
    CHECK(names == std::vector<std::string>{"pair_a", "pair_b"});
    const auto note = r.get("Note").find("link")->column_names();
    CHECK(std::vector<std::string>(note.begin(), note.end()) ==
          std::vector<std::string>{"link_pair_a", "link_pair_b"});
  }
  // Keys of keys that refer to each other in a circle have no columns at all.
  CHECK(error_id_of(R"({"entities":[
      {"name":"A","primary_key":["b","x"],"attrs":[{"name":"b","kind":"Single","type":"B"},
        {"name":"x","kind":"Req","type":"int"},{"name":"bs","kind":"Set","type":"B"}]},
      {"name":"B","primary_key":["a","y"],"attrs":[{"name":"a","kind":"Single","type":"A",
        "reverse":"bs"},{"name":"y","kind":"Req","type":"int"},
        {"name":"as","kind":"Set","type":"A","reverse":"b"}]}]})") == "schema.primary_key");
  // The reverse Set of a key's reference is no reference to the composite entity's key.
  CHECK(error_id_of(composite_schema) == "no error");
}

TEST_CASE("a subclass of an entity with a composite key has that key", "[composite_keys]") {
  const std::string pair = R"({"name":"Pair","primary_key":["a","b"],"attrs":[
    {"name":"a","kind":"Req","type":"int"},{"name":"b","kind":"Req","type":"str"}]})";
  registry r;
  r.load_json_text(R"({"entities":[)" + pair + R"(,
    {"name":"Special","base":"Pair","attrs":[{"name":"note","kind":"Opt","type":"str"}]}]})");
  r.finalize();
  const entity_info& special = r.get("Special");
  CHECK(special.table == "Pair");
  CHECK(special.find("id") == nullptr);
  CHECK(key_names(special) == std::vector<std::string>{"a", "b"});
  // A subclass declares no key of its own.
  CHECK(error_id_of(R"({"entities":[)" + pair + R"(,
    {"name":"Special","base":"Pair","primary_key":["b","a"],"attrs":[]}]})") != "no error");
  // Written back without a key of its own, and read again with its root's.
  registry again;
  again.load_json_text(r.to_json());
  again.finalize();
  CHECK(key_names(again.get("Special")) == std::vector<std::string>{"a", "b"});
  CHECK(again.to_json() == r.to_json());
}

TEST_CASE("to_json() writes \"primary_key\", which loads back into the same key",
          "[composite_keys][to_json]") {
  registry first;
  first.load_json_text(composite_schema);
  first.finalize();
  const std::string written = first.to_json();
  const auto doc = nlohmann::json::parse(written);
  std::map<std::string, nlohmann::json> entities;
  for (const auto& entity : doc.at("entities")) {
    entities[entity.at("name").get<std::string>()] = entity;
  }
  REQUIRE(entities.size() == 4);
  CHECK(entities["Pair"].at("primary_key") == nlohmann::json::array({"b", "a"}));
  CHECK(entities["Enrollment"].at("primary_key") == nlohmann::json::array({"student", "course"}));
  CHECK_FALSE(entities["Student"].contains("primary_key"));
  CHECK_FALSE(entities["Course"].contains("primary_key"));
  // Its attributes as declared: no id, no PK.
  std::vector<std::string> names;
  for (const auto& attr : entities["Pair"].at("attrs")) {
    names.push_back(attr.at("name").get<std::string>());
    CHECK(attr.at("kind") != "PK");
  }
  CHECK(names == std::vector<std::string>{"a", "b", "c"});
  registry second;
  second.load_json_text(written);
  second.finalize();
  CHECK(key_names(second.get("Pair")) == std::vector<std::string>{"b", "a"});
  CHECK(key_names(second.get("Enrollment")) == std::vector<std::string>{"student", "course"});
  CHECK(second.get("Pair").find("id") == nullptr);
  CHECK(second.to_json() == written);
  check_round_trip(composite_schema);
  // A registry without one writes none.
  registry plain;
  plain.load_json_text(
      R"({"entities":[{"name":"A","attrs":[{"name":"x","kind":"Req","type":"int"}]}]})");
  CHECK(plain.to_json().find("primary_key") == std::string::npos);
}

TEST_CASE("a primary_key of one attribute is a Single (PonyORM's PrimaryKey(Person))",
          "[composite_keys]") {
  using Catch::Contains;
  registry r;
  r.load_json_text(R"({"entities":[
      {"name":"Person","attrs":[{"name":"profile","kind":"Single","type":"Profile","optional":true}]},
      {"name":"Profile","primary_key":["person"],"attrs":[
        {"name":"person","kind":"Single","type":"Person"}]}]})");
  r.finalize();
  const entity_info& profile = r.get("Profile");
  CHECK(profile.pk().name == "person");
  CHECK(profile.pk().type == value_type::integer);
  // The key side holds the one-to-one's column.
  CHECK(profile.pk().has_column());
  CHECK(r.get("Person").find("profile")->key_in_reverse);
  CHECK_THAT(mapping_error(R"({"entities":[{"name":"A","primary_key":["n"],"attrs":[
      {"name":"n","kind":"Req","type":"int"}]}]})"),
             Contains("schema.primary_key: entity A: primary_key(n): needs at least two "
                      "attributes, or one Single"));
  CHECK_THAT(mapping_error(R"({"entities":[{"name":"A","primary_key":["zz"],"attrs":[
      {"name":"n","kind":"Req","type":"int"}]}]})"),
             Contains("schema.primary_key: ") && Contains("has no attribute 'zz'"));
  // Keys that refer to each other in a circle have no value.
  CHECK_THAT(mapping_error(R"({"entities":[
      {"name":"A","primary_key":["b"],"attrs":[{"name":"b","kind":"Single","type":"B","reverse":"as"},
        {"name":"bs","kind":"Set","type":"B","reverse":"a"}]},
      {"name":"B","primary_key":["a"],"attrs":[{"name":"a","kind":"Single","type":"A","reverse":"bs"},
        {"name":"as","kind":"Set","type":"A","reverse":"b"}]}]})"),
             Contains("schema.primary_key: ") && Contains("refer back to it"));
}

TEST_CASE("LongStr, lazy and volatile load, and to_json() writes them back", "[json]") {
  check_round_trip(R"({"entities":[{"name":"Post","attrs":[
    {"name":"body","kind":"Req","type":"LongStr"},
    {"name":"summary","kind":"Opt","type":"LongStr","lazy":false},
    {"name":"views","kind":"Opt","type":"int","lazy":true,"volatile":true},
    {"name":"title","kind":"Req","type":"str","lazy":false}]}]})");
  registry r;
  r.load_json_text(R"({"entities":[{"name":"Post","attrs":[
    {"name":"body","kind":"Req","type":"LongStr"},
    {"name":"summary","kind":"Opt","type":"LongStr","lazy":false},
    {"name":"views","kind":"Opt","type":"int","lazy":true,"volatile":true}]}]})");
  r.finalize(pony_naming{});
  const entity_info& post = *r.find("Post");
  CHECK(post.find("body")->is_lazy());
  CHECK(post.find("body")->type == value_type::text);
  CHECK_FALSE(post.find("summary")->is_lazy());
  CHECK(post.find("views")->is_lazy());
  CHECK(post.find("views")->is_volatile);
  // The table has every column; an object reads the ones that are not lazy.
  CHECK(post.table_columns.size() == 4);
  CHECK(post.load_columns.size() == 2);
  CHECK(post.lazy_attrs.size() == 2);
  CHECK_THAT(r.to_json(), Catch::Contains(R"("type": "LongStr")") &&
                              Catch::Contains(R"("lazy": false)") &&
                              Catch::Contains(R"("volatile": true)"));
}

TEST_CASE("LongStr, lazy and volatile are refused where PonyORM refuses them", "[json]") {
  CHECK_THAT(attrs_error(R"({"name":"b","kind":"Req","type":"LongStr","max_len":10})"),
             Catch::Contains("schema.option_kind") && Catch::Contains("a LongStr has no max_len"));
  CHECK_THAT(attrs_error(R"({"name":"b","kind":"Req","type":"Longstr"})"),
             Catch::Contains("schema.unknown_type") && Catch::Contains("did you mean 'LongStr'"));
  CHECK_THAT(attrs_error(R"({"name":"b","kind":"PK","type":"int","lazy":true})"),
             Catch::Contains("'lazy' applies only to Req and Opt attributes, not to a PK int"));
  CHECK_THAT(attrs_error(R"({"name":"b","kind":"Single","type":"P","lazy":true})"),
             Catch::Contains("'lazy' applies only to Req and Opt attributes"));
  CHECK_THAT(attrs_error(R"({"name":"b","kind":"PK","type":"str","volatile":true})"),
             Catch::Contains("'volatile' applies only to Req and Opt attributes"));
  CHECK_THAT(attrs_error(R"({"name":"b","kind":"Set","type":"P","volatile":true})"),
             Catch::Contains("'volatile' applies only to Req and Opt attributes"));
  CHECK_THAT(attrs_error(R"({"name":"b","kind":"Req","type":"str","lazy":1})"),
             Catch::Contains("schema.json_shape"));
  // Through the registry's own API: LongStr on what is not a plain str.
  for (const bool enumeration : {false, true}) {
    registry r;
    entity_info e;
    e.name = "E";
    attr_info a;
    a.name = "a";
    a.kind = attr_kind::req;
    a.type = enumeration ? value_type::text : value_type::integer;
    if (enumeration) a.enum_values = {"x"};
    a.long_str = true;
    e.attrs.push_back(a);
    CHECK_THROWS_WITH(r.add(std::move(e)), Catch::Contains("'LongStr' applies only to str"));
  }
  // Keys: a LongStr key would be lazy (PonyORM: "Primary key attribute cannot be lazy").
  auto finalize_error = [](const std::string& text) -> std::string {
    registry r;
    r.load_json_text(text);
    try {
      r.finalize(pony_naming{});
    } catch (const schema_error& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK_THAT(finalize_error(R"({"entities":[{"name":"P","attrs":[
               {"name":"k","kind":"PK","type":"LongStr"}]}]})"),
             Catch::Contains("is part of the primary key, which cannot be lazy"));
  CHECK_THAT(finalize_error(R"({"entities":[{"name":"P","primary_key":["a","b"],"attrs":[
               {"name":"a","kind":"Req","type":"int"},
               {"name":"b","kind":"Req","type":"int","volatile":true}]}]})"),
             Catch::Contains("attribute b: is part of the primary key, which cannot be volatile"));
  // At most 64 lazy attributes per entity (an object's unread ones are a 64-bit mask).
  std::string many;
  for (int i = 0; i < 65; ++i) {
    many += std::string{i == 0 ? "" : ","} + R"({"name":"a)" + std::to_string(i) +
            R"(","kind":"Opt","type":"int","lazy":true})";
  }
  CHECK_THAT(finalize_error(R"({"entities":[{"name":"P","attrs":[)" + many + "]}]}"),
             Catch::Contains("has 65 lazy attributes, at most 64"));
}

TEST_CASE("computed attributes and methods load from the JSON schema and are checked",
          "[computed]") {
  registry r;
  r.load_json_text(R"j({"entities":[{"name":"Shop","attrs":[
      {"name":"title","kind":"Req","type":"str"},
      {"name":"items","kind":"Set","type":"Item"},
      {"name":"label","kind":"Computed","type":"str","text":"self.title"},
      {"name":"any","kind":"Computed","text":"1"},
      {"name":"first_item","kind":"Computed","type":"Item","text":"self.items.select().first()"},
      {"name":"cheap","kind":"Method","type":"Item","many":true,"params":["float","any"],
       "text":"lambda s, a, b: (i for i in s.items if i.price < a)"}]},
    {"name":"Item","attrs":[{"name":"price","kind":"Req","type":"float"},
                            {"name":"shop","kind":"Single","type":"Shop"}]}]})j");
  r.finalize();
  const entity_info& shop = r.get("Shop");
  REQUIRE(shop.computed.size() == 4);
  CHECK(shop.attrs.size() == 3);  // id, title, items: computed ones have no column
  CHECK(shop.find_computed("label")->type == value_type::text);
  CHECK(shop.find_computed("any")->type == value_type::null);
  const computed_info& cheap = *shop.find_computed("cheap");
  CHECK(cheap.target_entity == &r.get("Item"));
  CHECK(cheap.many);
  CHECK(cheap.params == std::vector<value_type>{value_type::real, value_type::null});
  CHECK(shop.find_computed("nope") == nullptr);
  // Written back as they were read.
  registry back;
  back.load_json_text(r.to_json());
  back.finalize();
  CHECK(back.to_json() == r.to_json());

  auto computed_error = [](const std::string& attr) {
    return attrs_error(R"({"name":"n","kind":"Req","type":"int"},)" + attr);
  };
  CHECK_THAT(computed_error(R"({"name":"c","kind":"Computed","type":"int"})"),
             Catch::Contains("schema.missing_field") && Catch::Contains("\"text\""));
  CHECK_THAT(computed_error(R"({"kind":"Computed","text":"1"})"),
             Catch::Contains("schema.missing_field") && Catch::Contains("\"name\""));
  CHECK_THAT(computed_error(R"({"name":"c","kind":"Computed","text":"1","max_len":3})"),
             Catch::Contains("schema.unknown_field"));
  CHECK_THAT(
      computed_error(R"({"name":"c","kind":"Computed","type":"int","many":true,"text":"1"})"),
      Catch::Contains("schema.computed") && Catch::Contains("\"many\""));
  CHECK_THAT(computed_error(R"({"name":"c","kind":"Computed","params":["int"],"text":"1"})"),
             Catch::Contains("schema.option_kind"));
  CHECK_THAT(computed_error(R"({"name":"c","kind":"Method","text":"lambda x, y: 1"})"),
             Catch::Contains("schema.missing_field") && Catch::Contains("\"params\""));
  CHECK_THAT(computed_error(R"({"name":"c","kind":"Method","params":[],"text":"1"})"),
             Catch::Contains("schema.json_shape"));
  CHECK_THAT(computed_error(R"({"name":"c","kind":"Method","params":"int","text":"1"})"),
             Catch::Contains("schema.json_shape"));
  CHECK_THAT(computed_error(R"({"name":"c","kind":"Method","params":[1],"text":"1"})"),
             Catch::Contains("schema.json_shape"));
  CHECK_THAT(computed_error(R"({"name":"c","kind":"Method","params":["flaot"],"text":"1"})"),
             Catch::Contains("did you mean 'float'"));
  CHECK_THAT(computed_error(R"({"name":"c d","kind":"Computed","text":"1"})"),
             Catch::Contains("schema.bad_name"));
  CHECK_THAT(computed_error(R"({"name":"n","kind":"Computed","text":"1"})"),
             Catch::Contains("schema.duplicate_attribute"));
  CHECK_THAT(computed_error(R"({"name":"c","kind":"Computed","text":"1"},
                               {"name":"c","kind":"Computed","text":"2"})"),
             Catch::Contains("declared twice"));
  CHECK_THAT(computed_error(R"({"name":"c","kind":"Computed","text":"  "})"),
             Catch::Contains("schema.computed") && Catch::Contains("no expression"));
  CHECK_THAT(computed_error(R"({"name":"c","kind":"Cmputed","type":"int"})"),
             Catch::Contains("did you mean 'Computed'"));
  // finalize(): the entity of its objects, and the names of a subclass's.
  CHECK_THAT(hierarchy_error(R"({"name":"P","attrs":[
               {"name":"c","kind":"Computed","type":"Shp","text":"1"}]})"),
             Catch::Contains("schema.unknown_entity") && Catch::Contains("'Shp'"));
  CHECK_THAT(hierarchy_error(person + R"(,{"name":"S","base":"Person","attrs":[
               {"name":"name","kind":"Computed","text":"1"}]})"),
             Catch::Contains("schema.duplicate_attribute") && Catch::Contains("Person"));
  CHECK_THAT(hierarchy_error(R"({"name":"P","attrs":[{"name":"c","kind":"Computed","text":"1"}]},
               {"name":"S","base":"P","attrs":[{"name":"c","kind":"Computed","text":"2"}]})"),
             Catch::Contains("schema.duplicate_attribute"));
}

TEST_CASE("optimistic and version load, are checked, and to_json() writes them back", "[json]") {
  const std::string text = R"({"entities":[{"name":"Account","attrs":[
    {"name":"note","kind":"Opt","type":"str","optimistic":false},
    {"name":"rate","kind":"Req","type":"float","optimistic":true},
    {"name":"span","kind":"Opt","type":"timedelta"},
    {"name":"version","kind":"Req","type":"int","version":true}]}]})";
  check_round_trip(text);
  registry r;
  r.load_json_text(text);
  r.finalize(pony_naming{});
  const entity_info& account = *r.find("Account");
  CHECK_FALSE(account.find("note")->checked_optimistically());
  CHECK(account.find("rate")->checked_optimistically());
  CHECK_FALSE(account.find("span")->checked_optimistically());
  CHECK(account.version_attr == account.find("version"));
  CHECK_FALSE(account.find("version")->checked_optimistically());  // checked as the version
  CHECK_THAT(r.to_json(),
             Catch::Contains(R"("optimistic": false)") && Catch::Contains(R"("version": true)"));
  CHECK_THAT(attrs_error(R"({"name":"v","kind":"Req","type":"str","version":true})"),
             Catch::Contains("'version' applies only to Req and Opt int attributes"));
  CHECK_THAT(attrs_error(R"({"name":"v","kind":"PK","type":"int","version":true})"),
             Catch::Contains("'version' applies only to Req and Opt int attributes"));
  CHECK_THAT(
      attrs_error(R"({"name":"v","kind":"Req","type":"int","version":true,"volatile":true})"),
      Catch::Contains("'version' applies only"));
  CHECK_THAT(attrs_error(R"({"name":"v","kind":"Req","type":"int","version":true,"lazy":true})"),
             Catch::Contains("'version' applies only"));
  CHECK_THAT(attrs_error(R"({"name":"v","kind":"Single","type":"P","version":true})"),
             Catch::Contains("'version' applies only"));
  registry two;
  two.load_json_text(R"({"entities":[{"name":"A","attrs":[
    {"name":"v","kind":"Req","type":"int","version":true},
    {"name":"w","kind":"Opt","type":"int","version":true}]}]})");
  CHECK_THROWS_WITH(two.finalize(pony_naming{}),
                    Catch::Contains("v and w are both version attributes; an entity has one"));
}

TEST_CASE("a hierarchy's discriminator is never checked optimistically; hooks count one by one",
          "[json]") {
  registry r;
  r.load_json_text(R"({"entities":[{"name":"P","attrs":[{"name":"a","kind":"Req","type":"str"}]},
    {"name":"Q","base":"P","attrs":[{"name":"b","kind":"Opt","type":"int"}]}]})");
  r.finalize(pony_naming{});
  const entity_info& p = *r.find("P");
  REQUIRE(p.discriminator_attr != nullptr);
  CHECK_FALSE(p.discriminator_attr->checked_optimistically());
  CHECK_FALSE(p.key_attrs.front()->checked_optimistically());
  CHECK(p.find("a")->checked_optimistically());
  CHECK_FALSE(r.has_hooks());
  for (entity_hooks::hook entity_hooks::*which :
       {&entity_hooks::before_insert, &entity_hooks::after_insert, &entity_hooks::before_update,
        &entity_hooks::after_update, &entity_hooks::before_delete, &entity_hooks::after_delete,
        &entity_hooks::after_load}) {
    entity_hooks hooks;
    CHECK_FALSE(hooks.any());
    hooks.*which = [](entity_base&) {};
    CHECK(hooks.any());
  }
}
