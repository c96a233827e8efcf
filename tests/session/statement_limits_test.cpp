// session_options::statement_timeout and ::stop: a statement past its deadline, or running when
// its session's stop is requested, is cancelled on the server and throws statement_cancelled;
// the transaction cannot go on until the session rolls back; nothing of it is committed; the
// connection serves the next session at once.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stop_token>
#include <thread>

using namespace session_test;
using namespace std::chrono_literals;

namespace {

using clock_type = std::chrono::steady_clock;

// A database of the provider under test with a pool of one connection: a statement the server
// did not cancel would keep it busy, and the next session would wait for it.
class limited_database : public fresh_database<Category, Tag, Product, Customer, Order, Card> {
 public:
  limited_database() : fresh_database{"limits", 1} {
    const db_session s{db};
    (void)Product::create({{"name", "Hammer"}, {"price", 5.0}, {"sku", "H-1"}});
  }

  // A SELECT of the products that takes `seconds` of the server's time: it sleeps per row (one
  // row here), or, on SQLite, counts to a large number.
  std::string slow_products(int seconds) const {
    const std::string products = table("Product");
    const std::string provider = nextorm::testing::current_provider();
    if (provider == "postgres") {
      return "SELECT * FROM " + products + " WHERE (SELECT 1 FROM pg_sleep(" +
             std::to_string(seconds) + ")) = 1";
    }
    if (provider == "mariadb") {
      return "SELECT * FROM " + products + " WHERE SLEEP(" + std::to_string(seconds) + ") = 0";
    }
    return "SELECT * FROM " + products +
           " WHERE (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT " +
           std::to_string(seconds) + "0000000) SELECT count(*) FROM c) > 0";
  }
};

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

}  // namespace

TEST_CASE("a statement past the session's statement_timeout is cancelled on the server",
          "[limits]") {
  limited_database d;
  const auto start = clock_type::now();
  {
    db_session s{d.db, {.statement_timeout = 300ms}};
    try {
      (void)Product::select_by_sql(d.slow_products(30));
      FAIL("the slow statement was not cancelled");
    } catch (const statement_cancelled& e) {
      CHECK(e.id() == "statement.timeout");
      CHECK(e.timed_out());
      CHECK(e.category() == error_category::transaction);
      CHECK_THAT(e.what(), Catch::Contains("300 ms") && Catch::Contains("SELECT"));
    }
    // The transaction cannot go on until the session rolls back.
    CHECK_THROWS_WITH(Product::select("p.price > 0").count(), Catch::Contains("session.cancelled"));
    s.rollback();
    CHECK(Product::select("p.price > 0").count() == 1);
  }
  // Long before the statement's own end, and the server let it go: the one connection of the
  // pool serves the next session at once.
  {
    const db_session s{d.db};
    CHECK(Product::select("p.price > 0").count() == 1);
  }
  CHECK(seconds_since(start) < 15);
}

TEST_CASE("transact runs its unit of work within its statement limits, and does not rerun it",
          "[limits]") {
  limited_database d;
  int runs = 0;
  const auto start = clock_type::now();
  try {
    nextorm::transact(d.db, {.retry = 3, .statement_timeout = 300ms}, [&] {
      ++runs;
      (void)Product::create({{"name", "Saw"}, {"price", 10.0}, {"sku", "S-1"}});
      (void)Product::select_by_sql(d.slow_products(30));
    });
    FAIL("the slow statement was not cancelled");
  } catch (const statement_cancelled& e) {
    CHECK(e.id() == "statement.timeout");
  }
  CHECK(runs == 1);  // a timeout is not another transaction's doing: no rerun
  CHECK(seconds_since(start) < 15);
  std::stop_source stopped;
  stopped.request_stop();
  const nextorm::transact_options options{.stop = stopped.get_token()};
  CHECK_THROWS_WITH(nextorm::transact(d.db, options, [] { (void)Product::select().count(); }),
                    Catch::Contains("statement.cancelled"));
  const db_session s{d.db};
  CHECK(Product::select().count() == 1);  // nothing of either committed
}

TEST_CASE("statements within the timeout run as usual, and the limit leaves with the session",
          "[limits]") {
  limited_database d;
  {
    db_session s{d.db, {.statement_timeout = 10s}};
    for (int i = 0; i < 20; ++i) CHECK(Product::select("p.price > 0").count() == 1);
    auto& saw = Product::create({{"name", "Saw"}, {"price", 10.0}, {"sku", "S-1"}});
    auto hammer = Product::get("p.sku == 'H-1'");
    s.flush();
    // Two UPDATEs: one batch (PostgreSQL's pipeline), within the limits as a whole.
    saw.price = 11.0;
    hammer->price = 6.0;
    s.flush();
  }
  // The next session on the same (only) connection has no limit: a statement of a second runs.
  const db_session s{d.db};
  CHECK(Product::select_by_sql(d.slow_products(1)).size() == 2);
  CHECK(Product::select("p.price > 0").count() == 2);
}

