// The projection: what one row of the query's result holds.
#pragma once

#include "ir/expr.hpp"

#include <string>
#include <vector>

namespace nextorm::ir {

// A result item: a source_row (an object, selected as all its columns), an entity-typed column
// (a Single reference inside a tuple, selected as the key only), or a scalar expression.
struct result_item {
  expr_ptr expr;
  std::string name;  // the item's query text, for headers: "p", "p.name"
};

struct result {
  std::vector<result_item> items;
  bool is_tuple = false;
};

}  // namespace nextorm::ir
