// `nextorm inspect`: a JSON schema (docs/json-schema.md) read back from a database's catalog,
// recognising PonyORM's names (docs/naming.md) so that tables, columns, keys and join tables map
// back to the entities and attributes PonyORM declared. What no catalog holds (the names of
// reverse sides, an Opt str stored NOT NULL, a hierarchy's subclass attributes) follows the rules
// of docs/inspect.md, and a names file in the schema's own shape overrides it.
#pragma once

#include "migrate/catalog.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace nextorm::schema_change {

struct inspected {
  nlohmann::json schema;           // {"entities": [...]}
  std::vector<std::string> notes;  // what was named by rule, guessed or left out, for the user
};

// The schema of `tables` (read_catalog's) on `provider` ("sqlite", "postgres", "mariadb"), with
// the names file `names` ({"entities": [...]}, or null for none) applied. The schema is loaded
// into a registry before it is returned: one that would not load is a bug or a names file's
// mistake, reported as schema_error. Throws schema_error inspect.names, inspect.unknown_entity,
// inspect.unknown_attribute for a names file that does not fit the database (docs/errors.md).
[[nodiscard]] inspected inspect_catalog(const std::vector<catalog_table>& tables,
                                        const nlohmann::json& names, std::string_view provider);

}  // namespace nextorm::schema_change
