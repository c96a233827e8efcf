// What NextORM sends to the database, for people and for tests: PonyORM's set_sql_debug (each
// statement and its parameters written to a stream), a scoped capture, and per-statement
// statistics (PonyORM's local_stats).
#pragma once

#include <nextorm/value.hpp>

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace nextorm {

class database;

// One statement as it was sent: its SQL (placeholders as the provider writes them) and the
// values bound to them, in order.
struct captured_statement {
  std::string sql;
  std::vector<value> params;
};

// What the statements of one SQL text cost since statistics were turned on: how many ran, their
// total and longest time (from the call until the rows were read and the cursor let go), and the
// rows they returned (a query) or changed (any other statement).
struct statement_stats {
  std::uint64_t count = 0;
  std::chrono::nanoseconds total{0};
  std::chrono::nanoseconds max{0};
  std::uint64_t rows = 0;
};

// Every statement that any session of `db` sends while it lives, in order (all threads):
//   nextorm::sql_capture sql{db};
//   ... work ...
//   CHECK(sql.statements().size() == 2);
// Read it once the work is done (it is filled under a lock, read without one). Captures nest:
// each sees every statement sent during its life.
class sql_capture {
 public:
  explicit sql_capture(database& db);
  ~sql_capture();
  sql_capture(const sql_capture&) = delete;
  sql_capture& operator=(const sql_capture&) = delete;

  [[nodiscard]] const std::vector<captured_statement>& statements() const noexcept {
    return m_statements;
  }
  // The statements whose SQL contains `text` (e.g. "SELECT", a table's name).
  [[nodiscard]] std::size_t count(std::string_view text = {}) const;
  void clear() noexcept { m_statements.clear(); }

 private:
  friend class detail_sql_capture_access;
  database& m_db;
  std::vector<captured_statement> m_statements;

 public:
  // (For the database's observer.)
  void record(captured_statement statement) { m_statements.push_back(std::move(statement)); }
};

}  // namespace nextorm
