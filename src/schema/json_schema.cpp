// The JSON schema the CLI reads. Every malformed input becomes a schema_error that names the
// entity and attribute; no nlohmann exception leaves this file.
#include <nextorm/errors.hpp>
#include <nextorm/registry.hpp>

#include "common/suggest.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace nextorm {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const char* id, const std::string& message) {
  throw schema_error{id, message};
}

// Where a value sits, for messages: "entity Product, attribute name: ".
struct context {
  std::string prefix;

  [[noreturn]] void shape(std::string_view field, std::string_view expected,
                          const json& got) const {
    fail("schema.json_shape", prefix + "'" + std::string{field} + "' must be " +
                                  std::string{expected} + ", got " + got.type_name());
  }

  void check_fields(const json& object, const std::vector<std::string>& known) const {
    for (const auto& item : object.items()) {
      if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
        fail("schema.unknown_field",
             prefix + "unknown field '" + item.key() + "'" + did_you_mean(item.key(), known));
      }
    }
  }

  [[nodiscard]] std::string text(const json& object, const char* field) const {
    const json& v = object.at(field);
    if (!v.is_string()) shape(field, "a string", v);
    return v.get<std::string>();
  }

  [[nodiscard]] bool flag(const json& object, const char* field) const {
    auto it = object.find(field);
    if (it == object.end()) return false;
    if (!it->is_boolean()) shape(field, "true or false", *it);
    return it->get<bool>();
  }

  [[nodiscard]] std::optional<std::uint64_t> count(const json& object, const char* field,
                                                   std::uint64_t max) const {
    auto it = object.find(field);
    if (it == object.end()) return std::nullopt;
    const std::string expected = "an integer from 0 to " + std::to_string(max);
    if (!it->is_number_unsigned()) shape(field, expected, *it);
    const auto v = it->get<std::uint64_t>();
    if (v > max) {
      fail("schema.json_shape",
           prefix + "'" + field + "' must be " + expected + ", got " + std::to_string(v));
    }
    return v;
  }
};

struct named_kind {
  const char* name;
  attr_kind kind;
};
constexpr named_kind kinds[] = {{"PK", attr_kind::pk},
                                {"Req", attr_kind::req},
                                {"Opt", attr_kind::opt},
                                {"Single", attr_kind::single},
                                {"Set", attr_kind::set}};

constexpr value_type types[] = {value_type::integer,  value_type::real,    value_type::text,
                                value_type::boolean,  value_type::decimal, value_type::date,
                                value_type::datetime, value_type::time,    value_type::bytes,
                                value_type::uuid,     value_type::json,    value_type::interval};

attr_kind read_kind(const context& at, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& k : kinds) {
    if (name == k.name) return k.kind;
    names.emplace_back(k.name);
  }
  // (A Req whose value is its class's: read_attr marks it.)
  if (name == "Discriminator") return attr_kind::req;
  names.emplace_back("Discriminator");
  names.emplace_back("Computed");
  names.emplace_back("Method");
  fail("schema.unknown_kind",
       at.prefix + "unknown kind '" + name + "'" + did_you_mean(name, names));
}

value_type read_type(const context& at, const std::string& name) {
  std::vector<std::string> names;
  for (value_type t : types) {
    if (name == type_name(t)) return t;
    names.emplace_back(type_name(t));
  }
  names.emplace_back("enum");
  names.emplace_back("LongStr");
  fail("schema.unknown_type",
       at.prefix + "unknown type '" + name + "'" + did_you_mean(name, names));
}

value read_scalar(const context& at, const char* field, const json& v) {
  switch (v.type()) {
    case json::value_t::null: return value{};
    case json::value_t::boolean: return value{v.get<bool>()};
    case json::value_t::string: return value{v.get<std::string>()};
    case json::value_t::number_integer: return value{v.get<std::int64_t>()};
    case json::value_t::number_unsigned: {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail("schema.json_shape",
             at.prefix + "'" + field + "' " + std::to_string(u) + " does not fit a 64-bit integer");
      }
      return value{static_cast<std::int64_t>(u)};
    }
    case json::value_t::number_float: return value{v.get<double>()};
    default: at.shape(field, "a JSON scalar (number, string, true, false or null)", v);
  }
}

const std::vector<std::string> attr_fields = {
    "name",           "kind",           "type",        "reverse", "column",   "table",
    "reverse_column", "max_len",        "precision",   "scale",   "unique",   "index",
    "nullable",       "optional",       "auto",        "default", "min",      "max",
    "autostrip",      "cascade_delete", "fk_name",     "size",    "unsigned", "sql_type",
    "sql_default",    "generate",       "values",      "columns", "lazy",     "volatile",
    "optimistic",     "version",        "renamed_from"};

