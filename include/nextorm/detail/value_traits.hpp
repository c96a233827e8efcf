// How a C++ field type maps to a database value type, and back.
#pragma once

#include <nextorm/enums.hpp>
#include <nextorm/errors.hpp>
#include <nextorm/types.hpp>
#include <nextorm/value.hpp>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <typeinfo>
#include <utility>

namespace nextorm::detail {

template <class T>
struct value_traits;  // undefined: the type is not a supported column type

// A value that the C++ type of a field or a result (`Opt<int>`, `select<std::uint8_t>`) cannot
// hold: value.too_large / value.too_small, rather than the value cut to its low bits.
[[noreturn]] void throw_integer_range(std::int64_t n, std::int64_t min, std::int64_t max);
// The same read from a row: the database holds `n` in `column` (value.type_mismatch, naming the
// attribute where an object is read).
[[noreturn]] void throw_stored_integer_range(std::size_t column, std::int64_t n, std::int64_t min,
                                             std::int64_t max);

// Whether `n` fits T, an integer type narrower than 64 bits. (A 64-bit unsigned one keeps the
// bits of any int64: PonyORM's size=64, unsigned=True stores what SQLite cannot as negatives.)
template <std::integral T>
[[nodiscard]] constexpr bool fits_integer(std::int64_t n) noexcept {
  if constexpr (sizeof(T) < sizeof(std::int64_t)) {
    // (Not std::in_range, which char types are not for.)
    return n >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
           n <= static_cast<std::int64_t>(std::numeric_limits<T>::max());
  } else {
    (void)n;
    return true;
  }
}

template <std::integral T>
requires(!std::same_as<T, bool>) struct value_traits<T> {
  static constexpr value_type type = value_type::integer;
  static value to_value(const T& v) { return value{static_cast<std::int64_t>(v)}; }
  static T from_value(const value& v) {
    const std::int64_t n = v.as_int();
    if (!fits_integer<T>(n)) [[unlikely]] {
      throw_integer_range(n, static_cast<std::int64_t>(std::numeric_limits<T>::min()),
                          static_cast<std::int64_t>(std::numeric_limits<T>::max()));
    }
    return static_cast<T>(n);
  }
};

template <std::floating_point T>
struct value_traits<T> {
  static constexpr value_type type = value_type::real;
  static value to_value(const T& v) { return value{static_cast<double>(v)}; }
  static T from_value(const value& v) { return static_cast<T>(v.as_real()); }
};

template <>
struct value_traits<bool> {
  static constexpr value_type type = value_type::boolean;
  static value to_value(bool v) { return value{v}; }
  static bool from_value(const value& v) {
    // Databases without a boolean type hand back integers.
    return v.type() == value_type::integer ? v.as_int() != 0 : v.as_bool();
  }
};

template <>
struct value_traits<std::string> {
  static constexpr value_type type = value_type::text;
  static value to_value(const std::string& v) { return value{v}; }
  static std::string from_value(const value& v) { return v.as_text(); }
};

template <>
struct value_traits<decimal> {
  static constexpr value_type type = value_type::decimal;
  static value to_value(const decimal& v) { return value::typed(type, v.text()); }
  static decimal from_value(const value& v) { return decimal{v.as_text()}; }
};

template <>
struct value_traits<date> {
  static constexpr value_type type = value_type::date;
  static value to_value(const date& v) { return value::typed(type, to_string(v)); }
  static date from_value(const value& v) { return date{v.as_text()}; }
};

template <>
struct value_traits<datetime> {
  static constexpr value_type type = value_type::datetime;
  static value to_value(const datetime& v) { return value::typed(type, to_string(v)); }
  static datetime from_value(const value& v) { return datetime{v.as_text()}; }
};

template <>
struct value_traits<time_of_day> {
  static constexpr value_type type = value_type::time;
  static value to_value(const time_of_day& v) { return value::typed(type, to_string(v)); }
  static time_of_day from_value(const value& v) { return time_of_day{v.as_text()}; }
};

// Throws usage_error value.bad_timedelta: `micros` microseconds are no whole number of the
// field's unit (`unit_micros` microseconds each), or the count overflows.
[[noreturn]] void throw_bad_duration(std::int64_t micros, std::int64_t unit_micros);

// A std::chrono duration with a signed integer count (PonyORM's timedelta): microseconds, or a
// coarser unit that must then hold the value whole. (An unsigned count would wrap: none.)
template <std::signed_integral Rep, class Period>
requires std::convertible_to<std::chrono::duration<Rep, Period>, std::chrono::microseconds>
struct value_traits<std::chrono::duration<Rep, Period>> {
  using duration = std::chrono::duration<Rep, Period>;
  static constexpr value_type type = value_type::interval;
  static constexpr std::int64_t unit = std::chrono::microseconds{duration{1}}.count();
  static value to_value(const duration& v) {
    std::int64_t micros = 0;
    if (__builtin_mul_overflow(static_cast<std::int64_t>(v.count()), unit, &micros)) {
      throw_bad_duration(static_cast<std::int64_t>(v.count()), -unit);
    }
    return value::interval(micros);
  }
  static duration from_value(const value& v) {
    const std::int64_t micros = v.as_microseconds();
    if (micros % unit != 0 || !std::in_range<Rep>(micros / unit)) throw_bad_duration(micros, unit);
    return duration{static_cast<Rep>(micros / unit)};
  }
};

template <>
struct value_traits<bytes> {
  static constexpr value_type type = value_type::bytes;
  static value to_value(const bytes& v) {
    return value::typed(type, std::string{reinterpret_cast<const char*>(v.data()), v.size()});
  }
  static bytes from_value(const value& v) {
    const std::string& raw = v.as_text();
    return bytes{raw.data(), raw.size()};
  }
};

template <>
struct value_traits<uuid> {
  static constexpr value_type type = value_type::uuid;
  static value to_value(const uuid& v) { return value::typed(type, v.text()); }
  static uuid from_value(const value& v) { return uuid{v.as_text()}; }
};

// Throws usage_error value.bad_enum: `shown` (a name from the database or a program, or a value
// without a name) is no enumerator of the enum `type`, whose names are `names` (", "-joined).
[[noreturn]] void throw_bad_enum(const std::string& shown, const std::type_info& type,
                                 const std::string& names);

// A named enum is its name (enums.hpp).
template <named_enum E>
struct value_traits<E> {
  static constexpr value_type type = value_type::text;
  static value to_value(const E& v) {
    const std::string_view name = enum_name(v);
    if (name.empty()) {
      throw_bad_enum(std::to_string(static_cast<long long>(v)), typeid(E), names());
    }
    return value{std::string{name}};
  }
  static E from_value(const value& v) {
    if (const auto found = enum_from_name<E>(v.as_text())) return *found;
    throw_bad_enum("'" + v.as_text() + "'", typeid(E), names());
  }
  static std::string names() {
    std::string out;
    for (const auto& entry : nextorm_enum_names(E{})) {
      out += (out.empty() ? "" : ", ") + std::string{entry.name};
    }
    return out;
  }
};

template <class T>
concept column_type = requires {
  value_traits<T>::type;
};

}  // namespace nextorm::detail
