// The async API per provider: async sessions that commit at their end and roll back on an
// exception, awaited queries and loads, sessions interleaved on one thread and isolated from
// each other, a pool smaller than the sessions (queued in order), calls of one session taking
// turns, and misuse reported.
#include <nextorm/nextorm.hpp>

#include <catch2/catch.hpp>

#include "session/database_impl.hpp"
#include "session/session_impl.hpp"
#include "test_databases.hpp"

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <coroutine>
#include <exception>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

using namespace nextorm;

namespace {

struct Product;

struct Category : entity<Category> {
  Req<std::string> name{"name", unique};
  Set<Product> products{"products"};
};

struct Product : entity<Product> {
  Req<std::string> name{"name", 64};
  Req<double> price{"price"};
  Single<Category> category{"category", optional};
  Opt<std::string> notes{"notes", long_str};  // lazy: read on first use
};

// A database of the provider under test with `pool` connections, its tables made.
struct async_database {
  explicit async_database(const std::string& name, std::size_t pool = 8)
      : url{nextorm::testing::fresh_database_url(name)} {
    db.bind(nextorm::testing::options_of(url, pool));
    db.generate_mapping<Category, Product>({.create_tables = true});
  }
  ~async_database() { nextorm::testing::discard_database(url); }
  async_database(const async_database&) = delete;
  async_database& operator=(const async_database&) = delete;

  std::int64_t count_products() {
    db_session session{db};
    return Product::select().count();
  }

  std::string url;
  database db;
};

// A statement the server takes 100 ms to answer (SQLite, whose calls all go to a worker thread,
// has none and needs none).
std::string slow_statement() {
  const std::string provider = nextorm::testing::current_provider();
  if (provider == "postgres") return "SELECT pg_sleep(0.1)";
  if (provider == "mariadb") return "SELECT SLEEP(0.1)";
  return "SELECT 1";
}

// A SELECT of the products that takes the server `seconds` (one row sleeps; SQLite counts).
std::string slow_products(int seconds) {
  const std::string provider = nextorm::testing::current_provider();
  const std::string n = std::to_string(seconds);
  if (provider == "postgres") {
    return "SELECT * FROM product WHERE name = 'ball' AND (SELECT 1 FROM pg_sleep(" + n + ")) = 1";
  }
  if (provider == "mariadb")
    return "SELECT * FROM product WHERE name = 'ball' AND SLEEP(" + n + ") = 0";
  return "SELECT * FROM product WHERE (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
         "FROM c LIMIT " +
         n + "0000000) SELECT count(*) FROM c) > 0";
}

void seed(database& db) {
  db_session session{db};
  auto& tools = Category::create({{"name", "tools"}});
  auto& toys = Category::create({{"name", "toys"}});
  (void)Product::create({{"name", "hammer"}, {"price", 12.5}, {"category", tools}});
  (void)Product::create({{"name", "saw"}, {"price", 30.0}, {"category", tools}});
  (void)Product::create({{"name", "ball"}, {"price", 3.0}, {"category", toys}});
}

// Gives this process's TCP socket whose local port is `port` a send buffer of a few KB: a big
// statement then does not fit at once however fast the server reads (with the default, a server
// on another core can keep up with a client slowed by the sanitizers, and no flush ever waits).
void small_send_buffer_of_port(std::int64_t port) {
  rlimit files{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &files) == 0);
  int found = 0;
  for (int fd = 0; fd < static_cast<int>(std::min<rlim_t>(files.rlim_cur, 65536)); ++fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) continue;
    in_port_t local = 0;
    if (address.ss_family == AF_INET) local = reinterpret_cast<sockaddr_in*>(&address)->sin_port;
    if (address.ss_family == AF_INET6) local = reinterpret_cast<sockaddr_in6*>(&address)->sin6_port;
    if (local == 0 || ntohs(local) != port) continue;
    const int size = 4096;
    REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) == 0);
    ++found;
  }
  REQUIRE(found == 1);
}

}  // namespace

TEST_CASE("an async session reads with awaited queries and commits what it made at its end",
          "[async]") {
  async_database a{"async_commit"};
  seed(a.db);
  auto work = [&]() -> task<std::vector<std::string>> {
    co_return co_await async_session(a.db, [&]() -> task<std::vector<std::string>> {
      std::vector<std::string> names;
      for (Product& p : co_await Product::aselect("p.price < 20").order_by("p.name")) {
        names.push_back(p.name);
      }
      CHECK(co_await Product::aselect().count() == 3);
      CHECK(co_await Product::aexists({{"name", "saw"}}));
      auto saw = co_await Product::aget({{"name", "saw"}});
      REQUIRE(saw);
      CHECK(saw->price == 30.0);
      auto first = co_await Product::aat(saw->key());
      CHECK(first.get() == saw.get());  // one object per row
      auto cheapest = co_await Product::aselect().order_by("p.price").first();
      REQUIRE(cheapest);
      CHECK(cheapest->name == std::string{"ball"});
      CHECK((co_await aselect<double>("sum(p.price) for p in Product").fetch())[0] == 45.5);
      (void)Product::create({{"name", "drill"}, {"price", 80.0}});
      co_return names;
    });
  };
  const auto names = run(work());
  CHECK(names == std::vector<std::string>{"ball", "hammer"});
  CHECK(a.count_products() == 4);  // the drill was committed
}

TEST_CASE("references, collections and lazy attributes load awaited", "[async]") {
  async_database a{"async_loads"};
  seed(a.db);
  {
    db_session session{a.db};
    Product::get({{"name", "hammer"}})->notes = "heavy";
  }
  auto work = [&]() -> task<> {
    co_await async_session(a.db, [&]() -> task<> {
      auto hammer = co_await Product::aget({{"name", "hammer"}});
      REQUIRE(hammer);
      entity_ptr<Category> tools = co_await hammer->category.aload();
      REQUIRE(tools);
      CHECK(tools->name.get() == "tools");
      CHECK(co_await tools->products.aload() == 2);
      std::vector<std::string> names;
      for (Product& p : tools->products) names.push_back(p.name);
      std::sort(names.begin(), names.end());
      CHECK(names == std::vector<std::string>{"hammer", "saw"});
      CHECK(co_await hammer->notes.aload() == std::optional<std::string>{"heavy"});
      auto ball = co_await Product::aget({{"name", "ball"}});
      REQUIRE(ball);
      CHECK((co_await ball->notes.aload()).value_or("") == "");
      // (Assigning a reference updates the old target's collection: a load, awaited too.)
      co_await async_call([&] { ball->category = nullptr; });
      CHECK_FALSE(co_await ball->category.aload());
    });
  };
  run(work());
}

