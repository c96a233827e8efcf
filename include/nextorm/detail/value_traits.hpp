// How a C++ field type maps to a database value type, and back.
#pragma once

#include <nextorm/errors.hpp>
#include <nextorm/value.hpp>

#include <concepts>
#include <cstdint>
#include <string>

namespace nextorm::detail {

template <class T>
struct value_traits;  // undefined: the type is not a supported column type

template <std::integral T>
  requires(!std::same_as<T, bool>)
struct value_traits<T> {
  static constexpr value_type type = value_type::integer;
  static value to_value(const T& v) { return value{static_cast<std::int64_t>(v)}; }
  static T from_value(const value& v) { return static_cast<T>(v.as_int()); }
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

template <class T>
concept column_type = requires { value_traits<T>::type; };

}  // namespace nextorm::detail
