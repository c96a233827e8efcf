#include "parse/literal.hpp"

#include "common/utf8.hpp"

#include <charconv>
#include <limits>
#include <system_error>

namespace nextorm::parse::detail {

namespace {

// The digits of a literal without Python's underscores (1_000) and its base (0x1F, 0o17, 0b101).
struct integer_digits {
  std::string digits;
  int base = 10;
};

integer_digits digits_of(std::string_view text) {
  integer_digits out;
  const char b = text.size() > 2 && text[0] == '0' ? static_cast<char>(text[1] | 0x20) : '\0';
  if (b == 'x' || b == 'o' || b == 'b') {  // (| 0x20: ASCII lower case)
    out.base = b == 'x' ? 16 : b == 'o' ? 8 : 2;
    text.remove_prefix(2);
  }
  for (char c : text) {
    if (c != '_') out.digits += c;
  }
  return out;
}

// The literal's magnitude, or nothing past 64 bits.
std::optional<std::uint64_t> magnitude(std::string_view text) {
  const integer_digits d = digits_of(text);
  std::uint64_t v = 0;
  const auto [end, ec] =
      std::from_chars(d.digits.data(), d.digits.data() + d.digits.size(), v, d.base);
  if (ec != std::errc{}) return std::nullopt;  // the grammar guarantees digits: out of range
  return v;
}

}  // namespace

std::optional<std::int64_t> decode_integer(std::string_view text) {
  const auto v = magnitude(text);
  if (!v || *v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*v);
}

bool is_int64_min_magnitude(std::string_view text) {
  const auto v = magnitude(text);
  return v && *v == std::uint64_t{1} << 63;
}

double decode_float(std::string_view written) {
  std::string text;
  for (char c : written) {
    if (c != '_') text += c;
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves v alone: decide between overflow and underflow by the exponent's sign.
    // (An exponent always has at least one character after the `e`.)
    const auto e = text.find_first_of("eE");
    const bool negative_exponent = e != std::string_view::npos && text[e + 1] == '-';
    return negative_exponent ? 0.0 : std::numeric_limits<double>::infinity();
  }
  return v;
}

namespace {

std::uint32_t hex_value(std::string_view text, std::size_t pos, std::size_t n) noexcept {
  std::uint32_t v = 0;
  // The grammar matched exactly n hex digits here.
  (void)std::from_chars(text.data() + pos, text.data() + pos + n, v, 16);
  return v;
}

bool is_octal(char c) noexcept { return c >= '0' && c <= '7'; }

}  // namespace

std::size_t decode_strings(std::string_view text, std::string& out) {
  std::size_t i = 0;
  bool raw = false;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '\'' && c != '"') {
      // Whitespace between adjacent literals, or a literal's prefix: r (raw), u (none).
      if (c == 'r' || c == 'R') raw = true;
      ++i;
      continue;
    }
    const char quote = c;
    ++i;
    while (text[i] != quote) {
      if (text[i] != '\\') {
        out += text[i++];
        continue;
      }
      if (raw) {  // the backslash and the character after it, as they are
        out.append(text.substr(i, 2));
        i += 2;
        continue;
      }
      const std::size_t escape_at = i;
      const char e = text[i + 1];
      i += 2;
      std::uint32_t cp = 0;
      switch (e) {
        case '\n': continue;  // a backslash at the end of a line continues the string
        case 'a': out += '\a'; continue;
        case 'b': out += '\b'; continue;
        case 'f': out += '\f'; continue;
        case 'n': out += '\n'; continue;
        case 'r': out += '\r'; continue;
        case 't': out += '\t'; continue;
        case 'v': out += '\v'; continue;
        case '\\':
        case '\'':
        case '"': out += e; continue;
        case 'x':
          cp = hex_value(text, i, 2);
          i += 2;
          break;
        case 'u':
          cp = hex_value(text, i, 4);
          i += 4;
          break;
        case 'U':
          cp = hex_value(text, i, 8);
          i += 8;
          break;
        default:
          if (is_octal(e)) {  // \o, \oo, \ooo
            cp = static_cast<std::uint32_t>(e - '0');
            for (int k = 0; k < 2 && is_octal(text[i]); ++k) {
              cp = cp * 8 + static_cast<std::uint32_t>(text[i++] - '0');
            }
            break;
          }
          // Python keeps an unknown escape as it is, backslash included.
          out += '\\';
          out += e;
          continue;
      }
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return escape_at;
      }
      append_utf8(out, cp);
    }
    ++i;  // the closing quote
    raw = false;
  }
  return std::string_view::npos;
}

}  // namespace nextorm::parse::detail
