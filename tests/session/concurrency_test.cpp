// Concurrent writers: PonyORM's optimistic checks (an UPDATE or DELETE checks that the row still
// holds what the session read, so that no change is lost without a word), the version
// attribute, and transact()'s reruns. "Another transaction" is a second database object bound
// to the same database (its own pool, so its own connection), or other threads.
#include "session_fixture.hpp"

#include "session/session_impl.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

using namespace session_test;

namespace {

struct Wide;
struct Label : entity<Label> {
  PK<std::string> code{"code"};
  Set<Wide> wides{"wides"};
};

struct Account : entity<Account> {
  Req<std::string> owner{"owner"};
  Set<Wide> wides{"wides"};
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

// A composite key, and references to it: each column of the reference is checked.
struct Booking;
struct Slot : entity<Slot> {
  Req<std::string> room{"room"};
  Req<std::int64_t> hour{"hour"};
  Set<Booking> bookings{"bookings"};
  [[no_unique_address]] nextorm::primary_key pk{room, hour};
};
struct Booking : entity<Booking> {
  Req<std::string> who{"who"};
  Single<Slot> slot{"slot", optional};
  Opt<std::string> remark{"remark", lazy};
};

// A version that may be NULL, and a one-to-one whose key is on the other side.
struct Passport;
struct Person : entity<Person> {
  Req<std::string> name{"name"};
  Opt<std::int64_t> v{"v", row_version};
  Single<Passport> passport{"passport", optional};
};
struct Passport : entity<Passport> {
  Req<std::string> number{"number"};
  Single<Person> holder{"holder", optional};
};

// More attributes than the read and written masks have bits: the 64th and later share one.
#define NEXTORM_WIDE_FIELDS(X)                                                                    \
  X(0)                                                                                            \
  X(1)                                                                                            \
  X(2)                                                                                            \
  X(3)                                                                                            \
  X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) \
      X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30) X(31) X(32) X(33) X(34) X(35)   \
          X(36) X(37) X(38) X(39) X(40) X(41) X(42) X(43) X(44) X(45) X(46) X(47) X(48) X(49)     \
              X(50) X(51) X(52) X(53) X(54) X(55) X(56) X(57) X(58) X(59) X(60) X(61) X(62) X(63) \
                  X(64) X(65)
#define NEXTORM_WIDE_FIELD(n) Opt<std::int64_t> f##n{"f" #n};
struct Wide : entity<Wide> {
  NEXTORM_WIDE_FIELDS(NEXTORM_WIDE_FIELD)
  Opt<std::int64_t> last{"last", lazy};
  Single<Account> account{"account", optional};
  Single<Label> label{"label", optional};
};
#undef NEXTORM_WIDE_FIELD

class accounts
    : public fresh_database<Label, Account, Ledger, Slot, Booking, Person, Passport, Wide> {
 public:
  accounts() : fresh_database{"concurrency"} {
    other.bind(url());
    other.generate_mapping<Label, Account, Ledger, Slot, Booking, Person, Passport, Wide>();
    db_session session{db};
    (void)Account::create({{"owner", "ann"}, {"balance", 100}, {"rate", 0.5}});
    (void)Ledger::create({{"name", "main"}, {"total", 0}});
  }
  // SQLite locks the whole database: a transaction that read blocks another's commit until it
  // ends, so a second writer waits instead of changing the row under the first.
  [[nodiscard]] bool row_locking() const {
    return nextorm::testing::current_provider() != "sqlite";
  }
  // What another program does meanwhile: its own session, committed.
  template <class F>
  void meanwhile(F&& change) {
    db_session session{other};
    change();
  }
  // A change made through the session's own connection, as a trigger would make it: seen at
  // once on every provider (SQLite too).
  void behind(const std::string& set, const std::string& entity = "Account") {
    run_behind("UPDATE " + table(entity) + " SET " + set);
  }
  // Account 1's balance set to 250 by another transaction (SQLite: behind the session, since
  // its lock would make the other one wait).
  void balance_changed_elsewhere() {
    if (row_locking()) {
      meanwhile([] { Account::at(1).balance = 250; });
    } else {
      behind(quote("balance") + " = 250");
    }
  }
  void run_behind(const std::string& sql) {
    (void)detail::session_impl::current().connection().execute(sql, {});
  }

  database other;
};

}  // namespace

TEST_CASE_METHOD(accounts,
                 "a row changed after the session read it fails the commit, writing nothing",
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
    CHECK(a.owner.get() == "ann");  // read too, and unchanged: not named
    meanwhile([] { Account::at(1).balance = 150; });
    (void)Account::create({{"owner", "bob"}, {"balance", 1}});
    a.balance = balance - 30;
    a.note = "spent";  // changed without being read: not checked
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
                                !Catch::Contains("owner") &&
                                Catch::Contains("nothing of this session was written"));
  }
}

