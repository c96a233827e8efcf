// Edges of the command line's parsers: hex digits of $bytes on both sides of the digit and letter
// ranges, typed forms given a JSON number instead of text, and equality of query steps.
#include "cli/args.hpp"
#include "cli/params_json.hpp"
#include "cli/usage_failure.hpp"

#include <nextorm/registry.hpp>

#include <catch2/catch.hpp>

using namespace nextorm;
using nextorm::cli::parse_params;
using nextorm::cli::usage_failure;

namespace {

const registry& empty_schema() {
  static const registry* r = [] {
    static registry out;
    out.finalize();
    return &out;
  }();
  return *r;
}

std::string param_error(const std::string& json) {
  try {
    (void)parse_params("{\"x\": " + json + "}", empty_schema());
  } catch (const usage_failure& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("$bytes takes hex digits of either case and nothing around them", "[params]") {
  const params p = parse_params(R"({"x": {"$bytes": "09afAF"}})", empty_schema());
  CHECK(p.at("x") == param_value{value::typed(value_type::bytes, "\x09\xaf\xaf")});
  // '-' sorts before '0', ':' and '@' between '9' and 'A', 'G' after 'F', 'g' after 'f'.
  for (const char* bad : {"-0", "0-", ":0", "@0", "0G", "g0"}) {
    CHECK(param_error(std::string{R"({"$bytes": ")"} + bad + "\"}") ==
          std::string{"--params: 'x': $bytes expects hex digits, \"00ff\", got \""} + bad + "\"");
  }
}

TEST_CASE("typed forms refuse a JSON number or null where they need text", "[params]") {
  CHECK(param_error(R"({"$decimal": 12.5})") ==
        "--params: 'x': $decimal expects \"12.50\", got 12.5");
  CHECK(param_error(R"({"$uuid": 1})") ==
        "--params: 'x': $uuid expects \"123e4567-e89b-12d3-a456-426614174000\", got 1");
  CHECK(param_error(R"({"$time": null})") ==
        "--params: 'x': $time expects \"12:30:00\" (.ffffff allowed), got null");
  CHECK(param_error(R"({"$bytes": ["00"]})") ==
        "--params: 'x': $bytes expects hex digits, \"00ff\", got [\"00\"]");
}

TEST_CASE("the option name given to parse_params starts its messages", "[params]") {
  try {
    (void)parse_params(R"({"name": {"$date": 1}})", empty_schema(), "--filter-kw");
    FAIL("no error");
  } catch (const usage_failure& e) {
    CHECK(std::string{e.what()} == "--filter-kw: 'name': $date expects \"2020-01-31\", got 1");
  }
}

TEST_CASE("query steps are equal when both their kind and their text are", "[args]") {
  using cli::step;
  using cli::step_kind;
  CHECK(step{step_kind::filter, "x > 1"} == step{step_kind::filter, "x > 1"});
  CHECK_FALSE(step{step_kind::filter, "x > 1"} == step{step_kind::where, "x > 1"});
  CHECK_FALSE(step{step_kind::filter, "x > 1"} == step{step_kind::filter, "x > 2"});
}
