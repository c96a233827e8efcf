// bind_values: a plan's placeholders filled from the parameters passed with the query, and the
// errors when the parameters no longer fit the plan.
#include "../golden/schema_fixture.hpp"

#include "exec/bind_values.hpp"

#include <nextorm/errors.hpp>

#include <catch2/catch.hpp>

#include <cstdint>

using namespace nextorm;
using exec::bind_values;
using lower::param_slot;

namespace {

param_slot named(std::string name, std::optional<std::size_t> element = {}) {
  param_slot slot;
  slot.from = param_slot::source::named;
  slot.name = std::move(name);
  slot.element = element;
  return slot;
}

lower::plan plan_of(std::vector<param_slot> slots) {
  lower::plan p;
  p.params = std::move(slots);
  return p;
}

std::string error_of(const lower::plan& plan, const params& args) {
  try {
    (void)bind_values(plan, args, std::nullopt, std::nullopt);
  } catch (const usage_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a compiled plan binds its parameters, string constants and sequence elements in order",
          "[bind]") {
  const params args{{"low", 1.5}, {"ids", std::vector<param_value>{3, 5}}};
  const auto plan = testing::compile_text(
      "p for p in Product if p.price > low and p.name != 'x' and p.id in ids", args);
  REQUIRE(plan->params.size() == 4);
  CHECK(bind_values(*plan, args, std::nullopt, std::nullopt) == std::vector<value>{1.5, "x", 3, 5});
}

TEST_CASE("an object parameter binds its key", "[bind]") {
  const entity_info& category = *testing::schema().find("Category");
  const params args{{"c", entity_ref{&category, value{7}}}};
  const auto plan = testing::compile_text("p for p in Product if p.category == c", args);
  CHECK(bind_values(*plan, args, std::nullopt, std::nullopt) == std::vector<value>{7});
  // An element of a sequence of objects binds its key as well.
  const auto seq = plan_of({named("cs", 1)});
  const params many{{"cs", std::vector<param_value>{entity_ref{&category, value{1}},
                                                    entity_ref{&category, value{2}}}}};
  CHECK(bind_values(seq, many, std::nullopt, std::nullopt) == std::vector<value>{2});
}

TEST_CASE("limit and offset bind their run-time values, or all rows from the start", "[bind]") {
  param_slot limit;
  limit.from = param_slot::source::limit;
  param_slot offset;
  offset.from = param_slot::source::offset;
  const auto plan = plan_of({limit, offset});
  CHECK(bind_values(plan, {}, 10, 20) == std::vector<value>{10, 20});
  CHECK(bind_values(plan, {}, std::nullopt, std::nullopt) ==
        std::vector<value>{std::int64_t{INT64_MAX}, 0});
}

TEST_CASE("a parameter the plan needs but the call lacks is named", "[bind]") {
  CHECK(error_of(plan_of({named("low")}), {{"high", 1}}) ==
        "param.missing: no value passed for parameter 'low'; pass it with the query's parameters");
}

TEST_CASE("a sequence where the plan needs one value is refused", "[bind]") {
  CHECK(error_of(plan_of({named("low")}), {{"low", std::vector<param_value>{1, 2}}}) ==
        "param.sequence: parameter 'low' is a sequence or a query where a value is needed");
  // Also inside a sequence: an element that is itself a sequence.
  CHECK(error_of(plan_of({named("ids", 0)}),
                 {{"ids", std::vector<param_value>{param_value{std::vector<param_value>{1}}}}}) ==
        "param.sequence: parameter 'ids' is a sequence or a query where a value is needed");
}

TEST_CASE("a sequence shorter than the plan's, or a scalar in its place, is refused", "[bind]") {
  const std::string changed =
      "param.changed: parameter 'ids' changed shape since the query was "
      "compiled";
  CHECK(error_of(plan_of({named("ids", 0), named("ids", 1)}),
                 {{"ids", std::vector<param_value>{1}}}) == changed);
  CHECK(error_of(plan_of({named("ids", 0)}), {{"ids", 1}}) == changed);
}

TEST_CASE("a constant of the query text is checked against the provider's limits as parameters are",
          "[bind]") {
  const auto nul = testing::compile_text("p for p in Product if p.name == 'a\\x00b'", {});
  const auto inf = testing::compile_text("p for p in Product if p.price < 1e999", {});
  CHECK(bind_values(*nul, {}, std::nullopt, std::nullopt) ==
        std::vector<value>{std::string{"a\0b", 3}});
  try {
    (void)bind_values(*nul, {}, std::nullopt, std::nullopt,
                      {.nul_in_text = false, .provider = "PostgreSQL"});
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()} ==
          "param.nul: a constant of the query holds a NUL character, which PostgreSQL cannot store "
          "in text (so no stored text could match it)");
  }
  try {
    (void)bind_values(*inf, {}, std::nullopt, std::nullopt,
                      {.infinity = false, .provider = "MariaDB"});
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()} ==
          "param.infinity: a constant of the query is inf, which MariaDB cannot store or compare");
  }
}

