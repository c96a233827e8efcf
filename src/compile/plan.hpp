// A compiled query: SQL text for one dialect, where each bound value comes from, and what shape
// the rows have. Immutable once built; shared by the plan cache and every run of the query.
#pragma once

#include <nextorm/params.hpp>
#include <nextorm/registry.hpp>
#include <nextorm/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nextorm::compile {

// What a query's method chain asked for, in order: the part of the cache key beyond the text.
enum class modifier_kind : std::uint8_t {
  filter,            // text: a condition or `lambda x: cond` over the result variables
  where,             // text: a condition over the loop variables
  order_by,          // text: `desc(p.price), p.name`, `lambda p: p.name`, `-2, 1`, or `None`
  distinct,          // text empty
  without_distinct,  // text empty
  for_update,        // text "", "nowait" or "skip_locked": SELECT ... FOR UPDATE
  separator,         // text: the separator of the group_concat terminal (default ",")
};

struct modifier {
  modifier_kind kind;
  std::string text;
  friend bool operator==(const modifier&, const modifier&) = default;
};

enum class terminal_kind : std::uint8_t {
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
};

struct query_spec {
  // Either a generator text ("p for p in Product if ...") or, for `Product::select(...)`,
  // `entity` names the entity and `text` is empty, a condition, or a lambda text.
  std::string text;
  std::string entity;
  std::vector<modifier> modifiers;
  terminal_kind terminal = terminal_kind::fetch;
  bool distinct_aggregate = false;  // count/sum/avg of distinct values
  bool has_limit = false;           // LIMIT bound from run-time values, not baked into the SQL
  bool has_offset = false;
  friend bool operator==(const query_spec&, const query_spec&) = default;
};

// Where the value of each `?`/`$n` comes from, in order.
struct param_slot {
  enum class source : std::uint8_t {
    named,     // a free name of the query, looked up in the params passed with it
    constant,  // a literal of the query text, bound rather than spliced
    limit,     // the run-time limit
    offset,    // the run-time offset
  };
  source from = source::named;
  std::string name;  // named: the parameter name
  // named: for a sequence parameter expanded into `IN (?, ?, ?)`, the element index
  std::optional<std::size_t> element;
  value constant;
  // Bind a uuid as its 16 bytes (how PonyORM stores a uuid on SQLite), not as text.
  bool uuid_bytes = false;
};

// One item of a result row: an entity (all its columns, in entity_info::columns order) or a
// single scalar column.
// A Single reference inside a tuple (`(p.name, p.category)`) is, as in PonyORM, the target's
// key only: `entity` is the target, `key_only` is set and column_count is 1; a NULL key means
// None, and the session loads the object lazily. A lone reference result (`p.category`) joins
// the target and selects all its columns like any entity item.
struct result_item {
  const entity_info* entity = nullptr;  // null for a scalar
  value_type type = value_type::null;   // scalar type (null when unknown, e.g. NULL literal)
  std::size_t first_column = 0;
  std::size_t column_count = 1;
  bool key_only = false;  // an entity item given by its key column alone
  // An element of a json value (`s.meta['level']`), read as JSON text: a JSON scalar becomes
  // the value of its type (int, float, str, bool, None), an array or object stays json, as
  // PonyORM returns it.
  bool json_unwrap = false;
};

struct result_shape {
  std::vector<result_item> items;
  bool is_tuple = false;                  // the query's result is a tuple, even of one item
  std::vector<std::string> column_names;  // one per item, for people (CLI headers)
};

struct plan {
  std::string sql;
  std::vector<param_slot> params;
  result_shape shape;
  terminal_kind terminal = terminal_kind::fetch;
  // A parameter whose values a sequence expands into `IN (...)` changes the SQL: the number of
  // elements is part of the cache key, and recorded here for checks.
};

}  // namespace nextorm::compile
