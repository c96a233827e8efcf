// The server providers (PostgreSQL, MariaDB) are modules of their own, libnextorm-postgres.so and
// libnextorm-mariadb.so, loaded with dlopen on the first connection to such a URL: a program
// that uses only SQLite never loads libpq, libmariadb and what they pull in (OpenSSL, Kerberos,
// LDAP). Found beside libnextorm.so (or in $NEXTORM_PROVIDER_DIR); docs/internals.md.
#pragma once

#include "driver/connection.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace nextorm::driver {

// What a module exports, as the C symbol `nextorm_provider_<provider>`.
struct provider_module {
  const char* provider;  // "postgres", "mariadb"
  const char* abi;       // NEXTORM_PROVIDER_ABI of the build it belongs to
  std::unique_ptr<connection> (*open)(const connection_url& url);
};

// Opens a connection through the module of url.provider, loaded on first use and kept for the
// life of the process. Throws connection_error: provider.module_missing (no such file),
// provider.load_failed (dlopen refused it, typically a missing libpq or libmariadb),
// provider.module_mismatch (a module of another NextORM build).
[[nodiscard]] std::unique_ptr<connection> open_with_module(const connection_url& url);

// Where the module of `provider` is looked for.
[[nodiscard]] std::string provider_module_path(std::string_view provider);

}  // namespace nextorm::driver
