// C++ types for the columns that are not numbers, booleans or strings: exact decimals, dates,
// datetimes with microseconds, times, bytes and UUIDs (JSON: <nextorm/json.hpp>). Each is a small
// value type: comparisons, `<<` and `to_string`, construction from text (a text that is not one
// throws usage_error), and conversions to and from the std::chrono types. Each converts to and
// from the canonical text NextORM's values carry (value.hpp), which every provider reads and
// writes, and each can be passed as a query parameter (params.hpp).
#pragma once

#include <nextorm/errors.hpp>

#include <array>
#include <chrono>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm {

// How decimal::divide and decimal::round drop digits (the names of Python's decimal module).
enum class rounding : std::uint8_t {
  half_even,  // to the nearest, a tie to the even digit (banker's rounding; Python's default)
  half_up,    // to the nearest, a tie away from zero (what people learn at school)
  half_down,  // to the nearest, a tie toward zero
  down,       // toward zero (truncation)
  up,         // away from zero
  floor,      // toward negative infinity
  ceiling,    // toward positive infinity
};

// An exact decimal number of any size, as digits: "12.50", "-0.001". The column's precision and
// scale come from the field's `decimal_digits{p, s}` (PonyORM's 12, 2 by default). `+ - *` are
// exact (the digits grow as needed: a sum has the larger scale, a product the sum of the
// scales); `/` needs a scale and a rounding: `a.divide(b, 2, rounding::half_even)`. Comparisons
// compare numbers, so "12.5" == "12.50" (the texts differ; SQLite stores decimals as numbers and
// drops trailing zeros).
class decimal {
 public:
  decimal() = default;  // 0
  // Digits with an optional sign, fraction and exponent ("1.5e3" becomes "1500"); anything else
  // ("", "-", "1.2.3", "nan", "inf", spaces) throws usage_error("decimal.invalid").
  explicit decimal(std::string_view text);
  // An integer is a decimal, as in Python: implicit, so that `price * 2` and `d == 0` work.
  template <std::integral I>
  requires(!std::same_as<I, bool>) decimal(I v) : m_text{std::to_string(v)} {}  // NOLINT
  // The shortest text that reads back as `v` (0.1 is "0.1", not 0.1000000000000000055...);
  // NaN and infinities throw usage_error("decimal.invalid").
  [[nodiscard]] static decimal from_double(double v);

  // The digits as given or computed: an optional '-', the integer digits without leading zeros,
  // and the fraction digits when there are any, trailing zeros kept ("12.50"). Zero has no sign.
  [[nodiscard]] const std::string& text() const noexcept { return m_text; }
  [[nodiscard]] double to_double() const;
  // The shortest text of the same number: no leading or trailing zeros ("12.5").
  [[nodiscard]] std::string normalized() const;
  // The number of digits after the point ("12.50": 2).
  [[nodiscard]] std::size_t scale() const noexcept;
  [[nodiscard]] bool is_zero() const noexcept;
  [[nodiscard]] bool is_negative() const noexcept { return m_text.front() == '-'; }

  // This number with `scale` digits after the point, rounded by `mode` (or padded with zeros).
  // A negative scale throws usage_error("decimal.bad_scale").
  [[nodiscard]] decimal round(int scale, rounding mode = rounding::half_even) const;
  // The quotient with `scale` digits after the point, rounded by `mode`. Division by zero throws
  // usage_error("decimal.division_by_zero"), a negative scale "decimal.bad_scale".
  [[nodiscard]] decimal divide(const decimal& by, int scale,
                               rounding mode = rounding::half_even) const;

  friend decimal operator+(const decimal& a, const decimal& b);
  friend decimal operator-(const decimal& a, const decimal& b);
  friend decimal operator*(const decimal& a, const decimal& b);
  friend decimal operator-(const decimal& a);
  decimal& operator+=(const decimal& b) { return *this = *this + b; }
  decimal& operator-=(const decimal& b) { return *this = *this - b; }
  decimal& operator*=(const decimal& b) { return *this = *this * b; }

