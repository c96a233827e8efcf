// --params JSON -> nextorm::params: plain JSON values, the typed forms, and every error.
#include "cli/params_json.hpp"
#include "cli/usage_failure.hpp"
#include "cli_fixture.hpp"

#include <nextorm/registry.hpp>

#include <catch2/catch.hpp>

#include <limits>

using namespace nextorm;
using nextorm::cli::parse_params;
using nextorm::cli::usage_failure;

namespace {

const registry& school() {
  static const registry* r = [] {
    static registry out;
    out.load_json_text(cli_test::schema_json);
    out.finalize();
    return &out;
  }();
  return *r;
}

param_value one(const std::string& json) {
  const params p = parse_params("{\"x\": " + json + "}", school());
  REQUIRE(p.size() == 1);
  return p.at("x");
}

std::string error_of(const std::string& text) {
  try {
    (void)parse_params(text, school());
  } catch (const usage_failure& e) {
    return e.what();
  }
  return "no error";
}

std::string param_error(const std::string& json) { return error_of("{\"x\": " + json + "}"); }

}  // namespace

TEST_CASE("plain JSON values become plain parameters") {
  const params p = parse_params(
      R"({"i": 3, "n": -4, "f": 2.5, "t": true, "b": false, "s": "Ann", "z": null,
          "big": 9223372036854775807})",
      school());
  CHECK(p.size() == 8);
  CHECK(p.at("i") == param_value{3});
  CHECK(p.at("n") == param_value{-4});
  CHECK(p.at("f") == param_value{2.5});
  CHECK(p.at("t") == param_value{true});
  CHECK(p.at("b") == param_value{false});
  CHECK(p.at("s") == param_value{"Ann"});
  CHECK(p.at("z") == param_value{nullptr});
  CHECK(p.at("big") == param_value{std::int64_t{9223372036854775807}});
  CHECK(parse_params("{}", school()).empty());
}

TEST_CASE("arrays and $tuple become sequences, nested too") {
  const param_value expected{std::vector<param_value>{1, "a", std::vector<param_value>{2.5}}};
  CHECK(one(R"([1, "a", [2.5]])") == expected);
  CHECK(one(R"({"$tuple": [1, "a", {"$tuple": [2.5]}]})") == expected);
  CHECK(one("[]") == param_value{std::vector<param_value>{}});
}

