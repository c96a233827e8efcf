// A dynamically typed database value: what a column holds, what a parameter binds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

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
  value(bool v) noexcept : m_type{value_type::boolean}, m_data{v} {}
  value(std::string v) noexcept : m_type{value_type::text}, m_data{std::move(v)} {}
  value(std::string_view v) : value{std::string{v}} {}
  value(const char* v) : value{std::string{v}} {}

  // A value of a text-carried type (decimal, date, datetime, time, bytes, uuid, json).
  static value typed(value_type type, std::string text);

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

  // Python-like rendering for people: None, 1, 1.5, True, 'abc'.
  [[nodiscard]] std::string repr() const;

  friend bool operator==(const value& a, const value& b) noexcept = default;
  [[nodiscard]] std::size_t hash() const noexcept;

 private:
  [[noreturn]] void wrong_type(std::string_view wanted) const;

  value_type m_type = value_type::null;
  std::variant<std::monostate, std::int64_t, double, bool, std::string> m_data;
};

struct value_hash {
  std::size_t operator()(const value& v) const noexcept { return v.hash(); }
};

}  // namespace nextorm
