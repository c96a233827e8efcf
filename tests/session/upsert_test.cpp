// E::upsert(): a row inserted, or the row that has the same key (or unique attributes) updated,
// in one statement; the object the session returns reads what the row holds.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace session_test;

namespace {

struct Gauge : entity<Gauge> {
  Req<std::string> code{"code", unique};
  Req<double> reading{"reading"};
  Opt<std::string> note{"note"};
  Req<std::int64_t> version{"version", row_version};
};

std::string upsert_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const nextorm::error& e) {
    return e.id() + ": " + e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE_METHOD(filled_shop, "upsert inserts a row that is not there", "[upsert]") {
  sql_capture sql{db};
  {
    db_session session{db};
    Product& p = Product::upsert({{"sku", "N-1"}, {"name", "Nail"}, {"price", 0.5}}, {"sku"});
    CHECK(p.key() == value{7});
    CHECK(p.name.get() == "Nail");
    CHECK(&Product::at(7) == &p);
  }
  CHECK(sql.count("INSERT") == 1);
  for (const auto& s : sql.statements()) CHECK_THAT(s.sql, !Catch::StartsWith("UPDATE"));
  db_session session{db};
  CHECK(Product::at(7).price.get() == 0.5);
  CHECK(Product::select().count() == 7);
}

TEST_CASE_METHOD(filled_shop, "upsert updates the row with the same unique value, keeping the rest",
                 "[upsert]") {
  {
    db_session session{db};
    Product::at(1).stock = 40;
  }
  {
    db_session session{db};
    Product& hammer = Product::at(1);
    CHECK(hammer.price.get() == 5.0);
    Product& p = Product::upsert(
        {{"sku", hammer.sku.get()}, {"name", "Claw hammer"}, {"price", 7.5}}, {"sku"});
    // The object the session has for the row, reading what the statement set.
    CHECK(&p == &hammer);
    CHECK(hammer.price.get() == 7.5);
    CHECK(hammer.name.get() == "Claw hammer");
    // A change of it after checks what the row holds now: no false conflict.
    hammer.summary = "heavier";
  }
  db_session session{db};
  const Product& hammer = Product::at(1);
  CHECK(hammer.name.get() == "Claw hammer");
  CHECK(hammer.price.get() == 7.5);
  CHECK(hammer.stock.get() == 40);  // not given: kept
  CHECK(hammer.summary.get() == "heavier");
  CHECK(Product::select().count() == 6);
}

TEST_CASE("upsert by primary key; a version starts at 1 and moves on with each update",
          "[upsert]") {
  fresh_database<Gauge> t{"gauges"};
  {
    db_session session{t.db};
    Gauge& g = Gauge::upsert({{"code", "g1"}, {"reading", 1.5}}, {"code"});
    CHECK(g.version.get() == 1);
  }
  {
    db_session session{t.db};
    Gauge& g = Gauge::upsert({{"code", "g1"}, {"reading", 2.5}}, {"code"});
    CHECK(g.version.get() == 2);
    CHECK(g.reading.get() == 2.5);
    Gauge& same = Gauge::upsert({{"id", 1}, {"code", "g1"}, {"reading", 3.5}});
    CHECK(&same == &g);
    CHECK(g.version.get() == 3);
  }
  db_session session{t.db};
  CHECK(Gauge::at(1).reading.get() == 3.5);
  CHECK(Gauge::at(1).version.get() == 3);
  CHECK(Gauge::select().count() == 1);
}

TEST_CASE("upsert of an entity keyed by a string the program gives", "[upsert]") {
  temp_database t;
  {
    db_session session{t.db};
    (void)Customer::upsert({{"email", "a@x"}, {"vip", false}});
    (void)Customer::upsert({{"email", "b@x"}, {"vip", false}});
  }
  {
    db_session session{t.db};
    Customer& a = Customer::upsert({{"email", "a@x"}, {"vip", true}});
    CHECK(a.vip.get());
    Customer& b = Customer::upsert({{"email", "b@x"}, {"vip", false}});
    CHECK_FALSE(b.vip.get());
  }
  CHECK(t.count("Customer") == 2);
  CHECK(t.count("Customer", t.quote("vip") + " = " +
                                (t.db.impl().dialect().name() == "postgres" ? "true" : "1")) == 1);
}

TEST_CASE_METHOD(filled_shop, "upsert with nothing but what finds the row leaves the row as it is",
                 "[upsert]") {
  db_session session{db};
  Category& toys = *select<Category>("c for c in Category if c.name == 'toys'").get();
  CHECK(&Category::upsert({{"name", "toys"}}, {"name"}) == &toys);
  CHECK(Category::upsert({{"name", "garden"}}, {"name"}).name.get() == "garden");
  CHECK(Category::select().count() == 4);
}

TEST_CASE_METHOD(filled_shop, "upsert sets references and the other side's collections follow",
                 "[upsert]") {
  db_session session{db};
  Category& toys = *select<Category>("c for c in Category if c.name == 'toys'").get();
  Category& tools = *select<Category>("c for c in Category if c.name == 'tools'").get();
  CHECK(toys.products.size() == 3);
  const std::string sku = Product::at(1).sku.get();  // Hammer, a tool
  (void)Product::upsert({{"sku", sku}, {"name", "Toy hammer"}, {"price", 1}, {"category", &toys}},
                        {"sku"});
  (void)Product::upsert({{"sku", "T-9"}, {"name", "Top"}, {"price", 2}, {"category", &toys}},
                        {"sku"});
  CHECK(toys.products.size() == 5);
  CHECK(tools.products.size() == 2);
}

TEST_CASE_METHOD(filled_shop, "upsert refuses what it cannot do, naming it", "[upsert]") {
  db_session session{db};
  CHECK_THAT(upsert_error([] {
               (void)Product::upsert({{"sku", "x"}}, {"skus"});
             }),
             Catch::StartsWith("upsert.conflict") && Catch::Contains("did you mean 'sku'"));
  // Not unique: MariaDB would insert a second row where the others refuse.
  CHECK_THAT(upsert_error([] {
               (void)Product::upsert({{"name", "Saw"}, {"sku", "x"}}, {"name"});
             }),
             Catch::StartsWith("upsert.conflict") && Catch::Contains("no unique constraint"));
  CHECK_THAT(upsert_error([] {
               (void)Product::upsert({{"name", "x"}, {"price", 1}}, {"sku"});
             }),
             Catch::StartsWith("upsert.conflict") && Catch::Contains("Product.sku"));
  // The generated key cannot find a row it was not given.
  CHECK_THAT(upsert_error([] {
               (void)Product::upsert({{"sku", "x"}, {"name", "x"}});
             }),
             Catch::StartsWith("upsert.conflict") && Catch::Contains("Product.id"));
  CHECK_THAT(upsert_error([] {
               (void)Product::upsert({{"sku", "x"}, {"tags", 1}}, {"sku"});
             }),
             Catch::StartsWith("upsert.value") && Catch::Contains("collection"));
  CHECK_THAT(upsert_error([] {
               (void)Product::upsert({{"sku", "x"}, {"prize", 1}}, {"sku"});
             }),
             Catch::StartsWith("object.unknown_attribute"));
  CHECK_THAT(upsert_error([] {
               (void)Product::upsert({{"sku", "x"}, {"price", "cheap"}}, {"sku"});
             }),
             Catch::StartsWith("value."));
  // A required attribute missing from a row to insert.
  CHECK_THAT(upsert_error([] {
               (void)Product::upsert({{"sku", "new"}, {"price", 1}}, {"sku"});
             }),
             Catch::StartsWith("object.required"));
  CHECK(Product::select().count() == 6);
}
