#include <nextorm/errors.hpp>
#include <nextorm_config.hpp>

#include "driver/connection.hpp"
#include "driver/sqlite/sqlite_connection.hpp"

namespace nextorm::driver {

std::unique_ptr<connection> open(const connection_url& url) {
  if (url.provider == "sqlite") return std::make_unique<sqlite_connection>(url.path);
  throw usage_error("url.provider_unavailable",
                    "the " + url.provider + " provider is not built into this NextORM");
}

}  // namespace nextorm::driver
