// One way of doing the benchmark's jobs (NextORM, a raw C API, SOCI) against one database.
// Every workload returns a checksum of what it read, so that the bench can check that all
// contenders did the same job before it compares their times.
#pragma once

#include "dataset.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nextorm_bench {

// The plain struct a hand-written program would read a product into.
struct product_row {
  std::int64_t id = 0;
  std::string name;
  double price = 0;
  std::string sku;
  std::int64_t category = 0;
};

// The plain struct a hand-written program would read a stock into.
struct stock_row {
  std::int64_t shelf = 0;
  std::int64_t slot = 0;
  std::int64_t qty = 0;
};

// What a workload saw: the number of rows (or objects, or groups) and a sum over them.
struct checksum {
  std::uint64_t rows = 0;
  std::uint64_t sum = 0;
  friend bool operator==(const checksum&, const checksum&) = default;
};

// Adds a materialised product to a checksum: its key and the lengths of its strings, so that a
// contender that skipped a column would not match.
inline void add_product(checksum& c, std::int64_t id, std::size_t name_size, double price,
                        std::size_t sku_size, std::int64_t category) {
  ++c.rows;
  c.sum += static_cast<std::uint64_t>(id) + name_size + sku_size +
           static_cast<std::uint64_t>(price * 100.0 + 0.5) +
           static_cast<std::uint64_t>(category) * 7;
}

class contender {
 public:
  virtual ~contender() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  // Inserts all categories and products into the empty tables, in one transaction.
  virtual checksum insert(const dataset& data) = 0;
  // insert() the fastest way the C API has, for contenders that have one (the raw C APIs of
  // the servers: COPY, multi-row INSERTs); false when this contender has none.
  virtual bool insert_bulk(const dataset& data, checksum& c) {
    (void)data;
    (void)c;
    return false;
  }
  // Raises every product's price by 1 in one transaction: every product read (as select_below
  // reads them), then each one's price written by its key (a flush of many changed objects). Counts the rows and sums their
  // keys; false when this contender has no such workload (SOCI).
  virtual bool update_prices(checksum& c) {
    (void)c;
    return false;
  }
  // The sum of the stored prices (not timed: checks an update).
  [[nodiscard]] virtual double price_sum() { return -1; }
  // Materialises the products cheaper than `limit`.
  virtual checksum select_below(double limit) = 0;
  // Loads each product by primary key in one unit of work (one transaction); the keys are
  // distinct, so each lookup reaches the database.
  virtual checksum lookup(std::span<const std::int64_t> keys) = 0;
  // The same with a unit of work (a transaction) per lookup.
  virtual checksum lookup_each(std::span<const std::int64_t> keys) = 0;
  // lookup_each, then `between()` with the contender as it is between two of its lookups:
  // after a COMMIT, before the next BEGIN, with whatever it keeps across transactions alive
  // (the bench asks there whether another connection can write). The default runs it after
  // lookup_each returns, which is that point for a contender whose statements outlive the call.
  virtual checksum lookup_each_then(std::span<const std::int64_t> keys,
                                    const std::function<void()>& between) {
    const checksum c = lookup_each(keys);
    between();
    return c;
  }
  // Loads each Stock by its composite key (shelf, slot) in one unit of work; the keys are
  // distinct, so each lookup reaches the database.
  virtual checksum stock_lookup(std::span<const stock_key> keys) = 0;
  // Inserts the stocks, after insert() (not timed: the read workloads' data). Only the
  // hand-written contenders, which load the read database, need it.
  virtual void insert_stocks(const dataset&) {
    throw std::logic_error(std::string{name()} + " does not load stocks");
  }
  // For each category name, materialises that category's products through a join.
  virtual checksum join(std::span<const std::string> category_names) = 0;
  // Per category: the number of products and their average price.
  virtual checksum aggregate() = 0;
  // The number of stored products (not timed: checks an insert).
  [[nodiscard]] virtual std::int64_t product_count() = 0;
};

// Adds a materialised stock to a checksum.
inline void add_stock(checksum& c, std::int64_t shelf, std::int64_t slot, std::int64_t qty) {
  ++c.rows;
  c.sum += static_cast<std::uint64_t>(shelf) * 7 + static_cast<std::uint64_t>(slot) * 3 +
           static_cast<std::uint64_t>(qty);
}

// Adds one group of the aggregate workload to a checksum.
inline void add_group(checksum& c, std::int64_t category, std::size_t name_size, std::int64_t count,
                      double avg) {
  ++c.rows;
  c.sum += static_cast<std::uint64_t>(category) * 7 + name_size +
           static_cast<std::uint64_t>(count) + static_cast<std::uint64_t>(avg * 100.0 + 0.5);
}

// One row of the aggregate workload as a hand-written program keeps it.
struct group_row {
  std::int64_t category = 0;
  std::string name;
  std::int64_t count = 0;
  double avg = 0;
};

}  // namespace nextorm_bench
