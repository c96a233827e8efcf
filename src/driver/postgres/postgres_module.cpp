// The entry point of libnextorm-postgres.so (driver/provider_module.hpp).
#include <nextorm_config.hpp>

#include "driver/postgres/postgres_connection.hpp"
#include "driver/provider_module.hpp"

extern "C" {
extern const nextorm::driver::provider_module nextorm_provider_postgres;
const nextorm::driver::provider_module nextorm_provider_postgres{"postgres", NEXTORM_PROVIDER_ABI,
                                                                 &nextorm::driver::open_postgres};
}
