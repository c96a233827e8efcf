// The data every contender writes and reads: categories and products made from a fixed seed,
// so that all contenders, and every run, see the same rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nextorm_bench {

struct category_data {
  std::string name;
};

struct product_data {
  std::string name;
  double price;
  std::string sku;
  std::size_t category;  // index into dataset::categories; its key is index + 1
};

// A Stock, keyed by (shelf, slot).
struct stock_data {
  std::int64_t shelf;
  std::int64_t slot;
  std::int64_t qty;
};

struct stock_key {
  std::int64_t shelf;
  std::int64_t slot;
};

struct dataset {
  std::vector<category_data> categories;
  std::vector<product_data> products;
  // One per product: shelf = its category's number (1..), slot = the product's key.
  std::vector<stock_data> stocks;
  // The stocks of the products of lookup_keys, in that order.
  std::vector<stock_key> stock_keys;
  // Primary keys to look up: distinct, in a shuffled order, each in 1..products.size().
  std::vector<std::int64_t> lookup_keys;
  // The categories the join workload asks for, by name.
  std::vector<std::string> join_names;
  // About half of the prices are below it.
  double price_limit = 0;
};

// Prices are uniform in [1, 100) with two decimals; categories are assigned at random.
[[nodiscard]] dataset make_dataset(std::size_t products, std::size_t categories,
                                   std::size_t lookups, std::size_t joins);

}  // namespace nextorm_bench
