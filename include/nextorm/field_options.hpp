// Options of a field declaration: `Req<std::string> sku{"sku", unique, column("product_sku")}`.
#pragma once

#include <nextorm/detail/value_traits.hpp>
#include <nextorm/registry.hpp>
#include <nextorm/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <vector>

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
// A reference to an entity whose key has several attributes: its columns, one per key
// attribute of the target in its order (PonyORM's columns=[...]); on a many-to-many Set with
// such an entity, the join table's columns of its items.
struct columns {
  columns(std::initializer_list<std::string> list) : names{list} {}
  std::vector<std::string> names;
};
struct reverse {
  std::string name;
};
// A many-to-many's join table (PonyORM's Set(..., table=...)); `column` on a Set names the join
// table's column of its items, `reverse_column` the second column of a symmetric Set.
struct table {
  std::string name;
};
struct reverse_column {
  std::string name;
};
// The name of the foreign key of the column a Single holds, or of a many-to-many Set's items
// column (PonyORM's fk_name): `Single<Dept> dept{"dept", fk_name{"course_dept_fk"}}`.
struct fk_name {
  std::string name;
};
// The attribute's name before it was renamed: `Req<std::string> name{"name",
// renamed_from{"title"}}` makes `nextorm makemigrations` rename the column, keeping its data.
struct renamed_from {
  std::string name;
};
// Whether removing the object removes the objects this relation holds (PonyORM's
// cascade_delete): `Set<Book> books{"books", cascade_delete{false}}`. By default a Set whose items
// require their owner cascades, and nothing else does.
struct cascade_delete {
  bool on = true;
};
struct default_value {
  value v;
};
// A uuid field that create() fills with a new UUID unless the program sets it:
// `PK<uuid> id{"id", generate{key_generator::uuid7}}` (uuid4: random, as PonyORM's
// `default=uuid4`; uuid7: time-ordered).
struct generate {
  key_generator how;
};
// int: the column's size in bits, 8, 16, 24, 32 or 64 (PonyORM's size=), and whether it is
// unsigned (PonyORM's unsigned=True, 32 bits unless a size is given); assignments outside the
// range are refused (value.too_small, value.too_large).
struct int_size {
  std::uint8_t bits;
};
struct unsigned_t {};
inline constexpr unsigned_t unsigned_int{};
// The column's SQL type and default, written into CREATE TABLE as given (PonyORM's sql_type and
// sql_default): `Req<std::string> code{"code", sql_type{"CHAR(8)"}}`.
struct sql_type {
  std::string text;
};
struct sql_default {
  std::string text;
};
// PonyORM's LongStr: a string of any length, in the provider's large text column (TEXT, MariaDB's
// LONGTEXT), lazy unless `lazy(false)` says otherwise: `Opt<std::string> body{"body", long_str}`.
struct long_str_t {};
inline constexpr long_str_t long_str{};
// Not read with the object: loaded from the database when first read (PonyORM's lazy), for
// values that are large or seldom used: `Req<std::vector<std::byte>> photo{"photo", lazy}`.
// `lazy(false)` reads a LongStr with its object.
struct lazy_t {
  bool on = true;
  constexpr lazy_t operator()(bool value) const noexcept { return lazy_t{value}; }
};
inline constexpr lazy_t lazy{};
// Changed by others while a session holds the object (a trigger, another program): reading the
// row again refreshes the attribute in an object the session has not changed (PonyORM's
// volatile; `volatile` is a C++ keyword, hence the underscore).
struct volatile_t {};
inline constexpr volatile_t volatile_{};
// Whether changing or removing an object checks that this column still holds the value the
// session read, so that a concurrent change is not lost (PonyORM's optimistic=; on by default
// except for float, timedelta and JSON attributes): `Req<std::string> note{"note",
// optimistic{false}}`.
struct optimistic {
  bool on = true;
};
// An integer attribute that the session sets to 1 on insert and increments with every UPDATE,
// checking the value it read: any concurrent change of the row is detected, whatever the
// session read. `Req<std::int64_t> version{"version", row_version}`.
struct row_version_t {};
inline constexpr row_version_t row_version{};
struct decimal_digits {
  std::uint8_t precision;
  std::uint8_t scale;
};
// The smallest and largest number an attribute accepts (PonyORM's min= and max=):
// `Req<int> age{"age", min_value{0}, max_value{150}}`; checked on assignment (value.too_small,
// value.too_large).
namespace detail {
template <class T>
value bound_value(const T& x) {
  if constexpr (column_type<T>) {
    return value_traits<T>::to_value(x);
  } else {
    return value{x};
  }
}
}  // namespace detail
struct min_value {
  template <class T>
  min_value(const T& x) : v{detail::bound_value(x)} {}  // NOLINT: 0, 0.5, decimal{"0.01"}
  value v;
};
struct max_value {
  template <class T>
  max_value(const T& x) : v{detail::bound_value(x)} {}  // NOLINT
  value v;
};
// Whether assigned strings lose their leading and trailing whitespace (on by default, as in
// PonyORM): `Req<std::string> code{"code", autostrip{false}}`.
struct autostrip {
  bool on = true;
};
// The user's check of an assigned value (PonyORM's py_check): a callable taking the field's
// value type and returning whether it is acceptable; a refusal throws value.check_failed.
// `Req<std::string> email{"email", check{[](const std::string& s) { return s.find('@') !=
// std::string::npos; }}}`
template <class F>
struct check {
  F predicate;
};
template <class F>
check(F) -> check<F>;