TEST_CASE("an async session runs typed queries", "[async]") {
  async_database a{"async_typed"};
  seed(a.db);
  auto work = [&]() -> task<> {
    co_await async_session(a.db, [&]() -> task<> {
      auto cheap = co_await Product::aselect(col(&Product::price) < 20)
                       .order_by(col(&Product::name))
                       .fetch();
      REQUIRE(cheap.size() == 2);
      CHECK(cheap[0].name.get() == "ball");
      CHECK(co_await Product::aexists(col(&Product::name) == "saw"));
      auto saw = co_await Product::aget(col(&Product::name) == "saw");
      REQUIRE(saw);
      CHECK((co_await Product::aselect().filter(col(&Product::price) > 20).count()) == 1);
      auto names = co_await aselect(col(&Product::name)).where("p.price > 10").fetch();
      CHECK(names.size() == 2);
      auto priced =
          co_await async_query{
              select(col(&Product::name), col(&Product::price)).where(col(&Product::price) > 20)}
              .fetch();
      REQUIRE(priced.size() == 1);
      CHECK(std::get<0>(priced[0]) == "saw");
    });
  };
  run(work());
}

TEST_CASE("an exception out of an async session rolls it back and reaches the awaiting task",
          "[async]") {
  async_database a{"async_rollback"};
  auto work = [&]() -> task<void> {
    co_await async_session(a.db, [&]() -> task<void> {
      (void)Product::create({{"name", "ghost"}, {"price", 1.0}});
      co_await Product::aselect().count();  // flushed: the row exists in the transaction
      throw std::runtime_error("changed my mind");
    });
  };
  CHECK_THROWS_WITH(run(work()), "changed my mind");
  CHECK(a.count_products() == 0);
}

TEST_CASE("a failing commit of an async session throws from the awaited session", "[async]") {
  async_database a{"async_commit_fails"};
  seed(a.db);
  auto work = [&]() -> task<void> {
    co_await async_session(a.db, [&]() -> task<void> {
      (void)Category::create({{"name", "tools"}});  // unique: refused at the flush of the end
      co_return;
    });
  };
  CHECK_THROWS_AS(run(work()), integrity_error);
  db_session session{a.db};
  CHECK(Category::select().count() == 2);
}

TEST_CASE("interleaved async sessions on one thread each see only their own objects", "[async]") {
  async_database a{"async_isolated"};
  seed(a.db);
  std::vector<std::string> log;
  std::vector<double> seen(3);
  std::vector<entity_ptr<Product>> objects(3);  // (kept: no address is reused)
  struct undo {};  // ends a session by an exception: its changes are rolled back
  auto one = [&](int n) -> task<void> {
    try {
      co_await async_session(a.db, [&, n]() -> task<void> {
        log.push_back("start " + std::to_string(n));
        if (n == 1) {
          // The server answers this one late: the loop goes on with the other session meanwhile.
          co_await async_call([] {
            (void)detail::session_impl::current().connection().query(slow_statement(), {});
          });
        }
        auto hammer = co_await Product::aget({{"name", "hammer"}});
        CHECK(co_await Product::aselect().count() == 3);
        auto again = co_await Product::aat(hammer->key());  // from the identity map
        CHECK(again.get() == hammer.get());
        objects[static_cast<std::size_t>(n)] = hammer;
        hammer->price = 100.0 + n;  // a change of this session's object only (never flushed)
        seen[static_cast<std::size_t>(n)] = again->price;
        log.push_back("end " + std::to_string(n));
        throw undo{};  // (two sessions writing one row would wait for each other)
      });
    } catch (const undo&) {
    }
  };
  auto all = [&]() -> task<void> {
    std::vector<task<void>> tasks;
    tasks.push_back(one(1));
    tasks.push_back(one(2));
    co_await when_all(std::move(tasks));
  };
  run(all());
  CHECK(seen == std::vector<double>{0.0, 101.0, 102.0});
  CHECK(objects[1] != objects[2]);  // one object per row and session
  // The second started while the first waited for its database: they ran interleaved.
  REQUIRE(log.size() == 4);
  CHECK(log[0] == "start 1");
  CHECK(log[1] == "start 2");
  db_session session{a.db};
  CHECK(Product::get({{"name", "hammer"}})->price == 12.5);
}

TEST_CASE("more async sessions than the pool has connections queue for them in order", "[async]") {
  async_database a{"async_pool", 2};
  seed(a.db);
  int finished = 0;
  auto one = [&](int n) -> task<std::int64_t> {
    co_return co_await async_session(a.db, [&, n]() -> task<std::int64_t> {
      std::int64_t seen = 0;
      for (int i = 0; i < 3; ++i)
        seen += co_await Product::aselect("p.price > x", {{"x", n}}).count();
      ++finished;
      co_return seen;
    });
  };
  auto all = [&]() -> task<std::vector<std::int64_t>> {
    std::vector<task<std::int64_t>> tasks;
    for (int n = 0; n < 8; ++n) tasks.push_back(one(n));
    co_return co_await when_all(std::move(tasks));
  };
  const auto seen = run(all());
  CHECK(finished == 8);
  CHECK(seen == std::vector<std::int64_t>{9, 9, 9, 6, 6, 6, 6, 6});
  CHECK(a.db.impl().open_connections() <= 2);
}

TEST_CASE("awaited calls of one async session take turns with its connection", "[async]") {
  async_database a{"async_turns"};
  seed(a.db);
  auto work = [&]() -> task<std::vector<std::int64_t>> {
    co_return co_await async_session(a.db, [&]() -> task<std::vector<std::int64_t>> {
      std::vector<task<std::int64_t>> reads;
      for (int n = 0; n < 5; ++n)
        reads.push_back(Product::aselect("p.price > x", {{"x", n * 10}}).count());
      co_return co_await when_all(std::move(reads));
    });
  };
  CHECK(run(work()) == std::vector<std::int64_t>{3, 2, 1, 0, 0});
}

