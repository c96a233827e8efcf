#include "migrate/diff.hpp"

#include <nextorm/errors.hpp>

#include "common/suggest.hpp"
#include "migrate/snapshot.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <set>
#include <utility>

namespace nextorm::schema_change {
namespace {

using json = nlohmann::json;

const std::array<const lower::dialect*, 3>& dialects() {
  static const std::array<const lower::dialect*, 3> all{
      &lower::postgres_dialect(), &lower::mariadb_dialect(), &lower::sqlite_dialect()};
  return all;
}

// One snapshot as every provider's tables (the first, PostgreSQL's, names the operations).
struct described {
  std::array<std::vector<table_def>, 3> tables;
  std::unique_ptr<registry> schema;  // PostgreSQL's
};

described describe_all(const json& snapshot) {
  described out;
  for (std::size_t i = 0; i < 3; ++i) out.tables[i] = snapshot_tables(snapshot, *dialects()[i]);
  out.schema = snapshot_registry(snapshot, *dialects()[0]);
  return out;
}

// The type part of a column's definition (before NOT NULL, DEFAULT, UNIQUE, CHECK, PRIMARY).
std::string type_of(const std::string& definition) {
  std::size_t end = definition.size();
  for (const char* word : {" NOT NULL", " DEFAULT ", " UNIQUE", " CHECK ", " PRIMARY KEY"}) {
    end = std::min(end, definition.find(word));
  }
  return definition.substr(0, end);
}

bool widens(const std::string& from, const std::string& to) {
  // VARCHAR(a) -> VARCHAR(b >= a) or TEXT, INTEGER -> BIGINT keep every value.
  auto size = [](const std::string& type) -> long {
    if (!type.starts_with("VARCHAR(")) return -1;
    return std::strtol(type.c_str() + 8, nullptr, 10);
  };
  if (size(from) >= 0 && (to == "TEXT" || size(to) >= size(from))) return true;
  return from == "INTEGER" && to == "BIGINT";
}

// The names an enumeration's CHECK allows (`CHECK ("c" IN ('a', 'it''s'))`), none without one.
std::vector<std::string> enum_values_of(const std::string& definition) {
  std::vector<std::string> values;
  const std::size_t check = definition.find(" CHECK (");
  if (check == std::string::npos) return values;
  // The names are quoted, a quote inside one doubled. (A std::string's [size()] is its NUL.)
  const std::string list = definition.substr(definition.find(" IN (", check));
  std::string value;
  bool quoted = false;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i] != '\'') {
      if (quoted) value += list[i];
      continue;
    }
    if (quoted && list[i + 1] == '\'') {
      value += '\'';
      ++i;
      continue;
    }
    if (quoted) values.push_back(std::exchange(value, {}));
    quoted = !quoted;
  }
  return values;
}

bool same_columns(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const auto& x, const auto& y) { return equal_ignoring_case(x, y); });
}

template <class Def>
const Def* find_by_columns(const std::vector<Def>& defs, const std::vector<std::string>& columns) {
  for (const Def& d : defs) {
    if (same_columns(d.columns, columns)) return &d;
  }
  return nullptr;
}

class differ {
 public:
  differ(const json& before, const json& after)
      : m_before{describe_all(before)}, m_after{describe_all(after)} {}

