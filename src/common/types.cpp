#include <nextorm/types.hpp>

#include "common/unreachable.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ostream>

// Decimal arithmetic works on digit strings rather than on a 128-bit scaled integer: a decimal
// holds any number of digits already (SQLite hands back REALs as "1e+300", PostgreSQL's NUMERIC
// has up to 131072 digits before the point), so a fixed width would need an overflow error that
// the databases themselves do not raise. Sums and differences are linear in the digits; products
// multiply base-10^9 limbs.

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

// "HH:MM:SS[.f{1,6}]" with 2 or 3 hour digits, from `at` to the end; microseconds.
bool read_clock(std::string_view text, std::size_t at, std::int64_t& micros) {
  std::size_t hour_digits = 0;
  while (at + hour_digits < text.size() && is_digit(text[at + hour_digits])) ++hour_digits;
  int hours = 0;
  int minutes = 0;
  int seconds = 0;
  if (hour_digits < 2 || hour_digits > 3) return false;
  (void)read_number(text, at, hour_digits, hours);  // they are digits: counted above
  if (!expect(text, at, ':') || !read_number(text, at, 2, minutes) || !expect(text, at, ':') ||
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

bool valid_date(const std::chrono::year_month_day& d) {
  return d.ok() && static_cast<int>(d.year()) >= 0 && static_cast<int>(d.year()) <= 9999;
}

bool read_date(std::string_view text, std::size_t& at, std::chrono::year_month_day& out) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (!read_number(text, at, 4, year) || !expect(text, at, '-') ||
      !read_number(text, at, 2, month) || !expect(text, at, '-') ||
      !read_number(text, at, 2, day)) {
    return false;
  }
  out = std::chrono::year_month_day{std::chrono::year{year},
                                    std::chrono::month{static_cast<unsigned>(month)},
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

// "-1:02:03.5": hours of any size, as a time value prints.
std::string clock_text(std::int64_t micros) {
  const bool negative = micros < 0;
  if (negative) micros = -micros;
  const std::int64_t seconds = micros / 1'000'000;
  const std::int64_t hours = seconds / 3600;
  return std::string{negative ? "-" : ""} + (hours < 100 ? two(hours) : std::to_string(hours)) +
         ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60) + fraction_text(micros % 1'000'000);
}

// A text for messages: printable ASCII as it is, other bytes as \xNN (a NUL would cut it).
std::string shown(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0xf];
    }
  }
  return out;
}

