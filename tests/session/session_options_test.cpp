// PonyORM's db_session options beyond `optimistic`: `strict` (objects forget their values at the
// session's end), `serializable` (the transaction's isolation level), and NextORM's
// `batch_inserts`.
#include "session/session_impl.hpp"
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace session_test;

namespace {

// The first column of the first row of `sql`, run inside the current session's transaction.
value in_transaction(const std::string& sql) {
  auto rows = nextorm::detail::session_impl::current().connection().query(sql, {});
  REQUIRE(rows->next());
  return rows->get(0, value_type::text);
}

}  // namespace

TEST_CASE_METHOD(filled_shop, "objects of a strict session refuse to be read after it ends",
                 "[session_options]") {
  result<Product> kept;
  {
    db_session session{db, {.strict = true}};
    kept = select<Product>("p for p in Product if p.price < 12").order_by("p.price").fetch();
    REQUIRE(kept.size() == 2);
    // Inside the session everything reads as usual.
    CHECK(kept[0].name.get() == "Hammer");
    CHECK(kept[0].category.get()->name.get() == "tools");
    CHECK(kept[0].tags.size() == 1);
  }
  const Product& hammer = kept[0];
  CHECK(hammer.key() == value{1});  // the key stays: the object is still named
  CHECK_THROWS_WITH(hammer.name.get(),
                    Catch::Contains("strict db_session") && Catch::Contains("Product[1]"));
  CHECK_THROWS_AS(hammer.price.get(), usage_error);
  CHECK_THROWS_AS(hammer.summary.has_value(), usage_error);
  CHECK_THROWS_AS(hammer.stock.value_or(0), usage_error);
  CHECK_THROWS_AS(hammer.category.get(), usage_error);
  CHECK_THROWS_AS(hammer.tags.size(), usage_error);
  // Its values are gone, not only hidden: an object the session never loaded is no different.
  CHECK_THROWS_AS(kept[1].name.get(), usage_error);
  try {
    (void)hammer.sku.get();
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(e.id() == "session.over");
  }
}

TEST_CASE_METHOD(filled_shop, "objects of a session that is not strict stay readable after it",
                 "[session_options]") {
  result<Product> kept;
  {
    db_session session{db};
    kept = select<Product>("p for p in Product if p.price < 12").order_by("p.price").fetch();
  }
  CHECK(kept[0].name.get() == "Hammer");
  CHECK(kept[1].price.get() == 10.0);
}

TEST_CASE_METHOD(filled_shop, "a strict session that rolled back forgets its objects too",
                 "[session_options]") {
  result<Product> kept;
  auto fail = [&] {
    db_session session{db, {.strict = true}};
    kept = select<Product>("p for p in Product").fetch();
    throw std::runtime_error("leaving");
  };
  CHECK_THROWS_AS(fail(), std::runtime_error);
  REQUIRE_FALSE(kept.empty());
  CHECK_THROWS_AS(kept[0].name.get(), usage_error);
}

TEST_CASE_METHOD(filled_shop, "a serializable session's transaction is serializable",
                 "[session_options]") {
  sql_capture sql{db};
  db_session session{db, {.serializable = true}};
  CHECK(Product::at(1).name.get() == "Hammer");
  const std::string provider{db.impl().dialect().name()};
  if (provider == "postgres") {
    CHECK(in_transaction("SELECT current_setting('transaction_isolation')") ==
          value{"serializable"});
  } else if (provider == "mariadb") {
    CHECK(in_transaction("SELECT trx_isolation_level FROM information_schema.innodb_trx "
                         "WHERE trx_mysql_thread_id = CONNECTION_ID()") == value{"SERIALIZABLE"});
  }
  REQUIRE_FALSE(sql.statements().empty());
  CHECK(sql.statements().front().sql == "BEGIN SERIALIZABLE");
}

TEST_CASE_METHOD(filled_shop, "a session that is not serializable runs at the database's default",
                 "[session_options]") {
  db_session session{db};
  CHECK(Product::at(1).name.get() == "Hammer");
  const std::string provider{db.impl().dialect().name()};
  if (provider == "postgres") {
    CHECK(in_transaction("SELECT current_setting('transaction_isolation')") ==
          value{"read committed"});
  } else if (provider == "mariadb") {
    // (A transaction that only read without locks is not listed in innodb_trx.)
    CHECK(in_transaction("SELECT @@tx_isolation") == value{"REPEATABLE-READ"});
  }
}

TEST_CASE("transact passes serializable on to its sessions", "[session_options]") {
  temp_database t;
  sql_capture sql{t.db};
  nextorm::transact(t.db, {.serializable = true}, [&] {
    (void)Category::create({{"name", "made"}});
  });
  REQUIRE_FALSE(sql.statements().empty());
  CHECK(sql.statements().front().sql == "BEGIN SERIALIZABLE");
  CHECK(t.count("Category") == 1);
}

TEST_CASE("batch_inserts off inserts a row at a time", "[session_options]") {
  temp_database t;
  sql_capture sql{t.db};
  {
    db_session session{t.db, {.batch_inserts = false}};
    for (int i = 0; i < 20; ++i) (void)Category::create({{"name", "c" + std::to_string(i)}});
  }
  CHECK(sql.count("INSERT") == 20);
  db_session session{t.db};
  CHECK(Category::at(20).name.get() == "c19");
}
