// nextorm::migrate(): the migrator of `nextorm migrate`, called from a program, with the
// program's C++ data migration steps.
#include <nextorm/migrations.hpp>

#include "migrate/migrator.hpp"
#include "session/database_impl.hpp"
#include "session/sql_parameters.hpp"

namespace nextorm {

struct migration_step_access {
  static void run(const std::function<void(migration_step&)>& step, driver::connection& connection,
                  const lower::dialect& dialect, const schema_change::migration& m) {
    migration_step s{connection, dialect, m};
    step(s);
  }
};

std::string_view migration_step::provider() const noexcept { return m_dialect.name(); }

const std::string& migration_step::migration() const noexcept { return m_migration.name; }

std::int64_t migration_step::execute(std::string_view sql, const params& args) {
  std::vector<value> values;
  const std::string bound = detail::bind_sql_parameters(sql, args, m_dialect, values);
  return m_connection.execute(bound, values);
}

std::vector<std::vector<value>> migration_step::query(std::string_view sql,
                                                      std::initializer_list<value_type> types,
                                                      const params& args) {
  std::vector<value> values;
  const std::string bound = detail::bind_sql_parameters(sql, args, m_dialect, values);
  const std::vector<value_type> typed{types};
  std::vector<std::vector<value>> out;
  auto rows = m_connection.query(bound, values);
  while (rows->next()) {
    std::vector<value>& row = out.emplace_back();
    for (std::size_t i = 0; i < rows->column_count(); ++i) {
      row.push_back(rows->get(i, i < typed.size() ? typed[i] : value_type::text));
    }
  }
  return out;
}

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
    o.has_step = [&](const std::string& name) { return options.steps.contains(name); };
    o.run_step = [&](const std::string& name, const schema_change::migration& migration) {
      migration_step_access::run(options.steps.find(name)->second, *connection, impl.dialect(),
                                 migration);
    };
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
