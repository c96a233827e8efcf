// Databases for provider-parameterised tests: which provider this run tests, and a fresh,
// empty database of it for each test.
#pragma once

#include <nextorm/database.hpp>

#include "driver/connection.hpp"

#include <memory>
#include <string>

namespace nextorm::testing {

// NEXTORM_PROVIDER: "sqlite" (default), "postgres" or "mariadb".
[[nodiscard]] std::string current_provider();
[[nodiscard]] bool provider_available(const std::string& provider);
[[nodiscard]] std::string unavailable_reason(const std::string& provider);

// A URL of an empty database on the current provider, private to this test program and `name`:
// a new SQLite file, or a database created (dropped first if it exists) on the server.
[[nodiscard]] std::string fresh_database_url(const std::string& name);

// Removes what fresh_database_url made (the SQLite file; server databases stay for inspection
// while their program runs and are dropped by the first test program started after it ends).
void discard_database(const std::string& url);

// bind()'s keyword options for `url` (its parts), with a pool of `pool_size` connections.
[[nodiscard]] connection_options options_of(const std::string& url, std::size_t pool_size);

// A raw driver connection to `url`, for checks that bypass sessions.
[[nodiscard]] std::unique_ptr<driver::connection> raw_connection(const std::string& url);

}  // namespace nextorm::testing
