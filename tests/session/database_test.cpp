// Binding a database and sharing its connections between sessions.
#include "session_fixture.hpp"

#include "driver/connection.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <thread>

using namespace session_test;

TEST_CASE("bind takes keyword options as well as a URL", "[database]") {
  const std::string url = nextorm::testing::fresh_database_url("bind_options");
  const auto parts = driver::parse_url(url);
  connection_options options;
  options.provider = parts.provider;
  options.filename = parts.path;
  options.host = parts.host;
  options.port = parts.port;
  options.user = parts.user;
  options.password = parts.password;
  options.database = parts.database;
  options.pool_size = 2;
  database db;
  db.bind(options);
  CHECK(db.provider() == parts.provider);
  db.generate_mapping<Category, Tag, Product, Customer, Order, Card>({.create_tables = true});
  {
    db_session session{db};
    auto& c = Category::create();
    c.name = "tools";
  }
  db_session session{db};
  CHECK(Category::select().count() == 1);
  nextorm::testing::discard_database(url);
}

TEST_CASE("a database mapped before bind() takes the provider's names when it is bound",
          "[database]") {
  const std::string url = nextorm::testing::fresh_database_url("map_then_bind");
  {
    database creator{url};
    creator.generate_mapping<Category, Tag, Product, Customer, Order, Card>(
        {.create_tables = true});
    db_session session{creator};
    Category::create().name = "tools";
  }
  database db;
  db.generate_mapping<Category, Tag, Product, Customer, Order, Card>();
  CHECK(db.impl().schema.find("Category")->table == "Category");  // SQLite's names until bound
  db.bind(url);
  const bool lower_case = db.provider() != "sqlite";
  CHECK(db.impl().schema.find("Category")->table == (lower_case ? "category" : "Category"));
  {
    db_session session{db};
    CHECK(Category::select().count() == 1);
  }
  nextorm::testing::discard_database(url);
}

TEST_CASE("a database is bound once, and must be bound before a session", "[database]") {
  database db;
  CHECK_THROWS_WITH(db_session{db},
                    "database.unbound: the database is not bound: call db.bind(url) first");
  db.bind("sqlite::memory:");
  CHECK_THROWS_WITH(db.bind("sqlite::memory:"),
                    "database.bound: the database is already bound; a database binds once: use "
                    "another nextorm::database for another URL");
  connection_options bad;
  bad.provider = "oracle";
  database other;
  CHECK_THROWS_WITH(other.bind(bad),
                    Catch::StartsWith("url.provider: unknown database provider 'oracle'"));
  bad.provider = "sqlite";
  bad.pool_size = 0;
  CHECK_THROWS_WITH(
      other.bind(bad),
      "database.pool_size: the pool needs at least one connection: set pool_size to 1 or more");
}

// PonyORM's provider names "postgresql" and "mysql" are accepted, and the host defaults to
// 127.0.0.1, where the test servers listen.
TEST_CASE("bind options take PonyORM's other provider names and the default host", "[database]") {
  const std::string url = nextorm::testing::fresh_database_url("bind_aliases");
  const auto parts = driver::parse_url(url);
  if (parts.provider == "sqlite" || parts.host != "127.0.0.1") {
    nextorm::testing::discard_database(url);
    return;  // the aliases name the servers; a server elsewhere needs its host
  }
  connection_options options;
  options.provider = parts.provider == "postgres" ? "postgresql" : "mysql";
  options.port = parts.port;
  options.user = parts.user;
  options.password = parts.password;
  options.database = parts.database;
  database db;
  db.bind(options);
  CHECK(db.provider() == parts.provider);
  db.generate_mapping<Category, Tag, Product, Customer, Order, Card>({.create_tables = true});
  {
    db_session session{db};
    (void)Category::create({{"name", "tools"}});
  }
  db_session session{db};
  CHECK(Category::select().count() == 1);
  nextorm::testing::discard_database(url);
}

TEST_CASE("an entity defined but not mapped yet cannot be used", "[database]") {
  database db{"sqlite::memory:"};
  db.define<Category, Tag, Product>();
  db_session session{db};
  CHECK_THROWS_WITH(Category::create(),
                    "entity.undefined: this entity type is not defined in the session's database: "
                    "call define<...>() or generate_mapping<...>() first");
}

TEST_CASE("entities must be defined in the session's database", "[database]") {
  database db{"sqlite::memory:"};
  db.generate_mapping<Category, Tag, Product>();  // no Customer: the registry refuses the gap
  db_session session{db};
  CHECK_THROWS_WITH(Customer::create(), Catch::StartsWith("entity.undefined:"));
}

TEST_CASE("sessions reuse pooled connections", "[database]") {
  temp_database t;
  for (int i = 0; i < 5; ++i) {
    db_session session{t.db};
    (void)Product::select().count();
  }
  CHECK(t.db.impl().open_connections() == 1);
}

