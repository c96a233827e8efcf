// ORDER BY: expressions or 1-based positions of result columns.
#pragma once

#include "ir/expr.hpp"

#include <cstddef>

namespace nextorm::ir {

struct order_item {
  expr_ptr expr;              // null when ordering by position
  std::size_t position = 0;  // 1-based result item (order_by(-2, 1)); 0 with an expression
  bool descending = false;
};

}  // namespace nextorm::ir