TEST_CASE("None, bytes, integers and booleans pass where text may not hold a NUL", "[bind]") {
  const auto plan = plan_of({named("a"), named("b"), named("c"), named("d")});
  const params args{{"a", value{}},
                    {"b", value::typed(value_type::bytes, std::string{"\0\1", 2})},
                    {"c", 7},
                    {"d", true}};
  const exec::value_limits postgres{.nul_in_text = false, .provider = "PostgreSQL"};
  CHECK(bind_values(plan, args, std::nullopt, std::nullopt, postgres) ==
        std::vector<value>{value{}, value::typed(value_type::bytes, std::string{"\0\1", 2}), 7,
                           true});
}

TEST_CASE("a parameter of a query passed as a parameter is found through it, or named missing",
          "[bind]") {
  const auto plan = plan_of({named("q.low")});
  CHECK(
      error_of(plan, {{"low", 1}}) ==
      "param.missing: no value passed for parameter 'q.low'; pass it with the query's parameters");
  CHECK(
      error_of(plan, {{"q", 1}}) ==
      "param.missing: no value passed for parameter 'q.low'; pass it with the query's parameters");
}

TEST_CASE("a uuid binds as its 16 bytes where the plan asks for them, unless its text is no uuid",
          "[bind]") {
  param_slot bytes = named("u");
  bytes.uuid_bytes = true;
  const auto plan = plan_of({bytes});
  auto bound = [&](const std::string& text) {
    return bind_values(plan, {{"u", value::typed(value_type::uuid, text)}}, std::nullopt,
                       std::nullopt)[0];
  };
  const std::string octets{"\x12\x3e\x45\x67\xe8\x9b\x12\xd3\xa4\x56\x42\x66\x14\x17\x40\x00", 16};
  CHECK(bound("123e4567-e89b-12d3-a456-426614174000") == value::typed(value_type::bytes, octets));
  CHECK(bound("{123E4567E89B12D3A456426614174000}") == value::typed(value_type::bytes, octets));
  // Not 32 hex digits: the text is bound as it is.
  for (const std::string text :
       {"123e4567 e89b 12d3 a456 426614174000", "123e4567:e89b-12d3-a456-426614174000",
        "123e4567-e89b-12d3-a456-4266141740001", "123e4567-e89b",
        "123e4567-e89b-12d3-a456-42661417400g"}) {
    INFO(text);
    CHECK(bound(text) == value::typed(value_type::uuid, text));
  }
}

TEST_CASE("date.today() and datetime.now() read the local clock each time the plan is bound") {
  auto plan = testing::compile_text(
      "e for e in Event if e.day <= date.today() and e.at <= datetime.now() and "
      "e.at <= datetime.utcnow()");
  const std::time_t before = std::time(nullptr);
  const std::vector<value> bound = bind_values(*plan, {}, std::nullopt, std::nullopt);
  REQUIRE(bound.size() == 3);
  std::tm local{};
  ::localtime_r(&before, &local);
  char today[16];
  std::strftime(today, sizeof today, "%Y-%m-%d", &local);
  CHECK(bound[0] == value::typed(value_type::date, today));
  CHECK(bound[1].type() == value_type::datetime);
  // Local time: the same day as date.today(), unless midnight passed in between.
  CHECK(bound[1].as_text().substr(0, 10) >= std::string{today});
  const datetime now{bound[1].as_text()};
  const datetime utc{bound[2].as_text()};
  std::tm utc_parts{};
  ::gmtime_r(&before, &utc_parts);
  CHECK(utc.date_part() >= date{utc_parts.tm_year + 1900,
                                static_cast<unsigned>(utc_parts.tm_mon + 1),
                                static_cast<unsigned>(utc_parts.tm_mday)});
  // The local time and UTC differ by the zone's offset, at most 14 hours.
  CHECK(std::chrono::abs(now - utc) <= std::chrono::hours{14} + std::chrono::seconds{5});
}
