// A compiled query: SQL text for one dialect, where each bound value comes from, and what shape
// the rows have. lower/ builds it; immutable once built, shared by the plan cache (compile/) and
// every run of the query (exec/, materialize/, session/).
#pragma once

#include "ir/query_spec.hpp"

#include <nextorm/registry.hpp>
#include <nextorm/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nextorm::lower {

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
  // Bind an interval as its microseconds, an integer (MariaDB's intervals in a query).
  bool interval_micros = false;
  // named: the parameter is an object (or the tuple of its key) whose key has several
  // attributes, and this slot binds the key's item `key_part`.
  std::optional<std::size_t> key_part = std::nullopt;
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
  ir::terminal terminal = ir::terminal::fetch;
  // The SQL adds intervals to dates: where the database makes an overflow a NULL, the session
  // asks after the statement (driver::connection::check_date_overflow).
  bool date_arithmetic = false;
  // Made for the values of its parameters (ir::query::value_dependent): never cached.
  bool value_dependent = false;
  // The update terminal's entity and the attributes it sets: the session reads them again for
  // the objects it holds.
  const entity_info* updated = nullptr;
  std::vector<const attr_info*> updated_attrs{};
  // Per value the update sets, in the order given: whether it is None (which breaks no bound).
  std::vector<bool> updated_to_none{};
  // A parameter whose values a sequence expands into `IN (...)` changes the SQL: the number of
  // elements is part of the cache key, and recorded here for checks.
};

}  // namespace nextorm::lower
