// Queries through the public API, run in a session against the provider under test.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

using namespace session_test;

namespace {

std::vector<std::string> names_of(const result<Product>& products) {
  std::vector<std::string> out;
  for (const Product& p : products) out.push_back(p.name);
  return out;
}

}  // namespace

TEST_CASE("a generator query returns typed objects in order", "[query]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto cheap = select<Product>("p for p in Product if p.price <= 20").order_by("desc(p.price)");
  CHECK(names_of(cheap.fetch()) == std::vector<std::string>{"Ball", "Wrench", "Saw", "Hammer"});
  // The identity map: the query's objects are the session's objects.
  CHECK(&cheap.fetch()[3] == &Product::at(1));
}

TEST_CASE("parameters are bound by name, entities by key", "[query]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto& tools = *Category::get({{"name", "tools"}});
  auto q = select<Product>("p for p in Product if p.category == c and p.price >= low",
                           {{"c", tools}, {"low", 10}});
  CHECK(names_of(q.order_by("p.name").fetch()) == std::vector<std::string>{"Saw", "Wrench"});
  auto in_list = select<std::string>("p.name for p in Product if p.sku in skus",
                                     {{"skus", std::vector<param_value>{"S-1", "S-6"}}});
  CHECK(in_list.order_by("1").fetch().items() == std::vector<std::string>{"Hammer", "Yo-yo"});
}

TEST_CASE("navigation through a to-one reference joins implicitly", "[query]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto toys = select<std::string>("p.name for p in Product if p.category.name == 'toys'");
  CHECK(toys.order_by("1").fetch().items() == std::vector<std::string>{"Ball", "Kite", "Yo-yo"});
}

TEST_CASE("tuple and untyped results", "[query]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto pairs =
      select<std::tuple<std::string, double>>("(p.name, p.price) for p in Product if p.price > 25")
          .fetch();
  REQUIRE(pairs.size() == 1);
  CHECK(pairs[0] == std::tuple<std::string, double>{"Yo-yo", 30.0});
  auto rows = select("(p.name, p.category) for p in Product if p.price < 6").fetch();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == row{value{"Hammer"}, value{1}});
  CHECK(rows.columns() == std::vector<std::string>{"p.name", "p.category"});
  auto with_objects =
      select<std::tuple<Product, double>>("(p, p.price * 2) for p in Product if p.price < 6")
          .fetch();
  REQUIRE(with_objects.size() == 1);
  CHECK(std::get<0>(with_objects[0]) == &Product::at(1));
  CHECK(std::get<1>(with_objects[0]) == 10.0);
}

TEST_CASE("count, exists, first, get and aggregates", "[query]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto all = Product::select();
  CHECK(all.count() == 6);
  CHECK(all.filter("p.price > 100").count() == 0);
  CHECK(all.exists());
  CHECK_FALSE(all.filter("p.price > 100").exists());
  CHECK(all.order_by("desc(p.price)").first()->name.get() == "Yo-yo");
  CHECK(all.filter("p.price > 100").first() == nullptr);
  CHECK(Product::get("p.sku == 'S-2'")->name.get() == "Saw");
  CHECK(Product::get("p.sku == 'nothing'") == nullptr);
  CHECK_THROWS_AS(Product::get("p.price > 10"), multiple_objects_found);
  auto prices = select<double>("p.price for p in Product");
  CHECK(prices.sum() == value{105.0});
  CHECK(prices.avg() == value{17.5});
  CHECK(prices.min() == value{5.0});
  CHECK(prices.max() == value{30.0});
  CHECK(select<std::string>("p.category.name for p in Product").count() == 2);  // distinct
}

TEST_CASE("limit and page cut the ordered result", "[query]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto ordered = Product::select().order_by("p.price");
  CHECK(names_of(ordered.limit(2)) == std::vector<std::string>{"Hammer", "Saw"});
  CHECK(names_of(ordered.limit(2, 3)) == std::vector<std::string>{"Ball", "Kite"});
  CHECK(names_of(ordered.page(3, 2)) == std::vector<std::string>{"Kite", "Yo-yo"});
  CHECK(ordered.page(4, 2).empty());
}

