#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace session_test;

namespace {

// Creates one product (and its category when given) in the current session.
Product& make_product(const std::string& name, double price, const std::string& sku,
                      Category* category = nullptr) {
  auto& p = Product::create();
  p.name = name;
  p.price = price;
  p.sku = sku;
  if (category != nullptr) p.category = *category;
  return p;
}

}  // namespace

TEST_CASE("objects created in a session are inserted on commit and get their keys", "[session]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& p = make_product("Widget", 9.5, "W-1");
    CHECK(p.key().is_null());
    CHECK(p.state() == object_state::created);
    session.flush();
    CHECK(p.key() == value{1});
    CHECK(p.state() == object_state::clean);
  }
  CHECK(t.scalar("SELECT name FROM " + t.table("Product")) == value{"Widget"});
  CHECK(t.scalar("SELECT price FROM " + t.table("Product"), value_type::real) == value{9.5});
  CHECK(t.scalar("SELECT product_sku FROM " + t.table("Product")) == value{"W-1"});
}

TEST_CASE("an exception ending the session rolls everything back", "[session]") {
  temp_database t;
  try {
    db_session session{t.db};
    make_product("Widget", 9.5, "W-1");
    session.flush();  // written, but not committed
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  CHECK(t.count("Product") == 0);
}

TEST_CASE("a failing commit rolls back, throws, and loses nothing committed before", "[session]") {
  temp_database t;
  {
    db_session session{t.db};
    make_product("Widget", 9.5, "W-1");
  }
  auto duplicate = [&] {
    db_session session{t.db};
    make_product("Other", 1, "O-1");
    make_product("Clash", 2, "W-1");  // the unique sku again
  };
  CHECK_THROWS_AS(duplicate(), integrity_error);
  CHECK(t.count("Product") == 1);
  CHECK(t.scalar("SELECT name FROM " + t.table("Product")) == value{"Widget"});
}

TEST_CASE("a required attribute without a value fails the flush and names it", "[session]") {
  temp_database t;
  auto missing = [&] {
    db_session session{t.db};
    auto& p = Product::create();
    p.name = "No price";
    p.sku = "N-1";
  };
  CHECK_THROWS_WITH(missing(),
                    "object.required: attribute Product.price is required but has no value; set "
                    "it before the session flushes");
  CHECK(t.count("Product") == 0);
}

TEST_CASE("a missing Opt string is stored as '' like PonyORM, a missing Opt int as NULL",
          "[session]") {
  temp_database t;
  {
    db_session session{t.db};
    make_product("Widget", 9.5, "W-1");
  }
  CHECK(t.scalar("SELECT summary FROM " + t.table("Product")) == value{""});
  CHECK(t.scalar("SELECT stock FROM " + t.table("Product")).is_null());
  db_session session{t.db};
  auto& p = Product::at(1);
  CHECK(p.summary.has_value());
  CHECK(p.summary.get().empty());
  CHECK_FALSE(p.stock.has_value());
  CHECK_THROWS_WITH(p.stock.get(),
                    "object.no_value: attribute Product.stock has no value; check "
                    "has_value() or read it with value_or()");
}

TEST_CASE("at() finds by primary key, one object per row, and names what is missing", "[session]") {
  temp_database t;
  {
    db_session session{t.db};
    make_product("Widget", 9.5, "W-1");
  }
  db_session session{t.db};
  Product& a = Product::at(1);
  Product& b = Product::at(1);
  CHECK(&a == &b);
  CHECK(a.name.get() == "Widget");
  CHECK_THROWS_AS(Product::at(2), object_not_found);
  CHECK_THROWS_WITH(Product::at(2), "lookup.not_found: Product[2] does not exist");
}

TEST_CASE("changed objects are updated, removed objects deleted", "[session]") {
  temp_database t;
  {
    db_session session{t.db};
    make_product("Widget", 9.5, "W-1");
    make_product("Gadget", 20, "G-1");
  }
  {
    db_session session{t.db};
    Product::at(1).price = 11.0;
    Product::at(2).remove();
  }
  CHECK(t.count("Product") == 1);
  CHECK(t.scalar("SELECT price FROM " + t.table("Product"), value_type::real) == value{11.0});
}

TEST_CASE("string primary keys and boolean values round-trip", "[session]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& c = Customer::create();
    c.email = "ann@example.com";
    c.vip = true;
  }
  db_session session{t.db};
  auto& c = Customer::at("ann@example.com");
  CHECK(c.vip.get());
  CHECK(c.key() == value{"ann@example.com"});
}

