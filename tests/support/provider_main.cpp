// The Catch2 main of provider-parameterised tests: NEXTORM_PROVIDER picks sqlite, postgres or
// mariadb; a server provider without its URL in the environment is a loud skip (exit 77).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "test_databases.hpp"

#include <iostream>

int main(int argc, char* argv[]) {
  const std::string provider = nextorm::testing::current_provider();
  if (!nextorm::testing::provider_available(provider)) {
    std::cout << "NEXTORM-SKIP: " << provider << ": " << nextorm::testing::unavailable_reason(provider)
              << std::endl;
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
