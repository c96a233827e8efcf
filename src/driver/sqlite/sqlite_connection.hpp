// SQLite: the embedded default provider. Prepared statements are cached per connection.
#pragma once

#include "driver/connection.hpp"

#include <sqlite3.h>

#include <memory>
#include <string>
#include <unordered_map>

namespace nextorm::driver {

struct sqlite_db_closer {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct sqlite_stmt_finalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using sqlite_db_handle = std::unique_ptr<sqlite3, sqlite_db_closer>;
using sqlite_stmt_handle = std::unique_ptr<sqlite3_stmt, sqlite_stmt_finalizer>;

class sqlite_connection final : public connection {
 public:
  // create: false opens only a file that exists (SQLite's SQLITE_OPEN_CREATE left out).
  explicit sqlite_connection(const std::string& path, bool create = true);

  [[nodiscard]] std::string_view dialect_name() const noexcept override { return "sqlite"; }
  void execute_script(std::string_view sql) override;
  std::int64_t execute(const std::string& sql, std::span<const value> params) override;
  [[nodiscard]] value insert(const std::string& sql, std::span<const value> params) override;
  std::int64_t execute_from(const std::string& sql, const param_source& params) override;
  [[nodiscard]] value insert_from(const std::string& sql, const param_source& params) override;
  [[nodiscard]] std::unique_ptr<cursor> query(const std::string& sql,
                                              std::span<const value> params) override;
  void begin() override;
  void begin_serializable() override;
  // SQLite 3.35 added RETURNING; a multi-row INSERT beats as many single ones even in process
  // (fewer statement steps).
  [[nodiscard]] bool returns_inserted_rows() const noexcept override {
    return sqlite3_libversion_number() >= 3035000;
  }
  // SQLITE_LIMIT_VARIABLE_NUMBER of this connection (32766 by default, 999 before 3.32).
  [[nodiscard]] std::size_t max_parameters() const noexcept override;
  void commit() override;
  void rollback() override;
  [[nodiscard]] bool in_transaction() const noexcept override;
  // An embedded database has no connection to lose.
  [[nodiscard]] bool alive() noexcept override { return true; }
  // SQLite has no server: its progress handler interrupts a statement past its deadline, or
  // running when the stop is requested.
  void set_limits(const statement_limits& limits) override;
  [[nodiscard]] bool transaction_cancelled() const noexcept override { return m_guard.cancelled(); }

  [[nodiscard]] sqlite3* handle() const noexcept { return m_db.get(); }

 private:
  // The cached statement for `sql` (reset: ready for binding).
  sqlite3_stmt* prepare(const std::string& sql);
  // The cached statement for `sql`, bound to `params`.
  sqlite3_stmt* prepare(const std::string& sql, std::span<const value> params);
  sqlite3_stmt* prepare(const std::string& sql, const param_source& params);
  // Steps a statement that returns no rows.
  void run(sqlite3_stmt* stmt);
  // Throws the error of result `code`: statement_cancelled where the guard interrupted it.
  [[noreturn]] void fail(int code, const std::string& context);
  // The key the last INSERT generated (the rowid).
  [[nodiscard]] value last_insert_id() const noexcept;

  statement_guard m_guard;  // (before m_db: its progress handler goes with m_db)
  sqlite_db_handle m_db;
  std::unordered_map<std::string, sqlite_stmt_handle> m_statements;
  // The statement used last (map nodes do not move).
  const std::pair<const std::string, sqlite_stmt_handle>* m_last = nullptr;
};

// Maps an SQLite result code to NextORM's error classes and throws.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int code, std::string_view context);

}  // namespace nextorm::driver
