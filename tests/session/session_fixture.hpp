// Entities and a fresh database of the provider under test, shared by the session tests.
#pragma once

#include <nextorm/nextorm.hpp>

#include "session/database_impl.hpp"
#include "test_databases.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace session_test {

using namespace nextorm;

struct Product;
struct Order;
struct Card;

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
  PK<std::string> email{"email", 100};
  Req<bool> vip{"vip"};
  Set<Order> orders{"orders"};
  Single<Card> card{"card", optional};  // one-to-one: the key is in Card.holder
};

struct Card : entity<Card> {
  Req<std::string> number{"number", 20};
  Single<Customer> holder{"holder"};
};

struct Order : entity<Order> {
  Req<double> total{"total"};
  Single<Customer> customer{"customer"};
};

inline bool equal_ignoring_case(const std::string& a, const std::string& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

// Nothing but its implicit key.
struct Ticket : entity<Ticket> {};

// A database of its own for one test, with the tables of `Entities` (named after `prefix` and a
// count), removed when the test ends; and what a test reads or runs beside the session. With a
// `pool_size`, the database's pool has that many connections.
template <class... Entities>
class fresh_database {
 public:
  explicit fresh_database(const std::string& prefix, std::size_t pool_size = 0)
      : m_url{nextorm::testing::fresh_database_url(prefix + "_" + std::to_string(++counter()))} {
    if (pool_size > 0) {
      db.bind(nextorm::testing::options_of(m_url, pool_size));
    } else {
      db.bind(m_url);
    }
    db.generate_mapping<Entities...>({.create_tables = true});
  }
  ~fresh_database() { nextorm::testing::discard_database(m_url); }
  fresh_database(const fresh_database&) = delete;
  fresh_database& operator=(const fresh_database&) = delete;

  // An identifier quoted as the provider quotes it.
  std::string quote(const std::string& name) const {
    return const_cast<database&>(db).impl().dialect().quote(name);
  }
  // The quoted table name of an entity, or of a join table (its name in any case).
  std::string table(const std::string& entity) const {
    const registry& schema = const_cast<database&>(db).schema();
    if (const auto* e = schema.find(entity)) return quote(e->table);
    for (const auto& e : schema.entities()) {
      for (const auto& a : e->attrs) {
        if (a.is_many_to_many() && equal_ignoring_case(a.m2m_table, entity))
          return quote(a.m2m_table);
      }
    }
    return quote(entity);
  }

  // The first column of the first row of `sql`, read with a raw connection (no session), as
  // `type`; "<no row>" as text when there is none.
  value scalar(const std::string& sql, value_type type = value_type::text) const {
    auto connection = nextorm::testing::raw_connection(m_url);
    auto rows = connection->query(sql, {});
    return rows->next() ? rows->get(0, type) : value{"<no row>"};
  }
  std::int64_t count(const std::string& entity, const std::string& where = "") const {
    return scalar(
               "SELECT COUNT(*) FROM " + table(entity) + (where.empty() ? "" : " WHERE " + where),
               value_type::integer)
        .as_int();
  }
  // `sql` run with a raw connection (autocommit); the error's id, or "" when it ran.
  std::string execute(const std::string& sql) const {
    try {
      auto connection = nextorm::testing::raw_connection(m_url);
      (void)connection->execute(sql, {});
    } catch (const nextorm::error& e) {
      return e.id();
    }
    return "";
  }

  [[nodiscard]] const std::string& url() const noexcept { return m_url; }

  database db;

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

// A database of its own per test, with the tables of the entities above.
class temp_database : public fresh_database<Category, Tag, Product, Customer, Order, Card, Ticket> {
 public:
  temp_database() : fresh_database{"session"} {}
};

// The shop most query tests read: categories tools (Hammer 5, Saw 10, Wrench 15), toys (Ball 20,
// Kite 25, Yo-yo 30) and empty; the tag "sale" on Hammer, Wrench and Kite.
inline void fill_shop(temp_database& t) {
  db_session session{t.db};
  auto& tools = Category::create();
  tools.name = "tools";
  auto& toys = Category::create();
  toys.name = "toys";
  auto& empty = Category::create();
  empty.name = "empty";
  auto& sale = Tag::create();
  sale.name = "sale";
  const char* names[] = {"Hammer", "Saw", "Wrench", "Ball", "Kite", "Yo-yo"};
  for (int i = 0; i < 6; ++i) {
    auto& p = Product::create();
    p.name = names[i];
    p.price = 5.0 * (i + 1);
    p.sku = "S-" + std::to_string(i + 1);
    p.category = i < 3 ? tools : toys;
    if (i % 2 == 0) p.tags.add(sale);
  }
}

// A database of its own with the shop above in it.
class filled_shop : public temp_database {
 public:
  filled_shop() { fill_shop(*this); }
};

}  // namespace session_test
