#include "cli/params_json.hpp"

#include "cli/usage_failure.hpp"
#include "common/suggest.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/types.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace nextorm::cli {
namespace {

using json = nlohmann::json;

// Where a value sits: "'ids'[2]", for messages.
struct location {
  std::string_view option;  // "--params", "--filter-kw", ...
  std::string path;
  [[noreturn]] void fail(const std::string& message) const {
    throw usage_failure{std::string{option} + ": " + path + ": " + message};
  }
  [[nodiscard]] location at(std::size_t index) const {
    return location{option, path + "[" + std::to_string(index) + "]"};
  }
};

// `pattern` spells the accepted text: 9 is a digit, F an optional fraction ".d{1,6}" at the end,
// any other character stands for itself.
bool matches(std::string_view text, std::string_view pattern) {
  std::size_t i = 0;
  for (char p : pattern) {
    if (p == 'F') {
      if (i == text.size()) return true;
      if (text[i] != '.') return false;
      const std::size_t digits = text.size() - i - 1;
      if (digits < 1 || digits > 6) return false;
      for (++i; i < text.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
      }
      return true;
    }
    if (i == text.size()) return false;
    const char c = text[i++];
    if (p == '9' ? !std::isdigit(static_cast<unsigned char>(c)) : c != p) return false;
  }
  return i == text.size();
}

bool is_decimal(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  const auto dot = text.find('.');
  auto digits = [](std::string_view part) {
    if (part.empty()) return false;
    for (char c : part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
  };
  return digits(text.substr(0, dot)) &&
         (dot == std::string_view::npos || digits(text.substr(dot + 1)));
}

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// 8-4-4-4-12 hex digits.
bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !is_hex(text[i])) return false;
  }
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = hex_digit(text[i]);
    const int low = hex_digit(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
  }
  return out;
}

// A typed value written as text: its tag, the form it must have, and how people write it.
struct text_form {
  std::string_view tag;
  value_type type;
  std::string_view example;
};

constexpr text_form text_forms[] = {
    {"$date", value_type::date, "\"2020-01-31\""},
    {"$datetime", value_type::datetime, "\"2020-01-31 12:30:00\" (or with 'T'; .ffffff allowed)"},
    {"$time", value_type::time, "\"12:30:00\" (.ffffff allowed)"},
    {"$decimal", value_type::decimal, "\"12.50\""},
    {"$uuid", value_type::uuid, "\"123e4567-e89b-12d3-a456-426614174000\""},
    {"$bytes", value_type::bytes, "hex digits, \"00ff\""},
};
constexpr std::string_view sequence_tag = "$tuple";
constexpr std::string_view entity_tag = "$entity";
constexpr std::string_view timedelta_tag = "$timedelta";
constexpr std::string_view query_tag = "$query";
constexpr std::string_view json_tag = "$json";

// Whether `T{text}` reads it: the form alone lets "2020-02-30" or "25:61:00" through.
template <class T>
bool reads_as(const std::string& text) {
  try {
    (void)T{text};
    return true;
  } catch (const usage_error&) {
    return false;
  }
}

// The canonical text of a typed value, or nothing when `text` does not have the type's form or
// names no real day or time of day.
std::optional<std::string> canonical(value_type type, std::string text) {
  switch (type) {
    case value_type::date:
      if (matches(text, "9999-99-99") && reads_as<date>(text)) return text;
      break;
    case value_type::datetime:
      // PonyORM stores str(datetime): a space between date and time.
      if (text.size() > 10 && text[10] == 'T') text[10] = ' ';
      if (matches(text, "9999-99-99 99:99:99F") && reads_as<datetime>(text)) return text;
      break;
    case value_type::time:
      if (matches(text, "99:99:99F") && reads_as<time_of_day>(text)) return text;
      break;
    case value_type::decimal:
      if (is_decimal(text)) return text;
      break;
    case value_type::uuid:
      if (is_uuid(text)) return text;
      break;
    default:  // bytes
      return from_hex(text);
  }
  return std::nullopt;
}

// The DOM, built as nlohmann's own builder does, with three checks on the way: the nesting depth
// (read_value recurses, so a 20 KB "[[[[...]]]]" would otherwise end the process), integers of
// 2^64 and more (nlohmann reads them as floats) and floats beyond a double.
class checked_dom : public nlohmann::detail::json_sax_dom_parser<json> {
 public:
  checked_dom(json& root, std::string prefix)
      : json_sax_dom_parser{root}, m_prefix{std::move(prefix)} {}

