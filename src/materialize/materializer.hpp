// Rows -> objects through the identity map for typed entities, values otherwise.
#pragma once

#include <nextorm/query.hpp>

#include "driver/connection.hpp"
#include "lower/plan.hpp"
#include "materialize/identity_map.hpp"

#include <cstdint>

namespace nextorm::materialize {

// Appends every row of `rows` to `out` (whose width and item entities the caller has set from
// `shape`, before the query ran, to check them against what was asked for): a result of one
// typed entity goes to `sink` if there is one, else to `out.objects`; anything else to `out.cells`.
// Objects already in the map are returned as they are: the session's version wins over the row.
void materialize(driver::cursor& rows, const lower::result_shape& shape, identity_map& objects,
                 detail::raw_result& out, std::size_t max_rows = SIZE_MAX,
                 const detail::object_sink* sink = nullptr);

// One object of `objects.entity()` from the columns starting at `first_column` of the current
// row (outer joins read their objects by key instead); a NULL key throws value.null_key.
[[nodiscard]] entity_base* materialize_object(const driver::cursor& row, std::size_t first_column,
                                              entity_objects& objects);
[[nodiscard]] inline entity_base* materialize_object(const driver::cursor& row,
                                                     std::size_t first_column,
                                                     const entity_info& entity,
                                                     identity_map& objects) {
  return materialize_object(row, first_column, objects.objects_of(entity));
}

}  // namespace nextorm::materialize
