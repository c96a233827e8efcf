#include "test_databases.hpp"

#include <nextorm/errors.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace nextorm::testing {

namespace {

const char* url_variable(const std::string& provider) {
  if (provider == "postgres") return "NEXTORM_TEST_POSTGRES_URL";
  if (provider == "mariadb") return "NEXTORM_TEST_MARIADB_URL";
  return nullptr;
}

std::string server_url(const std::string& provider) {
  const char* variable = url_variable(provider);
  const char* url = variable != nullptr ? std::getenv(variable) : nullptr;
  return url != nullptr ? url : "";
}

// The URL with its database name replaced.
std::string with_database(const std::string& url, const std::string& name) {
  const auto scheme_end = url.find("://");
  const auto slash = url.find('/', scheme_end + 3);
  const auto query = url.find('?', scheme_end + 3);
  const std::string base = url.substr(0, slash == std::string::npos ? query : slash);
  const std::string options = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + name + options;
}

}  // namespace

std::string current_provider() {
  const char* provider = std::getenv("NEXTORM_PROVIDER");
  return provider != nullptr && *provider != '\0' ? provider : "sqlite";
}

bool provider_available(const std::string& provider) {
  return provider == "sqlite" || !server_url(provider).empty();
}

std::string unavailable_reason(const std::string& provider) {
  const char* variable = url_variable(provider);
  if (variable == nullptr) return "unknown provider (use sqlite, postgres or mariadb)";
  return std::string{variable} + " is not set, so no " + provider +
         " server is tested (tests/run_all.sh starts one)";
}

std::string fresh_database_url(const std::string& name) {
  const std::string provider = current_provider();
  if (provider == "sqlite") {
    const auto path = std::filesystem::temp_directory_path() /
                      ("nextorm-" + name + "-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path);
    return "sqlite:" + path.string();
  }
  const std::string url = server_url(provider);
  // The process id keeps test programs of two build directories apart on one server.
  const std::string database = "nt_" + name + "_" + std::to_string(::getpid());
  auto admin = raw_connection(url);
  if (provider == "postgres") {
    admin->execute_script("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
    admin->execute_script("CREATE DATABASE \"" + database + "\"");
  } else {
    admin->execute_script("DROP DATABASE IF EXISTS `" + database + "`");
    admin->execute_script("CREATE DATABASE `" + database + "` CHARACTER SET utf8mb4");
  }
  return with_database(url, database);
}

void discard_database(const std::string& url) {
  if (url.starts_with("sqlite:")) std::filesystem::remove(url.substr(7));
}

std::unique_ptr<driver::connection> raw_connection(const std::string& url) {
  return driver::open(driver::parse_url(url));
}

connection_options options_of(const std::string& url, std::size_t pool_size) {
  const auto parts = driver::parse_url(url);
  connection_options options;
  options.provider = parts.provider;
  options.filename = parts.path;
  options.host = parts.host;
  options.port = parts.port;
  options.user = parts.user;
  options.password = parts.password;
  options.database = parts.database;
  options.pool_size = pool_size;
  return options;
}

}  // namespace nextorm::testing
