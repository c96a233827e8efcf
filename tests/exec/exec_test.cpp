// Binding a plan's parameters and turning json elements of a result into values.
#include "exec/bind_values.hpp"
#include "exec/json_values.hpp"

#include <catch2/catch.hpp>

using namespace nextorm;

namespace {

lower::param_slot named(std::string name, bool uuid_bytes = false) {
  lower::param_slot slot{lower::param_slot::source::named, std::move(name), std::nullopt, {}};
  slot.uuid_bytes = uuid_bytes;
  return slot;
}

}  // namespace

TEST_CASE("q.x names the parameter x of the query passed as q") {
  auto inner = std::make_shared<nested_query>();
  inner->text = "p for p in Product if p.price < x";
  inner->args["x"] = param_value{2.5};
  params args{{"x", param_value{1}},
              {"q", param_value{std::shared_ptr<const nested_query>{inner}}}};
  lower::plan plan;
  plan.params = {named("x"), named("q.x")};
  CHECK(exec::bind_values(plan, args, {}, {}) == std::vector<value>{value{1}, value{2.5}});
  plan.params = {named("q.y")};
  CHECK_THROWS_WITH(exec::bind_values(plan, args, {}, {}),
                    Catch::Contains("no value passed for parameter 'q.y'"));
  plan.params = {named("x.y")};
  CHECK_THROWS_WITH(exec::bind_values(plan, args, {}, {}), Catch::Contains("'x.y'"));
  plan.params = {named("q")};
  CHECK_THROWS_WITH(exec::bind_values(plan, args, {}, {}),
                    Catch::Contains("a sequence or a query"));
}

TEST_CASE("a uuid slot of SQLite binds the uuid's 16 bytes") {
  lower::plan plan;
  plan.params = {named("u", true), named("u")};
  const value u = value::typed(value_type::uuid, "{00000000-0000-0000-9E37-79b97f4aac4e}");
  const auto bound = exec::bind_values(plan, {{"u", param_value{u}}}, {}, {});
  CHECK(bound[0] ==
        value::typed(value_type::bytes,
                     std::string{"\0\0\0\0\0\0\0\0\x9e\x37\x79\xb9\x7f\x4a\xac\x4e", 16}));
  CHECK(bound[1] == u);
  // Not a uuid: bound as it is.
  for (const char* text :
       {"123", "0000000000000000000000000000000", "zz000000000000000000000000000000"}) {
    const value v = value::typed(value_type::uuid, text);
    CHECK(exec::bind_values(plan, {{"u", param_value{v}}}, {}, {})[0] == v);
  }
  const auto seq = exec::bind_values(
      lower::plan{"",
                    {[] {
                      auto s = named("s", true);
                      s.element = 0;
                      return s;
                    }()},
                    {},
                    ir::terminal::fetch},
      {{"s", param_value{std::vector<param_value>{param_value{value{7}}}}}}, {}, {});
  CHECK(seq == std::vector<value>{value{7}});
}

TEST_CASE("json elements of a result become values of their JSON type") {
  lower::result_shape shape;
  shape.items.resize(2);
  shape.items[1].json_unwrap = true;
  detail::raw_result rows;
  rows.width = 2;
  const char* texts[] = {"3",    "-2",   "18446744073709551615", "2.5",        "\"chess\"",
                         "true", "null", "[\"t1\",\"t2\"]",      "{\"a\": 1}", "not json"};
  for (const char* t : texts) {
    rows.cells.push_back({nullptr, value{"kept"}});
    rows.cells.push_back({nullptr, value::typed(value_type::json, t)});
  }
  rows.cells.push_back({nullptr, value{"kept"}});
  rows.cells.push_back({nullptr, value{}});
  exec::unwrap_json(shape, rows);
  std::vector<value> got;
  for (std::size_t i = 1; i < rows.cells.size(); i += 2) got.push_back(rows.cells[i].v);
  CHECK(got == std::vector<value>{value{3}, value{-2}, value{18446744073709551615.0}, value{2.5},
                                  value{"chess"}, value{true}, value{},
                                  value::typed(value_type::json, R"(["t1","t2"])"),
                                  value::typed(value_type::json, R"({"a":1})"),
                                  value::typed(value_type::json, "not json"), value{}});
  CHECK(rows.cells[0].v == value{"kept"});
}