[[noreturn]] void bad(const char* id, const char* what, std::string_view text) {
  throw usage_error(id, "'" + shown(text) + "' is not " + what);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// --- Decimal digits: a magnitude is a string of digits without leading zeros ("0" for zero).

void strip_leading_zeros(std::string& digits) {
  const std::size_t first = digits.find_first_not_of('0');
  digits.erase(0, first == std::string::npos ? digits.size() - 1 : first);
}

// A decimal's number: its sign, its digits without the point and the count after the point.
struct number {
  bool negative = false;
  std::string digits;
  std::size_t scale = 0;
};

number split(const std::string& text) {
  number n;
  std::string_view t = text;
  if (t.front() == '-') {
    n.negative = true;
    t.remove_prefix(1);
  }
  const std::size_t point = t.find('.');
  if (point == std::string_view::npos) {
    n.digits = t;
  } else {
    n.digits.reserve(t.size() - 1);
    n.digits.append(t.substr(0, point)).append(t.substr(point + 1));
    n.scale = t.size() - point - 1;
  }
  strip_leading_zeros(n.digits);
  return n;
}

// The canonical text of a sign, a magnitude and a scale; zero has no sign.
std::string join(bool negative, std::string digits, std::size_t scale) {
  strip_leading_zeros(digits);
  const bool zero = digits == "0";
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  std::string out;
  out.reserve(digits.size() + 2);
  if (negative && !zero) out += '-';
  out.append(digits, 0, digits.size() - scale);
  if (scale > 0) {
    out += '.';
    out.append(digits, digits.size() - scale, scale);
  }
  return out;
}

// Gives both numbers the larger scale.
void align(number& a, number& b) {
  if (a.scale < b.scale) a.digits.append(b.scale - a.scale, '0');
  if (b.scale < a.scale) b.digits.append(a.scale - b.scale, '0');
  a.scale = b.scale = a.scale > b.scale ? a.scale : b.scale;
  strip_leading_zeros(a.digits);
  strip_leading_zeros(b.digits);
}

int compare_magnitude(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

std::string add_magnitude(const std::string& a, const std::string& b) {
  std::string out(std::max(a.size(), b.size()) + 1, '0');
  int carry = 0;
  for (std::size_t i = 0; i + 1 < out.size() || carry != 0; ++i) {
    int sum = carry;
    if (i < a.size()) sum += a[a.size() - 1 - i] - '0';
    if (i < b.size()) sum += b[b.size() - 1 - i] - '0';
    out[out.size() - 1 - i] = static_cast<char>('0' + sum % 10);
    carry = sum / 10;
  }
  strip_leading_zeros(out);
  return out;
}

// a - b for a >= b.
std::string subtract_magnitude(const std::string& a, const std::string& b) {
  std::string out = a;
  int borrow = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    int d = a[a.size() - 1 - i] - '0' - borrow;
    if (i < b.size()) d -= b[b.size() - 1 - i] - '0';
    borrow = d < 0 ? 1 : 0;
    out[a.size() - 1 - i] = static_cast<char>('0' + d + 10 * borrow);
  }
  strip_leading_zeros(out);
  return out;
}

constexpr std::uint64_t limb_base = 1'000'000'000;

// Digits as base-10^9 limbs, least significant first.
std::vector<std::uint64_t> to_limbs(const std::string& digits) {
  std::vector<std::uint64_t> out;
  out.reserve(digits.size() / 9 + 1);
  for (std::size_t end = digits.size(); end > 0; end -= end >= 9 ? 9 : end) {
    const std::size_t begin = end >= 9 ? end - 9 : 0;
    std::uint64_t limb = 0;
    for (std::size_t i = begin; i < end; ++i)
      limb = limb * 10 + static_cast<unsigned>(digits[i] - '0');
    out.push_back(limb);
  }
  return out;
}

std::string multiply_magnitude(const std::string& a, const std::string& b) {
  const std::vector<std::uint64_t> x = to_limbs(a);
  const std::vector<std::uint64_t> y = to_limbs(b);
  std::vector<std::uint64_t> product(x.size() + y.size(), 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::uint64_t carry = 0;
    for (std::size_t j = 0; j < y.size(); ++j) {
      // < 10^9 + 10^18 + 10^9: fits in 64 bits.
      const std::uint64_t cur = product[i + j] + x[i] * y[j] + carry;
      product[i + j] = cur % limb_base;
      carry = cur / limb_base;
    }
    product[i + y.size()] += carry;
  }
  std::string out;
  out.reserve(product.size() * 9);
  for (std::size_t i = product.size(); i-- > 0;) {
    const std::string limb = std::to_string(product[i]);
    out.append(9 - limb.size(), '0').append(limb);
  }
  strip_leading_zeros(out);
  return out;
}

// Whether dropping a nonzero remainder moves the magnitude up by one; `half` compares twice the
// remainder with the divisor (-1 below half, 0 a tie, 1 above).
bool rounds_up(rounding mode, bool negative, int half, bool odd) {
  switch (mode) {
    case rounding::half_even: return half > 0 || (half == 0 && odd);
    case rounding::half_up: return half >= 0;
    case rounding::half_down: return half > 0;
    case rounding::down: return false;
    case rounding::up: return true;
    case rounding::floor: return negative;
    case rounding::ceiling: return !negative;
  }
  detail::unreachable("rounds_up");
}

}  // namespace

// --- decimal

