// libFuzzer target: the database URL parser (src/driver/url.cpp). Any bytes are a URL. What
// parses must round-trip through to_url, the keyword form's printer: the parts it encodes
// (user, password, database) and the port come back as they were.
#include <nextorm/errors.hpp>

#include "driver/connection.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using nextorm::driver::connection_url;

// A host that to_url writes as it is cannot hold what ends or splits an authority.
bool plain_host(std::string_view host) {
  return host.find_first_of("/?@:%") == std::string_view::npos;
}

void check_round_trip(const connection_url& url) {
  if (url.provider == "sqlite") {
    const connection_url back = nextorm::driver::parse_url(nextorm::driver::to_url(url));
    if (back.provider != "sqlite" || back.path != url.path) __builtin_trap();
    return;
  }
  if (!plain_host(url.host)) return;
  const connection_url back = nextorm::driver::parse_url(nextorm::driver::to_url(url));
  if (back.provider != url.provider || back.user != url.user || back.password != url.password ||
      back.host != url.host || back.port != url.port || back.database != url.database) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  connection_url url;
  try {
    url = nextorm::driver::parse_url(text);
  } catch (const nextorm::usage_error&) {
    return 0;  // url.invalid, url.provider: the expected refusals
  }
  if (url.original != text) __builtin_trap();
  check_round_trip(url);
  return 0;
}
