// Objects and the end of their db_session, as PonyORM defines it: what was loaded stays
// readable, a change, a lazy load or remove() is refused with session.over; results and
// entity_ptr keep their objects alive; objects of two sessions never mix.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <sstream>

using namespace session_test;

namespace {

const char* over(const std::string& object) {
  static std::string text;
  text = "session.over: " + object +
         " belongs to a db_session that has ended: its loaded attributes stay readable, but "
         "changes, lazy loads and remove() need a session (load the object again in a new "
         "db_session)";
  return text.c_str();
}

}  // namespace

TEST_CASE("a result kept beyond its session keeps its loaded attributes readable", "[lifetime]") {
  temp_database t;
  fill_shop(t);
  result<Product> cheap;
  {
    db_session session{t.db};
    cheap = select<Product>("p for p in Product if p.price < 12").order_by("p.price").fetch();
    REQUIRE(cheap.size() == 2);
    CHECK(cheap[0].category->name == "tools");  // the reference loaded inside the session
  }
  CHECK(cheap[0].name == "Hammer");
  CHECK(cheap[1].price == 10.0);
  CHECK(cheap[0].category->name == "tools");
  CHECK(cheap[0].key() == value{1});
  CHECK(cheap[1].summary == "");  // PonyORM's '' for a missing str that is not nullable
  CHECK_FALSE(cheap[1].stock.has_value());
}

TEST_CASE("after its session an object refuses changes, lazy loads and remove()", "[lifetime]") {
  temp_database t;
  fill_shop(t);
  result<Product> all;
  {
    db_session session{t.db};
    all = select<Product>("p for p in Product if p.name == 'Saw'").fetch();
  }
  Product& saw = all[0];
  CHECK_THROWS_WITH(saw.name = "x", over("Product[2]"));
  CHECK(saw.name == "Saw");                                   // unchanged by the refused assignment
  CHECK_THROWS_WITH(saw.tags.size(), over("Product[2]"));     // never loaded: a lazy load
  CHECK_THROWS_WITH(saw.category.get(), over("Product[2]"));  // its target was never loaded
  CHECK_THROWS_WITH(saw.remove(), over("Product[2]"));
  CHECK_THROWS_WITH(saw.summary.reset(), over("Product[2]"));
  CHECK(saw.state() == object_state::clean);
}

TEST_CASE("a collection loaded in the session stays readable after it, and refuses changes",
          "[lifetime]") {
  temp_database t;
  fill_shop(t);
  entity_ptr<Category> tools;
  {
    db_session session{t.db};
    tools = *Category::get({{"name", "tools"}});
    CHECK(tools->products.size() == 3);
  }
  CHECK(tools->products.size() == 3);
  std::vector<std::string> names;
  for (const Product& p : tools->products) names.push_back(p.name);
  CHECK(names.size() == 3);
  Product& first = *tools->products.begin();
  CHECK_THROWS_WITH(tools->products.remove(first), over("Category[1]"));
  CHECK_THROWS_WITH(first.category = *tools,
                    over(first.info().name + "[" + first.key().repr() + "]"));
  CHECK(tools->products.size() == 3);
}

TEST_CASE("entity_ptr keeps an object alive after its session, and compares like a pointer",
          "[lifetime]") {
  temp_database t;
  fill_shop(t);
  entity_ptr<Product> kept;
  entity_ptr<Product> none;
  CHECK_FALSE(none);
  CHECK(none == nullptr);
  {
    db_session session{t.db};
    Product& kite = *Product::get({{"name", "Kite"}});
    kept = kite;
    CHECK(kept.get() == &kite);
    CHECK(entity_ptr<Product>{Product::get({{"name", "nothing"}})} == nullptr);
  }
  REQUIRE(kept);
  CHECK(kept->name == "Kite");
  CHECK((*kept).price == 25.0);
  entity_ptr<Product> copy = kept;
  kept.reset();
  CHECK(copy->name == "Kite");  // the copy still holds it (ASan: no use after free)
  CHECK_THROWS_WITH(copy->price = 1.0, over("Product[5]"));
}