  schema_changes run() {
    const auto& old_tables = m_before.tables[0];
    const auto& new_tables = m_after.tables[0];
    find_renames();
    plan_moves();
    // Drops first (foreign keys, indexes, columns, then tables), by the tables' old names; then
    // the renames; then what is new, by the new names.
    for (const table_def& t : old_tables) {
      const table_def* now = after_of(t.name);
      if (now == nullptr) continue;
      for (const foreign_key& fk : t.foreign_keys) {
        if (!kept(t, fk, *now)) {
          add({{"op", "drop_foreign_key"}, {"table", t.name}, {"columns", fk.columns}});
        }
      }
      for (const index_def& index : t.indexes) {
        if (find_by_columns(now->indexes, renamed_columns(t, index.columns)) == nullptr) {
          add({{"op", "drop_index"}, {"table", t.name}, {"columns", index.columns}});
        }
      }
      for (const index_def& key : t.unique_keys) {
        if (find_by_columns(now->unique_keys, renamed_columns(t, key.columns)) == nullptr) {
          add({{"op", "drop_unique"}, {"table", t.name}, {"columns", key.columns}});
        }
      }
    }
    for (const table_def& t : old_tables) {
      const table_def* now = after_of(t.name);
      if (now == nullptr) continue;
      // A primary key that changes goes before the columns (the old key's may go, a new one
      // may be added as the key); the new one comes once every column is there.
      if (key_changes(t, *now)) {
        add({{"op", "drop_primary_key"}, {"table", t.name}, {"columns", key_columns(t)}});
      }
      for (const column_def& c : t.columns) {
        if (renamed_column(t, c.name).empty()) {
          drop({{"op", "drop_column"}, {"table", t.name}, {"column", c.name}}, t.name);
          m_out.destructive.push_back("drops column " + t.name + "." + c.name +
                                      " and the values it holds");
        }
      }
    }
    for (auto it = old_tables.rbegin(); it != old_tables.rend(); ++it) {
      if (after_of(it->name) == nullptr) {
        drop({{"op", "drop_table"}, {"table", it->name}}, it->name);
        // (A table whose every class moved to another holds no row by then.)
        if (m_emptied.count(lower_case(it->name)) == 0) {
          m_out.destructive.push_back("drops table " + it->name + " and every row it holds");
        }
      }
    }
    for (const auto& [from, to] : m_table_renames) {
      add({{"op", "rename_table"}, {"from", from}, {"to", to}});
    }
    for (const table_def& t : creation_order(new_tables)) {
      if (before_of(t.name) == nullptr) add({{"op", "create_table"}, {"table", t.name}});
    }
    for (const table_def& t : new_tables) {
      const table_def* was = before_of(t.name);
      if (was == nullptr) continue;
      for (const auto& [table, columns] : m_column_renames) {
        if (table != was->name) continue;
        for (const auto& [from, to] : columns) {
          add({{"op", "rename_column"}, {"table", t.name}, {"from", from}, {"to", to}});
        }
      }
      for (const column_def& c : t.columns) {
        const std::string old_name = original_column(*was, c.name);
        const column_def* old = old_name.empty() ? nullptr : find_column(*was, old_name);
        if (old == nullptr) {
          add({{"op", "add_column"}, {"table", t.name}, {"column", c.name}});
          continue;
        }
        compare_column(*was, *old, t, c);
      }
      if (key_changes(*was, t)) {
        add({{"op", "add_primary_key"}, {"table", t.name}, {"columns", key_columns(t)}});
      }
    }
    // Every table and column there: the classes that change tables move their rows, then what
    // their old tables lose goes.
    for (json& op : m_moves) add(std::move(op));
    for (json& op : m_after_moves) add(std::move(op));
    for (const table_def& t : new_tables) {
      const table_def* was = before_of(t.name);
      for (const index_def& index : t.indexes) {
        if (was == nullptr || !has_renamed(*was, was->indexes, index.columns)) {
          if (was != nullptr) {
            add({{"op", "create_index"}, {"table", t.name}, {"columns", index.columns}});
          }
        }
      }
      for (const index_def& key : t.unique_keys) {
        if (was != nullptr && !has_renamed(*was, was->unique_keys, key.columns)) {
          add({{"op", "add_unique"}, {"table", t.name}, {"columns", key.columns}});
        }
      }
    }
    // Foreign keys last, once every table they join exists (a new table's too: the ones
    // between new tables may form a cycle).
    for (const table_def& t : new_tables) {
      const table_def* was = before_of(t.name);
      for (const foreign_key& fk : t.foreign_keys) {
        const bool same =
            was != nullptr &&
            std::any_of(was->foreign_keys.begin(), was->foreign_keys.end(),
                        [&](const foreign_key& old) { return same_key(*was, old, fk); });
        if (!same) {
          add({{"op", "add_foreign_key"}, {"table", t.name}, {"columns", fk.columns}});
        }
      }
    }
    update_discriminators();
    return std::move(m_out);
  }

 private:
  void add(json op) { m_out.operations.push_back(std::move(op)); }

