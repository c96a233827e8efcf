#include "nextorm_contender.hpp"

#include "compile_bench.hpp"
#include "entities.hpp"

// The bench reads a reference's stored key without loading the target (which a checksum must
// not cause): the runtime's accessor, not part of the public API.
#include "materialize/object_access.hpp"

#include <vector>

namespace nextorm_bench {
namespace {

std::int64_t category_key(Product& p) {
  return nextorm::detail::object_access::key(p.category).as_int();
}

void add(checksum& c, Product& p) {
  const std::string& name = p.name;
  const std::string& sku = p.sku;
  add_product(c, p.key().as_int(), name.size(), p.price, sku.size(), category_key(p));
}

}  // namespace

namespace {

constexpr const char* select_query = "p for p in Product if p.price < x";
constexpr const char* join_query = "p for p in Product if p.category.name == n";
constexpr const char* aggregate_query = "(p.category, count(p), avg(p.price)) for p in Product";

}  // namespace

void print_queries(nextorm::database& db, std::ostream& out) {
  map_entities(db);
  nextorm::db_session session{db};
  auto show = [&](const char* name, const std::string& text, const std::string& sql) {
    out << name << ": " << text << "\n  " << sql << "\n";
  };
  show("select", select_query, nextorm::select<Product>(select_query, {{"x", 50.5}}).get_sql());
  show("join", join_query, nextorm::select<Product>(join_query, {{"n", "Category 001"}}).get_sql());
  show("aggregate", aggregate_query,
       nextorm::select<std::tuple<Category, std::int64_t, double>>(aggregate_query).get_sql());
  show("compile (typical)", typical_query,
       nextorm::select<Product>(typical_query, {{"x", 50.5}, {"n", "Category 001"}}).get_sql());
}

void map_entities(nextorm::database& db) {
  db.generate_mapping<Category, Product, Stock>({.create_tables = true});
}

checksum nextorm_contender::insert(const dataset& data) {
  checksum c;
  nextorm::db_session session{m_db};
  std::vector<Category*> categories;
  categories.reserve(data.categories.size());
  for (const category_data& d : data.categories) {
    Category& category = Category::create();
    category.name = d.name;
    categories.push_back(&category);
    ++c.rows;
  }
  for (const product_data& d : data.products) {
    Product& p = Product::create();
    p.name = d.name;
    p.price = d.price;
    p.sku = d.sku;
    p.category = *categories[d.category];
    ++c.rows;
  }
  return c;  // the session commits as it closes
}

bool nextorm_contender::update_prices(checksum& c) {
  nextorm::db_session session{m_db};
  for (Product& p : nextorm::select<Product>("p for p in Product").fetch()) {
    p.price = p.price + 1;
    ++c.rows;
    c.sum += static_cast<std::uint64_t>(p.key().as_int());
  }
  return true;  // the session flushes and commits as it closes
}

checksum nextorm_contender::select_below(double limit) {
  checksum c;
  nextorm::db_session session{m_db};
  auto products = nextorm::select<Product>(select_query, {{"x", limit}}).fetch();
  for (Product& p : products) add(c, p);
  return c;
}

checksum nextorm_contender::lookup(std::span<const std::int64_t> keys) {
  checksum c;
  nextorm::db_session session{m_db};
  for (const std::int64_t key : keys) add(c, Product::at(key));
  return c;
}

checksum nextorm_contender::lookup_each(std::span<const std::int64_t> keys) {
  checksum c;
  for (const std::int64_t key : keys) {
    nextorm::db_session session{m_db};
    add(c, Product::at(key));
  }
  return c;
}

checksum nextorm_contender::stock_lookup(std::span<const stock_key> keys) {
  checksum c;
  nextorm::db_session session{m_db};
  for (const stock_key& key : keys) {
    const Stock& s = Stock::at({key.shelf, key.slot});
    add_stock(c, s.shelf, s.slot, s.qty);
  }
  return c;
}

checksum nextorm_contender::join(std::span<const std::string> category_names) {
  checksum c;
  nextorm::db_session session{m_db};
  for (const std::string& name : category_names) {
    auto products = nextorm::select<Product>(join_query, {{"n", name}}).fetch();
    for (Product& p : products) add(c, p);
  }
  return c;
}

checksum nextorm_contender::aggregate() {
  checksum c;
  nextorm::db_session session{m_db};
  auto groups =
      nextorm::select<std::tuple<Category, std::int64_t, double>>(aggregate_query).fetch();
  for (const auto& [category, count, avg] : groups) {
    const std::string& name = category->name;
    add_group(c, category->key().as_int(), name.size(), count, avg);
  }
  return c;
}

std::int64_t nextorm_contender::product_count() {
  nextorm::db_session session{m_db};
  return Product::select().count();
}

}  // namespace nextorm_bench
