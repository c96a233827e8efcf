// The entity registry. add() checks each declaration on its own; finalize() resolves what needs
// the whole schema (targets, reverse sides, names) and follows PonyORM 0.7.16 wherever PonyORM
// decides something, so that both open the same database (docs/naming.md).
#include <nextorm/errors.hpp>
#include <nextorm/registry.hpp>
#include <nextorm/types.hpp>

#include "common/suggest.hpp"
#include "schema/hierarchy.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <system_error>

namespace nextorm {

std::string_view kind_name(attr_kind kind) noexcept {
  switch (kind) {
    case attr_kind::pk: return "PK";
    case attr_kind::req: return "Req";
    case attr_kind::opt: return "Opt";
    case attr_kind::single: return "Single";
    case attr_kind::set: return "Set";
  }
  return "?";
}

bool entity_info::is_same_or_base_of(const entity_info& other) const noexcept {
  return &other == this ||
         std::find(other.ancestors.begin(), other.ancestors.end(), this) != other.ancestors.end();
}

const attr_info* entity_info::find(std::string_view attr_name) const noexcept {
  for (const auto& attr : attrs) {
    if (attr.name == attr_name) return &attr;
  }
  return nullptr;
}

const computed_info* entity_info::find_computed(std::string_view name) const noexcept {
  for (const auto& c : computed) {
    if (c.name == name) return &c;
  }
  for (const entity_info* e : ancestors) {
    for (const auto& c : e->computed) {
      if (c.name == name) return &c;
    }
  }
  return nullptr;
}

namespace {

// ASCII only: add() accepts only ASCII identifiers, as PonyORM's lower() would treat them.
std::string to_lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

// --- pony_naming ---

pony_naming::pony_naming(std::string_view provider) {
  // PonyORM's max_name_len per provider (dbproviders/*.py); MySQL's rules are MariaDB's.
  if (provider == "postgres") {
    m_lower_case = true;
    m_max_name_length = 63;
  } else if (provider == "mariadb") {
    m_lower_case = true;
    m_max_name_length = 64;
  } else if (provider != "sqlite") {
    throw schema_error{"schema.unknown_provider", "no naming rules for provider '" +
                                                      std::string{provider} +
                                                      "' (use sqlite, postgres or mariadb)"};
  }
}

std::string pony_naming::normalize(std::string name) const {
  if (name.size() > m_max_name_length) name.resize(m_max_name_length);
  if (m_lower_case) name = to_lower(name);
  return name;
}

std::string pony_naming::table(const entity_info& entity) const { return normalize(entity.name); }

std::string pony_naming::column(const attr_info& attr) const { return normalize(attr.name); }

std::string pony_naming::reference_column(const attr_info& attr,
                                          const std::string& key_column) const {
  return normalize(attr.name + "_" + key_column);
}

std::string pony_naming::join_table(const attr_info& a, const attr_info& b) const {
  // A symmetric Set (its own reverse) names the table after the attribute: Student_friends.
  if (&a == &b) return normalize(a.owner->name + "_" + a.name);
  const std::string& first = a.owner->name;
  const std::string& second = b.owner->name;
  return normalize(first <= second ? first + "_" + second : second + "_" + first);
}

std::string pony_naming::join_column(const entity_info& referenced) const {
  return normalize(to_lower(referenced.name));
}

std::string naming_convention::join_key_column(const entity_info& referenced,
                                               const std::string& key_column) const {
  return to_lower(referenced.name) + "_" + key_column;
}

std::string pony_naming::join_key_column(const entity_info& referenced,
                                         const std::string& key_column) const {
  return normalize(to_lower(referenced.name) + "_" + key_column);
}

std::string pony_naming::index(std::string_view table, std::string_view column) const {
  return normalize(to_lower("idx_" + std::string{table} + "__" + std::string{column}));
}

std::string pony_naming::unique_key(std::string_view table, std::string_view columns) const {
  return normalize(to_lower("unq_" + std::string{table} + "__" + std::string{columns}));
}

std::string pony_naming::join_index(std::string_view join_table) const {
  return normalize(to_lower("idx_" + std::string{join_table}));
}

std::string pony_naming::foreign_key(std::string_view table, std::string_view column) const {
  return normalize(to_lower("fk_" + std::string{table} + "__" + std::string{column}));
}

namespace {

[[noreturn]] void fail(const char* id, const std::string& message) {
  throw schema_error{id, message};
}

std::string where(const entity_info& entity, const attr_info& attr) {
  return "entity " + entity.name + ", attribute " + attr.name + ": ";
}

// A fix in the words of the entity's own declaration: C++ entities have a type tag, entities
// of a JSON schema have none.
std::string hint(const entity_info& entity, const std::string& cpp, const std::string& json) {
  return entity.type_tag != nullptr ? cpp : json;
}

bool is_identifier(std::string_view name) {
  assert(!name.empty());  // callers report a missing name first
  const auto first = static_cast<unsigned char>(name.front());
  if (std::isalpha(first) == 0 && first != '_') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

std::string lower(std::string_view text) {
  std::string out{text};
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A default written as text for a type stored as text ('2024-01-31', '1.50', ...): the text in
// the type's own form, or nothing for a type that is not written as text. A text that is no
// value of the type throws usage_error (value.bad_date, decimal.invalid, ...).
std::optional<std::string> text_default(value_type type, const std::string& text) {
  switch (type) {
    case value_type::decimal: return to_string(decimal{text});
    case value_type::date: return to_string(date{text});
    case value_type::datetime: return to_string(datetime{text});
    case value_type::time: return to_string(time_of_day{text});
    case value_type::uuid: return to_string(uuid{text});
    case value_type::json:
      if (!nlohmann::json::accept(text))
        throw usage_error("value.bad_json", "'" + text + "' is not JSON");
      return text;
    default: return std::nullopt;
  }
}

std::string shortest_text(double v) {
  std::array<char, 32> buffer{};
  auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
  return std::string{buffer.data(), result.ptr};
}

// Converts a declared default to the attribute's own type, or says why it cannot be one.
void check_default(const entity_info& entity, attr_info& attr) {
  value& v = *attr.default_value;
  const std::string at = where(entity, attr);
  if (v.is_null()) {
    if (attr.kind == attr_kind::req) {
      fail("schema.default_null", at + "a Req attribute cannot default to None");
    }
    if (!attr.nullable) {
      fail("schema.default_null",
           at + "default None needs a nullable attribute " +
               hint(entity, "(add nextorm::nullable)", "(add \"nullable\": true)"));
    }
    return;
  }
  if (attr.type == value_type::bytes) {
    fail("schema.default_type", at + "a default for a bytes attribute is not supported");
  }
  const value_type given = v.type();
  // DDL writes the default as a literal: it must be one.
  if (given == value_type::real && !std::isfinite(v.as_real())) {
    fail("schema.default_type", at + "default " + v.repr() + " is not a finite number");
  }
  if (given == value_type::text && v.as_text().find('\0') != std::string::npos) {
    fail("schema.default_type", at + "a default cannot contain a NUL character");
  }
  if (given == attr.type) {
    // PonyORM: a Req str must be given a real value.
    if (attr.kind == attr_kind::req && given == value_type::text && v.as_text().empty()) {
      fail("schema.default_null", at + "a Req attribute cannot default to ''");
    }
    return;
  }
  if (attr.type == value_type::real && given == value_type::integer) {
    v = value{static_cast<double>(v.as_int())};
    return;
  }
  if (attr.type == value_type::decimal && given == value_type::integer) {
    v = value::typed(value_type::decimal, std::to_string(v.as_int()));
    return;
  }
  if (attr.type == value_type::decimal && given == value_type::real) {
    v = value::typed(value_type::decimal, shortest_text(v.as_real()));
    return;
  }
  if (attr.type == value_type::interval && given == value_type::text) {
    try {
      v = value::interval(timedelta_from_text(v.as_text()).count());
    } catch (const usage_error& e) {
      fail("schema.default_type", at + "default " + e.message());
    }
    return;
  }
  // DDL writes the default as it is: a text must be a value of the type, found now rather than
  // by the database when it creates the table (or reads the row back).
  std::optional<std::string> text;
  if (given == value_type::text) {
    try {
      text = text_default(attr.type, v.as_text());
    } catch (const usage_error& e) {
      fail("schema.default_type", at + "default " + e.message());
    }
  }
  if (!text) {
    fail("schema.default_type", at + "default " + v.repr() + " has type " +
                                    std::string{type_name(given)} + ", expected " +
                                    std::string{type_name(attr.type)});
  }
  v = value::typed(attr.type, std::move(*text));
}

[[noreturn]] void option_error(const entity_info& entity, const attr_info& attr, const char* option,
                               const char* applies_to) {
  fail("schema.option_kind",
       where(entity, attr) + "'" + option + "' applies only to " + applies_to + ", not to a " +
           (attr.discriminator ? std::string{"Discriminator"} : std::string{kind_name(attr.kind)}) +
           (attr.is_relation() ? std::string{} : " " + std::string{type_name(attr.type)}));
}

// PonyORM's size and unsigned of an int: the range they give bounds assignments, through min and
// max (which must lie inside it). Unsigned alone is 32 bits, as in PonyORM; an unsigned 64-bit
// value does not fit NextORM's int (std::int64_t).
void check_int_size(const entity_info& entity, attr_info& attr) {
  if (attr.int_size == 0 && !attr.is_unsigned) return;
  const std::string at = where(entity, attr);
  if (attr.is_relation() || attr.type != value_type::integer) {
    option_error(entity, attr, attr.int_size != 0 ? "size" : "unsigned", "int attributes");
  }
  if (attr.int_size == 0) attr.int_size = 32;
  const int bits = attr.int_size;
  if (bits != 8 && bits != 16 && bits != 24 && bits != 32 && bits != 64) {
    fail("schema.int_size",
         at + "size must be 8, 16, 24, 32 or 64 (bits), not " + std::to_string(bits));
  }
  if (bits == 64 && attr.is_unsigned) {
    fail("schema.int_size", at + "an unsigned 64-bit integer does not fit NextORM's int "
                                 "(std::int64_t); declare size 64 without unsigned");
  }
  const std::int64_t lowest = attr.is_unsigned ? 0
                              : bits == 64     ? std::numeric_limits<std::int64_t>::min()
                                               : -(std::int64_t{1} << (bits - 1));
  const std::int64_t highest =
      attr.is_unsigned ? (std::int64_t{1} << bits) - 1
                       : static_cast<std::int64_t>((std::uint64_t{1} << (bits - 1)) - 1);
  const auto range = [&] {
    return " (the range of size " + std::to_string(bits) + (attr.is_unsigned ? " unsigned" : "") +
           " is " + std::to_string(lowest) + " to " + std::to_string(highest) + ")";
  };
  for (auto* bound : {&attr.min_value, &attr.max_value}) {
    if (!bound->has_value()) {
      *bound = value{bound == &attr.min_value ? lowest : highest};
      continue;
    }
    const value& v = **bound;
    // An int bound outside the range; a bound of another type is refused below.
    if (v.type() == value_type::integer && (v.as_int() < lowest || v.as_int() > highest)) {
      fail("schema.int_size", at + (bound == &attr.min_value ? "min " : "max ") + v.repr() +
                                  " is outside the column" + range());
    }
  }
}

// sql_type and sql_default are SQL written into CREATE TABLE as given: attributes with a column
// of their own only, and one piece of SQL (no statement separator, no NUL).
void check_sql_options(const entity_info& entity, const attr_info& attr) {
  for (const auto* text : {&attr.sql_type, &attr.sql_default}) {
    if (text->empty()) continue;
    const char* option = text == &attr.sql_type ? "sql_type" : "sql_default";
    if (attr.is_relation()) option_error(entity, attr, option, "PK, Req and Opt");
    if (text->find_first_of(std::string_view{";\0", 2}) != std::string::npos) {
      fail("schema.sql_option", where(entity, attr) + option +
                                    " must be one piece of SQL, without ';' or a NUL character");
    }
  }
}

// An enumeration's names are written into the DDL (MariaDB's ENUM, a CHECK elsewhere): at least
// one, distinct, not empty, without NUL; a str attribute's (not a key's: a name may change).
void check_enum_values(const entity_info& entity, attr_info& attr) {
  if (attr.enum_values.empty()) return;
  // A missing one is NULL: '' is no name.
  if (attr.kind == attr_kind::opt) attr.nullable = true;
  const std::string at = where(entity, attr);
  if (attr.is_relation() || attr.type != value_type::text || attr.kind == attr_kind::pk) {
    option_error(entity, attr, "values", "Req and Opt str attributes");
  }
  for (std::size_t i = 0; i < attr.enum_values.size(); ++i) {
    const std::string& name = attr.enum_values[i];
    if (name.empty() || name.find('\0') != std::string::npos) {
      fail("schema.enum_values", at + "an enumeration's names cannot be empty or hold a NUL");
    }
    if (std::find(attr.enum_values.begin(),
                  attr.enum_values.begin() + static_cast<std::ptrdiff_t>(i),
                  name) != attr.enum_values.begin() + static_cast<std::ptrdiff_t>(i)) {
      fail("schema.enum_values", at + "the name '" + name + "' is listed twice");
    }
  }
  if (attr.default_value && attr.default_value->type() == value_type::text &&
      std::find(attr.enum_values.begin(), attr.enum_values.end(), attr.default_value->as_text()) ==
          attr.enum_values.end()) {
    fail("schema.default_type",
         at + "default " + attr.default_value->repr() + " is not one of the enumeration's names");
  }
}

// PonyORM's LongStr, lazy and volatile: a LongStr is a str without max_len; a key is never lazy
// nor volatile; lazy and volatile apply to values (a reference is a key held, a collection is
// loaded on first use already).
void check_loading_options(const entity_info& entity, const attr_info& attr) {
  const bool text = !attr.is_relation() && attr.type == value_type::text;
  if (attr.long_str) {
    if (!text || !attr.enum_values.empty()) option_error(entity, attr, "LongStr", "str attributes");
    if (attr.max_len) {
      fail("schema.option_kind", where(entity, attr) +
                                     "a LongStr has no max_len (its column holds text of any "
                                     "length); declare a str with max_len instead");
    }
  }
  if (attr.lazy.value_or(false) && (attr.is_relation() || attr.kind == attr_kind::pk)) {
    option_error(entity, attr, "lazy", "Req and Opt attributes");
  }
  if (attr.is_volatile && (attr.is_relation() || attr.kind == attr_kind::pk)) {
    option_error(entity, attr, "volatile", "Req and Opt attributes");
  }
  if (attr.is_version && (attr.is_relation() || attr.kind == attr_kind::pk ||
                          attr.type != value_type::integer || attr.is_volatile || attr.is_lazy())) {
    option_error(entity, attr, "version", "Req and Opt int attributes (not volatile nor lazy)");
  }
}

// PonyORM's Discriminator(str) or Discriminator(int): a Req whose value is its object's class's,
// so nothing that sets or checks a value applies; its column may be named and typed.
void check_discriminator(const entity_info& entity, const attr_info& attr) {
  const std::string at = where(entity, attr);
  // (Always a Req: C++'s Discriminator<T> and JSON's "kind": "Discriminator" make one.)
  const bool str = attr.type == value_type::text && attr.enum_values.empty() && !attr.long_str;
  if (!str && attr.type != value_type::integer) {
    fail("schema.discriminator_attr",
         at +
             "a discriminator is a str or an int (Discriminator<std::string>, "
             "Discriminator<int>; JSON \"kind\": \"Discriminator\", \"type\": \"str\" or \"int\")");
  }
  const std::pair<bool, const char*> refused[] = {{attr.default_value.has_value(), "default"},
                                                  {attr.unique, "unique"},
                                                  {attr.lazy.has_value(), "lazy"},
                                                  {attr.is_volatile, "volatile"},
                                                  {attr.is_version, "version"},
                                                  {attr.optimistic.has_value(), "optimistic"},
                                                  {attr.min_value.has_value(), "min"},
                                                  {attr.max_value.has_value(), "max"},
                                                  {!attr.sql_default.empty(), "sql_default"},
                                                  {static_cast<bool>(attr.check), "check"}};
  for (const auto& [given, option] : refused) {
    if (!given) continue;
    fail("schema.option_kind", at + "'" + option +
                                   "' does not apply to a discriminator, whose value is its "
                                   "object's class's (it takes column, index, size, unsigned, "
                                   "max_len and sql_type)");
  }
}

// Checks one declared attribute and fills in PonyORM's implied settings.
// A computed attribute's name and text; what the text means is the analyzer's to check, when
// the database is mapped.
void check_computed(const entity_info& entity, std::size_t i) {
  const computed_info& c = entity.computed[i];
  const std::string here = "entity " + entity.name + ": computed attribute ";
  if (!is_identifier(c.name)) {
    fail("schema.bad_name", here + "name '" + c.name + "' is not an identifier");
  }
  if (entity.find(c.name) != nullptr) {
    fail("schema.duplicate_attribute",
         "entity " + entity.name + ": " + c.name + " is both an attribute and computed");
  }
  for (std::size_t j = 0; j < i; ++j) {
    if (entity.computed[j].name == c.name) {
      fail("schema.duplicate_attribute",
           "entity " + entity.name + ": computed attribute " + c.name + " is declared twice");
    }
  }
  if (c.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    fail("schema.computed", here + c.name + " has no expression");
  }
}

void check_attr(const entity_info& entity, attr_info& attr) {
  const std::string at = where(entity, attr);
  if (attr.discriminator) check_discriminator(entity, attr);
  const bool basic = !attr.is_relation();
  if (basic && attr.type == value_type::null) {
    fail("schema.missing_type", at + "a " + std::string{kind_name(attr.kind)} + " needs a type");
  }
  if (!basic && attr.target.empty()) {
    fail("schema.missing_target",
         at + "a " + std::string{kind_name(attr.kind)} + " needs a target entity");
  }
  if (attr.kind == attr_kind::pk && attr.type != value_type::integer &&
      attr.type != value_type::text && attr.type != value_type::uuid) {
    fail("schema.pk_type",
         at + "a PK must be int, str or uuid, not " + std::string{type_name(attr.type)});
  }
  if (attr.generate != key_generator::none && (!basic || attr.type != value_type::uuid)) {
    option_error(entity, attr, "generate", "uuid attributes");
  }
  if (attr.auto_increment && !(attr.kind == attr_kind::pk && attr.type == value_type::integer)) {
    option_error(entity, attr, "auto", "an int PK");
  }
  if (attr.max_len) {
    if (!basic || attr.type != value_type::text) {
      option_error(entity, attr, "max_len", "str attributes");
    }
    if (*attr.max_len == 0) fail("schema.max_len", at + "max_len must be at least 1");
  }
  check_loading_options(entity, attr);
  check_int_size(entity, attr);
  check_sql_options(entity, attr);
  check_enum_values(entity, attr);
  const bool number = basic && (attr.type == value_type::integer || attr.type == value_type::real ||
                                attr.type == value_type::decimal);
  for (const auto* bound : {&attr.min_value, &attr.max_value}) {
    if (!bound->has_value()) continue;
    const char* option = bound == &attr.min_value ? "min" : "max";
    if (!number) option_error(entity, attr, option, "int, float and decimal attributes");
    const value_type t = (*bound)->type();
    if (t != value_type::integer && t != value_type::real && t != value_type::decimal) {
      fail("schema.bound_type",
           at + option + " must be a number, not " + std::string{type_name(t)});
    }
  }
  if (attr.precision != 0 || attr.scale != 0) {
    if (!basic || attr.type != value_type::decimal) {
      option_error(entity, attr, "precision", "decimal attributes");
    }
  }
  if (basic && attr.type == value_type::decimal) {
    // PonyORM's default is DECIMAL(12, 2).
    if (attr.precision == 0) {
      attr.precision = 12;
      if (attr.scale == 0) attr.scale = 2;
    }
    if (attr.scale > attr.precision) {
      fail("schema.decimal", at + "scale " + std::to_string(attr.scale) + " exceeds precision " +
                                 std::to_string(attr.precision));
    }
  }
  if ((attr.unique || attr.indexed) && attr.kind == attr_kind::set) {
    option_error(entity, attr, attr.unique ? "unique" : "index", "attributes with a column");
  }
  if (attr.unique && attr.type == value_type::real) {
    fail("schema.float_key", at + "a float attribute cannot be unique (PonyORM refuses it too)");
  }
  if (attr.nullable && attr.kind != attr_kind::opt) option_error(entity, attr, "nullable", "Opt");
  if (attr.optional && attr.kind != attr_kind::single) {
    option_error(entity, attr, "optional", "Single");
  }
  if (attr.cascade_delete && basic) option_error(entity, attr, "cascade_delete", "Single and Set");
  if (!attr.fk_name.empty() && basic) option_error(entity, attr, "fk_name", "Single and Set");
  if (!attr.reverse.empty() && basic) option_error(entity, attr, "reverse", "Single and Set");
  if (!attr.columns.empty() && attr.kind != attr_kind::single && attr.kind != attr_kind::set) {
    option_error(entity, attr, "columns", "Single and Set (of an entity with a composite key)");
  }
  if (!attr.columns.empty() && !attr.column.empty()) {
    fail("schema.option_kind", at + "declares both 'column' and 'columns'; keep one");
  }
  // PonyORM stores a missing Opt str or json as '' in a NOT NULL column; every other Opt, and a
  // unique one (many '' would collide), is nullable.
  if (attr.kind == attr_kind::opt &&
      (attr.unique || (attr.type != value_type::text && attr.type != value_type::json))) {
    attr.nullable = true;
  }
  if (attr.default_value) {
    if (attr.kind != attr_kind::req && attr.kind != attr_kind::opt) {
      option_error(entity, attr, "default", "Req and Opt");
    }
    check_default(entity, attr);
  }
}

// PonyORM's rules for composite_key and composite_index: two or more distinct attributes of
// the entity, none a Set or a float; an Opt in one becomes nullable (a missing value is NULL,
// not '', so that rows without it do not collide).
void check_composite_index(entity_info& entity, const composite_index_info& index) {
  const char* what = index.unique ? "composite_key" : "composite_index";
  const std::string at = "entity " + entity.name + ": " + what + "(";
  std::string listed;
  for (const auto& name : index.attrs) listed += (listed.empty() ? "" : ", ") + name;
  const std::string here = at + listed + "): ";
  if (index.attrs.size() < 2) {
    fail("schema.composite_index", here + "needs at least two attributes" +
                                       (index.unique ? " (a single one: make it unique)"
                                                     : " (a single one: make it indexed)"));
  }
  std::vector<std::string> names;
  for (const auto& attr : entity.attrs) names.push_back(attr.name);
  for (std::size_t i = 0; i < index.attrs.size(); ++i) {
    const std::string& name = index.attrs[i];
    auto found = std::find_if(entity.attrs.begin(), entity.attrs.end(),
                              [&](const attr_info& a) { return a.name == name; });
    if (found == entity.attrs.end()) {
      fail("schema.unknown_field", here + "entity " + entity.name + " has no attribute '" + name +
                                       "'" + did_you_mean(name, names));
    }
    if (std::find(index.attrs.begin(), index.attrs.begin() + static_cast<std::ptrdiff_t>(i),
                  name) != index.attrs.begin() + static_cast<std::ptrdiff_t>(i)) {
      fail("schema.composite_index", here + name + " is listed twice");
    }
    if (found->kind == attr_kind::set) {
      fail("schema.composite_index", here + "the Set " + name + " has no column to index");
    }
    if (found->type == value_type::real) {
      fail("schema.float_key",
           here + "the float attribute " + name + " cannot be part of it (PonyORM refuses it too)");
    }
    if (found->kind == attr_kind::opt) found->nullable = true;
  }
}

// PonyORM's PrimaryKey(a, b): two or more distinct attributes, each a Req or a required Single
// (a key part always has a value); not a float (PonyORM refuses it too); not beside a PK.
void check_primary_key(const entity_info& entity, const attr_info* pk) {
  std::string listed;
  for (const auto& name : entity.primary_key) listed += (listed.empty() ? "" : ", ") + name;
  const std::string here = "entity " + entity.name + ": primary_key(" + listed + "): ";
  if (pk != nullptr) {
    fail("schema.primary_key", here + "the entity also has the PK " + pk->name +
                                   "; declare one key: make " + pk->name +
                                   " a Req and list it, or drop primary_key");
  }
  // One attribute: a required Single (PonyORM's PrimaryKey(Person), the key of an entity that
  // extends another); a single value is declared as the PK.
  if (entity.primary_key.size() == 1) {
    const attr_info* only = entity.find(entity.primary_key.front());
    if (only != nullptr && only->kind != attr_kind::single) {
      fail("schema.primary_key",
           here +
               "needs at least two attributes, or one Single (a single value: declare it "
               "as the PK)");
    }
  }
  std::vector<std::string> names;
  for (const auto& attr : entity.attrs) names.push_back(attr.name);
  for (std::size_t i = 0; i < entity.primary_key.size(); ++i) {
    const std::string& name = entity.primary_key[i];
    const attr_info* found = entity.find(name);
    if (found == nullptr) {
      fail("schema.primary_key", here + "entity " + entity.name + " has no attribute '" + name +
                                     "'" + did_you_mean(name, names));
    }
    if (std::find(entity.primary_key.begin(),
                  entity.primary_key.begin() + static_cast<std::ptrdiff_t>(i),
                  name) != entity.primary_key.begin() + static_cast<std::ptrdiff_t>(i)) {
      fail("schema.primary_key", here + name + " is listed twice");
    }
    const bool required =
        found->kind == attr_kind::req || (found->kind == attr_kind::single && !found->optional);
    if (!required) {
      fail("schema.primary_key",
           here + name + " is " +
               (found->kind == attr_kind::single ? "an optional Single"
                : found->kind == attr_kind::opt  ? "an Opt"
                                                 : "a Set") +
               "; a key's attributes are Req or required Single (every row has them)");
    }
    if (found->type == value_type::real) {
      fail("schema.float_key",
           here + "the float attribute " + name + " cannot be part of it (PonyORM refuses it too)");
    }
  }
}

}  // namespace

// --- registry ---

registry::registry() = default;
registry::~registry() = default;

entity_info& registry::add(entity_info entity) {
  if (entity.name.empty()) fail("schema.missing_name", "an entity needs a name");
  if (!is_identifier(entity.name)) {
    fail("schema.bad_name", "entity name '" + entity.name + "' is not an identifier");
  }
  if (find(entity.name) != nullptr) {
    fail("schema.duplicate_entity", "entity " + entity.name + " is declared twice");
  }
  const attr_info* pk = nullptr;
  for (std::size_t i = 0; i < entity.attrs.size(); ++i) {
    attr_info& attr = entity.attrs[i];
    if (attr.name.empty()) {
      fail("schema.missing_name",
           "entity " + entity.name + ": attribute #" + std::to_string(i + 1) + " needs a name");
    }
    if (!is_identifier(attr.name)) {
      fail("schema.bad_name",
           "entity " + entity.name + ": attribute name '" + attr.name + "' is not an identifier");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (entity.attrs[j].name == attr.name) {
        fail("schema.duplicate_attribute",
             "entity " + entity.name + ": attribute " + attr.name + " is declared twice");
      }
    }
    if (attr.kind == attr_kind::pk) {
      if (pk != nullptr) {
        fail("schema.duplicate_pk", "entity " + entity.name + ": attributes " + pk->name + " and " +
                                        attr.name +
                                        " are both PK; composite keys are not supported");
      }
      pk = &attr;
    }
    check_attr(entity, attr);
    if (attr.discriminator && entity.base.empty()) {
      for (std::size_t j = 0; j < i; ++j) {
        if (!entity.attrs[j].discriminator) continue;
        fail("schema.discriminator_attr", "entity " + entity.name + ": attributes " +
                                              entity.attrs[j].name + " and " + attr.name +
                                              " are both discriminators; a hierarchy has one");
      }
    }
  }
  for (std::size_t i = 0; i < entity.computed.size(); ++i) check_computed(entity, i);
  // A subclass's composite indexes may name its base's attributes: finalize() checks them.
  if (entity.base.empty() && entity.more_bases.empty()) {
    for (auto& index : entity.composite_indexes) check_composite_index(entity, index);
    if (!entity.primary_key.empty()) check_primary_key(entity, pk);
  }
  std::vector<std::string> bases{entity.base};
  bases.insert(bases.end(), entity.more_bases.begin(), entity.more_bases.end());
  for (const auto& base : bases) {
    if (bases.size() == 1 && base.empty()) break;  // no base
    if (base.empty() || !is_identifier(base)) {
      fail("schema.bad_name",
           "entity " + entity.name + ": base entity name '" + base + "' is not an identifier");
    }
  }
  // A subclass has its base's key (finalize() adds the base's attributes).
  if (pk == nullptr && entity.base.empty() && entity.primary_key.empty()) {
    if (entity.find("id") != nullptr) {
      fail("schema.implicit_pk", "entity " + entity.name +
                                     ": cannot add the default PK 'id', the name is in use; "
                                     "declare a PK or rename the attribute");
    }
    attr_info id;
    id.name = "id";
    id.kind = attr_kind::pk;
    id.type = value_type::integer;
    id.auto_increment = true;
    entity.attrs.insert(entity.attrs.begin(), std::move(id));
  }
  declared_names declared{entity.table, {}, entity.attrs};
  for (const auto& attr : entity.attrs) declared.columns.push_back(attr.column);
  m_entities.push_back(std::make_unique<entity_info>(std::move(entity)));
  m_declared.push_back(std::move(declared));
  m_finalized = false;
  return *m_entities.back();
}

void registry::finalize() { finalize(pony_naming{}); }

const entity_info* registry::find(std::string_view name) const noexcept {
  for (const auto& entity : m_entities) {
    if (entity->name == name) return entity.get();
  }
  return nullptr;
}

const entity_info* registry::find_type(const void* type_tag) const noexcept {
  if (type_tag == nullptr) return nullptr;
  for (const auto& entity : m_entities) {
    if (entity->type_tag == type_tag) return entity.get();
  }
  return nullptr;
}

const entity_info& registry::get(std::string_view name) const {
  if (const entity_info* entity = find(name)) return *entity;
  std::vector<std::string> names;
  for (const auto& entity : m_entities) names.push_back(entity->name);
  fail("schema.unknown_entity",
       "unknown entity '" + std::string{name} + "'" + did_you_mean(name, names));
}

namespace {

// The steps of finalize(), each over the whole schema; `entities` is the registry's list.
using entity_list = std::vector<std::unique_ptr<entity_info>>;

std::vector<std::string> entity_names(const entity_list& entities) {
  std::vector<std::string> names;
  for (const auto& entity : entities) names.push_back(entity->name);
  return names;
}

void resolve_targets(entity_list& entities) {
  const std::vector<std::string> names = entity_names(entities);
  for (auto& entity : entities) {
    for (auto& attr : entity->attrs) {
      if (!attr.is_relation()) continue;
      for (const auto& other : entities) {
        if (other->name == attr.target) attr.target_entity = other.get();
      }
      if (attr.target_entity == nullptr) {
        fail("schema.unknown_entity",
             where(*entity, attr) + "unknown entity '" + attr.target + "'" +
                 did_you_mean(attr.target, names) +
                 hint(*entity,
                      "; pass " + attr.target +
                          " to db.generate_mapping<...>() with the other entities",
                      ""));
      }
    }
  }
}

// The declaration to add to `target` so that `attr` of `entity` has a reverse: a Set for a
// Single, a Single (or a Set, for many-to-many) for a Set.
std::string missing_reverse_fix(const entity_info& entity, const attr_info& attr,
                                const entity_info& target) {
  const bool many = attr.kind == attr_kind::single;
  std::string name = to_lower(entity.name) + (many ? "s" : "");
  if (target.find(name) != nullptr) name += "_" + attr.name;
  const std::string kind = many ? "Set" : "Single";
  if (target.type_tag != nullptr) {
    return "add " + kind + "<" + entity.name + "> " + name + "{\"" + name + "\"} to " +
           target.name + (many ? "" : " (or a Set<" + entity.name + "> for many-to-many)");
  }
  return "add {\"name\": \"" + name + "\", \"kind\": \"" + kind + "\", \"type\": \"" + entity.name +
         "\"} to the \"attrs\" of " + target.name +
         (many ? "" : " (or \"kind\": \"Set\" for many-to-many)");
}

// PonyORM's _link_reverse_attrs_: a declared reverse name, else the one attribute of the target
// that points back and names this one as its reverse, else the one that points back and names
// none (and is not linked yet).
void link_reverse(entity_info& entity, attr_info& attr) {
  auto& target = const_cast<entity_info&>(*attr.target_entity);  // owned by the registry
  const std::string at = where(entity, attr);
  attr_info* reverse = nullptr;
  if (!attr.reverse.empty()) {
    for (auto& candidate : target.attrs) {
      if (candidate.name == attr.reverse) reverse = &candidate;
    }
    if (reverse == nullptr) {
      std::vector<std::string> names;
      for (const auto& candidate : target.attrs) names.push_back(candidate.name);
      fail("schema.unknown_reverse", at + "entity " + target.name + " has no attribute '" +
                                         attr.reverse + "'" + did_you_mean(attr.reverse, names));
    }
  } else {
    std::vector<attr_info*> naming_this;
    std::vector<attr_info*> naming_none;
    for (auto& candidate : target.attrs) {
      if (!candidate.is_relation() || candidate.inherited || candidate.target != entity.name) {
        continue;
      }
      if (candidate.reverse == attr.name) {
        naming_this.push_back(&candidate);
      } else if (candidate.reverse.empty() && candidate.reverse_attr == nullptr &&
                 &candidate != &attr) {
        naming_none.push_back(&candidate);
      }
    }
    const auto& found = naming_this.empty() ? naming_none : naming_this;
    if (found.size() > 1) {
      fail("schema.ambiguous_reverse",
           at + "ambiguous reverse attribute: " + target.name + "." + found[0]->name + " and " +
               target.name + "." + found[1]->name + " both point back at " + entity.name +
               "; declare \"reverse\": add " +
               hint(entity,
                    "nextorm::reverse{\"" + found[0]->name + "\"} or nextorm::reverse{\"" +
                        found[1]->name + "\"}",
                    "\"reverse\": \"" + found[0]->name + "\" or \"reverse\": \"" + found[1]->name +
                        "\"") +
               " to " + entity.name + "." + attr.name);
    }
    if (found.empty()) {
      fail("schema.missing_reverse", at + "no attribute of " + target.name + " points back at " +
                                         entity.name + "; every relation needs a reverse " +
                                         "attribute: " + missing_reverse_fix(entity, attr, target));
    }
    reverse = found.front();
  }
  const std::string pair =
      entity.name + "." + attr.name + " and " + target.name + "." + reverse->name;
  if (!reverse->is_relation() || reverse->target != entity.name) {
    fail("schema.inconsistent_reverse", at + "inconsistent reverse attributes " + pair + ": " +
                                            target.name + "." + reverse->name +
                                            " does not point at " + entity.name);
  }
  // A reverse linked already is linked to another attribute: had it been linked to this one,
  // this one would be linked too and not be resolved again.
  if ((!reverse->reverse.empty() && reverse->reverse != attr.name) ||
      reverse->reverse_attr != nullptr) {
    const std::string other =
        reverse->reverse.empty() ? reverse->reverse_attr->name : reverse->reverse;
    fail("schema.inconsistent_reverse", at + "inconsistent reverse attributes " + pair + ": " +
                                            target.name + "." + reverse->name + " has " + other +
                                            " as its reverse");
  }
  if (attr.kind == attr_kind::single && !attr.optional && reverse->kind == attr_kind::single &&
      !reverse->optional) {
    fail("schema.one_to_one_required",
         at + "one side of the one-to-one relation " + pair + " must be optional: add " +
             hint(entity, "nextorm::optional", "\"optional\": true") + " to one of them");
  }
  attr.reverse_attr = reverse;
  reverse->reverse_attr = &attr;
}

// PonyORM keeps a one-to-one's foreign key on one side (core.py Attribute.get_columns): the
// required side, else the side with a declared column, else the entity whose name sorts first,
// else (same entity) the attribute declared first. A symmetric Single keeps its own column.
// The attribute whose values an entity's one-column key holds: its PK, or where the key is a
// Single (PonyORM's PrimaryKey(Person)), the key it refers to, followed to the end (keys in a
// circle were refused by resolve_key_width).
const attr_info& stored_key(const entity_info& entity) {
  const entity_info* current = &entity;
  while (!current->composite_key() && current->pk().kind == attr_kind::single) {
    current = current->pk().target_entity;
  }
  return current->pk();
}

void place_one_to_one_key(entity_info& entity, attr_info& attr) {
  attr_info& reverse = const_cast<attr_info&>(*attr.reverse_attr);  // owned by the registry
  if (&reverse == &attr || attr.key_in_reverse || reverse.key_in_reverse) return;
  const bool declared_here = !attr.column.empty() || !attr.columns.empty();
  bool here = false;
  // A key attribute always holds its column (PonyORM's PrimaryKey(Person) with the reverse
  // Optional('Profile')); then a required side, a declared column, the name that sorts first.
  if (attr.key_part != reverse.key_part) {
    here = attr.key_part;
  } else if (attr.optional != reverse.optional) {
    here = !attr.optional;
  } else if (declared_here != (!reverse.column.empty() || !reverse.columns.empty())) {
    here = declared_here;
  } else if (entity.name != reverse.owner->name) {
    here = entity.name < reverse.owner->name;
  } else {
    here = attr.index < reverse.index;
  }
  attr_info& keyless = here ? reverse : attr;
  const attr_info& holder = here ? attr : reverse;
  if (!keyless.column.empty() || !keyless.columns.empty() || !keyless.fk_name.empty()) {
    const char* option = !keyless.column.empty()    ? "column"
                         : !keyless.columns.empty() ? "columns"
                                                    : "fk_name";
    const std::string declared = !keyless.column.empty()    ? keyless.column
                                 : !keyless.columns.empty() ? keyless.columns.front()
                                                            : keyless.fk_name;
    fail("schema.one_to_one_columns",
         where(*keyless.owner, keyless) + "declares " + option + " " + declared + ", but " +
             holder.owner->name + "." + holder.name +
             " holds the key of this one-to-one relation; declare the " + option + " there");
  }
  keyless.key_in_reverse = true;
}

// The names of the key columns of `entity` before its columns are named (a reference's columns
// are named after its target's): a key attribute's column, or for one that refers to an entity
// with a composite key, a column per key column of that entity (PonyORM: course_name, and
// enrollment_course_name a level up).
std::vector<std::string> key_column_names(const entity_info& entity,
                                          const naming_convention& naming) {
  std::vector<std::string> names;
  for (const attr_info* key : entity.key_attrs) {
    const bool of_keys = key->kind == attr_kind::single && key->target_entity->composite_key();
    if (!of_keys) {
      names.push_back(key->column.empty() ? naming.column(*key) : key->column);
    } else if (!key->columns.empty()) {
      names.insert(names.end(), key->columns.begin(), key->columns.end());
    } else {
      for (const auto& column : key_column_names(*key->target_entity, naming)) {
        names.push_back(naming.reference_column(*key, column));
      }
    }
  }
  return names;
}

// A reference to an entity whose key has several attributes has a column for each of its key
// columns (PonyORM: <attribute>_<key column>, or its `columns`); `column` is the first.
void name_reference_columns(const entity_info& entity, attr_info& attr,
                            const naming_convention& naming) {
  const std::vector<std::string> keys = key_column_names(*attr.target_entity, naming);
  if (!attr.column.empty()) {
    fail("schema.option_kind",
         where(entity, attr) + "refers to " + attr.target_entity->name + ", whose key has " +
             std::to_string(keys.size()) + " columns: name its columns with " +
             hint(entity, "nextorm::columns{...}", "\"columns\"") + ", one per key column");
  }
  if (attr.unique) {
    fail("schema.option_kind",
         where(entity, attr) + "a unique reference to " + attr.target_entity->name +
             ", whose key has several attributes, is not supported; make its columns a "
             "composite_key of this entity's attributes instead");
  }
  if (!attr.columns.empty() && attr.columns.size() != keys.size()) {
    fail("schema.option_kind",
         where(entity, attr) + "declares " + std::to_string(attr.columns.size()) +
             " columns, but the key of " + attr.target_entity->name + " has " +
             std::to_string(keys.size()) + " columns; declare one column for each");
  }
  if (attr.columns.empty()) {
    for (const auto& key_column : keys) {
      attr.reference_columns.push_back(naming.reference_column(attr, key_column));
    }
  } else {
    attr.reference_columns = attr.columns;
  }
  attr.column = attr.reference_columns.front();
}

// entity_info::key_columns, once every column is named: those of a key part that refers to an
// entity with a composite key hold the values of that entity's key columns (resolved first).
void resolve_key_columns(entity_info& entity) {
  if (!entity.key_columns.empty()) return;
  for (const attr_info* key : entity.key_attrs) {
    if (key->reference_columns.empty()) {
      entity.key_columns.push_back({key->column, key});
      continue;
    }
    // (Owned by the registry; keys in a circle were refused while their columns were named.)
    auto& target = const_cast<entity_info&>(*key->target_entity);
    resolve_key_columns(target);
    for (std::size_t i = 0; i < target.key_columns.size(); ++i) {
      entity.key_columns.push_back({key->reference_columns[i], target.key_columns[i].leaf});
    }
  }
}

void name_columns(entity_info& entity, const naming_convention& naming) {
  std::set<std::string> seen;
  for (auto& attr : entity.attrs) {
    if (attr.inherited) {
      // Named with the base (bases come first).
      const attr_info& in_base = hierarchy::in_base(entity, attr);
      attr.key_in_reverse = in_base.key_in_reverse;
      attr.column = in_base.column;
    }
    if (!attr.has_column()) continue;
    if (attr.inherited) {
      attr.reference_columns = hierarchy::in_base(entity, attr).reference_columns;
    } else if (attr.kind == attr_kind::single && attr.target_entity->composite_key()) {
      name_reference_columns(entity, attr, naming);
    } else if (!attr.columns.empty()) {
      // A Single to an entity with a one-attribute key: PonyORM's columns=[name] is its column.
      if (attr.columns.size() != 1) {
        fail("schema.option_kind", where(entity, attr) + "declares " +
                                       std::to_string(attr.columns.size()) +
                                       " columns, but the key of " + attr.target_entity->name +
                                       " has one attribute; declare one column");
      }
      attr.column = attr.columns.front();
    }
    if (attr.column.empty()) attr.column = naming.column(attr);
    for (const auto& name : attr.column_names()) {
      if (seen.insert(lower(name)).second) continue;
      fail("schema.duplicate_column", where(entity, attr) + "column " + name +
                                          " is already used in table " + entity.table +
                                          "; name one of the columns another way with " +
                                          hint(entity, "nextorm::column{\"...\"}", "\"column\""));
    }
    entity.columns.push_back(&attr);
    entity.column_width += attr.column_names().size();
  }
}

// The join-table options of a Set apply to a many-to-many only, reverse_column to a symmetric
// one (its own reverse), as PonyORM has them.
void check_join_options(const entity_info& entity, const attr_info& attr) {
  if (attr.kind != attr_kind::set) {
    if (!attr.table.empty()) option_error(entity, attr, "table", "a many-to-many Set");
    if (!attr.reverse_column.empty()) {
      option_error(entity, attr, "reverse_column", "a symmetric Set");
    }
    return;
  }
  const char* declared = !attr.column.empty()    ? "column"
                         : !attr.columns.empty() ? "columns"
                         : !attr.table.empty()   ? "table"
                         : !attr.fk_name.empty() ? "fk_name"
                                                 : nullptr;
  if (declared != nullptr && !attr.is_many_to_many()) {
    fail("schema.option_kind", where(entity, attr) + "'" + declared +
                                   "' applies only to a many-to-many Set; " + entity.name + "." +
                                   attr.name + " is one-to-many, and its column is " + attr.target +
                                   "." + attr.reverse_attr->name + "'s");
  }
  if (!attr.reverse_column.empty() && attr.reverse_attr != &attr) {
    fail("schema.option_kind", where(entity, attr) +
                                   "'reverse_column' applies only to a symmetric Set (its own "
                                   "reverse); name this side's column with 'column'");
  }
}

// PonyORM's cascade_delete: by default a Set whose items require their owner takes them with it,
// and nothing else cascades. Declared true, it applies only where the other side is a single
// object, and never on both sides of one relation.
void resolve_cascade(const entity_info& entity, attr_info& attr) {
  if (!attr.is_relation()) return;
  const attr_info& reverse = *attr.reverse_attr;
  const bool reverse_required = reverse.kind == attr_kind::single && !reverse.optional;
  attr.cascades = attr.cascade_delete.value_or(attr.kind == attr_kind::set && reverse_required);
  if (!attr.cascade_delete.value_or(false)) return;
  if (reverse.kind == attr_kind::set) {
    fail("schema.cascade_delete", where(entity, attr) +
                                      "cascade_delete cannot be set: the reverse attribute " +
                                      reverse.owner->name + "." + reverse.name +
                                      " is a Set (an object there may belong to others too)");
  }
  if (reverse.cascade_delete.value_or(false)) {
    fail("schema.cascade_delete", where(entity, attr) +
                                      "cascade_delete is set on both sides of the relation with " +
                                      reverse.owner->name + "." + reverse.name +
                                      "; keep it on the side whose removal takes the other");
  }
}

// The join-table columns a Set declares for its items: `columns`, or the one `column`.
std::vector<std::string> declared_items(const attr_info& set) {
  if (!set.columns.empty()) return set.columns;
  if (!set.column.empty()) return {set.column};
  return {};
}

// The join table's columns that refer to `referenced`, one per key column of it: `declared`
// (by `holder`, the Set whose items they hold), or the naming convention's.
std::vector<std::string> join_columns(const entity_info& referenced, const attr_info& holder,
                                      std::vector<std::string> declared,
                                      const naming_convention& naming) {
  const auto& keys = referenced.key_columns;
  if (!declared.empty() && declared.size() != keys.size()) {
    fail("schema.option_kind",
         where(*holder.owner, holder) + "declares " + std::to_string(declared.size()) +
             " join column" + (declared.size() == 1 ? "" : "s") + ", but the key of " +
             referenced.name + " has " + std::to_string(keys.size()) + " column" +
             (keys.size() == 1 ? "" : "s") + "; declare one column for each with " +
             hint(*holder.owner, "nextorm::columns{...}", "\"columns\""));
  }
  if (!declared.empty()) return declared;
  if (keys.size() == 1) return {naming.join_column(referenced)};
  std::vector<std::string> columns;
  for (const key_column& key : keys)
    columns.push_back(naming.join_key_column(referenced, key.name));
  return columns;
}

// PonyORM names a many-to-many table from the side whose entity sorts first (for a
// self-reference: whose attribute sorts first) and appends _2, _3, ... when the name is taken.
void name_join_tables(entity_list& entities, const naming_convention& naming) {
  std::set<std::string> used;
  for (const auto& entity : entities) used.insert(lower(entity->table));
  for (auto& entity : entities) {
    for (auto& attr : entity->attrs) {
      if (!attr.is_many_to_many()) continue;
      auto& reverse = const_cast<attr_info&>(*attr.reverse_attr);  // owned by the registry
      const entity_info& other = *reverse.owner;
      if (entity->name > other.name) continue;
      if (entity.get() == &other && attr.name > reverse.name) continue;
      if (!attr.table.empty() && !reverse.table.empty() && attr.table != reverse.table) {
        fail("schema.join_table", where(*entity, attr) + "the join table is declared as " +
                                      attr.table + " here and as " + reverse.table + " by " +
                                      other.name + "." + reverse.name + "; declare one name");
      }
      const std::string& declared = attr.table.empty() ? reverse.table : attr.table;
      std::string table = declared.empty() ? naming.join_table(attr, reverse) : declared;
      if (!declared.empty() && used.count(lower(table)) != 0) {
        fail("schema.duplicate_table", where(*entity, attr) + "join table " + table +
                                           " is already used; declare another name");
      }
      if (used.count(lower(table)) != 0) {
        std::size_t suffix = 2;
        while (used.count(lower(table + "_" + std::to_string(suffix))) != 0) ++suffix;
        table += '_';  // not `"_" + ...`: a false -Wrestrict of g++ 12 at -O3 (GCC bug 105329)
        table += std::to_string(suffix);
      }
      used.insert(lower(table));
      attr.m2m_table = reverse.m2m_table = table;
      // A Set's declared column(s) hold its items (PonyORM's Set(..., column=...)); in a
      // self-reference the first columns hold the items of the attribute that sorts first.
      const bool self = &other == entity.get();
      const attr_info& first_holder = self ? attr : reverse;
      const std::vector<std::string> first =
          join_columns(*entity, first_holder, declared_items(first_holder), naming);
      std::vector<std::string> second;
      if (&reverse == &attr) {
        const bool declared_second = !attr.reverse_column.empty();
        if (declared_second && entity->composite_key()) {
          fail("schema.option_kind",
               where(*entity, attr) + "'reverse_column' names one column, but the key of " +
                   entity->name + " has several attributes; its second columns are named " +
                   first.front() + "_2, ...");
        }
        if (declared_second) second.push_back(attr.reverse_column);
      } else {
        const attr_info& second_holder = self ? reverse : attr;
        second = declared_items(second_holder);
        if (!second.empty()) second = join_columns(other, second_holder, second, naming);
      }
      if (second.empty()) {
        second = self ? first : join_columns(other, attr, {}, naming);
        if (self) {
          for (auto& column : second) column += "_2";
        }
      }
      for (const auto& column : first) {
        const bool clash = std::any_of(second.begin(), second.end(), [&](const std::string& name) {
          return lower(name) == lower(column);
        });
        if (!clash) continue;
        fail("schema.duplicate_column", where(*entity, attr) + "join table " + table +
                                            " would have two columns named " + column +
                                            "; declare another column for one side");
      }
      if (&reverse == &attr) {
        attr.m2m_own_columns = first;
        attr.m2m_other_columns = second;
      } else if (self) {
        // PonyORM: the attribute that sorts first keeps its items in the first columns.
        attr.m2m_other_columns = reverse.m2m_own_columns = first;
        attr.m2m_own_columns = reverse.m2m_other_columns = second;
      } else {
        attr.m2m_own_columns = reverse.m2m_other_columns = first;
        attr.m2m_other_columns = reverse.m2m_own_columns = second;
      }
    }
  }
}

// The key's attributes (entity_info::key_attrs), marked key_part. A subclass has its root's key:
// a C++ subclass describes its base's primary_key again, anything else is refused.
void resolve_key(entity_info& entity) {
  entity.key_attrs.clear();
  entity.key_columns.clear();
  entity.key_width = 0;
  if (const entity_info* base = entity.base_entity) {
    if (!entity.primary_key.empty() && entity.primary_key != base->primary_key) {
      fail("schema.subclass_pk", "entity " + entity.name +
                                     ": declares a primary_key, but a subclass has the key of "
                                     "its root " +
                                     entity.root->name + "; remove it");
    }
    entity.primary_key = base->primary_key;
    for (const attr_info* key : base->key_attrs)
      entity.key_attrs.push_back(&entity.attrs[key->index]);
  } else if (entity.primary_key.empty()) {
    entity.key_attrs.push_back(&entity.attrs[entity.pk_index]);
  } else {
    for (const auto& name : entity.primary_key) entity.key_attrs.push_back(entity.find(name));
  }
  for (const attr_info* key : entity.key_attrs) {
    // (A PK attribute was refused lazy or volatile with its declaration.)
    if (key->is_lazy() || key->is_volatile) {
      const std::string option = key->is_lazy() ? "lazy" : "volatile";
      fail("schema.option_kind",
           where(entity, *key) + "is part of the primary key, which cannot be " + option);
    }
    const_cast<attr_info*>(key)->key_part = true;
  }
  entity.pk_index = entity.key_attrs.front()->index;
}

// entity_info::key_width: a column per key attribute, or for one that refers to an entity (a
// PK<Person>, a part of PrimaryKey(course, student)), as many as that entity's key has. `depth`
// counts the references followed: keys that refer to each other in a circle have no value.
std::size_t resolve_key_width(entity_info& entity, std::size_t depth, std::size_t entity_count) {
  if (entity.key_width != 0) return entity.key_width;
  if (depth > entity_count) {
    fail("schema.primary_key", "entity " + entity.name +
                                   ": its primary key refers to entities whose keys refer back "
                                   "to it, so no key has a value; give one of them a key of "
                                   "its own");
  }
  std::size_t width = 0;
  for (const attr_info* key : entity.key_attrs) {
    // (Owned by the registry.)
    width += key->kind == attr_kind::single
                 ? resolve_key_width(const_cast<entity_info&>(*key->target_entity), depth + 1,
                                     entity_count)
                 : 1;
  }
  entity.key_width = width;
  return width;
}

// A subclass's computed attributes: those a C++ subclass describes again are its base's; any
// other name of the base's attributes or computed ones is taken. An entity-typed one's target.
// A computed attribute of the bases of `entity` (or theirs) named `name`.
const computed_info* computed_above(const entity_info& entity, std::string_view name) {
  for (const entity_info* e : entity.ancestors) {
    for (const auto& c : e->computed) {
      if (c.name == name) return &c;
    }
  }
  return nullptr;
}

void resolve_computed(entity_info& entity, const entity_list& entities) {
  if (entity.base_entity != nullptr) {
    std::erase_if(entity.computed, [&](const computed_info& c) {
      const computed_info* in_base = computed_above(entity, c.name);
      // The base's member, described again by the C++ subclass (another member of that name is
      // refused by add(); a JSON schema's subclass declares only its own).
      return in_base != nullptr && c.field_offset != 0;
    });
  }
  for (std::size_t i = 0; i < entity.computed.size(); ++i) {
    computed_info& c = entity.computed[i];
    c.owner = &entity;
    c.index = i;
    c.target_entity = nullptr;
    const bool taken = computed_above(entity, c.name) != nullptr || entity.find(c.name) != nullptr;
    if (taken) {
      fail("schema.duplicate_attribute", "entity " + entity.name + ": computed attribute " +
                                             c.name + " has the name of an attribute of " +
                                             entity.base + " (or one of its bases)");
    }
    if (c.target.empty()) continue;
    for (const auto& other : entities) {
      if (other->name == c.target) c.target_entity = other.get();
    }
    if (c.target_entity == nullptr) {
      fail("schema.unknown_entity", "entity " + entity.name + ": computed attribute " + c.name +
                                        " gives objects of unknown entity '" + c.target + "'" +
                                        did_you_mean(c.target, entity_names(entities)));
    }
  }
}

}  // namespace

void registry::finalize(const naming_convention& naming) {
  m_finalized = false;
  // Bases before their subclasses: a subclass starts with its base's attributes.
  const std::vector<std::size_t> order = hierarchy::link_bases(m_entities);
  std::vector<std::vector<std::string>> declared_columns(m_entities.size());
  // Start from what add() was given, so that finalize() can run again after more add()s.
  std::set<std::string> tables;
  for (std::size_t e : order) {
    entity_info& entity = *m_entities[e];
    const declared_names& declared = m_declared[e];
    entity.columns.clear();
    entity.column_width = 0;
    std::vector<std::string>& columns = declared_columns[e];
    if (hierarchy::in_hierarchy(entity)) {
      // The declared columns of each base's attributes (bases come first).
      std::vector<const std::vector<std::string>*> base_columns;
      for (const entity_info* base : entity.bases) {
        const auto at = std::find_if(m_entities.begin(), m_entities.end(),
                                     [&](const auto& other) { return other.get() == base; });
        base_columns.push_back(
            &declared_columns[static_cast<std::size_t>(at - m_entities.begin())]);
      }
      columns = hierarchy::build_attrs(entity, declared.attrs, declared.columns, base_columns);
    } else {
      columns = declared.columns;
      // add() checked the attributes; adding more through the reference it returns is not
      // allowed.
      assert(entity.attrs.size() == columns.size());
    }
    for (std::size_t i = 0; i < entity.attrs.size(); ++i) {
      attr_info& attr = entity.attrs[i];
      attr.owner = &entity;
      attr.index = i;
      attr.target_entity = nullptr;
      attr.reverse_attr = nullptr;
      attr.key_in_reverse = false;
      attr.key_part = false;
      attr.reference_columns.clear();
      attr.m2m_table.clear();
      attr.m2m_own_columns.clear();
      attr.m2m_other_columns.clear();
      attr.column = columns[i];
      if (attr.kind == attr_kind::pk) entity.pk_index = i;
      if (attr.is_relation()) {
        attr.type = value_type::null;
        attr.max_len.reset();
        attr.precision = attr.scale = 0;
      }
    }
    resolve_key(entity);
    if (entity.base_entity != nullptr) {
      // PonyORM: a subclass lives in its root's table.
      if (!declared.table.empty()) {
        fail("schema.subclass_table", "entity " + entity.name +
                                          ": a subclass is stored in the table of its root " +
                                          entity.root->name + "; remove its table name");
      }
      entity.table = entity.root->table;
      // A C++ subclass describes its base's composite keys again: they are the base's.
      std::erase_if(entity.composite_indexes, [&](const composite_index_info& index) {
        return std::any_of(entity.base_entity->composite_indexes.begin(),
                           entity.base_entity->composite_indexes.end(),
                           [&](const composite_index_info& in_base) {
                             return in_base.unique == index.unique && in_base.attrs == index.attrs;
                           });
      });
      for (auto& index : entity.composite_indexes) check_composite_index(entity, index);
      continue;
    }
    entity.table = declared.table.empty() ? naming.table(entity) : declared.table;
    if (!tables.insert(lower(entity.table)).second) {
      fail(
          "schema.duplicate_table",
          "entity " + entity.name + ": table " + entity.table + " is already used" +
              hint(entity, "; rename one of the entities", "; give one of them another \"table\""));
    }
  }
  resolve_targets(m_entities);
  for (auto& entity : m_entities) {
    for (auto& attr : entity->attrs) {
      if (attr.is_relation() && !attr.inherited && attr.reverse_attr == nullptr) {
        link_reverse(*entity, attr);
      }
    }
  }
  for (auto& entity : m_entities) resolve_key_width(*entity, 0, m_entities.size());
  for (auto& entity : m_entities) {
    for (auto& attr : entity->attrs) {
      if (attr.kind != attr_kind::single || attr.inherited) continue;
      const attr_info& key = stored_key(*attr.target_entity);
      // (A composite key: its value is a tuple.)
      attr.type = attr.target_entity->composite_key() ? value_type::tuple : key.type;
      if (!attr.target_entity->composite_key()) attr.max_len = key.max_len;
      if (attr.reverse_attr->kind == attr_kind::single) place_one_to_one_key(*entity, attr);
    }
  }
  for (std::size_t e : order) name_columns(*m_entities[e], naming);
  for (auto& entity : m_entities) resolve_key_columns(*entity);
  for (auto& entity : m_entities) {
    for (auto& attr : entity->attrs) {
      if (attr.inherited) continue;
      check_join_options(*entity, attr);
      resolve_cascade(*entity, attr);
    }
  }
  name_join_tables(m_entities, naming);
  for (std::size_t e : order) resolve_computed(*m_entities[e], m_entities);
  hierarchy::sync_inherited(m_entities, order);
  hierarchy::resolve_tables(m_entities);
  m_has_hooks = std::any_of(m_entities.begin(), m_entities.end(),
                            [](const auto& entity) { return entity->hooks.any(); });
  ++m_version;
  m_finalized = true;
}

}  // namespace nextorm
