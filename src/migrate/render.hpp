// A migration's operations as one provider's SQL, rendered from the snapshots before and after
// it as that provider's tables. SQLite, whose ALTER TABLE adds, renames and drops plain columns
// only, rebuilds a table for anything else (a new table, its rows copied, the old one dropped,
// the new one renamed, its indexes made again), once per table and migration.
#pragma once

#include "lower/dialect.hpp"
#include "migrate/migration_file.hpp"

#include <string>
#include <vector>

namespace nextorm::schema_change {

struct rendered_step {
  std::string sql;
  // A column added NOT NULL without a default: the migrator first checks that this table has
  // no row (where the databases would refuse it, or MariaDB fill in zeros and empty strings).
  std::string requires_empty_table;
  // SQLite's rebuild: the DROP TABLE of this table drops its triggers, which the migrator reads
  // first and makes again once the new table has the name (a script from --sql says so).
  std::string keeps_triggers_of;
  // A C++ data migration step ({"op": "call"}): the name the program registered it under; `sql`
  // is then a comment naming it (for scripts and messages).
  std::string call;
};

// The statements of `m` for `dialect`, `before` being the snapshot of the migration before it
// (an empty object for the first). Throws schema_error("migrate.operation") for an operation
// that names no table or column of the snapshots, and schema_error("migrate.sql_missing") for a
// data migration without SQL for this provider.
[[nodiscard]] std::vector<rendered_step> render(const migration& m, const nlohmann::json& before,
                                                const lower::dialect& dialect);

}  // namespace nextorm::schema_change
