// The names file: entities and attributes in the JSON schema's shape, each taking the fields it
// gives over what inspect read (docs/inspect.md).
#include <nextorm/errors.hpp>

#include "common/suggest.hpp"
#include "migrate/inspect_model.hpp"

#include <algorithm>

namespace nextorm::schema_change::inspect_model {
namespace {

[[noreturn]] void bad_names(const std::string& what) {
  throw schema_error{"inspect.names", "the names file " + what + " (docs/inspect.md)"};
}

// The deepest nesting a names file may have: a schema's values are at most a few levels deep,
// and the checks below (and the registry's) recurse.
constexpr std::size_t max_depth = 32;

void check_depth(const json& v) {
  std::vector<std::pair<const json*, std::size_t>> pending{{&v, 0}};
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    if (depth > max_depth) {
      bad_names("is nested deeper than " + std::to_string(max_depth) + " levels");
    }
    if (node->is_structured()) {
      for (const json& child : *node) pending.emplace_back(&child, depth + 1);
    }
  }
}

// The fields that find an entity or an attribute, or name another: strings.
void check_strings(const json& object, const std::string& where,
                   std::initializer_list<const char*> fields) {
  for (const char* field : fields) {
    if (object.contains(field) && !object[field].is_string()) {
      bad_names("gives " + where + " a \"" + field + "\" that is not a string");
    }
  }
}

}  // namespace