namespace {
// PonyORM's _table_ in C++; a subclass lives in its root's table.
struct Legacy : entity<Legacy> {
  static constexpr std::string_view table_name = "legacy_items";
  Req<std::string> label{"label"};
};
struct Special : entity<Special, Legacy> {
  Opt<std::int64_t> rank{"rank"};
};
}  // namespace

TEST_CASE("an entity's table_name names its table, as PonyORM's _table_", "[database]") {
  const std::string url = nextorm::testing::fresh_database_url("table_name");
  {
    database db{url};
    db.generate_mapping<Legacy, Special>({.create_tables = true});
    CHECK(db.schema().get("Legacy").table == "legacy_items");
    CHECK(db.schema().get("Special").table == "legacy_items");
    db_session session{db};
    (void)Legacy::create({{"label", "plain"}});
    (void)Special::create({{"label", "special"}, {"rank", 2}});
  }
  auto raw = nextorm::testing::raw_connection(url);
  auto rows = raw->query("SELECT COUNT(*) FROM legacy_items", {});
  REQUIRE(rows->next());
  CHECK(rows->get(0, value_type::integer) == value{std::int64_t{2}});
  rows.reset();
  raw.reset();
  nextorm::testing::discard_database(url);
}

TEST_CASE("a session that outlives its database object ends as usual, committing its changes",
          "[database]") {
  temp_database t;
  auto other = std::make_unique<database>(t.url());
  other->generate_mapping<Category, Tag, Product, Customer, Order, Card, Ticket>();
  {
    auto session = std::make_unique<db_session>(*other);
    (void)Category::create({{"name", "kept"}});
    other.reset();  // (members destroyed in the other order than a program meant)
    CHECK(Category::select().count() == 1);  // the session still reads and writes
    (void)Category::create({{"name", "also kept"}});
    session.reset();
  }
  CHECK(t.count("Category") == 2);
  // And one that rolls back.
  other = std::make_unique<database>(t.url());
  other->generate_mapping<Category, Tag, Product, Customer, Order, Card, Ticket>();
  auto session = std::make_unique<db_session>(*other);
  (void)Category::create({{"name", "dropped"}});
  other.reset();
  session->rollback();
  session.reset();
  CHECK(t.count("Category") == 2);
}

TEST_CASE("an in-memory SQLite database has one connection, and says so when it is busy",
          "[database]") {
  database db{"sqlite::memory:"};
  db.generate_mapping<Category, Tag, Product, Customer, Order, Card>({.create_tables = true});
  db_session session{db};
  (void)Category::select().count();  // this session holds the connection
  std::string error;
  std::thread other{[&] {
    try {
      db_session second{db};
      (void)Category::select().count();
    } catch (const usage_error& e) {
      error = e.what();
    }
  }};
  other.join();
  CHECK(error ==
        "database.memory_busy: sqlite::memory: has one connection, and another session holds it; "
        "end that session first, or use a database file for several sessions");
}

TEST_CASE("an unbound database has no SQL dialect to build statements with", "[database]") {
  database db;
  db.generate_mapping<Category, Tag, Product, Customer, Order, Card>();  // names, no tables
  CHECK_FALSE(db.impl().bound());
  CHECK_THROWS_AS(db.impl().dialect(), usage_error);
  CHECK_THROWS_WITH(db.impl().dialect(),
                    "database.unbound: the database is not bound: call db.bind(url) first");
  CHECK_THROWS_WITH(db.impl().statements(*db.schema().find("Product")),
                    "database.unbound: the database is not bound: call db.bind(url) first");
}

TEST_CASE("creating tables on an unbound database says it is not bound", "[database]") {
  database db;
  CHECK_THROWS_WITH(
      (db.generate_mapping<Category, Tag, Product, Customer, Order, Card>({.create_tables = true})),
      "database.unbound: the database is not bound: call db.bind(url) first");
}

// A second connection that cannot be opened fails its session, and the pool does not count it:
// the connection that is open still serves the next session.
TEST_CASE("a pooled connection that fails to open leaves the pool as it was", "[database]") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("nextorm_pool_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  connection_options options;
  options.provider = "sqlite";
  options.filename = (dir / "shop.sqlite").string();
  options.pool_size = 2;
  database db;
  db.bind(options);
  db.generate_mapping<Category, Tag, Product, Customer, Order, Card>({.create_tables = true});
  std::string error;
  {
    db_session session{db};
    Category::create().name = "tools";
    session.commit();
    CHECK(Category::select().count() == 1);  // this session holds the one open connection
    std::filesystem::remove_all(dir);        // a new connection cannot open the file now
    std::thread other{[&] {
      try {
        db_session second{db};
        (void)Category::select().count();
      } catch (const connection_error& e) {
        error = e.what();
      }
    }};
    other.join();
    CHECK(db.impl().open_connections() == 1);
  }
  CHECK_THAT(error, Catch::Contains("cannot open SQLite database '" + options.filename + "'"));
  db_session again{db};
  CHECK(Category::select().count() == 1);  // on the connection that stayed open
  CHECK(db.impl().open_connections() == 1);
}
