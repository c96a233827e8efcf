#include <nextorm/detail/value_traits.hpp>
#include <nextorm/errors.hpp>
#include <nextorm/value.hpp>

#include "common/timedelta_parts.hpp"
#include "common/unreachable.hpp"

#include <charconv>
#include <functional>

namespace nextorm {

namespace {

// Python's repr(timedelta): datetime.timedelta(days=-1, seconds=86399, microseconds=999999), the
// fields that are not 0 (days floored, seconds and microseconds not negative);
// datetime.timedelta(0) for none.
std::string interval_repr(std::int64_t micros) {
  const auto [days, rest] = detail::split_days(micros);
  std::string fields;
  auto add = [&](const char* name, std::int64_t n) {
    if (n != 0)
      fields += (fields.empty() ? "" : ", ") + std::string{name} + "=" + std::to_string(n);
  };
  add("days", days);
  add("seconds", rest / 1'000'000);
  add("microseconds", rest % 1'000'000);
  return "datetime.timedelta(" + (fields.empty() ? std::string{"0"} : fields) + ")";
}

}  // namespace

std::string_view type_name(value_type type) noexcept {
  switch (type) {
    case value_type::null: return "None";
    case value_type::integer: return "int";
    case value_type::real: return "float";
    case value_type::boolean: return "bool";
    case value_type::text: return "str";
    case value_type::decimal: return "decimal";
    case value_type::date: return "date";
    case value_type::datetime: return "datetime";
    case value_type::time: return "time";
    case value_type::bytes: return "bytes";
    case value_type::uuid: return "uuid";
    case value_type::json: return "json";
    case value_type::interval: return "timedelta";
    case value_type::tuple: return "tuple";
  }
  detail::unreachable("type_name");
}

value value::typed(value_type type, std::string text) {
  value v{std::move(text)};
  v.m_type = type;
  return v;
}

value value::interval(std::int64_t microseconds) noexcept {
  value v{microseconds};
  v.m_type = value_type::interval;
  return v;
}

std::int64_t value::as_microseconds() const {
  if (m_type != value_type::interval) wrong_type("timedelta");
  return std::get<std::int64_t>(m_data);
}

value value::tuple(std::vector<value> items) {
  value v;
  v.m_type = value_type::tuple;
  v.m_data = std::make_shared<const std::vector<value>>(std::move(items));
  return v;
}

void value::wrong_type(std::string_view wanted) const {
  throw usage_error("value.wrong_type", "value of type " + std::string{type_name(m_type)} +
                                            " used as " + std::string{wanted});
}

double value::as_real() const {
  if (m_type == value_type::integer) return static_cast<double>(std::get<std::int64_t>(m_data));
  if (m_type != value_type::real) wrong_type("float");
  return std::get<double>(m_data);
}

bool value::as_bool() const {
  if (m_type != value_type::boolean) wrong_type("bool");
  return std::get<bool>(m_data);
}

const std::string& value::as_text() const {
  if (m_data.index() != 4) wrong_type("str");
  return std::get<std::string>(m_data);
}

const std::vector<value>& value::as_tuple() const {
  if (m_type != value_type::tuple) wrong_type("tuple");
  return *std::get<5>(m_data);
}

std::string value::repr() const {
  switch (m_data.index()) {
    case 0: return "None";
    case 1:
      if (m_type == value_type::interval) return interval_repr(std::get<std::int64_t>(m_data));
      return std::to_string(std::get<std::int64_t>(m_data));
    case 2: {
      char buffer[32];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, std::get<double>(m_data));
      std::string text{buffer, end};
      // Python prints 2.0, not 2.
      if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
      return text;
    }
    case 3: return std::get<bool>(m_data) ? "True" : "False";
    case 5: {
      // Python's: (1, 'a'), and (1,) for one item.
      const auto& items = *std::get<5>(m_data);
      std::string out = "(";
      for (std::size_t i = 0; i < items.size(); ++i) {
        out += (i == 0 ? "" : ", ") + items[i].repr();
      }
      return out + (items.size() == 1 ? ",)" : ")");
    }
    default: {
      std::string out = "'";
      for (char c : std::get<std::string>(m_data)) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
      }
      return out + "'";
    }
  }
}

std::size_t value::hash() const noexcept {
  const std::size_t seed = static_cast<std::size_t>(m_type) * 0x9e3779b97f4a7c15ULL;
  switch (m_data.index()) {
    case 1: return seed ^ std::hash<std::int64_t>{}(std::get<std::int64_t>(m_data));
    case 2: return seed ^ std::hash<double>{}(std::get<double>(m_data));
    case 3: return seed ^ std::hash<bool>{}(std::get<bool>(m_data));
    case 4: return seed ^ std::hash<std::string>{}(std::get<std::string>(m_data));
    case 5: {
      std::size_t h = seed;
      for (const value& item : *std::get<5>(m_data)) h = h * 31 + item.hash();
      return h;
    }
    default: return seed;
  }
}

}  // namespace nextorm

namespace nextorm::detail {

void throw_integer_range(std::int64_t n, std::int64_t min, std::int64_t max) {
  const std::string message =
      std::to_string(n) + " does not fit the C++ integer type it is read into (" +
      std::to_string(min) + " to " + std::to_string(max) +
      "): give the field or the result a wider type, or int_size{} to the attribute so that no "
      "larger value is stored";
  if (n > max) throw usage_error("value.too_large", message);
  throw usage_error("value.too_small", message);
}

}  // namespace nextorm::detail
