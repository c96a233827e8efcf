#include "cli/open_database.hpp"

#include <nextorm/errors.hpp>

#include "driver/connection.hpp"
#include "session/database_impl.hpp"

#include <filesystem>

namespace nextorm::cli {

void check_sqlite_file(const std::string& url, std::string_view command) {
  const driver::connection_url parsed = driver::parse_url(url);
  if (parsed.provider != "sqlite" || parsed.path == ":memory:" ||
      parsed.path.starts_with("file:")) {
    return;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(parsed.path, ec)) {
    throw connection_error("cli.no_database", "there is no SQLite database file '" + parsed.path +
                                                  "' (" + std::string{command} +
                                                  " does not create databases)");
  }
}

// The file is opened without SQLITE_OPEN_CREATE (for SQLite's own URIs too: file:new.db?mode=rwc
// is refused).
void bind_without_creating(database& db, const std::string& url, std::string_view command) {
  driver::connection_url parsed = driver::parse_url(url);
  const bool file = parsed.provider == "sqlite" && parsed.path != ":memory:";
  const std::string path = parsed.path;
  const std::string refusal = std::string{command} + " does not create databases";
  parsed.create = false;
  try {
    db.impl().bind(std::move(parsed), 8);
  } catch (const error& e) {
    // Opening a SQLite file fails only with SQLite's errors (sqlite.*).
    if (!file) throw;
    throw connection_error("cli.no_database", "there is no SQLite database file '" + path +
                                                  "', or it cannot be opened (" + e.what() + "); " +
                                                  refusal);
  }
}

}  // namespace nextorm::cli
