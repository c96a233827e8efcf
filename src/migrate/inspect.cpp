#include "migrate/inspect.hpp"

#include <nextorm/errors.hpp>

#include "common/suggest.hpp"
#include "common/unreachable.hpp"
#include "migrate/inspect_model.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace nextorm::schema_change {
namespace inspect_model {

std::string identifier(const std::string& text) {
  static const std::set<std::string_view> keywords{
      "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
      "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
      "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
      "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};
  std::string out;
  for (const char c : text) {
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front()))) out = "_" + out;
  if (keywords.count(out) != 0) out += '_';
  return out;
}

// student -> students, class -> classes, category -> categories; a name that already ends in
// a plural s (groups) is kept.
std::string plural(const std::string& name) {
  auto ends = [&](std::string_view s) { return name.ends_with(s); };
  if (ends("ss") || ends("x") || ends("z") || ends("ch") || ends("sh")) return name + "es";
  if (ends("s")) return name;
  if (name.size() > 1 && ends("y") &&
      std::string_view{"aeiou"}.find(name[name.size() - 2]) == std::string_view::npos) {
    return name.substr(0, name.size() - 1) + "ies";
  }
  return name + "s";
}

namespace {

// `wanted`, or with _2, _3, ... where an entity has its name (in any case), kept as taken.
std::string unused_name(std::set<std::string>& taken, const std::string& wanted) {
  std::string name = wanted;
  for (int n = 2; taken.count(lower_case(name)) != 0; ++n) name = wanted + "_" + std::to_string(n);
  taken.insert(lower_case(name));
  return name;
}

// Django's and Rails' <name>_id: the reference is <name>, its column keeps the suffix.
std::string reference_name(const std::string& column) {
  if (column.size() > 3 && lower_case(column).ends_with("_id")) {
    return column.substr(0, column.size() - 3);
  }
  return column;
}

std::string joined(const std::vector<std::string>& parts, std::string_view between) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string{between}) + p;
  return out;
}

}  // namespace

std::string inspector::provider_case(const std::string& s) const {
  return m_lower ? lower_case(s) : s;
}