TEST_CASE("a to-one reference loads lazily and keeps the reverse Set in step",
          "[session][relations]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& tools = Category::create();
    tools.name = "tools";
    make_product("Hammer", 12, "H-1", &tools);
    auto& saw = make_product("Saw", 30, "S-1");
    tools.products.add(saw);  // the one-to-many side sets saw.category
    CHECK(saw.category.get() == &tools);
    CHECK(tools.products.size() == 2);
  }
  CHECK(t.count("Product", "category = 1") == 2);
  db_session session{t.db};
  auto& hammer = Product::at(1);
  REQUIRE(hammer.category);
  CHECK(hammer.category->name.get() == "tools");
  auto& tools = *hammer.category;
  CHECK(tools.products.size() == 2);
  CHECK(tools.products.contains(hammer));
  tools.products.remove(hammer);  // optional reference: becomes NULL
  CHECK_FALSE(hammer.category);
  session.commit();
  CHECK(t.scalar("SELECT category FROM " + t.table("Product") + " WHERE id = 1").is_null());
}

TEST_CASE("many-to-many adds and removes write join rows on both sides", "[session][relations]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& sale = Tag::create();
    sale.name = "sale";
    auto& p = make_product("Widget", 9.5, "W-1");
    p.tags.add(sale);
    CHECK(sale.products.contains(p));
  }
  CHECK(t.count("Product_Tag", "product = 1 AND tag = 1") == 1);
  {
    db_session session{t.db};
    auto& sale = Tag::at(1);
    REQUIRE(sale.products.size() == 1);
    Product& p = *sale.products.begin();
    CHECK(p.name.get() == "Widget");
    CHECK(p.tags.contains(sale));
    sale.products.remove(p);
    CHECK_FALSE(p.tags.contains(sale));
  }
  CHECK(t.count("Product_Tag") == 0);
}

TEST_CASE("removing a parent deletes children of a required reference and join rows",
          "[session][relations]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& ann = Customer::create();
    ann.email = "ann@example.com";
    ann.vip = false;
    for (double total : {1.0, 2.0}) {
      auto& o = Order::create();
      o.total = total;
      o.customer = ann;
    }
    auto& sale = Tag::create();
    sale.name = "sale";
    make_product("Widget", 9.5, "W-1").tags.add(sale);
  }
  {
    db_session session{t.db};
    Customer::at("ann@example.com").remove();
    Tag::at(1).remove();
  }
  CHECK(t.count("Order") == 0);
  CHECK(t.count("Customer") == 0);
  CHECK(t.count("Product_Tag") == 0);
  CHECK(t.count("Product") == 1);
}

TEST_CASE("removing from a Set whose reverse is required deletes the item (PonyORM's cascade)",
          "[session][relations]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& ann = Customer::create();
    ann.email = "ann@example.com";
    ann.vip = false;
    auto& o = Order::create();
    o.total = 1;
    o.customer = ann;
    session.commit();
    ann.orders.remove(o);
    CHECK(o.state() == object_state::deleted);
    CHECK(ann.orders.size() == 0);
  }
  CHECK(t.count("Order") == 0);
  CHECK(t.count("Customer") == 1);
}

TEST_CASE("a nested session for the same database is the outer one", "[session]") {
  temp_database t;
  db_session outer{t.db};
  {
    db_session inner{t.db};
    make_product("Widget", 9.5, "W-1");
  }
  CHECK(t.count("Product") == 0);  // not committed by the inner one
  outer.commit();
  CHECK(t.count("Product") == 1);
}