decimal::decimal(std::string_view text) {
  std::size_t at = 0;
  bool negative = false;
  if (at < text.size() && (text[at] == '-' || text[at] == '+')) {
    negative = text[at] == '-';
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
  const std::size_t scale = digits.size() - point;
  m_text = join(negative, std::move(digits), scale);
}

decimal decimal::from_double(double v) {
  if (!std::isfinite(v)) bad("decimal.invalid", "a decimal number", v != v ? "nan" : "inf");
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
  return decimal{std::string_view{buffer.data(), result.ptr}};
}

double decimal::to_double() const { return std::strtod(m_text.c_str(), nullptr); }

std::string decimal::normalized() const {
  number n = split(m_text);
  std::size_t zeros = 0;
  // split() leaves at least one digit, and at most all of them are zeros ("0.000").
  while (zeros < n.scale && zeros < n.digits.size() && n.digits[n.digits.size() - 1 - zeros] == '0')
    ++zeros;
  if (zeros == n.digits.size()) return "0";
  n.digits.resize(n.digits.size() - zeros);
  return join(n.negative, std::move(n.digits), n.scale - zeros);
}

std::size_t decimal::scale() const noexcept {
  const std::size_t point = m_text.find('.');
  return point == std::string::npos ? 0 : m_text.size() - point - 1;
}

bool decimal::is_zero() const noexcept {
  return m_text.find_first_not_of("0.") == std::string::npos;
}

decimal operator+(const decimal& a, const decimal& b) {
  number x = split(a.m_text);
  number y = split(b.m_text);
  align(x, y);
  decimal out;
  if (x.negative == y.negative) {
    out.m_text = join(x.negative, add_magnitude(x.digits, y.digits), x.scale);
  } else if (compare_magnitude(x.digits, y.digits) >= 0) {
    out.m_text = join(x.negative, subtract_magnitude(x.digits, y.digits), x.scale);
  } else {
    out.m_text = join(y.negative, subtract_magnitude(y.digits, x.digits), x.scale);
  }
  return out;
}

decimal operator-(const decimal& a) {
  decimal out;
  if (a.is_zero()) {
    out.m_text = a.m_text;
  } else {
    out.m_text = a.is_negative() ? a.m_text.substr(1) : "-" + a.m_text;
  }
  return out;
}

decimal operator-(const decimal& a, const decimal& b) { return a + -b; }

decimal operator*(const decimal& a, const decimal& b) {
  const number x = split(a.m_text);
  const number y = split(b.m_text);
  decimal out;
  out.m_text =
      join(x.negative != y.negative, multiply_magnitude(x.digits, y.digits), x.scale + y.scale);
  return out;
}

std::weak_ordering operator<=>(const decimal& a, const decimal& b) {
  const int sign_a = a.is_zero() ? 0 : a.is_negative() ? -1 : 1;
  const int sign_b = b.is_zero() ? 0 : b.is_negative() ? -1 : 1;
  if (sign_a != sign_b || sign_a == 0) return sign_a <=> sign_b;
  number x = split(a.m_text);
  number y = split(b.m_text);
  align(x, y);
  const int c = compare_magnitude(x.digits, y.digits);
  return sign_a > 0 ? c <=> 0 : 0 <=> c;
}

decimal decimal::divide(const decimal& by, int scale, rounding mode) const {
  if (scale < 0) {
    throw usage_error("decimal.bad_scale",
                      "a decimal's scale cannot be negative, got " + std::to_string(scale));
  }
  if (by.is_zero()) {
    throw usage_error("decimal.division_by_zero", "cannot divide " + m_text + " by zero");
  }
  number x = split(m_text);
  number y = split(by.m_text);
  // The quotient's digits are x * 10^(scale + y.scale - x.scale) / y.
  const auto shift = static_cast<std::ptrdiff_t>(scale) + static_cast<std::ptrdiff_t>(y.scale) -
                     static_cast<std::ptrdiff_t>(x.scale);
  if (shift >= 0) {
    if (x.digits != "0") x.digits.append(static_cast<std::size_t>(shift), '0');
  } else {
    y.digits.append(static_cast<std::size_t>(-shift), '0');
  }
  // Long division, one decimal digit at a time.
  std::string quotient;
  quotient.reserve(x.digits.size());
  std::string remainder = "0";
  for (char digit : x.digits) {
    if (remainder == "0") {
      remainder.assign(1, digit);
    } else {
      remainder += digit;
    }
    char count = '0';
    while (compare_magnitude(remainder, y.digits) >= 0) {
      remainder = subtract_magnitude(remainder, y.digits);
      ++count;
    }
    quotient += count;
  }
  strip_leading_zeros(quotient);
  const bool negative = x.negative != y.negative;
  if (remainder != "0") {
    const int half = compare_magnitude(add_magnitude(remainder, remainder), y.digits);
    const bool odd = (quotient.back() - '0') % 2 == 1;
    if (rounds_up(mode, negative, half, odd)) quotient = add_magnitude(quotient, "1");
  }
  decimal out;
  out.m_text = join(negative, std::move(quotient), static_cast<std::size_t>(scale));
  return out;
}

decimal decimal::round(int scale, rounding mode) const { return divide(decimal{1}, scale, mode); }

// --- date, time_of_day, datetime

date::date(int year, unsigned month, unsigned day) {
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                                        std::chrono::day{day}};
  if (!valid_date(ymd)) {
    std::array<char, 48> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02u-%02u", year, month, day);
    bad("value.bad_date", "a date", text.data());
  }
  *this = date{std::chrono::sys_days{ymd}};
}

date::date(const std::chrono::year_month_day& ymd)
    : date{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
           static_cast<unsigned>(ymd.day())} {}

date::date(std::string_view text) {
  std::size_t at = 0;
  std::chrono::year_month_day ymd;
  if (!read_date(text, at, ymd) || at != text.size()) bad("value.bad_date", "a date", text);
  *this = date{std::chrono::sys_days{ymd}};
}