TEST_CASE("nothing of a session whose statement timed out is committed", "[limits]") {
  limited_database d;
  try {
    db_session s{d.db, {.statement_timeout = 300ms}};
    (void)Product::create({{"name", "Saw"}, {"price", 10.0}, {"sku", "S-1"}});
    Product::get("p.sku == 'H-1'")->price = 6.0;
    s.flush();  // written, not committed
    (void)Product::select_by_sql(d.slow_products(30));
    FAIL("the slow statement was not cancelled");
  } catch (const statement_cancelled& e) {
    CHECK(e.id() == "statement.timeout");
  }
  CHECK(d.count("Product") == 1);
  CHECK(d.scalar("SELECT price FROM " + d.table("Product"), value_type::real).as_real() == 5.0);
}

TEST_CASE("a session that catches the timeout and ends without rolling back commits nothing",
          "[limits]") {
  limited_database d;
  auto end_without_rollback = [&] {
    db_session s{d.db, {.statement_timeout = 300ms}};
    (void)Product::create({{"name", "Saw"}, {"price", 10.0}, {"sku", "S-1"}});
    s.flush();
    CHECK_THROWS_AS(Product::select_by_sql(d.slow_products(30)), statement_cancelled);
  };
  // Its end would commit: it refuses, and the transaction is rolled back.
  CHECK_THROWS_WITH(end_without_rollback(), Catch::Contains("session.cancelled"));
  CHECK(d.count("Product") == 1);
  const db_session s{d.db};
  CHECK(Product::select("p.price > 0").count() == 1);
}

TEST_CASE("a write blocked by another transaction's lock times out and rolls the session back",
          "[limits]") {
  if (nextorm::testing::current_provider() == "sqlite") {
    SUCCEED(
        "SQLite waits for its write lock in its busy handler, which the limit does not stop "
        "(a busy_timeout of 5 s ends the wait: lock_timeout)");
    return;
  }
  limited_database d;
  // Another transaction holds the row (only it: found by its key).
  auto holder = nextorm::testing::raw_connection(d.url());
  holder->begin();
  (void)holder->execute("UPDATE " + d.table("Product") + " SET " + d.quote("price") +
                            " = 7 WHERE " + d.quote("id") + " = 1",
                        {});
  try {
    db_session s{d.db, {.statement_timeout = 300ms}};
    (void)Product::create({{"name", "Saw"}, {"price", 10.0}, {"sku", "S-1"}});
    Product::get_by_sql("SELECT * FROM " + d.table("Product") + " WHERE " + d.quote("price") +
                        " = 5")
        ->price = 6.0;
    s.flush();
    FAIL("the blocked UPDATE was not cancelled");
  } catch (const statement_cancelled& e) {
    CHECK(e.id() == "statement.timeout");
    CHECK_THAT(e.what(), Catch::Contains("UPDATE"));
  }
  holder->rollback();
  CHECK(d.count("Product") == 1);
  CHECK(d.scalar("SELECT price FROM " + d.table("Product"), value_type::real).as_real() == 5.0);
}

TEST_CASE("a stop requested from another thread cancels the statement the session runs",
          "[limits]") {
  limited_database d;
  std::stop_source stop;
  const auto start = clock_type::now();
  {
    db_session s{d.db, {.stop = stop.get_token()}};
    CHECK(Product::select("p.price > 0").count() == 1);
    std::jthread stopper{[&] {
      std::this_thread::sleep_for(300ms);
      stop.request_stop();
    }};
    try {
      (void)Product::select_by_sql(d.slow_products(30));
      FAIL("the slow statement was not cancelled");
    } catch (const statement_cancelled& e) {
      CHECK(e.id() == "statement.cancelled");
      CHECK_FALSE(e.timed_out());
      CHECK_THAT(e.what(), Catch::Contains("stop was requested"));
    }
    s.rollback();
    // Every statement after the stop is refused before it is sent (the transaction's BEGIN).
    CHECK_THROWS_WITH(Product::select("p.price > 0").count(),
                      Catch::Contains("statement.cancelled"));
    // The session's end would commit that: rolled back, it has nothing to refuse.
    s.rollback();
  }
  const db_session s{d.db};
  CHECK(Product::select("p.price > 0").count() == 1);
  CHECK(seconds_since(start) < 15);
}

TEST_CASE("a session whose stop was requested before it began runs no statement", "[limits]") {
  limited_database d;
  std::stop_source stop;
  stop.request_stop();
  try {
    const db_session s{d.db, {.stop = stop.get_token()}};
    (void)Product::create({{"name", "Saw"}, {"price", 10.0}, {"sku", "S-1"}});
    (void)Product::select("p.price > 0").count();
    FAIL("a statement ran after the stop");
  } catch (const statement_cancelled& e) {
    CHECK(e.id() == "statement.cancelled");
  }
  CHECK(d.count("Product") == 1);
}

TEST_CASE("an unstoppable token and a zero timeout are no limits", "[limits]") {
  limited_database d;
  const db_session s{d.db, {.statement_timeout = 0ms, .stop = std::stop_token{}}};
  CHECK(Product::select_by_sql(d.slow_products(1)).size() == 1);
}

TEST_CASE("a statement that fails within its limits throws its own error", "[limits]") {
  limited_database d;
  db_session s{d.db, {.statement_timeout = 10s}};
  CHECK_THROWS_AS(Product::select_by_sql("SELECT * FROM no_such_table"), database_error);
  s.rollback();
  CHECK(Product::select("p.price > 0").count() == 1);
}
