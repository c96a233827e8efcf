#include "sqlite_raw.hpp"

#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace nextorm_bench {
namespace {

// Steps a product row (id, name, price, sku, category) into the struct.
product_row read_product(sqlite3_stmt* stmt) {
  product_row r;
  r.id = sqlite3_column_int64(stmt, 0);
  r.name.assign(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)),
                static_cast<std::size_t>(sqlite3_column_bytes(stmt, 1)));
  r.price = sqlite3_column_double(stmt, 2);
  r.sku.assign(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)),
               static_cast<std::size_t>(sqlite3_column_bytes(stmt, 3)));
  r.category = sqlite3_column_int64(stmt, 4);
  return r;
}

void add(checksum& c, const product_row& r) {
  add_product(c, r.id, r.name.size(), r.price, r.sku.size(), r.category);
}

}  // namespace

sqlite_raw::sqlite_raw(const std::string& path, raw_sql sql) : m_sql{std::move(sql)} {
  sqlite3* db = nullptr;
  // NextORM's flags (src/driver/sqlite/sqlite_connection.cpp), so that raw stays the limit.
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  m_db.reset(db);
  check(rc, "open");
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  exec(sqlite_pragmas);
}

void sqlite_raw::check(int rc, const char* what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  throw std::runtime_error(std::string{"sqlite "} + what + ": " + sqlite3_errmsg(m_db.get()));
}

void sqlite_raw::exec(const char* sql) {
  check(sqlite3_exec(m_db.get(), sql, nullptr, nullptr, nullptr), sql);
}

std::int64_t sqlite_raw::product_count() {
  sqlite3_stmt* s = prepared(m_count, m_sql.count_products);
  check(sqlite3_step(s), "count");
  const std::int64_t n = sqlite3_column_int64(s, 0);
  sqlite3_reset(s);
  return n;
}

sqlite3_stmt* sqlite_raw::prepared(sqlite_stmt_ptr& slot, const std::string& sql) {
  if (!slot) {
    sqlite3_stmt* stmt = nullptr;
    check(
        sqlite3_prepare_v3(m_db.get(), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr),
        sql.c_str());
    slot.reset(stmt);
  }
  return slot.get();
}

checksum sqlite_raw::insert(const dataset& data) {
  checksum c;
  sqlite3_stmt* category = prepared(m_insert_category, m_sql.insert_category);
  sqlite3_stmt* product = prepared(m_insert_product, m_sql.insert_product);
  exec("BEGIN");
  std::vector<std::int64_t> keys;
  keys.reserve(data.categories.size());
  for (const category_data& d : data.categories) {
    sqlite3_bind_text(category, 1, d.name.data(), static_cast<int>(d.name.size()), SQLITE_STATIC);
    check(sqlite3_step(category), "insert category");
    sqlite3_reset(category);
    keys.push_back(sqlite3_last_insert_rowid(m_db.get()));
    ++c.rows;
  }
  for (const product_data& d : data.products) {
    sqlite3_bind_text(product, 1, d.name.data(), static_cast<int>(d.name.size()), SQLITE_STATIC);
    sqlite3_bind_double(product, 2, d.price);
    sqlite3_bind_text(product, 3, d.sku.data(), static_cast<int>(d.sku.size()), SQLITE_STATIC);
    sqlite3_bind_int64(product, 4, keys[d.category]);
    check(sqlite3_step(product), "insert product");
    sqlite3_reset(product);
    ++c.rows;
  }
  exec("COMMIT");
  return c;
}

bool sqlite_raw::update_prices(checksum& c) {
  sqlite3_stmt* select = prepared(m_select_products, m_sql.select_products);
  sqlite3_stmt* update = prepared(m_update_price, m_sql.update_price);
  exec("BEGIN");
  std::vector<product_row> rows;
  int rc = 0;
  while ((rc = sqlite3_step(select)) == SQLITE_ROW) rows.push_back(read_product(select));
  check(rc, "select products");
  sqlite3_reset(select);
  for (product_row& row : rows) {
    const std::int64_t id = row.id;
    row.price += 1;
    sqlite3_bind_double(update, 1, row.price);
    sqlite3_bind_int64(update, 2, id);
    check(sqlite3_step(update), "update price");
    sqlite3_reset(update);
    ++c.rows;
    c.sum += static_cast<std::uint64_t>(id);
  }
  exec("COMMIT");
  return true;
}

double sqlite_raw::price_sum() {
  sqlite3_stmt* stmt = prepared(m_sum_prices, m_sql.sum_prices);
  check(sqlite3_step(stmt), "sum prices");
  const double sum = sqlite3_column_double(stmt, 0);
  sqlite3_reset(stmt);
  return sum;
}

