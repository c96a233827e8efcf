// Migrations from C++: the migrator of `nextorm migrate`, so that a program can bring its
// database up to date as it starts (docs/migrations.md).
//
//   nextorm::database db{"postgresql://..."};
//   nextorm::migrate(db, "migrations");      // applies what is pending, one migrator at a time
//   db.generate_mapping<Product, Category>();
#pragma once

#include <nextorm/database.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nextorm {

struct migration_options {
  std::optional<int> to;         // the last migration to apply, or to go back to (default: all)
  bool fake = false;             // record them as applied without running them
  bool repair_checksum = false;  // accept applied migrations whose files were edited
  std::chrono::milliseconds lock_timeout = std::chrono::seconds{60};  // for another migrator
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
