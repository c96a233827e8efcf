// The hand-written PostgreSQL program: libpq, statements prepared once per connection, text
// parameters and results (what most C code does), rows converted into plain structs.
#include "raw_sql.hpp"
#include "target.hpp"

#include <bench_config.hpp>

#if NEXTORM_BENCH_HAS_PQ

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace nextorm_bench {
namespace {

struct pg_closer {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct pg_clearer {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using pg_result = std::unique_ptr<PGresult, pg_clearer>;

std::int64_t to_int(const PGresult* r, int row, int col) {
  return std::strtoll(PQgetvalue(r, row, col), nullptr, 10);
}
double to_real(const PGresult* r, int row, int col) {
  return std::strtod(PQgetvalue(r, row, col), nullptr);
}
std::string to_text(const PGresult* r, int row, int col) {
  return std::string{PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col))};
}

product_row read_product(const PGresult* r, int row) {
  return product_row{to_int(r, row, 0), to_text(r, row, 1), to_real(r, row, 2), to_text(r, row, 3),
                     to_int(r, row, 4)};
}

void add(checksum& c, const product_row& r) {
  add_product(c, r.id, r.name.size(), r.price, r.sku.size(), r.category);
}

// Text that reads back as the same double.
std::string real_text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

// `text` in COPY's text format: backslash, tab, newline and carriage return escaped.
void append_copy_text(std::string& out, const std::string& text) {
  for (const char ch : text) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += ch;
    }
  }
}

class postgres_raw final : public contender {
 public:
  postgres_raw(const std::string& url, raw_sql sql) : m_sql{std::move(sql)} {
    m_conn.reset(PQconnectdb(url.c_str()));
    if (PQstatus(m_conn.get()) != CONNECTION_OK) {
      throw std::runtime_error(std::string{"libpq: "} + PQerrorMessage(m_conn.get()));
    }
    // DROP TABLE IF EXISTS of a missing table is a notice, not news.
    PQsetNoticeProcessor(
        m_conn.get(), [](void*, const char*) {}, nullptr);
  }
  std::string_view name() const override { return "raw"; }

  checksum insert(const dataset& data) override {
    checksum c;
    prepare("insert_category", m_sql.insert_category);
    prepare("insert_product", m_sql.insert_product);
    exec("BEGIN");
    std::vector<std::string> keys;
    keys.reserve(data.categories.size());
    for (const category_data& d : data.categories) {
      pg_result r = run("insert_category", {d.name.c_str()}, PGRES_TUPLES_OK);
      keys.push_back(to_text(r.get(), 0, 0));
      ++c.rows;
    }
    for (const product_data& d : data.products) {
      const std::string price = real_text(d.price);
      (void)run("insert_product",
                {d.name.c_str(), price.c_str(), d.sku.c_str(), keys[d.category].c_str()},
                PGRES_COMMAND_OK);
      ++c.rows;
    }
    exec("COMMIT");
    return c;
  }

  checksum select_below(double limit) override {
    checksum c;
    prepare("select_below", m_sql.select_below);
    const std::string text = real_text(limit);
    pg_result r = run("select_below", {text.c_str()}, PGRES_TUPLES_OK);
    std::vector<product_row> rows;
    const int n = PQntuples(r.get());
    for (int i = 0; i < n; ++i) rows.push_back(read_product(r.get(), i));
    for (const product_row& row : rows) add(c, row);
    return c;
  }

  checksum lookup(std::span<const std::int64_t> keys) override {
    exec("BEGIN");
    checksum c = lookups(keys, false);
    exec("COMMIT");
    return c;
  }

  checksum lookup_each(std::span<const std::int64_t> keys) override { return lookups(keys, true); }

