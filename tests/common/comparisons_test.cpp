// The comparisons the value types get by default, member by member: equal values order as
// equal, and values that differ in their first member are unequal.
#include <nextorm/errors.hpp>
#include <nextorm/params.hpp>
#include <nextorm/registry.hpp>
#include <nextorm/types.hpp>
#include <nextorm/value.hpp>

#include <catch2/catch.hpp>

#include <compare>

using namespace nextorm;
using namespace std::chrono_literals;

TEST_CASE("dates, times, datetimes and uuids order as equal when they are equal", "[types]") {
  CHECK((date{2024, 2, 29} <=> date{2024, 2, 29}) == std::strong_ordering::equal);
  CHECK((date{2024, 2, 28} <=> date{2024, 2, 29}) == std::strong_ordering::less);
  CHECK((time_of_day{9h} <=> time_of_day{9h}) == std::strong_ordering::equal);
  CHECK((time_of_day{10h} <=> time_of_day{9h}) == std::strong_ordering::greater);
  const datetime at{date{2024, 2, 29}, 10h};
  CHECK((at <=> datetime{date{2024, 2, 29}, 10h}) == std::strong_ordering::equal);
  CHECK((at <=> at + 1min) == std::strong_ordering::less);
  const uuid id{"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"};
  CHECK((id <=> uuid{"A0EEBC999C0B4EF8BB6D6BB9BD380A11"}) == std::strong_ordering::equal);
  CHECK((id <=> uuid{"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12"}) == std::strong_ordering::less);
}

TEST_CASE("values are equal only with the same type and the same data", "[types]") {
  CHECK(value{1} == value{1});
  CHECK_FALSE(value{1} == value{2});
  CHECK_FALSE(value{1} == value{std::string{"1"}});
  CHECK_FALSE(value{} == value{0});
}

TEST_CASE("spans and object references compare every member", "[types]") {
  CHECK(source_span{1, 4} == source_span{1, 4});
  CHECK_FALSE(source_span{0, 4} == source_span{1, 4});
  CHECK_FALSE(source_span{1, 3} == source_span{1, 4});
  const entity_info* none = nullptr;
  entity_info other;
  CHECK(entity_ref{none, value{1}} == entity_ref{none, value{1}});
  CHECK_FALSE(entity_ref{none, value{1}} == entity_ref{none, value{2}});
  CHECK_FALSE(entity_ref{none, value{1}} == entity_ref{&other, value{1}});
  CHECK(param_value{entity_ref{none, value{1}}} == param_value{entity_ref{none, value{1}}});
  CHECK_FALSE(param_value{entity_ref{none, value{1}}} == param_value{1});
}
