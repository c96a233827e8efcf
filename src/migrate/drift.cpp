#include "migrate/drift.hpp"

#include "common/suggest.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace nextorm::schema_change {
namespace {

bool same_columns(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](auto& x, auto& y) {
           return equal_ignoring_case(x, y);
         });
}

std::string listed(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c;
  return "(" + out + ")";
}

// What the schema says a column holds, in the catalog's vocabulary (catalog_column::type).
struct expected_type {
  std::string type;
  std::optional<std::uint32_t> max_len;
  int precision = 0;
  int scale = 0;
  const attr_info* attr = nullptr;
};

// The value columns of every entity table (a hierarchy's in its root's), by table and column.
std::map<std::string, std::map<std::string, expected_type>> expected_types(const registry& schema,
                                                                           bool mariadb) {
  std::map<std::string, std::map<std::string, expected_type>> out;
  for (const auto& e : schema.entities()) {
    for (const attr_info& a : e->attrs) {
      if (a.inherited || !a.has_column() || a.discriminator || !a.sql_type.empty()) continue;
      if (a.kind == attr_kind::single) continue;  // its key's type: checked at the target
      expected_type t;
      t.attr = &a;
      t.type = std::string{type_name(a.type)};
      if (a.long_str) t.type = "LongStr";
      if (!a.enum_values.empty()) t.type = "enum";
      t.max_len = a.max_len;
      // MariaDB's VARCHAR(255) is PonyORM's str without max_len (the catalog reads no max_len).
      if (mariadb && t.max_len == 255U) t.max_len.reset();
      if (a.type == value_type::decimal) {
        t.precision = a.precision;  // (the registry gives every decimal its digits)
        t.scale = a.scale;
      }
      out[lower_case(e->table)][lower_case(a.column)] = t;
    }
  }
  return out;
}

// Whether `live` stores what `want` says, as the provider writes that type.
bool type_matches(const expected_type& want, const catalog_column& live, bool mariadb) {
  if (want.type == live.type || want.type == live.or_type) return true;
  if (want.type == "LongStr" && live.type == "str" && !mariadb) return true;  // TEXT
  // A CHECK'd text, as NextORM writes an enumeration everywhere (MariaDB's ENUM, which other
  // programs write there, is "enum").
  if (want.type == "enum" && live.type == "str") return true;
  // NextORM before 0.x wrote MariaDB's json columns as LONGTEXT without the CHECK.
  if (want.type == "json" && live.type == "LongStr" && mariadb) return true;
  return false;
}

std::string describe_type(const std::string& type, std::optional<std::uint32_t> max_len,
                          int precision, int scale) {
  if (max_len) return type + "(" + std::to_string(*max_len) + ")";
  if (type == "decimal")
    return type + "(" + std::to_string(precision) + ", " + std::to_string(scale) + ")";
  return type;
}

void compare_types(const table_def& t, const catalog_table& live,
                   const std::map<std::string, expected_type>& types, bool mariadb,
                   std::vector<std::string>& out) {
  for (const catalog_column& c : live.columns) {
    const auto found = types.find(lower_case(c.name));
    if (found == types.end()) continue;
    const expected_type& want = found->second;
    const std::string where = "table " + t.name + ": column " + c.name + " is ";
    if (!type_matches(want, c, mariadb)) {
      out.push_back(where + (c.sql_type.empty() ? std::string{"untyped"} : c.sql_type) +
                    ", the schema says " + want.type);
      continue;
    }
    const bool text = want.type == "str";
    if (text && want.max_len != c.max_len) {
      out.push_back(where + describe_type("str", c.max_len, 0, 0) + ", the schema says " +
                    describe_type("str", want.max_len, 0, 0));
    }
    if (want.type == "decimal" && c.precision != 0 &&
        (c.precision != want.precision || c.scale != want.scale)) {
      out.push_back(where + describe_type("decimal", {}, c.precision, c.scale) +
                    ", the schema says " +
                    describe_type("decimal", {}, want.precision, want.scale));
    }
  }
}