  // The classes of the old and new schema that are one class: renamed (renamed_from, declared
  // by the new schema, or by the old one when a migration is undone; a rename already made in
  // an earlier migration is no rename), else of the same name.
  std::vector<std::pair<const entity_info*, const entity_info*>> same_classes() const {
    std::vector<std::pair<const entity_info*, const entity_info*>> pairs;
    auto paired = [&](const entity_info* e, bool old) {
      return std::any_of(pairs.begin(), pairs.end(),
                         [&](const auto& p) { return (old ? p.first : p.second) == e; });
    };
    auto renames = [&](const registry& declaring, const registry& other, bool forward) {
      for (const auto& e : declaring.entities()) {
        const entity_info* from = e->renamed_from.empty() ? nullptr : other.find(e->renamed_from);
        const entity_info* same = other.find(e->name);
        if (from == nullptr || (same != nullptr && same->renamed_from == e->renamed_from)) continue;
        pairs.emplace_back(forward ? from : e.get(), forward ? e.get() : from);
      }
    };
    renames(*m_after.schema, *m_before.schema, true);
    renames(*m_before.schema, *m_after.schema, false);
    for (const auto& e : m_after.schema->entities()) {
      const entity_info* old = m_before.schema->find(e->name);
      if (old != nullptr && !paired(old, true) && !paired(e.get(), false)) {
        pairs.emplace_back(old, e.get());
      }
    }
    return pairs;
  }

  // Classes whose discriminator value changes (declared anew, or its default, the class's name,
  // through a rename): their rows are given the new values, or no query would read them, in one
  // operation per table (values that swap must not collide). A class that goes loses its rows
  // (delete_class, destructive), before another class may take its value.
  void update_discriminators() {
    std::map<std::string, json> updates;
    std::map<std::string, json> deletes;
    const auto pairs = same_classes();
    auto text = [](const value& v) {
      return v.type() == value_type::integer ? std::to_string(v.as_int()) : v.as_text();
    };
    auto start = [](json& op, const char* kind, const entity_info& e) {
      if (!op.is_null()) return;
      op = {{"op", kind}, {"table", e.root->table}, {"column", e.discriminator_attr->column}};
      if (e.discriminator_value.type() == value_type::integer) op["type"] = "int";
    };
    auto counterpart = [&](const entity_info* old) -> const entity_info* {
      const auto it =
          std::find_if(pairs.begin(), pairs.end(), [&](const auto& p) { return p.first == old; });
      return it == pairs.end() ? nullptr : it->second;
    };
    for (const auto& old : m_before.schema->entities()) {
      // (A class that moved to another table took its rows along: move_classes.)
      if (!old->in_hierarchy() || m_moved.count(old.get()) != 0) continue;
      // (A hierarchy whose table goes, or keeps no discriminator, keeps its rows as they are.)
      const entity_info* root = counterpart(old->root);
      if (root == nullptr || !root->in_hierarchy()) continue;
      const entity_info* now = counterpart(old.get());
      if (now != nullptr && now->in_hierarchy() &&
          now->discriminator_attr->type != old->discriminator_attr->type) {
        throw schema_error("migrate.unsupported",
                           "the discriminator of " + now->root->name + " changes its type (" +
                               std::string{type_name(old->discriminator_attr->type)} + " to " +
                               std::string{type_name(now->discriminator_attr->type)} +
                               "): no operation converts its rows' values yet; keep its type");
      }
      if (now == nullptr || !now->in_hierarchy()) {
        json& op = deletes[root->table];
        start(op, "delete_class", *root);
        op["values"].push_back(text(old->discriminator_value));
        m_out.destructive.push_back("drops class " + old->name + " and its rows in table " +
                                    root->table);
        continue;
      }
      if (now->discriminator_value == old->discriminator_value) continue;
      json& op = updates[now->root->table];
      start(op, "update_discriminator", *now);
      op["from"].push_back(text(old->discriminator_value));
      op["to"].push_back(text(now->discriminator_value));
    }
    for (auto& [table, op] : deletes) add(std::move(op));
    for (auto& [table, op] : updates) add(std::move(op));
  }

  // Renames declared with renamed_from, as table and column names: forward where the new
  // schema declares them, undone (a down migration) where the old one does.
  void find_renames() {
    declared_renames(*m_after.schema, *m_before.schema, true);
    declared_renames(*m_before.schema, *m_after.schema, false);
    // What went and came without a word: perhaps renames.
    for (const table_def& t : m_before.tables[0]) {
      const table_def* now = after_of(t.name);
      if (now == nullptr) {
        for (const table_def& n : m_after.tables[0]) {
          if (before_of(n.name) == nullptr)
            m_out.possible_renames.push_back(t.name + " -> " + n.name);
        }
        continue;
      }
      for (const column_def& c : t.columns) {
        if (!renamed_column(t, c.name).empty()) continue;
        for (const column_def& n : now->columns) {
          if (original_column(t, n.name).empty()) {
            m_out.possible_renames.push_back(t.name + "." + c.name + " -> " + now->name + "." +
                                             n.name);
          }
        }
      }
    }
  }

