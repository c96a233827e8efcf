#include <nextorm/errors.hpp>
#include <nextorm_config.hpp>

#include "driver/connection.hpp"
#include "driver/sqlite/sqlite_connection.hpp"

#if NEXTORM_HAS_POSTGRES && __has_include("driver/postgres/postgres_connection.hpp")
#define NEXTORM_OPEN_POSTGRES 1
#include "driver/postgres/postgres_connection.hpp"
#endif
#if NEXTORM_HAS_MARIADB && __has_include("driver/mariadb/mariadb_connection.hpp")
#define NEXTORM_OPEN_MARIADB 1
#include "driver/mariadb/mariadb_connection.hpp"
#endif

namespace nextorm::driver {

std::unique_ptr<connection> open(const connection_url& url) {
  if (url.provider == "sqlite") return std::make_unique<sqlite_connection>(url.path, url.create);
#ifdef NEXTORM_OPEN_POSTGRES
  if (url.provider == "postgres") return open_postgres(url);
#endif
#ifdef NEXTORM_OPEN_MARIADB
  if (url.provider == "mariadb") return open_mariadb(url);
#endif
  throw usage_error("url.provider_unavailable",
                    "the " + url.provider + " provider is not built into this NextORM");
}

}  // namespace nextorm::driver