TEST_CASE_METHOD(accounts,
                 "only what the session read is checked, and only what it changed is written",
                 "[concurrency]") {
  db_session session{db};
  Account& a = Account::at(1);
  CHECK(a.owner.get() == "ann");
  balance_changed_elsewhere();
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
  balance_changed_elsewhere();
  a.balance = 7;  // set, not read first: PonyORM checks nothing
  // Reading it after the change does not make it checked either.
  CHECK(a.balance.get() == 7);
  session.commit();
  CHECK(scalar("SELECT " + quote("balance") + " FROM " + table("Account"), value_type::integer) ==
        value{7});
}

TEST_CASE_METHOD(
    accounts,
    "optimistic{false}, float, volatile attributes and optimistic=false sessions are not checked",
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
    (void)detail::session_impl::current().connection().execute("DELETE FROM " + table("Account"),
                                                               {});
    a.remove();
  }
  CHECK(count("Account") == 0);
}

TEST_CASE_METHOD(accounts, "an update of a row deleted meanwhile fails", "[concurrency]") {
  db_session session{db};
  Account& a = Account::at(1);
  (void)detail::session_impl::current().connection().execute("DELETE FROM " + table("Account"), {});
  a.owner = "ghost";
  CHECK_THROWS_WITH(session.flush(),
                    Catch::StartsWith("session.optimistic_check: Account[1] was deleted by "
                                      "another transaction after this session read it"));
}