  // The renames `declaring` states with renamed_from, to the names of `other`.
  void declared_renames(const registry& declaring, const registry& other, bool forward) {
    for (const auto& entity : declaring.entities()) {
      const entity_info* renamed =
          entity->renamed_from.empty() ? nullptr : other.find(entity->renamed_from);
      // (Not a rename when the new name is in both schemas; a subclass has its root's table.)
      if (renamed != nullptr && other.find(entity->name) == nullptr &&
          entity->base_entity == nullptr) {
        rename_table(forward ? renamed->table : entity->table,
                     forward ? entity->table : renamed->table);
      }
      const entity_info* counterpart = renamed != nullptr ? renamed : other.find(entity->name);
      if (counterpart == nullptr) continue;
      for (const auto& attr : entity->attrs) {
        if (attr.inherited) continue;
        const attr_info* same = counterpart->find(attr.renamed_from);
        if (same != nullptr && counterpart->find(attr.name) == nullptr) {
          if (forward) {
            rename_columns(counterpart->root->table, *same, attr);
          } else {
            rename_columns(entity->root->table, attr, *same);
          }
        }
        // A many-to-many's join table is named after its entities (and its columns too): it
        // follows a rename of either.
        const attr_info* set = counterpart->find(same != nullptr ? same->name : attr.name);
        if (attr.is_many_to_many() && set != nullptr && set->is_many_to_many()) {
          if (forward) {
            rename_join_table(*set, attr);
          } else {
            rename_join_table(attr, *set);
          }
        }
      }
    }
  }

  void rename_table(const std::string& from, const std::string& to) {
    // (An entity renamed with its table named explicitly keeps the table.)
    if (!equal_ignoring_case(from, to)) m_table_renames[from] = to;
  }

  // Whether foreign key `old` of old table `t` is `now` (of its new table): the same columns,
  // to the same table (renamed or not), with the same ON DELETE. (The columns it refers to are
  // that table's key, which no migration changes.)
  bool same_key(const table_def& t, const foreign_key& old, const foreign_key& now) const {
    const table_def* parent_now = after_of(old.parent_table);
    const table_def* parent_was = find_table(m_before.tables[0], old.parent_table);
    // (A key whose parent's primary key changes refers to other columns: made anew.)
    return same_columns(renamed_columns(t, old.columns), now.columns) &&
           old.on_delete == now.on_delete && parent_now != nullptr &&
           parent_was != nullptr &&  // coverage-exempt: a key's parent is in its snapshot
           equal_ignoring_case(parent_now->name, now.parent_table) &&
           same_columns(renamed_columns(*parent_was, old.parent_columns), now.parent_columns);
  }
  // Classes whose rows change tables: a subclass that leaves its hierarchy (for a table of its
  // own, or another hierarchy), an entity that joins one. Their rows are copied to the new
  // table (their keys kept, the new discriminator set) and deleted from the old one, once every
  // table and column is there; the old table's columns (or the table) go after that.
  void plan_moves() {
    std::map<std::string, std::size_t> classes;  // of each old table, and those that move
    std::map<std::string, std::size_t> moving;
    for (const auto& e : m_before.schema->entities()) ++classes[lower_case(e->root->table)];
    for (const auto& [old, now] : same_classes()) {
      // (Only a class whose hierarchy changes: one that stays out of any goes by its table.)
      if (!old->in_hierarchy() && !now->in_hierarchy()) continue;
      const table_def* from = find_table(m_before.tables[0], old->root->table);
      const table_def* to = find_table(m_after.tables[0], now->root->table);
      // (The same table, renamed or not; or an old table renamed as well: left as it was.)
      if (const table_def* from_now = after_of(from->name); from_now != nullptr) {
        if (equal_ignoring_case(from_now->name, to->name)) continue;
        if (!equal_ignoring_case(from_now->name, from->name)) continue;
      }
      json op = {{"op", "move_class"},
                 {"class", now->name},
                 {"from", from->name},
                 {"to", to->name},
                 {"columns", json::array()}};
      for (const attr_info* attr : now->columns) {
        if (attr == now->discriminator_attr) continue;
        for (const std::string& column : attr->column_names()) {
          // (Every column of the new class is in its new table.)
          if (find_column(*from, column) != nullptr) op["columns"].push_back(column);
        }
      }
      // The discriminators (as text, "int" said where they are numbers) of the rows taken and
      // of the rows made.
      auto discriminator = [&op](const entity_info& e, const std::string& side) {
        if (!e.in_hierarchy()) return;
        const value& v = e.discriminator_value;
        op[side + "_column"] = e.discriminator_attr->column;
        op[side + "_value"] =
            v.type() == value_type::integer ? std::to_string(v.as_int()) : v.as_text();
        if (v.type() == value_type::integer) op[side + "_type"] = "int";
      };
      discriminator(*old, "from");
      discriminator(*now, "to");
      // PostgreSQL's sequence of a generated key does not see the keys copied in.
      const std::vector<std::string> key = key_columns(*to);
      if (key.size() == 1 && find_column(*to, key.front())->definition.starts_with("BIGSERIAL")) {
        op["sequence"] = key.front();
      }
      m_moves.push_back(std::move(op));
      m_moved.insert(old);
      m_sources.insert(lower_case(from->name));
      ++moving[lower_case(from->name)];
    }
    for (const auto& [table, count] : moving) {
      if (count == classes[table]) m_emptied.insert(table);
    }
  }
  // A drop from old table `table`: after the moves where classes move out of it.
  void drop(json op, const std::string& table) {
    if (m_sources.count(lower_case(table)) != 0) {
      m_after_moves.push_back(std::move(op));
    } else {
      add(std::move(op));
    }
  }

