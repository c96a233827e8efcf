// What the caller asks the compiler for: a query text (or an entity and a condition), its method
// chain, and the terminal. The input of the pipeline and, with the dialect and the registry, the
// plan cache's key. Shared by analyze/ (which reads the method chain) and compile/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nextorm::ir {

// What the caller wants from the rows. The public nextorm::detail::terminal mirrors it value for
// value (include/nextorm/query.hpp).
enum class terminal : std::uint8_t {
  fetch,  // all rows (with limit/offset if set)
  count,  // one integer
  sum,    // one value: aggregates apply to the (single-column) result
  avg,
  min,
  max,
  exists,        // one boolean
  first,         // the first row in order, or none
  get,           // the only row, none, or multiple_objects_found
  remove,        // bulk delete: the number of rows deleted
  group_concat,  // one str: the result's values joined (modifier_kind::separator)
  update,        // bulk update (modifier_kind::assign): the number of rows updated
};

// What a query's method chain asked for, in order: the part of the cache key beyond the text.
enum class modifier_kind : std::uint8_t {
  filter,            // text: a condition or `lambda x: cond` over the result variables
  where,             // text: a condition over the loop variables
  order_by,          // text: `desc(p.price), p.name`, `lambda p: p.name`, `-2, 1`, or `None`
  distinct,          // text empty
  without_distinct,  // text empty
  for_update,        // text "", "nowait" or "skip_locked": SELECT ... FOR UPDATE
  separator,         // text: the separator of the group_concat terminal (default ",")
  assign,            // text: `attr=expression`, a column the update terminal sets
};

struct modifier {
  modifier_kind kind;
  std::string text;
  friend bool operator==(const modifier&, const modifier&) = default;
};

struct query_spec {
  // Either a generator text ("p for p in Product if ...") or, for `Product::select(...)`,
  // `entity` names the entity and `text` is empty, a condition, or a lambda text.
  std::string text;
  std::string entity;
  std::vector<modifier> modifiers;
  ir::terminal terminal = ir::terminal::fetch;
  bool distinct_aggregate = false;  // count/sum/avg of distinct values
  bool has_limit = false;           // LIMIT bound from run-time values, not baked into the SQL
  bool has_offset = false;
  friend bool operator==(const query_spec&, const query_spec&) = default;
};

}  // namespace nextorm::ir
