#include "test_databases.hpp"

#include <nextorm/errors.hpp>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <vector>

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

// The process id that names a test database `nt_<name>_<pid>`, or 0.
long owner_of(std::string_view database) {
  const auto underscore = database.rfind('_');
  if (!database.starts_with("nt_") || underscore == std::string_view::npos) return 0;
  long pid = 0;
  const auto digits = database.substr(underscore + 1);
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  return error == std::errc{} && end == digits.data() + digits.size() ? pid : 0;
}

bool process_gone(long pid) { return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

// Databases are named for the process that made them, so no later run reuses (and drops) them:
// left alone, a server kept for development gathers thousands. The first fresh database of a
// process drops those whose process has ended; a live one's stay, so parallel test programs and
// a failed test's data (while its program runs) are left alone.
void drop_databases_of_ended_tests(driver::connection& admin, const std::string& provider) {
  const bool postgres = provider == "postgres";
  std::vector<std::string> stale;
  auto rows = admin.query(postgres ? "SELECT datname FROM pg_database WHERE datname LIKE 'nt\\_%'"
                                   : "SELECT schema_name FROM information_schema.schemata "
                                     "WHERE schema_name LIKE 'nt\\_%'",
                          {});
  // A few per program: each DROP DATABASE waits for a checkpoint, and a run that follows a
  // whole suite (the gates) finds hundreds; the programs after it drop the rest.
  constexpr std::size_t per_program = 8;
  while (rows->next() && stale.size() < per_program) {
    const std::string name{rows->get_text(0)};
    const long pid = owner_of(name);
    if (pid > 0 && process_gone(pid)) stale.push_back(name);
  }
  rows.reset();
  for (const auto& name : stale) {
    try {
      admin.execute_script(postgres ? "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)"
                                    : "DROP DATABASE IF EXISTS `" + name + "`");
    } catch (const nextorm::error&) {
      // Another test program dropped it first, or it is in use: the next sweep tries again.
    }
  }
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
  static std::once_flag swept;
  std::call_once(swept, [&] { drop_databases_of_ended_tests(*admin, provider); });
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
