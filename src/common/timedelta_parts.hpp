// The pieces of an interval as Python normalizes a timedelta, shared by its texts.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace nextorm::detail {

inline constexpr std::int64_t micros_per_day = 86'400'000'000;

// Floored days and the microseconds of the day that remain (0 to a day): -1 microsecond is -1
// day and 86399.999999 seconds.
struct day_parts {
  std::int64_t days;
  std::int64_t rest;
};
[[nodiscard]] constexpr day_parts split_days(std::int64_t micros) noexcept {
  day_parts p{micros / micros_per_day, micros % micros_per_day};
  if (p.rest < 0) {
    p.rest += micros_per_day;
    --p.days;
  }
  return p;
}

// PonyORM's SQLite storage of a timedelta: days as a double, computed as PonyORM computes it
// (days + (seconds + microseconds / 1e6) / 86400), so that equal intervals are equal doubles.
[[nodiscard]] inline double days_of(std::int64_t micros) noexcept {
  const auto [days, rest] = split_days(micros);
  return static_cast<double>(days) +
         (static_cast<double>(rest / 1'000'000) + static_cast<double>(rest % 1'000'000) / 1e6) /
             86400.0;
}

// The microseconds of `days` (PonyORM's stored double), to the nearest one (exact for ±285
// years, where a double still tells microseconds apart); nothing for a NaN or an infinity or
// beyond the range of a 64-bit count (±106751991 days).
[[nodiscard]] inline std::optional<std::int64_t> micros_of_days(double days) noexcept {
  if (!(days > -106'751'990.0 && days < 106'751'990.0)) return std::nullopt;  // NaN too
  const double whole = std::floor(days);
  return static_cast<std::int64_t>(whole) * micros_per_day +
         static_cast<std::int64_t>(std::nearbyint((days - whole) * 86'400'000'000.0));
}

// PostgreSQL's interval input of `micros`, Python's normalized days and clock: "-1 days
// +23:59:59.999999" (as psycopg2 sends a timedelta).
[[nodiscard]] std::string interval_input_text(std::int64_t micros);

}  // namespace nextorm::detail
