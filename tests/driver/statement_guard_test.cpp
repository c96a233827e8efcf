// The statement guard on its own (src/driver/statement_guard.hpp): deadlines, the cancel sent
// and sent again, the grace after which a statement is given up, a stop requested from another
// thread, and SQLite's progress-handler side. A "statement" here waits as a driver does: for
// what wait_limit() allows, then asks expired().
#include "driver/statement_guard.hpp"

#include <nextorm/errors.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stop_token>
#include <string>
#include <thread>

using namespace nextorm;
using namespace nextorm::driver;
using namespace std::chrono_literals;

namespace {

constexpr guard_periods quick{.grace = 200ms, .resend = 20ms, .check = 10ms};

// Waits as a driver would until `answered` says the server answered; returns 42.
template <class Answered>
int wait_until(statement_guard& g, Answered answered) {
  while (!answered()) {
    const auto limit = g.wait_limit(std::nullopt);
    REQUIRE(limit.has_value());
    std::this_thread::sleep_for(*limit);
    const bool guards = g.expired();  // (may throw: the grace has passed)
    REQUIRE(guards);
  }
  return 42;
}

std::string id_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const error& e) {
    return e.id();
  }
  return "";
}

}  // namespace

TEST_CASE("a guard without limits runs the statement and never limits a wait", "[guard]") {
  int cancels = 0;
  statement_guard g{[&] { ++cancels; }, quick};
  CHECK_FALSE(g.active());
  CHECK(g.run("SELECT 1", [] { return 7; }) == 7);
  CHECK(g.wait_limit(std::nullopt) == std::nullopt);
  CHECK(g.wait_limit(5ms) == 5ms);
  CHECK_FALSE(g.expired());
  CHECK(cancels == 0);
}

TEST_CASE("a statement past its deadline is cancelled, then throws statement.timeout", "[guard]") {
  std::atomic<int> cancels = 0;
  statement_guard g{[&] { ++cancels; }, quick};
  g.set({.timeout = 30ms});
  REQUIRE(g.active());
  // The server answers once the cancel has reached it: the statement throws however it ended.
  const std::string id = id_of([&] {
    (void)g.run("SELECT slow", [&] { return wait_until(g, [&] { return cancels > 0; }); });
  });
  CHECK(id == "statement.timeout");
  CHECK(cancels == 1);
  CHECK(g.cancelled());
  g.rolled_back();
  CHECK_FALSE(g.cancelled());
  // The next statement has a deadline of its own, and one that ends in time is untouched.
  CHECK(g.run("SELECT quick", [] { return 1; }) == 1);
  CHECK(cancels == 1);
}

TEST_CASE("a cancel that the server does not answer is sent again, and the grace gives it up",
          "[guard]") {
  std::atomic<int> cancels = 0;
  statement_guard g{[&] { ++cancels; }, quick};
  g.set({.timeout = 20ms});
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)g.run("SELECT never", [&] { return wait_until(g, [] { return false; }); });
    FAIL("the grace did not end the statement");
  } catch (const statement_cancelled& e) {
    CHECK(e.timed_out());
    CHECK_THAT(e.what(), Catch::Contains("'SELECT never'") && Catch::Contains("20 ms"));
  }
  CHECK(std::chrono::steady_clock::now() - start >= 220ms);
  CHECK(cancels >= 3);  // the first, then every 20 ms of the 200 ms grace
  CHECK(g.cancelled());
}

TEST_CASE("a wait the driver wants shorter than the limit is the driver's own", "[guard]") {
  statement_guard g{{}, quick};
  g.set({.timeout = 10s});
  (void)g.run("SELECT 1", [&] {
    CHECK(g.wait_limit(5ms) == 5ms);
    CHECK_FALSE(g.expired());  // Connector/C's own time limit: not the guard's
    const auto limit = g.wait_limit(1h);
    REQUIRE(limit.has_value());
    CHECK(*limit <= 10s);
    return 0;
  });
  // A statement within a statement (one deadline): runs as it is.
  CHECK(g.run("outer", [&] { return g.run("inner", [] { return 3; }); }) == 3);
  // And the void form.
  bool ran = false;
  g.run("SELECT void", [&] { ran = true; });
  CHECK(ran);
}

TEST_CASE("a failing statement that was not cancelled throws its own error", "[guard]") {
  statement_guard g{{}, quick};
  g.set({.timeout = 10s});
  CHECK(id_of([&] {
          g.run("SELECT bad", [] { throw usage_error("test.own", "its own error"); });
        }) == "test.own");
  CHECK_FALSE(g.cancelled());
}

TEST_CASE("a stop requested from another thread cancels the running statement", "[guard]") {
  std::atomic<int> cancels = 0;
  std::stop_source stop;
  statement_guard g{[&] { ++cancels; }, quick};
  g.set({.timeout = 10s, .stop = stop.get_token()});
  std::atomic<bool> running = false;
  std::jthread stopper{[&] {
    while (!running) std::this_thread::yield();
    std::this_thread::sleep_for(30ms);
    stop.request_stop();  // sends the cancel from this thread
  }};
  const std::string id = id_of([&] {
    (void)g.run("SELECT slow", [&] {
      running = true;
      return wait_until(g, [&] { return cancels > 0; });
    });
  });
  CHECK(id == "statement.cancelled");
  CHECK(cancels == 1);
  // Every statement after a stop is refused before anything is sent.
  bool sent = false;
  CHECK(id_of([&] { g.run("SELECT after", [&] { sent = true; }); }) == "statement.cancelled");
  CHECK_FALSE(sent);
}

