#include <nextorm/errors.hpp>
#include <nextorm/inspect.hpp>

#include "migrate/catalog.hpp"
#include "migrate/inspect.hpp"
#include "session/database_impl.hpp"

namespace nextorm {

inspected_schema inspect(database& db, const inspect_options& options) {
  nlohmann::json names;
  if (!options.names_json.empty()) {
    try {
      names = nlohmann::json::parse(options.names_json);
    } catch (const nlohmann::json::parse_error& e) {
      throw schema_error{"inspect.names", std::string{"the names file is not JSON: "} + e.what()};
    }
  }
  detail::database_impl& impl = db.impl();
  std::unique_ptr<driver::connection> connection = impl.acquire();
  std::vector<schema_change::catalog_table> tables;
  try {
    tables = schema_change::read_catalog(*connection, impl.dialect());
    impl.release(std::move(connection));
  } catch (...) {
    impl.discard(std::move(connection));
    throw;
  }
  auto found = schema_change::inspect_catalog(tables, names, impl.dialect().name());
  return {found.schema.dump(2), std::move(found.notes)};
}

}  // namespace nextorm
