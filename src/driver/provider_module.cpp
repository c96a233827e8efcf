#include "driver/provider_module.hpp"

#include <nextorm/errors.hpp>
#include <nextorm_config.hpp>

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

namespace nextorm::driver {

namespace {

// What each module needs from the system, for the message when it cannot be loaded.
struct driver_library {
  std::string_view provider;
  const char* library;
  const char* debian_package;
};
constexpr driver_library driver_libraries[] = {
    {"postgres", "libpq (libpq.so.5)", "libpq5"},
    {"mariadb", "MariaDB Connector/C (libmariadb.so.3)", "libmariadb3"},
};

// open() asks only for the two providers above.
const driver_library& library_of(std::string_view provider) {
  return provider == driver_libraries[0].provider ? driver_libraries[0] : driver_libraries[1];
}

// An object of libnextorm itself: dladdr names the file it was loaded from.
constexpr char anchor = 0;

std::string module_directory() {
  if (const char* dir = std::getenv("NEXTORM_PROVIDER_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  // The dynamic loader names a library it found by its path, which has a '/'.
  Dl_info info{};
  if (dladdr(&anchor, &info) == 0) return ".";  // coverage-exempt: &anchor lies in libnextorm
  const std::string_view self{info.dli_fname};
  return std::string{self.substr(0, self.rfind('/'))};
}

const provider_module& load(const std::string& provider) {
  static std::mutex mutex;
  static std::vector<std::pair<std::string, const provider_module*>> loaded;
  const std::lock_guard lock{mutex};
  for (const auto& [name, module] : loaded) {
    if (name == provider) return *module;
  }
  const std::string path = provider_module_path(provider);
  const driver_library& needs = library_of(provider);
  if (::access(path.c_str(), F_OK) != 0) {
    throw connection_error(
        "provider.module_missing",
        "the " + provider + " provider's module " + path +
            " is missing: install it with NextORM (meson install puts it beside libnextorm.so), "
            "or set NEXTORM_PROVIDER_DIR to the directory that holds libnextorm-" +
            provider + ".so");
  }
  // RTLD_LOCAL: the module's libraries stay out of the global namespace. Never closed: the
  // connections it makes run its code.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    // dlerror() says why after every failed dlopen.
    throw connection_error("provider.load_failed",
                           "cannot load the " + provider + " provider's module " + path + ": " +
                               ::dlerror() + "; it needs " + needs.library +
                               " (Debian: apt-get install " + needs.debian_package + ")");
  }
  const std::string symbol = "nextorm_provider_" + provider;
  const auto* module = static_cast<const provider_module*>(::dlsym(handle, symbol.c_str()));
  if (module == nullptr || std::strcmp(module->abi, NEXTORM_PROVIDER_ABI) != 0 ||
      module->provider != provider) {
    const std::string found = module == nullptr ? "no " + symbol : std::string{module->abi};
    ::dlclose(handle);
    throw connection_error("provider.module_mismatch",
                           path + " is not the " + provider + " module of this NextORM (" +
                               NEXTORM_PROVIDER_ABI + "; found " + found +
                               "): install the module of the same build as libnextorm.so");
  }
  loaded.emplace_back(provider, module);
  return *module;
}

}  // namespace

std::string provider_module_path(std::string_view provider) {
  return module_directory() + "/libnextorm-" + std::string{provider} + ".so";
}

std::unique_ptr<connection> open_with_module(const connection_url& url) {
  return load(url.provider).open(url);
}

}  // namespace nextorm::driver
