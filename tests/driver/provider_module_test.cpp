// The server providers as modules (src/driver/provider_module.hpp): a SQLite-only process never
// maps libpq or libmariadb, and each way a module cannot be loaded has its own error.
#include <nextorm/database.hpp>
#include <nextorm/errors.hpp>

#include "driver/connection.hpp"
#include "driver/provider_module.hpp"

#include <nextorm_config.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace nextorm;
using namespace nextorm::driver;

namespace {

std::string mapped_files() {
  std::ifstream maps{"/proc/self/maps"};
  std::stringstream text;
  text << maps.rdbuf();
  return text.str();
}

// An empty directory for NEXTORM_PROVIDER_DIR, removed at the end.
struct module_dir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("nextorm-modules-" + std::to_string(::getpid()));
  module_dir() {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
    ::setenv("NEXTORM_PROVIDER_DIR", path.c_str(), 1);
  }
  ~module_dir() {
    ::unsetenv("NEXTORM_PROVIDER_DIR");
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  module_dir(const module_dir&) = delete;
  module_dir& operator=(const module_dir&) = delete;
};

// The id and message of the connection_error that opening `url` throws.
std::pair<std::string, std::string> open_error(const std::string& url) {
  try {
    (void)open(parse_url(url));
  } catch (const connection_error& e) {
    return {e.id(), e.message()};
  }
  return {};
}

constexpr const char* pg_url = "postgresql://nobody@127.0.0.1:1/none";

}  // namespace

TEST_CASE("a SQLite-only program maps neither libpq nor libmariadb", "[modules]") {
  const database db{"sqlite::memory:"};  // connects
  const std::string maps = mapped_files();
  CHECK(maps.find("libnextorm.so") != std::string::npos);
  CHECK(maps.find("libpq.so") == std::string::npos);
  CHECK(maps.find("libmariadb.so") == std::string::npos);
  CHECK(maps.find("libnextorm-postgres.so") == std::string::npos);
}

TEST_CASE("the modules are looked for beside libnextorm.so", "[modules]") {
  const std::filesystem::path pg = provider_module_path("postgres");
  CHECK(pg.filename() == "libnextorm-postgres.so");
  CHECK(std::filesystem::exists(pg.parent_path() / "libnextorm.so"));
  CHECK(std::filesystem::exists(pg));
  CHECK(std::filesystem::exists(provider_module_path("mariadb")));
}

TEST_CASE("a missing module names the file and what to do", "[modules]") {
  const module_dir dir;
  const auto [id, message] = open_error(pg_url);
  CHECK(id == "provider.module_missing");
  CHECK(message == "the postgres provider's module " +
                       (dir.path / "libnextorm-postgres.so").string() +
                       " is missing: install it with NextORM (meson install puts it beside "
                       "libnextorm.so), or set NEXTORM_PROVIDER_DIR to the directory that holds "
                       "libnextorm-postgres.so");
}

TEST_CASE("a module the loader refuses names the driver library to install", "[modules]") {
  const module_dir dir;
  std::ofstream{dir.path / "libnextorm-mariadb.so"} << "not a shared object\n";
  const auto [id, message] = open_error("mariadb://nobody@127.0.0.1:1/none");
  CHECK(id == "provider.load_failed");
  CHECK(message.starts_with("cannot load the mariadb provider's module " +
                            (dir.path / "libnextorm-mariadb.so").string() + ": "));
  CHECK(
      message.ends_with("; it needs MariaDB Connector/C (libmariadb.so.3) (Debian: apt-get "
                        "install libmariadb3)"));
}

TEST_CASE("another provider's module is refused", "[modules]") {
  const std::filesystem::path mariadb = provider_module_path("mariadb");
  const module_dir dir;
  std::filesystem::copy_file(mariadb, dir.path / "libnextorm-postgres.so");
  const auto [id, message] = open_error(pg_url);
  CHECK(id == "provider.module_mismatch");
  CHECK(message.find("is not the postgres module of this NextORM") != std::string::npos);
  CHECK(message.find("found no nextorm_provider_postgres") != std::string::npos);
}

TEST_CASE("a module of another build or for another provider is refused", "[modules]") {
  const char* other_abi = std::getenv("NEXTORM_FAKE_MODULE_OTHER_ABI");
  const char* other_provider = std::getenv("NEXTORM_FAKE_MODULE_OTHER_PROVIDER");
  REQUIRE(other_abi != nullptr);
  REQUIRE(other_provider != nullptr);
  const module_dir dir;
  // A directory each: the loader finds a library it has loaded by its path.
  const auto refusal = [&](const char* module, const std::string& subdir) {
    const std::filesystem::path where = dir.path / subdir;
    std::filesystem::create_directories(where);
    std::filesystem::copy_file(module, where / "libnextorm-postgres.so");
    ::setenv("NEXTORM_PROVIDER_DIR", where.c_str(), 1);
    const auto [id, message] = open_error(pg_url);
    CHECK(id == "provider.module_mismatch");
    return message;
  };
  const std::string abi = (dir.path / "abi" / "libnextorm-postgres.so").string();
  CHECK(refusal(other_abi, "abi") ==
        abi + " is not the postgres module of this NextORM (" NEXTORM_PROVIDER_ABI
              "; found nextorm-provider-0): install the module of the same build as "
              "libnextorm.so");
  // The same stamp, but the entry point says it is the MariaDB provider.
  const std::string provider = (dir.path / "provider" / "libnextorm-postgres.so").string();
  CHECK(refusal(other_provider, "provider") ==
        provider + " is not the postgres module of this NextORM (" NEXTORM_PROVIDER_ABI
                   "; found " NEXTORM_PROVIDER_ABI
                   "): install the module of the same build as libnextorm.so");
}

TEST_CASE("an empty NEXTORM_PROVIDER_DIR counts as unset", "[modules]") {
  const std::string beside = provider_module_path("postgres");
  ::setenv("NEXTORM_PROVIDER_DIR", "", 1);
  CHECK(provider_module_path("postgres") == beside);
  ::unsetenv("NEXTORM_PROVIDER_DIR");
}

TEST_CASE("the module is loaded on the first server URL", "[modules]") {
  // Port 1 refuses at once: the module ran (libpq is now mapped) and its error came back.
  CHECK_THROWS_AS(open(parse_url(pg_url)), connection_error);
  CHECK(mapped_files().find("libpq.so") != std::string::npos);
  // The other provider's module loads beside it, and the first stays in use.
  CHECK_THROWS_AS(open(parse_url("mariadb://nobody@127.0.0.1:1/none")), connection_error);
  CHECK(mapped_files().find("libmariadb.so") != std::string::npos);
  CHECK_THROWS_WITH(open(parse_url(pg_url)), Catch::Contains("127.0.0.1"));
}
