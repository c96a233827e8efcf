#include "soci_contender.hpp"

#include <bench_config.hpp>

#if NEXTORM_BENCH_HAS_SOCI

#include "driver/connection.hpp"  // NextORM's URL parser, to turn its URLs into SOCI's

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#if NEXTORM_BENCH_HAS_SOCI_POSTGRES
#include <soci/postgresql/soci-postgresql.h>
#endif
#if NEXTORM_BENCH_HAS_SOCI_MYSQL
#include <soci/mysql/soci-mysql.h>
#endif

#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace nextorm_bench {
namespace {

// SOCI exchanges 64-bit integers as long long.
struct soci_product {
  long long id = 0;
  std::string name;
  double price = 0;
  std::string sku;
  long long category = 0;
};

product_row to_row(const soci_product& r) {
  return product_row{r.id, r.name, r.price, r.sku, r.category};
}

void add(checksum& c, const product_row& r) {
  add_product(c, r.id, r.name.size(), r.price, r.sku.size(), r.category);
}

class soci_impl final : public contender {
 public:
  soci_impl(const soci::backend_factory& backend, const std::string& connect, raw_sql sql,
            bool sqlite, soci_single_row lookups)
      : m_sql{std::move(sql)}, m_session{backend, connect}, m_lookups{lookups} {
    if (sqlite) m_session << "PRAGMA foreign_keys = ON";
  }
  [[nodiscard]] std::string_view name() const override {
    return m_lookups == soci_single_row::execute_only ? "soci" : "soci_released";
  }

  checksum insert(const dataset& data) override {
    checksum c;
    soci::transaction tx{m_session};
    {
      std::string name;
      soci::statement st = (m_session.prepare << m_sql.insert_category, soci::use(name, "name"));
      for (const category_data& d : data.categories) {
        name = d.name;
        st.execute(true);
        ++c.rows;
      }
    }
    // The new keys, by name.
    std::unordered_map<std::string, long long> keys;
    {
      long long id = 0;
      std::string name;
      soci::statement st =
          (m_session.prepare << m_sql.category_keys, soci::into(id), soci::into(name));
      st.execute();
      while (st.fetch()) keys.emplace(name, id);
    }
    std::vector<long long> key_of;
    key_of.reserve(data.categories.size());
    for (const category_data& d : data.categories) key_of.push_back(keys.at(d.name));
    std::string name;
    double price = 0;
    std::string sku;
    long long category = 0;
    soci::statement st =
        (m_session.prepare << m_sql.insert_product, soci::use(name, "name"),
         soci::use(price, "price"), soci::use(sku, "sku"), soci::use(category, "category"));
    for (const product_data& d : data.products) {
      name = d.name;
      price = d.price;
      sku = d.sku;
      category = key_of[d.category];
      st.execute(true);
      ++c.rows;
    }
    tx.commit();
    return c;
  }

  // Every product read, then a prepared UPDATE executed per row, as SOCI's documentation teaches.
  bool update_prices(checksum& c) override {
    soci::transaction tx{m_session};
    std::vector<product_row> rows;
    {
      soci_product r;
      soci::statement st = (m_session.prepare << m_sql.select_products, soci::into(r.id),
                            soci::into(r.name), soci::into(r.price), soci::into(r.sku),
                            soci::into(r.category));
      st.execute();
      while (st.fetch()) rows.push_back(to_row(r));
    }
    double price = 0;
    long long id = 0;
    soci::statement st = (m_session.prepare << m_sql.update_price, soci::use(price, "price"),
                          soci::use(id, "id"));
    for (product_row& row : rows) {
      row.price += 1;
      price = row.price;
      id = row.id;
      st.execute(true);
      ++c.rows;
      c.sum += static_cast<std::uint64_t>(row.id);
    }
    tx.commit();
    return true;
  }

  checksum select_below(double limit) override {
    checksum c;
    soci_product r;
    soci::statement st =
        (m_session.prepare << m_sql.select_below, soci::into(r.id), soci::into(r.name),
         soci::into(r.price), soci::into(r.sku), soci::into(r.category), soci::use(limit, "price"));
    std::vector<product_row> rows;
    st.execute();
    while (st.fetch()) rows.push_back(to_row(r));
    for (const product_row& row : rows) add(c, row);
    return c;
  }

  checksum lookup(std::span<const std::int64_t> keys) override {
    checksum c;
    std::vector<product_row> rows;
    rows.reserve(keys.size());
    soci::transaction tx{m_session};
    lookup_into(keys, rows, false);
    tx.commit();
    for (const product_row& row : rows) add(c, row);
    return c;
  }

  checksum lookup_each(std::span<const std::int64_t> keys) override {
    return lookup_each_then(keys, [] {});
  }

  // Overridden because the lookup statement lives only as long as the loop: `between` runs
  // after the last COMMIT with the statement still alive, as it is between two lookups.
  checksum lookup_each_then(std::span<const std::int64_t> keys,
                            const std::function<void()>& between) override {
    checksum c;
    std::vector<product_row> rows;
    rows.reserve(keys.size());
    lookup_into(keys, rows, true, between);
    for (const product_row& row : rows) add(c, row);
    return c;
  }