// The round trips of the current async session's connection so far (PostgreSQL counts them).
task<std::uint64_t> round_trips() {
  co_return co_await async_call(
      [] { return detail::session_impl::current().connection().round_trips(); });
}

// What a task gave, as text, or "error: " and what it threw.
template <class T>
task<std::string> outcome(task<T> t) {
  std::string out;
  try {
    out = std::to_string(co_await std::move(t));
  } catch (const error& e) {
    out = std::string{"error: "} + e.what();
  }
  co_return out;
}

// 1 when the task found an object, else 0.
template <class E>
task<std::int64_t> found(task<entity_ptr<E>> t) {
  co_return (co_await std::move(t)) ? 1 : 0;
}

TEST_CASE("reads of one async session awaited together share one round trip on PostgreSQL",
          "[async]") {
  async_database a{"async_pipelined"};
  seed(a.db);
  std::uint64_t trips = 0;
  auto work = [&]() -> task<std::vector<std::int64_t>> {
    co_return co_await async_session(a.db, [&]() -> task<std::vector<std::int64_t>> {
      (void)co_await Category::aselect().count();  // the transaction begins
      const std::uint64_t before = co_await round_trips();
      std::vector<task<std::int64_t>> reads;
      // The same statement five times: prepared by the first, only executed by the others.
      for (int n = 0; n < 5; ++n)
        reads.push_back(Product::aselect("p.price > x", {{"x", n * 10}}).count());
      reads.push_back(found(Category::aget({{"name", "toys"}})));
      reads.push_back(found(Category::aget({{"name", "garden"}})));
      reads.push_back(found(Product::aat(1)));
      auto counts = co_await when_all(std::move(reads));
      trips = co_await round_trips() - before;
      // Loaded by those reads: their objects are the session's own.
      auto toys = co_await Category::aget({{"name", "toys"}});
      counts.push_back(static_cast<std::int64_t>(co_await toys->products.aload()));
      co_return counts;
    });
  };
  CHECK(run(work()) == std::vector<std::int64_t>{3, 2, 1, 0, 0, 1, 0, 1, 1});
  if (nextorm::testing::current_provider() == "postgres") CHECK(trips == 1);
}

TEST_CASE("each read sent together gets its own answer or its own error", "[async]") {
  async_database a{"async_pipelined_errors"};
  seed(a.db);
  auto work = [&]() -> task<std::vector<std::string>> {
    co_return co_await async_session(a.db, [&]() -> task<std::vector<std::string>> {
      (void)co_await Category::aselect().count();
      std::vector<task<std::string>> reads;
      reads.push_back(outcome(Product::aselect("p.price > 10").count()));
      reads.push_back(outcome(Product::aselect("p.prize > 10").count()));  // sends nothing
      reads.push_back(outcome(Product::aselect("p.price > 20").count()));
      co_return co_await when_all(std::move(reads));
    });
  };
  const auto outcomes = run(work());
  REQUIRE(outcomes.size() == 3);
  CHECK(outcomes[0] == "2");
  CHECK_THAT(outcomes[1], Catch::Contains("prize") && Catch::Contains("did you mean 'price'"));
  CHECK(outcomes[2] == "1");
}

TEST_CASE("a server error among pipelined reads is its own read's, and the transaction's end",
          "[async]") {
  if (nextorm::testing::current_provider() != "postgres") return;  // (only it pipelines)
  async_database a{"async_pipelined_failure"};
  seed(a.db);
  std::vector<std::string> outcomes;
  auto work = [&]() -> task<void> {
    co_await async_session(a.db, [&]() -> task<void> {
      (void)co_await Category::aselect().count();
      std::vector<task<std::string>> reads;
      reads.push_back(outcome(Product::aselect("p.price > 10").count()));
      reads.push_back(outcome(Product::aselect("p.price / x > 1", {{"x", 0}}).count()));
      reads.push_back(outcome(Product::aselect("p.price > 20").count()));
      outcomes = co_await when_all(std::move(reads));
    });
  };
  // PostgreSQL ends the transaction at its first error: the reads after it fail, and so does
  // the commit at the session's end.
  CHECK_THROWS_AS(run(work()), transaction_error);
  REQUIRE(outcomes.size() == 3);
  CHECK(outcomes[0] == "2");
  CHECK_THAT(outcomes[1], Catch::Contains("division by zero"));
  CHECK_THAT(outcomes[2], Catch::Contains("transaction is aborted"));

  // A statement the server cannot prepare, first in the pipeline: its own error; the read sent
  // after it fails with the transaction.
  std::vector<std::string> refused;
  auto unpreparable = [&]() -> task<void> {
    co_await async_session(a.db, [&]() -> task<void> {
      (void)co_await Category::aselect().count();
      std::vector<task<std::string>> reads;
      reads.push_back(outcome(detail::read_as_task([] {
        return static_cast<std::int64_t>(
            Product::select_by_sql("SELECT * FROM product WHERE nonsense = 1").size());
      })));
      reads.push_back(outcome(Product::aselect("p.price > 10").count()));
      refused = co_await when_all(std::move(reads));
    });
  };
  CHECK_THROWS_AS(run(unpreparable()), transaction_error);
  REQUIRE(refused.size() == 2);
  CHECK_THAT(refused[0], Catch::Contains("cannot prepare") && Catch::Contains("nonsense"));
  CHECK_THAT(refused[1], Catch::Contains("transaction is aborted"));
  // The refused statement was not kept as prepared: sent again, it is prepared again.
  refused.clear();
  CHECK_THROWS_AS(run(unpreparable()), transaction_error);
  REQUIRE(refused.size() == 2);
  CHECK_THAT(refused[0], Catch::Contains("cannot prepare"));

  // The same unpreparable statement three times together, in a transaction: the first
  // prepares it, the others only execute it, and each fails as its preparation did (not
  // "prepared statement does not exist"). As the session's first statements, the first runs
  // alone (it takes the connection and begins the transaction), the others together after it:
  // they fail with the transaction.
  for (const bool in_transaction : {true, false}) {
    std::vector<std::string> same;
    auto thrice = [&]() -> task<void> {
      co_await async_session(a.db, [&]() -> task<void> {
        if (in_transaction) (void)co_await Category::aselect().count();
        std::vector<task<std::string>> reads;
        for (int n = 0; n < 3; ++n) {
          reads.push_back(outcome(detail::read_as_task([] {
            return static_cast<std::int64_t>(
                Product::select_by_sql("SELECT * FROM product WHERE nonsense = 2").size());
          })));
        }
        same = co_await when_all(std::move(reads));
      });
    };
    CHECK_THROWS_AS(run(thrice()), transaction_error);
    REQUIRE(same.size() == 3);
    CHECK_THAT(same[0], Catch::Contains("cannot prepare") && Catch::Contains("nonsense") &&
                            Catch::Contains("42703"));
    for (std::size_t n = 1; n < same.size(); ++n) {
      CHECK_THAT(same[n], Catch::Contains(in_transaction ? "42703" : "25P02"));
    }
  }
}

