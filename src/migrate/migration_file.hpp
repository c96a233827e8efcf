// Migration files: DIR/NNNN_name.json, each the operations that lead from the previous file's
// schema snapshot to its own, dialect-neutral (names only: the SQL is rendered for the provider
// at migrate time), with that snapshot (the schema's JSON, as registry::to_json writes it).
//
//   {"nextorm_migration": 1,
//    "operations": [{"op": "create_table", "table": "Product"}, ...],
//    "snapshot": {"entities": [...]}}
//
// Comments (// and /* */) and whitespace may be added by a reviewer: the checksum is over the
// parsed operations and snapshot, so they do not count.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace nextorm::schema_change {

struct migration {
  int version = 0;   // NNNN of the file name
  std::string name;  // the file's name without ".json": "0002_add_stock"
  std::filesystem::path path;
  nlohmann::json operations = nlohmann::json::array();
  nlohmann::json snapshot = nlohmann::json::object();
  std::string checksum;  // 16 hex digits
};

// The migrations of `dir`, by version. Throws usage_error("migrate.dir") when `dir` is no
// directory, schema_error("migrate.file") for a file that is not a migration (its name, its JSON,
// its fields) and for two files of one version.
[[nodiscard]] std::vector<migration> load_migrations(const std::filesystem::path& dir);

// The checksum of a migration's content: FNV-1a (64 bits) of the operations' and the snapshot's
// canonical JSON (keys sorted, no whitespace).
[[nodiscard]] std::string checksum_of(const nlohmann::json& operations,
                                      const nlohmann::json& snapshot);

// Writes DIR/NNNN_name.json (DIR made if missing); returns its path. Throws usage_error
// ("migrate.name") for a name that is not letters, digits and underscores.
std::filesystem::path write_migration(const std::filesystem::path& dir, int version,
                                      const std::string& name, const nlohmann::json& operations,
                                      const nlohmann::json& snapshot);

}  // namespace nextorm::schema_change