int date::year() const noexcept { return static_cast<int>(ymd().year()); }
unsigned date::month() const noexcept { return static_cast<unsigned>(ymd().month()); }
unsigned date::day() const noexcept { return static_cast<unsigned>(ymd().day()); }

time_of_day::time_of_day(int hours, int minutes, int seconds, int microseconds) {
  if (hours < 0 || hours > 838 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59 ||
      microseconds < 0 || microseconds > 999'999) {
    bad("value.bad_time", "a time",
        std::to_string(hours) + ":" + std::to_string(minutes) + ":" + std::to_string(seconds) +
            (microseconds == 0 ? "" : "." + std::to_string(microseconds)));
  }
  m_since_midnight = std::chrono::hours{hours} + std::chrono::minutes{minutes} +
                     std::chrono::seconds{seconds} + std::chrono::microseconds{microseconds};
}

time_of_day::time_of_day(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  std::int64_t micros = 0;
  if (!read_clock(text, negative ? 1 : 0, micros)) bad("value.bad_time", "a time", text);
  m_since_midnight = std::chrono::microseconds{negative ? -micros : micros};
}

datetime::datetime(const date& d, const time_of_day& t) {
  const std::chrono::microseconds since = t.since_midnight();
  if (since < std::chrono::microseconds{0} || since >= std::chrono::hours{24}) {
    bad("value.bad_datetime", "a datetime", to_string(d) + " " + to_string(t));
  }
  m_time = d.sys_days() + since;
}

datetime::datetime(std::string_view text) {
  std::size_t at = 0;
  std::chrono::year_month_day day;
  std::int64_t micros = 0;
  if (!read_date(text, at, day) || at >= text.size() || (text[at] != ' ' && text[at] != 'T') ||
      !read_clock(text, at + 1, micros) || micros >= std::int64_t{86'400'000'000}) {
    bad("value.bad_datetime", "a datetime", text);
  }
  m_time = std::chrono::sys_days{day} + std::chrono::microseconds{micros};
}

date datetime::date_part() const noexcept {
  return date{std::chrono::floor<std::chrono::days>(m_time)};
}

time_of_day datetime::time_part() const noexcept {
  return time_of_day{m_time - std::chrono::floor<std::chrono::days>(m_time)};
}

// --- bytes, uuid

bytes::bytes(const void* data, std::size_t size) {
  const auto* begin = static_cast<const std::byte*>(data);
  m_data.assign(begin, begin + size);
}

bytes bytes::from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) bad("value.bad_bytes", "bytes in hex (\"00ff\")", hex);
  bytes out;
  out.m_data.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = hex_digit(hex[i]);
    const int low = hex_digit(hex[i + 1]);
    if (high < 0 || low < 0) bad("value.bad_bytes", "bytes in hex (\"00ff\")", hex);
    out.m_data.push_back(static_cast<std::byte>(high * 16 + low));
  }
  return out;
}

std::string bytes::hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(m_data.size() * 2);
  for (std::byte b : m_data) {
    const auto u = std::to_integer<unsigned>(b);
    out += digits[u >> 4];
    out += digits[u & 0xf];
  }
  return out;
}

bool operator==(const bytes& a, const bytes& b) noexcept { return a.m_data == b.m_data; }

std::strong_ordering operator<=>(const bytes& a, const bytes& b) noexcept {
  return a.m_data <=> b.m_data;
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

// --- texts

std::string to_string(const decimal& d) { return d.text(); }

std::string to_string(const date& d) {
  std::array<char, 48> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02u", d.year(), d.month(), d.day());
  return buffer.data();
}

std::string to_string(const datetime& t) {
  return to_string(t.date_part()) + " " + to_string(t.time_part());
}

std::string to_string(const time_of_day& t) { return clock_text(t.since_midnight().count()); }
std::string to_string(const bytes& b) { return b.hex(); }
std::string to_string(const uuid& u) { return u.text(); }

std::ostream& operator<<(std::ostream& out, const decimal& d) { return out << d.text(); }
std::ostream& operator<<(std::ostream& out, const date& d) { return out << to_string(d); }
std::ostream& operator<<(std::ostream& out, const datetime& t) { return out << to_string(t); }
std::ostream& operator<<(std::ostream& out, const time_of_day& t) { return out << to_string(t); }
std::ostream& operator<<(std::ostream& out, const bytes& b) { return out << b.hex(); }
std::ostream& operator<<(std::ostream& out, const uuid& u) { return out << u.text(); }

}  // namespace nextorm