TEST_CASE("a call that is not a read waits for the reads before it, and those after it wait",
          "[async]") {
  async_database a{"async_read_write_order"};
  seed(a.db);
  auto work = [&]() -> task<std::vector<std::int64_t>> {
    co_return co_await async_session(a.db, [&]() -> task<std::vector<std::int64_t>> {
      (void)co_await Product::aselect().count();
      std::vector<task<std::int64_t>> calls;
      calls.push_back(Product::aselect("p.price > 100").count());
      calls.push_back(detail::call_as_task([] {
        Product::get({{"name", "ball"}})->price = 500.0;
        flush();
        return std::int64_t{-1};
      }));
      calls.push_back(Product::aselect("p.price > 100").count());
      co_return co_await when_all(std::move(calls));
    });
  };
  CHECK(run(work()) == std::vector<std::int64_t>{0, -1, 1});
}

TEST_CASE("pipelined reads that libpq or the server refuse fail alone, the connection goes on",
          "[async]") {
  if (nextorm::testing::current_provider() != "postgres") return;  // (only it pipelines)
  async_database a{"async_pipelined_refusals", 1};
  seed(a.db);
  auto raw_read = [](std::string sql, std::vector<value> params = {}) {
    return detail::read_as_task([sql = std::move(sql), params = std::move(params)] {
      auto rows = detail::session_impl::current().connection().query(sql, params);
      std::int64_t n = 0;
      while (rows->next()) ++n;
      return n;
    });
  };
  // More parameters than the protocol carries: refused by libpq before anything is sent.
  auto too_many = [&]() -> task<std::vector<std::string>> {
    co_return co_await async_session(a.db, [&]() -> task<std::vector<std::string>> {
      (void)co_await Product::aselect().count();
      std::string sql = "SELECT 1 WHERE 1 IN ($1";
      for (int i = 2; i <= 70000; ++i) sql += ", $" + std::to_string(i);
      sql += ")";
      std::vector<task<std::string>> reads;
      reads.push_back(outcome(raw_read(sql, std::vector<value>(70000, value{1}))));
      reads.push_back(outcome(Product::aselect("p.price > 10").count()));
      co_return co_await when_all(std::move(reads));
    });
  };
  const auto refused = run(too_many());
  REQUIRE(refused.size() == 2);
  CHECK_THAT(refused[0], Catch::Contains("65535"));
  CHECK(refused[1] == "2");

  // A table changed under a prepared statement (0A000): refused once, prepared anew after.
  const std::string all = "SELECT * FROM product";
  auto read_all = [&]() -> task<std::int64_t> {
    co_return co_await async_session(
        a.db, [&]() -> task<std::int64_t> { co_return co_await raw_read(all); });
  };
  CHECK(run(read_all()) == 3);
  nextorm::testing::raw_connection(a.url)->execute_script(
      "ALTER TABLE product ADD COLUMN extra integer");
  CHECK_THROWS_WITH(run(read_all()), Catch::Contains("cached plan must not change result type"));
  CHECK(run(read_all()) == 3);
  // A statement the server forgot (DEALLOCATE ALL): refused once, prepared anew after.
  auto forget = [&]() -> task<void> {
    co_await async_session(a.db, [&]() -> task<void> {
      co_await async_call(
          [] { detail::session_impl::current().connection().execute_script("DEALLOCATE ALL"); });
    });
  };
  run(forget());
  CHECK_THROWS_WITH(run(read_all()), Catch::Contains("(SQLSTATE 26000)"));
  CHECK(run(read_all()) == 3);

  // A raw COPY, either way: refused, and the connection given up; the next session connects
  // anew.
  for (const std::string sql : {"COPY (SELECT 1) TO STDOUT", "COPY product (name) FROM STDIN"}) {
    auto copy = [&]() -> task<std::int64_t> {
      co_return co_await async_session(
          a.db, [&]() -> task<std::int64_t> { co_return co_await raw_read(sql); });
    };
    try {
      (void)run(copy());
      FAIL("a COPY ran");
    } catch (const database_error& e) {
      CHECK(e.id() == "postgres.copy_unsupported");
    }
    CHECK(run(read_all()) == 3);
  }

  // A statement bigger than the socket takes at once, first in the pipeline (its fiber sends the
  // rest while it waits for its answers) or behind another read (sent to its end at once).
  for (const bool first : {true, false}) {
    auto big = [&]() -> task<std::vector<std::string>> {
      co_return co_await async_session(a.db, [&]() -> task<std::vector<std::string>> {
        (void)co_await Product::aselect().count();
        (void)co_await detail::read_as_task([] {
          auto rows =
              detail::session_impl::current().connection().query("SELECT inet_client_port()", {});
          REQUIRE(rows->next());
          small_send_buffer_of_port(rows->get(0, value_type::integer).as_int());
          return 0;
        });
        std::vector<task<std::string>> reads;
        // (Behind a read that surely is in flight: the server sleeps before it answers.)
        if (!first) reads.push_back(outcome(raw_read("SELECT 1 FROM pg_sleep(0.2)")));
        reads.push_back(outcome(raw_read("SELECT length($1::text) WHERE length($1::text) > 0",
                                         {value{std::string(std::size_t{16} << 20, 'x')}})));
        reads.push_back(outcome(Product::aselect("p.price > 20").count()));
        co_return co_await when_all(std::move(reads));
      });
    };
    CHECK(run(big()) ==
          (first ? std::vector<std::string>{"1", "1"} : std::vector<std::string>{"1", "1", "1"}));
  }
}

