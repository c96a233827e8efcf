// DDL for a finalized registry: the CREATE and DROP statements of its tables, per dialect, in
// the shape PonyORM 0.7.16 gives them (docs/naming.md).
#pragma once

#include <nextorm/registry.hpp>

#include "lower/dialect.hpp"

#include <string>
#include <vector>

namespace nextorm::migrate {

// CREATE TABLE for every entity and many-to-many join table, each followed by its CREATE INDEX
// statements (one per foreign-key column and per indexed attribute). Tables come after the
// tables they reference; SQLite declares foreign keys inline, the other dialects add them with
// ALTER TABLE as soon as both tables exist, so that cycles work too. Throws usage_error when the
// registry is not finalized.
[[nodiscard]] std::vector<std::string> create_table_statements(const registry& schema,
                                                               const lower::dialect& dialect);

// DROP TABLE for the same tables in reverse order; outside SQLite, foreign keys that point at a
// table created later (cycles) are dropped first.
[[nodiscard]] std::vector<std::string> drop_table_statements(const registry& schema,
                                                             const lower::dialect& dialect);

}  // namespace nextorm::migrate