const catalog_table* inspector::table_named(const std::string& name) const {
  for (const catalog_table& t : m_tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

int inspector::entity_of_table(const std::string& table) const {
  // (The roots come first, each before the subclasses that share its table.)
  for (std::size_t i = 0; i < m_entities.size(); ++i) {
    if (m_entities[i].table->name == table) return static_cast<int>(i);
  }
  return -1;
}

int inspector::entity_named(const std::string& name) const {
  for (std::size_t i = 0; i < m_entities.size(); ++i) {
    if (m_entities[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// A many-to-many's join table (PonyORM's shape): two foreign keys to tables that have keys, each
// over that table's whole primary key, and together every column of the table and its key; and
// no table refers to it. (An entity keyed by two references has that shape too, PonyORM's
// Enrollment with PrimaryKey(student, course); a reference to it, a Grade's, shows it is one.)
bool inspector::is_join_table(const catalog_table& t) const {
  if (t.foreign_keys.size() != 2 || t.primary_key.size() != t.columns.size()) return false;
  for (const catalog_table& other : m_tables) {
    for (const catalog_foreign_key& k : other.foreign_keys) {
      if (k.parent_table == t.name) return false;
    }
  }
  std::set<std::string> covered;
  for (const catalog_foreign_key& k : t.foreign_keys) {
    const catalog_table* parent = table_named(k.parent_table);
    // (A key to itself is a reference to it: refused above.)
    if (parent == nullptr || parent->primary_key.empty() ||
        k.parent_columns != parent->primary_key) {
      return false;
    }
    for (const std::string& c : k.columns) covered.insert(c);
  }
  return covered.size() == t.columns.size() &&
         std::all_of(t.columns.begin(), t.columns.end(),
                     [&](const catalog_column& c) { return covered.count(c.name) != 0; });
}

bool inspector::has_attr(int entity, const std::string& name) const {
  // A hierarchy shares its names: a subclass has its base's attributes.
  const int root = m_entities[entity].root;
  for (const entity_rec& e : m_entities) {
    if (e.root != root) continue;
    for (int a : e.attrs) {
      if (equal_ignoring_case(m_attrs[a].decl["name"].get<std::string>(), name)) return true;
    }
  }
  return false;
}

std::string inspector::free_name(int entity, const std::string& text) const {
  const std::string wanted = identifier(text);
  std::string name = wanted;
  for (int n = 2; has_attr(entity, name); ++n) name = wanted + "_" + std::to_string(n);
  return name;
}

int inspector::add_attr(int entity, json decl, std::vector<std::string> columns) {
  attr_rec a;
  a.decl = std::move(decl);
  a.columns = std::move(columns);
  m_attrs.push_back(std::move(a));
  const int id = static_cast<int>(m_attrs.size()) - 1;
  m_entities[entity].attrs.push_back(id);
  return id;
}

void inspector::infer() {
  // Entities first (a reference needs its target's name), then their attributes.
  std::set<std::string> taken;
  std::set<std::string> tables_seen;
  for (const catalog_table& t : m_tables) {
    if (is_join_table(t)) continue;
    if (t.primary_key.empty()) {
      notes.push_back("table " + t.name +
                      " has no primary key: left out (an entity needs one; give it a key)");
      continue;
    }
    if (!tables_seen.insert(lower_case(t.name)).second) {
      notes.push_back("table " + t.name +
                      " differs from another table's name only in letter case, which NextORM "
                      "does not tell apart: left out (rename one of them)");
      continue;
    }
    entity_rec e;
    e.table = &t;
    // The discriminator's values spell the classes as declared: "Person" for the table
    // "person" on PostgreSQL.
    std::string name = t.name;
    if (m_lower) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    for (const std::string& v : t.classtypes) {
      if (equal_ignoring_case(v, t.name)) name = v;
    }
    e.name = unused_name(taken, identifier(name));
    e.root = static_cast<int>(m_entities.size());
    m_entities.push_back(std::move(e));
  }
  const std::size_t roots = m_entities.size();
  for (std::size_t i = 0; i < roots; ++i) infer_entity(static_cast<int>(i));
  for (const catalog_table& t : m_tables) {
    if (is_join_table(t)) infer_join_table(t);
  }
  // A hierarchy's other classes: one per discriminator value, attributes on the root.
  for (std::size_t i = 0; i < roots; ++i) {
    const catalog_table& t = *m_entities[i].table;
    for (const std::string& v : t.classtypes) {
      if (v == m_entities[i].name) continue;
      if (v.empty()) {
        notes.push_back(t.name + ": rows whose classtype is empty belong to no class: left out");
        continue;
      }
      entity_rec sub;
      sub.table = &t;
      sub.root = static_cast<int>(i);
      sub.base = m_entities[i].name;
      sub.name = unused_name(taken, identifier(v));
      if (sub.name != v) sub.discriminator = v;
      m_entities.push_back(std::move(sub));
    }
  }
}

void inspector::infer_entity(int entity) {
  const catalog_table& t = *m_entities[entity].table;
  std::set<std::string> done;
  std::set<const catalog_foreign_key*> plain;  // (noted once, not once per column)
  for (const catalog_column& c : t.columns) {
    if (done.count(c.name) != 0) continue;
    if (equal_ignoring_case(c.name, "classtype") && c.type == "str") continue;  // the discriminator
    const catalog_foreign_key* fk = nullptr;
    for (const catalog_foreign_key& k : t.foreign_keys) {
      if (std::find(k.columns.begin(), k.columns.end(), c.name) != k.columns.end()) fk = &k;
    }
    if (fk != nullptr && plain.count(fk) == 0) {
      if (infer_reference(entity, *fk) >= 0) {
        for (const std::string& col : fk->columns) done.insert(col);
        continue;
      }
      plain.insert(fk);
    }
    infer_value(entity, c);
    done.insert(c.name);
  }
}

// A Single from a foreign key over the whole primary key of an entity's table; -1 (and a note)
// for any other key, whose columns are then plain values.
int inspector::infer_reference(int entity, const catalog_foreign_key& fk) {
  const catalog_table& t = *m_entities[entity].table;
  const int target = entity_of_table(fk.parent_table);
  if (target < 0 || fk.parent_columns != m_entities[target].table->primary_key) {
    notes.push_back(t.name + ": the foreign key " + (fk.name.empty() ? "" : fk.name + " ") +
                    "over " + joined(fk.columns, ", ") +
                    " does not refer to an entity's primary key: its columns are plain values");
    return -1;
  }
  std::string name;
  if (fk.columns.size() == 1) {
    name = reference_name(fk.columns.front());
  } else {
    // PonyORM's <attribute>_<key column>: the attribute is what every column starts with.
    const std::string& first = fk.columns.front();
    const std::string suffix = "_" + fk.parent_columns.front();
    name = first.ends_with(suffix) ? first.substr(0, first.size() - suffix.size()) : first;
  }
  name = free_name(entity, identifier(name));
  json decl{{"name", name}, {"kind", "Single"}, {"type", m_entities[target].name}};
  bool optional = false;
  for (const std::string& col : fk.columns) {
    const catalog_column* c = t.find(col);
    if (c == nullptr) detail::unreachable("inspect: a foreign key over a column its table lacks");
    if (c->nullable) optional = true;
  }
  if (optional) decl["optional"] = true;
  if (!fk.name.empty() && fk.name != m_naming.foreign_key(t.name, joined(fk.columns, "__"))) {
    decl["fk_name"] = fk.name;
  }
  bool unique = fk.columns == t.primary_key;
  for (const catalog_key& u : t.unique_keys) {
    if (u.columns == fk.columns && !u.partial) unique = true;
  }
  if (unique && fk.columns != t.primary_key) {
    if (fk.columns.size() == 1) {
      decl["unique"] = true;
    } else {
      // (NextORM has no unique reference of several columns: its rows are still one-to-one.)
      notes.push_back(t.name + ": the unique key over " + joined(fk.columns, ", ") + " (the " +
                      "reference " + name + ") is left out");
    }
  }
  const int id = add_attr(entity, std::move(decl), fk.columns);
  attr_rec& a = m_attrs[id];
  a.holds_reference = true;
  a.parent_columns = fk.parent_columns;
  // A reference that is unique (or the table's key) has at most one row per target: a
  // one-to-one. PonyORM's required one-to-one has no ON DELETE, but neither has a Set declared
  // cascade_delete=False: such a key gets a Set and a note.
  a.one_to_one = unique;
  a.required_without_action = !optional && fk.on_delete.empty();
  return id;
}

void inspector::infer_value(int entity, const catalog_column& c) {
  const catalog_table& t = *m_entities[entity].table;
  const bool sole_key = t.primary_key.size() == 1 && t.primary_key.front() == c.name;
  const bool in_key =
      std::find(t.primary_key.begin(), t.primary_key.end(), c.name) != t.primary_key.end();
  std::string type = c.type;
  if (sole_key && c.auto_increment && c.name == "id" && type == "int" && &c == &t.columns.front()) {
    return;  // PonyORM's implicit key
  }
  const std::string name = free_name(entity, identifier(c.name));
  const std::string where = m_entities[entity].name + "." + name;
  std::string kind = sole_key ? "PK" : (in_key || !c.nullable ? "Req" : "Opt");
  json decl{{"name", name}, {"kind", kind}};
  if (type.empty()) {
    type = "str";
    decl["sql_type"] = c.sql_type.empty() ? std::string{"TEXT"} : c.sql_type;
    notes.push_back(where + ": the type " +
                    (c.sql_type.empty() ? std::string{"(none)"} : c.sql_type) +
                    " has no NextORM type; read as str with its sql_type (give \"type\" in the "
                    "names file)");
  }
  decl["type"] = type;
  if (c.max_len) decl["max_len"] = *c.max_len;
  if (type == "decimal" && c.precision > 0) {
    decl["precision"] = c.precision;
    decl["scale"] = c.scale;
  }
  if (c.size == 64 && c.is_unsigned) {
    notes.push_back(where + ": a " + c.sql_type +
                    " column is read as a signed 64-bit int (NextORM's widest): values above "
                    "9223372036854775807 cannot be read");
  } else {
    if (c.size != 0) decl["size"] = c.size;
    if (c.is_unsigned) decl["unsigned"] = true;
  }
  if (type == "enum") decl["values"] = c.enum_values;
  if (sole_key && c.auto_increment && type == "int") decl["auto"] = true;
  bool unique = false;
  for (const catalog_key& u : t.unique_keys) {
    if (u.columns == std::vector<std::string>{c.name} && !u.partial) unique = true;
  }
  if (unique && !sole_key) decl["unique"] = true;
  // (MariaDB makes an index for every foreign key that has none: a key's own is not declared.)
  const bool in_foreign_key =
      std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                  [&](const catalog_foreign_key& k) { return k.columns.front() == c.name; });
  for (const catalog_key& i : t.indexes) {
    if (i.columns == std::vector<std::string>{c.name} && !i.partial && !in_foreign_key) {
      decl["index"] = true;
    }
  }
  const bool text_like = type == "str" || type == "LongStr" || type == "json";
  if (kind == "Opt" && text_like && !unique) decl["nullable"] = true;
  if (c.default_sql && !(sole_key && c.auto_increment)) decl["sql_default"] = *c.default_sql;
  if (!c.or_type.empty()) {
    notes.push_back(where + ": a " + c.sql_type + " column is a " + type + " or a " + c.or_type +
                    "; read as " + type + " (give \"type\": \"" + c.or_type +
                    "\" in the names file for the other)");
  }
  const int id = add_attr(entity, std::move(decl), {c.name});
  m_attrs[id].may_be_optional = kind == "Req" && text_like && !in_key;
}

void inspector::infer_join_table(const catalog_table& t) {
  // The key of the table's first column holds the items of the Set on the other side.
  const catalog_foreign_key* first = &t.foreign_keys[0];
  const catalog_foreign_key* second = &t.foreign_keys[1];
  if (std::find(first->columns.begin(), first->columns.end(), t.columns.front().name) ==
      first->columns.end()) {
    std::swap(first, second);
  }
  const int a = entity_of_table(first->parent_table);
  const int b = entity_of_table(second->parent_table);
  if (a < 0 || b < 0) {
    notes.push_back("join table " + t.name + " refers to a table that is not an entity: left out");
    return;
  }
  auto items_name = [&](const catalog_foreign_key& k) {
    if (k.columns.size() == 1) return reference_name(k.columns.front());
    const std::string& c = k.columns.front();
    const std::string suffix = "_" + k.parent_columns.front();
    return c.ends_with(suffix) ? c.substr(0, c.size() - suffix.size()) : c;
  };
  auto set_of = [&](int holder, int items, const std::string& name, const catalog_foreign_key& k) {
    const int id = add_attr(
        holder, {{"name", name}, {"kind", "Set"}, {"type", m_entities[items].name}}, k.columns);
    m_attrs[id].join_table = t.name;
    m_attrs[id].parent_columns = k.parent_columns;
    return id;
  };
  if (a == b) {
    const std::string own = m_entities[a].name;
    // PonyORM names a self-referencing join table E_E (two sides; E may be a subclass of the
    // table's entity) and a symmetric Set's E_attribute.
    const auto cut = t.name.find('_');
    const bool two_sides = cut != std::string::npos && t.name.size() == 2 * cut + 1 &&
                           equal_ignoring_case(t.name.substr(0, cut), t.name.substr(cut + 1));
    if (!two_sides) {
      const std::string prefix = provider_case(own) + "_";
      std::string name = lower_case(t.name).starts_with(lower_case(prefix))
                             ? t.name.substr(prefix.size())
                             : plural(lower_case(own));
      name = free_name(a, identifier(name));
      const int id = set_of(a, a, name, *first);
      m_attrs[id].partner = id;
      m_attrs[id].reverse_column = second->columns.size() == 1 ? second->columns.front() : "";
      m_attrs[id].other_columns = second->columns;
      notes.push_back(own + "." + name + ": the join table " + t.name +
                      " is read as PonyORM's symmetric Set (each link stored both ways); if it "
                      "has two sides, give both in the names file with their \"table\" and "
                      "\"column\"");
      return;
    }
    // The attribute whose name sorts first keeps its items in the first column.
    const std::string base = plural(lower_case(own));
    const int x = set_of(a, a, free_name(a, base), *first);
    const int y = set_of(a, a, free_name(a, base + "_2"), *second);
    m_attrs[y].second_side = true;
    m_attrs[x].partner = y;
    m_attrs[y].partner = x;
    return;
  }
  const int x =
      set_of(a, b, free_name(a, plural(lower_case(identifier(items_name(*second))))), *second);
  const int y =
      set_of(b, a, free_name(b, plural(lower_case(identifier(items_name(*first))))), *first);
  m_attrs[x].partner = y;
  m_attrs[y].partner = x;
}

}  // namespace inspect_model

inspected inspect_catalog(const std::vector<catalog_table>& tables, const nlohmann::json& names,
                          std::string_view provider) {
  inspect_model::inspector i{tables, provider};
  i.infer();
  i.apply(names);
  i.add_reverse_sides();
  i.settle_names();
  inspected out;
  out.schema = i.emit();
  out.notes = std::move(i.notes);
  // What inspect writes must load: a schema that does not is reported here, not at first use.
  registry check;
  check.load_json_text(out.schema.dump());
  check.finalize(pony_naming{provider});
  return out;
}

}  // namespace nextorm::schema_change