TEST_CASE("reads wait while another call's statement holds the connection, and for it to end",
          "[async]") {
  async_database a{"async_turns_of_reads"};
  seed(a.db);
  auto raw = [](std::string sql, bool read) {
    return detail::read_as_task([sql = std::move(sql), read] {
      auto& connection = detail::session_impl::current().connection();
      if (!read) {
        connection.execute_script(sql);  // (a turn of its own on PostgreSQL)
        return std::int64_t{-1};
      }
      auto rows = connection.query(sql, {});
      std::int64_t n = 0;
      while (rows->next()) ++n;
      return n;
    });
  };
  auto work = [&]() -> task<std::vector<std::int64_t>> {
    co_return co_await async_session(a.db, [&]() -> task<std::vector<std::int64_t>> {
      (void)co_await Product::aselect().count();
      std::vector<task<std::int64_t>> calls;
      calls.push_back(raw("SELECT * FROM product", true));              // in flight first
      calls.push_back(raw("UPDATE product SET price = price", false));  // waits for it
      calls.push_back(raw("SELECT * FROM category", true));             // waits behind the script
      co_return co_await when_all(std::move(calls));
    });
  };
  CHECK(run(work()) == std::vector<std::int64_t>{3, -1, 2});
}

TEST_CASE("a write of a read that runs beside others waits for their answers", "[async]") {
  async_database a{"async_pipelined_write"};
  seed(a.db);
  auto work = [&]() -> task<std::vector<std::int64_t>> {
    co_return co_await async_session(a.db, [&]() -> task<std::vector<std::int64_t>> {
      auto ball = co_await Product::aget({{"name", "ball"}});
      std::vector<task<std::int64_t>> calls;
      auto two_reads = [] {
        return detail::read_as_task([] {
          const auto first = Product::select("p.price > 10").count();
          return first + Product::select("p.price > 20").count();
        });
      };
      calls.push_back(Product::aselect().count());
      // Reads, then writes (the flush before its next query), while the others are in flight.
      calls.push_back(detail::read_as_task([&] {
        (void)Category::select().count();
        ball->price = 99.0;
        return Product::select("p.price == 99").count();
      }));
      calls.push_back(two_reads());
      calls.push_back(two_reads());
      co_return co_await when_all(std::move(calls));
    });
  };
  // (Each of the two reads of the others sees the write or not, as its turn falls: 2 or 3
  // above 10, 1 or 2 above 20.)
  const auto counts = run(work());
  REQUIRE(counts.size() == 4);
  CHECK(counts[0] == 3);
  CHECK(counts[1] == 1);
  CHECK((counts[2] >= 3 && counts[2] <= 5));
  CHECK((counts[3] >= 3 && counts[3] <= 5));
  db_session session{a.db};
  CHECK(Product::get({{"name", "ball"}})->price == 99.0);
}

TEST_CASE("reads run together each see the session's changes made before their query", "[async]") {
  async_database a{"async_pipelined_flushes"};
  seed(a.db);
  auto work = [&]() -> task<std::vector<std::int64_t>> {
    co_return co_await async_session(a.db, [&]() -> task<std::vector<std::int64_t>> {
      auto ball = co_await Product::aget({{"name", "ball"}});
      auto read_twice = [] {
        return detail::read_as_task([] {
          (void)Category::select().count();
          // The change below is made while the count above is in flight: this query flushes
          // it first, or waits for the other read's flush of it.
          return Product::select("p.price == 99").count();
        });
      };
      auto change = [&]() -> task<std::int64_t> {
        try {
          ball->price = 99.0;
        } catch (const usage_error& e) {
          CHECK(e.id() == "session.call_in_progress");
          co_return -1;
        }
        co_return 0;
      };
      std::vector<task<std::int64_t>> calls;
      calls.push_back(read_twice());
      calls.push_back(read_twice());
      calls.push_back(change());
      co_return co_await when_all(std::move(calls));
    });
  };
  const auto counts = run(work());
  const std::string provider = nextorm::testing::current_provider();
  if (provider == "postgres") {
    CHECK(counts == std::vector<std::int64_t>{1, 1, 0});
  } else if (provider == "sqlite") {
    // The first read runs on a worker thread while the loop runs the change: refused, since
    // the worker reads and writes the session's objects meanwhile.
    CHECK(counts == std::vector<std::int64_t>{0, 0, -1});
  } else {
    // The reads take turns, and a statement may be answered before the loop runs the change
    // (MariaDB on this machine): the one after sees it if the one before did.
    REQUIRE(counts.size() == 3);
    CHECK(counts[0] <= counts[1]);
  }
  db_session session{a.db};
  CHECK(Product::get({{"name", "ball"}})->price == (provider == "sqlite" ? 3.0 : 99.0));
}

TEST_CASE("reads within statement limits take turns, a round trip each", "[async]") {
  async_database a{"async_limited_reads"};
  seed(a.db);
  std::uint64_t trips = 0;
  auto work = [&]() -> task<std::vector<std::int64_t>> {
    co_return co_await async_session(
        a.db, {.statement_timeout = std::chrono::seconds{30}},
        [&]() -> task<std::vector<std::int64_t>> {
          (void)co_await Product::aselect("p.price > x", {{"x", 0}}).count();  // prepared
          const std::uint64_t before = co_await round_trips();
          std::vector<task<std::int64_t>> reads;
          for (int n = 0; n < 3; ++n)
            reads.push_back(Product::aselect("p.price > x", {{"x", n * 10}}).count());
          auto counts = co_await when_all(std::move(reads));
          trips = co_await round_trips() - before;
          co_return counts;
        });
  };
  CHECK(run(work()) == std::vector<std::int64_t>{3, 2, 1});
  if (nextorm::testing::current_provider() == "postgres") CHECK(trips == 3);
}

