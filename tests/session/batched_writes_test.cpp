// A flush of many changed, linked and removed objects: the UPDATEs, join rows and DELETEs go to
// the database as one batch per kind (PostgreSQL: one pipeline, one round trip), yet every
// object's optimistic check is its own, the first object another transaction changed is the one
// named, and a failure anywhere writes nothing of the session.
#include "session_fixture.hpp"

#include "session/session_impl.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace session_test;

namespace {

struct Counter : entity<Counter> {
  Req<std::string> name{"name"};
  Req<std::int64_t> hits{"hits"};
  Req<std::int64_t> version{"version", row_version};
  void after_update() { order().push_back(name.get()); }
  static std::vector<std::string>& order() {
    static std::vector<std::string> names;
    return names;
  }
};

class shop : public fresh_database<Category, Tag, Product, Customer, Order, Card, Ticket, Counter> {
 public:
  shop() : fresh_database{"batched_writes"} {}
  // Makes `n` products p0, p1, ... with stocks 1, 2, ... (an integer: checked, where PonyORM
  // does not check a float)
  void make_products(int n) {
    db_session session{db};
    for (int i = 0; i < n; ++i) {
      const std::string name = "p" + std::to_string(i);
      (void)Product::create({{"name", name}, {"price", 1.5}, {"sku", name}, {"stock", i + 1}});
    }
  }
  // A change made through the session's own connection, as a trigger would make it: seen at
  // once on every provider, yet rolled back with the session.
  static void behind(const std::string& sql) {
    (void)detail::session_impl::current().connection().execute(sql, {});
  }
  std::int64_t stock_sum() const {
    return scalar("SELECT SUM(" + quote("stock") + ") FROM " + table("Product"),
                  value_type::integer)
        .as_int();
  }
};

}  // namespace

TEST_CASE_METHOD(shop, "hundreds of changed objects are written, each with its own check",
                 "[batched_writes]") {
  make_products(300);
  sql_capture sql{db};
  {
    db_session session{db};
    for (Product& p : select<Product>("p for p in Product").fetch()) p.stock = p.stock.get() * 2;
  }
  CHECK(sql.count("UPDATE") == 300);
  CHECK(stock_sum() == 300 * 301);
  // One row changed behind the session after it was read: the flush fails naming that object,
  // and none of the 300 changes is kept.
  auto run = [&] {
    db_session session{db};
    const auto products = select<Product>("p for p in Product").order_by("p.id").fetch();
    behind("UPDATE " + table("Product") + " SET " + quote("stock") + " = 0 WHERE " + quote("id") +
           " = 150");
    for (Product& p : products) p.stock = p.stock.get() + 1;
  };
  CHECK_THROWS_WITH(run(), Catch::StartsWith("session.optimistic_check: Product[150] was changed "
                                             "by another transaction after this session read "
                                             "it: stock (300 -> 0)"));
  CHECK(stock_sum() == 300 * 301);
}

TEST_CASE_METHOD(shop, "the first of several changed rows is the one reported",
                 "[batched_writes]") {
  make_products(20);
  db_session session{db};
  const auto products = select<Product>("p for p in Product").order_by("p.id").fetch();
  behind("UPDATE " + table("Product") + " SET " + quote("name") + " = 'x' WHERE " + quote("id") +
         " IN (7, 3, 12)");
  for (Product& p : products) {
    CHECK(p.name.get().starts_with("p"));  // read: checked
    p.stock = 1;
  }
  CHECK_THROWS_WITH(session.flush(), Catch::StartsWith("session.optimistic_check: Product[3] "));
}