  // The fastest path libpq has: the categories in one multi-row INSERT ... RETURNING, the
  // products through COPY FROM STDIN (text format, sent in 64 KiB pieces).
  bool insert_bulk(const dataset& data, checksum& c) override {
    exec("BEGIN");
    std::string sql = m_sql.insert_categories;
    std::vector<const char*> names;
    for (std::size_t i = 0; i < data.categories.size(); ++i) {
      sql += (i == 0 ? "($" : ", ($") + std::to_string(i + 1) + ")";
      names.push_back(data.categories[i].name.c_str());
    }
    sql += " RETURNING " + m_sql.category_key;
    std::vector<std::string> keys;
    {
      pg_result r{PQexecParams(m_conn.get(), sql.c_str(), static_cast<int>(names.size()), nullptr,
                               names.data(), nullptr, nullptr, 0)};
      check(r.get(), PGRES_TUPLES_OK, "bulk categories");
      for (int i = 0; i < PQntuples(r.get()); ++i) keys.push_back(to_text(r.get(), i, 0));
      c.rows += keys.size();
    }
    {
      pg_result r{PQexec(m_conn.get(), m_sql.copy_products.c_str())};
      check(r.get(), PGRES_COPY_IN, "COPY");
    }
    std::string buffer;
    auto send = [&] {
      if (PQputCopyData(m_conn.get(), buffer.data(), static_cast<int>(buffer.size())) != 1) {
        throw std::runtime_error(std::string{"libpq COPY: "} + PQerrorMessage(m_conn.get()));
      }
      buffer.clear();
    };
    for (const product_data& d : data.products) {
      append_copy_text(buffer, d.name);
      buffer += '\t';
      buffer += real_text(d.price);
      buffer += '\t';
      append_copy_text(buffer, d.sku);
      buffer += '\t';
      buffer += keys[d.category];
      buffer += '\n';
      ++c.rows;
      if (buffer.size() >= 65536) send();
    }
    if (!buffer.empty()) send();
    if (PQputCopyEnd(m_conn.get(), nullptr) != 1) {
      throw std::runtime_error(std::string{"libpq COPY end: "} + PQerrorMessage(m_conn.get()));
    }
    {
      pg_result r{PQgetResult(m_conn.get())};
      check(r.get(), PGRES_COMMAND_OK, "COPY");
    }
    while (PGresult* rest = PQgetResult(m_conn.get())) PQclear(rest);
    exec("COMMIT");
    return true;
  }

  void insert_stocks(const dataset& data) override {
    prepare("insert_stock", m_sql.insert_stock);
    exec("BEGIN");
    for (const stock_data& d : data.stocks) {
      const std::string shelf = std::to_string(d.shelf);
      const std::string slot = std::to_string(d.slot);
      const std::string qty = std::to_string(d.qty);
      (void)run("insert_stock", {shelf.c_str(), slot.c_str(), qty.c_str()}, PGRES_COMMAND_OK);
    }
    exec("COMMIT");
  }

  checksum stock_lookup(std::span<const stock_key> keys) override {
    checksum c;
    prepare("stock_lookup", m_sql.stock_lookup);
    std::vector<stock_row> rows;
    rows.reserve(keys.size());
    exec("BEGIN");
    for (const stock_key& key : keys) {
      const std::string shelf = std::to_string(key.shelf);
      const std::string slot = std::to_string(key.slot);
      pg_result r = run("stock_lookup", {shelf.c_str(), slot.c_str()}, PGRES_TUPLES_OK);
      if (PQntuples(r.get()) != 1) throw std::runtime_error("stock lookup: no stock");
      rows.push_back(
          stock_row{to_int(r.get(), 0, 0), to_int(r.get(), 0, 1), to_int(r.get(), 0, 2)});
    }
    exec("COMMIT");
    for (const stock_row& r : rows) add_stock(c, r.shelf, r.slot, r.qty);
    return c;
  }

  checksum join(std::span<const std::string> category_names) override {
    checksum c;
    prepare("join", m_sql.join);
    for (const std::string& name : category_names) {
      pg_result r = run("join", {name.c_str()}, PGRES_TUPLES_OK);
      std::vector<product_row> rows;
      const int n = PQntuples(r.get());
      for (int i = 0; i < n; ++i) rows.push_back(read_product(r.get(), i));
      for (const product_row& row : rows) add(c, row);
    }
    return c;
  }

  checksum aggregate() override {
    checksum c;
    prepare("categories", m_sql.category_keys);
    prepare("aggregate", m_sql.aggregate);
    std::unordered_map<std::int64_t, std::string> names;
    {
      pg_result r = run("categories", {}, PGRES_TUPLES_OK);
      const int n = PQntuples(r.get());
      for (int i = 0; i < n; ++i) names.emplace(to_int(r.get(), i, 0), to_text(r.get(), i, 1));
    }
    pg_result r = run("aggregate", {}, PGRES_TUPLES_OK);
    std::vector<group_row> rows;
    const int n = PQntuples(r.get());
    for (int i = 0; i < n; ++i) {
      const std::int64_t key = to_int(r.get(), i, 0);
      rows.push_back(group_row{key, names.at(key), to_int(r.get(), i, 1), to_real(r.get(), i, 2)});
    }
    for (const group_row& g : rows) add_group(c, g.category, g.name.size(), g.count, g.avg);
    return c;
  }