namespace {

// Kills the server connection `victim` (a session's, once it is known: 0 until then) from a
// session of its own, after `more` further round trips (each one lets the other tasks go on).
task<void> kill_connection(database& db, const std::int64_t& victim, int more) {
  co_await async_session(db, [&db, &victim, more]() -> task<void> {
    (void)db;
    while (victim == 0) (void)co_await Product::aselect().count();
    for (int i = 0; i < more; ++i) (void)co_await Product::aselect().count();
    co_await async_call([&victim] {
      const std::string kill = nextorm::testing::current_provider() == "postgres"
                                   ? "SELECT pg_terminate_backend(" + std::to_string(victim) + ")"
                                   : "KILL " + std::to_string(victim);
      (void)detail::session_impl::current().connection().query(kill, {});
    });
  });
}

// Both tasks, together.
task<void> together(task<void> a, task<void> b) {
  std::vector<task<void>> tasks;
  tasks.push_back(std::move(a));
  tasks.push_back(std::move(b));
  co_await when_all(std::move(tasks));
}

// The products, counted in a new async session.
task<std::int64_t> count_in_new_session(database& db) {
  co_return co_await async_session(
      db, []() -> task<std::int64_t> { co_return co_await Product::aselect().count(); });
}

}  // namespace

TEST_CASE("a connection killed under pipelined reads fails each of them, and the pool goes on",
          "[async]") {
  if (nextorm::testing::current_provider() != "postgres") return;  // (only it pipelines)
  async_database a{"async_pipelined_killed", 4};
  seed(a.db);
  std::int64_t victim = 0;
  std::vector<std::string> outcomes;
  auto awaiting = [&]() -> task<void> {
    try {
      co_await async_session(a.db, [&]() -> task<void> {
        victim = co_await async_call([] {
          auto rows =
              detail::session_impl::current().connection().query("SELECT pg_backend_pid()", {});
          REQUIRE(rows->next());
          return rows->get(0, value_type::integer).as_int();
        });
        std::vector<task<std::string>> reads;
        reads.push_back(outcome(detail::read_as_task([] {
          return static_cast<std::int64_t>(Product::select_by_sql(slow_products(10)).size());
        })));
        reads.push_back(outcome(Product::aselect().count()));
        reads.push_back(outcome(Product::aselect("p.price > 10").count()));
        outcomes = co_await when_all(std::move(reads));
      });
    } catch (const connection_error&) {  // the session's end on the lost connection
    }
  };
  const auto started = std::chrono::steady_clock::now();
  // (One more round trip of the killer's: the reads are sent meanwhile.)
  run(together(awaiting(), kill_connection(a.db, victim, 1)));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{8});
  REQUIRE(outcomes.size() == 3);
  for (const auto& o : outcomes) CHECK_THAT(o, Catch::StartsWith("error: "));
  CHECK(run(count_in_new_session(a.db)) == 3);
}

TEST_CASE("a change made while the session's flush awaits the database is refused, never lost",
          "[async]") {
  async_database a{"async_change_in_flush"};
  seed(a.db);
  std::string refusal;
  auto work = [&]() -> task<void> {
    co_await async_session(a.db, [&]() -> task<void> {
      auto ball = co_await Product::aget({{"name", "ball"}});
      auto saw = co_await Product::aget({{"name", "saw"}});
      ball->price = 1.0;
      auto other_task = [&]() -> task<void> {
        try {
          saw->price = 2.0;  // while the flush's UPDATE is in flight, or after it
        } catch (const usage_error& e) {
          refusal = e.id();
        }
        co_return;
      };
      std::vector<task<void>> both;
      both.push_back(aflush());
      both.push_back(other_task());
      co_await when_all(std::move(both));
    });
  };
  run(work());
  db_session session{a.db};
  CHECK(Product::get({{"name", "ball"}})->price == 1.0);
  const double saw = Product::get({{"name", "saw"}})->price;
  // (PostgreSQL always waits for the UPDATE's answer; MariaDB's may come before the wait.
  // SQLite's flush runs on a worker thread: any change from the loop meanwhile is refused.)
  if (nextorm::testing::current_provider() == "postgres") {
    CHECK(refusal == "session.flush_in_progress");
  }
  if (nextorm::testing::current_provider() == "sqlite") {
    CHECK(refusal == "session.call_in_progress");
  }
  // Refused, or made after the flush and written at the session's end: never dropped.
  CHECK(saw == (refusal.empty() ? 2.0 : 30.0));
}

TEST_CASE("async_call runs synchronous code of the session without blocking the loop", "[async]") {
  async_database a{"async_call"};
  seed(a.db);
  auto work = [&]() -> task<std::string> {
    co_return co_await async_session(a.db, [&]() -> task<std::string> {
      auto ball = co_await Product::aget({{"name", "ball"}});
      // The category is loaded on first use: inside async_call, on the session's connection.
      co_return co_await async_call([&] { return std::string{ball->category->name}; });
    });
  };
  CHECK(run(work()) == "toys");
}

TEST_CASE("awaited query errors reach the task with the query's caret", "[async]") {
  async_database a{"async_errors"};
  auto work = [&]() -> task<void> {
    co_await async_session(
        a.db, [&]() -> task<void> { (void)co_await Product::aselect("p.prize < 3").fetch(); });
  };
  try {
    run(work());
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(std::string{e.what()}.find("price") != std::string::npos);  // the nearest name
  }
}

TEST_CASE("an awaited query outside an async session is session.none", "[async]") {
  async_database a{"async_no_session"};
  auto work = [&]() -> task<std::int64_t> { co_return co_await Product::aselect().count(); };
  try {
    (void)run(work());
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(e.id() == "session.none");
  }
  // A db_session of the thread is not the tasks' either, and is current again after.
  db_session session{a.db};
  CHECK_THROWS_AS(run(work()), usage_error);
  CHECK(Product::select().count() == 0);
}

TEST_CASE("the deepest query the parser accepts compiles on an async call's stack", "[async]") {
  async_database a{"async_deep"};
  seed(a.db);
  std::string condition = "p.price > 0";
  for (int i = 0; i < 95; ++i) condition = "(" + condition + ")";
  auto work = [&]() -> task<std::int64_t> {
    co_return co_await async_session(a.db, [&]() -> task<std::int64_t> {
      co_return co_await Product::aselect(condition).count();
    });
  };
  CHECK(run(work()) == 3);
}

TEST_CASE("an empty task is refused by run", "[async]") {
  CHECK_THROWS_AS(run(task<int>{}), usage_error);
}