TEST_CASE("objects held beyond the session outlive their database too", "[lifetime]") {
  auto t = std::make_unique<temp_database>();
  fill_shop(*t);
  result<std::tuple<Product, std::string>> rows;
  {
    db_session session{t->db};
    rows = select<std::tuple<Product, std::string>>(
               "(p, p.category.name) for p in Product if p.price > 26")
               .fetch();
  }
  t.reset();  // the database, its registry and its connections are gone
  REQUIRE(rows.size() == 1);
  CHECK(std::get<0>(rows[0])->name == "Yo-yo");
  CHECK(std::get<1>(rows[0]) == "toys");
  CHECK_THROWS_WITH(std::get<0>(rows[0])->name = "x", over("Product[6]"));
}

TEST_CASE("rollback() ends the objects loaded so far; the session goes on", "[lifetime]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  result<Product> before = select<Product>("p for p in Product if p.name == 'Ball'").fetch();
  before[0].price = 99.0;
  session.rollback();
  CHECK(before[0].price == 99.0);  // what the object held: the rollback did not reach it
  CHECK_THROWS_WITH(before[0].price = 1.0, over("Product[4]"));
  Product& again = *Product::get({{"name", "Ball"}});
  CHECK(&again != &before[0]);  // a new object, read again
  CHECK(again.price == 20.0);
  again.price = 21.0;  // the session goes on
}

TEST_CASE("an object of another session cannot be assigned or added", "[lifetime]") {
  temp_database t;
  fill_shop(t);
  entity_ptr<Category> toys;
  {
    db_session session{t.db};
    toys = *Category::get({{"name", "toys"}});
  }
  db_session session{t.db};
  Product& hammer = *Product::get({{"name", "Hammer"}});
  CHECK_THROWS_WITH(hammer.category = *toys, over("Category[2]"));
  Category& live_toys = Category::at(2);
  CHECK(&live_toys != toys.get());
  hammer.category = live_toys;  // this session's own object
  CHECK(hammer.category->name == "toys");
}

TEST_CASE("an object of a session that goes on cannot join another session's objects",
          "[lifetime]") {
  temp_database t;
  fill_shop(t);
  // Two sessions at once need two connections: not on SQLite in memory, fine on files.
  std::optional<db_session> first{std::in_place, t.db};
  Category& tools = *Category::get({{"name", "tools"}});
  // The same thread, the same database: a second db_session is ignored (PonyORM's rule).
  db_session nested{t.db};
  entity_ptr<Product> saw = Product::get({{"name", "Saw"}});  // kept beyond the session
  saw->category = tools;                                      // both belong to the outer session
  first.reset();
  CHECK_THROWS_WITH(saw->price = 1.0, over("Product[2]"));
}

// --- the result's type is checked against the query's before anything is read -------------

TEST_CASE("select<E> of a query that returns another entity is refused before any row is read",
          "[lifetime][result_type]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  CHECK_THROWS_WITH(select<Category>("p for p in Product").fetch(),
                    "query.result_type: the query returns Product, not Category: "
                    "'p for p in Product'");
  CHECK_THROWS_WITH(select<Category>("p for p in Product").first(),
                    "query.result_type: the query returns Product, not Category: "
                    "'p for p in Product'");
  CHECK_THROWS_WITH(select<Category>("p for p in Product").get(),
                    "query.result_type: the query returns Product, not Category: "
                    "'p for p in Product'");
  CHECK_THROWS_AS(select<Category>("p for p in Product").limit(1), usage_error);
  for (Category& c : select<Category>("c for c in Category")) CHECK(!c.name.get().empty());
}

