// The logical query: sources and implicit joins, filter, projection, grouping, order, limit, and
// what the caller wants from the rows (the terminal).
#pragma once

#include "ir/expr.hpp"
#include "ir/order.hpp"
#include "ir/result.hpp"
#include "ir/source.hpp"

#include <cstddef>
#include <vector>

namespace nextorm::ir {

enum class terminal : std::uint8_t { fetch, count, sum, avg, min, max, exists, first, get, remove };

struct query {
  // Loop variables and implicit joins, in the order the binder met them.
  std::vector<source> sources;
  std::size_t loop_var_count = 0;
  // The conditions, ANDed; the optimizer may fold them to a constant.
  std::vector<expr_ptr> filter;
  ir::result result;
  std::vector<expr_ptr> group_by;  // set when the result mixes aggregates and plain items
  bool distinct = false;
  std::vector<order_item> order;
  ir::terminal terminal = ir::terminal::fetch;
  bool distinct_aggregate = false;
  bool has_limit = false;
  bool has_offset = false;
};

}  // namespace nextorm::ir
