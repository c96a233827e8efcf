// The last steps of inspect: the reverse sides no table stores, the table and column names the
// final entity and attribute names do not imply, and the JSON schema itself.
#include "common/suggest.hpp"
#include "common/unreachable.hpp"
#include "migrate/inspect_model.hpp"

#include <algorithm>
#include <map>

namespace nextorm::schema_change::inspect_model {
namespace {

std::string listed(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

int inspector::holder_of(int attr) const {
  const auto found = std::find_if(m_entities.begin(), m_entities.end(), [&](const entity_rec& e) {
    return std::find(e.attrs.begin(), e.attrs.end(), attr) != e.attrs.end();
  });
  if (found == m_entities.end()) detail::unreachable("inspect: an attribute no entity holds");
  return static_cast<int>(found - m_entities.begin());
}

// How many relations `entity` declares to entities named `type`.
int inspector::relations_to(int entity, const std::string& type) const {
  int n = 0;
  for (int a : m_entities[entity].attrs) {
    if (m_attrs[a].partner >= 0 && m_attrs[a].decl.value("type", "") == type) ++n;
  }
  return n;
}

void inspector::add_reverse_sides() {
  std::vector<std::string> named;
  std::vector<std::string> maybe_one_to_one;
  const std::size_t count = m_attrs.size();
  for (std::size_t id = 0; id < count; ++id) {
    attr_rec& s = m_attrs[id];
    // (Each reference is met once here, before anything gives it a partner.)
    if (!s.holds_reference) continue;
    const int holder = holder_of(static_cast<int>(id));
    const int target = entity_named(s.decl.value("type", ""));
    // (An unknown type is named by the registry when the schema loads.)
    if (target < 0) continue;
    const std::string& holder_name = m_entities[holder].name;
    const std::string attr_name = s.decl["name"].get<std::string>();
    std::string reverse;
    if (s.decl.contains("reverse")) {  // (a string: the names file's are checked)
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
      const std::string lower = lower_case(holder_name);
      const std::string base = s.one_to_one ? lower : plural(lower);
      reverse = holder == target || between > 1 ? base + "_by_" + attr_name : base;
      reverse = free_name(target, reverse);
      named.push_back(m_entities[target].name + "." + reverse + " (of " + holder_name + "." +
                      attr_name + ")");
    }
    json decl{{"name", reverse}, {"kind", s.one_to_one ? "Single" : "Set"}, {"type", holder_name}};
    if (s.one_to_one) decl["optional"] = true;
    if (!s.one_to_one && s.required_without_action) {
      // Removing the target is refused while it has items, as the key's missing ON DELETE says.
      decl["cascade_delete"] = false;
      maybe_one_to_one.push_back(holder_name + "." + attr_name);
    }
    const int r = add_attr(target, std::move(decl), {});
    m_attrs[r].partner = static_cast<int>(id);
    m_attrs[id].partner = r;
  }
  if (!named.empty()) {
    notes.push_back("reverse sides named by rule (no database stores them): " + listed(named) +
                    "; the names file renames one with \"reverse\" on the reference");
  }
  if (!maybe_one_to_one.empty()) {
    notes.push_back(
        "required references without ON DELETE, read as the many side of a Set "
        "declared cascade_delete=False: " +
        listed(maybe_one_to_one) +
        "; where one is PonyORM's one-to-one, give its reverse in the names file "
        "as an optional Single (and \"reverse\" on the reference)");
  }
  std::vector<std::string> optional;
  for (const entity_rec& e : m_entities) {
    for (int a : e.attrs) {
      if (m_attrs[a].may_be_optional && !m_attrs[a].named) {
        optional.push_back(e.name + "." + m_attrs[a].decl["name"].get<std::string>());
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
  if (!optional.empty()) {
    notes.push_back(
        "NOT NULL text columns are read as Req, though PonyORM stores an Opt str or "
        "Json the same way: " +
        listed(optional) + "; give \"kind\": \"Opt\" in the names file where it was optional");
  }
}

// A join table's name and columns, written where the final names would not make them.
void inspector::settle_join_names(int entity, attr_rec& a) {
  const std::string& own = m_entities[entity].name;
  const std::string items = a.decl.value("type", "");
  const bool symmetric = &m_attrs[a.partner] == &a;  // (a join table's Set has a partner)
  std::string table;
  if (symmetric) {
    table = own + "_" + a.decl["name"].get<std::string>();
  } else {
    std::vector<std::string> pair{own, items};
    std::sort(pair.begin(), pair.end());
    table = pair[0] + "_" + pair[1];
  }
  if (provider_case(table) != a.join_table) {
    a.decl["table"] = a.join_table;
  } else {
    a.decl.erase("table");
  }
  // PonyORM's join columns: <entity in lower case>(_<key column>); in a self-reference, the
  // side whose name sorts after its partner's has its items in the second columns (_2).
  bool second = false;
  if (!symmetric && items == own) {
    second = a.decl["name"].get<std::string>() > m_attrs[a.partner].decl["name"].get<std::string>();
  }
  std::vector<std::string> expected;
  for (const std::string& key : a.parent_columns) {
    std::string c = lower_case(items);
    if (a.parent_columns.size() > 1) c += "_" + key;
    expected.push_back(provider_case(c) + (second ? "_2" : ""));
  }
  a.decl.erase("column");
  a.decl.erase("columns");
  a.decl.erase("reverse_column");
  if (a.columns != expected) {
    if (a.columns.size() == 1) {
      a.decl["column"] = a.columns.front();
    } else {
      a.decl["columns"] = a.columns;
    }
  }
  // (A reverse column is read for a key of one column only.)
  if (symmetric && !a.reverse_column.empty() && a.reverse_column != a.columns.front() + "_2") {
    a.decl["reverse_column"] = a.reverse_column;
  }
}

void inspector::settle_names() {
  for (std::size_t e = 0; e < m_entities.size(); ++e) {
    for (int id : m_entities[e].attrs) {
      attr_rec& a = m_attrs[id];
      if (!a.join_table.empty()) {
        settle_join_names(static_cast<int>(e), a);
        continue;
      }
      if (a.columns.empty()) continue;  // a reverse side, a computed attribute
      const std::string name = a.decl["name"].get<std::string>();
      a.decl.erase("column");
      a.decl.erase("columns");
      if (a.columns.size() == 1) {
        if (provider_case(name) != a.columns.front()) a.decl["column"] = a.columns.front();
        continue;
      }
      // PonyORM's <attribute>_<key column> for a reference to a key of several columns.
      for (std::size_t i = 0; i < a.columns.size(); ++i) {
        if (a.columns[i] != provider_case(name + "_" + a.parent_columns[i])) {
          a.decl["columns"] = a.columns;
          break;
        }
      }
    }
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

// The primary key, composite keys and composite indexes of a root's table, by entity (a
// subclass's own attributes put them on the subclass).
json inspector::key_lists(int root) {
  json out = json::object();
  const catalog_table& t = *m_entities[root].table;
  auto fk_columns = [&](const std::vector<std::string>& columns) {
    return std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                       [&](const catalog_foreign_key& k) { return k.columns == columns; });
  };
  auto place = [&](const char* field, const std::vector<std::string>& columns) {
    int holder = root;
    const auto names = attr_names_for(root, columns, &holder);
    if (holder < 0 || names.size() < 2) return;
    out[std::to_string(holder)][field].push_back(names);
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
  if (t.primary_key.size() > 1 || fk_columns(t.primary_key)) {
    int holder = root;
    out[std::to_string(root)]["primary_key"] = attr_names_for(root, t.primary_key, &holder);
  }
  return out;
}

json inspector::emit() {
  // Roots in table order, each followed by its subclasses.
  std::vector<int> order;
  json keys = json::object();
  for (std::size_t i = 0; i < m_entities.size(); ++i) {
    if (m_entities[i].root != static_cast<int>(i)) continue;
    order.push_back(static_cast<int>(i));
    for (std::size_t j = 0; j < m_entities.size(); ++j) {
      if (m_entities[j].root == static_cast<int>(i) && j != i) order.push_back(static_cast<int>(j));
    }
    keys.update(key_lists(static_cast<int>(i)));
  }
  json entities = json::array();
  for (int i : order) {
    const entity_rec& e = m_entities[i];
    json out{{"name", e.name}};
    if (e.root == i && provider_case(e.name) != e.table->name) out["table"] = e.table->name;
    if (!e.more_bases.empty()) {
      std::vector<std::string> bases{e.base};
      bases.insert(bases.end(), e.more_bases.begin(), e.more_bases.end());
      out["base"] = bases;
    } else if (!e.base.empty()) {
      out["base"] = e.base;
    }
    if (!e.discriminator.is_null() && e.discriminator != e.name) {
      out["discriminator"] = e.discriminator;
    }
    if (keys.contains(std::to_string(i))) {
      for (auto& [field, v] : keys[std::to_string(i)].items()) out[field] = v;
    }
    for (auto& [field, v] : e.extra.items()) out[field] = v;
    json attrs = json::array();
    for (int a : e.attrs) {
      json decl = m_attrs[a].decl;
      const int partner = m_attrs[a].partner;
      if (partner >= 0) {
        // Written where the other side cannot be found by its type alone.
        decl.erase("reverse");
        const int other = holder_of(partner);
        // (Each of the other side's relations to this entity has its partner here: two there
        // are two here.)
        const bool needed =
            partner == a || other == i || relations_to(i, decl.value("type", "")) > 1;
        if (needed) decl["reverse"] = m_attrs[partner].decl["name"];
      }
      attrs.push_back(std::move(decl));
    }
    out["attrs"] = std::move(attrs);
    entities.push_back(std::move(out));
  }
  return json{{"entities", std::move(entities)}};
}

}  // namespace nextorm::schema_change::inspect_model