TEST_CASE("a statement of an async session outside an awaited call is async.blocking_call",
          "[async]") {
  async_database a{"async_blocking"};
  seed(a.db);
  auto work = [&]() -> task<std::string> {
    co_return co_await async_session(a.db, [&]() -> task<std::string> {
      auto ball = co_await Product::aget({{"name", "ball"}});
      try {
        (void)Product::select().count();  // would block the loop
        FAIL("no error");
      } catch (const usage_error& e) {
        CHECK(e.id() == "async.blocking_call");
      }
      try {
        (void)std::string{ball->category->name};  // a lazy load, the same
        FAIL("no error");
      } catch (const usage_error& e) {
        CHECK(e.id() == "async.blocking_call");
      }
      // What needs no statement is fine: the identity map, a new object.
      auto again = co_await Product::aat(ball->key());
      CHECK(again.get() == ball.get());
      co_return std::string{ball->name};
    });
  };
  CHECK(run(work()) == "ball");
}

TEST_CASE("a database binds and maps its tables awaited", "[async]") {
  const std::string url = nextorm::testing::fresh_database_url("async_bind");
  {
    database db;
    auto work = [&]() -> task<std::int64_t> {
      co_await db.abind(url);
      co_await db.agenerate_mapping<Category, Product>({.create_tables = true});
      co_return co_await async_session(db, [&]() -> task<std::int64_t> {
        (void)Category::create({{"name", "books"}});
        co_return co_await Category::aselect().count();
      });
    };
    CHECK(run(work()) == 1);
  }
  nextorm::testing::discard_database(url);
}

