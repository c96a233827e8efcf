// SQLite's exact decimal aggregates (src/driver/sqlite/sqlite_decimal.cpp) on a raw connection:
// every storage class a decimal column can hold, the 128-bit path and its overflow into exact
// digits, scales, NULLs, groups, and the values they refuse.
#include "driver/sqlite/sqlite_functions.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

namespace {

struct closer {
  void operator()(sqlite3* db) const noexcept { sqlite3_close(db); }
};

// An in-memory database with NextORM's functions and a table `t` whose column `x` has no
// affinity, so that each value keeps the storage class it is inserted with.
class database {
 public:
  database() {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    m_db.reset(db);
    nextorm::driver::register_sqlite_functions(db);
    run("CREATE TABLE t (g INTEGER, x)");
  }

  // The first column of the first row as text, "NULL", or "error: <message>".
  std::string run(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(m_db.get(), sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return "error: " + std::string{sqlite3_errmsg(m_db.get())};
    }
    std::string out;
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      out = text == nullptr ? "NULL" : text;
    } else if (rc != SQLITE_DONE) {
      out = "error: " + std::string{sqlite3_errmsg(m_db.get())};
    }
    sqlite3_finalize(stmt);
    return out;
  }

  // Inserts `values` (SQL literals) into group `group`.
  void insert(int group, const std::vector<std::string>& values) {
    run("BEGIN");
    for (const std::string& v : values) {
      run("INSERT INTO t VALUES (" + std::to_string(group) + ", " + v + ")");
    }
    run("COMMIT");
  }

 private:
  std::unique_ptr<sqlite3, closer> m_db;
};

}  // namespace

TEST_CASE("decimal_sum adds 100 REAL dimes to exactly 10.00 with the declared scale",
          "[sqlite_decimal]") {
  database db;
  db.insert(1, std::vector<std::string>(100, "0.10"));
  CHECK(db.run("SELECT typeof(x) FROM t") == "real");
  CHECK(db.run("SELECT SUM(x) FROM t") == "9.99999999999998");  // what SQLite's SUM gives
  CHECK(db.run("SELECT decimal_sum(x, 2) FROM t") == "10.00");
  CHECK(db.run("SELECT decimal_sum(x) FROM t") == "10.0");
  CHECK(db.run("SELECT decimal_avg(x, 2) FROM t") == "0.100000");
}

TEST_CASE("decimal_sum reads integers, doubles and decimal text alike", "[sqlite_decimal]") {
  database db;
  db.insert(1, {"1", "0.25", "'0.125'", "-3", "'-0.000001'", "NULL"});
  CHECK(db.run("SELECT decimal_sum(x) FROM t") == "-1.625001");
  CHECK(db.run("SELECT decimal_sum(x, 8) FROM t") == "-1.62500100");
  CHECK(db.run("SELECT decimal_sum(DISTINCT x) FROM t") == "-1.625001");
  // Five values, the NULL skipped: -1.625001 / 5 with six + four digits, half-even.
  CHECK(db.run("SELECT decimal_avg(x) FROM t") == "-0.3250002000");
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE x IS NULL") == "NULL");
  CHECK(db.run("SELECT decimal_avg(x) FROM t WHERE g = 2") == "NULL");
  CHECK(db.run("SELECT coalesce(decimal_sum(x, 2), 0) FROM t WHERE g = 2") == "0");
}

TEST_CASE("decimal_avg has four digits more than its values, rounded half-even",
          "[sqlite_decimal]") {
  database db;
  db.insert(1, {"1", "2", "2"});
  CHECK(db.run("SELECT decimal_avg(x) FROM t") == "1.6667");
  CHECK(db.run("SELECT decimal_avg(x, 2) FROM t") == "1.666667");
  db.insert(2, {"'0.00005'", "'0.00010'"});  // 0.000075 at 5 + 4 digits
  CHECK(db.run("SELECT decimal_avg(x) FROM t WHERE g = 2") == "0.000075000");
}

TEST_CASE("decimal_sum keeps each group apart", "[sqlite_decimal]") {
  database db;
  db.insert(1, {"1.5", "2.5"});
  db.insert(2, {"'0.1'", "'0.2'"});
  db.insert(3, {"NULL"});
  CHECK(db.run("SELECT group_concat(s, '|') FROM (SELECT coalesce(decimal_sum(x, 1), 0) AS s "
               "FROM t GROUP BY g ORDER BY g)") == "4.0|0.3|0");
}

TEST_CASE("decimal_sum goes on in exact digits once 128 bits overflow", "[sqlite_decimal]") {
  database db;
  // 10^35 fits; ten thousand of them (10^39) do not: the sum leaves 128 bits halfway.
  db.insert(1, std::vector<std::string>(10000, "1e35"));
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE g = 1") == "1" + std::string(39, '0'));
  CHECK(db.run("SELECT decimal_sum(x, 2) FROM t WHERE g = 1") ==
        "1" + std::string(39, '0') + ".00");
  // Text of more digits than 128 bits hold, and a tiny fraction beside it.
  db.insert(2, {"'" + std::string(50, '9') + "'", "'0.000000000000000000000000000000000000001'"});
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE g = 2") ==
        std::string(50, '9') + ".000000000000000000000000000000000000001");
  db.insert(3, {"'-1e-40'", "'1e-40'"});
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE g = 3") == "0." + std::string(40, '0'));
}

