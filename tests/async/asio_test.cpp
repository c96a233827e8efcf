// The Asio adapter per provider: NextORM tasks awaited from asio::awaitable coroutines on an
// io_context, their database waits on that io_context (other Asio work goes on meanwhile), the
// task resumed on the io_context's thread, and its exception brought back.
#include <nextorm/asio.hpp>
#include <nextorm/nextorm.hpp>

#include <catch2/catch.hpp>

#include "session/session_impl.hpp"
#include "test_databases.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace nextorm;

namespace {

struct Gadget : entity<Gadget> {
  Req<std::string> name{"name"};
  Req<double> price{"price"};
};

// A statement the server takes 100 ms to answer (none on SQLite, whose calls run on workers).
std::string slow_statement() {
  const std::string provider = nextorm::testing::current_provider();
  if (provider == "postgres") return "SELECT pg_sleep(0.1)";
  if (provider == "mariadb") return "SELECT SLEEP(0.1)";
  return "SELECT 1";
}

}  // namespace

TEST_CASE("an asio::awaitable awaits NextORM tasks on its io_context", "[asio]") {
  const std::string url = nextorm::testing::fresh_database_url("asio_await");
  {
    database db;
    asio::io_context io;
    std::vector<std::string> log;
    std::thread::id resumed_on;
    auto count_after_insert = [&]() -> task<std::int64_t> {
      co_await db.abind(url);
      co_await db.agenerate_mapping<Gadget>({.create_tables = true});
      co_return co_await async_session(db, [&]() -> task<std::int64_t> {
        (void)Gadget::create({{"name", "lamp"}, {"price", 20.0}});
        co_await async_call(
            [] { (void)detail::session_impl::current().connection().query(slow_statement(), {}); });
        log.push_back("database answered");
        resumed_on = std::this_thread::get_id();
        co_return co_await Gadget::aselect("g.price > 10").count();
      });
    };
    std::int64_t counted = -1;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          counted = co_await nextorm::asio_await(count_after_insert());
        },
        asio::detached);
    // Other Asio work of the same io_context runs while the task waits for its database.
    asio::steady_timer timer{io, std::chrono::milliseconds{20}};
    timer.async_wait([&](const asio::error_code&) { log.push_back("timer"); });
    io.run();
    CHECK(counted == 1);
    CHECK(resumed_on == std::this_thread::get_id());  // the io_context's thread, not a worker
    if (nextorm::testing::current_provider() != "sqlite") {
      CHECK(log == std::vector<std::string>{"timer", "database answered"});
    }
  }
  nextorm::testing::discard_database(url);
}

TEST_CASE("a task's exception reaches the asio::awaitable that awaits it", "[asio]") {
  asio::io_context io;
  std::string caught;
  auto failing = []() -> task<int> {
    throw std::runtime_error("no such gadget");
    co_return 0;
  };
  auto nothing = []() -> task<void> { co_return; };
  bool void_done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        (void)co_await nextorm::asio_await(nothing());
        void_done = true;
        try {
          (void)co_await nextorm::asio_await(failing());
        } catch (const std::runtime_error& e) {
          caught = e.what();
        }
      },
      asio::detached);
  io.run();
  CHECK(void_done);
  CHECK(caught == "no such gadget");
}
