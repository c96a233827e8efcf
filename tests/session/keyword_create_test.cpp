// create() with keywords (PonyORM's Entity(a=1)) for each kind of attribute and each wrong kind
// of value, and objects that no session made kept with entity_ptr.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <vector>

using namespace session_test;

TEST_CASE("a reference keyword takes an object, a const object, a key or None", "[create]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    const Category& toys = Category::at(2);  // a const object stands for its key
    auto& drum =
        Product::create({{"name", "Drum"}, {"price", 1.0}, {"sku", "D-1"}, {"category", toys}});
    CHECK(drum.category == Category::at(2));
    auto& flute = Product::create(
        {{"name", "Flute"}, {"price", 2.0}, {"sku", "F-1"}, {"category", std::nullopt}});
    CHECK(flute.category.get() == nullptr);
  }
  CHECK(t.count("Product", "category IS NULL") == 1);
  CHECK(t.count("Product", "category = 2") == 4);
}

TEST_CASE("a keyword of the wrong kind names the attribute and what it takes, and makes nothing",
          "[create]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    const Tag& sale = Tag::at(1);
    CHECK_THROWS_WITH(Product::create({{"category", sale}}),
                      "value.wrong_type: Product.category takes a Category");
    CHECK_THROWS_WITH(Product::create({{"category", std::vector<param_value>{1}}}),
                      "value.wrong_type: Product.category takes a Category or its key");
    CHECK_THROWS_WITH(Product::create({{"tags", 1}}),
                      "value.wrong_type: Product.tags takes a list of Tag");
    CHECK_THROWS_WITH(Product::create({{"tags", std::vector<param_value>{std::nullopt}}}),
                      "value.wrong_type: Product.tags takes a list of Tag");
    CHECK_THROWS_WITH(Product::create({{"price", std::vector<param_value>{1.0}}}),
                      "value.wrong_type: Product.price takes a float value");
  }
  CHECK(t.count("Product") == 6);
}

TEST_CASE("the implicit id is a keyword too: a key of one's own, or None for a generated one",
          "[create]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& chosen = Ticket::create({{"id", 40}});
    CHECK(chosen.key() == value{40});
    auto& generated = Ticket::create({{"id", std::nullopt}});
    CHECK(generated.key().is_null());
  }
  CHECK(t.count("Ticket") == 2);
  CHECK(t.count("Ticket", "id = 40") == 1);
}

TEST_CASE("an Opt keyword of None leaves the attribute without a value", "[create]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& p = Product::create(
        {{"name", "Drum"}, {"price", 1.0}, {"sku", "D-1"}, {"stock", std::nullopt}});
    CHECK_FALSE(p.stock.has_value());
  }
  CHECK(t.count("Product", "stock IS NULL") == 1);
}

TEST_CASE("an object that no session made cannot be kept in an entity_ptr", "[create]") {
  Product loose;
  CHECK_THROWS_WITH(entity_ptr<Product>{loose},
                    "object.detached: an object that no db_session made: create objects with "
                    "E::create()");
}

TEST_CASE("a bool keyword takes an integer as Python's truth, as PonyORM's Customer(vip=1)",
          "[create]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& ann = Customer::create({{"email", "ann@example.com"}, {"vip", 1}});
    auto& bob = Customer::create({{"email", "bob@example.com"}, {"vip", 0}});
    auto& cid = Customer::create({{"email", "cid@example.com"}, {"vip", -7}});
    CHECK(ann.vip == true);
    CHECK(bob.vip == false);
    CHECK(cid.vip == true);
    CHECK_THROWS_WITH(Customer::create({{"email", "dan@example.com"}, {"vip", "yes"}}),
                      Catch::Contains("value.wrong_type: Customer.vip"));
  }
  CHECK(t.count("Customer") == 3);
}
