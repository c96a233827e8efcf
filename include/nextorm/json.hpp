// JSON columns as nlohmann::json fields: `Opt<nlohmann::json> tags{"tags"}`. A header of its own,
// so that only programs with JSON fields need nlohmann/json's headers. Values compare as JSON
// (PostgreSQL's JSONB reorders keys and spaces), and are stored as compact text.
#pragma once

#include <nextorm/detail/value_traits.hpp>
#include <nextorm/entity.hpp>
#include <nextorm/params.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

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

namespace nextorm {

// PonyORM's to_dict options: `only` these attributes (a collection or a lazy attribute named
// here is given too), or all but those in `exclude`; collections (as lists of keys) only
// `with_collections`; lazy attributes not read yet only `with_lazy`; `related_objects`: a
// reference (and a collection's items) as the object's own JSON (one level) rather than its key.
struct to_json_options {
  std::vector<std::string> only{};
  std::vector<std::string> exclude{};
  bool with_collections = false;
  bool with_lazy = false;
  bool related_objects = false;
};

namespace detail {
[[nodiscard]] nlohmann::json object_to_json(entity_base& object, const to_json_options& options);
// A JSON object's members as the values of keyword create() and set(), converted by each
// attribute's type (value.wrong_type naming both where a JSON value does not fit).
[[nodiscard]] params json_params(const entity_info& entity, const nlohmann::json& values);
}  // namespace detail

// An object as a JSON object, attribute by attribute: numbers, strings, booleans and null as
// themselves, decimals, dates, times and UUIDs as their text, a timedelta as seconds, a JSON
// attribute as its JSON, a reference as its target's key (an array for a composite one). A new
// object is flushed first, so that its key is known. An unknown name in `only` or `exclude` is
// object.unknown_attribute.
[[nodiscard]] inline nlohmann::json to_json(entity_base& object,
                                            const to_json_options& options = {}) {
  return detail::object_to_json(object, options);
}

// A new object of E from a JSON object (`{"title": "x", "price": "9.90", "author": 1}`): each
// member converted by its attribute's type and checked as an assignment, as create() checks
// keyword values; on any error no object is made.
template <class E>
[[nodiscard]] E& create_from_json(const nlohmann::json& values) {
  return E::create(detail::json_params(detail::entity_in_session(E::type_tag()), values));
}

// Changes `object`'s attributes to the members of a JSON object, as obj.set() does.
inline void update_from_json(entity_base& object, const nlohmann::json& values) {
  detail::set_object(object, detail::json_params(object.info(), values));
}

}  // namespace nextorm