TEST_CASE("flush, commit and rollback of a nested session are left to the outer one", "[session]") {
  temp_database t;
  db_session outer{t.db};
  make_product("Widget", 9.5, "W-1");
  {
    db_session inner{t.db};
    inner.flush();
    inner.commit();
    inner.rollback();
  }
  CHECK(t.count("Product") == 0);  // nothing written, and nothing dropped either
  outer.commit();
  CHECK(t.count("Product") == 1);
}

TEST_CASE("using entities outside a session is a clear error", "[session]") {
  temp_database t;
  CHECK_THROWS_WITH(Product::create(),
                    "session.none: this needs a db_session: open one first, e.g. "
                    "nextorm::db_session session{db};");
}

TEST_CASE("rollback() drops pending changes and the session goes on", "[session]") {
  temp_database t;
  db_session session{t.db};
  make_product("Widget", 9.5, "W-1");
  session.rollback();
  make_product("Gadget", 1, "G-1");
  session.commit();
  CHECK(t.count("Product") == 1);
  CHECK(t.scalar("SELECT name FROM " + t.table("Product")) == value{"Gadget"});
}

TEST_CASE("a one-to-one reference is stored on one side and read from both",
          "[session][relations]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& ann = Customer::create();
    ann.email = "ann@example.com";
    ann.vip = true;
    auto& card = Card::create();
    card.number = "4111";
    ann.card = card;  // the column side (Card.holder) follows
    CHECK(card.holder.get() == &ann);
  }
  CHECK(t.count("Card", "holder = 'ann@example.com'") == 1);
  {
    db_session session{t.db};
    auto& ann = Customer::at("ann@example.com");
    REQUIRE(ann.card);
    CHECK(ann.card->number.get() == "4111");
    CHECK(ann.card->holder.get() == &ann);
  }
  {
    db_session session{t.db};
    auto& bob = Customer::create();
    bob.email = "bob@example.com";
    bob.vip = false;
    Card::at(1).holder = bob;
    CHECK(bob.card.get() == &Card::at(1));
  }
  CHECK(t.count("Card", "holder = 'bob@example.com'") == 1);
}

TEST_CASE("an entity with nothing but its generated key can be inserted", "[session]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& first = Ticket::create();
    auto& second = Ticket::create();
    session.flush();
    CHECK(first.key() == value{1});
    CHECK(second.key() == value{2});
  }
  CHECK(t.count("Ticket") == 2);
}

// The same C++ entity in two databases is two entities: a relation takes only its own.
TEST_CASE("a relation refuses an object of another database's entity and names both",
          "[session][relations]") {
  temp_database a;
  temp_database b;
  db_session outer{a.db};
  auto& tools = Category::create();
  tools.name = "tools";
  {
    db_session inner{b.db};
    auto& p = make_product("Widget", 9.5, "W-1");
    CHECK_THROWS_AS(p.category = tools, usage_error);
    CHECK_THROWS_WITH(p.category = tools,
                      "relation.wrong_entity: attribute Product.category refers to Category "
                      "objects of its own database, not of another");
    CHECK_THROWS_WITH(tools.products.add(p),
                      "relation.wrong_entity: attribute Category.products holds Product "
                      "objects of its own database, not of another");
    // Nothing changed on either side.
    CHECK_FALSE(p.category);
    CHECK(tools.products.is_empty());
  }
  CHECK(b.count("Product", "category IS NULL") == 1);
}

namespace {

// Two relations between the same pair, both required on the column side: new objects pointing
// at each other through both cannot be inserted in any order.
struct Egg;
struct Hen : entity<Hen> {
  Req<std::string> name{"name"};
  Single<Egg> hatched_from{"hatched_from", reverse{"hatched"}};
  Set<Egg> laid{"laid", reverse{"mother"}};
};
struct Egg : entity<Egg> {
  Single<Hen> mother{"mother", reverse{"laid"}};
  Set<Hen> hatched{"hatched", reverse{"hatched_from"}};
};

}  // namespace