TEST_CASE("a tuple or scalar result of the wrong types is refused with both shapes named",
          "[lifetime][result_type]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  CHECK_THROWS_WITH(
      (select<std::tuple<Category, std::string>>("(p, p.name) for p in Product").fetch()),
      "query.result_type: the query returns (Product, str), not (Category, str): "
      "'(p, p.name) for p in Product'");
  CHECK_THROWS_WITH(select<std::int64_t>("p.name for p in Product").fetch(),
                    "query.result_type: the query returns str, not int: "
                    "'p.name for p in Product'");
  CHECK_THROWS_WITH(select<Product>("p.name for p in Product").fetch(),
                    "query.result_type: the query returns str, not Product: "
                    "'p.name for p in Product'");
  CHECK_THROWS_WITH(select<std::string>("p for p in Product").fetch(),
                    "query.result_type: the query returns Product, not str: "
                    "'p for p in Product'");
  CHECK_THROWS_WITH((select<std::tuple<std::string>>("(p.name, p.price) for p in Product").fetch()),
                    "query.result_type: the query returns (str, float), not (str): "
                    "'(p.name, p.price) for p in Product'");
  // What converts is accepted: an int where a float is wanted, any value as `value` or `row`.
  CHECK(select<double>("p.stock for p in Product if p.stock is not None").fetch().empty());
  CHECK(select<double>("count(p) for p in Product").first() == 6.0);
  CHECK(select<value>("p for p in Product").fetch().size() == 6);
  CHECK(select<row>("(p, p.name) for p in Product").fetch().size() == 6);
  CHECK(select<std::tuple<Product, std::string>>("(p, p.name) for p in Product").fetch().size() ==
        6);
}

// --- values are checked when assigned, the same on every provider ----------------------------

namespace {

struct Member : entity<Member> {
  Req<std::string> name{"name", 8};
  Req<int> age{"age", min_value{0}, max_value{150}};
  Opt<double> score{"score", min_value{0.5}};
  Req<std::string> email{
      "email", check{[](const std::string& s) { return s.find('@') != std::string::npos; }}};
  Opt<std::string> note{"note", autostrip{false}};
  Opt<std::string> code{"code"};
  Opt<decimal> fee{"fee", min_value{decimal{"0.01"}}, max_value{100}};
};

struct member_database {
  member_database()
      : url{nextorm::testing::fresh_database_url("members_" + std::to_string(++counter()))} {
    db.bind(url);
    db.generate_mapping<Member>({.create_tables = true});
  }
  ~member_database() { nextorm::testing::discard_database(url); }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string url;
  database db;
};

}  // namespace

TEST_CASE("a string longer than max_len is refused when assigned, on every provider",
          "[lifetime][checks]") {
  member_database m;
  {
    db_session session{m.db};
    auto& a = Member::create();
    CHECK_THROWS_WITH(a.name = "Alexandra Smith",
                      "value.too_long: Member.name is too long: 15 characters, at most 8");
    CHECK_FALSE(a.name.has_value());
    a.name = "Zoë Ann";  // 7 characters, 8 bytes: characters count
    CHECK(a.name == "Zoë Ann");
    CHECK_THROWS_AS(a.name = std::string(100, 'x'), usage_error);
    a.age = 30;
    a.email = "ann@example.com";
  }
  db_session session{m.db};
  CHECK(Member::at(1).name == "Zoë Ann");
}

TEST_CASE("strings lose their outer whitespace unless autostrip is off, as in PonyORM",
          "[lifetime][checks]") {
  member_database m;
  db_session session{m.db};
  auto& a = Member::create();
  a.name = "  Ann \t\n";
  CHECK(a.name == "Ann");
  a.name = "\u00a0Bo\u3000";  // no-break space and ideographic space are whitespace too
  CHECK(a.name == "Bo");
  a.note = "  kept  ";
  CHECK(a.note == "  kept  ");
  CHECK_THROWS_WITH(a.name = "   ",
                    "value.required: Member.name is required: an empty string "
                    "is no value (nor is one of whitespace only: autostrip)");
  CHECK(a.name == "Bo");
  a.code = "  ";  // an Opt may be empty
  CHECK(a.code == "");
  session.rollback();
}