attr_info read_attr(const std::string& entity_prefix, std::size_t position, const json& object) {
  context at{entity_prefix + "attribute #" + std::to_string(position) + ": "};
  if (!object.is_object()) at.shape("attribute", "a JSON object", object);
  if (!object.contains("name")) fail("schema.missing_field", at.prefix + "missing \"name\"");
  attr_info attr;
  attr.name = at.text(object, "name");
  at.prefix = entity_prefix + "attribute " + attr.name + ": ";
  at.check_fields(object, attr_fields);
  if (!object.contains("kind")) fail("schema.missing_field", at.prefix + "missing \"kind\"");
  attr.kind = read_kind(at, at.text(object, "kind"));
  attr.discriminator = at.text(object, "kind") == "Discriminator";
  if (!object.contains("type")) {
    fail("schema.missing_field", at.prefix +
                                     "missing \"type\" (a type name, or the target "
                                     "entity of a Single or Set)");
  }
  const std::string type = at.text(object, "type");
  if (attr.is_relation()) {
    attr.target = type;
  } else if (type == "enum") {
    // An enumeration: a str that holds one of "values" (C++: a named enum, enums.hpp).
    attr.type = value_type::text;
    auto it = object.find("values");
    const char* expected = "a list of one or more names";
    if (it == object.end()) fail("schema.missing_field", at.prefix + "an enum needs \"values\"");
    if (!it->is_array() || it->empty()) at.shape("values", expected, *it);
    for (const json& name : *it) {
      if (!name.is_string()) at.shape("values", expected, name);
      attr.enum_values.push_back(name.get<std::string>());
    }
  } else if (type == "LongStr") {
    // PonyORM's LongStr: a str of any length, lazy unless "lazy": false.
    attr.type = value_type::text;
    attr.long_str = true;
  } else {
    attr.type = read_type(at, type);
    if (object.contains("values")) {
      fail("schema.option_kind", at.prefix + "'values' applies only to \"type\": \"enum\"");
    }
  }
  if (object.contains("reverse")) attr.reverse = at.text(object, "reverse");
  if (object.contains("column")) attr.column = at.text(object, "column");
  // "columns": ["a", "b"], PonyORM's columns of a reference to an entity with a composite key.
  if (auto it = object.find("columns"); it != object.end()) {
    const char* expected = "a list of one or more column names";
    if (!it->is_array() || it->empty()) at.shape("columns", expected, *it);
    for (const json& name : *it) {
      if (!name.is_string()) at.shape("columns", expected, name);
      attr.columns.push_back(name.get<std::string>());
    }
  }
  if (object.contains("table")) attr.table = at.text(object, "table");
  if (object.contains("reverse_column")) attr.reverse_column = at.text(object, "reverse_column");
  if (object.contains("fk_name")) attr.fk_name = at.text(object, "fk_name");
  if (object.contains("renamed_from")) attr.renamed_from = at.text(object, "renamed_from");
  if (object.contains("sql_type")) attr.sql_type = at.text(object, "sql_type");
  if (object.contains("sql_default")) attr.sql_default = at.text(object, "sql_default");
  if (auto bits = at.count(object, "size", 64)) attr.int_size = static_cast<std::uint8_t>(*bits);
  attr.is_unsigned = at.flag(object, "unsigned");
  if (auto n = at.count(object, "max_len", std::numeric_limits<std::uint32_t>::max())) {
    attr.max_len = static_cast<std::uint32_t>(*n);
  }
  const auto precision = at.count(object, "precision", 255);
  const auto scale = at.count(object, "scale", 255);
  if (precision) attr.precision = static_cast<std::uint8_t>(*precision);
  if (scale) attr.scale = static_cast<std::uint8_t>(*scale);
  // PonyORM: Decimal(10) has scale 2; say "scale": 0 for whole numbers.
  if (precision && !scale) attr.scale = std::min<std::uint8_t>(2, attr.precision);
  attr.unique = at.flag(object, "unique");
  attr.indexed = at.flag(object, "index");
  attr.nullable = at.flag(object, "nullable");
  attr.optional = at.flag(object, "optional");
  attr.auto_increment = at.flag(object, "auto");
  if (auto it = object.find("default"); it != object.end()) {
    attr.default_value = read_scalar(at, "default", *it);
  }
  if (auto it = object.find("min"); it != object.end())
    attr.min_value = read_scalar(at, "min", *it);
  if (auto it = object.find("max"); it != object.end())
    attr.max_value = read_scalar(at, "max", *it);
  if (object.contains("autostrip")) attr.autostrip = at.flag(object, "autostrip");
  if (object.contains("lazy")) attr.lazy = at.flag(object, "lazy");
  attr.is_volatile = at.flag(object, "volatile");
  if (object.contains("optimistic")) attr.optimistic = at.flag(object, "optimistic");
  attr.is_version = at.flag(object, "version");
  if (object.contains("cascade_delete")) attr.cascade_delete = at.flag(object, "cascade_delete");
  // "generate": "uuid4" or "uuid7": a uuid that create() makes.
  if (object.contains("generate")) {
    const std::string how = at.text(object, "generate");
    if (how == "uuid4") {
      attr.generate = key_generator::uuid4;
    } else if (how == "uuid7") {
      attr.generate = key_generator::uuid7;
    } else {
      fail("schema.unknown_generator",
           at.prefix + "unknown \"generate\" '" + how + "'" +
               did_you_mean(how, std::vector<std::string>{"uuid4", "uuid7"}) + " (uuid4 or uuid7)");
    }
  }
  return attr;
}

