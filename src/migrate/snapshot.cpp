#include "migrate/snapshot.hpp"

#include "common/suggest.hpp"

namespace nextorm::schema_change {

std::unique_ptr<registry> snapshot_registry(const nlohmann::json& snapshot,
                                            const lower::dialect& dialect) {
  auto schema = std::make_unique<registry>();
  if (snapshot.contains("entities")) schema->load_json_text(snapshot.dump());
  schema->finalize(pony_naming{dialect.name()});
  return schema;
}

std::vector<table_def> snapshot_tables(const nlohmann::json& snapshot,
                                       const lower::dialect& dialect) {
  return describe(*snapshot_registry(snapshot, dialect), dialect);
}

const table_def* find_table(const std::vector<table_def>& tables, std::string_view name) {
  for (const table_def& t : tables) {
    if (equal_ignoring_case(t.name, name)) return &t;
  }
  return nullptr;
}

const column_def* find_column(const table_def& table, std::string_view name) {
  for (const column_def& c : table.columns) {
    if (equal_ignoring_case(c.name, name)) return &c;
  }
  return nullptr;
}

}  // namespace nextorm::schema_change
