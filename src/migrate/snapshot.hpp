// A migration's schema snapshot as the tables of one dialect: the snapshot (the schema's JSON) is
// loaded into a registry of its own and finalized with that provider's PonyORM naming.
#pragma once

#include <nextorm/registry.hpp>

#include "lower/dialect.hpp"
#include "migrate/tables.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string_view>
#include <vector>

namespace nextorm::schema_change {

// The registry of `snapshot`, finalized for `dialect`'s provider.
[[nodiscard]] std::unique_ptr<registry> snapshot_registry(const nlohmann::json& snapshot,
                                                          const lower::dialect& dialect);

// The tables of `snapshot` for `dialect` (none for an empty snapshot: before the first
// migration).
[[nodiscard]] std::vector<table_def> snapshot_tables(const nlohmann::json& snapshot,
                                                     const lower::dialect& dialect);

// The table named `name` (case-insensitive, as the databases compare), or null.
[[nodiscard]] const table_def* find_table(const std::vector<table_def>& tables,
                                          std::string_view name);
[[nodiscard]] const column_def* find_column(const table_def& table, std::string_view name);

}  // namespace nextorm::schema_change
