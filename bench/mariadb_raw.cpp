// The hand-written MariaDB program: Connector/C prepared statements (binary protocol) with
// MYSQL_BIND buffers bound once, rows fetched from the server as they come into plain structs.
#include "raw_sql.hpp"
#include "target.hpp"

#include <bench_config.hpp>

#if NEXTORM_BENCH_HAS_MARIADB

#include "driver/connection.hpp"  // NextORM's URL parser (Connector/C has none)

#include <mysql.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace nextorm_bench {
namespace {

struct mysql_closer {
  void operator()(MYSQL* m) const noexcept { mysql_close(m); }
};
struct stmt_closer {
  void operator()(MYSQL_STMT* s) const noexcept { mysql_stmt_close(s); }
};
using stmt_ptr = std::unique_ptr<MYSQL_STMT, stmt_closer>;

// Output buffers for one product row (id, name, price, sku, category).
struct product_buffers {
  long long id = 0;
  char name[256];
  unsigned long name_length = 0;
  double price = 0;
  char sku[256];
  unsigned long sku_length = 0;
  long long category = 0;
  MYSQL_BIND binds[5];

  product_buffers() {
    std::memset(binds, 0, sizeof binds);
    binds[0].buffer_type = MYSQL_TYPE_LONGLONG;
    binds[0].buffer = &id;
    binds[1].buffer_type = MYSQL_TYPE_STRING;
    binds[1].buffer = name;
    binds[1].buffer_length = sizeof name;
    binds[1].length = &name_length;
    binds[2].buffer_type = MYSQL_TYPE_DOUBLE;
    binds[2].buffer = &price;
    binds[3].buffer_type = MYSQL_TYPE_STRING;
    binds[3].buffer = sku;
    binds[3].buffer_length = sizeof sku;
    binds[3].length = &sku_length;
    binds[4].buffer_type = MYSQL_TYPE_LONGLONG;
    binds[4].buffer = &category;
  }
  product_buffers(const product_buffers&) = delete;
  product_buffers& operator=(const product_buffers&) = delete;
  product_row row() const {
    return product_row{id, std::string{name, name_length}, price, std::string{sku, sku_length},
                       category};
  }
};

MYSQL_BIND text_result(char* buffer, unsigned long size, unsigned long& length) {
  MYSQL_BIND b;
  std::memset(&b, 0, sizeof b);
  b.buffer_type = MYSQL_TYPE_STRING;
  b.buffer = buffer;
  b.buffer_length = size;
  b.length = &length;
  return b;
}

MYSQL_BIND text_param(const std::string& s, unsigned long& length) {
  MYSQL_BIND b;
  std::memset(&b, 0, sizeof b);
  length = static_cast<unsigned long>(s.size());
  b.buffer_type = MYSQL_TYPE_STRING;
  b.buffer = const_cast<char*>(s.data());
  b.buffer_length = length;
  b.length = &length;
  return b;
}

template <class T>
MYSQL_BIND number_param(enum_field_types type, T& v) {
  MYSQL_BIND b;
  std::memset(&b, 0, sizeof b);
  b.buffer_type = type;
  b.buffer = &v;
  return b;
}

void add(checksum& c, const product_row& r) {
  add_product(c, r.id, r.name.size(), r.price, r.sku.size(), r.category);
}

class mariadb_raw final : public contender {
 public:
  mariadb_raw(const std::string& url, raw_sql sql) : m_sql{std::move(sql)} {
    const nextorm::driver::connection_url u = nextorm::driver::parse_url(url);
    m_db.reset(mysql_init(nullptr));
    const unsigned protocol = MYSQL_PROTOCOL_TCP;
    mysql_options(m_db.get(), MYSQL_OPT_PROTOCOL, &protocol);
    mysql_options(m_db.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
    const std::string host = u.host.empty() || u.host == "localhost" ? "127.0.0.1" : u.host;
    if (mysql_real_connect(m_db.get(), host.c_str(), u.user.c_str(), u.password.c_str(),
                           u.database.c_str(), u.port != 0 ? u.port : 3306, nullptr,
                           0) == nullptr) {
      throw std::runtime_error(std::string{"mariadb connect: "} + mysql_error(m_db.get()));
    }
  }
  std::string_view name() const override { return "raw"; }

  checksum insert(const dataset& data) override {
    checksum c;
    MYSQL_STMT* category = prepared(m_insert_category, m_sql.insert_category);
    MYSQL_STMT* product = prepared(m_insert_product, m_sql.insert_product);
    query("START TRANSACTION");
    std::vector<long long> keys;
    keys.reserve(data.categories.size());
    unsigned long name_length = 0;
    MYSQL_BIND category_params[1];
    for (const category_data& d : data.categories) {
      category_params[0] = text_param(d.name, name_length);
      check(mysql_stmt_bind_param(category, category_params), category);
      check(mysql_stmt_execute(category), category);
      keys.push_back(static_cast<long long>(mysql_stmt_insert_id(category)));
      ++c.rows;
    }
    double price = 0;
    long long category_key = 0;
    unsigned long sku_length = 0;
    MYSQL_BIND product_params[4];
    for (const product_data& d : data.products) {
      product_params[0] = text_param(d.name, name_length);
      product_params[1] = number_param(MYSQL_TYPE_DOUBLE, price);
      product_params[2] = text_param(d.sku, sku_length);
      product_params[3] = number_param(MYSQL_TYPE_LONGLONG, category_key);
      price = d.price;
      category_key = keys[d.category];
      check(mysql_stmt_bind_param(product, product_params), product);
      check(mysql_stmt_execute(product), product);
      ++c.rows;
    }
    check(mysql_commit(m_db.get()));
    return c;
  }

  // A hand-written bulk load: multi-row INSERTs in the text protocol, 1,000 rows each, values
  // escaped by mysql_real_escape_string; the categories' keys from the first generated one
  // (consecutive in one statement, innodb_autoinc_lock_mode 1, the default).
  bool insert_bulk(const dataset& data, checksum& c) override {
    query("START TRANSACTION");
    std::string sql = m_sql.insert_categories;
    for (std::size_t i = 0; i < data.categories.size(); ++i) {
      sql += i == 0 ? "(" : ", (";
      append_quoted(sql, data.categories[i].name);
      sql += ')';
    }
    query(sql);
    const auto first = static_cast<long long>(mysql_insert_id(m_db.get()));
    c.rows += data.categories.size();
    constexpr std::size_t rows_per_statement = 1000;
    char number[32];
    for (std::size_t at = 0; at < data.products.size(); at += rows_per_statement) {
      sql = m_sql.insert_products;
      const std::size_t end = std::min(at + rows_per_statement, data.products.size());
      for (std::size_t i = at; i < end; ++i) {
        const product_data& d = data.products[i];
        sql += i == at ? "(" : ", (";
        append_quoted(sql, d.name);
        std::snprintf(number, sizeof number, ", %.17g, ", d.price);
        sql += number;
        append_quoted(sql, d.sku);
        sql += ", " + std::to_string(first + static_cast<long long>(d.category)) + ")";
        ++c.rows;
      }
      query(sql);
    }
    check(mysql_commit(m_db.get()));
    return true;
  }

  checksum select_below(double limit) override {
    checksum c;
    MYSQL_STMT* stmt = prepared(m_select, m_sql.select_below);
    MYSQL_BIND params[] = {number_param(MYSQL_TYPE_DOUBLE, limit)};
    check(mysql_stmt_bind_param(stmt, params), stmt);
    std::vector<product_row> rows;
    fetch_products(stmt, rows);
    for (const product_row& r : rows) add(c, r);
    return c;
  }

  checksum lookup(std::span<const std::int64_t> keys) override {
    query("START TRANSACTION");
    checksum c = lookups(keys, false);
    check(mysql_commit(m_db.get()));
    return c;
  }

  checksum lookup_each(std::span<const std::int64_t> keys) override { return lookups(keys, true); }

  void insert_stocks(const dataset& data) override {
    MYSQL_STMT* stmt = prepared(m_insert_stock, m_sql.insert_stock);
    long long shelf = 0;
    long long slot = 0;
    long long qty = 0;
    MYSQL_BIND params[] = {number_param(MYSQL_TYPE_LONGLONG, shelf),
                           number_param(MYSQL_TYPE_LONGLONG, slot),
                           number_param(MYSQL_TYPE_LONGLONG, qty)};
    check(mysql_stmt_bind_param(stmt, params), stmt);
    query("START TRANSACTION");
    for (const stock_data& d : data.stocks) {
      shelf = d.shelf;
      slot = d.slot;
      qty = d.qty;
      check(mysql_stmt_execute(stmt), stmt);
    }
    check(mysql_commit(m_db.get()));
  }

  checksum stock_lookup(std::span<const stock_key> keys) override {
    checksum c;
    MYSQL_STMT* stmt = prepared(m_stock_lookup, m_sql.stock_lookup);
    long long shelf = 0;
    long long slot = 0;
    MYSQL_BIND params[] = {number_param(MYSQL_TYPE_LONGLONG, shelf),
                           number_param(MYSQL_TYPE_LONGLONG, slot)};
    check(mysql_stmt_bind_param(stmt, params), stmt);
    stock_row out_row;
    MYSQL_BIND out[] = {number_param(MYSQL_TYPE_LONGLONG, out_row.shelf),
                        number_param(MYSQL_TYPE_LONGLONG, out_row.slot),
                        number_param(MYSQL_TYPE_LONGLONG, out_row.qty)};
    std::vector<stock_row> rows;
    rows.reserve(keys.size());
    query("START TRANSACTION");
    for (const stock_key& key : keys) {
      shelf = key.shelf;
      slot = key.slot;
      check(mysql_stmt_execute(stmt), stmt);
      check(mysql_stmt_bind_result(stmt, out), stmt);
      int rc = 0;
      const std::size_t before = rows.size();
      while ((rc = mysql_stmt_fetch(stmt)) == 0) rows.push_back(out_row);
      if (rc != MYSQL_NO_DATA) check(1, stmt);
      if (rows.size() != before + 1) throw std::runtime_error("stock lookup: no stock");
    }
    check(mysql_commit(m_db.get()));
    for (const stock_row& r : rows) add_stock(c, r.shelf, r.slot, r.qty);
    return c;
  }

  checksum join(std::span<const std::string> category_names) override {
    checksum c;
    MYSQL_STMT* stmt = prepared(m_join, m_sql.join);
    unsigned long length = 0;
    for (const std::string& name : category_names) {
      MYSQL_BIND params[] = {text_param(name, length)};
      check(mysql_stmt_bind_param(stmt, params), stmt);
      std::vector<product_row> rows;
      fetch_products(stmt, rows);
      for (const product_row& r : rows) add(c, r);
    }
    return c;
  }

  checksum aggregate() override {
    checksum c;
    std::unordered_map<long long, std::string> names;
    {
      MYSQL_STMT* stmt = prepared(m_categories, m_sql.category_keys);
      long long id = 0;
      char name[256];
      unsigned long name_length = 0;
      MYSQL_BIND out[2];
      out[0] = number_param(MYSQL_TYPE_LONGLONG, id);
      out[1] = text_result(name, sizeof name, name_length);
      check(mysql_stmt_execute(stmt), stmt);
      check(mysql_stmt_bind_result(stmt, out), stmt);
      int rc = 0;
      while ((rc = mysql_stmt_fetch(stmt)) == 0) names.emplace(id, std::string{name, name_length});
      if (rc != MYSQL_NO_DATA) check(1, stmt);
    }
    MYSQL_STMT* stmt = prepared(m_aggregate, m_sql.aggregate);
    long long category = 0;
    long long count = 0;
    double avg = 0;
    MYSQL_BIND out[3];
    out[0] = number_param(MYSQL_TYPE_LONGLONG, category);
    out[1] = number_param(MYSQL_TYPE_LONGLONG, count);
    out[2] = number_param(MYSQL_TYPE_DOUBLE, avg);
    check(mysql_stmt_execute(stmt), stmt);
    check(mysql_stmt_bind_result(stmt, out), stmt);
    std::vector<group_row> rows;
    int rc = 0;
    while ((rc = mysql_stmt_fetch(stmt)) == 0) {
      rows.push_back(group_row{category, names.at(category), count, avg});
    }
    if (rc != MYSQL_NO_DATA) check(1, stmt);
    for (const group_row& g : rows) add_group(c, g.category, g.name.size(), g.count, g.avg);
    return c;
  }

  // Row by row, a round trip per UPDATE through a prepared statement.
  bool update_prices(checksum& c) override {
    MYSQL_STMT* update = prepared(m_update_price, m_sql.update_price);
    double price = 0;
    long long id = 0;
    MYSQL_BIND params[] = {number_param(MYSQL_TYPE_DOUBLE, price),
                           number_param(MYSQL_TYPE_LONGLONG, id)};
    check(mysql_stmt_bind_param(update, params), update);
    query("START TRANSACTION");
    std::vector<product_row> rows;
    fetch_products(prepared(m_select_products, m_sql.select_products), rows);
    for (product_row& row : rows) {
      row.price += 1;
      id = row.id;
      price = row.price;
      check(mysql_stmt_execute(update), update);
      ++c.rows;
      c.sum += static_cast<std::uint64_t>(row.id);
    }
    check(mysql_commit(m_db.get()));
    return true;
  }

  double price_sum() override {
    query(m_sql.sum_prices);
    MYSQL_RES* result = mysql_store_result(m_db.get());
    if (result == nullptr) check(1);
    MYSQL_ROW row = mysql_fetch_row(result);
    const double sum = row != nullptr && row[0] != nullptr ? std::strtod(row[0], nullptr) : -1;
    mysql_free_result(result);
    return sum;
  }

  std::int64_t product_count() override {
    query(m_sql.count_products);
    MYSQL_RES* result = mysql_store_result(m_db.get());
    if (result == nullptr) check(1);
    MYSQL_ROW row = mysql_fetch_row(result);
    const std::int64_t n = row != nullptr && row[0] != nullptr ? std::stoll(row[0]) : -1;
    mysql_free_result(result);
    return n;
  }

  void append_quoted(std::string& out, const std::string& text) {
    out += '\'';
    const std::size_t at = out.size();
    out.resize(at + text.size() * 2 + 1);
    const unsigned long n =
        mysql_real_escape_string(m_db.get(), out.data() + at, text.data(), text.size());
    out.resize(at + n);
    out += '\'';
  }

  void query(const std::string& sql) {
    check(mysql_real_query(m_db.get(), sql.data(), sql.size()));
  }

 private:
  checksum lookups(std::span<const std::int64_t> keys, bool transaction_each) {
    checksum c;
    MYSQL_STMT* stmt = prepared(m_lookup, m_sql.lookup);
    long long key = 0;
    MYSQL_BIND params[] = {number_param(MYSQL_TYPE_LONGLONG, key)};
    check(mysql_stmt_bind_param(stmt, params), stmt);
    std::vector<product_row> rows;
    rows.reserve(keys.size());
    for (const std::int64_t k : keys) {
      if (transaction_each) query("START TRANSACTION");
      key = k;
      const std::size_t before = rows.size();
      fetch_products(stmt, rows);
      if (rows.size() != before + 1) throw std::runtime_error("lookup: no product");
      if (transaction_each) check(mysql_commit(m_db.get()));
    }
    for (const product_row& r : rows) add(c, r);
    return c;
  }

  void fetch_products(MYSQL_STMT* stmt, std::vector<product_row>& rows) {
    check(mysql_stmt_execute(stmt), stmt);
    check(mysql_stmt_bind_result(stmt, m_out.binds), stmt);
    int rc = 0;
    while ((rc = mysql_stmt_fetch(stmt)) == 0) rows.push_back(m_out.row());
    if (rc != MYSQL_NO_DATA) check(1, stmt);  // an error, or MYSQL_DATA_TRUNCATED
  }

  MYSQL_STMT* prepared(stmt_ptr& slot, const std::string& sql) {
    if (!slot) {
      slot.reset(mysql_stmt_init(m_db.get()));
      if (mysql_stmt_prepare(slot.get(), sql.data(), sql.size()) != 0) {
        throw std::runtime_error("mariadb prepare '" + sql + "': " + mysql_stmt_error(slot.get()));
      }
    }
    return slot.get();
  }

  void check(int rc) {
    if (rc != 0) throw std::runtime_error(std::string{"mariadb: "} + mysql_error(m_db.get()));
  }
  void check(int rc, MYSQL_STMT* stmt) {
    if (rc != 0) {
      throw std::runtime_error(std::string{"mariadb statement: "} + mysql_stmt_error(stmt) + " (" +
                               std::to_string(rc) + ")");
    }
  }
  void check(my_bool failed, MYSQL_STMT* stmt) { check(failed ? 1 : 0, stmt); }
  void check(my_bool failed) { check(failed ? 1 : 0); }

  raw_sql m_sql;
  std::unique_ptr<MYSQL, mysql_closer> m_db;
  product_buffers m_out;
  stmt_ptr m_insert_category;
  stmt_ptr m_insert_product;
  stmt_ptr m_select;
  stmt_ptr m_lookup;
  stmt_ptr m_insert_stock;
  stmt_ptr m_update_price;
  stmt_ptr m_select_products;
  stmt_ptr m_stock_lookup;
  stmt_ptr m_join;
  stmt_ptr m_aggregate;
  stmt_ptr m_categories;
};

class mariadb_target final : public target {
 public:
  mariadb_target(std::string url, const nextorm::registry& names)
      : m_url{std::move(url)}, m_sql{make_raw_sql(names, '`', placeholders::question, false)} {}
  std::string provider() const override { return "mariadb"; }
  std::string fresh(const std::string&) override {
    mariadb_raw c{m_url, m_sql};
    c.query(m_sql.drop_stock);
    c.query(m_sql.drop_product);
    c.query(m_sql.drop_category);
    return m_url;
  }
  void discard(const std::string&) override {}
  char quote() const override { return '`'; }
  std::unique_ptr<contender> raw(const std::string& url) override {
    return std::make_unique<mariadb_raw>(url, m_sql);
  }

 private:
  std::string m_url;
  raw_sql m_sql;
};

}  // namespace

std::unique_ptr<target> make_mariadb_target(const std::string& url,
                                            const nextorm::registry& names) {
  return std::make_unique<mariadb_target>(url, names);
}

}  // namespace nextorm_bench

#else

namespace nextorm_bench {

std::unique_ptr<target> make_mariadb_target(const std::string&, const nextorm::registry&) {
  return nullptr;
}

}  // namespace nextorm_bench

#endif
