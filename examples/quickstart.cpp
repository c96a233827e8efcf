// The quickstart: two entities, a many-to-many relation, a session, three ways to read back.
#include <nextorm/nextorm.hpp>

#include <iostream>

using namespace nextorm;

struct Product;

struct Tag : entity<Tag> {
  Req<std::string> name{"name", unique};
  Set<Product> products{"products"};
};

struct Product : entity<Product> {
  Req<std::string> name{"name", 64};
  Req<double> price{"price"};
  Req<std::string> sku{"sku", unique, column{"product_sku"}};
  Set<Tag> tags{"tags"};
  Opt<std::string> summary{"summary"};
};

int main() {
  database db{"sqlite::memory:"};
  db.generate_mapping<Tag, Product>({.create_tables = true});

  {
    db_session session{db};
    auto& sale = Tag::create();
    sale.name = "sale";
    auto& widget = Product::create();
    widget.name = "Widget";
    widget.price = 9.5;
    widget.sku = "W-1";
    widget.tags.add(sale);
  }  // committed here

  db_session session{db};
  for (Product& p : select<Product>("p for p in Product if p.price < 20 and p.name.startswith('W')")) {
    std::cout << p.name << " costs " << p.price << ", tagged " << p.tags.size() << '\n';
  }
  Product* by_sku = Product::get({{"sku", "W-1"}});
  std::cout << "get: " << by_sku->name << '\n';
  Product& first = Product::at(1);
  std::cout << "at(1): " << first.name << ", tags: " << (*first.tags.begin()).name << '\n';
}
