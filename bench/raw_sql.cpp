#include "raw_sql.hpp"

#include <stdexcept>

namespace nextorm_bench {
namespace {

std::string quoted(const std::string& name, char quote) { return quote + name + quote; }

class namer {
 public:
  namer(const nextorm::registry& schema, char quote) : m_schema{schema}, m_quote{quote} {}
  std::string table(const char* entity) const { return quoted(entity_of(entity).table, m_quote); }
  std::string column(const char* entity, const char* attr) const {
    const nextorm::attr_info* a = entity_of(entity).find(attr);
    if (a == nullptr) throw std::logic_error(std::string{"no attribute "} + entity + "." + attr);
    return quoted(a->column, m_quote);
  }

 private:
  const nextorm::entity_info& entity_of(const char* name) const {
    const nextorm::entity_info* e = m_schema.find(name);
    if (e == nullptr) throw std::logic_error(std::string{"no entity "} + name);
    return *e;
  }
  const nextorm::registry& m_schema;
  char m_quote;
};

std::string placeholder(placeholders style, int index, const char* name) {
  switch (style) {
    case placeholders::question: return "?";
    // Not `"$" + std::to_string(index)`: a false -Wrestrict of g++ 12 at -O3 (GCC bug 105329).
    case placeholders::dollar: return std::string{"$"}.append(std::to_string(index));
    case placeholders::colon: break;
  }
  return std::string{":"} + name;
}

}  // namespace

raw_sql make_raw_sql(const nextorm::registry& schema, char quote, placeholders style,
                     bool returning) {
  const namer n{schema, quote};
  const std::string product = n.table("Product");
  const std::string category = n.table("Category");
  const std::string id = n.column("Product", "id");
  const std::string name = n.column("Product", "name");
  const std::string price = n.column("Product", "price");
  const std::string sku = n.column("Product", "sku");
  const std::string ref = n.column("Product", "category");
  const std::string cid = n.column("Category", "id");
  const std::string cname = n.column("Category", "name");
  const std::string product_columns = id + ", " + name + ", " + price + ", " + sku + ", " + ref;
  const std::string joined_columns =
      "p." + id + ", p." + name + ", p." + price + ", p." + sku + ", p." + ref;
  auto p = [style](int i, const char* label) { return placeholder(style, i, label); };

  raw_sql s;
  s.insert_category = "INSERT INTO " + category + " (" + cname + ") VALUES (" + p(1, "name") + ")";
  if (returning) s.insert_category += " RETURNING " + cid;
  s.insert_product = "INSERT INTO " + product + " (" + name + ", " + price + ", " + sku + ", " +
                     ref + ") VALUES (" + p(1, "name") + ", " + p(2, "price") + ", " + p(3, "sku") +
                     ", " + p(4, "category") + ")";
  s.insert_categories = "INSERT INTO " + category + " (" + cname + ") VALUES ";
  s.insert_products =
      "INSERT INTO " + product + " (" + name + ", " + price + ", " + sku + ", " + ref + ") VALUES ";
  s.copy_products =
      "COPY " + product + " (" + name + ", " + price + ", " + sku + ", " + ref + ") FROM STDIN";
  s.category_key = cid;
  s.select_below =
      "SELECT " + product_columns + " FROM " + product + " WHERE " + price + " < " + p(1, "price");
  s.lookup = "SELECT " + product_columns + " FROM " + product + " WHERE " + id + " = " + p(1, "id");
  s.join = "SELECT " + joined_columns + " FROM " + product + " p JOIN " + category + " c ON c." +
           cid + " = p." + ref + " WHERE c." + cname + " = " + p(1, "name");
  // What a hand-written program does for "count and average price per category, with the
  // category": group the products, and read the (few) categories once.
  s.aggregate =
      "SELECT " + ref + ", COUNT(*), AVG(" + price + ") FROM " + product + " GROUP BY " + ref;
  s.category_keys = "SELECT " + cid + ", " + cname + " FROM " + category;
  const std::string stock = n.table("Stock");
  const std::string stock_columns = n.column("Stock", "shelf") + ", " + n.column("Stock", "slot") +
                                    ", " + n.column("Stock", "qty");
  s.insert_stock = "INSERT INTO " + stock + " (" + stock_columns + ") VALUES (" + p(1, "shelf") +
                   ", " + p(2, "slot") + ", " + p(3, "qty") + ")";
  s.stock_lookup = "SELECT " + stock_columns + " FROM " + stock + " WHERE " +
                   n.column("Stock", "shelf") + " = " + p(1, "shelf") + " AND " +
                   n.column("Stock", "slot") + " = " + p(2, "slot");
  s.count_products = "SELECT COUNT(*) FROM " + product;
  s.select_products = "SELECT " + product_columns + " FROM " + product;
  s.update_price = "UPDATE " + product + " SET " + price + " = " + p(1, "price") + " WHERE " + id +
                   " = " + p(2, "id");
  s.sum_prices = "SELECT SUM(" + price + ") FROM " + product;
  s.drop_stock = "DROP TABLE IF EXISTS " + stock;  // (nothing refers to it, nor it to others)
  s.drop_product = "DROP TABLE IF EXISTS " + product;
  s.drop_category = "DROP TABLE IF EXISTS " + category;
  return s;
}

}  // namespace nextorm_bench
