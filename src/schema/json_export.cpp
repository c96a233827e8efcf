// The registry written as the JSON schema it could have been loaded from (docs/json-schema.md):
// what each entity declared, not what finalize() resolved from it, so that loading the text
// gives the same registry on any provider.
#include <nextorm/registry.hpp>
#include <nextorm/types.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <set>
#include <string>

namespace nextorm {

namespace {

using json = nlohmann::ordered_json;

// A decimal's digits as the nearest double; from_chars, not stod: stod reads by the program's
// locale (a ',' decimal point would cut "0.5" to 0).
double as_double(const std::string& digits) {
  double v = 0;
  (void)std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return v;
}

// A default, min or max as the JSON schema reads it: numbers and booleans as themselves, every
// text-carried type as its text. A decimal bound is a number there (min and max are numbers).
json scalar(const value& v, bool bound) {
  switch (v.type()) {
    case value_type::null: return nullptr;
    case value_type::integer: return v.as_int();
    case value_type::real: return v.as_real();
    case value_type::boolean: return v.as_bool();
    case value_type::decimal:
      if (bound) return as_double(v.as_text());
      return v.as_text();
    case value_type::interval:  // Python's str(timedelta), which the schema reads back
      return timedelta_text(std::chrono::microseconds{v.as_microseconds()});
    default: return v.as_text();
  }
}

// PonyORM's implicit key, which add() gives an entity that declares none.
bool is_implicit_id(const attr_info& attr) {
  return attr.name == "id" && attr.kind == attr_kind::pk && attr.type == value_type::integer &&
         attr.auto_increment && attr.column.empty() && attr.sql_type.empty();
}

json attribute(const attr_info& attr) {
  json a;
  a["name"] = attr.name;
  a["kind"] = attr.discriminator ? std::string{"Discriminator"} : std::string{kind_name(attr.kind)};
  a["type"] = attr.is_relation()          ? attr.target
              : !attr.enum_values.empty() ? std::string{"enum"}
              : attr.long_str             ? std::string{"LongStr"}
                                          : std::string{type_name(attr.type)};
  if (!attr.enum_values.empty()) a["values"] = attr.enum_values;
  auto text = [&](const char* key, const std::string& v) {
    if (!v.empty()) a[key] = v;
  };
  auto flag = [&](const char* key, bool v) {
    if (v) a[key] = true;
  };
  text("reverse", attr.reverse);
  text("column", attr.column);
  if (!attr.columns.empty()) a["columns"] = attr.columns;
  text("table", attr.table);
  text("reverse_column", attr.reverse_column);
  text("fk_name", attr.fk_name);
  text("renamed_from", attr.renamed_from);
  if (attr.max_len) a["max_len"] = *attr.max_len;
  if (!attr.is_relation() && attr.type == value_type::decimal) {
    a["precision"] = attr.precision;
    a["scale"] = attr.scale;
  }
  if (attr.int_size != 0) a["size"] = attr.int_size;
  flag("unsigned", attr.is_unsigned);
  text("sql_type", attr.sql_type);
  text("sql_default", attr.sql_default);
  flag("unique", attr.unique);
  flag("index", attr.indexed);
  flag("nullable", attr.nullable);
  flag("optional", attr.optional);
  flag("auto", attr.auto_increment);
  if (attr.cascade_delete) a["cascade_delete"] = *attr.cascade_delete;
  if (attr.default_value) a["default"] = scalar(*attr.default_value, false);
  // (A discriminator's are its size's range, which "size" gives back.)
  if (attr.min_value && !attr.discriminator) a["min"] = scalar(*attr.min_value, true);
  if (attr.max_value && !attr.discriminator) a["max"] = scalar(*attr.max_value, true);
  if (!attr.autostrip) a["autostrip"] = false;
  if (attr.lazy) a["lazy"] = *attr.lazy;
  flag("volatile", attr.is_volatile);
  if (attr.optimistic) a["optimistic"] = *attr.optimistic;
  flag("version", attr.is_version);
  if (attr.generate != key_generator::none) {
    a["generate"] = attr.generate == key_generator::uuid4 ? "uuid4" : "uuid7";
  }
  return a;
}

json computed_attribute(const computed_info& c) {
  json a;
  a["name"] = c.name;
  a["kind"] = c.params.empty() ? "Computed" : "Method";
  if (!c.target.empty()) {
    a["type"] = c.target;
    if (c.many) a["many"] = true;
  } else if (c.type != value_type::null) {
    a["type"] = type_name(c.type);
  }
  if (!c.params.empty()) {
    json types = json::array();
    for (value_type t : c.params) types.push_back(t == value_type::null ? "any" : type_name(t));
    a["params"] = std::move(types);
  }
  a["text"] = c.text;
  return a;
}

}  // namespace

std::string registry::to_json() const {
  json entities = json::array();
  for (std::size_t e = 0; e < m_entities.size(); ++e) {
    const entity_info& entity = *m_entities[e];
    json out;
    out["name"] = entity.name;
    if (!m_declared[e].table.empty()) out["table"] = m_declared[e].table;
    if (!entity.renamed_from.empty()) out["renamed_from"] = entity.renamed_from;
    // A subclass declares only its own attributes: a C++ subclass's description also has its
    // bases' fields (and their implicit key), which the bases write.
    std::set<std::string> inherited;
    if (!entity.base.empty()) {
      std::vector<std::string> above{entity.base};
      above.insert(above.end(), entity.more_bases.begin(), entity.more_bases.end());
      if (above.size() == 1) {
        out["base"] = entity.base;
      } else {
        out["base"] = above;  // PonyORM's multiple inheritance
      }
      // Every entity above it, each once: its bases, then theirs.
      std::set<std::string> seen;
      for (std::size_t next = 0; next < above.size(); ++next) {
        const entity_info* base = find(above[next]);
        if (base == nullptr || !seen.insert(base->name).second) continue;
        const auto position = static_cast<std::size_t>(
            std::find_if(m_entities.begin(), m_entities.end(),
                         [&](const auto& other) { return other.get() == base; }) -
            m_entities.begin());
        for (const auto& attr : m_declared[position].attrs) inherited.insert(attr.name);
        if (!base->base.empty()) above.push_back(base->base);
        above.insert(above.end(), base->more_bases.begin(), base->more_bases.end());
      }
    }
    if (entity.discriminator.type() == value_type::integer) {
      out["discriminator"] = entity.discriminator.as_int();
    } else if (!entity.discriminator.is_null()) {
      out["discriminator"] = entity.discriminator.as_text();
    }
    // A subclass has its root's key, which the root writes.
    if (entity.base.empty() && !entity.primary_key.empty()) out["primary_key"] = entity.primary_key;
    for (const bool unique : {true, false}) {
      json lists = json::array();
      for (const auto& index : entity.composite_indexes) {
        if (index.unique == unique) lists.push_back(index.attrs);
      }
      if (!lists.empty()) out[unique ? "composite_keys" : "composite_indexes"] = std::move(lists);
    }
    json attrs = json::array();
    for (const auto& attr : m_declared[e].attrs) {
      if (inherited.count(attr.name) != 0 || is_implicit_id(attr)) continue;
      attrs.push_back(attribute(attr));
    }
    // (A subclass's list holds its own only: finalize() drops what a C++ subclass describes
    // again of its base's.)
    for (const auto& c : entity.computed) attrs.push_back(computed_attribute(c));
    out["attrs"] = std::move(attrs);
    entities.push_back(std::move(out));
  }
  json doc;
  doc["entities"] = std::move(entities);
  return doc.dump(2);
}

}  // namespace nextorm