namespace {

// A coroutine type that is no NextORM task (as another library's would be): it runs at once and
// keeps what it ends with.
struct foreign_coroutine {
  struct promise_type {
    std::exception_ptr failure;
    std::int64_t value = -1;
    foreign_coroutine get_return_object() {
      return foreign_coroutine{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_value(std::int64_t v) { value = v; }
    void unhandled_exception() { failure = std::current_exception(); }
  };
  explicit foreign_coroutine(std::coroutine_handle<promise_type> h) : handle{h} {}
  foreign_coroutine(foreign_coroutine&& other) noexcept : handle{std::exchange(other.handle, {})} {}
  foreign_coroutine& operator=(foreign_coroutine&&) = delete;
  ~foreign_coroutine() {
    if (handle) handle.destroy();
  }
  std::coroutine_handle<promise_type> handle;
};

foreign_coroutine count_from_elsewhere() {
  co_return co_await async_call([] { return std::int64_t{1}; });
}

}  // namespace

TEST_CASE("an awaited call from a coroutine that no NextORM loop runs is async.no_loop",
          "[async]") {
  async_database a{"async_no_loop"};
  foreign_coroutine c = count_from_elsewhere();
  REQUIRE(c.handle.done());
  REQUIRE(c.handle.promise().failure);
  try {
    std::rethrow_exception(c.handle.promise().failure);
  } catch (const usage_error& e) {
    CHECK(e.id() == "async.no_loop");
  }
}

TEST_CASE("calls of one session that need no statement take their turn and go on at once",
          "[async]") {
  async_database a{"async_turns_at_once"};
  seed(a.db);
  auto work = [&]() -> task<std::vector<std::int64_t>> {
    co_return co_await async_session(a.db, [&]() -> task<std::vector<std::int64_t>> {
      auto ball = co_await Product::aget({{"name", "ball"}});
      const value key = ball->key();
      auto count_of = [](task<entity_ptr<Product>> t) -> task<std::int64_t> {
        co_return (co_await std::move(t)) ? 1 : 0;
      };
      std::vector<task<std::int64_t>> calls;
      calls.push_back(Product::aselect().count());   // a statement: the others wait for it
      calls.push_back(count_of(Product::aat(key)));  // the identity map: no statement
      calls.push_back(count_of(Product::aat(key)));
      calls.push_back(Product::aselect("p.price > 10").count());
      co_return co_await when_all(std::move(calls));
    });
  };
  CHECK(run(work()) == std::vector<std::int64_t>{3, 1, 1, 2});
}

TEST_CASE("a connection killed while a task awaits is connection_lost, and the pool goes on",
          "[async]") {
  const std::string provider = nextorm::testing::current_provider();
  if (provider == "sqlite") return;  // no server to lose
  async_database a{"async_killed", 4};
  seed(a.db);
  std::int64_t victim = 0;  // the server's id of the awaiting session's connection
  std::string failure;
  auto awaiting = [&]() -> task<void> {
    try {
      co_await async_session(a.db, [&]() -> task<void> {
        victim = co_await async_call([&] {
          auto& connection = detail::session_impl::current().connection();
          auto rows = connection.query(
              provider == "postgres" ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()", {});
          REQUIRE(rows->next());
          return rows->get(0, value_type::integer).as_int();
        });
        // Killed while the server sleeps on it.
        co_await async_call([&] {
          (void)detail::session_impl::current().connection().query(
              provider == "postgres" ? "SELECT pg_sleep(10)" : "SELECT SLEEP(10)", {});
        });
      });
    } catch (const connection_lost& e) {
      failure = e.id();
    }
  };
  const auto started = std::chrono::steady_clock::now();
  run(together(awaiting(), kill_connection(a.db, victim, 0)));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{8});
  CHECK_FALSE(failure.empty());
  // The broken connection left the pool; the next session connects anew.
  CHECK(run(count_in_new_session(a.db)) == 3);
}

TEST_CASE("awaiting an empty task is async.empty_task, also as an async session's body",
          "[async]") {
  async_database a{"async_empty"};
  auto await_empty = []() -> task<int> { co_return co_await task<int>{}; };
  CHECK_THROWS_AS(run(await_empty()), usage_error);
  auto empty_body = [&]() -> task<void> {
    co_await async_session(a.db, [] { return task<void>{}; });
  };
  try {
    run(empty_body());
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(e.id() == "async.empty_task");
  }
}

TEST_CASE("a call that waited for a place in the pool and needs no statement goes on at once",
          "[async]") {
  async_database a{"async_granted", 1};
  seed(a.db);
  auto holder = [&]() -> task<std::int64_t> {
    co_return co_await async_session(a.db, [&]() -> task<std::int64_t> {
      const std::int64_t n = co_await Product::aselect().count();  // takes the one place
      co_await async_call(
          [] { (void)detail::session_impl::current().connection().query(slow_statement(), {}); });
      co_return n;
    });
  };
  auto waiter = [&]() -> task<std::int64_t> {
    co_return co_await async_session(a.db, [&]() -> task<std::int64_t> {
      // Its first call waits for the holder's place, then runs without a statement.
      co_return co_await async_call([] { return std::int64_t{7}; });
    });
  };
  auto both = [&]() -> task<std::vector<std::int64_t>> {
    std::vector<task<std::int64_t>> tasks;
    tasks.push_back(holder());
    tasks.push_back(waiter());
    co_return co_await when_all(std::move(tasks));
  };
  CHECK(run(both()) == std::vector<std::int64_t>{3, 7});
  CHECK(a.db.impl().open_connections() == 1);
}

TEST_CASE("an awaited statement past its session's statement_timeout is cancelled on the server",
          "[async]") {
  async_database a{"async_timeout", 2};
  seed(a.db);
  std::vector<std::string> log;
  std::string failure;
  auto slow = [&]() -> task<void> {
    try {
      co_await async_session(
          a.db, {.statement_timeout = std::chrono::milliseconds{300}}, [&]() -> task<void> {
            co_await async_call([] { (void)Category::create({{"name", "garden"}}); });
            co_await aflush();
            (void)co_await async_call([] { return Product::select_by_sql(slow_products(30)); });
            log.push_back("slow statement ended");
          });
    } catch (const statement_cancelled& e) {
      failure = e.id();
      log.push_back("slow session cancelled");
    }
  };
  auto quick = [&]() -> task<void> {
    co_await async_session(a.db, [&]() -> task<void> {
      for (int i = 0; i < 3; ++i) CHECK(co_await Product::aselect().count() == 3);
      log.push_back("quick session done");
    });
  };
  auto both = [&]() -> task<void> {
    std::vector<task<void>> tasks;
    tasks.push_back(slow());
    tasks.push_back(quick());
    co_await when_all(std::move(tasks));
  };
  const auto started = std::chrono::steady_clock::now();
  run(both());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{15});
  CHECK(failure == "statement.timeout");
  // The other session went on while the slow one waited (on SQLite, on another worker).
  CHECK(log == std::vector<std::string>{"quick session done", "slow session cancelled"});
  // Rolled back: the category it had flushed is not there.
  db_session session{a.db};
  CHECK(Category::select().count() == 2);
}

TEST_CASE("reads waiting beside a read that is cancelled fail with the session, unsent",
          "[async]") {
  async_database a{"async_timeout_beside", 1};
  seed(a.db);
  std::vector<std::string> outcomes;
  auto work = [&]() -> task<void> {
    co_await async_session(
        a.db, {.statement_timeout = std::chrono::milliseconds{300}}, [&]() -> task<void> {
          (void)co_await Product::aselect().count();  // the connection held
          std::vector<task<std::string>> reads;
          reads.push_back(outcome(detail::read_as_task(
              [] { return std::int64_t(Product::select_by_sql(slow_products(30)).size()); })));
          reads.push_back(outcome(Product::aselect("p.price > 10").count()));
          reads.push_back(outcome(found(Product::aat(1))));
          outcomes = co_await when_all(std::move(reads));
        });
  };
  CHECK_THROWS_WITH(run(work()), Catch::Contains("session.cancelled"));
  REQUIRE(outcomes.size() == 3);
  CHECK_THAT(outcomes[0], Catch::Contains("statement.timeout"));
  CHECK_THAT(outcomes[1], Catch::Contains("session.cancelled"));
  CHECK_THAT(outcomes[2], Catch::Contains("session.cancelled"));
}

TEST_CASE("a stop requested by another task cancels the statement an async session awaits",
          "[async]") {
  async_database a{"async_stop", 2};
  seed(a.db);
  std::stop_source stop;
  bool sent = false;
  std::string failure;
  auto stoppable = [&]() -> task<void> {
    // (Named, not braced in the co_await: g++ 12 destroys such a temporary's stop_token twice.)
    const session_options options{.stop = stop.get_token()};
    try {
      co_await async_session(a.db, options, [&]() -> task<void> {
        CHECK(co_await Product::aselect().count() == 3);
        sent = true;
        (void)co_await async_call([] { return Product::select_by_sql(slow_products(30)); });
      });
    } catch (const statement_cancelled& e) {
      failure = e.id();
    }
  };
  auto stopper = [&]() -> task<void> {
    co_await async_session(a.db, [&]() -> task<void> {
      while (!sent) (void)co_await Product::aselect().count();  // (each one yields)
      // Once more: the slow statement is on its way by then.
      (void)co_await Product::aselect().count();
      stop.request_stop();
    });
  };
  auto both = [&]() -> task<void> {
    std::vector<task<void>> tasks;
    tasks.push_back(stoppable());
    tasks.push_back(stopper());
    co_await when_all(std::move(tasks));
  };
  const auto started = std::chrono::steady_clock::now();
  run(both());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{15});
  CHECK(failure == "statement.cancelled");
  // The pool goes on.
  auto after = [&]() -> task<std::int64_t> {
    co_return co_await async_session(
        a.db, [&]() -> task<std::int64_t> { co_return co_await Product::aselect().count(); });
  };
  CHECK(run(after()) == 3);
}

TEST_CASE("an async session commits and rolls back midway with acommit and arollback", "[async]") {
  async_database a{"async_commit_midway"};
  seed(a.db);
  auto work = [&]() -> task<std::int64_t> {
    co_return co_await async_session(a.db, [&]() -> task<std::int64_t> {
      (void)Category::create({{"name", "garden"}});
      co_await acommit();  // kept whatever follows
      (void)Category::create({{"name", "kitchen"}});
      co_await aflush();
      co_await arollback();  // the kitchen goes
      co_return co_await Category::aselect().count();
    });
  };
  CHECK(run(work()) == 3);
  db_session session{a.db};
  CHECK(Category::select().count() == 3);
  CHECK_FALSE(Category::exists({{"name", "kitchen"}}));
}
