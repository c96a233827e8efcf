// The connection pool when it is full: a session waits for a connection that another thread's
// session gives back.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace session_test;
using namespace std::chrono_literals;

namespace {

// A database of the provider under test with a pool of `size` connections.
connection_options pooled(const std::string& url, std::size_t size) {
  return nextorm::testing::options_of(url, size);
}

}  // namespace

TEST_CASE("a session waits for the connection another thread's session gives back", "[pool]") {
  const std::string url = nextorm::testing::fresh_database_url("pool_wait");
  {
    database db;
    db.bind(pooled(url, 1));
    db.generate_mapping<Category, Tag, Product, Customer, Order, Card>({.create_tables = true});
    std::atomic<bool> holding{false};
    std::thread holder{[&] {
      db_session session{db};
      (void)Category::create({{"name", "tools"}});
      session.flush();  // the session has its connection now
      holding = true;
      std::this_thread::sleep_for(300ms);
    }};
    while (!holding) std::this_thread::yield();
    const auto started = std::chrono::steady_clock::now();
    {
      db_session session{db};
      CHECK(Category::select().count() == 1);  // committed by the holder before it let go
    }
    CHECK(std::chrono::steady_clock::now() - started >= 200ms);
    holder.join();
    CHECK(db.impl().open_connections() == 1);
    // The round trips of the pool's idle connections (counted by PostgreSQL's driver only).
    const std::uint64_t trips = db.impl().idle_round_trips();
    if (nextorm::testing::current_provider() == "postgres") {
      CHECK(trips > 0);
    } else {
      CHECK(trips == 0);
    }
  }
  nextorm::testing::discard_database(url);
}

TEST_CASE("a session that gets no connection within pool_timeout fails with pool.timeout",
          "[pool]") {
  const std::string url = nextorm::testing::fresh_database_url("pool_timeout");
  {
    database db;
    connection_options options = pooled(url, 2);
    options.pool_timeout = 100ms;
    db.bind(options);
    db.generate_mapping<Category, Tag, Product, Customer, Order, Card>({.create_tables = true});
    std::atomic<int> holding{0};
    std::atomic<bool> done{false};
    auto hold = [&] {
      db_session session{db};
      (void)Category::select().count();  // the session has its connection now
      ++holding;
      while (!done) std::this_thread::sleep_for(5ms);
    };
    std::thread first{hold};
    std::thread second{hold};
    while (holding < 2) std::this_thread::yield();
    {
      db_session session{db};
      const auto started = std::chrono::steady_clock::now();
      try {
        (void)Category::select().count();
        FAIL("a third connection was handed out");
      } catch (const connection_error& e) {
        CHECK(e.id() == "pool.timeout");
        CHECK(std::string{e.what()} ==
              "pool.timeout: no connection came free in the pool of 2 within 100 ms");
      }
      CHECK(std::chrono::steady_clock::now() - started >= 90ms);
    }
    done = true;
    first.join();
    second.join();
    db_session session{db};  // the pool serves again once they are back
    CHECK(Category::select().count() == 0);
  }
  nextorm::testing::discard_database(url);
}
