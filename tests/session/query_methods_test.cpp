// The query methods of include/nextorm/query.hpp that other tests leave out: for_update's
// variants, a negative slice, a result that has no columns, a row too wide for its type; and
// an entity whose key is not its first field.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace session_test;

namespace {

struct Shelf : entity<Shelf> {
  Req<std::string> label{"label"};
  PK<std::int64_t> number{"number"};  // the key after another field
};

}  // namespace

TEST_CASE("for_update() locks with NOWAIT or SKIP LOCKED where the database has them",
          "[query_methods]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  const auto nowait = select<Product>("p for p in Product").for_update(true);
  const auto skip = select<Product>("p for p in Product").for_update(false, true);
  CHECK(nowait.fetch().size() == 6);
  CHECK(skip.fetch().size() == 6);
  if (nextorm::testing::current_provider() == "sqlite") {
    CHECK(nowait.get_sql().find("FOR UPDATE") == std::string::npos);  // PonyORM's choice
  } else {
    CHECK(nowait.get_sql().ends_with("FOR UPDATE NOWAIT"));
    CHECK(skip.get_sql().ends_with("FOR UPDATE SKIP LOCKED"));
  }
}

TEST_CASE("a slice cannot start before the first row", "[query_methods]") {
  temp_database t;
  db_session session{t.db};
  CHECK_THROWS_WITH(select<Product>("p for p in Product").slice(-1),
                    "query.negative_slice: the start of a query slice cannot be negative");
}

TEST_CASE("limit() and page() take counts, and pages count from 1", "[query_methods]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  const auto q = select<std::string>("p.name for p in Product").order_by("p.name");
  CHECK(q.limit(2, 1).items() == std::vector<std::string>{"Hammer", "Kite"});
  CHECK(q.page(2, 4).items() == std::vector<std::string>{"Wrench", "Yo-yo"});
  CHECK(q.page(1).size() == 6);
  CHECK(q.page(3, 4).empty());
  CHECK_THROWS_WITH(q.limit(-1),
                    "query.negative_limit: the limit of a query cannot be negative: got -1");
  CHECK_THROWS_WITH(q.limit(1, INT64_MIN),
                    "query.negative_offset: the offset of a query cannot be negative: got "
                    "-9223372036854775808");
  CHECK_THROWS_WITH(q.page(0),
                    "query.page_number: the page number of a query counts from 1: got 0");
  CHECK_THROWS_WITH(q.page(INT64_MIN, 10),
                    "query.page_number: the page number of a query counts from 1: got "
                    "-9223372036854775808");
  CHECK_THROWS_WITH(q.page(2, -1),
                    "query.negative_limit: the limit of a query cannot be negative: got -1");
  CHECK_THROWS_WITH(q.page(INT64_MAX, 10),
                    "query.page_too_far: page 9223372036854775807 of 10 rows starts past the "
                    "64-bit range of row offsets");
  // The last page whose offset fits: no rows, no error.
  CHECK(q.page(INT64_MAX, 1).empty());
}

TEST_CASE("a result made empty has no columns", "[query_methods]") {
  const result<Product> none;
  CHECK(none.columns().empty());
  CHECK(none.empty());
}

TEST_CASE("a row of two items is not one value", "[query_methods]") {
  temp_database t;
  db_session session{t.db};
  CHECK_THROWS_WITH(select<std::string>("(p.name, p.price) for p in Product").fetch(),
                    "query.result_type: the query returns (str, float), not str: "
                    "'(p.name, p.price) for p in Product'");
}

TEST_CASE("an entity whose key is declared after another field is read by its key",
          "[query_methods]") {
  const std::string url = nextorm::testing::fresh_database_url("shelves");
  {
    database db{url};
    db.generate_mapping<Shelf>({.create_tables = true});
    {
      db_session session{db};
      (void)Shelf::create({{"label", "top"}, {"number", 3}});
    }
    db_session session{db};
    Shelf& top = Shelf::at(3);
    CHECK(top.label == "top");
    CHECK(select<Shelf>("s for s in Shelf").fetch()[0].number == 3);
  }
  nextorm::testing::discard_database(url);
}

TEST_CASE("a declared integer key of 0 is stored as 0", "[query_methods]") {
  const std::string url = nextorm::testing::fresh_database_url("shelf_zero");
  {
    database db{url};
    db.generate_mapping<Shelf>({.create_tables = true});
    {
      db_session session{db};
      (void)Shelf::create({{"label", "floor"}, {"number", 0}});
    }
    db_session session{db};
    CHECK(select<std::int64_t>("s.number for s in Shelf").fetch().items() ==
          std::vector<std::int64_t>{0});
    CHECK(Shelf::at(0).label == "floor");
  }
  nextorm::testing::discard_database(url);
}