int inspector::match_entity(const json& overlay) const {
  if (overlay.contains("table")) {
    const std::string table = overlay["table"].get<std::string>();
    for (std::size_t i = 0; i < m_entities.size(); ++i) {
      if (m_entities[i].root == static_cast<int>(i) &&
          equal_ignoring_case(m_entities[i].table->name, table)) {
        return static_cast<int>(i);
      }
    }
  }
  if (overlay.contains("discriminator")) {
    const json& d = overlay["discriminator"];
    for (std::size_t i = 0; i < m_entities.size(); ++i) {
      const entity_rec& e = m_entities[i];
      if (e.root != static_cast<int>(i) &&
          (e.discriminator.is_null() ? json(e.name) : e.discriminator) == d) {
        return static_cast<int>(i);
      }
    }
  }
  const std::string name = overlay["name"].get<std::string>();
  for (std::size_t i = 0; i < m_entities.size(); ++i) {
    if (equal_ignoring_case(m_entities[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

int inspector::match_attr(int entity, const json& overlay) const {
  const entity_rec& e = m_entities[entity];
  const bool by_table = overlay.contains("table");
  const bool by_column = overlay.contains("column");
  if (by_table || by_column) {
    for (int a : e.attrs) {
      const attr_rec& r = m_attrs[a];
      if (by_table != !r.join_table.empty()) continue;
      if (by_table && !equal_ignoring_case(r.join_table, overlay["table"].get<std::string>()))
        continue;
      if (by_column) {
        const std::string column = overlay["column"].get<std::string>();
        auto has = [&](const std::vector<std::string>& columns) {
          return std::any_of(columns.begin(), columns.end(),
                             [&](const std::string& c) { return equal_ignoring_case(c, column); });
        };
        if (!has(r.columns) && !has(r.other_columns)) continue;
      }
      return a;
    }
    return -1;
  }
  const std::string name = overlay["name"].get<std::string>();
  for (int a : e.attrs) {
    if (equal_ignoring_case(m_attrs[a].decl["name"].get<std::string>(), name)) return a;
  }
  return -1;
}

bool inspector::declares_discriminator(int root) const {
  return std::any_of(m_entities[root].attrs.begin(), m_entities[root].attrs.end(),
                     [&](int a) { return m_attrs[a].decl.value("kind", "") == "Discriminator"; });
}

void inspector::rename_entity(int entity, const std::string& name) {
  const std::string old = m_entities[entity].name;
  if (old == name) return;
  for (attr_rec& a : m_attrs) {
    if (a.decl.contains("type") && a.decl["type"] == old) a.decl["type"] = name;
  }
  for (entity_rec& e : m_entities) {
    if (e.base == old) e.base = name;
    std::replace(e.more_bases.begin(), e.more_bases.end(), old, name);
  }
  m_entities[entity].name = name;
}

// A self-referencing join table read as a symmetric Set that the names file gives two sides
// (a "reverse" other than its own name): a second Set over the table's other columns. Returns
// the side the overlay describes: the one whose items are in its "column", if it gives one.
int inspector::split_symmetric(int entity, int attr, const json& overlay) {
  attr_rec other;
  other.decl = {
      {"name", overlay["reverse"]}, {"kind", "Set"}, {"type", m_attrs[attr].decl["type"]}};
  other.columns = m_attrs[attr].other_columns;
  other.parent_columns = m_attrs[attr].parent_columns;
  other.join_table = m_attrs[attr].join_table;
  m_attrs[attr].other_columns.clear();
  m_attrs[attr].reverse_column.clear();
  m_attrs.push_back(std::move(other));
  const int id = static_cast<int>(m_attrs.size()) - 1;
  m_entities[entity].attrs.push_back(id);
  m_attrs[attr].partner = id;
  m_attrs[id].partner = attr;
  if (overlay.contains("column")) {
    const std::string column = overlay["column"].get<std::string>();
    for (const std::string& c : m_attrs[id].columns) {
      if (equal_ignoring_case(c, column)) {
        // The overlay's side is the new one: the names swap.
        m_attrs[id].decl["name"] = m_attrs[attr].decl["name"];
        return id;
      }
    }
  }
  return attr;
}

void inspector::apply(const json& names) {
  if (names.is_null()) return;
  check_depth(names);
  if (!names.is_object() || !names.contains("entities") || !names["entities"].is_array() ||
      names.size() != 1) {
    bad_names(
        "is not an object with one field, \"entities\": a list of entities in the JSON "
        "schema's shape");
  }
  for (const json& overlay : names["entities"]) apply_entity(overlay);
}

void inspector::apply_entity(const json& overlay) {
  if (!overlay.is_object() || !overlay.contains("name") || !overlay["name"].is_string()) {
    bad_names("has an entity that is not an object with a \"name\"");
  }
  const std::string name = overlay["name"].get<std::string>();
  check_strings(overlay, "the entity " + name, {"table"});
  // "base": a name, or a list of them (PonyORM's multiple inheritance).
  std::vector<std::string> bases;
  if (const auto found = overlay.find("base"); found != overlay.end()) {
    const json& base = *found;
    const bool names =
        base.is_array() && !base.empty() &&
        std::all_of(base.begin(), base.end(), [](const json& b) { return b.is_string(); });
    if (!base.is_string() && !names) {
      bad_names("gives the entity " + name +
                " a \"base\" that is neither a string nor a non-empty list of strings");
    }
    if (base.is_string()) {
      bases.push_back(base.get<std::string>());
    } else {
      for (const json& b : base) bases.push_back(b.get<std::string>());
    }
  }
  if (overlay.contains("discriminator") && !overlay["discriminator"].is_string() &&
      !overlay["discriminator"].is_number_integer()) {
    bad_names("gives the entity " + name +
              " a \"discriminator\" that is neither a string nor an "
              "integer");
  }
  if (overlay.contains("attrs") && !overlay["attrs"].is_array()) {
    bad_names("gives the entity " + name + " \"attrs\" that are not a list");
  }
  int entity = match_entity(overlay);
  if (entity < 0) {
    if (bases.empty()) {
      std::vector<std::string> known;
      for (const entity_rec& e : m_entities) known.push_back(e.name);
      throw schema_error{"inspect.unknown_entity", "the names file names the entity " + name +
                                                       ", which no table of the database holds" +
                                                       did_you_mean(name, known)};
    }
    // A subclass without rows yet: the discriminator has not shown it.
    const std::string& base = bases.front();
    int root = -1;
    for (const entity_rec& e : m_entities) {
      if (equal_ignoring_case(e.name, base)) root = e.root;
    }
    if (root < 0 || (m_entities[root].table->classtypes.empty() && !declares_discriminator(root))) {
      throw schema_error{"inspect.unknown_entity",
                         "the names file's entity " + name + " has the base " + base +
                             ", which is no entity of the database with a classtype column "
                             "(nor one whose discriminator the names file declares, "
                             "\"kind\": \"Discriminator\", before its subclasses)"};
    }
    entity_rec sub;
    sub.name = name;
    sub.table = m_entities[root].table;
    sub.root = root;
    m_entities.push_back(std::move(sub));
    entity = static_cast<int>(m_entities.size()) - 1;
  }
  if (entity_named(name) >= 0 && entity_named(name) != entity) {
    bad_names("renames an entity to " + name + ", the name of another");
  }
  rename_entity(entity, name);
  m_entities[entity].named = true;
  for (const auto& [key, v] : overlay.items()) {
    if (key == "name" || key == "attrs" || key == "table") continue;
    if (key == "base") {
      // In the letter case of the entity each names, where there is one.
      for (std::string& base : bases) {
        for (const entity_rec& e : m_entities) {
          if (equal_ignoring_case(e.name, base)) base = e.name;
        }
      }
      m_entities[entity].base = bases.front();
      m_entities[entity].more_bases.assign(bases.begin() + 1, bases.end());
    } else if (key == "discriminator") {
      m_entities[entity].discriminator = v;
    } else {
      m_entities[entity].extra[key] = v;
    }
  }
  if (!overlay.contains("attrs")) return;
  for (const json& attr : overlay["attrs"]) apply_attr(entity, attr);
}

void inspector::apply_attr(int entity, const json& overlay) {
  const std::string& owner = m_entities[entity].name;
  if (!overlay.is_object() || !overlay.contains("name") || !overlay["name"].is_string()) {
    bad_names("has an attribute of " + owner + " that is not an object with a \"name\"");
  }
  const std::string name = overlay["name"].get<std::string>();
  check_strings(overlay, owner + "." + name, {"column", "table", "reverse", "kind", "type"});
  int found = match_attr(entity, overlay);
  const int root = m_entities[entity].root;
  if (found < 0 && root != entity) {
    // A subclass's attribute: its column is in the root's table, read as the root's.
    for (std::size_t e = 0; e < m_entities.size() && found < 0; ++e) {
      if (m_entities[e].root != root || static_cast<int>(e) == entity) continue;
      found = match_attr(static_cast<int>(e), overlay);
      if (found >= 0) std::erase(m_entities[e].attrs, found);
    }
    if (found >= 0) m_entities[entity].attrs.push_back(found);
  }
  if (found < 0) {
    const std::string kind = overlay.value("kind", "");
    if (kind == "Computed" || kind == "Method" || kind == "Set" || kind == "Single") {
      // No column of its own: a computed attribute, or the reverse side of a reference. (Its
      // name is no attribute's of the hierarchy: one of them would have matched it.)
      const int id = add_attr(entity, overlay, {});
      m_attrs[id].named = true;
      return;
    }
    std::vector<std::string> known;
    for (int a : m_entities[entity].attrs) known.push_back(m_attrs[a].decl["name"]);
    throw schema_error{"inspect.unknown_attribute", "the names file names " + owner + "." + name +
                                                        ", which is no column of the table " +
                                                        m_entities[entity].table->name +
                                                        did_you_mean(name, known)};
  }
  if (m_attrs[found].partner == found && overlay.contains("reverse") &&
      overlay["reverse"] != overlay["name"]) {
    found = split_symmetric(entity, found, overlay);
  }
  attr_rec& r = m_attrs[found];
  if (!equal_ignoring_case(r.decl["name"].get<std::string>(), name) && has_attr(entity, name)) {
    bad_names("renames " + owner + "." + r.decl["name"].get<std::string>() + " to " + name +
              ", the name of another attribute");
  }
  r.named = true;
  for (const auto& [key, v] : overlay.items()) {
    // Table and column names are the database's (settle_names writes them).
    if (key == "table" || key == "column" || key == "columns" || key == "reverse_column") continue;
    if (v.is_null()) {
      r.decl.erase(key);
    } else {
      r.decl[key] = v;
    }
  }
  // "nullable" is an Opt's option: a subclass's str column, read as a nullable Opt, that the
  // file makes a Req (or the discriminator) loses it.
  if (overlay.contains("kind") && overlay["kind"] != "Opt" && !overlay.contains("nullable")) {
    r.decl.erase("nullable");
  }
  // A join table's other side takes the name this side gives as its reverse.
  if (overlay.contains("reverse") && r.partner >= 0 && r.partner != found) {
    m_attrs[r.partner].decl["name"] = overlay["reverse"];
  }
}

}  // namespace nextorm::schema_change::inspect_model