// {"name": "full_name", "kind": "Computed", "type": "str", "text": "self.first + ' ' + self.last"}
// and {"kind": "Method", "params": ["float"], "text": "lambda p, limit: ..."}: "type" is a value
// type or an entity (with "many": true, a collection of its objects), "params" the types of a
// method's parameters ("any" for none in particular).
computed_info read_computed(const std::string& entity_prefix, const json& object) {
  computed_info c;
  c.name = context{entity_prefix}.text(object, "name");
  context at{entity_prefix + "computed attribute " + c.name + ": "};
  const bool method = at.text(object, "kind") == "Method";
  at.check_fields(object, {"name", "kind", "type", "many", "params", "text"});
  if (!object.contains("text")) {
    fail("schema.missing_field", at.prefix + "missing \"text\" (its expression)");
  }
  c.text = at.text(object, "text");
  if (object.contains("type")) {
    const std::string type = at.text(object, "type");
    bool named = false;
    for (value_type t : types) {
      if (type == type_name(t)) {
        c.type = t;
        named = true;
      }
    }
    if (!named) c.target = type;  // an entity, checked by finalize()
  }
  c.many = at.flag(object, "many");
  if (c.many && c.target.empty()) {
    fail("schema.computed", at.prefix + "\"many\" needs the entity of the items as \"type\"");
  }
  auto it = object.find("params");
  if (it != object.end() && !method) {
    fail("schema.option_kind", at.prefix + "'params' applies only to \"kind\": \"Method\"");
  }
  if (method) {
    const char* expected = "a list of one or more type names";
    if (it == object.end()) {
      fail("schema.missing_field", at.prefix + "a Method needs \"params\", their types");
    }
    if (!it->is_array() || it->empty()) at.shape("params", expected, *it);
    for (const json& type : *it) {
      if (!type.is_string()) at.shape("params", expected, type);
      const std::string name = type.get<std::string>();
      c.params.push_back(name == "any" ? value_type::null : read_type(at, name));
    }
  }
  return c;
}

bool is_computed(const json& object) {
  if (!object.is_object()) return false;
  auto it = object.find("kind");
  return it != object.end() && it->is_string() && (*it == "Computed" || *it == "Method");
}

