// query.update(): one UPDATE for every selected object, values written in the query language
// over the object's own attributes, the session's objects reading what the rows hold after it,
// and clear errors for what cannot be set.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace session_test;

namespace {

double price_of(const std::string& name) {
  return select<Product>("p for p in Product if p.name == n", {{"n", name}}).get()->price.get();
}

// The error id and message of an update() that fails.
std::pair<std::string, std::string> update_error(
    const char* query_text,
    std::initializer_list<std::pair<std::string_view, std::string_view>> values, params args = {}) {
  try {
    (void)select<Product>(query_text).update(values, std::move(args));
  } catch (const nextorm::error& e) {
    return {e.id(), e.what()};
  }
  return {"<no error>", ""};
}

// Values with limits: a length, bounds (of another numeric type too), a check function.
struct Member : entity<Member> {
  Req<std::string> name{"name", 8};
  Req<std::int64_t> age{"age", min_value{0}, max_value{150}};
  Opt<decimal> fee{"fee", min_value{decimal{"0.50"}}};
  Opt<double> score{"score", max_value{10}};
  Opt<std::string> email{
      "email", check{[](const std::string& e) { return e.find('@') != std::string::npos; }}};
};

class members : public fresh_database<Member> {
 public:
  members() : fresh_database{"bulk_limits"} {
    db_session session{db};
    (void)Member::create({{"name", "Ann"}, {"age", 30}, {"fee", decimal{"1.00"}}});
    (void)Member::create({{"name", "Bob"}, {"age", 140}});
  }
  std::string update_error(
      std::initializer_list<std::pair<std::string_view, std::string_view>> values, params args = {},
      const char* text = "m for m in Member") {
    db_session session{db};
    try {
      (void)select<Member>(text).update(values, std::move(args));
    } catch (const nextorm::error& e) {
      return e.what();
    }
    return "<no error>";
  }
  std::vector<std::int64_t> ages() {
    db_session session{db};
    std::vector<std::int64_t> out;
    for (const Member& m : select<Member>("m for m in Member").order_by("m.name")) {
      out.push_back(m.age);
    }
    return out;
  }
};

}  // namespace

TEST_CASE_METHOD(members,
                 "update() values are checked as assignments are, and none is written past a limit",
                 "[bulk_update]") {
  // Computed by the database: each row's new value is checked before the UPDATE.
  CHECK(update_error({{"age", "m.age + 20"}}) ==
        "value.too_large: update(): Member.age would be above its maximum 150 in 1 row(s); "
        "nothing was updated");
  CHECK(update_error({{"age", "m.age - 31"}}) ==
        "value.too_small: update(): Member.age would be below its minimum 0 in 1 row(s); nothing "
        "was updated");
  CHECK(update_error({{"name", "m.name + '-junior'"}}) ==
        "value.too_long: update(): Member.name would be longer than its 8 characters in 2 row(s); "
        "nothing was updated");
  CHECK(ages() == std::vector<std::int64_t>{30, 140});
  // Constants and parameters too; the limits themselves hold.
  CHECK_THAT(update_error({{"age", "a"}}, {{"a", 151}}), Catch::StartsWith("value.too_large"));
  CHECK_THAT(update_error({{"name", "'Alexandra'"}}), Catch::StartsWith("value.too_long"));
  CHECK_THAT(update_error({{"fee", "f"}}, {{"f", decimal{"0.49"}}}),
             Catch::StartsWith("value.too_small") && Catch::Contains("its minimum 0.50"));
  CHECK_THAT(update_error({{"score", "10.5"}}), Catch::StartsWith("value.too_large"));
  CHECK_THAT(update_error({{"age", "a"}, {"name", "'Alexandra'"}}, {{"a", 20}}),
             Catch::StartsWith("value.too_long"));
  CHECK(update_error({{"age", "a"}, {"name", "'Carolina'"}, {"fee", "None"}, {"score", "10"}},
                     {{"a", 150}}, "m for m in Member if m.name == 'Bob'") == "<no error>");
  CHECK(ages() == std::vector<std::int64_t>{30, 150});  // Ann, then Carolina
  // None breaks no bound; no row selected, no value checked.
  CHECK(update_error({{"fee", "None"}}) == "<no error>");
  CHECK(update_error({{"age", "1000"}}, {}, "m for m in Member if m.age < 0") == "<no error>");
  // Through a query's other methods: only its rows count.
  {
    db_session session{db};
    CHECK_THROWS_WITH(
        select<Member>("m for m in Member").filter("m.age > 100").update({{"age", "m.age + 1"}}),
        Catch::Contains("would be above its maximum 150 in 1 row(s)"));
    CHECK(
        select<Member>("m for m in Member").filter("m.age < 100").update({{"age", "m.age + 1"}}) ==
        1);
  }
  // A check function runs on C++ values only: its attribute is refused.
  CHECK_THAT(update_error({{"email", "'ann@example.com'"}}),
             Catch::StartsWith("type.update_attribute: update() cannot set Member.email: it has a "
                               "check{} function"));
}

TEST_CASE_METHOD(filled_shop, "update() sets a column of the selected objects in one statement",
                 "[bulk_update]") {
  sql_capture sql{db};
  {
    db_session session{db};
    CHECK(
        select<Product>("p for p in Product if p.price < 12").update({{"price", "p.price * 2"}}) ==
        2);
  }
  CHECK(sql.count("UPDATE") == 1);
  db_session session{db};
  CHECK(price_of("Hammer") == 10.0);
  CHECK(price_of("Saw") == 20.0);
  CHECK(price_of("Wrench") == 15.0);
}