TEST_CASE("numbers outside min and max, and values the user's check refuses, are refused",
          "[lifetime][checks]") {
  member_database m;
  db_session session{m.db};
  auto& a = Member::create();
  CHECK_THROWS_WITH(a.age = -1, "value.too_small: Member.age cannot be -1: its minimum is 0");
  CHECK_THROWS_WITH(a.age = 151, "value.too_large: Member.age cannot be 151: its maximum is 150");
  a.age = 150;
  a.age = 0;
  CHECK(a.age == 0);
  CHECK_THROWS_WITH(a.score = 0.25,
                    "value.too_small: Member.score cannot be 0.25: its minimum is 0.5");
  a.score = 0.5;
  CHECK_THROWS_WITH(a.email = "nobody",
                    "value.check_failed: the check of Member.email refused 'nobody'");
  // Decimal bounds compare exactly.
  CHECK_THROWS_WITH(a.fee = decimal{"0.009"},
                    "value.too_small: Member.fee cannot be 0.009: its minimum is 0.01");
  CHECK_THROWS_WITH(a.fee = decimal{"100.000001"},
                    "value.too_large: Member.fee cannot be 100.000001: its maximum is 100");
  a.fee = decimal{"100.00"};
  a.fee = decimal{"0.01"};
  CHECK_FALSE(a.email.has_value());
  session.rollback();
}

TEST_CASE("a value over MariaDB's default VARCHAR(255) is refused there when assigned",
          "[lifetime][checks]") {
  member_database m;
  db_session session{m.db};
  auto& a = Member::create();
  const std::string long_code(300, 'c');
  if (nextorm::testing::current_provider() == "mariadb") {
    CHECK_THROWS_WITH(a.code = long_code,
                      "value.too_long: Member.code is too long: 300 characters, at most 255");
  } else {
    a.code = long_code;
    CHECK(a.code.get().size() == 300);
  }
  session.rollback();
}

TEST_CASE("a failed check leaves the object as it was and the session able to commit",
          "[lifetime][checks]") {
  member_database m;
  {
    db_session session{m.db};
    auto& a = Member::create({{"name", "Ann"}, {"age", 40}, {"email", "a@x"}});
    CHECK_THROWS_AS(a.age = 200, usage_error);
  }
  db_session session{m.db};
  CHECK(Member::at(1).age == 40);
}

// --- fields read and write like values ------------------------------------------------------

TEST_CASE("a field copies into another field as a value", "[lifetime][fields]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  Product& hammer = *Product::get({{"name", "Hammer"}});
  Product& saw = *Product::get({{"name", "Saw"}});
  saw.price = hammer.price;
  CHECK(saw.price == 5.0);
  CHECK(saw.price == hammer.price);
  saw.stock = 7;
  saw.stock = hammer.stock;  // an empty Opt makes the other empty
  CHECK_FALSE(saw.stock.has_value());
  hammer.summary = "heavy";
  saw.summary = hammer.summary;
  CHECK(saw.summary == "heavy");
  saw.name = hammer.summary;  // an Opt with a value into a Req
  CHECK(saw.name == "heavy");
  hammer.summary = std::nullopt;
  CHECK_FALSE(hammer.summary.has_value());
  CHECK_THROWS_WITH(saw.name = hammer.summary,
                    "object.no_value: attribute Product.summary has no value; check has_value() "
                    "or read it with value_or()");
  std::optional<std::string> maybe{"light"};
  hammer.summary = maybe;
  CHECK(hammer.summary.optional() == maybe);
  maybe.reset();
  hammer.summary = maybe;
  CHECK(hammer.summary.optional() == std::nullopt);
  saw.category = hammer.category;
  CHECK(saw.category == *hammer.category);
  session.commit();
  CHECK(select<std::string>("p.name for p in Product if p.price == 5").fetch().size() == 2);
}

