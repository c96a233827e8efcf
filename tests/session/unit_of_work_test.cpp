// The unit of work in the orders users write that session_test.cpp does not: objects created
// before what they refer to, changes undone by remove(), many-to-many changes that cancel out,
// one-to-one references moved and removed, references to objects with string keys.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <iterator>
#include <sstream>

using namespace session_test;

namespace {

Customer& customer(const std::string& email) {
  auto& c = Customer::create();
  c.email = email;
  c.vip = false;
  return c;
}

Card& card(const std::string& number, Customer& holder) {
  auto& k = Card::create();
  k.number = number;
  k.holder = holder;
  return k;
}

// A one-to-one optional on both sides: Passport, whose name sorts first, holds the column.
struct Person;
struct Passport : entity<Passport> {
  Req<std::string> number{"number"};
  Single<Person> owner{"owner", optional};
};
struct Person : entity<Person> {
  Req<std::string> name{"name"};
  Single<Passport> passport{"passport", optional};
};

}  // namespace

TEST_CASE("an object removed from an optional one-to-one leaves its partner without it",
          "[unit_of_work]") {
  const std::string url = nextorm::testing::fresh_database_url("uow_passport");
  {
    database db;
    db.bind(url);
    db.generate_mapping<Passport, Person>({.create_tables = true});
    {
      db_session session{db};
      auto& ann = Person::create({{"name", "Ann"}});
      auto& passport = Passport::create({{"number", "P-1"}});
      passport.owner = ann;
    }
    {
      db_session session{db};
      Person::at(1).remove();
      CHECK(Passport::at(1).owner.get() == nullptr);
    }
    db_session session{db};
    CHECK(Person::select().count() == 0);
    CHECK(Passport::at(1).owner.get() == nullptr);  // its column written as NULL
  }
  nextorm::testing::discard_database(url);
}

TEST_CASE("an object created before the object it refers to is inserted after it",
          "[unit_of_work]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& drum = Product::create({{"name", "Drum"}, {"price", 3.0}, {"sku", "D-1"}});
    auto& music = Category::create({{"name", "music"}});
    drum.category = music;
  }
  CHECK(t.count("Category") == 1);
  CHECK(t.count("Product", "category = 1") == 1);
}

TEST_CASE("an object changed and then removed is deleted, and a second remove() does nothing",
          "[unit_of_work]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    Product& saw = Product::at(2);
    saw.price = 99.0;
    saw.remove();
    saw.remove();
    CHECK(saw.state() == object_state::deleted);
  }
  CHECK(t.count("Product") == 5);
  CHECK(t.count("Product", "price = 99") == 0);
}

TEST_CASE("a removed object refuses changes and collections, and the session's other work stays",
          "[unit_of_work]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    (void)Category::create({{"name", "garden"}});
    Product& saw = Product::at(2);
    Category& toys = Category::at(2);
    Tag& sale = Tag::at(1);
    saw.remove();
    const std::string removed =
        "object.removed: Product[2] was removed in this session: it cannot change";
    CHECK_THROWS_WITH(saw.price = 1.0, Catch::StartsWith(removed));
    CHECK_THROWS_WITH(saw.summary = std::nullopt, Catch::StartsWith(removed));
    CHECK_THROWS_WITH(saw.category = toys, Catch::StartsWith(removed));
    CHECK_THROWS_WITH(saw.tags.add(sale), Catch::StartsWith(removed));
    CHECK_THROWS_WITH(sale.products.add(saw), Catch::StartsWith(removed));
    CHECK_THROWS_WITH(toys.products.add(saw), Catch::StartsWith(removed));
    // Assigning what it holds is no change.
    saw.category = saw.category.get();
    CHECK(saw.state() == object_state::deleted);
  }
  CHECK(t.count("Product") == 5);
  CHECK(t.count("Category", "name = 'garden'") == 1);
  CHECK(t.count("Product", "price = 1") == 0);
}

TEST_CASE("a product removed leaves its category's loaded products", "[unit_of_work]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    Product& saw = Product::at(2);
    Category& tools = *saw.category;  // loaded: the reference holds its target
    CHECK(tools.products.size() == 3);
    saw.remove();
    std::vector<std::string> left;
    for (const Product& p : tools.products) left.push_back(p.name);
    CHECK(left == std::vector<std::string>{"Hammer", "Wrench"});
  }
  CHECK(t.count("Product") == 5);
}

