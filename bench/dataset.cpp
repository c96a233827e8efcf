#include "dataset.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace nextorm_bench {
namespace {

// splitmix64: tiny, fast, and the same on every platform (std distributions are not).
class random_source {
 public:
  explicit random_source(std::uint64_t seed) : m_state{seed} {}
  std::uint64_t next() {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }

 private:
  std::uint64_t m_state;
};

std::string numbered(const char* format, std::size_t i) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, format, i);
  return buffer;
}

}  // namespace

dataset make_dataset(std::size_t products, std::size_t categories, std::size_t lookups,
                     std::size_t joins) {
  random_source random{20240607};
  dataset out;
  out.categories.reserve(categories);
  for (std::size_t i = 0; i < categories; ++i) {
    out.categories.push_back(category_data{numbered("Category %03zu", i + 1)});
  }
  out.products.reserve(products);
  for (std::size_t i = 0; i < products; ++i) {
    // 100..9999 cents: prices 1.00 .. 99.99.
    const double price = static_cast<double>(100 + random.below(9900)) / 100.0;
    out.products.push_back(product_data{numbered("Product %06zu", i + 1), price,
                                        numbered("SKU-%07zu", i + 1), random.below(categories)});
  }
  // A partial Fisher-Yates shuffle of 1..n gives distinct keys in random order.
  std::vector<std::int64_t> keys(products);
  std::iota(keys.begin(), keys.end(), std::int64_t{1});
  lookups = std::min(lookups, products);
  for (std::size_t i = 0; i < lookups; ++i) {
    std::swap(keys[i], keys[i + random.below(products - i)]);
  }
  keys.resize(lookups);
  out.lookup_keys = std::move(keys);
  out.stocks.reserve(products);
  for (std::size_t i = 0; i < products; ++i) {
    out.stocks.push_back(stock_data{static_cast<std::int64_t>(out.products[i].category) + 1,
                                    static_cast<std::int64_t>(i + 1),
                                    static_cast<std::int64_t>(i * 37 % 100)});
  }
  for (const std::int64_t key : out.lookup_keys) {
    const stock_data& s = out.stocks[static_cast<std::size_t>(key - 1)];
    out.stock_keys.push_back(stock_key{s.shelf, s.slot});
  }
  // Evenly spread categories, so that the joined rows are about joins / categories of all.
  joins = std::min(joins, categories);
  for (std::size_t i = 0; i < joins; ++i) {
    out.join_names.push_back(out.categories[i * categories / joins].name);
  }
  out.price_limit = 50.5;
  return out;
}

}  // namespace nextorm_bench