  checksum stock_lookup(std::span<const stock_key> keys) override {
    checksum c;
    long long shelf = 0;
    long long slot = 0;
    long long out_shelf = 0;
    long long out_slot = 0;
    long long qty = 0;
    std::vector<stock_row> rows;
    rows.reserve(keys.size());
    soci::transaction tx{m_session};
    soci::statement st =
        (m_session.prepare << m_sql.stock_lookup, soci::into(out_shelf), soci::into(out_slot),
         soci::into(qty), soci::use(shelf, "shelf"), soci::use(slot, "slot"));
    for (const stock_key& key : keys) {
      shelf = key.shelf;
      slot = key.slot;
      if (!st.execute(true)) throw std::runtime_error("soci stock lookup: no stock");
      rows.push_back(stock_row{out_shelf, out_slot, qty});
    }
    tx.commit();
    for (const stock_row& r : rows) add_stock(c, r.shelf, r.slot, r.qty);
    return c;
  }

  checksum join(std::span<const std::string> category_names) override {
    checksum c;
    soci_product r;
    std::string name;
    soci::statement st =
        (m_session.prepare << m_sql.join, soci::into(r.id), soci::into(r.name), soci::into(r.price),
         soci::into(r.sku), soci::into(r.category), soci::use(name, "name"));
    for (const std::string& n : category_names) {
      name = n;
      std::vector<product_row> rows;
      st.execute();
      while (st.fetch()) rows.push_back(to_row(r));
      for (const product_row& row : rows) add(c, row);
    }
    return c;
  }

  checksum aggregate() override {
    checksum c;
    std::unordered_map<long long, std::string> names;
    {
      long long id = 0;
      std::string name;
      soci::statement st =
          (m_session.prepare << m_sql.category_keys, soci::into(id), soci::into(name));
      st.execute();
      while (st.fetch()) names.emplace(id, name);
    }
    long long category = 0;
    long long count = 0;
    double avg = 0;
    soci::statement st = (m_session.prepare << m_sql.aggregate, soci::into(category),
                          soci::into(count), soci::into(avg));
    std::vector<group_row> rows;
    st.execute();
    while (st.fetch()) rows.push_back(group_row{category, names.at(category), count, avg});
    for (const group_row& g : rows) add_group(c, g.category, g.name.size(), g.count, g.avg);
    return c;
  }

  std::int64_t product_count() override {
    long long n = 0;
    m_session << m_sql.count_products, soci::into(n);
    return n;
  }

 private:
  void lookup_into(std::span<const std::int64_t> keys, std::vector<product_row>& rows,
                   bool transaction_each, const std::function<void()>& between = {}) {
    soci_product r;
    long long id = 0;
    soci::statement st =
        (m_session.prepare << m_sql.lookup, soci::into(r.id), soci::into(r.name),
         soci::into(r.price), soci::into(r.sku), soci::into(r.category), soci::use(id, "id"));
    const bool to_end = transaction_each && m_lookups == soci_single_row::fetch_to_end;
    for (const std::int64_t key : keys) {
      id = key;
      if (transaction_each) m_session.begin();
      if (!st.execute(true)) throw std::runtime_error("soci lookup: no product");
      rows.push_back(to_row(r));
      // One more step: SQLITE_DONE finishes the statement (a second row would be a bug).
      if (to_end && st.fetch()) throw std::runtime_error("soci lookup: two products, one key");
      if (transaction_each) m_session.commit();
    }
    if (between) between();
  }

  raw_sql m_sql;
  soci::session m_session;
  soci_single_row m_lookups;
};

// "host=... port=... <database_key>=... user=... password=..." for SOCI's server backends.
[[maybe_unused]] std::string keywords(const nextorm::driver::connection_url& url,
                                      const char* database_key) {
  std::string out = std::string{database_key} + "=" + url.database;
  if (!url.host.empty()) out += " host=" + url.host;
  if (url.port != 0) out += " port=" + std::to_string(url.port);
  if (!url.user.empty()) out += " user=" + url.user;
  if (!url.password.empty()) out += " password=" + url.password;
  return out;
}

}  // namespace

bool soci_available(const std::string& provider) {
  if (provider == "sqlite") return true;
  if (provider == "postgres") return NEXTORM_BENCH_HAS_SOCI_POSTGRES != 0;
  if (provider == "mariadb") return NEXTORM_BENCH_HAS_SOCI_MYSQL != 0;
  return false;
}

std::unique_ptr<contender> make_soci_contender(const std::string& provider,
                                               const std::string& nextorm_url, raw_sql sql,
                                               soci_single_row lookups) {
  const nextorm::driver::connection_url url = nextorm::driver::parse_url(nextorm_url);
  if (provider == "sqlite") {
    return std::make_unique<soci_impl>(soci::sqlite3, "db=" + url.path + " timeout=5",
                                       std::move(sql), true, lookups);
  }
#if NEXTORM_BENCH_HAS_SOCI_POSTGRES
  if (provider == "postgres") {
    // SOCI reads "key=value" pairs, not URIs.
    return std::make_unique<soci_impl>(soci::postgresql, keywords(url, "dbname"), std::move(sql),
                                       false, lookups);
  }
#endif
#if NEXTORM_BENCH_HAS_SOCI_MYSQL
  if (provider == "mariadb") {
    return std::make_unique<soci_impl>(soci::mysql, keywords(url, "db"), std::move(sql), false,
                                       lookups);
  }
#endif
  return nullptr;
}

}  // namespace nextorm_bench

#else  // no SOCI

namespace nextorm_bench {

bool soci_available(const std::string&) { return false; }

std::unique_ptr<contender> make_soci_contender(const std::string&, const std::string&, raw_sql,
                                               soci_single_row) {
  return nullptr;
}

}  // namespace nextorm_bench

#endif
