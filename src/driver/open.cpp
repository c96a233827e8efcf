#include <nextorm/errors.hpp>
#include <nextorm_config.hpp>

#include "driver/connection.hpp"
#include "driver/sqlite/sqlite_connection.hpp"

#if NEXTORM_PROVIDER_MODULES
#include "driver/provider_module.hpp"
#else
// A static libnextorm has the server providers linked in: a module would bring a second copy
// of the library with it.
#if NEXTORM_HAS_POSTGRES
#include "driver/postgres/postgres_connection.hpp"
#endif
#if NEXTORM_HAS_MARIADB
#include "driver/mariadb/mariadb_connection.hpp"
#endif
#endif

namespace nextorm::driver {

std::unique_ptr<connection> open(const connection_url& url) {
  if (url.provider == "sqlite") return std::make_unique<sqlite_connection>(url.path, url.create);
#if NEXTORM_HAS_POSTGRES
  if (url.provider == "postgres") {
#if NEXTORM_PROVIDER_MODULES
    return open_with_module(url);
#else
    return open_postgres(url);
#endif
  }
#endif
#if NEXTORM_HAS_MARIADB
  if (url.provider == "mariadb") {
#if NEXTORM_PROVIDER_MODULES
    return open_with_module(url);
#else
    return open_mariadb(url);
#endif
  }
#endif
  throw usage_error("url.provider_unavailable",
                    "the " + url.provider + " provider is not built into this NextORM");
}

}  // namespace nextorm::driver