entity_info read_entity(std::size_t position, const json& object) {
  context at{"entity #" + std::to_string(position) + ": "};
  if (!object.is_object()) at.shape("entity", "a JSON object", object);
  if (!object.contains("name")) fail("schema.missing_field", at.prefix + "missing \"name\"");
  entity_info entity;
  entity.name = at.text(object, "name");
  at.prefix = "entity " + entity.name + ": ";
  at.check_fields(object, {"name", "table", "base", "discriminator", "attrs", "primary_key",
                           "composite_keys", "composite_indexes", "renamed_from"});
  if (object.contains("table")) entity.table = at.text(object, "table");
  if (object.contains("renamed_from")) entity.renamed_from = at.text(object, "renamed_from");
  // Inheritance: "base": "Person" (PonyORM's class Student(Person)), or a list of bases of one
  // hierarchy (class Assistant(Student, Teacher)), and the value of the discriminator column for
  // this class (PonyORM's _discriminator_; the entity's name if none).
  if (auto it = object.find("base"); it != object.end()) {
    const char* expected = "an entity name or a non-empty list of them";
    if (it->is_array()) {
      if (it->empty()) at.shape("base", expected, *it);
      for (const json& name : *it) {
        if (!name.is_string()) at.shape("base", expected, name);
        (&name == &it->front() ? entity.base : entity.more_bases.emplace_back()) =
            name.get<std::string>();
      }
    } else {
      entity.base = at.text(object, "base");
    }
  }
  // (A number for a hierarchy whose root declares an int Discriminator.)
  if (auto it = object.find("discriminator"); it != object.end()) {
    if (it->is_number_integer()) {
      entity.discriminator = read_scalar(at, "discriminator", *it);
    } else if (it->is_string()) {
      entity.discriminator = it->get<std::string>();
    } else {
      at.shape("discriminator", "a string or an integer", *it);
    }
  }
  // "composite_keys": [["first", "last"]], PonyORM's composite_key(first, last); likewise
  // "composite_indexes" for composite_index.
  for (const char* field : {"composite_keys", "composite_indexes"}) {
    auto it = object.find(field);
    if (it == object.end()) continue;
    const char* expected = "a list of lists of attribute names";
    if (!it->is_array()) at.shape(field, expected, *it);
    for (const json& names : *it) {
      if (!names.is_array()) at.shape(field, expected, names);
      composite_index_info index;
      index.unique = std::string_view{field} == "composite_keys";
      for (const json& name : names) {
        if (!name.is_string()) at.shape(field, expected, name);
        index.attrs.push_back(name.get<std::string>());
      }
      entity.composite_indexes.push_back(std::move(index));
    }
  }
  // "primary_key": ["student", "course"], PonyORM's PrimaryKey(student, course).
  if (auto it = object.find("primary_key"); it != object.end()) {
    const char* expected = "a list of attribute names";
    if (!it->is_array()) at.shape("primary_key", expected, *it);
    // (An empty list would otherwise read as none at all.)
    if (it->empty()) {
      fail("schema.primary_key",
           at.prefix +
               "primary_key needs at least two attributes (a single one: declare it as "
               "the PK)");
    }
    for (const json& name : *it) {
      if (!name.is_string()) at.shape("primary_key", expected, name);
      entity.primary_key.push_back(name.get<std::string>());
    }
  }
  if (auto it = object.find("attrs"); it != object.end()) {
    if (!it->is_array()) at.shape("attrs", "a list of attributes", *it);
    const std::string prefix = "entity " + entity.name + ", ";
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& attr = (*it)[i];
      if (is_computed(attr)) {
        if (!attr.contains("name")) {
          fail("schema.missing_field",
               prefix + "attribute #" + std::to_string(i + 1) + ": missing \"name\"");
        }
        entity.computed.push_back(read_computed("entity " + entity.name + ": ", attr));
      } else {
        entity.attrs.push_back(read_attr(prefix, i + 1, attr));
      }
    }
  }
  return entity;
}

std::vector<entity_info> read_schema(const json& doc) {
  const context at{"JSON schema: "};
  if (!doc.is_object()) at.shape("the schema", "a JSON object with \"entities\"", doc);
  at.check_fields(doc, {"entities"});
  auto it = doc.find("entities");
  if (it == doc.end()) fail("schema.missing_field", at.prefix + "missing \"entities\"");
  if (!it->is_array()) at.shape("entities", "a list of entities", *it);
  std::vector<entity_info> entities;
  for (std::size_t i = 0; i < it->size(); ++i) entities.push_back(read_entity(i + 1, (*it)[i]));
  return entities;
}

}  // namespace

void registry::load_json_text(std::string_view json_text) {
  json doc;
  try {
    doc = json::parse(json_text.begin(), json_text.end());
  } catch (const json::exception& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 5: ...":
    // keep what follows the bracketed id. Not only parse_error: a number beyond a double
    // (1e400) is out_of_range.406.
    const std::string what = e.what();
    fail("schema.json_syntax", "JSON schema: " + what.substr(what.find("] ") + 2));
  }
  std::vector<entity_info> entities = read_schema(doc);
  // All or nothing: a schema that fails halfway leaves the registry as it was.
  const std::size_t before = m_entities.size();
  try {
    for (auto& entity : entities) add(std::move(entity));
  } catch (...) {
    m_entities.erase(m_entities.begin() + static_cast<std::ptrdiff_t>(before), m_entities.end());
    m_declared.erase(m_declared.begin() + static_cast<std::ptrdiff_t>(before), m_declared.end());
    throw;
  }
}

void registry::load_json_file(const std::filesystem::path& path) {
  std::error_code ec;
  std::ifstream in{path, std::ios::binary};
  if (!std::filesystem::is_regular_file(path, ec) || !in) {
    fail("schema.file", "cannot read the schema file '" + path.string() + "'");
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    load_json_text(text.str());
  } catch (const schema_error& e) {
    throw schema_error{e.id(), path.string() + ": " + e.message()};
  }
}

}  // namespace nextorm
