// Queries with list parameters passed as parameters of other queries, and the depth limit that
// keeps such chains from exhausting a stack.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace session_test;

TEST_CASE("a query with a list parameter is the source of another query", "[parameters]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto named = select<Product>("p for p in Product if p.name in names",
                               {{"names", std::vector<param_value>{"Hammer", "Kite"}}});
  auto cheap = select<std::string>("p.name for p in q if p.price < 10", {{"q", named}});
  CHECK(cheap.fetch().items() == std::vector<std::string>{"Hammer"});
}

TEST_CASE("a query and its lists nest at most 100 levels deep, also as a parameter of a query",
          "[parameters]") {
  temp_database t;
  db_session session{t.db};
  const std::string too_deep =
      "param.too_deep: the query's parameters nest more than 100 levels deep (a query passed as a "
      "parameter of a query passed as a parameter ..., or sequences in sequences)";
  // The query being made is the first level, so its lists may nest 99 deep.
  param_value deep = 1;
  for (int i = 0; i < 98; ++i) deep = std::vector<param_value>{deep};
  // 1 + 99 levels: the query and its list of 98 nested lists. Made (running it is a type error:
  // a list in a list); passed as a parameter of another query, it is one level too many.
  auto q = select<Product>("p for p in Product if p.price in xs",
                           {{"xs", std::vector<param_value>{deep, 2, 3}}});
  CHECK_THROWS_WITH(select("p for p in q", {{"q", q}}), too_deep);
  // 1 + 100 levels: refused when the query is made, before anything walks them.
  const param_value deeper = std::vector<param_value>{deep};
  CHECK_THROWS_WITH(select<Product>("p for p in Product if p.price in xs",
                                    {{"xs", std::vector<param_value>{deeper, 2, 3}}}),
                    too_deep);
}

// A pointer converts to bool in C++: an object given by pointer must not become True.
static_assert(!std::is_constructible_v<param_value, int*>);
static_assert(!std::is_constructible_v<value, const Product*>);
static_assert(std::is_constructible_v<param_value, const Product*>);

TEST_CASE("an object given by pointer is the object, a null pointer None", "[parameters]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  Category* tools = Category::get({{"name", "tools"}});
  CHECK(select<std::string>("p.name for p in Product if p.category == c", {{"c", tools}})
            .order_by("p.name")
            .fetch()
            .items() == std::vector<std::string>{"Hammer", "Saw", "Wrench"});
  const Category* none = nullptr;
  CHECK(select<Product>("p for p in Product if p.category == c", {{"c", none}}).count() == 0);
  auto& kite = *Product::get({{"name", "Kite"}});
  auto& bolt =
      Product::create({{"name", "Bolt"}, {"price", 1.0}, {"sku", "B-1"}, {"category", tools}});
  CHECK(bolt.category.get() == tools);
  CHECK(kite.category.get() != tools);
}

TEST_CASE("a null C string is None, not a crash", "[parameters]") {
  const char* none = nullptr;
  CHECK(value{none}.is_null());
  CHECK(param_value{none}.scalar().is_null());
  CHECK(value{"x"}.as_text() == "x");
}
