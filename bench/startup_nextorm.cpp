// The NextORM side of the start-up row (bench/startup.cpp): one whole process that connects to
// a SQLite file, maps the bench's schema, runs one query, prints the number of rows and exits.
// argv[1] is the file. Kept to what such a program needs: no iostream of its own.
#include "entities.hpp"

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: nextorm-startup-nextorm FILE\n", stderr);
    return 2;
  }
  using namespace nextorm_bench;
  nextorm::database db{std::string{"sqlite:"} + argv[1]};
  db.generate_mapping<Category, Product>();
  nextorm::db_session session{db};
  unsigned long rows = 0;
  unsigned long sum = 0;
  for (Product& p : nextorm::select<Product>("p for p in Product if p.price < 50")) {
    ++rows;
    sum += p.name.get().size() + p.sku.get().size() +
           static_cast<unsigned long>(p.price.get() * 100 + 0.5);
  }
  std::printf("%lu %lu\n", rows, sum);
  return 0;
}
