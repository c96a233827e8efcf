// Concurrent writers: PonyORM's optimistic checks (an UPDATE or DELETE checks that the row still
// holds what the session read, so that no change is lost without a word), the version
// attribute, and transact()'s reruns. "Another transaction" is a second database object bound
// to the same database (its own pool, so its own connection), or other threads.
#include "session_fixture.hpp"

#include "session/session_impl.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace session_test;

namespace {

struct Account : entity<Account> {
  Req<std::string> owner{"owner"};
  Req<std::int64_t> balance{"balance"};
  Opt<std::string> note{"note", optimistic{false}};
  Opt<double> rate{"rate"};  // a float: not checked unless asked (PonyORM's default)
  Opt<std::int64_t> visits{"visits", volatile_};
};

struct Ledger : entity<Ledger> {
  Req<std::string> name{"name"};
  Req<std::int64_t> total{"total"};
  Req<std::int64_t> version{"version", row_version};
};

class accounts : public fresh_database<Account, Ledger> {
 public:
  accounts() : fresh_database{"concurrency"} {
    other.bind(url());
    other.generate_mapping<Account, Ledger>();
    db_session session{db};
    (void)Account::create({{"owner", "ann"}, {"balance", 100}, {"rate", 0.5}});
    (void)Ledger::create({{"name", "main"}, {"total", 0}});
  }
  // SQLite locks the whole database: a transaction that read blocks another's commit until it
  // ends, so a second writer waits instead of changing the row under the first.
  [[nodiscard]] bool row_locking() const { return nextorm::testing::current_provider() != "sqlite"; }
  // What another program does meanwhile: its own session, committed.
  template <class F>
  void meanwhile(F&& change) {
    db_session session{other};
    change();
  }
  // A change made through the session's own connection, as a trigger would make it: seen at
  // once on every provider (SQLite too).
  void behind(const std::string& set) {
    auto& connection = detail::session_impl::current().connection();
    (void)connection.execute("UPDATE " + table("Account") + " SET " + set, {});
  }

  database other;
};

}  // namespace

TEST_CASE_METHOD(accounts, "a row changed after the session read it fails the commit, writing nothing",
                 "[concurrency]") {
  if (!row_locking()) {
    // SQLite: the change comes from inside the transaction instead.
    auto run = [&] {
      db_session session{db};
      Account& a = Account::at(1);
      const std::int64_t balance = a.balance;
      behind(quote("balance") + " = 150");
      (void)Account::create({{"owner", "bob"}, {"balance", 1}});
      a.balance = balance - 30;
    };
    CHECK_THROWS_WITH(run(), Catch::StartsWith("session.optimistic_check: Account[1] was changed "
                                               "by another transaction after this session read "
                                               "it: balance (100 -> 150)"));
    CHECK(count("Account") == 1);
    return;
  }
  auto run = [&] {
    db_session session{db};
    Account& a = Account::at(1);
    const std::int64_t balance = a.balance;
    meanwhile([] { Account::at(1).balance = 150; });
    (void)Account::create({{"owner", "bob"}, {"balance", 1}});
    a.balance = balance - 30;
  };
  CHECK_THROWS_AS(run(), optimistic_check_error);
  // The other transaction's change is kept, and nothing of the failed session is written.
  CHECK(scalar("SELECT " + quote("balance") + " FROM " + table("Account"), value_type::integer) ==
        value{150});
  CHECK(count("Account") == 1);
  // The error names what changed.
  try {
    run();
  } catch (const optimistic_check_error& e) {
    CHECK(e.id() == "session.optimistic_check");
    CHECK_THAT(e.message(), Catch::Contains("Account[1]") &&
                                Catch::Contains("balance (150 -> 150)") &&
                                Catch::Contains("nothing of this session was written"));
  }
}

TEST_CASE_METHOD(accounts, "only what the session read is checked, and only what it changed is written",
                 "[concurrency]") {
  db_session session{db};
  Account& a = Account::at(1);
  CHECK(a.owner.get() == "ann");
  if (row_locking()) {
    meanwhile([] { Account::at(1).balance = 250; });
  } else {
    behind(quote("balance") + " = 250");
  }
  // The balance was never read here: the other change stands, and this one is added to it.
  a.owner = "anne";
  session.commit();
  CHECK(scalar("SELECT " + quote("balance") + " FROM " + table("Account"), value_type::integer) ==
        value{250});
  CHECK(scalar("SELECT " + quote("owner") + " FROM " + table("Account")) == value{"anne"});
}

TEST_CASE_METHOD(accounts, "a value written without being read is the last writer's",
                 "[concurrency]") {
  db_session session{db};
  Account& a = Account::at(1);
  CHECK(a.owner.get() == "ann");
  if (row_locking()) {
    meanwhile([] { Account::at(1).balance = 250; });
  } else {
    behind(quote("balance") + " = 250");
  }
  a.balance = 7;  // set, not read first: PonyORM checks nothing
  // Reading it after the change does not make it checked either.
  CHECK(a.balance.get() == 7);
  session.commit();
  CHECK(scalar("SELECT " + quote("balance") + " FROM " + table("Account"), value_type::integer) ==
        value{7});
}