TEST_CASE_METHOD(shop, "versions move on and after_update hooks run in order across a batch",
                 "[batched_writes]") {
  {
    db_session session{db};
    for (int i = 0; i < 50; ++i) {
      (void)Counter::create({{"name", "c" + std::to_string(i)}, {"hits", 0}});
    }
  }
  Counter::order().clear();
  {
    db_session session{db};
    // Changed in reverse order of their keys: the hooks follow the order of the changes.
    for (int id = 50; id >= 1; --id) Counter::at(id).hits = id;
  }
  REQUIRE(Counter::order().size() == 50);
  CHECK(Counter::order().front() == "c49");
  CHECK(Counter::order().back() == "c0");
  CHECK(count("Counter", quote("version") + " = 2 AND " + quote("hits") + " = " + quote("id")) ==
        50);
  // A stale version anywhere in the batch stops it all.
  auto run = [&] {
    db_session session{db};
    std::vector<Counter*> all;
    for (int id = 1; id <= 50; ++id) all.push_back(&Counter::at(id));
    behind("UPDATE " + table("Counter") + " SET " + quote("version") + " = 9 WHERE " + quote("id") +
           " = 42");
    for (Counter* c : all) c->hits = 0;
  };
  CHECK_THROWS_WITH(run(), Catch::StartsWith("session.optimistic_check: Counter[42] "));
  CHECK(count("Counter", quote("hits") + " = 0") == 0);
  // Removals check the version each (a statement apiece, in one batch): the same.
  auto remove_all = [&](int stale) {
    db_session session{db};
    std::vector<Counter*> all;
    for (int id = 1; id <= 50; ++id) all.push_back(&Counter::at(id));
    if (stale != 0) {
      behind("UPDATE " + table("Counter") + " SET " + quote("version") + " = 9 WHERE " +
             quote("id") + " = " + std::to_string(stale));
    }
    for (Counter* c : all) c->remove();
  };
  CHECK_THROWS_WITH(remove_all(7), Catch::StartsWith("session.optimistic_check: Counter[7] "));
  CHECK(count("Counter") == 50);
  sql_capture sql{db};
  remove_all(0);
  CHECK(sql.count("DELETE") == 50);
  CHECK(count("Counter") == 0);
}

TEST_CASE_METHOD(shop, "many links and removals are written in order, all or nothing",
                 "[batched_writes]") {
  make_products(40);
  {
    db_session session{db};
    auto& sale = Tag::create({{"name", "sale"}});
    auto& new_ = Tag::create({{"name", "new"}});
    for (Product& p : select<Product>("p for p in Product").fetch()) {
      sale.products.add(p);
      if (p.key().as_int() % 2 == 0) new_.products.add(p);
    }
  }
  CHECK(count("Product_Tag") == 60);
  {
    db_session session{db};
    // Unlinked, then removed: the join rows go before the rows they refer to.
    auto& sale = Tag::at(1);
    for (int id = 1; id <= 10; ++id) sale.products.remove(Product::at(id));
    for (int id = 1; id <= 10; ++id) Product::at(id).remove();
    // A removal that checks what it read, among those that check nothing.
    CHECK(Product::at(11).stock.get() == 11);
    Product::at(11).remove();
    Product::at(12).remove();
  }
  CHECK(count("Product") == 28);
  CHECK(count("Product_Tag") == 60 - 10 - 5 - 1 - 2);
  // A checked removal whose row changed stops the batch: nothing is removed.
  auto run = [&] {
    db_session session{db};
    CHECK(Product::at(20).stock.get() == 20);
    behind("UPDATE " + table("Product") + " SET " + quote("stock") + " = 1 WHERE " + quote("id") +
           " = 20");
    for (int id = 13; id <= 30; ++id) Product::at(id).remove();
  };
  CHECK_THROWS_WITH(run(), Catch::Contains("Product[20]") && Catch::Contains("stock (20 -> 1)"));
  CHECK(count("Product") == 28);
  // ...while a removed row another transaction removed first is no error.
  {
    db_session session{db};
    CHECK(Product::at(20).stock.get() == 20);
    Product::at(19).remove();
    Product::at(20).remove();
    behind("DELETE FROM " + table("Product_Tag") + " WHERE " + quote("product") + " = 20");
    behind("DELETE FROM " + table("Product") + " WHERE " + quote("id") + " = 20");
  }
  CHECK(count("Product") == 26);
}
