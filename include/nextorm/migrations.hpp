// Migrations from C++: the migrator of `nextorm migrate`, so that a program can bring its
// database up to date as it starts (docs/migrations.md).
//
//   nextorm::database db{"postgresql://..."};
//   nextorm::migrate(db, "migrations");      // applies what is pending, one migrator at a time
//   db.generate_mapping<Product, Category>();
//
// A migration may call C++ ({"op": "call", "name": "fill_stock"}), given by name:
//   nextorm::migrate(db, "migrations", {.steps = {{"fill_stock", [](nextorm::migration_step& s) {
//     s.execute("UPDATE product SET stock = $none WHERE stock IS NULL", {{"none", 0}});
//   }}}});
#pragma once

#include <nextorm/database.hpp>
#include <nextorm/params.hpp>
#include <nextorm/value.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm {

namespace schema_change {
struct migration;
}
namespace driver {
class connection;
}
namespace lower {
class dialect;
}

// What a C++ data migration step is given: the migration's own connection, inside the
// migration's transaction (PostgreSQL, SQLite; on MariaDB a step counts as one statement of
// the migration's progress). Tables are as the migration has made them so far; the program's
// entities describe the last migration's schema, so a step speaks SQL, with `$name` parameters
// bound from `args` (never spliced into the SQL: `UPDATE product SET price = price * $f`).
class migration_step {
 public:
  migration_step(const migration_step&) = delete;
  migration_step& operator=(const migration_step&) = delete;

  // "sqlite", "postgres" or "mariadb".
  [[nodiscard]] std::string_view provider() const noexcept;
  // The migration running the step: "0003_fill_prices".
  [[nodiscard]] const std::string& migration() const noexcept;
  // Runs a statement; returns the number of rows it changed.
  std::int64_t execute(std::string_view sql, const params& args = {});
  // The rows of a SELECT, each column read as the type given for it (text past the list).
  [[nodiscard]] std::vector<std::vector<value>> query(std::string_view sql,
                                                      std::initializer_list<value_type> types,
                                                      const params& args = {});

 private:
  friend struct migration_step_access;
  migration_step(driver::connection& connection, const lower::dialect& dialect,
                 const schema_change::migration& m) noexcept
      : m_connection{connection}, m_dialect{dialect}, m_migration{m} {}
  driver::connection& m_connection;
  const lower::dialect& m_dialect;
  const schema_change::migration& m_migration;
};

struct migration_options {
  std::optional<int> to{};       // the last migration to apply, or to go back to (default: all)
  bool fake = false;             // record them as applied without running them
  bool repair_checksum = false;  // accept applied migrations whose files were edited
  std::chrono::milliseconds lock_timeout = std::chrono::seconds{60};  // for another migrator
  // C++ data migration steps by name: a migration's {"op": "call", "name": "fill_prices"} runs
  // steps.at("fill_prices") in its place among the migration's operations, and going back,
  // {"reverse": "empty_prices"} runs that one. A migration naming a step not given here is
  // refused before any of it runs (migrate.step_missing).
  std::map<std::string, std::function<void(migration_step&)>, std::less<>> steps{};
};

// Applies the pending migrations of `dir` (files NNNN_name.json that `nextorm makemigrations`
// writes) to the database `db` is bound to, or with `to` below what is applied undoes the later
// ones (newest first, where their way back can be derived); returns the names of those applied
// or undone, in order. Throws
// schema_error (migrate.failed, migrate.edited, ...) and transaction_error (migrate.locked):
// docs/errors.md.
std::vector<std::string> migrate(database& db, const std::filesystem::path& dir,
                                 const migration_options& options = {});

}  // namespace nextorm
