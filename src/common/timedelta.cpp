// PonyORM's timedelta as text: Python's str(timedelta), and the forms the servers send back
// (PostgreSQL's interval output, MariaDB's TIME).
#include <nextorm/errors.hpp>
#include <nextorm/types.hpp>

#include "common/timedelta_parts.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace nextorm {

namespace {

using detail::micros_per_day;
constexpr std::int64_t micros_per_second = 1'000'000;

[[noreturn]] void bad_timedelta(std::string_view text, std::string_view why) {
  std::string shown{text.substr(0, 64)};
  throw usage_error("value.bad_timedelta",
                    "'" + shown + "' is not a timedelta: " + std::string{why});
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// `total += count * unit`, false once the total is far beyond any interval. The total is wider
// than the result (Python's form of the most negative interval has days below it and a clock
// above), and |count * unit| < 2^109: bounded so, it cannot overflow.
bool add_scaled(__int128& total, std::int64_t count, std::int64_t unit) noexcept {
  total += static_cast<__int128>(count) * unit;
  constexpr __int128 far = static_cast<__int128>(1) << 66;
  return total < far && total > -far;
}

// "[+-]H:MM:SS[.f]" at `at` (hours of any count, a fraction of 1 to 6 digits), as signed
// microseconds; nothing when the token is not a clock.
std::optional<std::int64_t> read_clock_token(std::string_view token) {
  std::size_t at = 0;
  // (A token is never empty: the caller splits the text at spaces and commas.)
  const bool negative = token.front() == '-';
  if (token.front() == '-' || token.front() == '+') ++at;
  std::int64_t parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    const std::size_t start = at;
    while (at < token.size() && is_digit(token[at])) ++at;
    const std::size_t digits = at - start;
    // (9 hour digits: 999999999 hours of microseconds stay below 2^63.)
    if (digits == 0 || (i > 0 && digits != 2) || digits > 9) return std::nullopt;
    std::from_chars(token.data() + start, token.data() + at, parts[i]);
    if (i < 2 && (at >= token.size() || token[at++] != ':')) return std::nullopt;
  }
  if (parts[1] > 59 || parts[2] > 59) return std::nullopt;
  std::int64_t fraction = 0;
  if (at < token.size()) {
    if (token[at++] != '.') return std::nullopt;
    const std::size_t digits = token.size() - at;
    if (digits == 0 || digits > 6) return std::nullopt;
    for (; at < token.size(); ++at) {
      if (!is_digit(token[at])) return std::nullopt;
      fraction = fraction * 10 + (token[at] - '0');
    }
    for (std::size_t i = digits; i < 6; ++i) fraction *= 10;
  }
  const std::int64_t micros =
      ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * micros_per_second + fraction;
  return negative ? -micros : micros;
}

// The microseconds of a unit word ("day", "days", "mons", ...), 0 for no unit.
std::int64_t unit_micros(std::string_view word) noexcept {
  if (word == "day" || word == "days") return micros_per_day;
  if (word == "mon" || word == "mons") return 30 * micros_per_day;  // as psycopg2 counts them
  if (word == "year" || word == "years") return 365 * micros_per_day;
  return 0;
}

}  // namespace

std::string timedelta_text(std::chrono::microseconds d) {
  // Python's: days are floored, the clock is what remains, 0 to 24 hours.
  const auto [days, rest] = detail::split_days(d.count());
  std::string out;
  if (days != 0) out = std::to_string(days) + (days == 1 || days == -1 ? " day, " : " days, ");
  const std::int64_t seconds = rest / micros_per_second;
  const std::int64_t fraction = rest % micros_per_second;
  char clock[32];
  int n = std::snprintf(
      clock, sizeof clock, "%lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
      static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  if (fraction != 0) {
    n += std::snprintf(clock + n, sizeof clock - static_cast<std::size_t>(n), ".%06lld",
                       static_cast<long long>(fraction));
  }
  return out + std::string{clock, static_cast<std::size_t>(n)};
}

std::chrono::microseconds timedelta_from_text(std::string_view text) {
  __int128 total = 0;
  bool any = false;
  std::optional<std::int64_t> count;  // a number waiting for its unit
  std::size_t at = 0;
  while (at < text.size()) {
    if (text[at] == ' ' || text[at] == ',') {
      ++at;
      continue;
    }
    std::size_t end = at;
    while (end < text.size() && text[end] != ' ' && text[end] != ',') ++end;
    const std::string_view token = text.substr(at, end - at);
    at = end;
    if (count) {
      const std::int64_t unit = unit_micros(token);
      if (unit == 0) bad_timedelta(text, "a number without a unit (day, days)");
      if (!add_scaled(total, *count, unit))
        bad_timedelta(text, "beyond the ±292,000 years it can be");
      count.reset();
      any = true;
      continue;
    }
    if (token.find(':') != std::string_view::npos) {
      const auto clock = read_clock_token(token);
      if (!clock) bad_timedelta(text, "a clock is [-]H:MM:SS[.ffffff]");
      if (!add_scaled(total, *clock, 1)) bad_timedelta(text, "beyond the ±292,000 years it can be");
      any = true;
      continue;
    }
    std::int64_t n = 0;
    const auto [ptr, ec] = std::from_chars(token.data() + (token.front() == '+' ? 1 : 0),
                                           token.data() + token.size(), n);
    if (ec != std::errc{} || ptr != token.data() + token.size()) {
      bad_timedelta(text, "expected days and a clock, as \"1 day, 2:03:04.5\"");
    }
    count = n;
  }
  if (count) bad_timedelta(text, "a number without a unit (day, days)");
  if (!any) bad_timedelta(text, "expected days and a clock, as \"1 day, 2:03:04.5\"");
  if (total > INT64_MAX || total < INT64_MIN)
    bad_timedelta(text, "beyond the ±292,000 years it can be");
  return std::chrono::microseconds{static_cast<std::int64_t>(total)};
}

}  // namespace nextorm

namespace nextorm::detail {

std::string interval_input_text(std::int64_t micros) {
  const auto [days, rest] = split_days(micros);
  char text[64];
  const int n = std::snprintf(
      text, sizeof text, "%lld days +%02lld:%02lld:%02lld.%06lld", static_cast<long long>(days),
      static_cast<long long>(rest / 3'600'000'000), static_cast<long long>(rest / 60'000'000 % 60),
      static_cast<long long>(rest / 1'000'000 % 60), static_cast<long long>(rest % 1'000'000));
  return {text, static_cast<std::size_t>(n)};
}

void throw_bad_duration(std::int64_t micros, std::int64_t unit_micros) {
  if (unit_micros < 0) {
    throw usage_error("value.bad_timedelta",
                      "a duration of " + std::to_string(micros) + " units of " +
                          std::to_string(-unit_micros) +
                          " microseconds is beyond the ±292,000 years a timedelta holds");
  }
  throw usage_error("value.bad_timedelta",
                    "the timedelta " + timedelta_text(std::chrono::microseconds{micros}) +
                        " does not fit the field's std::chrono duration (a whole number of " +
                        std::to_string(unit_micros) +
                        " microseconds each): use std::chrono::microseconds");
}

}  // namespace nextorm::detail