TEST_CASE("new objects whose required references form a cycle fail the flush by name",
          "[session][relations]") {
  const std::string url = nextorm::testing::fresh_database_url("flush_cycle");
  {
    database db{url};
    db.generate_mapping<Hen, Egg>({.create_tables = true});
    db_session session{db};
    auto& hen = Hen::create();
    hen.name = "Henny";
    auto& egg = Egg::create();
    egg.mother = hen;
    hen.hatched_from = egg;
    CHECK_THROWS_WITH(session.flush(),
                      "flush.cycle: objects of Hen refer to each other in a "
                      "cycle; save one side first");
    // A failed flush rolled the session back: nothing is left to write.
    CHECK_NOTHROW(session.flush());
    CHECK(Hen::select().count() == 0);
    CHECK(Egg::select().count() == 0);
  }
  nextorm::testing::discard_database(url);
}

TEST_CASE("an object removed in the session that created it is never inserted, nor its links",
          "[session][relations]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& tools = Category::create();
    tools.name = "tools";
    auto& sale = Tag::create();
    sale.name = "sale";
    auto& widget = make_product("Widget", 9.5, "W-1", &tools);
    widget.tags.add(sale);
    auto& saw = make_product("Saw", 30, "S-1", &tools);
    saw.tags.add(sale);
    widget.remove();
    CHECK(widget.state() == object_state::deleted);
    // It left both collections at once.
    CHECK(tools.products.size() == 1);
    CHECK(tools.products.contains(saw));
    CHECK(sale.products.size() == 1);
    CHECK_FALSE(sale.products.contains(widget));
    CHECK(saw.tags.contains(sale));
  }
  CHECK(t.count("Product") == 1);
  CHECK(t.scalar("SELECT name FROM " + t.table("Product")) == value{"Saw"});
  CHECK(t.count("Category") == 1);
  CHECK(t.count("Tag") == 1);
  CHECK(t.count("Product_Tag") == 1);  // saw's link only: widget's pending one was dropped
}

TEST_CASE(
    "removing a parent clears its children's optional references and deletes those of a "
    "required one",
    "[session][relations]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& tools = Category::create();
    tools.name = "tools";
    make_product("Hammer", 12, "H-1", &tools);
    make_product("Saw", 30, "S-1", &tools);
    make_product("Loose", 1, "L-1");
    auto& ann = Customer::create();
    ann.email = "ann@example.com";
    ann.vip = false;
    auto& order = Order::create();
    order.total = 3;
    order.customer = ann;
  }
  {
    db_session session{t.db};
    auto& hammer = Product::at(1);
    auto& order = Order::at(1);
    auto& tools = Category::at(1);
    auto& ann = Customer::at("ann@example.com");
    // Optional (Product.category): the child stays, without its parent, to be updated. (Checked
    // at once: loading a collection flushes, and the states with it.)
    tools.remove();
    CHECK_FALSE(hammer.category);
    CHECK(hammer.state() == object_state::modified);
    // Required (Order.customer): the child goes with its parent.
    ann.remove();
    CHECK(order.state() == object_state::deleted);
    CHECK_FALSE(hammer.category);
  }
  CHECK(t.count("Category") == 0);
  CHECK(t.count("Product") == 3);
  CHECK(t.count("Product", "category IS NULL") == 3);
  CHECK(t.count("Customer") == 0);
  CHECK(t.count("Order") == 0);
}

TEST_CASE("a session goes on after generate_mapping() runs again while it is open", "[session]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  CHECK(Product::at(1).name == "Hammer");  // the session keeps Product's statements at hand
  // Mapping again rebuilds the database's statements: the session must not use the old ones.
  t.db.generate_mapping();
  CHECK(Product::at(2).name == "Saw");
  auto& kite = Product::at(5);
  kite.price = 26.0;
  session.commit();
  CHECK(t.count("Product", "price = 26") == 1);
}