namespace detail {

inline void apply_option(attr_info& a, int length) {
  a.max_len = static_cast<std::uint32_t>(length);
}
inline void apply_option(attr_info& a, max_len o) { a.max_len = o.length; }
inline void apply_option(attr_info& a, unique_t) { a.unique = true; }
inline void apply_option(attr_info& a, indexed_t) { a.indexed = true; }
inline void apply_option(attr_info& a, nullable_t) { a.nullable = true; }
inline void apply_option(attr_info& a, optional_t) { a.optional = true; }
inline void apply_option(attr_info& a, const column& o) { a.column = o.name; }
inline void apply_option(attr_info& a, const columns& o) { a.columns = o.names; }
inline void apply_option(attr_info& a, const reverse& o) { a.reverse = o.name; }
inline void apply_option(attr_info& a, const table& o) { a.table = o.name; }
inline void apply_option(attr_info& a, const reverse_column& o) { a.reverse_column = o.name; }
inline void apply_option(attr_info& a, const fk_name& o) { a.fk_name = o.name; }
inline void apply_option(attr_info& a, const renamed_from& o) { a.renamed_from = o.name; }
inline void apply_option(attr_info& a, cascade_delete o) { a.cascade_delete = o.on; }
inline void apply_option(attr_info& a, const default_value& o) { a.default_value = o.v; }
inline void apply_option(attr_info& a, generate o) { a.generate = o.how; }
inline void apply_option(attr_info& a, int_size o) { a.int_size = o.bits; }
inline void apply_option(attr_info& a, unsigned_t) { a.is_unsigned = true; }
inline void apply_option(attr_info& a, const sql_type& o) { a.sql_type = o.text; }
inline void apply_option(attr_info& a, const sql_default& o) { a.sql_default = o.text; }
inline void apply_option(attr_info& a, decimal_digits o) {
  a.precision = o.precision;
  a.scale = o.scale;
}
inline void apply_option(attr_info& a, const min_value& o) { a.min_value = o.v; }
inline void apply_option(attr_info& a, const max_value& o) { a.max_value = o.v; }
inline void apply_option(attr_info& a, autostrip o) { a.autostrip = o.on; }
inline void apply_option(attr_info& a, long_str_t) { a.long_str = true; }
inline void apply_option(attr_info& a, lazy_t o) { a.lazy = o.on; }
inline void apply_option(attr_info& a, volatile_t) { a.is_volatile = true; }
inline void apply_option(attr_info& a, optimistic o) { a.optimistic = o.on; }
inline void apply_option(attr_info& a, row_version_t) { a.is_version = true; }

template <class... Options>
void apply_options(attr_info& a, const Options&... options) {
  (apply_option(a, options), ...);
}

// Options of a field holding T: the user's check sees values of T.
template <class T, class Option>
void apply_typed_option(attr_info& a, const Option& o) {
  apply_option(a, o);
}
template <class T>
void apply_typed_option(attr_info& a, long_str_t o) {
  static_assert(std::is_same_v<T, std::string>, "long_str applies to std::string fields");
  apply_option(a, o);
}
template <class T, class F>
void apply_typed_option(attr_info& a, const check<F>& o) {
  static_assert(std::is_invocable_r_v<bool, const F&, const T&>,
                "a check option takes the field's value type and returns bool");
  a.check = [predicate = o.predicate](const void* v) {
    return static_cast<bool>(predicate(*static_cast<const T*>(v)));
  };
}

}  // namespace detail
}  // namespace nextorm