  friend std::weak_ordering operator<=>(const decimal& a, const decimal& b);
  friend bool operator==(const decimal& a, const decimal& b) { return (a <=> b) == 0; }

 private:
  std::string m_text{"0"};
};

class time_of_day;

// A calendar date: DATE. Converts to and from std::chrono::year_month_day and sys_days, so
// `date d = std::chrono::year{2024} / 2 / 29;` and `std::chrono::sys_days{d} + days{1}` work.
class date {
 public:
  constexpr date() noexcept = default;  // 1970-01-01
  // A date that does not exist (2021-02-29, month 13) throws usage_error("value.bad_date").
  date(int year, unsigned month, unsigned day);
  date(std::chrono::year y, std::chrono::month m, std::chrono::day d)
      : date{static_cast<int>(y), static_cast<unsigned>(m), static_cast<unsigned>(d)} {}
  date(const std::chrono::year_month_day& ymd);        // NOLINT: the standard's date converts
  constexpr date(std::chrono::sys_days days) noexcept  // NOLINT
      : m_days{static_cast<std::int32_t>(days.time_since_epoch().count())} {}
  // "2020-01-31"; anything else throws usage_error("value.bad_date").
  explicit date(std::string_view text);

  [[nodiscard]] int year() const noexcept;
  [[nodiscard]] unsigned month() const noexcept;
  [[nodiscard]] unsigned day() const noexcept;
  [[nodiscard]] std::chrono::year_month_day ymd() const noexcept { return sys_days(); }
  [[nodiscard]] constexpr std::chrono::sys_days sys_days() const noexcept {
    return std::chrono::sys_days{std::chrono::days{m_days}};
  }
  operator std::chrono::year_month_day() const noexcept { return ymd(); }           // NOLINT
  constexpr operator std::chrono::sys_days() const noexcept { return sys_days(); }  // NOLINT

  friend constexpr date operator+(date d, std::chrono::days n) noexcept {
    return date{d.sys_days() + n};
  }
  friend constexpr date operator-(date d, std::chrono::days n) noexcept {
    return date{d.sys_days() - n};
  }
  friend constexpr std::chrono::days operator-(date a, date b) noexcept {
    return a.sys_days() - b.sys_days();
  }
  friend constexpr bool operator==(const date&, const date&) noexcept = default;
  friend constexpr auto operator<=>(const date&, const date&) noexcept = default;
  // Against the standard's type directly, which would otherwise be ambiguous.
  friend bool operator==(const date& a, const std::chrono::year_month_day& b) noexcept {
    return a.ymd() == b;
  }
  friend std::strong_ordering operator<=>(const date& a,
                                          const std::chrono::year_month_day& b) noexcept {
    return a.ymd() <=> b;
  }

 private:
  std::int32_t m_days = 0;  // since 1970-01-01
};

// A time of day (or MariaDB's signed TIME of up to 838 hours), as the time since midnight, in
// microseconds: converts from any std::chrono duration (`time_of_day{10h + 30min}`) and back
// to std::chrono::microseconds.
class time_of_day {
 public:
  constexpr time_of_day() noexcept = default;  // 00:00:00
  template <class Rep, class Period>
  requires std::convertible_to<std::chrono::duration<Rep, Period>, std::chrono::microseconds>
  constexpr time_of_day(std::chrono::duration<Rep, Period> since_midnight) noexcept  // NOLINT
      : m_since_midnight{since_midnight} {}
  // Hours 0 to 838, minutes and seconds 0 to 59, microseconds 0 to 999999; anything else throws
  // usage_error("value.bad_time").
  time_of_day(int hours, int minutes, int seconds = 0, int microseconds = 0);
  // "10:00:00", "10:00:00.5", "-838:59:59"; anything else throws usage_error("value.bad_time").
  explicit time_of_day(std::string_view text);