  // Whether table `was` (old) has another primary key as `now`.
  bool key_changes(const table_def& was, const table_def& now) const {
    return !same_columns(renamed_columns(was, key_columns(was)), key_columns(now));
  }
  bool kept(const table_def& t, const foreign_key& old, const table_def& now) const {
    return std::any_of(now.foreign_keys.begin(), now.foreign_keys.end(),
                       [&](const foreign_key& fk) { return same_key(t, old, fk); });
  }

  // The join table of many-to-many `from` (old schema) as that of `to` (new schema), once.
  void rename_join_table(const attr_info& from, const attr_info& to) {
    const std::string& old_table = from.m2m_table;
    // (Both sides of the relation lead here.)
    if (!m_join_tables.insert(lower_case(old_table)).second) return;
    rename_table(old_table, to.m2m_table);
    rename_column_list(old_table, from.m2m_own_columns, to.m2m_own_columns);
    rename_column_list(old_table, from.m2m_other_columns, to.m2m_other_columns);
  }

  // The columns of attribute `from` of old table `table` renamed to those of `to`.
  void rename_columns(const std::string& table, const attr_info& from, const attr_info& to) {
    const auto old_columns = from.column_names();
    const auto new_columns = to.column_names();
    rename_column_list(table, {old_columns.begin(), old_columns.end()},
                       {new_columns.begin(), new_columns.end()});
  }
  // (A key of several columns keeps their number: no migration changes a key.)
  void rename_column_list(const std::string& table, const std::vector<std::string>& from,
                          const std::vector<std::string>& to) {
    for (std::size_t i = 0; i < std::min(from.size(), to.size()); ++i) {
      // (An attribute renamed with its column named explicitly keeps the column.)
      if (!equal_ignoring_case(from[i], to[i]))
        m_column_renames[table].emplace_back(from[i], to[i]);
    }
  }

