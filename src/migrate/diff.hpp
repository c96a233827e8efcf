// makemigrations' diff: the operations that lead from one schema snapshot to the next, compared
// as the tables each provider would hold (names, columns with their definitions, keys, foreign
// keys, indexes), so that a change any provider sees is an operation.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace nextorm::schema_change {

struct schema_changes {
  nlohmann::json operations = nlohmann::json::array();
  // What each destructive operation would lose ("drops column Product.stock and its values").
  std::vector<std::string> destructive;
  // A table or column that went while another came in its place, with no renamed_from to say
  // whether that is a rename ("Product.title -> Product.name").
  std::vector<std::string> possible_renames;
};

// The changes from `before` (an empty object: nothing yet) to `after`, both schema JSON.
// Throws schema_error for a schema that does not load, and schema_error("migrate.unsupported")
// for a change no operation makes yet (a table's composite primary key).
[[nodiscard]] schema_changes diff_schemas(const nlohmann::json& before,
                                          const nlohmann::json& after);

}  // namespace nextorm::schema_change
