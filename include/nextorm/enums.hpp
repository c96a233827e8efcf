// Enumerations as column values: a C++ enum whose enumerators have names, stored as the name
// (a string column, as PonyORM keeps such values in a str attribute, with a CHECK of the names).
//
//   enum class Color { red, green, blue };
//   NEXTORM_ENUM(Color, red, green, blue)   // beside the enum, in its namespace
//   struct Car : nextorm::entity<Car> { nextorm::Req<Color> color{"color"}; };
//
// NEXTORM_ENUM defines `nextorm_enum_names(Color)`, found by argument-dependent lookup; a program
// may write that function itself instead, to store other names than the enumerators':
//   constexpr auto nextorm_enum_names(Color) {
//     return std::array{nextorm::enum_entry<Color>{Color::red, "R"}, ...};
//   }
#pragma once

#include <array>
#include <concepts>
#include <optional>
#include <string_view>
#include <type_traits>

namespace nextorm {

template <class E>
struct enum_entry {
  E value;
  std::string_view name;
};

// An enum with names: nextorm_enum_names(E{}) lists its enumerators and their stored names.
template <class E>
concept named_enum = std::is_enum_v<E> && requires(E e) {
  { nextorm_enum_names(e).size() } -> std::convertible_to<std::size_t>;
};

// The stored name of `v` ("" for a value that has none, such as static_cast<Color>(7)).
template <named_enum E>
[[nodiscard]] constexpr std::string_view enum_name(E v) noexcept {
  for (const auto& entry : nextorm_enum_names(E{})) {
    if (entry.value == v) return entry.name;
  }
  return {};
}

// The enumerator stored as `name`, or none.
template <named_enum E>
[[nodiscard]] constexpr std::optional<E> enum_from_name(std::string_view name) noexcept {
  for (const auto& entry : nextorm_enum_names(E{})) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

}  // namespace nextorm

// NEXTORM_ENUM(E, a, b, c): the names of E's enumerators a, b, c are "a", "b", "c". Up to 64.
#define NEXTORM_ENUM(E, ...)                                                            \
  [[maybe_unused]] constexpr auto nextorm_enum_names(E) {                               \
    using nextorm_enum_type = E;                                                        \
    return std::array{NEXTORM_DETAIL_FOR_EACH(NEXTORM_DETAIL_ENUM_ENTRY, __VA_ARGS__)}; \
  }

// One macro call per argument: each rescan of NEXTORM_DETAIL_EXPAND lets the recursion go one
// step further (three levels of four: 64 steps).
#define NEXTORM_DETAIL_ENUM_ENTRY(x) \
  ::nextorm::enum_entry<nextorm_enum_type>{nextorm_enum_type::x, #x},
#define NEXTORM_DETAIL_PARENS ()
#define NEXTORM_DETAIL_EXPAND(...) \
  NEXTORM_DETAIL_EXPAND3(          \
      NEXTORM_DETAIL_EXPAND3(NEXTORM_DETAIL_EXPAND3(NEXTORM_DETAIL_EXPAND3(__VA_ARGS__))))
#define NEXTORM_DETAIL_EXPAND3(...) \
  NEXTORM_DETAIL_EXPAND2(           \
      NEXTORM_DETAIL_EXPAND2(NEXTORM_DETAIL_EXPAND2(NEXTORM_DETAIL_EXPAND2(__VA_ARGS__))))
#define NEXTORM_DETAIL_EXPAND2(...) \
  NEXTORM_DETAIL_EXPAND1(           \
      NEXTORM_DETAIL_EXPAND1(NEXTORM_DETAIL_EXPAND1(NEXTORM_DETAIL_EXPAND1(__VA_ARGS__))))
#define NEXTORM_DETAIL_EXPAND1(...) __VA_ARGS__
#define NEXTORM_DETAIL_FOR_EACH(macro, ...) \
  __VA_OPT__(NEXTORM_DETAIL_EXPAND(NEXTORM_DETAIL_FOR_EACH_STEP(macro, __VA_ARGS__)))
#define NEXTORM_DETAIL_FOR_EACH_STEP(macro, first, ...) \
  macro(first) __VA_OPT__(NEXTORM_DETAIL_FOR_EACH_AGAIN NEXTORM_DETAIL_PARENS(macro, __VA_ARGS__))
#define NEXTORM_DETAIL_FOR_EACH_AGAIN() NEXTORM_DETAIL_FOR_EACH_STEP