  // The table of the new schema that `old_name` became, or null.
  const table_def* after_of(const std::string& old_name) const {
    const auto renamed = m_table_renames.find(old_name);
    return find_table(m_after.tables[0],
                      renamed != m_table_renames.end() ? renamed->second : old_name);
  }
  const table_def* before_of(const std::string& new_name) const {
    for (const auto& [from, to] : m_table_renames) {
      if (equal_ignoring_case(to, new_name)) return find_table(m_before.tables[0], from);
    }
    const table_def* t = find_table(m_before.tables[0], new_name);
    // (A table renamed away is not the new one of its old name.)
    return t != nullptr && m_table_renames.count(t->name) != 0 ? nullptr : t;
  }
  // The new name of column `column` of old table `t`, a table that stays ("" when it is gone).
  std::string renamed_column(const table_def& t, const std::string& column) const {
    const auto renames = m_column_renames.find(t.name);
    if (renames != m_column_renames.end()) {
      for (const auto& [from, to] : renames->second) {
        if (equal_ignoring_case(from, column)) return to;
      }
    }
    const column_def* c = find_column(*after_of(t.name), column);
    return c == nullptr ? "" : c->name;
  }
  // The old name of column `column` of the new version of old table `t` ("" when it is new).
  std::string original_column(const table_def& t, const std::string& column) const {
    const auto renames = m_column_renames.find(t.name);
    if (renames != m_column_renames.end()) {
      for (const auto& [from, to] : renames->second) {
        if (equal_ignoring_case(to, column)) return from;
        if (equal_ignoring_case(from, column)) return "";  // the old one went by another name
      }
    }
    const column_def* c = find_column(t, column);
    return c == nullptr ? "" : c->name;
  }
  std::vector<std::string> renamed_columns(const table_def& t,
                                           const std::vector<std::string>& columns) const {
    std::vector<std::string> out;
    for (const auto& c : columns) out.push_back(renamed_column(t, c));
    return out;
  }
  template <class Def>
  bool has_renamed(const table_def& was, const std::vector<Def>& defs,
                   const std::vector<std::string>& columns) const {
    for (const Def& d : defs) {
      if (same_columns(renamed_columns(was, d.columns), columns)) return true;
    }
    return false;
  }

  // A column in both: an alter_column when its definition differs for any provider.
  void compare_column(const table_def& old_table, const column_def& old, const table_def& table,
                      const column_def& now) {
    bool changed = false;
    for (std::size_t i = 0; i < 3 && !changed; ++i) {
      changed = definition_in(m_before.tables[i], old_table.name, old.name) !=
                definition_in(m_after.tables[i], table.name, now.name);
    }
    if (!changed) return;
    add({{"op", "alter_column"}, {"table", table.name}, {"column", now.name}});
    const std::string from = type_of(old.definition);
    const std::string to = type_of(now.definition);
    const std::string name = table.name + "." + now.name;
    if (from != to && !widens(from, to)) {
      m_out.destructive.push_back("changes the type of " + name + " from " + from + " to " + to +
                                  ": values that do not fit would be cut or refused");
    }
    // An enumeration that loses names: rows holding one would stop the migration.
    std::string removed;
    const std::vector<std::string> kept = enum_values_of(now.definition);
    for (const std::string& value : enum_values_of(old.definition)) {
      if (std::find(kept.begin(), kept.end(), value) != kept.end()) continue;
      removed += (removed.empty() ? "'" : ", '") + value + "'";
    }
    if (!removed.empty()) {
      m_out.destructive.push_back("removes " + removed + " from the values of " + name +
                                  ": a row holding one would stop the migration");
    }
    const bool was_null = old.definition.find(" NOT NULL") == std::string::npos;
    const bool is_null = now.definition.find(" NOT NULL") == std::string::npos;
    if (was_null && !is_null && now.definition.find(" DEFAULT ") == std::string::npos) {
      m_out.destructive.push_back("makes " + name +
                                  " NOT NULL without a default: a row holding NULL there would "
                                  "stop the migration");
    }
  }

  // A column's definition for one provider, whose names are PostgreSQL's but for letter case
  // (and for names past a provider's length limit, cut differently: then "").
  static std::string definition_in(const std::vector<table_def>& tables, const std::string& table,
                                   const std::string& column) {
    const table_def* t = find_table(tables, table);
    if (t == nullptr) return {};  // coverage-exempt: a table name past a provider's limit
    const column_def* c = find_column(*t, column);
    return c == nullptr ? std::string{} : c->definition;  // coverage-exempt: the same for a column
  }

  described m_before;
  described m_after;
  std::map<std::string, std::string> m_table_renames;  // old table -> new table
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> m_column_renames;
  std::set<std::string> m_join_tables;   // (lower case) renamed already
  std::set<const entity_info*> m_moved;  // old classes whose rows moved to another table
  std::set<std::string> m_emptied;       // old tables (lower case) every class of which moved
  std::set<std::string> m_sources;       // old tables (lower case) that classes move out of
  std::vector<json> m_moves;             // move_class operations
  std::vector<json> m_after_moves;       // the drops of their old tables' columns, or tables
  schema_changes m_out;
};

}  // namespace

schema_changes diff_schemas(const json& before, const json& after) {
  return differ{before, after}.run();
}

}  // namespace nextorm::schema_change