checksum sqlite_raw::select_below(double limit) {
  checksum c;
  sqlite3_stmt* stmt = prepared(m_select, m_sql.select_below);
  sqlite3_bind_double(stmt, 1, limit);
  std::vector<product_row> rows;
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) rows.push_back(read_product(stmt));
  check(rc, "select");
  sqlite3_reset(stmt);
  for (const product_row& r : rows) add(c, r);
  return c;
}

checksum sqlite_raw::lookup(std::span<const std::int64_t> keys) {
  checksum c;
  sqlite3_stmt* stmt = prepared(m_lookup, m_sql.lookup);
  std::vector<product_row> rows;
  rows.reserve(keys.size());
  exec("BEGIN");
  for (const std::int64_t key : keys) {
    sqlite3_bind_int64(stmt, 1, key);
    const int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) throw std::runtime_error("lookup: no product " + std::to_string(key));
    rows.push_back(read_product(stmt));
    sqlite3_reset(stmt);
  }
  exec("COMMIT");
  for (const product_row& r : rows) add(c, r);
  return c;
}

checksum sqlite_raw::lookup_each(std::span<const std::int64_t> keys) {
  checksum c;
  sqlite3_stmt* stmt = prepared(m_lookup, m_sql.lookup);
  std::vector<product_row> rows;
  rows.reserve(keys.size());
  for (const std::int64_t key : keys) {
    exec("BEGIN");
    sqlite3_bind_int64(stmt, 1, key);
    const int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) throw std::runtime_error("lookup: no product " + std::to_string(key));
    rows.push_back(read_product(stmt));
    sqlite3_reset(stmt);
    exec("COMMIT");
  }
  for (const product_row& r : rows) add(c, r);
  return c;
}

void sqlite_raw::insert_stocks(const dataset& data) {
  sqlite3_stmt* stock = prepared(m_insert_stock, m_sql.insert_stock);
  exec("BEGIN");
  for (const stock_data& d : data.stocks) {
    sqlite3_bind_int64(stock, 1, d.shelf);
    sqlite3_bind_int64(stock, 2, d.slot);
    sqlite3_bind_int64(stock, 3, d.qty);
    check(sqlite3_step(stock), "insert stock");
    sqlite3_reset(stock);
  }
  exec("COMMIT");
}

checksum sqlite_raw::stock_lookup(std::span<const stock_key> keys) {
  checksum c;
  sqlite3_stmt* stmt = prepared(m_stock_lookup, m_sql.stock_lookup);
  std::vector<stock_row> rows;
  rows.reserve(keys.size());
  exec("BEGIN");
  for (const stock_key& key : keys) {
    sqlite3_bind_int64(stmt, 1, key.shelf);
    sqlite3_bind_int64(stmt, 2, key.slot);
    if (sqlite3_step(stmt) != SQLITE_ROW) throw std::runtime_error("stock lookup: no stock");
    rows.push_back(stock_row{sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1),
                             sqlite3_column_int64(stmt, 2)});
    sqlite3_reset(stmt);
  }
  exec("COMMIT");
  for (const stock_row& r : rows) add_stock(c, r.shelf, r.slot, r.qty);
  return c;
}

checksum sqlite_raw::join(std::span<const std::string> category_names) {
  checksum c;
  sqlite3_stmt* stmt = prepared(m_join, m_sql.join);
  for (const std::string& name : category_names) {
    std::vector<product_row> rows;
    sqlite3_bind_text(stmt, 1, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
    int rc = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) rows.push_back(read_product(stmt));
    check(rc, "join");
    sqlite3_reset(stmt);
    for (const product_row& r : rows) add(c, r);
  }
  return c;
}

checksum sqlite_raw::aggregate() {
  checksum c;
  std::unordered_map<std::int64_t, std::string> names;
  sqlite3_stmt* categories = prepared(m_categories, m_sql.category_keys);
  int rc = 0;
  while ((rc = sqlite3_step(categories)) == SQLITE_ROW) {
    names.emplace(sqlite3_column_int64(categories, 0),
                  reinterpret_cast<const char*>(sqlite3_column_text(categories, 1)));
  }
  check(rc, "categories");
  sqlite3_reset(categories);
  sqlite3_stmt* stmt = prepared(m_aggregate, m_sql.aggregate);
  std::vector<group_row> rows;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const std::int64_t key = sqlite3_column_int64(stmt, 0);
    rows.push_back(group_row{key, names.at(key), sqlite3_column_int64(stmt, 1),
                             sqlite3_column_double(stmt, 2)});
  }
  check(rc, "aggregate");
  sqlite3_reset(stmt);
  for (const group_row& g : rows) add_group(c, g.category, g.name.size(), g.count, g.avg);
  return c;
}

}  // namespace nextorm_bench
