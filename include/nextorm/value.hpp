// A dynamically typed database value: what a column holds, what a parameter binds.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace nextorm {

// The logical type of a value or of a column. Types past `text` keep their canonical text form
// (ISO dates, exact decimal digits, ...) so that no precision is lost on the way through.
enum class value_type : std::uint8_t {
  null,
  integer,
  real,
  boolean,
  text,
  decimal,
  date,
  datetime,
  time,
  bytes,
  uuid,
  json,
  // PonyORM's timedelta: a signed count of microseconds (std::chrono::microseconds), carried as
  // that integer, not as text.
  interval,
  // The key of an object whose primary key has several attributes (PonyORM's PrimaryKey(a, b)):
  // their values in the key's order. Never a column's type.
  tuple,
};

// The name used in schemas and messages: "int", "float", "bool", "str", "decimal", ...
std::string_view type_name(value_type type) noexcept;

class value {
 public:
  value() noexcept = default;
  value(std::nullptr_t) noexcept {}
  value(std::int64_t v) noexcept : m_type{value_type::integer}, m_data{v} {}
  value(int v) noexcept : value{static_cast<std::int64_t>(v)} {}
  value(double v) noexcept : m_type{value_type::real}, m_data{v} {}
  // Only a bool: a pointer (which converts to bool) is refused at compile time.
  template <class B>
  requires std::same_as<B, bool> value(B v)
  noexcept : m_type{value_type::boolean}, m_data{v} {}
  value(std::string v) noexcept : m_type{value_type::text}, m_data{std::move(v)} {}
  value(std::string_view v) : value{std::string{v}} {}
  // A null pointer is None (std::string would refuse it).
  value(const char* v) : value{v != nullptr ? value{std::string{v}} : value{}} {}

  // A value of a text-carried type (decimal, date, datetime, time, bytes, uuid, json).
  static value typed(value_type type, std::string text);
  // An interval of `microseconds` (PonyORM's timedelta).
  static value interval(std::int64_t microseconds) noexcept;
  // A composite key: `value::tuple({1, "x"})`.
  static value tuple(std::vector<value> items);

  [[nodiscard]] value_type type() const noexcept { return m_type; }
  [[nodiscard]] bool is_null() const noexcept { return m_type == value_type::null; }

  // Checked accessors: a wrong type is a programming error and throws usage_error. as_int is
  // inline: keys are integers, read on every lookup and every row.
  [[nodiscard]] std::int64_t as_int() const {
    if (m_type != value_type::integer) [[unlikely]]
      wrong_type("int");
    return *std::get_if<std::int64_t>(&m_data);
  }
  [[nodiscard]] double as_real() const;  // integers widen
  [[nodiscard]] bool as_bool() const;
  [[nodiscard]] const std::string& as_text() const;  // text and every text-carried type
  [[nodiscard]] const std::vector<value>& as_tuple() const;
  [[nodiscard]] std::int64_t as_microseconds() const;  // an interval's

  // Python-like rendering for people: None, 1, 1.5, True, 'abc', (1, 'abc').
  [[nodiscard]] std::string repr() const;

  friend bool operator==(const value& a, const value& b) noexcept {
    if (a.m_type != b.m_type) return false;
    if (a.m_type == value_type::tuple) [[unlikely]]
      return *std::get<5>(a.m_data) == *std::get<5>(b.m_data);
    return a.m_data == b.m_data;
  }
  [[nodiscard]] std::size_t hash() const noexcept;

 private:
  [[noreturn]] void wrong_type(std::string_view wanted) const;

  value_type m_type = value_type::null;
  // A tuple is shared, so that copying a key costs a reference count (it is never changed).
  std::variant<std::monostate, std::int64_t, double, bool, std::string,
               std::shared_ptr<const std::vector<value>>>
      m_data;
};

struct value_hash {
  std::size_t operator()(const value& v) const noexcept { return v.hash(); }
};

}  // namespace nextorm