TEST_CASE("queries see the session's unflushed changes", "[query]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto& p = Product::at(1);
  p.price = 100.0;
  auto& q = Product::create();
  q.name = "New";
  q.price = 1;
  q.sku = "N-1";
  CHECK(names_of(Product::select("p.price < 6").fetch()) == std::vector<std::string>{"New"});
  CHECK(Product::select("p.price > 99").first() == &p);
}

TEST_CASE("bulk remove deletes the selected rows", "[query]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    CHECK(Product::select("p.price > 20").remove() == 2);
  }
  CHECK(t.count("Product") == 4);
}

TEST_CASE("a query's result must fit the C++ type asked for", "[query]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  CHECK_THROWS_WITH(select<std::string>("p for p in Product").fetch(),
                    "query.result_type: the query returns Product, not str: 'p for p in Product'");
  CHECK_THROWS_AS(select<Product>("p.name for p in Product").first(), usage_error);
}

TEST_CASE("bad queries fail with the compiler's message and caret", "[query]") {
  temp_database t;
  db_session session{t.db};
  try {
    (void)select<Product>("p for p in Product if p.prise < 20").fetch();
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.id() == "unknown_name.attribute");
    CHECK_THAT(e.what(), Catch::Contains("did you mean 'price'?"));
    CHECK(e.column() == 25);
  }
}

TEST_CASE("the plan cache answers a repeated query", "[query]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  const auto before = t.db.plan_cache_stats();
  for (int i = 0; i < 3; ++i) (void)Product::select("p.price < limit", {{"limit", 10 + i}}).count();
  const auto after = t.db.plan_cache_stats();
  CHECK(after.misses - before.misses == 1);
  CHECK(after.hits - before.hits == 2);
  CHECK_THAT(Product::select("p.price < 10").get_sql(), Catch::Contains("WHERE"));
}

TEST_CASE("entities in a tuple result are loaded together, however many", "[query]") {
  temp_database t;
  {
    db_session session{t.db};
    // 300 categories: more keys than one loading statement takes.
    for (int i = 0; i < 300; ++i) {
      auto& c = Category::create();
      c.name = "c" + std::to_string(i);
      for (int j = 0; j < 2; ++j) {
        auto& p = Product::create();
        p.name = "p" + std::to_string(i) + "-" + std::to_string(j);
        p.price = 1.0 + i;
        p.sku = p.name.get();
        p.category = c;
      }
    }
  }
  db_session session{t.db};
  Category& known = Category::at(7);  // already in the session: not loaded again
  auto per_category = select<std::tuple<Category, std::int64_t, double>>(
                          "(p.category, count(p), min(p.price)) for p in Product")
                          .fetch();
  REQUIRE(per_category.size() == 300);
  for (const auto& [category, count, price] : per_category) {
    REQUIRE(category != nullptr);
    CHECK(category->name.get() == "c" + std::to_string(category->key().as_int() - 1));
    CHECK(count == 2);
    CHECK(price == 1.0 + static_cast<double>(category->key().as_int() - 1));
  }
  CHECK(std::count_if(per_category.begin(), per_category.end(),
                      [&](const auto& row) { return std::get<0>(row) == &known; }) == 1);
  // Each category object is the session's one, whatever row it came in.
  CHECK(&Category::at(300) ==
        std::get<0>(*std::find_if(per_category.begin(), per_category.end(), [](const auto& row) {
          return std::get<0>(row)->key() == value{300};
        })));
}

TEST_CASE("a query runs only in a session of the database it was made for", "[query]") {
  temp_database a;
  temp_database b;
  fill_shop(a);
  db_session outer{a.db};
  auto cheap = select<Product>("p for p in Product if p.price < 10");
  CHECK(cheap.count() == 1);
  {
    db_session inner{b.db};
    const char* other =
        "session.other_database: the query belongs to another database than the current "
        "db_session's; open a db_session on the query's database";
    CHECK_THROWS_AS(cheap.count(), usage_error);
    CHECK_THROWS_WITH(cheap.count(), other);
    CHECK_THROWS_WITH(cheap.fetch(), other);
    // A query made here is the inner database's (which is empty).
    CHECK(Product::select().count() == 0);
  }
  CHECK(names_of(cheap.fetch()) == std::vector<std::string>{"Hammer"});
}
