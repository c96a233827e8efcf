// JSON columns as nlohmann::json fields: `Opt<nlohmann::json> tags{"tags"}`. A header of its own,
// so that only programs with JSON fields need nlohmann/json's headers. Values compare as JSON
// (PostgreSQL's JSONB reorders keys and spaces), and are stored as compact text.
#pragma once

#include <nextorm/detail/value_traits.hpp>

#include <nlohmann/json.hpp>

namespace nextorm::detail {

template <>
struct value_traits<nlohmann::json> {
  static constexpr value_type type = value_type::json;
  static value to_value(const nlohmann::json& v) { return value::typed(type, v.dump()); }
  // Text that is not JSON throws usage_error("value.bad_json").
  static nlohmann::json from_value(const value& v) {
    try {
      return nlohmann::json::parse(v.as_text());
    } catch (const nlohmann::json::parse_error& e) {
      throw usage_error("value.bad_json", "'" + v.as_text() + "' is not JSON: " + e.what());
    }
  }
};

}  // namespace nextorm::detail