TEST_CASE("decimal_sum refuses text that is not a number, blobs and infinities",
          "[sqlite_decimal]") {
  database db;
  db.insert(1, {"'abc'"});
  CHECK(db.run("SELECT decimal_sum(x) FROM t") ==
        "error: decimal.invalid: 'abc' is not a decimal number");
  db.insert(2, {"x'00'"});
  CHECK(db.run("SELECT decimal_avg(x) FROM t WHERE g = 2") ==
        "error: decimal_sum/decimal_avg: a decimal column holds a BLOB");
  db.insert(3, {"1e999"});
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE g = 3") ==
        "error: decimal_sum/decimal_avg: a decimal column holds an infinity");
}

TEST_CASE("decimal_sum reads REALs that print with an exponent, tiny and huge",
          "[sqlite_decimal]") {
  database db;
  db.insert(1, {"0.00001", "2"});  // 0.00001 prints as 1e-05
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE g = 1") == "2.00001");
  db.insert(2, {"1e300"});  // beyond 128 bits: exact digits
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE g = 2") == "1" + std::string(300, '0'));
  db.insert(3, {"1e-300", "1"});  // a scale beyond 38
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE g = 3") == "1." + std::string(299, '0') + "1");
  db.insert(4, {"1.5e36"});  // 37 digits once the exponent is applied
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE g = 4") == "15" + std::string(35, '0'));
  db.insert(5, {"-1.5e36", "-0.5"});
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE g = 5") == "-15" + std::string(35, '0') + ".5");
  db.insert(6, {"-1e999"});
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE g = 6") ==
        "error: decimal_sum/decimal_avg: a decimal column holds an infinity");
}

TEST_CASE("decimal_sum takes a declared scale from 1 to 1000 and ignores others",
          "[sqlite_decimal]") {
  database db;
  db.insert(1, {"7", "0.5"});
  CHECK(db.run("SELECT decimal_sum(x, 0) FROM t") == "7.5");
  CHECK(db.run("SELECT decimal_sum(x, -1) FROM t") == "7.5");
  CHECK(db.run("SELECT decimal_sum(x, 1001) FROM t") == "7.5");
  // A scale beyond 38 leaves the 128-bit path at once: the integer and the REAL go exact.
  CHECK(db.run("SELECT decimal_sum(x, 50) FROM t") == "7.5" + std::string(49, '0'));
  CHECK(db.run("SELECT length(decimal_sum(x, 1000)) FROM t") == "1002");
}

TEST_CASE("decimal_sum goes exact when aligning two scales overflows 128 bits",
          "[sqlite_decimal]") {
  database db;
  // 36 digits, then ten decimal places: the sum would need 46 digits.
  db.insert(1, {"'123456789012345678901234567890123456'", "'0.0000000001'"});
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE g = 1") ==
        "123456789012345678901234567890123456.0000000001");
  // 38 decimal places, then an integer of 19 digits scaled to them: 57 digits.
  db.insert(2, {"'0." + std::string(37, '0') + "1'", "1000000000000000000"});
  CHECK(db.run("SELECT decimal_sum(x) FROM t WHERE g = 2") ==
        "1000000000000000000." + std::string(37, '0') + "1");
}

TEST_CASE("decimal_add, decimal_sub and decimal_mul are exact whatever each operand is stored as",
          "[sqlite_decimal]") {
  database db;
  // REAL (the shortest text that reads back as it), INTEGER, TEXT: as Python's Decimal.
  CHECK(db.run("SELECT decimal_mul(35.40, 3)") == "106.2");  // a REAL keeps no trailing zero
  CHECK(db.run("SELECT decimal_mul(0.1, 3)") == "0.3");
  CHECK(db.run("SELECT decimal_add('0.10', 0.2)") == "0.30");
  // (A REAL this large is a whole number: to_chars' shortest text writes all its digits.)
  CHECK(db.run("SELECT decimal_sub(12345678901234567890.5, '0.25')") ==
        "12345678901234567167.75");
  CHECK(db.run("SELECT decimal_sub('12345678901234567890.50', '0.25')") ==
        "12345678901234567890.25");
  CHECK(db.run("SELECT decimal_mul(NULL, 3)") == "NULL");
  CHECK(db.run("SELECT decimal_add(1, NULL)") == "NULL");
  // What is no number is an error of the statement, not a wrong value.
  CHECK_THAT(db.run("SELECT decimal_add('x', 1)"), Catch::StartsWith("error:"));
  CHECK_THAT(db.run("SELECT decimal_add(1, X'00')"), Catch::Contains("BLOB"));
  CHECK_THAT(db.run("SELECT decimal_mul(1e999, 2)"), Catch::StartsWith("error:"));
}
