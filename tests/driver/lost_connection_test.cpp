// A connection that the server closes, for real: the backend is killed from another connection
// (pg_terminate_backend on PostgreSQL, KILL on MariaDB). SQLite has no connection to lose.
#include <nextorm/nextorm.hpp>

#include "session/database_impl.hpp"
#include "session/session_impl.hpp"
#include "test_databases.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

using namespace nextorm;

namespace {

struct Note : entity<Note> {
  Req<std::string> text{"text", 40};
};

class fixture {
 public:
  fixture()
      : m_url{testing::fresh_database_url("lost_" + std::to_string(++counter()))},
        provider{testing::current_provider()} {
    db.bind(m_url);
    db.generate_mapping<Note>({.create_tables = true});
  }
  ~fixture() { testing::discard_database(m_url); }

  // The server's id of the connection the current session uses.
  std::int64_t backend_of_session() {
    auto rows = detail::session_impl::current().connection().query(
        provider == "postgres" ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()", {});
    REQUIRE(rows->next());
    return rows->get(0, value_type::integer).as_int();
  }

  // Ends the backend `id` from another connection and waits until the server has closed it.
  void kill(std::int64_t id) {
    auto admin = testing::raw_connection(m_url);
    const std::string number = std::to_string(id);
    if (provider == "postgres") {
      auto rows = admin->query("SELECT pg_terminate_backend(" + number + ")", {});
      REQUIRE(rows->next());
    } else {
      admin->execute_script("KILL " + number);
    }
    const std::string still_there =
        provider == "postgres"
            ? "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = " + number
            : "SELECT COUNT(*) FROM information_schema.processlist WHERE id = " + number;
    for (int attempt = 0; attempt < 500; ++attempt) {
      auto rows = admin->query(still_there, {});
      REQUIRE(rows->next());
      if (rows->get(0, value_type::integer).as_int() == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    FAIL("backend " << number << " is still there after 5 s");
  }

  std::int64_t notes() {
    auto c = testing::raw_connection(m_url);
    auto rows = c->query(
        "SELECT COUNT(*) FROM " + db.impl().dialect().quote(db.schema().find("Note")->table), {});
    REQUIRE(rows->next());
    return rows->get(0, value_type::integer).as_int();
  }

  database db;
  std::string m_url;
  std::string provider;

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
};

}  // namespace

TEST_CASE(
    "a connection lost in the middle of a session fails it with connection_lost, rolls it "
    "back, and the next session gets a new connection",
    "[lost]") {
  fixture f;
  if (f.provider == "sqlite") {
    WARN("SQLite is embedded: there is no server to close the connection");
    return;
  }
  {
    db_session session{f.db};
    Note::create().text = "kept";
  }
  std::string id;
  std::string message;
  try {
    db_session session{f.db};
    Note::create().text = "lost";
    session.flush();  // written in the transaction, not committed
    f.kill(f.backend_of_session());
    Note::create().text = "lost too";
  } catch (const connection_lost& e) {
    id = e.id();
    message = e.message();
  }
  CHECK(id == f.provider + ".connection_lost");
  CAPTURE(message);
  CHECK(message.find("the connection is closed") != std::string::npos);
  CHECK(f.db.impl().open_connections() == 0);  // the broken one was dropped, not pooled
  CHECK(f.notes() == 1);                       // what was committed is all there is
  {
    db_session session{f.db};
    CHECK(select<Note>("n for n in Note").count() == 1);
    Note::create().text = "after";
  }
  CHECK(f.notes() == 2);
}

TEST_CASE("an idle pooled connection that the server closed is replaced before a session uses it",
          "[lost]") {
  fixture f;
  if (f.provider == "sqlite") {
    WARN("SQLite is embedded: there is no server to close the connection");
    return;
  }
  std::int64_t first = 0;
  {
    db_session session{f.db};
    first = f.backend_of_session();
    Note::create().text = "one";
  }
  REQUIRE(f.db.impl().open_connections() == 1);
  f.kill(first);
  {
    db_session session{f.db};
    CHECK(f.backend_of_session() != first);
    CHECK(select<Note>("n for n in Note").count() == 1);
    Note::create().text = "two";
  }
  CHECK(f.db.impl().replaced_connections() == 1);
  CHECK(f.db.impl().open_connections() == 1);
  CHECK(f.notes() == 2);
}

TEST_CASE("an idle connection nobody closed is reused as it is", "[lost]") {
  fixture f;
  {
    db_session session{f.db};
    Note::create().text = "one";
  }
  {
    db_session session{f.db};
    CHECK(select<Note>("n for n in Note").count() == 1);
  }
  CHECK(f.db.impl().replaced_connections() == 0);
  CHECK(f.db.impl().open_connections() == 1);
}

TEST_CASE("alive() is true for a working connection and false once the server closed it",
          "[lost]") {
  fixture f;
  auto c = testing::raw_connection(f.m_url);
  CHECK(c->alive());
  {
    auto rows = c->query("SELECT 1", {});
    REQUIRE(rows->next());
  }
  CHECK(c->alive());                   // a finished query leaves nothing to read
  if (f.provider == "sqlite") return;  // embedded: always alive
  auto rows =
      c->query(f.provider == "postgres" ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()", {});
  REQUIRE(rows->next());
  const std::int64_t id = rows->get(0, value_type::integer).as_int();
  rows.reset();
  f.kill(id);
  CHECK_FALSE(c->alive());
  // Using it anyway fails with connection_lost, and it stays dead.
  CHECK_THROWS_AS(c->execute_script("SELECT 1"), connection_lost);
  CHECK_FALSE(c->alive());
}