TEST_CASE("a loop over a set sees the items it began with, whatever the loop changes",
          "[unit_of_work]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    Category& tools = Category::at(1);
    Category& toys = Category::at(2);
    // Creating items of the set in the loop (which grows the set's storage under it).
    std::vector<std::string> seen;
    for (Product& p : tools.products) {
      seen.push_back(p.name);
      for (int i = 0; i < 40; ++i) {
        (void)Product::create({{"name", p.name.get() + std::to_string(i)},
                               {"price", 1.0},
                               {"sku", p.name.get() + "-" + std::to_string(i)},
                               {"category", tools}});
      }
    }
    CHECK(seen == std::vector<std::string>{"Hammer", "Saw", "Wrench"});
    CHECK(tools.products.size() == 123);
    // Removing every item in the loop, as PonyORM's loop over the set's copy does.
    int turns = 0;
    for (Product& p : toys.products) {
      toys.products.remove(p);
      ++turns;
    }
    CHECK(turns == 3);
    CHECK(toys.products.is_empty());
    // An iterator used by hand: copies share the items they began with, end() is past them.
    auto it = tools.products.begin();
    const auto copy = it++;
    CHECK(copy != it);
    const auto again = it;
    CHECK(again == it);
    CHECK(copy->name.get() == "Hammer");
    CHECK((*it).name.get() == "Saw");
    CHECK_FALSE(it == std::next(tools.products.begin()));  // another loop's items
    CHECK(std::distance(tools.products.begin(), tools.products.end()) == 123);
    CHECK(Set<Product>::iterator{} == toys.products.end());
    CHECK(toys.products.begin() == toys.products.end());
    session.rollback();
  }
}

TEST_CASE("adding a tag twice writes one join row; removing one that is not there writes none",
          "[unit_of_work]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    Product& saw = Product::at(2);
    Tag& sale = Tag::at(1);
    auto& fresh = Tag::create({{"name", "fresh"}});
    saw.tags.add(sale);
    saw.tags.add(sale);
    saw.tags.remove(fresh);
    CHECK(saw.tags.size() == 1);
  }
  CHECK(t.count("Product_Tag") == 4);
  CHECK(t.count("Tag") == 2);
}

TEST_CASE("a new tag added to a stored product and removed again leaves no row at all",
          "[unit_of_work]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    Product& saw = Product::at(2);
    auto& fresh = Tag::create({{"name", "fresh"}});
    saw.tags.add(fresh);
    fresh.remove();
    CHECK(saw.tags.is_empty());
  }
  CHECK(t.count("Tag") == 1);
  CHECK(t.count("Product_Tag") == 3);
}

TEST_CASE("a stored product removed after a new tag was added to it leaves the tag and no join row",
          "[unit_of_work]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    Product& saw = Product::at(2);
    auto& fresh = Tag::create({{"name", "fresh"}});
    saw.tags.add(fresh);
    saw.remove();
    CHECK(fresh.products.is_empty());
  }
  CHECK(t.count("Product") == 5);
  CHECK(t.count("Tag") == 2);
  CHECK(t.count("Product_Tag") == 3);
}

TEST_CASE("a customer without a card has none on the side without the column", "[unit_of_work]") {
  temp_database t;
  {
    db_session session{t.db};
    (void)customer("ann@example.com");
  }
  db_session session{t.db};
  Customer& ann = Customer::at("ann@example.com");
  CHECK(ann.card.get() == nullptr);
  CHECK_FALSE(ann.card);
}

TEST_CASE("two customers swap their cards from the side without the column", "[unit_of_work]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& ann = customer("ann@example.com");
    auto& bob = customer("bob@example.com");
    (void)card("1111", ann);
    (void)card("2222", bob);
  }
  {
    db_session session{t.db};
    Customer& ann = Customer::at("ann@example.com");
    Customer& bob = Customer::at("bob@example.com");
    Card& first = *ann.card;
    Card& second = *bob.card;
    ann.card = second;  // the first card has no holder now (and bob no card)
    CHECK(first.holder.get() == nullptr);
    CHECK(second.holder.get() == &ann);
    first.holder = bob;
    CHECK(bob.card.get() == &first);
    CHECK(ann.card.get() == &second);
  }
  CHECK(t.count("Card", "holder = 'ann@example.com' AND number = '2222'") == 1);
  CHECK(t.count("Card", "holder = 'bob@example.com' AND number = '1111'") == 1);
}

TEST_CASE("two customers swap their cards from the side with the column", "[unit_of_work]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& ann = customer("ann@example.com");
    auto& bob = customer("bob@example.com");
    (void)card("1111", ann);
    (void)card("2222", bob);
  }
  {
    db_session session{t.db};
    Customer& ann = Customer::at("ann@example.com");
    Customer& bob = Customer::at("bob@example.com");
    Card& first = *ann.card;
    Card& second = *bob.card;
    first.holder = bob;  // bob's card so far has no holder now (and ann no card)
    CHECK(second.holder.get() == nullptr);
    CHECK(bob.card.get() == &first);
    second.holder = ann;
    CHECK(ann.card.get() == &second);
  }
  CHECK(t.count("Card", "holder = 'ann@example.com' AND number = '2222'") == 1);
  CHECK(t.count("Card", "holder = 'bob@example.com' AND number = '1111'") == 1);
}

TEST_CASE("a removed card is no customer's card any more", "[unit_of_work]") {
  temp_database t;
  {
    db_session session{t.db};
    (void)card("1111", customer("ann@example.com"));
  }
  {
    db_session session{t.db};
    Customer& ann = Customer::at("ann@example.com");
    Card& first = *ann.card;
    first.remove();
    CHECK(ann.card.get() == nullptr);
  }
  CHECK(t.count("Card") == 0);
  CHECK(t.count("Customer") == 1);
}