TEST_CASE("fields compare with values, and with each other", "[lifetime][fields]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  Product& kite = *Product::get({{"name", "Kite"}});
  CHECK(kite.price < 30);
  CHECK(kite.price > 20.5);
  CHECK(kite.price <= 25.0);
  CHECK(kite.price != 24.0);
  CHECK(kite.name < std::string{"Z"});
  CHECK(kite.name == "Kite");
  CHECK(kite.name != "Kit");
  CHECK_FALSE(kite.stock == 0);  // no value equals no value of T
  CHECK_THROWS_WITH(kite.stock < 3,
                    "object.no_value: attribute Product.stock has no value; "
                    "check has_value() or read it with value_or()");
  CHECK(kite.category == Category::at(2));
  CHECK_FALSE(kite.category == nullptr);
}

TEST_CASE("every field prints, None for no value, Entity[key] for objects", "[lifetime][fields]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  Product& wrench = *Product::get({{"name", "Wrench"}});
  std::ostringstream out;
  out << wrench.name << '|' << wrench.price << '|' << wrench.stock << '|' << wrench.category << '|'
      << wrench.tags << '|' << wrench << '|' << wrench.category->products;
  CHECK(out.str() ==
        "Wrench|15|None|Category[1]|[Tag[1]]|Product[3]|[Product[1], Product[2], "
        "Product[3]]");
  auto& fresh = Product::create();
  std::ostringstream printed;
  printed << fresh << ' ' << fresh.name << ' ' << fresh.category;
  CHECK(printed.str() == "Product[new] None None");
  session.rollback();
}

// --- keyword create -------------------------------------------------------------------------

TEST_CASE("create() with keywords sets and checks each attribute (PonyORM's Entity(a=1))",
          "[lifetime][create]") {
  temp_database t;
  fill_shop(t);
  {
    db_session session{t.db};
    Category& toys = Category::at(2);
    auto& drum = Product::create(
        {{"name", "Drum"}, {"price", 12.5}, {"sku", "D-1"}, {"category", toys}, {"stock", 3}});
    CHECK(drum.category->name == "toys");
    auto& bell = Product::create({{"name", "Bell"},
                                  {"price", 2},
                                  {"sku", "B-1"},
                                  {"category", 1},  // by key
                                  {"tags", std::vector<param_value>{Tag::at(1)}}});
    CHECK(bell.price == 2.0);
    CHECK(bell.category->name == "tools");
    auto& cat = Category::create({{"name", "music"}});
    auto& horn = Product::create({{"name", "Horn"},
                                  {"price", 1.0},
                                  {"sku", "H-1"},
                                  {"category", cat}});  // a new object, no key yet
    CHECK(horn.category == cat);
  }
  db_session session{t.db};
  CHECK(select<Product>("p for p in Product if p.category.name == 'toys'").count() == 4);
  CHECK(Product::get({{"name", "Bell"}})->tags.size() == 1);
  CHECK(Product::get({{"name", "Horn"}})->category->name == "music");
}

TEST_CASE("create() refuses an unknown keyword with the nearest name, and makes nothing",
          "[lifetime][create]") {
  temp_database t;
  {
    db_session session{t.db};
    CHECK_THROWS_WITH(Product::create({{"name", "X"}, {"prise", 1.0}}),
                      "object.unknown_attribute: Product has no attribute 'prise'; did you mean "
                      "'price'?");
    CHECK_THROWS_WITH(Product::create({{"name", "X"}, {"price", "cheap"}}),
                      "value.wrong_type: Product.price: value of type str used as float");
    CHECK_THROWS_WITH(Product::create({{"name", std::string(65, 'n')}}),
                      "value.too_long: Product.name is too long: 65 characters, at most 64");
    CHECK_THROWS_AS(Product::create({{"category", 42}}), object_not_found);
  }
  CHECK(t.count("Product") == 0);
}
