// The entry point of libnextorm-mariadb.so (driver/provider_module.hpp).
#include <nextorm_config.hpp>

#include "driver/mariadb/mariadb_connection.hpp"
#include "driver/provider_module.hpp"

extern "C" {
extern const nextorm::driver::provider_module nextorm_provider_mariadb;
const nextorm::driver::provider_module nextorm_provider_mariadb{"mariadb", NEXTORM_PROVIDER_ABI,
                                                                &nextorm::driver::open_mariadb};
}
