// PonyORM's to_dict as JSON, and objects created or changed from JSON (every value checked as
// an assignment).
#include <nextorm/entity.hpp>
#include <nextorm/errors.hpp>
#include <nextorm/json.hpp>

#include "common/suggest.hpp"
#include "materialize/object_access.hpp"
#include "session/session_impl.hpp"

#include <algorithm>

namespace nextorm {

namespace detail {

namespace {

nlohmann::json value_json(const value& v) {
  switch (v.type()) {
    case value_type::null: return nullptr;
    case value_type::integer: return v.as_int();
    case value_type::real: return v.as_real();
    case value_type::boolean: return v.as_bool();
    case value_type::json: return nlohmann::json::parse(v.as_text());
    case value_type::interval: return static_cast<double>(v.as_microseconds()) / 1e6;  // seconds
    case value_type::tuple: {
      nlohmann::json parts = nlohmann::json::array();
      for (const value& part : v.as_tuple()) parts.push_back(value_json(part));
      return parts;
    }
    default: return v.as_text();  // text, and decimals, dates, times, UUIDs as their text
  }
}

[[noreturn]] void throw_unknown(const entity_info& entity, const std::string& name,
                                const char* option) {
  std::vector<std::string> names;
  for (const attr_info& attr : entity.attrs) names.push_back(attr.name);
  throw usage_error("object.unknown_attribute", std::string{option} + ": " + entity.name +
                                                    " has no attribute '" + name + "'" +
                                                    did_you_mean(name, names));
}

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

nlohmann::json object_to_json(entity_base& object, const to_json_options& options) {
  const entity_info& entity = object.info();
  for (const auto* names : {&options.only, &options.exclude}) {
    for (const std::string& name : *names) {
      if (entity.find(name) == nullptr) {
        throw_unknown(entity, name, names == &options.only ? "only" : "exclude");
      }
    }
  }
  // A new object gets its key first (PonyORM flushes too).
  if (object.state() == object_state::created) session_of(object).flush();
  nlohmann::json out = nlohmann::json::object();
  for (const attr_info& attr : entity.attrs) {
    if (attr.discriminator) {  // (the class's value, as PonyORM's classtype)
      out[attr.name] = value_json(entity.discriminator_value);
      continue;
    }
    if (!options.only.empty() && !listed(options.only, attr.name)) continue;
    if (listed(options.exclude, attr.name)) continue;
    // Unless named in `only`: collections and lazy attributes are asked for.
    const bool named = listed(options.only, attr.name);
    if (attr.kind == attr_kind::set) {
      if (!named && !options.with_collections) continue;
      nlohmann::json items = nlohmann::json::array();
      for (entity_base* item :
           object_access::loaded_items(object_access::collection(object, attr))) {
        items.push_back(options.related_objects ? object_to_json(*item, {})
                                                : value_json(item->key()));
      }
      out[attr.name] = std::move(items);
      continue;
    }
    if (attr.is_lazy() && !named && !options.with_lazy) continue;
    if (attr.kind == attr_kind::single && options.related_objects) {
      entity_base* target = object_access::loaded_target(object_access::reference(object, attr));
      out[attr.name] = target != nullptr ? object_to_json(*target, {}) : nlohmann::json{};
      continue;
    }
    out[attr.name] = value_json(object_access::read(object, attr));
  }
  return out;
}

namespace {

param_value json_param(const entity_info& entity, const attr_info& attr, const nlohmann::json& v);

param_value json_scalar(const entity_info& entity, const attr_info& attr, const nlohmann::json& v) {
  auto refuse = [&](const char* wanted) -> param_value {
    throw usage_error("value.wrong_type", entity.name + "." + attr.name + " takes " + wanted +
                                              ", not the JSON " + v.dump());
  };
  if (v.is_null()) return param_value{};
  if (attr.type == value_type::json) return param_value{value::typed(value_type::json, v.dump())};
  switch (attr.type) {
    case value_type::integer:
      if (v.is_number_integer()) {
        return v.is_number_unsigned() && v.get<std::uint64_t>() > INT64_MAX
                   ? refuse("an integer of 64 bits")
                   : param_value{v.get<std::int64_t>()};
      }
      return refuse("an integer");
    case value_type::real: return v.is_number() ? param_value{v.get<double>()} : refuse("a number");
    case value_type::boolean:
      return v.is_boolean() ? param_value{v.get<bool>()} : refuse("true or false");
    case value_type::text:
      return v.is_string() ? param_value{v.get<std::string>()} : refuse("a string");
    case value_type::decimal:
      if (v.is_number_integer()) return param_value{value::typed(value_type::decimal, v.dump())};
      return v.is_string() ? param_value{value::typed(value_type::decimal, v.get<std::string>())}
                           : refuse("a decimal as a string (\"9.99\") or an integer");
    case value_type::interval:
      return v.is_number()
                 ? param_value{value::interval(static_cast<std::int64_t>(v.get<double>() * 1e6))}
                 : refuse("a number of seconds");
    default:  // dates, times, UUIDs, bytes: their text, checked by the field
      return v.is_string() ? param_value{value::typed(attr.type, v.get<std::string>())}
                           : refuse("a string");
  }
}

// A reference's value: its target's key (an array for a composite one), or null.
param_value json_key(const entity_info& entity, const attr_info& attr, const nlohmann::json& v) {
  // (A part of a composite key is a value, or itself a reference.)
  if (!attr.is_relation()) return json_scalar(entity, attr, v);
  const entity_info& target = *attr.target_entity;
  if (!target.composite_key()) return json_scalar(entity, *target.key_attrs.front(), v);
  // (A key of one attribute that refers to an entity with a composite key: that entity's key.)
  if (target.key_attrs.size() == 1) return json_key(target, *target.key_attrs.front(), v);
  if (!v.is_array() || v.size() != target.key_attrs.size()) {
    throw usage_error("value.wrong_type", entity.name + "." + attr.name + " takes the key of a " +
                                              target.name + ", an array of " +
                                              std::to_string(target.key_attrs.size()) +
                                              " values, not the JSON " + v.dump());
  }
  std::vector<value> parts;
  for (std::size_t i = 0; i < v.size(); ++i) {
    parts.push_back(json_key(target, *target.key_attrs[i], v[i]).scalar());
  }
  return param_value{value::tuple(std::move(parts))};
}

param_value json_param(const entity_info& entity, const attr_info& attr, const nlohmann::json& v) {
  if (attr.kind == attr_kind::set) {
    if (!v.is_array()) {
      throw usage_error(
          "value.wrong_type",
          entity.name + "." + attr.name + " takes an array of keys, not the JSON " + v.dump());
    }
    std::vector<param_value> keys;
    for (const nlohmann::json& item : v) keys.push_back(json_key(entity, attr, item));
    return param_value{std::move(keys)};
  }
  if (attr.kind == attr_kind::single)
    return v.is_null() ? param_value{} : json_key(entity, attr, v);
  return json_scalar(entity, attr, v);
}

}  // namespace

params json_params(const entity_info& entity, const nlohmann::json& values) {
  if (!values.is_object()) {
    throw usage_error("value.wrong_type",
                      entity.name + ": values come as a JSON object, not " + values.dump());
  }
  params out;
  for (const auto& [name, v] : values.items()) {
    const attr_info* attr = entity.find(name);
    if (attr == nullptr) throw_unknown(entity, name, "from JSON");
    out.emplace(name, json_param(entity, *attr, v));
  }
  return out;
}

}  // namespace detail

}  // namespace nextorm
