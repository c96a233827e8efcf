// Values passed with a query for its free names: `select("p for p in P if p.price < limit",
// {{"limit", 20}})`.
#pragma once

#include <nextorm/detail/value_traits.hpp>
#include <nextorm/entity_base.hpp>
#include <nextorm/value.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace nextorm {

struct entity_info;

// A reference to a stored object by entity and primary-key value; `object` is the object itself
// when the reference was made from one (it may have no key yet: a new object).
struct entity_ref {
  const entity_info* entity = nullptr;
  value key;
  entity_base* object = nullptr;
  friend bool operator==(const entity_ref& a, const entity_ref& b) {
    return a.entity == b.entity && a.key == b.key;
  }
};

struct nested_query;

namespace detail {
// A pointer to an entity object: bound as the object, never as the bool it converts to.
template <class T>
concept object_pointer = std::is_pointer_v<std::remove_cvref_t<T>> &&
    std::is_base_of_v<entity_base, std::remove_cv_t<std::remove_pointer_t<std::remove_cvref_t<T>>>>;
}  // namespace detail

// One parameter: a scalar value, an object reference, a sequence (for `x in seq`), or a query
// (the source of a loop: `x for x in q if ...`).
class param_value {
 public:
  param_value() = default;
  template <class T>
  requires(std::is_constructible_v<value, T> && !detail::object_pointer<T>) param_value(T&& v)
      : m_data{value{std::forward<T>(v)}} {}
  // A value of a column type (decimal, date, datetime, time_of_day, bytes, uuid, json, ...):
  // bound as that type, `{{"x", decimal{"20"}}}`.
  template <class T>
  requires(!std::is_constructible_v<value, T> && detail::column_type<std::remove_cvref_t<T>>)
      param_value(T&& v)
      : m_data{detail::value_traits<std::remove_cvref_t<T>>::to_value(v)} {}
  // An optional value: std::nullopt binds NULL (None), as a None parameter does.
  template <class T>
  param_value(const std::optional<T>& v) : param_value{v ? param_value{*v} : param_value{}} {}
  param_value(std::nullopt_t) {}
  param_value(entity_ref ref) : m_data{std::move(ref)} {}
  // An object stands for its key: `{{"c", category}}`.
  param_value(entity_base& object) : m_data{entity_ref{&object.info(), object.key(), &object}} {}
  param_value(const entity_base& object) : m_data{entity_ref{&object.info(), object.key()}} {}
  // An object by pointer (`&category`, what E::get() gives): null binds None. (A pointer would
  // otherwise convert to a bool.)
  template <class T>
  requires detail::object_pointer<T> param_value(T&& object) : param_value{} {
    if (object != nullptr) *this = param_value{*object};
  }
  param_value(std::vector<param_value> items) : m_data{std::move(items)} {}
  param_value(std::shared_ptr<const nested_query> q) : m_data{std::move(q)} {}

  [[nodiscard]] bool is_scalar() const noexcept { return m_data.index() == 0; }
  [[nodiscard]] bool is_entity() const noexcept { return m_data.index() == 1; }
  [[nodiscard]] bool is_sequence() const noexcept { return m_data.index() == 2; }
  [[nodiscard]] bool is_query() const noexcept { return m_data.index() == 3; }
  [[nodiscard]] const value& scalar() const { return std::get<0>(m_data); }
  [[nodiscard]] const entity_ref& entity() const { return std::get<1>(m_data); }
  [[nodiscard]] const std::vector<param_value>& sequence() const { return std::get<2>(m_data); }
  [[nodiscard]] const nested_query& query() const { return *std::get<3>(m_data); }
  [[nodiscard]] const std::shared_ptr<const nested_query>& query_ptr() const {
    return std::get<3>(m_data);
  }
  friend bool operator==(const param_value&, const param_value&) = default;

 private:
  std::variant<value, entity_ref, std::vector<param_value>, std::shared_ptr<const nested_query>>
      m_data;
};

// One `{"name", value}` of a params list.
struct param_entry {
  param_entry() = default;
  param_entry(std::string name_, param_value value_)
      : name{std::move(name_)}, v{std::move(value_)}, given{true} {}
  std::string name;
  param_value v;
  bool given = false;  // (a defaulted trailing entry of the list constructor is not)
};

// The parameters of a query or call by name: a std::map, also written as a braced list of
// up to 16 entries, `{{"limit", 20}, {"name", "x"}}`. The list is taken as separate
// arguments, not as a std::initializer_list, whose array g++ 12 cannot keep across a co_await
// (`co_await Product::aget({{"sku", "W-1"}})` would not compile); more entries go in with
// insert or operator[].
class params : public std::map<std::string, param_value, std::less<>> {
  using base = std::map<std::string, param_value, std::less<>>;

 public:
  params() = default;
  // A map is a params (a template: a braced list is never taken for a map).
  template <class Map>
  requires std::is_same_v<std::remove_cvref_t<Map>, base> params(Map&& values)
      : base{std::forward<Map>(values)} {}  // NOLINT: implicit, as the map was
  params(param_entry e1, param_entry e2 = {}, param_entry e3 = {}, param_entry e4 = {},
         param_entry e5 = {}, param_entry e6 = {}, param_entry e7 = {}, param_entry e8 = {},
         param_entry e9 = {}, param_entry e10 = {}, param_entry e11 = {}, param_entry e12 = {},
         param_entry e13 = {}, param_entry e14 = {}, param_entry e15 = {}, param_entry e16 = {}) {
    for (param_entry* e :
         {&e1, &e2, &e3, &e4, &e5, &e6, &e7, &e8, &e9, &e10, &e11, &e12, &e13, &e14, &e15, &e16}) {
      if (e->given) insert_or_assign(std::move(e->name), std::move(e->v));
    }
  }
};

// A query passed as a parameter (query<R> converts to it): its text, its method chain (kind as
// ir::modifier_kind, text) and its own parameters.
struct nested_query {
  std::string text;
  std::string entity;
  std::vector<std::pair<std::uint8_t, std::string>> modifiers;
  params args;
};

}  // namespace nextorm
