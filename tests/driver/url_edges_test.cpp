// Connection URLs at their edges: every hex digit case of a percent escape, ports that are not
// ports, the postgres:// alias, the characters to_url leaves alone, and a provider open() lacks.
#include <nextorm/errors.hpp>

#include "driver/connection.hpp"

#include <catch2/catch.hpp>

using namespace nextorm;
using namespace nextorm::driver;

TEST_CASE("percent escapes decode with lower- and upper-case hex digits", "[url]") {
  const auto url = parse_url("postgresql://a%2fb:c%2Fd@h/shop%5fdb");
  CHECK(url.user == "a/b");
  CHECK(url.password == "c/d");
  CHECK(url.database == "shop_db");
  CHECK(parse_url("mariadb://%e9@h").user == "\xE9");
}

TEST_CASE("a percent escape with a non-hex character is refused", "[url]") {
  // Below '0', above 'F' and above 'f': each is no hex digit.
  for (const char* bad : {"mariadb://a%-1@h/db", "mariadb://a%GG@h/db", "mariadb://a%1g@h/db"}) {
    CHECK_THROWS_WITH(parse_url(bad), "url.invalid: cannot use connection URL '" +
                                          std::string{bad} + "': bad percent escape");
  }
}

TEST_CASE("a port must be a whole number from 1 to 65535", "[url]") {
  CHECK_THROWS_WITH(parse_url("mariadb://h:0/db"),
                    "url.invalid: cannot use connection URL 'mariadb://h:0/db': bad port '0'");
  CHECK_THROWS_WITH(parse_url("mariadb://h:54x/db"),
                    "url.invalid: cannot use connection URL 'mariadb://h:54x/db': bad port '54x'");
  CHECK_THROWS_WITH(parse_url("mariadb://h:/db"),
                    "url.invalid: cannot use connection URL 'mariadb://h:/db': bad port ''");
  CHECK(parse_url("mariadb://h:65535/db").port == 65535);
  CHECK(parse_url("mariadb://h:1").port == 1);
}

TEST_CASE("postgres:// is PostgreSQL like postgresql://", "[url]") {
  const auto url = parse_url("postgres://ann@db:5432/shop");
  CHECK(url.provider == "postgres");
  CHECK(url.user == "ann");
  CHECK(url.password.empty());
  CHECK(url.host == "db");
  CHECK(url.port == 5432);
  CHECK(url.database == "shop");
  CHECK(url.original == "postgres://ann@db:5432/shop");
}

TEST_CASE("an empty password after the colon is no password", "[url]") {
  const auto url = parse_url("mariadb://ann:@h");
  CHECK(url.user == "ann");
  CHECK(url.password.empty());
  CHECK(url.host == "h");
  CHECK(url.database.empty());
}

TEST_CASE("to_url leaves unreserved characters alone and escapes the rest", "[url]") {
  connection_url url;
  url.provider = "postgres";
  url.user = "a-b_c.d~e";
  url.password = "x/y";
  url.host = "h";
  url.database = "db 1";
  CHECK(to_url(url) == "postgresql://a-b_c.d~e:x%2Fy@h/db%201");
  const auto back = parse_url(to_url(url));
  CHECK(back.user == url.user);
  CHECK(back.password == url.password);
  CHECK(back.database == url.database);
}

// Found by tests/fuzz (fuzz_url): the keyword form lost a password given without a user.
TEST_CASE("to_url keeps a password without a user", "[url]") {
  connection_url url;
  url.provider = "postgres";
  url.password = "p@ss";
  url.host = "h";
  CHECK(to_url(url) == "postgresql://:p%40ss@h");
  const auto back = parse_url(to_url(url));
  CHECK(back.user.empty());
  CHECK(back.password == "p@ss");
}

// Found by tests/fuzz (fuzz_url): parse_url drops one "//" after "sqlite:", to_url wrote none.
TEST_CASE("to_url keeps a SQLite path that starts with //", "[url]") {
  CHECK(parse_url("sqlite:////share/x.db").path == "//share/x.db");
  CHECK(to_url(parse_url("sqlite:////share/x.db")) == "sqlite:////share/x.db");
  CHECK(to_url(parse_url("sqlite:///tmp/x.db")) == "sqlite:/tmp/x.db");
  CHECK(parse_url(to_url(parse_url("sqlite:///tmp/x.db"))).path == "/tmp/x.db");
}

TEST_CASE("open refuses a provider it was not built with", "[open]") {
  connection_url url;
  url.provider = "oracle";
  CHECK_THROWS_WITH(open(url),
                    "url.provider_unavailable: the oracle provider is not built into this NextORM");
  try {
    (void)open(url);
  } catch (const usage_error& e) {
    CHECK(e.category() == error_category::usage);
    CHECK(e.id() == "url.provider_unavailable");
  }
}
