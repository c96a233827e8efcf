// The hand-written SQLite program: the sqlite3 C API, prepared statements kept for the whole
// run, rows stepped into plain structs. Opens the file with NextORM's flags and pragmas.
#pragma once

#include "contender.hpp"
#include "raw_sql.hpp"

#include <sqlite3.h>

#include <memory>
#include <string>

namespace nextorm_bench {

struct sqlite_closer {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct sqlite_finalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using sqlite_stmt_ptr = std::unique_ptr<sqlite3_stmt, sqlite_finalizer>;

// The pragmas both contenders run with: NextORM's SQLite driver sets exactly this one, and
// everything else (journal_mode=DELETE, synchronous=FULL, cache_size) is SQLite's default.
inline constexpr const char* sqlite_pragmas = "PRAGMA foreign_keys = ON";

class sqlite_raw final : public contender {
 public:
  sqlite_raw(const std::string& path, raw_sql sql);
  [[nodiscard]] std::string_view name() const override { return "raw"; }
  checksum insert(const dataset& data) override;
  bool update_prices(checksum& c) override;
  double price_sum() override;
  checksum select_below(double limit) override;
  checksum lookup(std::span<const std::int64_t> keys) override;
  checksum lookup_each(std::span<const std::int64_t> keys) override;
  checksum stock_lookup(std::span<const stock_key> keys) override;
  void insert_stocks(const dataset& data) override;
  checksum join(std::span<const std::string> category_names) override;
  checksum aggregate() override;
  [[nodiscard]] std::int64_t product_count() override;

 private:
  void exec(const char* sql);
  sqlite3_stmt* prepared(sqlite_stmt_ptr& slot, const std::string& sql);
  void check(int rc, const char* what);

  raw_sql m_sql;
  std::unique_ptr<sqlite3, sqlite_closer> m_db;
  sqlite_stmt_ptr m_insert_category;
  sqlite_stmt_ptr m_insert_product;
  sqlite_stmt_ptr m_select;
  sqlite_stmt_ptr m_lookup;
  sqlite_stmt_ptr m_insert_stock;
  sqlite_stmt_ptr m_stock_lookup;
  sqlite_stmt_ptr m_join;
  sqlite_stmt_ptr m_aggregate;
  sqlite_stmt_ptr m_categories;
  sqlite_stmt_ptr m_count;
  sqlite_stmt_ptr m_select_products;
  sqlite_stmt_ptr m_update_price;
  sqlite_stmt_ptr m_sum_prices;
};

}  // namespace nextorm_bench
