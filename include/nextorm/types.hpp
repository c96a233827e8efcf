// C++ types for the columns that are not numbers, booleans or strings: exact decimals, dates,
// datetimes with microseconds, times, bytes and UUIDs (JSON: <nextorm/json.hpp>). Each converts
// to and from the canonical text NextORM's values carry (value.hpp), which every provider reads
// and writes.
#pragma once

#include <nextorm/errors.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm {

// A calendar date: DATE.
using date = std::chrono::year_month_day;
// A point in time with microseconds, without a time zone: TIMESTAMP / DATETIME(6).
using datetime = std::chrono::sys_time<std::chrono::microseconds>;
// A time of day (or MariaDB's signed TIME of up to 838 hours), as the time since midnight:
// the standard library has no regular time-of-day type (hh_mm_ss cannot be compared).
using time_of_day = std::chrono::microseconds;
// Binary data: BLOB / BYTEA / LONGBLOB.
using bytes = std::vector<std::byte>;

// An exact decimal number as digits, the way the database prints it: "12.50", "-0.001". The
// column's precision and scale come from the field's `decimal_digits{p, s}` (PonyORM's 12, 2
// by default). Equality compares numbers, so "12.5" == "12.50": SQLite stores decimals as
// numbers and drops trailing zeros (and keeps 15 significant digits at most).
class decimal {
 public:
  decimal() = default;  // 0
  // Digits with an optional sign, fraction and exponent ("1.5e3" becomes "1500"); anything else
  // throws usage_error("decimal.invalid").
  explicit decimal(std::string_view text);
  // The digits as given or as read: a sign, digits, and a fraction when there is one.
  [[nodiscard]] const std::string& text() const noexcept { return m_text; }
  [[nodiscard]] double to_double() const;
  // The shortest text of the same number: no leading or trailing zeros, no "-0".
  [[nodiscard]] std::string normalized() const;
  friend bool operator==(const decimal& a, const decimal& b) {
    return a.normalized() == b.normalized();
  }

 private:
  std::string m_text{"0"};
};

// A UUID, written in its canonical lower-case form a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11.
class uuid {
 public:
  uuid() = default;  // the nil UUID
  // 32 hex digits, in the 8-4-4-4-12 form or without dashes, either case; anything else throws
  // usage_error("uuid.invalid").
  explicit uuid(std::string_view text);
  [[nodiscard]] std::string text() const;
  [[nodiscard]] const std::array<std::uint8_t, 16>& octets() const noexcept { return m_octets; }
  friend bool operator==(const uuid&, const uuid&) = default;

 private:
  std::array<std::uint8_t, 16> m_octets{};
};

// The canonical texts of the chrono types, and back. A text that is not one throws
// usage_error("value.bad_date" / "value.bad_datetime" / "value.bad_time").
[[nodiscard]] std::string to_text(const date& d);
[[nodiscard]] std::string to_text(const datetime& t);     // "2020-01-31 10:00:00[.123456]"
[[nodiscard]] std::string to_text(const time_of_day& t);  // "10:00:00[.5]", "-838:59:59"
[[nodiscard]] date date_from_text(std::string_view text);
// Accepts a 'T' between date and time, and a fraction of 1 to 6 digits.
[[nodiscard]] datetime datetime_from_text(std::string_view text);
[[nodiscard]] time_of_day time_from_text(std::string_view text);

}  // namespace nextorm
