// The SQL of the hand-written contenders (raw C APIs and SOCI), written once with the table and
// column names NextORM's registry resolved, so that every contender reads the same tables.
#pragma once

#include <nextorm/registry.hpp>

#include <string>

namespace nextorm_bench {

enum class placeholders { question, dollar, colon };  // ? (SQLite, MariaDB), $1 (libpq), :p (SOCI)

struct raw_sql {
  std::string insert_category;  // name
  std::string insert_product;   // name, price, sku, category
  // The raw bulk paths: the start of a multi-row INSERT, up to VALUES (its rows follow), and
  // PostgreSQL's COPY of the products' columns from the client.
  std::string insert_categories;  // name
  std::string insert_products;    // name, price, sku, category
  std::string copy_products;      // name, price, sku, category, tab-separated text
  std::string category_key;       // the key column, for RETURNING
  std::string select_below;       // price limit -> id, name, price, sku, category
  std::string lookup;             // id -> id, name, price, sku, category
  std::string join;               // category name -> id, name, price, sku, category
  std::string aggregate;          // -> category key, count, average price, per category key
  std::string category_keys;      // -> id, name of every category (the aggregate's names)
  std::string insert_stock;       // shelf, slot, qty
  std::string stock_lookup;       // shelf, slot -> shelf, slot, qty
  std::string count_products;     // -> count
  std::string select_products;    // -> id, name, price, sku, category of every product
  std::string update_price;       // price, id
  std::string sum_prices;         // -> sum of the prices
  std::string drop_stock;         // DROP TABLE IF EXISTS, the tables that refer to others first
  std::string drop_product;
  std::string drop_category;
};

// `quote` is the identifier quote of the dialect: '"' (SQLite, PostgreSQL) or '`' (MariaDB).
// With `returning`, the category insert returns the new key (PostgreSQL).
[[nodiscard]] raw_sql make_raw_sql(const nextorm::registry& schema, char quote, placeholders style,
                                   bool returning);

}  // namespace nextorm_bench
