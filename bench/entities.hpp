// The benchmark's schema as NextORM entities: PonyORM names the tables "Category", "Product" and
// "Stock" and the reference column "category", which the hand-written contenders use too.
#pragma once

#include <nextorm/nextorm.hpp>

#include <cstdint>
#include <string>

namespace nextorm_bench {

struct Product;

struct Category : nextorm::entity<Category> {
  nextorm::Req<std::string> name{"name", nextorm::unique};
  nextorm::Set<Product> products{"products"};
};

struct Product : nextorm::entity<Product> {
  nextorm::Req<std::string> name{"name"};
  nextorm::Req<double> price{"price"};
  nextorm::Req<std::string> sku{"sku", nextorm::unique};
  nextorm::Single<Category> category{"category"};
};

// An entity with a composite primary key (PonyORM's PrimaryKey(shelf, slot)), for the lookup by
// a key of several columns. It stands alone, so that the other workloads (and the start-up
// programs, which map Category and Product) are as they were.
struct Stock : nextorm::entity<Stock> {
  nextorm::Req<std::int64_t> shelf{"shelf"};
  nextorm::Req<std::int64_t> slot{"slot"};
  nextorm::Req<std::int64_t> qty{"qty"};
  [[no_unique_address]] nextorm::primary_key pk{shelf, slot};
};

}  // namespace nextorm_bench
