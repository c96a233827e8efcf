// What the database is sent, as a program sees it: set_sql_debug's log, sql_capture in a test,
// and the statistics per statement.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

using namespace session_test;

TEST_CASE_METHOD(filled_shop, "sql_capture sees every statement with its parameters, in order",
                 "[sql_log]") {
  sql_capture sql{db};
  {
    db_session session{db};
    (void)select<Product>("p for p in Product if p.price < limit", {{"limit", 12}}).fetch();
    Product::at(1).stock = 5;
  }
  std::string sent;
  for (const auto& s : sql.statements()) sent += s.sql + "\n";
  INFO(sent);
  REQUIRE(sql.statements().size() == 4);
  CHECK(sql.statements()[0].sql == "BEGIN");
  CHECK_THAT(sql.statements()[1].sql, Catch::StartsWith("SELECT"));
  CHECK(sql.statements()[1].params == std::vector<value>{value{12}});
  CHECK_THAT(sql.statements()[2].sql, Catch::StartsWith("UPDATE") && Catch::Contains("stock"));
  CHECK(sql.statements()[2].params.front() == value{5});
  CHECK(sql.statements()[3].sql == "COMMIT");
  CHECK(sql.count("UPDATE") == 1);
  CHECK(sql.count() == 4);
  sql.clear();
  CHECK(sql.statements().empty());
}

TEST_CASE_METHOD(filled_shop, "set_sql_debug writes each statement and its values to a stream",
                 "[sql_log]") {
  std::ostringstream log;
  db.set_sql_debug(log);
  {
    db_session session{db};
    (void)Product::at(2);
  }
  db.set_sql_debug(log, false);
  {
    db_session session{db};
    (void)Product::at(3);
  }
  db.set_sql_debug(true);  // to std::clog
  db.set_sql_debug(false);
  {
    db_session session{db};
    (void)Product::at(4);
  }
  const std::string text = log.str();
  CHECK_THAT(text, Catch::StartsWith("BEGIN\nSELECT") && Catch::Contains("\n  [2]\nCOMMIT\n"));
  CHECK_THAT(text, !Catch::Contains("[3]") && !Catch::Contains("[4]"));
  std::size_t selects = 0;
  for (std::size_t at = text.find("SELECT"); at != std::string::npos;
       at = text.find("SELECT", at + 1)) {
    ++selects;
  }
  CHECK(selects == 2);
}

TEST_CASE_METHOD(filled_shop, "statistics count each statement's runs, time and rows",
                 "[sql_log]") {
  db.set_statistics(true);
  {
    db_session session{db};
    for (int i = 0; i < 3; ++i) {
      (void)select<Product>("p for p in Product if p.price < 12").fetch();
      session.rollback();
    }
    auto& p = Product::at(1);
    p.stock = 1;
  }
  const auto stats = db.statistics();
  std::uint64_t select_runs = 0;
  std::uint64_t select_rows = 0;
  std::uint64_t updated = 0;
  for (const auto& [sql, s] : stats) {
    CHECK(s.max <= s.total);
    if (sql.find("p.price") != std::string::npos || sql.find("\"price\"") != std::string::npos ||
        sql.find("`price`") != std::string::npos) {
      if (sql.starts_with("SELECT") && s.count == 3) {
        select_runs = s.count;
        select_rows = s.rows;
      }
    }
    if (sql.starts_with("UPDATE")) updated += s.rows;
  }
  CHECK(select_runs == 3);
  CHECK(select_rows == 6);  // Hammer and Saw, three times
  CHECK(updated == 1);
  db.clear_statistics();
  CHECK(db.statistics().empty());
  db.set_statistics(false);
  {
    db_session session{db};
    (void)Product::at(1);
  }
  CHECK(db.statistics().empty());
}

TEST_CASE_METHOD(filled_shop, "every kind of statement is seen: inserts, join rows, deletes, DDL",
                 "[sql_log]") {
  std::ostringstream log;
  db.set_sql_debug(log);
  sql_capture sql{db};
  {
    db_session session{db};
    Product& p = Product::create({{"name", "Nail"}, {"price", 0.5}, {"sku", "N-1"}});
    p.tags.add(*Tag::get({{"name", "sale"}}));
    (void)select<Product>("p for p in Product if p.name == 'Kite'").remove();
  }
  CHECK(sql.count("INSERT") == 2);  // the product and its join row
  CHECK(sql.count("DELETE") == 1);
  CHECK_THAT(log.str(), Catch::Contains("'Nail', 0.5, 'N-1'"));
  // The tables a mapping creates.
  database fresh;
  fresh.bind(nextorm::testing::fresh_database_url("sql_log_ddl"));
  sql_capture ddl{fresh};
  fresh.generate_mapping<Ticket>({.create_tables = true});
  CHECK(ddl.count("CREATE TABLE") == 1);
  db.set_sql_debug(false);
}
