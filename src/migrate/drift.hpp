// How a live database differs from the schema its last migration left (`nextorm migrate
// --check`): tables and columns missing or not in the schema, nullability, column types and
// their sizes, indexes, unique keys and foreign keys.
#pragma once

#include <nextorm/registry.hpp>

#include "lower/dialect.hpp"
#include "migrate/catalog.hpp"
#include "migrate/tables.hpp"

#include <string>
#include <vector>

namespace nextorm::schema_change {

// One line per difference ("table product: column stock is not in the schema"); empty when the
// database matches. `schema` is the snapshot's registry (finalized for `dialect`), `tables` its
// tables (describe()), `live` what read_catalog() read.
[[nodiscard]] std::vector<std::string> drift_between(const registry& schema,
                                                     const std::vector<table_def>& tables,
                                                     const std::vector<catalog_table>& live,
                                                     const lower::dialect& dialect);

}  // namespace nextorm::schema_change