TEST_CASE_METHOD(filled_shop, "update() of objects selected through a join sets only those",
                 "[bulk_update]") {
  db_session session{db};
  const auto n = select<Product>("p for p in Product if p.category.name == c", {{"c", "toys"}})
                     .update({{"summary", "'on sale: ' + p.name"}, {"stock", "len(p.name)"}});
  CHECK(n == 3);
  const auto toys = select<Product>("p for p in Product if p.summary.startswith('on sale')")
                        .order_by("p.price")
                        .fetch();
  REQUIRE(toys.size() == 3);
  CHECK(toys[0].summary.get() == "on sale: Ball");
  CHECK(toys[2].stock.get() == 5);  // Yo-yo
  CHECK(select<Product>("p for p in Product if p.stock is None").count() == 3);
}

TEST_CASE_METHOD(filled_shop, "update() takes parameters in its values and in the query",
                 "[bulk_update]") {
  db_session session{db};
  const auto n = select<Product>("p for p in Product if p.price >= low", {{"low", 25}})
                     .update({{"price", "p.price * rate + extra"}}, {{"rate", 0.5}, {"extra", 1}});
  CHECK(n == 2);
  CHECK(price_of("Kite") == 13.5);
  CHECK(price_of("Yo-yo") == 16.0);
}

TEST_CASE_METHOD(filled_shop, "objects the session holds read the values update() wrote",
                 "[bulk_update]") {
  {
    db_session session{db};
    Product& hammer = Product::at(1);
    CHECK(hammer.price.get() == 5.0);  // read: an UPDATE of the object checks it
    (void)select<Product>("p for p in Product if p.category.name == 'tools'")
        .update({{"price", "p.price + 100"}});
    CHECK(hammer.price.get() == 105.0);
    // A change of the object after it checks the price the row holds now: no false conflict.
    hammer.name = "Big hammer";
  }
  db_session session{db};
  CHECK(Product::at(1).name.get() == "Big hammer");
  CHECK(Product::at(1).price.get() == 105.0);
}

TEST_CASE_METHOD(filled_shop, "update() sets references and optional values to None or objects",
                 "[bulk_update]") {
  {
    db_session session{db};
    Category& empty = *select<Category>("c for c in Category if c.name == 'empty'").get();
    Category& toys = *select<Category>("c for c in Category if c.name == 'toys'").get();
    CHECK(toys.products.size() == 3);
    CHECK(empty.products.size() == 0);
    CHECK(select<Product>("p for p in Product if p.price >= 20")
              .update({{"category", "c"}, {"stock", "None"}}, {{"c", &empty}}) == 3);
    // The collections on the other side follow.
    CHECK(toys.products.size() == 0);
    CHECK(empty.products.size() == 3);
    CHECK(select<Product>("p for p in Product if p.name == 'Hammer'")
              .update({{"category", "None"}}) == 1);
    CHECK(Product::at(1).category.get() == nullptr);
  }
  db_session session{db};
  CHECK(select<Product>("p for p in Product if p.category.name == 'empty'").count() == 3);
  CHECK(select<Product>("p for p in Product if p.category is None").count() == 1);
}

TEST_CASE_METHOD(filled_shop, "update() refuses what it cannot set, naming it", "[bulk_update]") {
  db_session session{db};
  const char* all = "p for p in Product";
  auto [id, message] = update_error(all, {{"prise", "1"}});
  CHECK(id == "unknown_name.attribute");
  CHECK_THAT(message, Catch::Contains("did you mean 'price'"));
  std::tie(id, message) = update_error(all, {{"tags", "None"}});
  CHECK(id == "type.update_attribute");
  CHECK_THAT(message, Catch::Contains("Product.tags") && Catch::Contains("collection"));
  std::tie(id, message) = update_error(all, {{"id", "7"}});
  CHECK(id == "type.update_attribute");
  std::tie(id, message) = update_error(all, {{"price", "'cheap'"}});
  CHECK(id == "type.update_value");
  CHECK_THAT(message, Catch::Contains("float") && Catch::Contains("str"));
  std::tie(id, message) = update_error(all, {{"name", "None"}});
  CHECK(id == "type.update_value");
  CHECK_THAT(message, Catch::Contains("required"));
  std::tie(id, message) = update_error(all, {{"name", "p.category.name"}});
  CHECK(id == "unsupported.update_value");
  CHECK_THAT(message, Catch::Contains("^"));
  std::tie(id, message) = update_error(all, {{"price", "1"}, {"price", "2"}});
  CHECK(id == "type.update_twice");
  std::tie(id, message) = update_error("p.name for p in Product", {{"price", "1"}});
  CHECK(id == "type.update_result");
  std::tie(id, message) = update_error(all, {});
  CHECK(id == "type.update_result");
  std::tie(id, message) = update_error(all, {{"price=1", "2"}});
  CHECK(id == "query.update");
  std::tie(id, message) = update_error(all, {{"price", "p.price +"}});
  CHECK_THAT(id, Catch::StartsWith("syntax."));
  // Nothing was changed by any of them.
  CHECK(price_of("Hammer") == 5.0);
}
