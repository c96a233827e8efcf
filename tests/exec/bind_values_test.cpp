// bind_values: a plan's placeholders filled from the parameters passed with the query, and the
// errors when the parameters no longer fit the plan.
#include "../golden/schema_fixture.hpp"

#include "exec/bind_values.hpp"

#include <nextorm/errors.hpp>

#include <catch2/catch.hpp>

#include <cstdint>

using namespace nextorm;
using lower::param_slot;
using exec::bind_values;

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