TEST_CASE("a stop's cancel that the server ignores is sent again by the statement's thread",
          "[guard]") {
  std::atomic<int> cancels = 0;
  std::stop_source stop;
  statement_guard g{[&] { ++cancels; }, quick};
  g.set({.stop = stop.get_token()});
  std::jthread stopper{[&] {
    std::this_thread::sleep_for(30ms);
    stop.request_stop();
  }};
  const std::string id = id_of([&] {
    (void)g.run("SELECT slow", [&] { return wait_until(g, [&] { return cancels >= 3; }); });
  });
  CHECK(id == "statement.cancelled");
}

TEST_CASE("a statement that ends while another thread sends its cancel waits for the cancel",
          "[guard]") {
  std::atomic<bool> sending = false;
  std::atomic<bool> sent = false;
  std::stop_source stop;
  statement_guard g{[&] {
                      sending = true;
                      std::this_thread::sleep_for(100ms);
                      sent = true;
                    },
                    quick};
  g.set({.stop = stop.get_token()});
  std::atomic<bool> running = false;
  std::jthread stopper{[&] {
    while (!running) std::this_thread::yield();
    stop.request_stop();
  }};
  const std::string id = id_of([&] {
    (void)g.run("SELECT slow", [&] {
      running = true;
      // The answer comes while the cancel is still being sent; the statement's slices meanwhile
      // see it under way.
      return wait_until(g, [&] { return sending.load(); });
    });
  });
  CHECK(sent);  // run() returned only once the cancel was out
  CHECK(id == "statement.cancelled");
}

TEST_CASE("a guard without a cancel function only marks the statement stopped", "[guard]") {
  std::stop_source stop;
  statement_guard g{{}, quick};
  g.set({.stop = stop.get_token()});
  const std::string id = id_of([&] {
    (void)g.run("SELECT x", [&] {
      stop.request_stop();
      return 1;
    });
  });
  CHECK(id == "statement.cancelled");
}

TEST_CASE("SQLite's side: a progress handler stops a statement past its deadline or stopped",
          "[guard]") {
  statement_guard g;
  CHECK_FALSE(g.should_stop());  // not armed
  g.set({.timeout = 20ms});
  g.arm("SELECT slow");
  CHECK_FALSE(g.should_stop());
  CHECK_FALSE(g.interrupted());
  std::this_thread::sleep_for(30ms);
  CHECK(g.should_stop());
  REQUIRE(g.interrupted());
  CHECK(id_of([&] { g.throw_cancelled(); }) == "statement.timeout");
  g.disarm();
  CHECK_FALSE(g.should_stop());  // a rollback is never interrupted

  std::stop_source stop;
  g.set({.stop = stop.get_token()});
  g.arm("SELECT slow");
  CHECK_FALSE(g.should_stop());
  stop.request_stop();
  CHECK(g.should_stop());
  CHECK(id_of([&] { g.throw_cancelled(); }) == "statement.cancelled");
  // Armed once the stop was requested: refused at once.
  CHECK(id_of([&] { g.arm("SELECT next"); }) == "statement.cancelled");
}

TEST_CASE("a stop requested before the limits were set finds nothing to cancel", "[guard]") {
  int cancels = 0;
  std::stop_source stop;
  stop.request_stop();
  statement_guard g{[&] { ++cancels; }, quick};
  g.set({.stop = stop.get_token()});  // the callback runs at once: no statement runs
  CHECK(cancels == 0);
  CHECK(id_of([&] { (void)g.run("SELECT 1", [] { return 1; }); }) == "statement.cancelled");
  CHECK(cancels == 0);
}

TEST_CASE("a statement that fails after its cancel throws statement_cancelled, not its error",
          "[guard]") {
  std::atomic<int> cancels = 0;
  statement_guard g{[&] { ++cancels; }, quick};
  g.set({.timeout = 20ms});
  // The server's answer to a cancel is an error of its own (57014, 1317): the guard's is thrown.
  CHECK(id_of([&] {
          (void)g.run("SELECT slow", [&]() -> int {
            (void)wait_until(g, [&] { return cancels > 0; });
            throw usage_error("test.server", "canceling statement due to user request");
          });
        }) == "statement.timeout");
  g.rolled_back();
  // The same for a statement that gives nothing back.
  CHECK(id_of([&] {
          g.run("UPDATE slow", [&] { (void)wait_until(g, [&] { return cancels > 1; }); });
        }) == "statement.timeout");
  // finish() of a statement that ended in time does nothing.
  g.start("SELECT 1");
  g.finish();
  CHECK(cancels == 2);
}
