#include <nextorm/types.hpp>

#include <cstdio>
#include <cstdlib>

namespace nextorm {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `count` digits at `at`; false when they are not there.
bool read_number(std::string_view text, std::size_t& at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[at + i];
    if (!is_digit(c)) return false;
    out = out * 10 + (c - '0');
  }
  at += count;
  return true;
}

bool expect(std::string_view text, std::size_t& at, char c) {
  if (at >= text.size() || text[at] != c) return false;
  ++at;
  return true;
}

// "HH:MM:SS[.f{1,6}]" with 2 or more hour digits, from `at` to the end; microseconds.
bool read_clock(std::string_view text, std::size_t at, std::int64_t& micros) {
  std::size_t hour_digits = 0;
  while (at + hour_digits < text.size() && is_digit(text[at + hour_digits])) ++hour_digits;
  int hours = 0;
  int minutes = 0;
  int seconds = 0;
  if (hour_digits < 2 || hour_digits > 3 || !read_number(text, at, hour_digits, hours) ||
      !expect(text, at, ':') || !read_number(text, at, 2, minutes) || !expect(text, at, ':') ||
      !read_number(text, at, 2, seconds) || minutes > 59 || seconds > 59) {
    return false;
  }
  std::int64_t fraction = 0;
  if (at < text.size()) {
    if (!expect(text, at, '.')) return false;
    const std::size_t digits = text.size() - at;
    if (digits == 0 || digits > 6) return false;
    int part = 0;
    if (!read_number(text, at, digits, part)) return false;
    fraction = part;
    for (std::size_t i = digits; i < 6; ++i) fraction *= 10;
  }
  micros = ((std::int64_t{hours} * 60 + minutes) * 60 + seconds) * 1'000'000 + fraction;
  return true;
}

bool read_date(std::string_view text, std::size_t& at, date& out) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (!read_number(text, at, 4, year) || !expect(text, at, '-') ||
      !read_number(text, at, 2, month) || !expect(text, at, '-') ||
      !read_number(text, at, 2, day)) {
    return false;
  }
  out = date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
             std::chrono::day{static_cast<unsigned>(day)}};
  return out.ok();
}

std::string two(std::int64_t n) {
  return std::string{static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)};
}

// ".123456" without trailing zeros, or nothing for a whole second.
std::string fraction_text(std::int64_t micros) {
  if (micros == 0) return {};
  std::string out = std::to_string(1'000'000 + micros).substr(1);
  while (out.back() == '0') out.pop_back();
  return "." + out;
}