  bool start_object(std::size_t n) {
    enter();
    return json_sax_dom_parser::start_object(n);
  }
  bool start_array(std::size_t n) {
    enter();
    return json_sax_dom_parser::start_array(n);
  }
  bool end_object() {
    --m_depth;
    return json_sax_dom_parser::end_object();
  }
  bool end_array() {
    --m_depth;
    return json_sax_dom_parser::end_array();
  }

  bool number_float(double v, const std::string& text) {
    if (text.find_first_of(".eE") == std::string::npos) {
      throw usage_failure{m_prefix + "the integer " + text + " does not fit in 64 bits"};
    }
    return json_sax_dom_parser::number_float(v, text);
  }

  // nlohmann reports a float beyond a double's range (1e400) as out_of_range.406.
  bool parse_error(std::size_t, const std::string& token, const nlohmann::detail::out_of_range&) {
    throw usage_failure{m_prefix + "the number " + token + " is beyond the range of a float"};
  }
  template <class Exception>
  bool parse_error(std::size_t at, const std::string& token, const Exception& e) {
    return json_sax_dom_parser::parse_error(at, token, e);
  }

 private:
  void enter() {
    if (++m_depth > max_params_depth) {
      throw usage_failure{m_prefix + "the JSON is nested more than " +
                          std::to_string(max_params_depth) + " levels deep"};
    }
  }

  std::string m_prefix;
  std::size_t m_depth = 0;
};

param_value read_value(const json& v, const location& at, const registry& schema);

value read_scalar(const json& v, const location& at) {
  switch (v.type()) {
    case json::value_t::null: return value{};
    case json::value_t::boolean: return value{v.get<bool>()};
    case json::value_t::string: return value{v.get<std::string>()};
    case json::value_t::number_integer: return value{v.get<std::int64_t>()};
    case json::value_t::number_unsigned: {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        at.fail("the integer " + std::to_string(u) + " does not fit in 64 bits");
      }
      return value{static_cast<std::int64_t>(u)};
    }
    default: return value{v.get<double>()};  // number_float; containers never come here
  }
}

param_value read_sequence(const json& items, const location& at, const registry& schema) {
  std::vector<param_value> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    out.push_back(read_value(items[i], at.at(i), schema));
  }
  return param_value{std::move(out)};
}

// The key of `entity` in an $entity: one non-null value of its attribute's type (for a key
// that is a reference, its target's key, an array where that key is composite), or for a key of
// several attributes an array of their parts, in the key's order (as E[a, b] in PonyORM); a part
// that refers to an entity with a composite key is an array in turn. `fail_at` is where a wrong
// single value is reported.
value read_key(const entity_info& entity, const json& v, const location& at,
               const location& fail_at, const registry& schema) {
  const auto& keys = entity.key_attrs;
  auto scalar_part = [&](const json& part, const location& part_at, const location& part_fail_at,
                         const attr_info& attr) {
    const param_value key = read_value(part, part_at, schema);
    if (!key.is_scalar() || key.scalar().is_null()) {
      part_fail_at.fail("the key of an $entity must be a single non-null value, got " +
                        part.dump());
    }
    const value& k = key.scalar();
    if (k.type() != attr.type) {
      part_fail_at.fail("the key of " + entity.name +
                        (keys.size() > 1 ? " has " + attr.name + " of type " : " has type ") +
                        std::string{type_name(attr.type)} + ", got " +
                        std::string{type_name(k.type())} + " " + part.dump());
    }
    return k;
  };
  if (keys.size() == 1) {
    // (A key of one attribute that refers to an entity with a composite key: that entity's key.)
    return keys.front()->reference_columns.empty()
               ? scalar_part(v, at, fail_at, *keys.front())
               : read_key(*keys.front()->target_entity, v, at, fail_at, schema);
  }
  if (!v.is_array() || v.size() != keys.size()) {
    std::string names;
    for (const attr_info* key : keys) names += (names.empty() ? "" : ", ") + key->name;
    fail_at.fail("the key of " + entity.name + " has " + std::to_string(keys.size()) +
                 " attributes (" + names + "): give their values as a JSON array, got " + v.dump());
  }
  std::vector<value> parts;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const location part_at = at.at(i);
    parts.push_back(keys[i]->reference_columns.empty()
                        ? scalar_part(v[i], part_at, part_at, *keys[i])
                        : read_key(*keys[i]->target_entity, v[i], part_at, part_at, schema));
  }
  return value::tuple(std::move(parts));
}

