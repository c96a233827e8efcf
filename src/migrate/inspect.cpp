#include "migrate/inspect.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/registry.hpp>

#include "common/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace nextorm::schema_change {
namespace {

using json = nlohmann::json;

// One attribute of the schema being built. Relations know their other side by index, so that a
// names file may rename either side and the "reverse" fields are written from the final names.
struct attr_rec {
  json decl;                         // "name", "kind", "type" and options, without "reverse"
  std::vector<std::string> columns;  // its columns; a many-to-many Set: its items' join columns
  std::string join_table;            // a many-to-many Set's
  int partner = -1;                  // the other side of a relation (itself: symmetric)
  bool holds_reference = false;      // a Single with columns of its own
  bool one_to_one = false;           // a Single whose reverse is a Single
  bool named = false;                // the names file gave fields of it
  bool may_be_optional = false;      // a NOT NULL text column read as Req (PonyORM's Opt str)
};

struct entity_rec {
  std::string name;
  const catalog_table* table = nullptr;  // a subclass: its root's
  int root = -1;                         // itself for a root
  std::string base;
  std::optional<std::string> discriminator;  // a subclass's classtype value
  std::vector<int> attrs;
  json extra = json::object();  // entity fields a names file gives that inspect does not infer
  bool named = false;           // the names file gave it
};

bool is_keyword(std::string_view s) {
  static const std::set<std::string_view> keywords{
      "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
      "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
      "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
      "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};
  return keywords.count(s) != 0;
}

// A name that queries can spell: letters, digits and '_', not starting with a digit, not a
// keyword of the query language.
std::string identifier(const std::string& text) {
  std::string out;
  for (const char c : text) {
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front()))) out = "_" + out;
  if (is_keyword(out)) out += '_';
  return out;
}

