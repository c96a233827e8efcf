// The machinery under nextorm::query (include/nextorm/query.hpp): the untyped result of a run and
// the calls into the compiled library that build, run and describe a query. Not part of the API.
#pragma once

#include <nextorm/entity_base.hpp>
#include <nextorm/params.hpp>
#include <nextorm/value.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace nextorm {

namespace detail {

// One cell of a result: an object (typed entities) or a value (scalars; keys of entities that
// have no C++ type).
struct result_cell {
  entity_base* object = nullptr;
  value v;
};

struct raw_result {
  std::size_t width = 0;                                         // cells per row
  std::shared_ptr<const std::vector<std::string>> column_names;  // one per item, for people
  std::vector<const entity_info*> item_entities;  // per item: its entity, or null for a scalar
  // Per item: the scalar's type from the plan (null for entities and for types known only when
  // read, such as a NULL literal or an element of a json value).
  std::vector<value_type> item_types;
  std::vector<result_cell> cells;  // row-major
  // Keeps the session's objects (those above among them) alive while the result is held, also
  // after the session has ended.
  std::shared_ptr<void> keeper;
  // A result of one typed entity has its objects here (or in the run's object_sink), one per
  // row, and no cells.
  bool objects_only = false;
  std::vector<entity_base*> objects;
  [[nodiscard]] std::size_t rows() const noexcept {
    if (objects_only) return objects.size();
    // A result of no items (not built yet) has no cells either: 0 rows.
    return cells.size() / std::max<std::size_t>(width, 1);
  }
};

// Mirrors ir::terminal (src/ir/query_spec.hpp) value for value.
enum class terminal : std::uint8_t {
  fetch,
  count,
  sum,
  avg,
  min,
  max,
  exists,
  first,
  get,
  remove,
  group_concat,
  update
};

class query_state;  // the database, the text, the method chain and the parameters (src/session)
using query_state_ptr = std::shared_ptr<const query_state>;

[[nodiscard]] query_state_ptr make_query(std::string text, std::string entity, params args);
// The query with more paths to prefetch (query<R>::prefetch).
[[nodiscard]] query_state_ptr add_prefetch(const query_state_ptr& q,
                                           std::vector<std::string> paths);
// The columns of a bulk update (query::update), `attr=expression` each.
[[nodiscard]] query_state_ptr add_assignments(
    const query_state_ptr& q,
    std::initializer_list<std::pair<std::string_view, std::string_view>> values, params args);
[[nodiscard]] query_state_ptr add_modifier(const query_state_ptr& q, int kind, std::string text,
                                           params args);
// Where a fetch of one typed entity puts its objects, instead of raw_result::objects.
struct object_sink {
  void* out;
  void (*push)(void* out, entity_base* object);
};
// What the C++ side asked for (select<R>): checked against the compiled plan's result shape
// (raw_result's width, item_entities and item_types, set before the query runs), so that no
// object is ever read through the layout of another type.
struct result_check {
  bool (*fits)(const raw_result& shape);
  std::string (*wanted)();  // R for people: "Author", "(Author, int)"
};
[[nodiscard]] raw_result run_query(const query_state_ptr& q, terminal t, bool distinct_aggregate,
                                   std::optional<std::int64_t> limit,
                                   std::optional<std::int64_t> offset,
                                   const object_sink* sink = nullptr,
                                   const result_check* check = nullptr);
[[nodiscard]] std::string query_sql(const query_state_ptr& q);
// The usage errors of limit() and page() (src/session/query_state.cpp).
[[noreturn]] void throw_negative_limit(std::int64_t n);
[[noreturn]] void throw_negative_offset(std::int64_t n);
[[noreturn]] void throw_page_number(std::int64_t n);
[[noreturn]] void throw_page_too_far(std::int64_t number, std::int64_t size);
// The query as the source of another query's loop (a parameter).
[[nodiscard]] std::shared_ptr<const nested_query> as_nested(const query_state_ptr& q);
// The names of the result's items (`s`, `s.name`), from the compiled plan.
[[nodiscard]] std::vector<std::string> query_columns(const query_state_ptr& q);
// PonyORM's show(): the rows as a table (src/session/show.cpp).
void show_query(const query_state_ptr& q, std::ostream& out);

}  // namespace detail
}  // namespace nextorm