  [[nodiscard]] constexpr std::chrono::microseconds since_midnight() const noexcept {
    return m_since_midnight;
  }
  constexpr operator std::chrono::microseconds() const noexcept {  // NOLINT
    return m_since_midnight;
  }
  friend constexpr bool operator==(const time_of_day&, const time_of_day&) noexcept = default;
  friend constexpr auto operator<=>(const time_of_day&, const time_of_day&) noexcept = default;

 private:
  std::chrono::microseconds m_since_midnight{0};
};

// A point in time with microseconds, without a time zone: TIMESTAMP / DATETIME(6). Converts
// from any std::chrono::sys_time as fine as microseconds (`sys_days{d} + 10h`) and back to
// sys_time<microseconds>; `+`/`-` a duration moves it.
class datetime {
 public:
  using time_point = std::chrono::sys_time<std::chrono::microseconds>;
  constexpr datetime() noexcept = default;  // 1970-01-01 00:00:00
  template <class Duration>
  requires std::convertible_to<Duration, std::chrono::microseconds>
  constexpr datetime(std::chrono::sys_time<Duration> t) noexcept : m_time{t} {}  // NOLINT
  // A time outside [00:00, 24:00) throws usage_error("value.bad_datetime").
  explicit datetime(const date& d, const time_of_day& t = {});
  // "2020-01-31 10:00:00[.123456]", with ' ' or 'T' between the date and the time and a
  // fraction of 1 to 6 digits; anything else throws usage_error("value.bad_datetime").
  explicit datetime(std::string_view text);

  [[nodiscard]] constexpr time_point sys_time() const noexcept { return m_time; }
  constexpr operator time_point() const noexcept { return m_time; }  // NOLINT
  [[nodiscard]] date date_part() const noexcept;
  [[nodiscard]] time_of_day time_part() const noexcept;

  friend constexpr datetime operator+(const datetime& t, std::chrono::microseconds d) noexcept {
    return datetime{t.m_time + d};
  }
  friend constexpr datetime operator-(const datetime& t, std::chrono::microseconds d) noexcept {
    return datetime{t.m_time - d};
  }
  friend constexpr std::chrono::microseconds operator-(const datetime& a,
                                                       const datetime& b) noexcept {
    return a.m_time - b.m_time;
  }
  friend constexpr bool operator==(const datetime&, const datetime&) noexcept = default;
  friend constexpr auto operator<=>(const datetime&, const datetime&) noexcept = default;

 private:
  time_point m_time{};
};

// PonyORM's timedelta is std::chrono::microseconds: a field `Req<std::chrono::microseconds>` (or
// of any std::chrono duration with a signed integer count, such as seconds or minutes), a parameter
// of any such duration. Stored as PonyORM stores it: days as a REAL in SQLite's INTERVAL column,
// PostgreSQL's INTERVAL DAY TO SECOND, MariaDB's TIME(6) (which holds ±838:59:59.999999 only).
//
// Python's str(timedelta): "0:00:00", "1 day, 2:03:04.000005", "-1 day, 23:59:59".
[[nodiscard]] std::string timedelta_text(std::chrono::microseconds d);
// Python's str(timedelta) form back, and the forms of the servers: PostgreSQL's interval output
// ("1 day 02:03:04", "-1 days +23:00:00", "1 year 2 mons": a year is 365 days and a month 30, as
// psycopg2 counts them) and MariaDB's TIME ("-838:59:59.5"). Anything else, or an interval
// beyond the ±292,000 years a 64-bit count of microseconds holds, throws
// usage_error("value.bad_timedelta").
[[nodiscard]] std::chrono::microseconds timedelta_from_text(std::string_view text);

// Binary data: BLOB / BYTEA / LONGBLOB. Any byte, zero included; printed as lower-case hex.
class bytes {
 public:
  bytes() = default;
  bytes(std::vector<std::byte> data) noexcept : m_data{std::move(data)} {}  // NOLINT
  bytes(const void* data, std::size_t size);
  // Hex digits of either case, two per byte ("00ff"); anything else throws
  // usage_error("value.bad_bytes").
  [[nodiscard]] static bytes from_hex(std::string_view hex);
  [[nodiscard]] std::string hex() const;