  // Row by row, a round trip per UPDATE, as most C code does.
  bool update_prices(checksum& c) override {
    prepare("update_price", m_sql.update_price);
    exec("BEGIN");
    std::vector<product_row> rows;
    {
      pg_result r{PQexec(m_conn.get(), m_sql.select_products.c_str())};
      check(r.get(), PGRES_TUPLES_OK, "select products");
      const int n = PQntuples(r.get());
      rows.reserve(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) rows.push_back(read_product(r.get(), i));
    }
    for (product_row& row : rows) {
      row.price += 1;
      const std::string price = real_text(row.price);
      const std::string id = std::to_string(row.id);
      (void)run("update_price", {price.c_str(), id.c_str()}, PGRES_COMMAND_OK);
      ++c.rows;
      c.sum += static_cast<std::uint64_t>(row.id);
    }
    exec("COMMIT");
    return true;
  }

  double price_sum() override {
    pg_result r{PQexec(m_conn.get(), m_sql.sum_prices.c_str())};
    check(r.get(), PGRES_TUPLES_OK, "sum prices");
    return to_real(r.get(), 0, 0);
  }

  std::int64_t product_count() override {
    pg_result r{PQexec(m_conn.get(), m_sql.count_products.c_str())};
    check(r.get(), PGRES_TUPLES_OK, "count");
    return to_int(r.get(), 0, 0);
  }

  void exec(const std::string& sql) {
    pg_result r{PQexec(m_conn.get(), sql.c_str())};
    check(r.get(), PGRES_COMMAND_OK, sql.c_str());
  }

 private:
  checksum lookups(std::span<const std::int64_t> keys, bool transaction_each) {
    checksum c;
    prepare("lookup", m_sql.lookup);
    std::vector<product_row> rows;
    rows.reserve(keys.size());
    for (const std::int64_t key : keys) {
      if (transaction_each) exec("BEGIN");
      const std::string text = std::to_string(key);
      pg_result r = run("lookup", {text.c_str()}, PGRES_TUPLES_OK);
      if (PQntuples(r.get()) != 1) throw std::runtime_error("lookup: no product " + text);
      rows.push_back(read_product(r.get(), 0));
      if (transaction_each) exec("COMMIT");
    }
    for (const product_row& row : rows) add(c, row);
    return c;
  }

  void prepare(const char* name, const std::string& sql) {
    for (const std::string& done : m_prepared) {
      if (done == name) return;
    }
    pg_result r{PQprepare(m_conn.get(), name, sql.c_str(), 0, nullptr)};
    check(r.get(), PGRES_COMMAND_OK, sql.c_str());
    m_prepared.emplace_back(name);
  }

  pg_result run(const char* name, std::initializer_list<const char*> values, ExecStatusType want) {
    pg_result r{PQexecPrepared(m_conn.get(), name, static_cast<int>(values.size()), values.begin(),
                               nullptr, nullptr, 0)};
    check(r.get(), want, name);
    return r;
  }

  void check(const PGresult* r, ExecStatusType want, const char* what) {
    if (PQresultStatus(r) != want) {
      throw std::runtime_error(std::string{"libpq "} + what + ": " + PQerrorMessage(m_conn.get()));
    }
  }

  raw_sql m_sql;
  std::unique_ptr<PGconn, pg_closer> m_conn;
  std::vector<std::string> m_prepared;
};

class postgres_target final : public target {
 public:
  postgres_target(std::string url, const nextorm::registry& names)
      : m_url{std::move(url)}, m_sql{make_raw_sql(names, '"', placeholders::dollar, true)} {}
  std::string provider() const override { return "postgres"; }
  std::string fresh(const std::string&) override {
    postgres_raw c{m_url, m_sql};
    c.exec(m_sql.drop_stock);
    c.exec(m_sql.drop_product);
    c.exec(m_sql.drop_category);
    return m_url;
  }
  void discard(const std::string&) override {}
  char quote() const override { return '"'; }
  std::unique_ptr<contender> raw(const std::string& url) override {
    return std::make_unique<postgres_raw>(url, m_sql);
  }

 private:
  std::string m_url;
  raw_sql m_sql;
};

}  // namespace

std::unique_ptr<target> make_postgres_target(const std::string& url,
                                             const nextorm::registry& names) {
  return std::make_unique<postgres_target>(url, names);
}

}  // namespace nextorm_bench

#else

namespace nextorm_bench {

std::unique_ptr<target> make_postgres_target(const std::string&, const nextorm::registry&) {
  return nullptr;
}

}  // namespace nextorm_bench

#endif