param_value read_entity(const json& v, const location& at, const registry& schema) {
  if (!v.is_array() || v.size() != 2 || !v[0].is_string()) {
    at.fail("$entity expects [\"Entity\", key], got " + v.dump());
  }
  const std::string name = v[0].get<std::string>();
  const entity_info* entity = schema.find(name);
  if (entity == nullptr) {
    std::vector<std::string> names;
    for (const auto& e : schema.entities()) names.push_back(e->name);
    at.fail("unknown entity '" + name + "' in $entity" + did_you_mean(name, names));
  }
  return param_value{entity_ref{entity, read_key(*entity, v[1], at.at(1), at, schema)}};
}

// A query as a parameter, the source of a loop of the query that names it (PonyORM's query
// over a query's result): its text, or {"text": ..., "params": {...}} with its own parameters.
param_value read_query(const json& v, const location& at, const registry& schema) {
  auto q = std::make_shared<nested_query>();
  const bool plain = v.is_string();
  const bool full = v.is_object() && v.contains("text") && v["text"].is_string() &&
                    v.size() == (v.contains("params") ? 2U : 1U);
  if (!plain && !full) {
    at.fail(
        "$query expects a query's text, \"s for s in Student if s.gpa > 3.5\", or {\"text\": "
        "\"...\", \"params\": {...}}, got " +
        v.dump());
  }
  q->text = plain ? v.get<std::string>() : v["text"].get<std::string>();
  if (full && v.contains("params")) {
    const json& args = v["params"];
    if (!args.is_object()) at.fail("$query's params must be a JSON object, got " + args.dump());
    for (const auto& [name, arg] : args.items()) {
      q->args.emplace(
          name, read_value(arg, location{at.option, at.path + ".params['" + name + "']"}, schema));
    }
  }
  return param_value{std::shared_ptr<const nested_query>{std::move(q)}};
}

param_value read_tagged(const json& object, const location& at, const registry& schema) {
  const std::string& tag = object.begin().key();
  const json& v = object.begin().value();
  if (tag == sequence_tag) {
    if (!v.is_array()) at.fail("$tuple expects a JSON array, got " + v.dump());
    return read_sequence(v, at, schema);
  }
  if (tag == entity_tag) return read_entity(v, at, schema);
  if (tag == query_tag) return read_query(v, at, schema);
  if (tag == json_tag) {
    // Any JSON value, kept as its compact text with sorted keys (PonyORM's form on SQLite).
    return param_value{value::typed(value_type::json, v.dump())};
  }
  if (tag == timedelta_tag) {
    try {
      if (v.is_string()) {
        return param_value{value::interval(timedelta_from_text(v.get<std::string>()).count())};
      }
    } catch (const usage_error&) {
    }
    at.fail(
        "$timedelta expects Python's str(timedelta), \"1 day, 2:30:00\" or \"-0:00:01.5\", "
        "got " +
        v.dump());
  }
  std::vector<std::string> tags{std::string{sequence_tag}, std::string{entity_tag},
                                std::string{timedelta_tag}, std::string{query_tag},
                                std::string{json_tag}};
  for (const auto& form : text_forms) {
    if (tag == form.tag) {
      auto text = v.is_string() ? canonical(form.type, v.get<std::string>()) : std::nullopt;
      if (!text) {
        at.fail(std::string{form.tag} + " expects " + std::string{form.example} + ", got " +
                v.dump());
      }
      return param_value{value::typed(form.type, std::move(*text))};
    }
    tags.emplace_back(form.tag);
  }
  at.fail("unknown typed value '" + tag + "'" + did_you_mean(tag, tags));
}

param_value read_value(const json& v, const location& at, const registry& schema) {
  if (v.is_array()) return read_sequence(v, at, schema);
  if (v.is_object()) {
    if (v.size() != 1 || !v.begin().key().starts_with("$")) {
      at.fail("a JSON object must be one typed value such as {\"$date\": \"2020-01-31\"}, got " +
              v.dump());
    }
    return read_tagged(v, at, schema);
  }
  return param_value{read_scalar(v, at)};
}

}  // namespace

params parse_params(std::string_view json_text, const registry& schema, std::string_view option) {
  const std::string prefix = std::string{option} + ": ";
  json doc;
  try {
    checked_dom dom{doc, prefix};
    json::sax_parse(json_text.begin(), json_text.end(), &dom);
  } catch (const json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 5: ...".
    const std::string what = e.what();
    throw usage_failure{prefix + what.substr(what.find("] ") + 2)};
  }
  if (!doc.is_object()) {
    throw usage_failure{prefix + "expected a JSON object of names and values, got " +
                        std::string{doc.type_name()}};
  }
  params out;
  for (const auto& [name, v] : doc.items())
    out.emplace(name, read_value(v, location{option, "'" + name + "'"}, schema));
  return out;
}

}  // namespace nextorm::cli
