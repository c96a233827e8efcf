// Entities and a throwaway SQLite file database shared by the session tests.
#pragma once

#include <nextorm/nextorm.hpp>

#include <sqlite3.h>

#include <unistd.h>

#include <filesystem>
#include <string>

namespace session_test {

using namespace nextorm;

struct Product;
struct Order;

struct Category : entity<Category> {
  Req<std::string> name{"name", unique};
  Set<Product> products{"products"};
};

struct Tag : entity<Tag> {
  Req<std::string> name{"name"};
  Set<Product> products{"products"};
};

struct Product : entity<Product> {
  Req<std::string> name{"name", 64};
  Req<double> price{"price"};
  Req<std::string> sku{"sku", unique, column{"product_sku"}};
  Opt<std::string> summary{"summary"};
  Opt<std::int64_t> stock{"stock"};
  Single<Category> category{"category", optional};
  Set<Tag> tags{"tags"};
};

struct Customer : entity<Customer> {
  PK<std::string> email{"email"};
  Req<bool> vip{"vip"};
  Set<Order> orders{"orders"};
};

struct Order : entity<Order> {
  Req<double> total{"total"};
  Single<Customer> customer{"customer"};
};

// A fresh database file per test, removed afterwards.
class temp_database {
 public:
  temp_database() : m_path{std::filesystem::temp_directory_path() / ("nextorm-session-" + std::to_string(++counter()) + "-" + std::to_string(::getpid()) + ".db")} {
    std::filesystem::remove(m_path);
    db.bind("sqlite:" + m_path.string());
    db.generate_mapping<Category, Tag, Product, Customer, Order>({.create_tables = true});
  }
  ~temp_database() { std::filesystem::remove(m_path); }

  // A value read straight from the file with the SQLite C API, bypassing NextORM.
  std::string scalar(const std::string& sql) const {
    sqlite3* raw = nullptr;
    sqlite3_open(m_path.c_str(), &raw);
    sqlite3_stmt* stmt = nullptr;
    std::string out = "<error>";
    if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(stmt, 0);
        out = text == nullptr ? "NULL" : reinterpret_cast<const char*>(text);
      } else {
        out = "<no row>";
      }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
    return out;
  }

  database db;

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path m_path;
};

}  // namespace session_test
