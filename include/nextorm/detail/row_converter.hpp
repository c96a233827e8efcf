// How the cells of a raw_result become the C++ values a query<R> returns: one converter per item
// type, one per row shape (a single item, a tuple, an untyped row). Not part of the API.
#pragma once

#include <nextorm/detail/raw_result.hpp>
#include <nextorm/detail/value_traits.hpp>
#include <nextorm/entity_base.hpp>
#include <nextorm/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace nextorm {

// An untyped result row: entities appear as objects' keys.
using row = std::vector<value>;

namespace detail {

template <class T>
inline constexpr bool is_entity_v = std::is_base_of_v<entity_base, T>;

// Whether a scalar item of type `got` converts to a C++ value of type `wanted` (value_traits):
// the same type, an integer where a float is wanted, any text-carried type where a string is
// wanted, or a type the plan does not know (null).
[[nodiscard]] bool scalar_fits(value_type wanted, value_type got) noexcept;
// The name of a scalar C++ type for messages ("int", "str").
[[nodiscard]] std::string scalar_label(value_type type);

// Items per row of a result converted to R.
template <class R>
inline constexpr std::size_t row_width = 1;
template <class... Ts>
inline constexpr std::size_t row_width<std::tuple<Ts...>> = sizeof...(Ts) == 0 ? 1 : sizeof...(Ts);

// How one result item becomes a C++ value of type T.
template <class T>
struct cell_converter {
  using type = T;
  static bool fits(const entity_info* e, value_type t) {
    return e == nullptr && scalar_fits(value_traits<T>::type, t);
  }
  static std::string label() { return scalar_label(value_traits<T>::type); }
  static T convert(const result_cell& c) { return value_traits<T>::from_value(c.v); }
};
template <>
struct cell_converter<value> {
  using type = value;
  static bool fits(const entity_info*, value_type) { return true; }
  static std::string label() { return "value"; }
  static value convert(const result_cell& c) { return c.object != nullptr ? c.object->key() : c.v; }
};
template <class E>
requires is_entity_v<E>
struct cell_converter<E> {
  using type = E*;
  // Only objects of E: the item's entity is the one mapped from E's C++ type, or a subclass of
  // it (a query over Student is a query of Person objects too).
  static bool fits(const entity_info* e, value_type) {
    for (; e != nullptr; e = e->base_entity) {
      if (e->type_tag == E::type_tag()) return true;
    }
    return false;
  }
  static std::string label() { return E::entity_name(); }
  static E* convert(const result_cell& c) { return static_cast<E*>(c.object); }
};

// A value that may be NULL (None): std::optional<T>, empty for NULL.
template <class T>
requires(!is_entity_v<T>) struct cell_converter<std::optional<T>> {
  using type = std::optional<typename cell_converter<T>::type>;
  static bool fits(const entity_info* e, value_type t) { return cell_converter<T>::fits(e, t); }
  static std::string label() { return cell_converter<T>::label() + " or None"; }
  static type convert(const result_cell& c) {
    if (c.v.is_null()) return std::nullopt;
    return cell_converter<T>::convert(c);
  }
};

// How one row becomes an R: a single item, a tuple of items, or an untyped row.
template <class R>
struct row_converter {
  using type = typename cell_converter<R>::type;
  static bool fits(const raw_result& r) {
    return r.width == 1 && cell_converter<R>::fits(r.item_entities[0], r.item_types[0]);
  }
  static std::string label() { return cell_converter<R>::label(); }
  static type convert(const result_cell* cells) { return cell_converter<R>::convert(cells[0]); }
};
template <class... Ts>
struct row_converter<std::tuple<Ts...>> {
  using type = std::tuple<typename cell_converter<Ts>::type...>;
  static bool fits(const raw_result& r) {
    return r.width == sizeof...(Ts) && fits(r, std::index_sequence_for<Ts...>{});
  }
  static std::string label() {
    std::string out = "(";
    ((out += (out.size() > 1 ? ", " : "") + cell_converter<Ts>::label()), ...);
    return out + ")";
  }
  static type convert(const result_cell* cells) {
    return convert(cells, std::index_sequence_for<Ts...>{});
  }

 private:
  template <std::size_t... I>
  static bool fits(const raw_result& r, std::index_sequence<I...>) {
    return (cell_converter<Ts>::fits(r.item_entities[I], r.item_types[I]) && ...);
  }
  template <std::size_t... I>
  static type convert(const result_cell* cells, std::index_sequence<I...>) {
    return type{cell_converter<Ts>::convert(cells[I])...};
  }
};
template <>
struct row_converter<row> {
  using type = row;
  static bool fits(const raw_result&) { return true; }
  static std::string label() { return "row"; }
  static row convert(const result_cell* cells, std::size_t width) {
    row out;
    out.reserve(width);
    for (std::size_t i = 0; i < width; ++i) out.push_back(cell_converter<value>::convert(cells[i]));
    return out;
  }
};

}  // namespace detail
}  // namespace nextorm