TEST_CASE_METHOD(accounts, "optimistic{false}, float, volatile attributes and optimistic=false sessions are not checked",
                 "[concurrency]") {
  {
    db_session session{db};
    Account& a = Account::at(1);
    (void)a.note.has_value();
    (void)a.rate.get();
    (void)a.visits.has_value();
    behind(quote("note") + " = 'theirs', " + quote("rate") + " = 0.25, " + quote("visits") +
           " = 9");
    a.owner = "ann 2";
  }
  CHECK(scalar("SELECT " + quote("owner") + " FROM " + table("Account")) == value{"ann 2"});
  {
    db_session session{db, {.optimistic = false}};
    Account& a = Account::at(1);
    (void)a.balance.get();
    behind(quote("balance") + " = 1");
    a.owner = "ann 3";
  }
  CHECK(scalar("SELECT " + quote("owner") + " FROM " + table("Account")) == value{"ann 3"});
  CHECK(scalar("SELECT " + quote("balance") + " FROM " + table("Account"), value_type::integer) ==
        value{1});
}

TEST_CASE_METHOD(accounts, "a removed object checks what was read; a row already gone is no error",
                 "[concurrency]") {
  {
    db_session session{db};
    Account& a = Account::at(1);
    CHECK(a.balance.get() == 100);
    behind(quote("balance") + " = 90");
    a.remove();
    CHECK_THROWS_WITH(session.flush(), Catch::Contains("balance (100 -> 90)"));
  }
  CHECK(count("Account") == 1);
  {
    db_session session{db};
    Account& a = Account::at(1);
    CHECK(a.balance.get() == 100);  // (the change behind the session was rolled back with it)
    (void)detail::session_impl::current().connection().execute(
        "DELETE FROM " + table("Account"), {});
    a.remove();
  }
  CHECK(count("Account") == 0);
}

TEST_CASE_METHOD(accounts, "an update of a row deleted meanwhile fails", "[concurrency]") {
  db_session session{db};
  Account& a = Account::at(1);
  (void)detail::session_impl::current().connection().execute("DELETE FROM " + table("Account"),
                                                              {});
  a.owner = "ghost";
  CHECK_THROWS_WITH(session.flush(),
                    Catch::StartsWith("session.optimistic_check: Account[1] was deleted by "
                                      "another transaction after this session read it"));
}

TEST_CASE_METHOD(accounts, "a version attribute starts at 1, counts updates and catches any concurrent change",
                 "[concurrency]") {
  {
    db_session session{db};
    Ledger& l = Ledger::at(1);
    CHECK(l.version.get() == 1);
    l.total = 5;
    session.flush();
    CHECK(l.version.get() == 2);
    l.total = 6;
  }
  {
    db_session session{db};
    CHECK(Ledger::at(1).version.get() == 3);
  }
  if (!row_locking()) return;
  // The name is never read here: only the version tells that another session wrote the row.
  auto run = [&] {
    db_session session{db};
    Ledger& l = Ledger::at(1);
    meanwhile([] { Ledger::at(1).total = 100; });
    l.name = "mine";
  };
  CHECK_THROWS_WITH(run(), Catch::Contains("version (3 -> 4)"));
  db_session session{db};
  CHECK(Ledger::at(1).name.get() == "main");
  CHECK(Ledger::at(1).total.get() == 100);
}

TEST_CASE_METHOD(accounts, "transact reruns a unit of work that lost a race, and loses no update",
                 "[concurrency][transact]") {
  constexpr int threads = 4;
  constexpr int increments = 15;
  std::atomic<int> reruns{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < increments; ++i) {
        int attempt = 0;
        transact(db, {.retry = 200, .backoff = std::chrono::milliseconds{1}}, [&] {
          if (attempt++ > 0) ++reruns;
          Account& a = Account::at(1);
          const std::int64_t balance = a.balance;
          std::this_thread::yield();
          a.balance = balance + 1;
        });
      }
    });
  }
  for (auto& w : workers) w.join();
  CHECK(scalar("SELECT " + quote("balance") + " FROM " + table("Account"), value_type::integer) ==
        value{100 + threads * increments});
  INFO("reruns: " << reruns.load());
}

TEST_CASE_METHOD(accounts, "transact returns the work's value and lets other errors through at once",
                 "[transact]") {
  const std::int64_t balance = transact(db, [] { return Account::at(1).balance.get(); });
  CHECK(balance == 100);
  int runs = 0;
  CHECK_THROWS_AS(transact(db, {.retry = 5},
                           [&] {
                             ++runs;
                             (void)Account::at(99);
                           }),
                  object_not_found);
  CHECK(runs == 1);
  // An optimistic failure on the last attempt is the caller's.
  runs = 0;
  CHECK_THROWS_AS(transact(db, {.retry = 1, .backoff = std::chrono::milliseconds{1}},
                           [&] {
                             ++runs;
                             Account& a = Account::at(1);
                             (void)a.balance.get();
                             behind(quote("balance") + " = " + std::to_string(200 + runs));
                             a.owner = "x";
                           }),
                  optimistic_check_error);
  CHECK(runs == 2);
  CHECK_THROWS_WITH(transact(db, {.retry = -1}, [] {}), Catch::StartsWith("session.retry"));
  db_session session{db};
  CHECK_THROWS_WITH(transact(db, {.retry = 2}, [] {}), Catch::StartsWith("session.nested_retry"));
  // Without retry it is the outer session's work.
  CHECK(transact(db, [] { return Account::at(1).owner.get(); }) == "ann");
}
