// The benchmark's schema as NextORM entities: PonyORM names the tables "Category" and "Product"
// and the reference column "category", which the hand-written contenders use too.
#pragma once

#include <nextorm/nextorm.hpp>

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

}  // namespace nextorm_bench
