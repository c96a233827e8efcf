// The checks of assigned values, as PonyORM makes them when an attribute is set: strings lose
// their outer whitespace (autostrip) and are checked for their length and, when required, for
// being empty; numbers for their bounds; then the user's own check. The same on every provider,
// before anything reaches the database.
#include <nextorm/errors.hpp>
#include <nextorm/fields.hpp>

#include "session/value_checks.hpp"

#include <cmath>
#include <string>

namespace nextorm::detail {

namespace {

std::string attr_name(const attr_info& a) { return a.owner->name + "." + a.name; }

// The length of a UTF-8 byte after which `text` holds a whitespace character at `i` as Python's
// str.isspace() sees it, or 0 when it holds none there.
std::size_t space_at(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u;
  };
  const unsigned c = byte(i);
  if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) return 1;
  if (c == 0xc2 && (byte(i + 1) == 0x85 || byte(i + 1) == 0xa0)) return 2;  // U+0085, U+00A0
  if (c == 0xe1 && byte(i + 1) == 0x9a && byte(i + 2) == 0x80) return 3;    // U+1680
  if (c == 0xe2 && byte(i + 1) == 0x80) {
    const unsigned d = byte(i + 2);
    // U+2000..U+200A, U+2028, U+2029, U+202F
    if ((d >= 0x80 && d <= 0x8a) || d == 0xa8 || d == 0xa9 || d == 0xaf) return 3;
  }
  if (c == 0xe2 && byte(i + 1) == 0x81 && byte(i + 2) == 0x9f) return 3;  // U+205F
  if (c == 0xe3 && byte(i + 1) == 0x80 && byte(i + 2) == 0x80) return 3;  // U+3000
  return 0;
}

// The start of the whitespace that ends `text` (text.size() when none does).
std::size_t trailing_space(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0) {
    // The character that ends at `end`: step back over UTF-8 continuation bytes (at most 3).
    std::size_t start = end - 1;
    while (start > 0 && end - start < 4 &&
           (static_cast<unsigned char>(text[start]) & 0xc0) == 0x80) {
      --start;
    }
    if (space_at(text, start) != end - start) break;
    end = start;
  }
  return end;
}

// Python's str.strip(): the whitespace characters of str.isspace() at both ends.
void strip_python_space(std::string& text) {
  text.erase(trailing_space(text));
  std::size_t begin = 0;
  while (std::size_t n = space_at(text, begin)) begin += n;
  text.erase(0, begin);
}

// Characters (code points) of UTF-8 text, as Python's len() counts them.
std::size_t character_count(std::string_view text) noexcept {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return count;
}

}  // namespace

void check_text(const attr_info& attr, std::string& v) {
  if (attr.autostrip) strip_python_space(v);
  if (attr.length_limit != 0) {
    const std::size_t length = character_count(v);
    if (length > attr.length_limit) {
      throw usage_error("value.too_long",
                        attr_name(attr) + " is too long: " + std::to_string(length) +
                            " characters, at most " + std::to_string(attr.length_limit));
    }
  }
  if (v.empty() && (attr.kind == attr_kind::req || attr.kind == attr_kind::pk)) {
    throw usage_error("value.required",
                      attr_name(attr) + " is required: an empty string is no value" +
                          (attr.autostrip ? " (nor is one of whitespace only: autostrip)" : ""));
  }
}

namespace {

// -1, 0 or 1 as `a` is below, equal to or above `b` (integers, floats and decimals).
int compare_numbers(const value& a, const value& b) {
  if (a.type() == value_type::integer && b.type() == value_type::integer) {
    return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
  }
  if (a.type() == value_type::decimal || b.type() == value_type::decimal) {
    // No decimal holds an infinity (and NaN is refused before): it lies beyond every decimal.
    if (a.type() == value_type::real && std::isinf(a.as_real())) return a.as_real() > 0 ? 1 : -1;
    if (b.type() == value_type::real && std::isinf(b.as_real())) return b.as_real() > 0 ? -1 : 1;
    // Exactly, as decimals: a float bound becomes its shortest decimal text (0.1 is 0.1).
    const auto exact = [](const value& v) {
      switch (v.type()) {
        case value_type::decimal: return decimal{v.as_text()};
        case value_type::integer: return decimal{v.as_int()};
        default: return decimal::from_double(v.as_real());
      }
    };
    const auto order = exact(a) <=> exact(b);
    return order < 0 ? -1 : order > 0 ? 1 : 0;
  }
  const double x = a.as_real();
  const double y = b.as_real();
  return x < y ? -1 : x > y ? 1 : 0;
}

}  // namespace

void check_number(const attr_info& attr, const value& v) {
  const auto shown = [](const value& n) {
    return n.type() == value_type::decimal ? n.as_text() : n.repr();
  };
  if (attr.min_value && compare_numbers(v, *attr.min_value) < 0) {
    throw usage_error("value.too_small", attr_name(attr) + " cannot be " + shown(v) +
                                             ": its minimum is " + shown(*attr.min_value));
  }
  if (attr.max_value && compare_numbers(v, *attr.max_value) > 0) {
    throw usage_error("value.too_large", attr_name(attr) + " cannot be " + shown(v) +
                                             ": its maximum is " + shown(*attr.max_value));
  }
}

void check_float(const attr_info& attr, double v) {
  if (std::isnan(v)) {
    throw usage_error("value.nan", attr_name(attr) +
                                       " cannot be NaN: no provider stores it as itself "
                                       "(SQLite would store NULL, MariaDB refuses it)");
  }
  if (attr.finite_only && std::isinf(v)) {
    throw usage_error("value.infinity", attr_name(attr) + " cannot be " + (v > 0 ? "inf" : "-inf") +
                                            ": MariaDB stores no infinity");
  }
}

void throw_check_failed(const attr_info& attr, const value& v) {
  throw usage_error("value.check_failed",
                    "the check of " + attr_name(attr) + " refused " + v.repr());
}

void resolve_checks(registry& schema, std::string_view provider) {
  for (const auto& entity : schema.entities()) {
    for (attr_info& attr : entity->attrs) {
      const bool text = !attr.is_relation() && attr.type == value_type::text;
      // PonyORM's MySQL provider makes a str without max_len a VARCHAR(255), and refuses longer
      // values when they are assigned, as for any max_len (a LongStr is a LONGTEXT).
      attr.length_limit = attr.max_len
                              ? *attr.max_len
                              : (text && provider == "mariadb" && !attr.long_str ? 255u : 0u);
      const bool real = !attr.is_relation() && attr.type == value_type::real;
      attr.finite_only = real && provider == "mariadb";
      attr.validated = text || real || attr.min_value || attr.max_value || attr.check;
    }
  }
}

}  // namespace nextorm::detail