  [[nodiscard]] const std::vector<std::byte>& vector() const noexcept { return m_data; }
  operator const std::vector<std::byte>&() const noexcept { return m_data; }  // NOLINT
  [[nodiscard]] const std::byte* data() const noexcept { return m_data.data(); }
  [[nodiscard]] std::size_t size() const noexcept { return m_data.size(); }
  [[nodiscard]] bool empty() const noexcept { return m_data.empty(); }
  [[nodiscard]] auto begin() const noexcept { return m_data.begin(); }
  [[nodiscard]] auto end() const noexcept { return m_data.end(); }
  [[nodiscard]] std::byte operator[](std::size_t i) const noexcept { return m_data[i]; }
  void push_back(std::byte b) { m_data.push_back(b); }
  // Out of line: g++ 12 warns about the memcmp of an inlined comparison with an empty vector.
  friend bool operator==(const bytes& a, const bytes& b) noexcept;
  friend std::strong_ordering operator<=>(const bytes& a, const bytes& b) noexcept;

 private:
  std::vector<std::byte> m_data;
};

// A UUID, written in its canonical lower-case form a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11.
class uuid {
 public:
  uuid() = default;  // the nil UUID
  // A random UUID (RFC 9562 version 4: 122 random bits from the kernel's random source), as
  // Python's uuid.uuid4() and PonyORM's `default=uuid4`.
  [[nodiscard]] static uuid v4();
  // A time-ordered UUID (RFC 9562 version 7): the Unix time in milliseconds, then random bits;
  // those made by one thread increase strictly, so keys made in sequence sort in that order
  // (index-friendly, unlike v4).
  [[nodiscard]] static uuid v7();
  explicit uuid(const std::array<std::uint8_t, 16>& octets) noexcept : m_octets{octets} {}
  // 32 hex digits, in the 8-4-4-4-12 form or without dashes, either case; anything else throws
  // usage_error("uuid.invalid").
  explicit uuid(std::string_view text);
  [[nodiscard]] std::string text() const;
  [[nodiscard]] const std::array<std::uint8_t, 16>& octets() const noexcept { return m_octets; }
  friend bool operator==(const uuid&, const uuid&) = default;
  friend auto operator<=>(const uuid&, const uuid&) = default;

 private:
  std::array<std::uint8_t, 16> m_octets{};
};

// The canonical texts: what `<<` prints and what the providers read and write.
[[nodiscard]] std::string to_string(const decimal& d);      // text(): "12.50"
[[nodiscard]] std::string to_string(const date& d);         // "2020-01-31"
[[nodiscard]] std::string to_string(const datetime& t);     // "2020-01-31 10:00:00[.123456]"
[[nodiscard]] std::string to_string(const time_of_day& t);  // "10:00:00[.5]", "-838:59:59"
[[nodiscard]] std::string to_string(const bytes& b);        // hex(): "00ff"
[[nodiscard]] std::string to_string(const uuid& u);         // text()
std::ostream& operator<<(std::ostream& out, const decimal& d);
std::ostream& operator<<(std::ostream& out, const date& d);
std::ostream& operator<<(std::ostream& out, const datetime& t);
std::ostream& operator<<(std::ostream& out, const time_of_day& t);
std::ostream& operator<<(std::ostream& out, const bytes& b);
std::ostream& operator<<(std::ostream& out, const uuid& u);

// The earlier names of the same conversions, kept for existing code.
[[nodiscard]] inline std::string to_text(const date& d) { return to_string(d); }
[[nodiscard]] inline std::string to_text(const datetime& t) { return to_string(t); }
[[nodiscard]] inline std::string to_text(const time_of_day& t) { return to_string(t); }
[[nodiscard]] inline date date_from_text(std::string_view text) { return date{text}; }
[[nodiscard]] inline datetime datetime_from_text(std::string_view text) { return datetime{text}; }
[[nodiscard]] inline time_of_day time_from_text(std::string_view text) { return time_of_day{text}; }

}  // namespace nextorm