TEST_CASE_METHOD(
    accounts, "a version attribute starts at 1, counts updates and catches any concurrent change",
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

TEST_CASE_METHOD(accounts,
                 "transact returns the work's value and lets other errors through at once",
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

TEST_CASE_METHOD(
    accounts,
    "a reference to a composite key is checked column by column, a lazy attribute by name",
    "[concurrency]") {
  {
    db_session session{db};
    Slot& early = Slot::create({{"room", "r"}, {"hour", 1}});
    (void)Slot::create({{"room", "r"}, {"hour", 2}});
    (void)Booking::create({{"who", "ann"}, {"slot", &early}, {"remark", "window"}});
    (void)Booking::create({{"who", "bob"}});
  }
  {
    db_session session{db};
    Booking& bob = *Booking::get({{"who", "bob"}});
    CHECK(bob.slot.get() == nullptr);  // read: NULL in both columns
    bob.who = "bobby";
  }
  CHECK(count("Booking", quote("who") + " = 'bobby'") == 1);
  db_session session{db};
  Booking& ann = *Booking::get({{"who", "ann"}});
  CHECK(ann.slot->hour.get() == 1);
  CHECK(ann.remark.get() == "window");
  behind(quote("slot_hour") + " = 2, " + quote("remark") + " = 'aisle'", "Booking");
  ann.who = "anne";
  try {
    session.flush();
    FAIL("the changed row was not noticed");
  } catch (const optimistic_check_error& e) {
    // Named without values: the reference has two columns, the lazy attribute is not re-read.
    CHECK_THAT(e.message(), Catch::Contains(": slot, remark;"));
  }
}

TEST_CASE_METHOD(accounts,
                 "attributes past the 63rd share a bit: what was read among them is checked",
                 "[concurrency]") {
  {
    db_session session{db};
    Label& label = Label::create({{"code", "L"}});
    (void)Wide::create({{"f64", 1}, {"f65", 2}, {"last", 3}, {"account", 1}, {"label", &label}});
  }
  {
    db_session session{db};
    Wide& w = Wide::at(1);
    CHECK(w.f64.get() == 1);
    w.f65 = 20;
    w.f65 = 21;
    w.last = 30;  // lazy, not read: nothing to keep
  }
  CHECK(scalar("SELECT " + quote("f65") + " FROM " + table("Wide"), value_type::integer) ==
        value{21});
  CHECK(scalar("SELECT " + quote("last") + " FROM " + table("Wide"), value_type::integer) ==
        value{30});
  // The references past the 63rd attribute were written as they were read, by their keys.
  CHECK(scalar("SELECT " + quote("label") + " FROM " + table("Wide")) == value{"L"});
  CHECK(scalar("SELECT " + quote("account") + " FROM " + table("Wide"), value_type::integer) ==
        value{1});
  db_session session{db};
  Wide& w = Wide::at(1);
  CHECK(w.f64.get() == 1);
  behind(quote("f65") + " = 99", "Wide");
  w.f65 = 22;  // not read itself, but its bit was: checked (more than PonyORM would)
  CHECK_THROWS_WITH(session.flush(), Catch::Contains("f65 (21 -> 99)"));
}

TEST_CASE_METHOD(accounts,
                 "a version starts from NULL, and a change that writes no column leaves it",
                 "[concurrency]") {
  {
    db_session session{db};
    (void)Passport::create({{"number", "P1"}});
    run_behind("INSERT INTO " + table("Person") + " (" + quote("name") + ", " + quote("v") +
               ") VALUES ('ann', NULL)");
  }
  {
    db_session session{db};
    Person& ann = *Person::get({{"name", "ann"}});
    CHECK_FALSE(ann.v.has_value());
    ann.name = "anne";
  }
  {
    db_session session{db};
    Person& ann = *Person::get({{"name", "anne"}});
    CHECK(ann.v.get() == 1);
    // The passport holds the column: Person's row is not written.
    ann.passport = *Passport::get({{"number", "P1"}});
  }
  db_session session{db};
  CHECK(Person::get({{"name", "anne"}})->v.get() == 1);
  CHECK(Passport::get({{"number", "P1"}})->holder->name.get() == "anne");
}

TEST_CASE_METHOD(accounts,
                 "without optimistic checks a vanished row is no error; nor is removing one",
                 "[concurrency]") {
  {
    db_session session{db, {.optimistic = false}};
    Account& a = Account::at(1);
    run_behind("DELETE FROM " + table("Account"));
    a.owner = "nobody";
  }
  {
    db_session session{db};
    (void)Account::create({{"owner", "cy"}, {"balance", 1}});
  }
  db_session session{db};
  Account& c = *Account::get({{"owner", "cy"}});
  run_behind("DELETE FROM " + table("Account"));
  c.remove();  // nothing read: nothing to check
  CHECK_NOTHROW(session.flush());
}

TEST_CASE_METHOD(accounts, "transact reruns each failure another transaction causes",
                 "[transact]") {
  const std::vector<std::function<void()>> failures = {
      [] { throw deadlock_detected("test.deadlock_detected", "deadlock"); },
      [] { throw serialization_failure("test.serialization_failure", "serialization"); },
      [] { throw lock_timeout("test.lock_timeout", "lock wait"); },
      [] { throw optimistic_check_error("session.optimistic_check", "changed"); },
  };
  for (const auto& fail : failures) {
    int runs = 0;
    transact(db, {.retry = 1, .backoff = std::chrono::milliseconds{0}}, [&] {
      if (runs++ == 0) fail();
    });
    CHECK(runs == 2);
  }
  int runs = 0;
  CHECK_THROWS_AS(transact(db, {.retry = 3},
                           [&] {
                             ++runs;
                             throw transaction_error("test.other", "not a race");
                           }),
                  transaction_error);
  CHECK(runs == 1);
}

TEST_CASE_METHOD(accounts,
                 "the version is the session's: set on insert if missing, moved on by each write, "
                 "checked on delete",
                 "[concurrency]") {
  {
    db_session session{db};
    CHECK(Ledger::create({{"name", "given"}, {"total", 0}, {"version", 5}}).version.get() == 5);
  }
  {
    db_session session{db};
    Ledger& l = *Ledger::get({{"name", "given"}});
    l.version = 40;  // the program's value is not the next one
    l.total = 1;
    session.flush();
    CHECK(l.version.get() == 6);
  }
  {
    // Without optimistic checks the version is still checked.
    db_session session{db, {.optimistic = false}};
    Ledger& l = *Ledger::get({{"name", "given"}});
    run_behind("UPDATE " + table("Ledger") + " SET " + quote("version") + " = 7 WHERE " +
               quote("name") + " = 'given'");
    l.total = 2;
    CHECK_THROWS_WITH(session.flush(), Catch::Contains("version (6 -> 7)"));
  }
  {
    db_session session{db};
    Ledger& l = *Ledger::get({{"name", "given"}});
    run_behind("UPDATE " + table("Ledger") + " SET " + quote("version") + " = 8 WHERE " +
               quote("name") + " = 'given'");
    l.remove();
    CHECK_THROWS_WITH(session.flush(), Catch::Contains("version (6 -> 8)"));
  }
  {
    db_session session{db};
    Ledger::get({{"name", "given"}})->remove();
  }
  CHECK(count("Ledger", quote("name") + " = 'given'") == 0);
  // A checked column that is NULL now.
  {
    db_session session{db};
    (void)Person::create({{"name", "cy"}});
  }
  db_session session{db};
  Person& cy = *Person::get({{"name", "cy"}});
  run_behind("UPDATE " + table("Person") + " SET " + quote("v") + " = NULL");
  cy.name = "cyd";
  CHECK_THROWS_WITH(session.flush(), Catch::Contains("v (1 -> None)"));
}

TEST_CASE_METHOD(accounts, "transact makes a session of its own inside another database's",
                 "[transact]") {
  db_session outer{other};
  CHECK(transact(db, {.retry = 2}, [] { return Account::at(1).owner.get(); }) == "ann");
}

TEST_CASE_METHOD(accounts, "what a rolled-back session kept for its checks is gone with it",
                 "[concurrency]") {
  db_session session{db};
  {
    Account& a = Account::at(1);
    a.balance = a.balance.get() + 1;  // read, then changed: 100 kept for the check
  }
  session.rollback();
  behind(quote("balance") + " = 50");
  session.commit();
  Account& again = Account::at(1);  // a new object (perhaps where the old one was)
  again.balance = 7;                // not read: nothing to check
  CHECK_NOTHROW(session.commit());
  CHECK(scalar("SELECT " + quote("balance") + " FROM " + table("Account"), value_type::integer) ==
        value{7});
}
