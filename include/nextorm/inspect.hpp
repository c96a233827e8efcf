// A JSON schema read back from an existing database: what `nextorm inspect` prints
// (docs/inspect.md). Tables, columns and their types, keys, foreign keys, join tables,
// composite keys and a hierarchy's discriminator map back to entities and attributes as
// PonyORM declared them; a names file gives what no catalog stores.
//
//   nextorm::database db{"postgresql://..."};
//   auto found = nextorm::inspect(db);
//   std::ofstream{"schema.json"} << found.schema_json;   // then: db.schema().load_json_text(...)
#pragma once

#include <nextorm/database.hpp>

#include <string>
#include <vector>

namespace nextorm {

struct inspect_options {
  // The text of a names file: {"entities": [...]} in the JSON schema's shape, each entity and
  // attribute it names taking the fields it gives ("" for none).
  std::string names_json{};
};

struct inspected_schema {
  std::string schema_json;         // {"entities": [...]}, indented
  std::vector<std::string> notes;  // what was named by rule or left out, for a person to check
};

// Reads the catalog of the database `db` is bound to (its registry is not used). Throws
// schema_error inspect.* for a names file that does not fit the database (docs/errors.md).
[[nodiscard]] inspected_schema inspect(database& db, const inspect_options& options = {});

}  // namespace nextorm
