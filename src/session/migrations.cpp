#include <nextorm/migrations.hpp>

#include "migrate/migrator.hpp"
#include "session/database_impl.hpp"

namespace nextorm {

std::vector<std::string> migrate(database& db, const std::filesystem::path& dir,
                                 const migration_options& options) {
  detail::database_impl& impl = db.impl();
  auto migrations = schema_change::load_migrations(dir);
  std::unique_ptr<driver::connection> connection = impl.acquire();
  try {
    schema_change::migrator m{*connection, impl.dialect(), std::move(migrations)};
    schema_change::migrate_options o;
    o.to = options.to;
    o.fake = options.fake;
    o.repair_checksum = options.repair_checksum;
    o.lock_timeout = options.lock_timeout;
    std::vector<std::string> names;
    for (const auto& done : m.migrate(o)) names.push_back(done.name);
    impl.release(std::move(connection));
    return names;
  } catch (...) {
    // (Its statements may be prepared for tables the migration changed.)
    impl.discard(std::move(connection));
    throw;
  }
}

}  // namespace nextorm
