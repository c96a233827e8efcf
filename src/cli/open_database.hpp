// Opening the database a command names, without creating one: SQLite creates a missing file on
// open, and a tool must not leave empty databases behind a mistyped path.
#pragma once

#include <nextorm/database.hpp>

#include <string>
#include <string_view>

namespace nextorm::cli {

// A plain SQLite path that is no file: connection_error cli.no_database, before anything else
// is read (a URI such as file:x.db is left to bind_without_creating).
void check_sqlite_file(const std::string& url, std::string_view command);

// Binds `db` to `url`; a SQLite file that does not exist is connection_error cli.no_database
// ("... nextorm query does not create databases", `command` being "nextorm query").
void bind_without_creating(database& db, const std::string& url, std::string_view command);

}  // namespace nextorm::cli
