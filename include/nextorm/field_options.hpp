// Options of a field declaration: `Req<std::string> sku{"sku", unique, column("product_sku")}`.
#pragma once

#include <nextorm/registry.hpp>
#include <nextorm/value.hpp>

#include <cstdint>
#include <string>

namespace nextorm {

struct unique_t {};
struct indexed_t {};
struct nullable_t {};
struct optional_t {};
inline constexpr unique_t unique{};      // a UNIQUE column
inline constexpr indexed_t indexed{};    // an index on the column
inline constexpr nullable_t nullable{};  // Opt<std::string>: store NULL, not ''
inline constexpr optional_t optional{};  // Single<E>: the reference may be missing

struct max_len {
  std::uint32_t length;
};
struct column {
  std::string name;
};
struct reverse {
  std::string name;
};
struct default_value {
  value v;
};
struct decimal_digits {
  std::uint8_t precision;
  std::uint8_t scale;
};

namespace detail {

inline void apply_option(attr_info& a, int length) { a.max_len = static_cast<std::uint32_t>(length); }
inline void apply_option(attr_info& a, max_len o) { a.max_len = o.length; }
inline void apply_option(attr_info& a, unique_t) { a.unique = true; }
inline void apply_option(attr_info& a, indexed_t) { a.indexed = true; }
inline void apply_option(attr_info& a, nullable_t) { a.nullable = true; }
inline void apply_option(attr_info& a, optional_t) { a.optional = true; }
inline void apply_option(attr_info& a, const column& o) { a.column = o.name; }
inline void apply_option(attr_info& a, const reverse& o) { a.reverse = o.name; }
inline void apply_option(attr_info& a, const default_value& o) { a.default_value = o.v; }
inline void apply_option(attr_info& a, decimal_digits o) {
  a.precision = o.precision;
  a.scale = o.scale;
}

template <class... Options>
void apply_options(attr_info& a, const Options&... options) {
  (apply_option(a, options), ...);
}

}  // namespace detail
}  // namespace nextorm
