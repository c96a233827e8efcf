// The logical query: sources and implicit joins, filter, projection, grouping, order, limit, and
// what the caller wants from the rows (the terminal).
#pragma once

#include "ir/expr.hpp"
#include "ir/order.hpp"
#include "ir/query_spec.hpp"
#include "ir/result.hpp"
#include "ir/source.hpp"

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

namespace nextorm::ir {

enum class lock_mode : std::uint8_t { none, for_update, nowait, skip_locked };

// A column that a bulk update sets: `attr` of the updated object, to `value` (an expression over
// that object's own columns, parameters and constants).
struct assignment {
  const attr_info* attr;
  expr_ptr value;
};

struct query {
  // Loop variables and implicit joins, in the order the binder met them.
  std::vector<source> sources;
  std::size_t loop_var_count = 0;
  std::size_t scope_count = 1;  // scope 0 is the query itself; each subquery adds one
  // The conditions, ANDed; the optimizer may fold them to a constant.
  std::vector<expr_ptr> filter;
  // Conditions with an aggregate of this query (PonyORM's HAVING), ANDed.
  std::vector<expr_ptr> having;
  ir::result result;
  std::vector<expr_ptr> group_by;  // set when the result mixes aggregates and plain items
  bool distinct = false;
  std::vector<order_item> order;
  ir::terminal terminal = ir::terminal::fetch;
  bool distinct_aggregate = false;
  // PonyORM's functions of a whole query (`exists(<generator>)`, `count(<generator>,
  // distinct=False)`): the terminal's value is the one row the query reads, a bool for exists;
  // the count is of the single item's values that are not None, not of distinct ones.
  bool value_terminal = false;
  // The SQL depends on a parameter's value, not only its type (`getattr(p, name)` with a str
  // parameter `name`): the plan is not cached.
  bool value_dependent = false;
  bool count_values = false;
  bool has_limit = false;
  bool has_offset = false;
  lock_mode lock = lock_mode::none;
  std::string separator = ",";          // the group_concat terminal's
  std::vector<assignment> assignments;  // the update terminal's, in the order given
  // A derived table's query: its result columns are named so (an object: its key alone).
  std::vector<std::string> column_aliases;
};

// The rows of a query in FROM, and one attribute per column (the loop target's name as its
// column; a Single reference for an object) that ir::column expressions of the source name.
struct derived_table {
  ir::query query;
  std::deque<attr_info> columns;
};

}  // namespace nextorm::ir
