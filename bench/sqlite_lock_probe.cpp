#include "sqlite_lock_probe.hpp"

#include "sqlite_raw.hpp"  // sqlite_closer, sqlite_finalizer

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace nextorm_bench {
namespace {

bool busy(int rc) { return (rc & 0xff) == SQLITE_BUSY; }

}  // namespace

writer_probe probe_writer(const std::string& path) {
  sqlite3* raw_db = nullptr;
  const int open_rc = sqlite3_open_v2(path.c_str(), &raw_db, SQLITE_OPEN_READWRITE, nullptr);
  const std::unique_ptr<sqlite3, sqlite_closer> db{raw_db};
  auto fail = [&](const std::string& what) {
    throw std::runtime_error("writer probe, " + what + ": " +
                             (db ? sqlite3_errmsg(db.get()) : "out of memory"));
  };
  if (open_rc != SQLITE_OK) fail("open");
  // No waiting: a lock held by someone else shows at once as SQLITE_BUSY.
  sqlite3_busy_timeout(db.get(), 0);

  // Runs one step of the write transaction: false when it was refused with SQLITE_BUSY.
  auto run = [&](const char* sql, const char* what) {
    const int rc = sqlite3_exec(db.get(), sql, nullptr, nullptr, nullptr);
    if (busy(rc)) return false;
    if (rc != SQLITE_OK) fail(what);
    return true;
  };
  auto blocked_at = [&](const char* step) {
    // The transaction may be open (the COMMIT was refused): end it, so that nothing is kept.
    if (!sqlite3_get_autocommit(db.get())) {
      sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    return writer_probe{true, step};
  };

  if (!run("BEGIN IMMEDIATE", "BEGIN IMMEDIATE")) return blocked_at("BEGIN IMMEDIATE");
  sqlite3_stmt* raw_stmt = nullptr;
  if (sqlite3_prepare_v2(db.get(), "PRAGMA user_version", -1, &raw_stmt, nullptr) != SQLITE_OK) {
    fail("PRAGMA user_version");
  }
  const sqlite_stmt_ptr read_version{raw_stmt};
  const int step_rc = sqlite3_step(raw_stmt);
  if (busy(step_rc)) return blocked_at("write");
  if (step_rc != SQLITE_ROW) fail("PRAGMA user_version");
  const std::string write =
      "PRAGMA user_version = " + std::to_string(sqlite3_column_int(raw_stmt, 0) + 1);
  sqlite3_reset(raw_stmt);
  if (!run(write.c_str(), "write")) return blocked_at("write");
  if (!run("COMMIT", "COMMIT")) return blocked_at("COMMIT");
  return writer_probe{};
}

}  // namespace nextorm_bench