// The plural of a (lower-case) name, as the rule of docs/inspect.md makes reverse sides:
// student -> students, class -> classes, category -> categories.
std::string plural(const std::string& name) {
  auto ends = [&](std::string_view s) { return name.ends_with(s); };
  if (ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh")) return name + "es";
  if (name.size() > 1 && ends("y") &&
      std::string_view{"aeiou"}.find(name[name.size() - 2]) == std::string_view::npos) {
    return name.substr(0, name.size() - 1) + "ies";
  }
  return name + "s";
}

bool same_name(std::string_view a, std::string_view b) {
  return lower_case(std::string{a}) == lower_case(std::string{b});
}

// `wanted`, or with _2, _3, ... where an entity has its name (in any case), kept as taken.
std::string unused_name(std::set<std::string>& taken, const std::string& wanted) {
  std::string name = wanted;
  for (int n = 2; taken.count(lower_case(name)) != 0; ++n) name = wanted + "_" + std::to_string(n);
  taken.insert(lower_case(name));
  return name;
}

class inspector {
 public:
  inspector(const std::vector<catalog_table>& tables, std::string_view provider)
      : m_tables{tables}, m_lower{provider != "sqlite"}, m_naming{provider} {}

  void infer();
  void apply(const json& names);
  void add_reverse_sides();
  [[nodiscard]] json emit();

  std::vector<std::string> notes;

 private:
  // A default name as the provider's PonyORM names make it.
  [[nodiscard]] std::string provider_case(const std::string& s) const {
    return m_lower ? lower_case(s) : s;
  }
  [[nodiscard]] bool is_join_table(const catalog_table& t) const;
  [[nodiscard]] const catalog_table* table_named(const std::string& name) const;
  [[nodiscard]] int entity_of_table(const std::string& table) const;
  [[nodiscard]] std::string free_name(int entity, const std::string& wanted) const;
  [[nodiscard]] bool has_attr(int entity, const std::string& name) const;
  int add_attr(int entity, json decl, std::vector<std::string> columns);
  void infer_entity(int entity);
  int infer_reference(int entity, const catalog_foreign_key& fk);
  void infer_value(int entity, const catalog_column& c);
  void infer_join_table(const catalog_table& t);
  [[nodiscard]] std::string entity_display(int entity) const { return m_entities[entity].name; }
  int match_entity(const json& overlay) const;
  int match_attr(int entity, const json& overlay) const;
  void rename_entity(int entity, const std::string& name);
  [[nodiscard]] int holder_of(int attr) const;
  [[nodiscard]] int relations_to(int entity, const std::string& type) const;
  [[nodiscard]] std::vector<std::string> attr_names_for(int entity,
                                                        const std::vector<std::string>& columns,
                                                        int* holder) const;

  const std::vector<catalog_table>& m_tables;
  bool m_lower;
  pony_naming m_naming;
  std::vector<attr_rec> m_attrs;
  std::vector<entity_rec> m_entities;
};

const catalog_table* inspector::table_named(const std::string& name) const {
  for (const catalog_table& t : m_tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

int inspector::entity_of_table(const std::string& table) const {
  for (std::size_t i = 0; i < m_entities.size(); ++i) {
    if (m_entities[i].root == static_cast<int>(i) && m_entities[i].table->name == table) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// A many-to-many's join table (PonyORM's shape): two foreign keys to tables that have keys, each
// over that table's whole primary key, and together every column of the table and its key.
bool inspector::is_join_table(const catalog_table& t) const {
  if (t.foreign_keys.size() != 2 || t.primary_key.size() != t.columns.size()) return false;
  std::set<std::string> covered;
  for (const catalog_foreign_key& k : t.foreign_keys) {
    const catalog_table* parent = table_named(k.parent_table);
    if (parent == nullptr || parent->primary_key.empty() || parent == &t ||
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
  for (std::size_t e = 0; e < m_entities.size(); ++e) {
    if (m_entities[e].root != root) continue;
    for (int a : m_entities[e].attrs) {
      if (same_name(m_attrs[a].decl["name"].get<std::string>(), name)) return true;
    }
  }
  return false;
}

std::string inspector::free_name(int entity, const std::string& wanted) const {
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
  for (const catalog_table& t : m_tables) {
    if (is_join_table(t)) continue;
    if (t.primary_key.empty()) {
      notes.push_back("table " + t.name +
                      " has no primary key: left out (an entity needs one; give it a key)");
      continue;
    }
    entity_rec e;
    e.table = &t;
    // The discriminator's values spell the classes as declared: "Person" for the table
    // "person" on PostgreSQL.
    std::string name = t.name;
    if (m_lower) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    for (const std::string& v : t.classtypes) {
      if (same_name(v, t.name)) name = v;
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
      entity_rec sub;
      sub.table = &t;
      sub.root = static_cast<int>(i);
      sub.base = m_entities[i].name;
      const std::string name = unused_name(taken, identifier(v));
      sub.name = name;
      if (name != v) sub.discriminator = v;
      m_entities.push_back(std::move(sub));
    }
  }
}

void inspector::infer_entity(int entity) {
  const catalog_table& t = *m_entities[entity].table;
  std::set<std::string> done;
  for (const catalog_column& c : t.columns) {
    if (done.count(c.name) != 0) continue;
    if (same_name(c.name, "classtype") && c.type == "str") continue;  // the discriminator
    const catalog_foreign_key* fk = nullptr;
    for (const catalog_foreign_key& k : t.foreign_keys) {
      if (std::find(k.columns.begin(), k.columns.end(), c.name) != k.columns.end()) fk = &k;
    }
    if (fk != nullptr && infer_reference(entity, *fk) >= 0) {
      for (const std::string& col : fk->columns) done.insert(col);
      continue;
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
                    "over " + fk.columns.front() + (fk.columns.size() > 1 ? ", ..." : "") +
                    " does not refer to an entity's primary key: its columns are plain values");
    return -1;
  }
  std::string name;
  bool default_columns = true;
  if (fk.columns.size() == 1) {
    name = identifier(fk.columns.front());
    default_columns = provider_case(name) == fk.columns.front();
  } else {
    // PonyORM's <attribute>_<key column>: the attribute is what every column starts with.
    const std::string& first = fk.columns.front();
    const std::string& suffix = "_" + fk.parent_columns.front();
    name = first.ends_with(suffix) ? first.substr(0, first.size() - suffix.size()) : first;
    name = identifier(name);
    for (std::size_t i = 0; i < fk.columns.size(); ++i) {
      if (fk.columns[i] != provider_case(name + "_" + fk.parent_columns[i])) {
        default_columns = false;
      }
    }
  }
  name = free_name(entity, name);
  json decl{{"name", name}, {"kind", "Single"}, {"type", m_entities[target].name}};
  bool optional = false;
  for (const std::string& col : fk.columns) {
    if (const catalog_column* c = t.find(col); c != nullptr && c->nullable) optional = true;
  }
  if (optional) decl["optional"] = true;
  if (!default_columns) {
    if (fk.columns.size() == 1) {
      decl["column"] = fk.columns.front();
    } else {
      decl["columns"] = fk.columns;
    }
  }
  std::string joined;
  for (const std::string& col : fk.columns) joined += (joined.empty() ? "" : "__") + col;
  if (!fk.name.empty() && fk.name != m_naming.foreign_key(t.name, joined)) {
    decl["fk_name"] = fk.name;
  }
  if (fk.columns.size() == 1) {
    for (const catalog_key& u : t.unique_keys) {
      if (u.columns == fk.columns) decl["unique"] = true;
    }
  }
  const int id = add_attr(entity, std::move(decl), fk.columns);
  m_attrs[id].holds_reference = true;
  // PonyORM: a required reference whose reverse is a Set deletes in cascade; a required
  // one-to-one has no ON DELETE (removing its other side is refused).
  m_attrs[id].one_to_one = !optional && fk.on_delete.empty();
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
    decl["sql_type"] = c.sql_type;
    notes.push_back(where + ": the type " + c.sql_type +
                    " has no NextORM type; read as str with its sql_type (give \"type\" in the "
                    "names file)");
  }
  decl["type"] = type;
  if (provider_case(name) != c.name) decl["column"] = c.name;
  if (c.max_len) decl["max_len"] = *c.max_len;
  if (type == "decimal" && c.precision > 0) {
    decl["precision"] = c.precision;
    decl["scale"] = c.scale;
  }
  if (c.size != 0) decl["size"] = c.size;
  if (c.is_unsigned) decl["unsigned"] = true;
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
  if (c.default_sql && !sole_key) decl["sql_default"] = *c.default_sql;
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
  if (t.columns.front().name != first->columns.front() &&
      std::find(first->columns.begin(), first->columns.end(), t.columns.front().name) ==
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
    if (k.columns.size() == 1) return k.columns.front();
    const std::string& c = k.columns.front();
    const std::string suffix = "_" + k.parent_columns.front();
    return c.ends_with(suffix) ? c.substr(0, c.size() - suffix.size()) : c;
  };
  // PonyORM's join column of the items of `e`: <entity lower>(_<key column>)(_2).
  auto default_columns = [&](int e, const catalog_foreign_key& k, bool second_side) {
    std::vector<std::string> out;
    const std::string base = lower_case(m_entities[e].name);
    for (const std::string& key : k.parent_columns) {
      std::string c = k.columns.size() == 1 ? base : base + "_" + key;
      out.push_back(provider_case(c) + (second_side ? "_2" : ""));
    }
    return out;
  };
  auto set_decl = [&](int holder, int items, const std::string& name, const catalog_foreign_key& k,
                      bool second_side) {
    json decl{{"name", name}, {"kind", "Set"}, {"type", m_entities[items].name}};
    if (k.columns != default_columns(items, k, second_side)) {
      if (k.columns.size() == 1) {
        decl["column"] = k.columns.front();
      } else {
        decl["columns"] = k.columns;
      }
    }
    const int id = add_attr(holder, std::move(decl), k.columns);
    m_attrs[id].join_table = t.name;
    return id;
  };
  if (a == b) {
    const std::string own = m_entities[a].name;
    const bool two_sides = same_name(t.name, own + "_" + own);
    if (!two_sides) {
      // A symmetric Set: PonyORM's Entity_attribute.
      const std::string prefix = provider_case(own) + "_";
      std::string name =
          t.name.starts_with(prefix) ? t.name.substr(prefix.size()) : plural(lower_case(own));
      name = free_name(a, identifier(name));
      const int id = set_decl(a, a, name, *first, false);
      m_attrs[id].partner = id;
      if (!same_name(t.name, own + "_" + name)) m_attrs[id].decl["table"] = t.name;
      // Its second column, where it is not <first>_2: PonyORM's reverse_column.
      if (second->columns.size() == 1 && second->columns.front() != first->columns.front() + "_2") {
        m_attrs[id].decl["reverse_column"] = second->columns.front();
      }
      return;
    }
    // The attribute whose name sorts first keeps its items in the first column.
    const std::string base = plural(lower_case(own));
    const int x = set_decl(a, a, free_name(a, base), *first, false);
    const int y = set_decl(a, a, free_name(a, base + "_2"), *second, true);
    m_attrs[x].partner = y;
    m_attrs[y].partner = x;
    return;
  }
  const int x = set_decl(a, b, free_name(a, plural(lower_case(identifier(items_name(*second))))),
                         *second, false);
  const int y = set_decl(b, a, free_name(b, plural(lower_case(identifier(items_name(*first))))),
                         *first, false);
  m_attrs[x].partner = y;
  m_attrs[y].partner = x;
  std::vector<std::string> pair{m_entities[a].name, m_entities[b].name};
  std::sort(pair.begin(), pair.end());
  if (!same_name(t.name, pair[0] + "_" + pair[1])) {
    m_attrs[x].decl["table"] = t.name;
    m_attrs[y].decl["table"] = t.name;
  }
}

int inspector::match_entity(const json& overlay) const {
  if (overlay.contains("table")) {
    const std::string table = overlay["table"].get<std::string>();
    for (std::size_t i = 0; i < m_entities.size(); ++i) {
      if (m_entities[i].root == static_cast<int>(i) &&
          same_name(m_entities[i].table->name, table)) {
        return static_cast<int>(i);
      }
    }
  }
  if (overlay.contains("discriminator")) {
    const std::string d = overlay["discriminator"].get<std::string>();
    for (std::size_t i = 0; i < m_entities.size(); ++i) {
      const entity_rec& e = m_entities[i];
      if (e.root != static_cast<int>(i) && e.discriminator.value_or(e.name) == d) {
        return static_cast<int>(i);
      }
    }
  }
  const std::string name = overlay["name"].get<std::string>();
  for (std::size_t i = 0; i < m_entities.size(); ++i) {
    if (same_name(m_entities[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

int inspector::match_attr(int entity, const json& overlay) const {
  const std::string name = overlay["name"].get<std::string>();
  const entity_rec& e = m_entities[entity];
  for (int a : e.attrs) {
    const attr_rec& r = m_attrs[a];
    if (overlay.contains("table") && !r.join_table.empty()) {
      if (!same_name(r.join_table, overlay["table"].get<std::string>())) continue;
      if (overlay.contains("column") &&
          r.columns != std::vector<std::string>{overlay["column"].get<std::string>()}) {
        continue;
      }
      return a;
    }
    if (overlay.contains("column") && r.join_table.empty() && !r.columns.empty()) {
      if (std::find(r.columns.begin(), r.columns.end(), overlay["column"].get<std::string>()) !=
          r.columns.end()) {
        return a;
      }
      continue;
    }
  }
  for (int a : e.attrs) {
    if (same_name(m_attrs[a].decl["name"].get<std::string>(), name)) return a;
  }
  return -1;
}

int inspector::holder_of(int attr) const {
  for (std::size_t e = 0; e < m_entities.size(); ++e) {
    const auto& attrs = m_entities[e].attrs;
    if (std::find(attrs.begin(), attrs.end(), attr) != attrs.end()) return static_cast<int>(e);
  }
  return -1;
}

// How many relations `entity` declares to entities named `type`.
int inspector::relations_to(int entity, const std::string& type) const {
  int n = 0;
  for (int a : m_entities[entity].attrs) {
    if (m_attrs[a].partner >= 0 && m_attrs[a].decl.value("type", "") == type) ++n;
  }
  return n;
}

void inspector::rename_entity(int entity, const std::string& name) {
  const std::string old = m_entities[entity].name;
  if (old == name) return;
  for (attr_rec& a : m_attrs) {
    if (a.decl.contains("type") && a.decl["type"] == old) a.decl["type"] = name;
  }
  for (entity_rec& e : m_entities) {
    if (e.base == old) e.base = name;
  }
  m_entities[entity].name = name;
}

void inspector::apply(const json& names) {
  if (names.is_null()) return;
  if (!names.is_object() || !names.contains("entities") || !names["entities"].is_array() ||
      names.size() != 1) {
    throw schema_error{"inspect.names",
                       "a names file is an object with one field, \"entities\": a list of "
                       "entities in the JSON schema's shape (docs/inspect.md)"};
  }
  for (const json& overlay : names["entities"]) {
    if (!overlay.is_object() || !overlay.contains("name") || !overlay["name"].is_string()) {
      throw schema_error{
          "inspect.names",
          "each entity of a names file is an object with a \"name\": " + overlay.dump()};
    }
    const std::string name = overlay["name"].get<std::string>();
    int entity = match_entity(overlay);
    if (entity < 0) {
      if (!overlay.contains("base")) {
        std::vector<std::string> known;
        for (const entity_rec& e : m_entities) known.push_back(e.name);
        throw schema_error{"inspect.unknown_entity", "the names file names the entity " + name +
                                                         ", which no table of the database holds" +
                                                         did_you_mean(name, known)};
      }
      // A subclass without rows yet: the discriminator has not shown it.
      const std::string base = overlay["base"].get<std::string>();
      int root = -1;
      for (std::size_t i = 0; i < m_entities.size(); ++i) {
        if (same_name(m_entities[i].name, base)) root = m_entities[i].root;
      }
      if (root < 0) {
        throw schema_error{"inspect.unknown_entity",
                           "the names file's entity " + name + " has the base " + base +
                               ", which is not an entity of the database"};
      }
      entity_rec sub;
      sub.name = name;
      sub.table = m_entities[root].table;
      sub.root = root;
      m_entities.push_back(std::move(sub));
      entity = static_cast<int>(m_entities.size()) - 1;
    }
    rename_entity(entity, name);
    m_entities[entity].named = true;
    for (const auto& [key, v] : overlay.items()) {
      if (key == "name" || key == "attrs" || key == "table") continue;
      if (key == "base") {
        m_entities[entity].base = v.get<std::string>();
      } else if (key == "discriminator") {
        m_entities[entity].discriminator = v.get<std::string>();
      } else {
        m_entities[entity].extra[key] = v;
      }
    }
    if (!overlay.contains("attrs")) continue;
    for (const json& attr : overlay["attrs"]) {
      if (!attr.is_object() || !attr.contains("name") || !attr["name"].is_string()) {
        throw schema_error{
            "inspect.names",
            "each attribute of a names file is an object with a \"name\": " + attr.dump()};
      }
      int found = match_attr(entity, attr);
      const int root = m_entities[entity].root;
      if (found < 0 && root != entity) {
        // A subclass's attribute: its column is in the root's table, read as the root's.
        for (std::size_t e = 0; e < m_entities.size() && found < 0; ++e) {
          if (m_entities[e].root != root || static_cast<int>(e) == entity) continue;
          found = match_attr(static_cast<int>(e), attr);
          if (found >= 0) std::erase(m_entities[e].attrs, found);
        }
        if (found >= 0) m_entities[entity].attrs.push_back(found);
      }
      if (found < 0) {
        const std::string kind = attr.value("kind", "");
        if (kind == "Computed" || kind == "Method" || kind == "Set" || kind == "Single") {
          // No column of its own: a computed attribute, or the reverse side of a reference.
          add_attr(entity, attr, {});
          continue;
        }
        std::vector<std::string> known;
        for (int a : m_entities[entity].attrs) known.push_back(m_attrs[a].decl["name"]);
        throw schema_error{"inspect.unknown_attribute",
                           "the names file names " + name + "." + attr["name"].get<std::string>() +
                               ", which is no column of the table " +
                               m_entities[entity].table->name +
                               did_you_mean(attr["name"].get<std::string>(), known)};
      }
      attr_rec& r = m_attrs[found];
      r.named = true;
      for (const auto& [key, v] : attr.items()) {
        // A join table or column that only finds the attribute keeps the database's spelling.
        if ((key == "table" && !r.join_table.empty() && v.is_string() &&
             same_name(v.get<std::string>(), r.join_table)) ||
            (key == "column" && v.is_string() && r.columns.size() == 1 &&
             same_name(v.get<std::string>(), r.columns.front()))) {
          continue;
        }
        if (v.is_null()) {
          r.decl.erase(key);
        } else {
          r.decl[key] = v;
        }
      }
      // A partner of a join table takes the name the other side gives as its reverse.
      if (attr.contains("reverse") && r.partner >= 0 && r.partner != found) {
        m_attrs[r.partner].decl["name"] = attr["reverse"];
      }
    }
  }
}

void inspector::add_reverse_sides() {
  std::vector<std::string> named;
  const std::size_t count = m_attrs.size();
  for (std::size_t id = 0; id < count; ++id) {
    attr_rec& s = m_attrs[id];
    if (!s.holds_reference || s.partner >= 0) continue;
    const int holder = holder_of(static_cast<int>(id));
    if (holder < 0) continue;
    int target = -1;
    for (std::size_t e = 0; e < m_entities.size(); ++e) {
      if (m_entities[e].name == s.decl["type"]) target = static_cast<int>(e);
    }
    if (target < 0) continue;  // the registry names the unknown type when the schema loads
    const std::string holder_lower = lower_case(m_entities[holder].name);
    std::string reverse;
    if (s.decl.contains("reverse")) {
      reverse = s.decl["reverse"].get<std::string>();
      for (int a : m_entities[target].attrs) {
        if (m_attrs[a].decl["name"] == reverse) {
          s.partner = a;
          m_attrs[a].partner = static_cast<int>(id);
        }
      }
      if (s.partner >= 0) continue;
    } else {
      // Another reference between the same two entities needs its own name.
      int between = 0;
      for (int a : m_entities[holder].attrs) {
        if (m_attrs[a].decl.value("type", "") == m_entities[target].name &&
            (m_attrs[a].holds_reference || !m_attrs[a].join_table.empty())) {
          ++between;
        }
      }
      const std::string base = s.one_to_one ? holder_lower : plural(holder_lower);
      reverse = holder == target || between > 1 ? base + "_by_" + s.decl["name"].get<std::string>()
                                                : base;
      reverse = free_name(target, reverse);
      named.push_back(m_entities[target].name + "." + reverse + " (of " + m_entities[holder].name +
                      "." + s.decl["name"].get<std::string>() + ")");
    }
    json decl{{"name", reverse},
              {"kind", s.one_to_one ? "Single" : "Set"},
              {"type", m_entities[holder].name}};
    if (s.one_to_one) decl["optional"] = true;
    const int r = add_attr(target, std::move(decl), {});
    m_attrs[r].partner = static_cast<int>(id);
    m_attrs[id].partner = r;
  }
  if (!named.empty()) {
    std::string list;
    for (const auto& n : named) list += (list.empty() ? "" : ", ") + n;
    notes.push_back("reverse sides named by rule (no database stores them): " + list +
                    "; the names file renames one with \"reverse\" on the reference");
  }
  std::string optional_list;
  for (const entity_rec& e : m_entities) {
    for (int a : e.attrs) {
      if (m_attrs[a].may_be_optional && !m_attrs[a].named) {
        optional_list += (optional_list.empty() ? "" : ", ") + e.name + "." +
                         m_attrs[a].decl["name"].get<std::string>();
      }
    }
  }
  for (std::size_t i = 0; i < m_entities.size(); ++i) {
    const entity_rec& e = m_entities[i];
    if (e.root == static_cast<int>(i) || e.named) continue;
    notes.push_back(e.name + " is a class of the hierarchy of " + m_entities[e.root].name +
                    " (its classtype column holds it): a subclass of " + m_entities[e.root].name +
                    " without attributes of its own, since the table holds every class's "
                    "columns; give its base and attributes in the names file");
  }
  if (!optional_list.empty()) {
    const std::string& list = optional_list;
    notes.push_back(
        "NOT NULL text columns are read as Req, though PonyORM stores an Opt str or "
        "Json the same way: " +
        list + "; give \"kind\": \"Opt\" in the names file where it was optional");
  }
}

// The attribute names over `columns` of the hierarchy of `entity`, each once, in order; -1 in
// *holder when they are not all of one entity (or of a base of it).
std::vector<std::string> inspector::attr_names_for(int entity,
                                                   const std::vector<std::string>& columns,
                                                   int* holder) const {
  std::vector<std::string> out;
  *holder = entity;
  const int root = m_entities[entity].root;
  for (const std::string& column : columns) {
    bool found = false;
    for (std::size_t e = 0; e < m_entities.size() && !found; ++e) {
      if (m_entities[e].root != root) continue;
      for (int a : m_entities[e].attrs) {
        const attr_rec& r = m_attrs[a];
        if (!r.join_table.empty() ||
            std::find(r.columns.begin(), r.columns.end(), column) == r.columns.end()) {
          continue;
        }
        found = true;
        const std::string name = r.decl["name"];
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
        if (static_cast<int>(e) != root) *holder = static_cast<int>(e);
      }
    }
    if (!found) *holder = -1;
  }
  return out;
}

json inspector::emit() {
  json entities = json::array();
  // Roots in table order, each followed by its subclasses.
  std::vector<int> order;
  for (std::size_t i = 0; i < m_entities.size(); ++i) {
    if (m_entities[i].root != static_cast<int>(i)) continue;
    order.push_back(static_cast<int>(i));
    for (std::size_t j = 0; j < m_entities.size(); ++j) {
      if (m_entities[j].root == static_cast<int>(i) && j != i) order.push_back(static_cast<int>(j));
    }
  }
  std::map<int, json> key_lists;  // entity -> composite keys and indexes found on its table
  for (int i : order) {
    const entity_rec& e = m_entities[i];
    if (e.root != i) continue;
    const catalog_table& t = *e.table;
    auto fk_columns = [&](const std::vector<std::string>& columns) {
      return std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                         [&](const catalog_foreign_key& k) { return k.columns == columns; });
    };
    auto place = [&](const char* field, const std::vector<std::string>& columns) {
      int holder = i;
      const auto names = attr_names_for(i, columns, &holder);
      if (holder < 0 || names.size() < 2) return;
      key_lists[holder][field].push_back(names);
    };
    for (const catalog_key& u : t.unique_keys) {
      if (u.columns.size() > 1 && !u.partial && !fk_columns(u.columns)) {
        place("composite_keys", u.columns);
      }
    }
    for (const catalog_key& k : t.indexes) {
      if (k.partial) {
        notes.push_back(t.name + ": the index " + k.name +
                        " has a condition or an expression: left out");
        continue;
      }
      if (k.columns.size() > 1 && !fk_columns(k.columns)) place("composite_indexes", k.columns);
    }
    if (t.primary_key.size() > 1 || (t.primary_key.size() == 1 && fk_columns(t.primary_key))) {
      int holder = i;
      key_lists[i]["primary_key"] = attr_names_for(i, t.primary_key, &holder);
    }
  }
  for (int i : order) {
    const entity_rec& e = m_entities[i];
    json out{{"name", e.name}};
    if (e.root == i && provider_case(e.name) != e.table->name) out["table"] = e.table->name;
    if (!e.base.empty()) out["base"] = e.base;
    if (e.discriminator && *e.discriminator != e.name) out["discriminator"] = *e.discriminator;
    for (auto& [field, v] : key_lists[i].items()) out[field] = v;
    for (auto& [field, v] : e.extra.items()) out[field] = v;
    json attrs = json::array();
    for (int a : e.attrs) {
      json decl = m_attrs[a].decl;
      const int partner = m_attrs[a].partner;
      if (partner >= 0 && !decl.contains("reverse")) {
        // Written where the other side cannot be found by its type alone.
        const int other = holder_of(partner);
        const bool needed = partner == a || other == i ||
                            relations_to(i, decl.value("type", "")) > 1 ||
                            (other >= 0 && relations_to(other, e.name) > 1);
        if (needed) decl["reverse"] = m_attrs[partner].decl["name"];
      }
      attrs.push_back(std::move(decl));
    }
    out["attrs"] = std::move(attrs);
    entities.push_back(std::move(out));
  }
  return json{{"entities", std::move(entities)}};
}

}  // namespace

inspected inspect_catalog(const std::vector<catalog_table>& tables, const json& names,
                          std::string_view provider) {
  inspector i{tables, provider};
  i.infer();
  i.apply(names);
  i.add_reverse_sides();
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