[[noreturn]] void bad(const char* id, const char* what, std::string_view text) {
  throw usage_error(id, "'" + std::string{text} + "' is not " + what);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

decimal::decimal(std::string_view text) {
  std::size_t at = 0;
  std::string sign;
  if (at < text.size() && (text[at] == '-' || text[at] == '+')) {
    if (text[at] == '-') sign = "-";
    ++at;
  }
  std::string digits;  // integer and fraction digits together
  std::size_t point = std::string::npos;
  for (; at < text.size(); ++at) {
    if (is_digit(text[at])) {
      digits += text[at];
    } else if (text[at] == '.' && point == std::string::npos) {
      point = digits.size();
    } else {
      break;
    }
  }
  if (digits.empty()) bad("decimal.invalid", "a decimal number", text);
  if (point == std::string::npos) point = digits.size();
  if (at < text.size()) {
    // An exponent, as SQLite prints large and small REALs: move the point.
    if (text[at] != 'e' && text[at] != 'E') bad("decimal.invalid", "a decimal number", text);
    int exponent = 0;
    const char* begin = text.data() + at + 1;
    if (begin < text.data() + text.size() && *begin == '+') ++begin;
    const auto [end, error] = std::from_chars(begin, text.data() + text.size(), exponent);
    if (error != std::errc{} || end != text.data() + text.size() || exponent > 1000 ||
        exponent < -1000) {
      bad("decimal.invalid", "a decimal number", text);
    }
    const auto shifted = static_cast<std::ptrdiff_t>(point) + exponent;
    if (shifted < 0) {
      digits.insert(0, static_cast<std::size_t>(-shifted), '0');
      point = 0;
    } else {
      if (static_cast<std::size_t>(shifted) > digits.size())
        digits.resize(static_cast<std::size_t>(shifted), '0');
      point = static_cast<std::size_t>(shifted);
    }
  }
  // One string built by appends: `sign + integer + ("." + fraction)`, or assigning "0" to an
  // empty integer part, makes g++ 12 at -O3 report a false -Wrestrict inside std::string (GCC
  // bug 105329).
  std::string out = sign;
  out.append(point == 0 ? std::string_view{"0"} : std::string_view{digits}.substr(0, point));
  if (point < digits.size()) out.append(1, '.').append(digits, point);
  m_text = std::move(out);
}

double decimal::to_double() const { return std::strtod(m_text.c_str(), nullptr); }

std::string decimal::normalized() const {
  const bool negative = m_text.front() == '-';
  std::string digits = negative ? m_text.substr(1) : m_text;
  const std::size_t point = digits.find('.');
  std::string integer = digits.substr(0, point);
  std::string fraction = point == std::string::npos ? "" : digits.substr(point + 1);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  const std::size_t first = integer.find_first_not_of('0');
  integer = first == std::string::npos ? "0" : integer.substr(first);
  if (integer == "0" && fraction.empty()) return "0";
  return (negative ? "-" : "") + integer + (fraction.empty() ? "" : "." + fraction);
}

uuid::uuid(std::string_view text) {
  const bool dashed = text.size() == 36;
  if (!dashed && text.size() != 32) bad("uuid.invalid", "a UUID", text);
  std::size_t at = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (dashed && (at == 8 || at == 13 || at == 18 || at == 23)) {
      if (text[at] != '-') bad("uuid.invalid", "a UUID", text);
      ++at;
    }
    const int high = hex_digit(text[at]);
    const int low = hex_digit(text[at + 1]);
    if (high < 0 || low < 0) bad("uuid.invalid", "a UUID", text);
    m_octets[i] = static_cast<std::uint8_t>(high * 16 + low);
    at += 2;
  }
}

std::string uuid::text() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += digits[m_octets[i] >> 4];
    out += digits[m_octets[i] & 0xf];
  }
  return out;
}

std::string to_text(const date& d) {
  std::array<char, 16> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buffer.data();
}

std::string to_text(const datetime& t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::int64_t micros = (t - day).count();
  const std::int64_t seconds = micros / 1'000'000;
  return to_text(date{day}) + " " + two(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" +
         two(seconds % 60) + fraction_text(micros % 1'000'000);
}

std::string to_text(const time_of_day& t) {
  const std::int64_t micros = t.count() < 0 ? -t.count() : t.count();
  const std::int64_t seconds = micros / 1'000'000;
  const std::int64_t hours = seconds / 3600;
  return std::string{t.count() < 0 ? "-" : ""} +
         (hours < 100 ? two(hours) : std::to_string(hours)) + ":" + two(seconds / 60 % 60) + ":" +
         two(seconds % 60) + fraction_text(micros % 1'000'000);
}

date date_from_text(std::string_view text) {
  std::size_t at = 0;
  date out;
  if (!read_date(text, at, out) || at != text.size()) bad("value.bad_date", "a date", text);
  return out;
}

datetime datetime_from_text(std::string_view text) {
  std::size_t at = 0;
  date day;
  std::int64_t micros = 0;
  if (!read_date(text, at, day) || at >= text.size() || (text[at] != ' ' && text[at] != 'T') ||
      !read_clock(text, at + 1, micros) || micros >= std::int64_t{86'400'000'000}) {
    bad("value.bad_datetime", "a datetime", text);
  }
  return datetime{std::chrono::sys_days{day}} + std::chrono::microseconds{micros};
}

time_of_day time_from_text(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  std::int64_t micros = 0;
  if (!read_clock(text, negative ? 1 : 0, micros)) bad("value.bad_time", "a time", text);
  return time_of_day{negative ? -micros : micros};
}

}  // namespace nextorm
