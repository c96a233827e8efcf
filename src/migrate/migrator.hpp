// Applies migrations to a database: a history table (nextorm_migrations) records each applied
// migration with its checksum, one migrator runs at a time (PostgreSQL: an advisory lock;
// MariaDB: a lock row, which a cluster replicates where GET_LOCK is not; SQLite: BEGIN
// IMMEDIATE), each migration is one transaction where DDL is transactional (PostgreSQL, SQLite)
// and on MariaDB, where each DDL statement commits by itself, its progress is recorded per
// statement so that a failed migration resumes where it stopped.
#pragma once

#include "driver/connection.hpp"
#include "lower/dialect.hpp"
#include "migrate/migration_file.hpp"
#include "migrate/render.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nextorm::schema_change {

// A row of nextorm_migrations.
struct history_row {
  int version = 0;
  std::string name;
  std::string checksum;
  std::string applied_at;  // UTC, ISO 8601
  std::int64_t duration_ms = 0;
  bool success = false;
  int step = 0;  // MariaDB: the statements of a failed migration that were applied
};

enum class migration_status : std::uint8_t {
  applied,
  pending,
  edited,   // applied, but its file's checksum is another
  failed,   // MariaDB: stopped after `step` statements; `migrate` resumes it
  missing,  // applied, and its file is gone
};

struct migration_state {
  int version = 0;
  std::string name;
  migration_status status = migration_status::pending;
  std::optional<history_row> row;
};

// What migrate() did to one migration.
struct migrated {
  std::string name;
  bool undone = false;  // a down migration (--to below what is applied)
};

struct migrate_options {
  std::optional<int> to;         // the last version to apply (default: all)
  bool fake = false;             // record as applied without running them
  bool repair_checksum = false;  // accept edited applied migrations as they are now
  std::chrono::milliseconds lock_timeout = std::chrono::seconds{60};
  // C++ data migration steps ({"op": "call", "name": ...}): whether the program registered the
  // step `name`, and running it for the migration `m` (on the migrator's connection, inside the
  // migration's transaction). Unset: no step is known (the CLI).
  std::function<bool(const std::string& name)> has_step;
  std::function<void(const std::string& name, const migration& m)> run_step;
};

class migrator {
 public:
  migrator(driver::connection& connection, const lower::dialect& dialect,
           std::vector<migration> migrations);

  // Every migration of the directory and of the history, by version.
  [[nodiscard]] std::vector<migration_state> status();
  // Applies the pending migrations up to options.to, or undoes those above it (newest first);
  // returns what it did, in order. Throws schema_error("migrate.edited") for an applied
  // migration whose file changed (unless repair_checksum), schema_error("migrate.failed")
  // naming the migration and statement that failed, transaction_error("migrate.locked") when
  // another migrator holds the lock longer than the timeout, usage_error("migrate.down") for a
  // migration whose way back cannot be derived (it dropped data, or runs SQL of its own
  // without a "reverse").
  std::vector<migrated> migrate(const migrate_options& options);
  // How the live database differs from the snapshot of the last applied migration: tables and
  // columns missing or not in the schema, nullability changed ("table product: column stock
  // is not in the schema"). Empty when it matches.
  [[nodiscard]] std::vector<std::string> drift();
  // The tables of `m`'s snapshot that the database lacks (before --fake-initial).
  [[nodiscard]] std::vector<std::string> missing_tables(const migration& m);

 private:
  void ensure_history();
  [[nodiscard]] std::vector<history_row> read_history();
  void lock(std::chrono::milliseconds timeout);
  void unlock() noexcept;
  [[nodiscard]] bool take_stale_lock();
  // SQLite: BEGIN IMMEDIATE, migrate.locked when another writer holds the database too long.
  void begin_locked(std::chrono::milliseconds timeout);
  void apply(const migration& m, const nlohmann::json& before, const history_row* resumed);
  void record(const migration& m, std::int64_t duration_ms, bool success, int step, bool exists);
  // The way back of `m`, from its snapshot to `previous`; its history row deleted.
  void undo(const migration& m, const nlohmann::json& previous);
  // Every C++ step of `steps` is registered: else schema_error("migrate.step_missing"),
  // before any of them runs.
  void check_steps(const migration& m, const std::vector<rendered_step>& steps, bool undoing) const;
  // Runs the C++ step of `step` (MariaDB: in a transaction of its own).
  void run_call(const rendered_step& step, const migration& m);
  // Runs `steps` from `first`; MariaDB records progress (not while undoing).
  void run_steps(const migration& m, const std::vector<rendered_step>& steps, int first,
                 bool undoing);
  // The end of one migration's transaction: SQLite's foreign keys checked, committed.
  void finish(const migration& m);
  // SQLite: a rebuild's DROP TABLE, the table's triggers kept for run_steps to make again.
  void drop_keeping_triggers(const rendered_step& step);

  driver::connection& m_connection;
  const lower::dialect& m_dialect;
  std::vector<migration> m_migrations;
  std::string m_owner;              // MariaDB's lock row: who holds it
  std::string m_server_connection;  // and its "@host:port#connection id" (MariaDB)
  std::vector<std::string> m_pending_triggers;
  migrate_options m_options;  // of the migrate() running
};

}  // namespace nextorm::schema_change