void compare_keys(const table_def& t, const catalog_table& live, bool mariadb,
                  std::vector<std::string>& out) {
  const std::string where = "table " + t.name + ": ";
  // Indexes, by their columns (a name may differ where a tool renamed it, the index is what
  // counts).
  std::vector<bool> used(live.indexes.size(), false);
  auto take = [&](const std::vector<std::string>& columns, const std::vector<catalog_key>& keys,
                  std::vector<bool>& taken) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      // (A partial index is not the index the schema asks for.)
      if (!taken[i] && !keys[i].partial && same_columns(keys[i].columns, columns)) {
        taken[i] = true;
        return true;
      }
    }
    return false;
  };
  for (const index_def& i : t.indexes) {
    if (!take(i.columns, live.indexes, used)) {
      out.push_back(where + "index " + i.name + " on " + listed(i.columns) + " is missing");
    }
  }
  for (std::size_t i = 0; i < live.indexes.size(); ++i) {
    if (used[i] || live.indexes[i].partial) continue;
    // MariaDB makes an index for a foreign key that has none.
    const bool of_key =
        mariadb &&
        std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(), [&](const foreign_key& k) {
          return same_columns(k.columns, live.indexes[i].columns);
        });
    if (!of_key) {
      out.push_back(where + "index " + live.indexes[i].name + " on " +
                    listed(live.indexes[i].columns) + " is not in the schema");
    }
  }
  // Unique keys: composite_keys, and the columns declared UNIQUE.
  std::vector<std::vector<std::string>> unique;
  for (const index_def& u : t.unique_keys) unique.push_back(u.columns);
  for (const column_def& c : t.columns) {
    if (c.definition.find("UNIQUE") != std::string::npos) unique.push_back({c.name});
  }
  std::vector<bool> unique_used(live.unique_keys.size(), false);
  for (const auto& columns : unique) {
    if (!take(columns, live.unique_keys, unique_used)) {
      out.push_back(where + "the unique key on " + listed(columns) + " is missing");
    }
  }
  for (std::size_t i = 0; i < live.unique_keys.size(); ++i) {
    if (!unique_used[i] && !live.unique_keys[i].partial) {
      out.push_back(where + "the unique key on " + listed(live.unique_keys[i].columns) +
                    " is not in the schema");
    }
  }
  // Foreign keys, by their columns.
  std::vector<bool> keys_used(live.foreign_keys.size(), false);
  for (const foreign_key& k : t.foreign_keys) {
    bool found = false;
    for (std::size_t i = 0; i < live.foreign_keys.size() && !found; ++i) {
      const catalog_foreign_key& l = live.foreign_keys[i];
      if (keys_used[i] || !same_columns(l.columns, k.columns)) continue;
      found = keys_used[i] = true;
      if (!equal_ignoring_case(l.parent_table, k.parent_table) ||
          !same_columns(l.parent_columns, k.parent_columns)) {
        out.push_back(where + "the foreign key on " + listed(k.columns) + " refers to " +
                      l.parent_table + " " + listed(l.parent_columns) + ", the schema says " +
                      k.parent_table + " " + listed(k.parent_columns));
      } else if (!equal_ignoring_case(l.on_delete, k.on_delete)) {
        auto action = [](std::string_view a) {
          return a.empty() ? std::string{"no ON DELETE"} : "ON DELETE " + std::string{a};
        };
        out.push_back(where + "the foreign key on " + listed(k.columns) + " has " +
                      action(l.on_delete) + ", the schema says " + action(k.on_delete));
      }
    }
    if (!found) {
      out.push_back(where + "the foreign key on " + listed(k.columns) + " to " + k.parent_table +
                    " is missing");
    }
  }
  for (std::size_t i = 0; i < live.foreign_keys.size(); ++i) {
    if (!keys_used[i]) {
      out.push_back(where + "the foreign key on " + listed(live.foreign_keys[i].columns) + " to " +
                    live.foreign_keys[i].parent_table + " is not in the schema");
    }
  }
}

}  // namespace

std::vector<std::string> drift_between(const registry& schema, const std::vector<table_def>& tables,
                                       const std::vector<catalog_table>& live,
                                       const lower::dialect& dialect) {
  const bool mariadb = dialect.name() == "mariadb";
  const auto types = expected_types(schema, mariadb);
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const table_def& t : tables) {
    const auto found = std::find_if(live.begin(), live.end(), [&](const catalog_table& l) {
      return equal_ignoring_case(l.name, t.name);
    });
    if (found == live.end()) {
      out.push_back("table " + t.name + " is missing");
      continue;
    }
    seen.insert(found->name);
    std::set<std::string> columns_seen;
    for (const column_def& c : t.columns) {
      const catalog_column* column = nullptr;
      for (const catalog_column& l : found->columns) {
        if (equal_ignoring_case(l.name, c.name)) column = &l;
      }
      if (column == nullptr) {
        out.push_back("table " + t.name + ": column " + c.name + " is missing");
        continue;
      }
      columns_seen.insert(column->name);
      const bool key =
          c.definition.find("PRIMARY KEY") != std::string::npos ||
          std::find(t.primary_key.begin(), t.primary_key.end(), c.name) != t.primary_key.end();
      const bool nullable = c.definition.find("NOT NULL") == std::string::npos;
      if (!key && column->nullable != nullable) {
        out.push_back("table " + t.name + ": column " + c.name + " is " +
                      (column->nullable ? "nullable" : "NOT NULL") + ", the schema says " +
                      (nullable ? "nullable" : "NOT NULL"));
      }
    }
    for (const catalog_column& l : found->columns) {
      if (columns_seen.count(l.name) == 0) {
        out.push_back("table " + t.name + ": column " + l.name + " is not in the schema");
      }
    }
    const auto table_types = types.find(lower_case(t.name));
    if (table_types != types.end()) compare_types(t, *found, table_types->second, mariadb, out);
    compare_keys(t, *found, mariadb, out);
  }
  for (const catalog_table& l : live) {
    if (seen.count(l.name) == 0) out.push_back("table " + l.name + " is not in the schema");
  }
  return out;
}

}  // namespace nextorm::schema_change