TEST_CASE("typed forms become values of their type") {
  CHECK(one(R"({"$date": "2020-01-31"})").scalar() == value::typed(value_type::date, "2020-01-31"));
  CHECK(one(R"({"$datetime": "2020-01-31 12:30:00"})").scalar() ==
        value::typed(value_type::datetime, "2020-01-31 12:30:00"));
  // ISO's 'T' becomes the space PonyORM stores.
  CHECK(one(R"({"$datetime": "2020-01-31T12:30:00.25"})").scalar() ==
        value::typed(value_type::datetime, "2020-01-31 12:30:00.25"));
  CHECK(one(R"({"$time": "07:15:00"})").scalar() == value::typed(value_type::time, "07:15:00"));
  CHECK(one(R"({"$time": "07:15:00.123456"})").scalar() ==
        value::typed(value_type::time, "07:15:00.123456"));
  CHECK(one(R"({"$decimal": "12.50"})").scalar() == value::typed(value_type::decimal, "12.50"));
  CHECK(one(R"({"$decimal": "-3"})").scalar() == value::typed(value_type::decimal, "-3"));
  CHECK(one(R"({"$decimal": "+0.5"})").scalar() == value::typed(value_type::decimal, "+0.5"));
  CHECK(one(R"({"$uuid": "123e4567-e89b-12d3-A456-426614174000"})").scalar() ==
        value::typed(value_type::uuid, "123e4567-e89b-12d3-A456-426614174000"));
  CHECK(one(R"({"$bytes": "00fF7a"})").scalar() ==
        value::typed(value_type::bytes, std::string{"\x00\xff\x7a", 3}));
  CHECK(one(R"({"$bytes": ""})").scalar() == value::typed(value_type::bytes, ""));
  CHECK(one(R"({"$timedelta": "1 day, 0:01:30"})").scalar() == value::interval(86'490'000'000));
  CHECK(one(R"({"$timedelta": "-0:00:00.5"})").scalar() == value::interval(-500'000));
  CHECK(error_of(R"({"x": {"$timedelta": "soon"}})")
            .find("'x': $timedelta expects Python's str(timedelta)") != std::string::npos);
  CHECK(error_of(R"({"x": {"$timedelta": 5}})").find("got 5") != std::string::npos);
  // Any JSON value, as its compact text with sorted keys (PonyORM's form).
  CHECK(one(R"({"$json": {"tags": ["a", null], "level": 2.5, "b": {"y": true, "x": {}}}})")
            .scalar() ==
        value::typed(value_type::json, R"({"b":{"x":{},"y":true},"level":2.5,"tags":["a",null]})"));
  CHECK(one(R"({"$json": [1, "x"]})").scalar() == value::typed(value_type::json, R"([1,"x"])"));
  CHECK(one(R"({"$json": null})").scalar() == value::typed(value_type::json, "null"));
  CHECK(one(R"({"$json": "\u00e9"})").scalar() == value::typed(value_type::json, "\"\u00e9\""));
}

TEST_CASE("$entity refers to a registry entity by key") {
  const entity_info* group = school().find("Group");
  CHECK(one(R"({"$entity": ["Group", 101]})") == param_value{entity_ref{group, value{101}}});
  const entity_info* course = school().find("Course");
  CHECK(one(R"({"$entity": ["Course", "CS101"]})") ==
        param_value{entity_ref{course, value{"CS101"}}});
  CHECK(one(R"([{"$entity": ["Group", 101]}, {"$entity": ["Group", 102]}])") ==
        param_value{std::vector<param_value>{entity_ref{group, value{101}},
                                             entity_ref{group, value{102}}}});
}

TEST_CASE("$entity errors name the entity and the key's type") {
  CHECK(param_error(R"({"$entity": ["Grop", 101]})") ==
        "--params: 'x': unknown entity 'Grop' in $entity; did you mean 'Group'?");
  CHECK(param_error(R"({"$entity": ["Nothing", 101]})") ==
        "--params: 'x': unknown entity 'Nothing' in $entity");
  CHECK(param_error(R"({"$entity": "Group"})") ==
        "--params: 'x': $entity expects [\"Entity\", key], got \"Group\"");
  CHECK(param_error(R"({"$entity": ["Group"]})") ==
        "--params: 'x': $entity expects [\"Entity\", key], got [\"Group\"]");
  CHECK(param_error(R"({"$entity": [101, "Group"]})") ==
        "--params: 'x': $entity expects [\"Entity\", key], got [101,\"Group\"]");
  CHECK(param_error(R"({"$entity": ["Group", [1]]})") ==
        "--params: 'x': the key of an $entity must be a single non-null value, got [1]");
  CHECK(param_error(R"({"$entity": ["Group", null]})") ==
        "--params: 'x': the key of an $entity must be a single non-null value, got null");
  CHECK(param_error(R"({"$entity": ["Group", "101"]})") ==
        "--params: 'x': the key of Group has type int, got str \"101\"");
  CHECK(param_error(R"({"$entity": ["Group", 1.5]})") ==
        "--params: 'x': the key of Group has type int, got float 1.5");
  CHECK(param_error(R"({"$entity": ["Course", 5]})") ==
        "--params: 'x': the key of Course has type str, got int 5");
  CHECK(param_error(R"({"$entity": ["Course", {"$date": "2020-01-31"}]})") ==
        "--params: 'x': the key of Course has type str, got date {\"$date\":\"2020-01-31\"}");
  CHECK(param_error(R"({"$entity": ["Group", {"$dat": "x"}]})") ==
        "--params: 'x'[1]: unknown typed value '$dat'; did you mean '$date'?");
}

TEST_CASE("$entity of an entity with a composite key takes its key as a list in the key's order") {
  const entity_info* enrollment = school().find("Enrollment");
  // A key part that is a reference is its target's key, as E[1, 'CS101'] in PonyORM.
  CHECK(one(R"({"$entity": ["Enrollment", [1, "CS101"]]})") ==
        param_value{entity_ref{enrollment, value::tuple({1, "CS101"})}});
  CHECK(param_error(R"({"$entity": ["Enrollment", 1]})") ==
        "--params: 'x': the key of Enrollment has 2 attributes (student, course): give their "
        "values as a JSON array, got 1");
  CHECK(param_error(R"({"$entity": ["Enrollment", [1]]})") ==
        "--params: 'x': the key of Enrollment has 2 attributes (student, course): give their "
        "values as a JSON array, got [1]");
  CHECK(param_error(R"({"$entity": ["Enrollment", [1, "CS101", 2]]})") ==
        "--params: 'x': the key of Enrollment has 2 attributes (student, course): give their "
        "values as a JSON array, got [1,\"CS101\",2]");
  CHECK(param_error(R"({"$entity": ["Enrollment", ["CS101", 1]]})") ==
        "--params: 'x'[1][0]: the key of Enrollment has student of type int, got str \"CS101\"");
  CHECK(param_error(R"({"$entity": ["Enrollment", [1, null]]})") ==
        "--params: 'x'[1][1]: the key of an $entity must be a single non-null value, got null");
  CHECK(param_error(R"({"$entity": ["Enrollment", [[1], "CS101"]]})") ==
        "--params: 'x'[1][0]: the key of an $entity must be a single non-null value, got [1]");
}

TEST_CASE("$entity of a key of keys takes the referred composite key as a list in its list") {
  registry terms;
  terms.load_json_text(R"({"entities":[
    {"name":"Term","primary_key":["name","semester"],"attrs":[
      {"name":"name","kind":"Req","type":"str"},{"name":"semester","kind":"Req","type":"int"},
      {"name":"enrollments","kind":"Set","type":"Enrollment"},
      {"name":"syllabus","kind":"Single","type":"Syllabus","optional":true}]},
    {"name":"Pupil","attrs":[{"name":"enrollments","kind":"Set","type":"Enrollment"}]},
    {"name":"Enrollment","primary_key":["course","student"],"attrs":[
      {"name":"course","kind":"Single","type":"Term"},
      {"name":"student","kind":"Single","type":"Pupil"}]},
    {"name":"Syllabus","primary_key":["term"],"attrs":[
      {"name":"term","kind":"Single","type":"Term"}]}]})");
  terms.finalize();
  const params p = parse_params(R"({"x": {"$entity": ["Enrollment", [["Math", 1], 7]]}})", terms);
  CHECK(p.at("x") == param_value{entity_ref{terms.find("Enrollment"),
                                            value::tuple({value::tuple({"Math", 1}), 7})}});
  // A key of one attribute that refers to Term is Term's key.
  const params one_part = parse_params(R"({"x": {"$entity": ["Syllabus", ["Math", 1]]}})", terms);
  CHECK(one_part.at("x") ==
        param_value{entity_ref{terms.find("Syllabus"), value::tuple({"Math", 1})}});
  auto error = [&](const std::string& json) {
    try {
      (void)parse_params("{\"x\": " + json + "}", terms);
    } catch (const usage_failure& e) {
      return std::string{e.what()};
    }
    return std::string{"no error"};
  };
  CHECK(error(R"({"$entity": ["Enrollment", ["Math", 7]]})") ==
        "--params: 'x'[1][0]: the key of Term has 2 attributes (name, semester): give their "
        "values as a JSON array, got \"Math\"");
  CHECK(error(R"({"$entity": ["Enrollment", [["Math", "1"], 7]]})") ==
        "--params: 'x'[1][0][1]: the key of Term has semester of type int, got str \"1\"");
  CHECK(error(R"({"$entity": ["Syllabus", "Math"]})") ==
        "--params: 'x': the key of Term has 2 attributes (name, semester): give their "
        "values as a JSON array, got \"Math\"");
  CHECK(error(R"({"$entity": ["Syllabus", [["Math", 1]]]})") ==
        "--params: 'x': the key of Term has 2 attributes (name, semester): give their "
        "values as a JSON array, got [[\"Math\",1]]");
}

TEST_CASE("$query passes a query, the source of a loop of the query that names it") {
  const param_value plain = one(R"({"$query": "s for s in Student if s.gpa > 3.5"})");
  REQUIRE(plain.is_query());
  CHECK(plain.query().text == "s for s in Student if s.gpa > 3.5");
  CHECK(plain.query().args.empty());
  const param_value full =
      one(R"({"$query": {"text": "s for s in Student if s.gpa > g", "params": {"g": 3.5}}})");
  REQUIRE(full.is_query());
  CHECK(full.query().args.at("g") == param_value{3.5});
  const param_value nested = one(
      R"({"$query": {"text": "s for s in q", "params": {"q": {"$query": "s for s in Student"}}}})");
  CHECK(nested.query().args.at("q").is_query());
  CHECK(param_error(R"({"$query": 3})") ==
        "--params: 'x': $query expects a query's text, \"s for s in Student if s.gpa > 3.5\", or "
        "{\"text\": \"...\", \"params\": {...}}, got 3");
  CHECK(param_error(R"({"$query": {"text": "s for s in Student", "param": {}}})")
            .find("$query expects") != std::string::npos);
  CHECK(param_error(R"({"$query": {"params": {}}})").find("$query expects") != std::string::npos);
  CHECK(param_error(R"({"$query": {"text": 3}})").find("$query expects") != std::string::npos);
  CHECK(one(R"({"$query": {"text": "s for s in Student"}})").query().args.empty());
  CHECK(param_error(R"({"$query": {"text": "s for s in Student", "params": [1]}})") ==
        "--params: 'x': $query's params must be a JSON object, got [1]");
  CHECK(param_error(R"({"$query": {"text": "s for s in q", "params": {"q": {"$date": "x"}}}})") ==
        "--params: 'x'.params['q']: $date expects \"2020-01-31\", got \"x\"");
  CHECK(param_error(R"({"$qurey": "s for s in Student"})").find("did you mean '$query'?") !=
        std::string::npos);
}

TEST_CASE("typed forms check their text") {
  CHECK(param_error(R"({"$date": "2020-1-31"})") ==
        "--params: 'x': $date expects \"2020-01-31\", got \"2020-1-31\"");
  CHECK(param_error(R"({"$date": 20200131})") ==
        "--params: 'x': $date expects \"2020-01-31\", got 20200131");
  CHECK(param_error(R"({"$date": "2020-01-31x"})") ==
        "--params: 'x': $date expects \"2020-01-31\", got \"2020-01-31x\"");
  CHECK(param_error(R"({"$datetime": "2020-01-31"})") ==
        "--params: 'x': $datetime expects \"2020-01-31 12:30:00\" (or with 'T'; .ffffff "
        "allowed), got \"2020-01-31\"");
  CHECK(param_error(R"({"$time": "7:15"})") ==
        "--params: 'x': $time expects \"12:30:00\" (.ffffff allowed), got \"7:15\"");
  CHECK(param_error(R"({"$time": "07:15:00."})") ==
        "--params: 'x': $time expects \"12:30:00\" (.ffffff allowed), got \"07:15:00.\"");
  CHECK(param_error(R"({"$time": "07:15:00.1234567"})") ==
        "--params: 'x': $time expects \"12:30:00\" (.ffffff allowed), got \"07:15:00.1234567\"");
  CHECK(param_error(R"({"$time": "07:15:00,5"})") ==
        "--params: 'x': $time expects \"12:30:00\" (.ffffff allowed), got \"07:15:00,5\"");
  CHECK(param_error(R"({"$time": "07:15:00.5x"})") ==
        "--params: 'x': $time expects \"12:30:00\" (.ffffff allowed), got \"07:15:00.5x\"");
  for (std::string bad :
       {"\"1.\"", "\".5\"", "\"1.x\"", "\"1.2.3\"", "\"x1\"", "\"1e3\"", "\"-\"", "\"\"", "12.5"}) {
    CHECK(param_error(R"({"$decimal": )" + bad + "}") ==
          "--params: 'x': $decimal expects \"12.50\", got " + bad);
  }
  CHECK(param_error(R"({"$uuid": "123e4567e89b12d3a456426614174000"})") ==
        "--params: 'x': $uuid expects \"123e4567-e89b-12d3-a456-426614174000\", got "
        "\"123e4567e89b12d3a456426614174000\"");
  CHECK(param_error(R"({"$uuid": "123e4567-e89b-12d3-a456-42661417400g"})") ==
        "--params: 'x': $uuid expects \"123e4567-e89b-12d3-a456-426614174000\", got "
        "\"123e4567-e89b-12d3-a456-42661417400g\"");
  CHECK(param_error(R"({"$bytes": "0"})") ==
        "--params: 'x': $bytes expects hex digits, \"00ff\", got \"0\"");
  CHECK(param_error(R"({"$bytes": "0g"})") ==
        "--params: 'x': $bytes expects hex digits, \"00ff\", got \"0g\"");
  CHECK(param_error(R"({"$bytes": "g0"})") ==
        "--params: 'x': $bytes expects hex digits, \"00ff\", got \"g0\"");
  CHECK(param_error(R"({"$tuple": 1})") == "--params: 'x': $tuple expects a JSON array, got 1");
}

// Found by tests/fuzz (fuzz_params): the form alone let days and times through that do not exist.
TEST_CASE("typed forms name a real day and time of day") {
  CHECK(param_error(R"({"$date": "2020-13-45"})") ==
        "--params: 'x': $date expects \"2020-01-31\", got \"2020-13-45\"");
  CHECK(param_error(R"({"$date": "2021-02-29"})") ==
        "--params: 'x': $date expects \"2020-01-31\", got \"2021-02-29\"");
  CHECK(param_error(R"({"$datetime": "2020-02-30T25:61:61"})") ==
        "--params: 'x': $datetime expects \"2020-01-31 12:30:00\" (or with 'T'; .ffffff "
        "allowed), got \"2020-02-30T25:61:61\"");
  CHECK(param_error(R"({"$time": "99:99:99.999999"})") ==
        "--params: 'x': $time expects \"12:30:00\" (.ffffff allowed), got \"99:99:99.999999\"");
  CHECK(param_error(R"({"$date": "2020-02-29"})") == "no error");
}

TEST_CASE("--params errors say where the bad value is") {
  CHECK(error_of("{\"a\": 1") ==
        "--params: parse error at line 1, column 8: syntax error while parsing object - "
        "unexpected end of input; expected '}'");
  CHECK(error_of("[1]") == "--params: expected a JSON object of names and values, got array");
  CHECK(param_error("18446744073709551615") ==
        "--params: 'x': the integer 18446744073709551615 does not fit in 64 bits");
  CHECK(param_error(R"([1, [2, {"$date": 3}]])") ==
        "--params: 'x'[1][1]: $date expects \"2020-01-31\", got 3");
  CHECK(param_error(R"({"a": 1})") ==
        "--params: 'x': a JSON object must be one typed value such as {\"$date\": "
        "\"2020-01-31\"}, got {\"a\":1}");
  CHECK(param_error(R"({"$date": "2020-01-31", "$time": "07:00:00"})") ==
        "--params: 'x': a JSON object must be one typed value such as {\"$date\": "
        "\"2020-01-31\"}, got {\"$date\":\"2020-01-31\",\"$time\":\"07:00:00\"}");
  CHECK(param_error(R"({"$wat": 1})") == "--params: 'x': unknown typed value '$wat'");
  CHECK(param_error(R"({"$tupel": []})") ==
        "--params: 'x': unknown typed value '$tupel'; did you mean '$tuple'?");
}

TEST_CASE("--params numbers beyond int64 and double are usage errors, not floats") {
  CHECK(param_error("18446744073709551616") ==
        "--params: the integer 18446744073709551616 does not fit in 64 bits");
  CHECK(param_error("-9223372036854775809") ==
        "--params: the integer -9223372036854775809 does not fit in 64 bits");
  CHECK(param_error("[1, 100000000000000000000000]") ==
        "--params: the integer 100000000000000000000000 does not fit in 64 bits");
  CHECK(param_error("1e400") == "--params: the number 1e400 is beyond the range of a float");
  CHECK(param_error("-1e400") == "--params: the number -1e400 is beyond the range of a float");
  // Still floats: a fraction or an exponent says so.
  CHECK(one("1.5e3").scalar() == value{1500.0});
  CHECK(one("18446744073709551616.0").scalar() == value{18446744073709551616.0});
  CHECK(one("-9223372036854775808").scalar() == value{std::numeric_limits<std::int64_t>::min()});
}

TEST_CASE("--params nested deeper than 100 is a usage error, not a stack overflow") {
  auto nested = [](std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  // The outer object is the first level.
  CHECK(one(nested(99)).is_sequence());
  CHECK(param_error(nested(100)) == "--params: the JSON is nested more than 100 levels deep");
  CHECK(param_error(nested(10'000)) == "--params: the JSON is nested more than 100 levels deep");
  CHECK(param_error(std::string(10'000, '[')) ==
        "--params: the JSON is nested more than 100 levels deep");
  CHECK(error_of("{\"x\": " + std::string(100'000, '[')) ==
        "--params: the JSON is nested more than 100 levels deep");
  std::string objects;
  for (int i = 0; i < 5'000; ++i) objects += "{\"a\": ";
  CHECK(error_of(objects) == "--params: the JSON is nested more than 100 levels deep");
}