TEST_CASE("a reference to an object with a string key is kept through updates and reassigned",
          "[unit_of_work]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& order = Order::create();
    order.total = 10.0;
    order.customer = customer("ann@example.com");
    (void)customer("bob@example.com");
  }
  {
    db_session session{t.db};
    Order::at(1).total = 12.0;  // the customer is not loaded: its stored key is written back
  }
  CHECK(t.count("Order", "customer = 'ann@example.com' AND total = 12") == 1);
  {
    db_session session{t.db};
    Order& order = Order::at(1);
    Customer& bob = Customer::at("bob@example.com");  // at() flushes: before the gap below
    order.customer = nullptr;
    CHECK(order.customer.get() == nullptr);
    order.customer = bob;
  }
  CHECK(t.count("Order", "customer = 'bob@example.com'") == 1);
}

TEST_CASE("a loaded reference prints its target, and show() lists it by key", "[unit_of_work]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  Product& hammer = Product::at(1);
  CHECK(hammer.category->name == "tools");
  std::ostringstream printed;
  printed << hammer.category;
  CHECK(printed.str() == "Category[1]");
  std::ostringstream shown;
  select<Product>("p for p in Product if p.name == 'Hammer'").show(shown);
  CHECK(shown.str() ==
        "id|name  |price|sku|summary|stock|category\n"
        "--+------+-----+---+-------+-----+-----------\n"
        "1 |Hammer|5.0  |S-1|       |None |Category[1]\n");
}

TEST_CASE("at() of None finds nothing", "[unit_of_work]") {
  temp_database t;
  db_session session{t.db};
  CHECK_THROWS_WITH(Product::at(value{}), "lookup.not_found: Product[None] does not exist");
}

TEST_CASE("at() takes a key as the key attribute takes a value: its type, stripped",
          "[unit_of_work]") {
  temp_database t;
  {
    db_session session{t.db};
    (void)Customer::create({{"email", "  ann@example.com "}, {"vip", true}});  // autostrip
  }
  db_session session{t.db};
  CHECK(Customer::at(" ann@example.com\t").email == "ann@example.com");
  CHECK(&Customer::at("ann@example.com") == &Customer::at("  ann@example.com"));
  CHECK_THROWS_WITH(Product::at("abc"),
                    "value.wrong_type: Product[...]: Product.id is int, not str 'abc'");
  CHECK_THROWS_WITH(Customer::at(7),
                    "value.wrong_type: Customer[...]: Customer.email is str, "
                    "not int 7");
  CHECK_THROWS_WITH(Customer::at(std::string(101, 'x')), Catch::StartsWith("value.too_long"));
  CHECK_THROWS_WITH(Customer::at("missing@example.com"), Catch::StartsWith("lookup.not_found"));
  CHECK_THROWS_WITH(Product::at(42), "lookup.not_found: Product[42] does not exist");
}

TEST_CASE("a new object without its string key fails the flush by name", "[unit_of_work]") {
  temp_database t;
  db_session session{t.db};
  auto& nobody = Customer::create();
  nobody.vip = true;
  CHECK_THROWS_WITH(session.flush(),
                    "object.required: attribute Customer.email is required but has no value; set "
                    "it before the session flushes");
  session.rollback();
}

TEST_CASE("a new object of a session that rolled back refuses changes", "[unit_of_work]") {
  temp_database t;
  db_session session{t.db};
  entity_ptr<Product> drum = Product::create();  // kept beyond the rollback
  session.rollback();
  CHECK_THROWS_WITH(drum->name = "Drum",
                    "session.over: Product[new] belongs to a db_session that has ended: its "
                    "loaded attributes stay readable, but changes, lazy loads and remove() need a "
                    "session (load the object again in a new db_session)");
}

// The same two cases with the product's tags loaded first, so that the new tag is still new
// (not flushed by the load) when it is added.
TEST_CASE("a new tag added to a loaded collection and removed again leaves no row at all",
          "[unit_of_work]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    Product& saw = Product::at(2);
    CHECK(saw.tags.is_empty());
    auto& fresh = Tag::create({{"name", "fresh"}});
    saw.tags.add(fresh);
    fresh.remove();
    CHECK(saw.tags.is_empty());
  }
  CHECK(t.count("Tag") == 1);
  CHECK(t.count("Product_Tag") == 3);
}

TEST_CASE("a product removed after a new tag was added to its loaded tags leaves the tag alone",
          "[unit_of_work]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    Product& saw = Product::at(2);
    CHECK(saw.tags.is_empty());
    auto& fresh = Tag::create({{"name", "fresh"}});
    saw.tags.add(fresh);
    saw.remove();
    CHECK(fresh.products.is_empty());
  }
  CHECK(t.count("Product") == 5);
  CHECK(t.count("Tag") == 2);
  CHECK(t.count("Product_Tag") == 3);
}
