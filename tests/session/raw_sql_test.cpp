// PonyORM's select_by_sql, get_by_sql and exists: objects from raw SQL through the identity
// map, parameters bound.
#include "session_fixture.hpp"

#include <nextorm/json.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace session_test;

TEST_CASE_METHOD(filled_shop, "select_by_sql reads objects from raw SQL, binding $names",
                 "[raw_sql]") {
  db_session session{db};
  const std::string products = table("Product");
  const std::string price = quote("price");
  // Any column order, and more columns than the entity's: matched by name.
  auto cheap = Product::select_by_sql("SELECT 1 AS extra, p.* FROM " + products + " p WHERE " +
                                          price + " < $limit AND " + quote("name") +
                                          " <> '$limit' ORDER BY " + price,
                                      {{"limit", 12}});
  REQUIRE(cheap.size() == 2);
  CHECK(cheap[0].name.get() == "Hammer");
  CHECK(cheap[1].name.get() == "Saw");
  // One object per row: the identity map's.
  CHECK(&cheap[0] == &*Product::get({{"name", "Hammer"}}));
  Category& tools = *Category::get({{"name", "tools"}});
  CHECK(Product::select_by_sql(
            "SELECT * FROM " + products + " WHERE " + quote("category") + " = $c", {{"c", &tools}})
            .size() == 3);
  auto kite = Product::get_by_sql(
      "SELECT * FROM " + products + " WHERE " + quote("name") + " = $name", {{"name", "Kite"}});
  REQUIRE(kite);
  CHECK(kite->price.get() == 25.0);
  CHECK_FALSE(Product::get_by_sql("SELECT * FROM " + products + " WHERE 1 = 0"));
  CHECK_THROWS_AS(Product::get_by_sql("SELECT * FROM " + products), multiple_objects_found);
  CHECK_THROWS_WITH(
      Product::select_by_sql("SELECT * FROM " + products + " WHERE " + price + " < $limt"),
      Catch::StartsWith("param.missing") && Catch::Contains("'limt'"));
  CHECK_THROWS_WITH(
      Product::select_by_sql("SELECT * FROM " + products + " WHERE " + price + " < $x",
                             {{"x", std::vector<param_value>{1, 2}}}),
      Catch::StartsWith("param.sequence"));
  // The session's changes are written first; a $ that starts no name is SQL's.
  Product::get({{"name", "Saw"}})->price = 1.0;
  CHECK(
      Product::select_by_sql("SELECT * FROM " + products + " WHERE " + price + " < 2 AND '$' = '$'")
          .size() == 1);
}

TEST_CASE_METHOD(filled_shop, "exists tells whether an object satisfies a condition", "[raw_sql]") {
  db_session session{db};
  CHECK(Product::exists());
  CHECK(Product::exists("p.price > 25"));
  CHECK_FALSE(Product::exists("p.price > limit", {{"limit", 100}}));
  CHECK(Product::exists({{"name", "Kite"}}));
  CHECK_FALSE(Product::exists({{"name", "Kyte"}}));
}

namespace {

struct Doc : entity<Doc> {
  Req<std::string> name{"name"};
};
struct Memo : entity<Memo, Doc> {
  Opt<std::string> body{"body"};
};

class docs : public fresh_database<Doc, Memo> {
 public:
  docs() : fresh_database{"raw_sql_docs"} {
    db_session session{db};
    (void)Doc::create({{"name", "plain"}});
    (void)Memo::create({{"name", "memo_1"}, {"body", "b"}});
  }
};

}  // namespace

TEST_CASE_METHOD(docs, "select_by_sql of a subclass keeps to its rows; $ names and other dollars",
                 "[raw_sql]") {
  db_session session{db};
  const std::string all = "SELECT * FROM " + table("Doc");
  CHECK(Memo::select_by_sql(all).size() == 1);
  CHECK(Doc::select_by_sql(all).size() == 2);
  const Memo& memo = *Memo::get({{"name", "memo_1"}});
  CHECK(Doc::select_by_sql(all + " WHERE " + quote("id") + " = $the_1", {{"the_1", memo}}).size() ==
        1);
  // A `$` that starts no name, and one at the end, are the SQL's.
  CHECK(
      Doc::select_by_sql(all + " WHERE " + quote("name") + " <> '$1' AND 1 = 1 -- end $").size() ==
      2);
  CHECK(Doc::select_by_sql(all + " WHERE " + quote("name") + " <> '$1' AND 2 > 1 -- $ 1").size() ==
        2);
  CHECK(nextorm::to_json(*Memo::get({{"name", "memo_1"}}))["classtype"] == "Memo");
}
