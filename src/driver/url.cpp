#include <nextorm/errors.hpp>

#include "driver/connection.hpp"

#include <cctype>
#include <charconv>

namespace nextorm::driver {

namespace {

[[noreturn]] void invalid(std::string_view url, const std::string& why) {
  throw usage_error("url.invalid", "cannot use connection URL '" + std::string{url} + "': " + why);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view url, std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
    const int low = high >= 0 ? hex_digit(text[i + 2]) : -1;
    if (low < 0) invalid(url, "bad percent escape");
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

// scheme://[user[:password]@]host[:port][/database][?options]
void parse_authority(std::string_view url, std::string_view rest, connection_url& out) {
  rest = rest.substr(0, rest.find('?'));
  const auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    out.database = percent_decode(url, rest.substr(slash + 1));
    rest = rest.substr(0, slash);
  }
  const auto at = rest.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view credentials = rest.substr(0, at);
    const auto colon = credentials.find(':');
    out.user = percent_decode(url, credentials.substr(0, colon));
    if (colon != std::string_view::npos) {
      out.password = percent_decode(url, credentials.substr(colon + 1));
    }
    rest = rest.substr(at + 1);
  }
  const auto colon = rest.rfind(':');
  if (colon != std::string_view::npos) {
    const std::string_view port = rest.substr(colon + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      invalid(url, "bad port '" + std::string{port} + "'");
    }
    out.port = static_cast<std::uint16_t>(value);
    rest = rest.substr(0, colon);
  }
  out.host = percent_decode(url, rest);
}

}  // namespace

connection_url parse_url(std::string_view url) {
  connection_url out;
  out.original = std::string{url};
  const auto colon = url.find(':');
  if (colon == std::string_view::npos) invalid(url, "expected <provider>:..., e.g. sqlite::memory:");
  const std::string_view scheme = url.substr(0, colon);
  std::string_view rest = url.substr(colon + 1);
  if (scheme == "sqlite") {
    out.provider = "sqlite";
    if (rest.starts_with("//")) rest.remove_prefix(2);
    if (rest.empty()) invalid(url, "expected a file path or :memory: after 'sqlite:'");
    out.path = std::string{rest};
    return out;
  }
  if (scheme == "postgresql" || scheme == "postgres") {
    out.provider = "postgres";
  } else if (scheme == "mariadb" || scheme == "mysql") {
    out.provider = "mariadb";
  } else {
    throw usage_error("url.provider", "unknown database provider '" + std::string{scheme} +
                                          "' in connection URL; expected sqlite, postgresql or mariadb");
  }
  if (!rest.starts_with("//")) invalid(url, "expected '//' after '" + std::string{scheme} + ":'");
  parse_authority(url, rest.substr(2), out);
  return out;
}

namespace {

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 15];
    }
  }
  return out;
}

}  // namespace

std::string to_url(const connection_url& url) {
  // parse_url drops a "//" after "sqlite:": a path that starts with "//" needs another in front.
  if (url.provider == "sqlite") {
    return (url.path.starts_with("//") ? "sqlite://" : "sqlite:") + url.path;
  }
  std::string out = url.provider == "postgres" ? "postgresql://" : "mariadb://";
  // A password without a user is written too (":secret@host": the server's default user).
  if (!url.user.empty() || !url.password.empty()) {
    out += percent_encode(url.user);
    if (!url.password.empty()) out.append(":").append(percent_encode(url.password));
    out += "@";
  }
  out += url.host;
  if (url.port != 0) out.append(":").append(std::to_string(url.port));
  if (!url.database.empty()) out.append("/").append(percent_encode(url.database));
  return out;
}

}  // namespace nextorm::driver
