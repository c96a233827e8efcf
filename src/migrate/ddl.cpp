// DDL in PonyORM's shape: the same tables, columns, constraint and index names, and the same
// table order, so that a database made by either can be opened by the other. The registry is
// first turned into plain table descriptions, then ordered, then rendered per dialect.
#include "migrate/ddl.hpp"

#include "migrate/tables.hpp"

#include <nextorm/errors.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <set>
#include <span>
#include <string_view>

namespace nextorm::schema_change {
namespace {

// SQLite names no constraints and declares foreign keys inline, as PonyORM does there.
bool is_sqlite(const lower::dialect& dialect) { return dialect.name() == "sqlite"; }

// DDL cannot bind parameters, so a default is written as a literal; add() has checked that it
// has the attribute's type, is finite and holds no NUL.
std::string default_literal(const value& v, const lower::dialect& dialect) {
  switch (v.type()) {
    case value_type::integer: return std::to_string(v.as_int());
    case value_type::real: {
      std::array<char, 32> buffer{};
      auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v.as_real());
      return std::string{buffer.data(), result.ptr};
    }
    case value_type::boolean: return std::string{dialect.bool_literal(v.as_bool())};
    case value_type::interval: return dialect.interval_literal(v.as_microseconds());
    default: break;
  }
  return dialect.text_literal(v.as_text());
}

std::string column_definition(const attr_info& attr, const lower::dialect& dialect) {
  if (attr.kind == attr_kind::pk && attr.auto_increment) return dialect.auto_increment_pk();
  std::string out = attr.sql_type.empty() ? dialect.column_type(attr) : attr.sql_type;
  // An enumeration: its column (str, or its sql_type) with a CHECK of its names, on every
  // provider. (Not MariaDB's ENUM: it orders by the position of a name, the others by name.)
  std::string check;
  if (!attr.enum_values.empty()) {
    std::string names;
    for (const auto& name : attr.enum_values) {
      names += (names.empty() ? "" : ", ") + dialect.text_literal(name);
    }
    check = " CHECK (" + dialect.quote(attr.column) + " IN (" + names + "))";
  }
  if (!attr.sql_default.empty()) {
    out += " DEFAULT " + attr.sql_default;
  } else if (attr.default_value && !attr.default_value->is_null()) {
    out += " DEFAULT " + default_literal(*attr.default_value, dialect);
  }
  // (The key may be a Single: PonyORM's PrimaryKey(Person).)
  if (attr.kind == attr_kind::pk || (attr.key_part && !attr.owner->composite_key())) {
    return out + " NOT NULL PRIMARY KEY";
  }
  if (attr.unique) out += " UNIQUE";
  if (!attr.column_nullable()) out += " NOT NULL";
  return out + check;
}

std::string joined(std::span<const std::string> names, std::string_view separator) {
  std::string out;
  for (const auto& name : names) out.append(out.empty() ? "" : separator).append(name);
  return out;
}

// The type of a column that refers to `key`, a key attribute of another entity.
std::string key_column_type(const attr_info& key, const lower::dialect& dialect) {
  attr_info part = key;
  part.kind = attr_kind::single;  // a reference to the key, not the key itself
  part.auto_increment = false;
  return dialect.column_type(part);
}

// The columns of a reference to an entity whose key has several attributes: one per key
// column of the target, of its type (NOT NULL unless the reference is optional).
void reference_columns(const attr_info& attr, const lower::dialect& dialect, table_def& table) {
  const auto& keys = attr.target_entity->key_columns;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    std::string definition = key_column_type(*keys[i].leaf, dialect);
    if (!attr.column_nullable()) definition += " NOT NULL";
    table.columns.push_back({attr.reference_columns[i], std::move(definition)});
  }
}

table_def entity_table(const entity_info& entity, const lower::dialect& dialect) {
  const pony_naming naming{dialect.name()};  // index and constraint names, per provider
  table_def table{entity.table, {}, {}, {}, {}, {}};
  if (entity.composite_key()) {
    for (const key_column& key : entity.key_columns) table.primary_key.push_back(key.name);
  }
  // The composite keys and indexes of the table (its classes'), each an entity's and its own.
  std::vector<std::pair<const entity_info*, const composite_index_info*>> composites;
  for (const auto& index : entity.composite_indexes) composites.emplace_back(&entity, &index);
  for (const entity_info* sub : entity.subclasses) {
    for (const auto& index : sub->composite_indexes) composites.emplace_back(sub, &index);
  }
  // Every column of each attribute: a reference to an entity with a composite key has several.
  auto columns_of = [](const entity_info& owner, const composite_index_info& index) {
    std::vector<std::string> columns;
    for (const auto& name : index.attrs) {
      for (const auto& column : owner.find(name)->column_names()) columns.push_back(column);
    }
    return columns;
  };
  // PonyORM gives a foreign key no index of its own where a composite key or index starts
  // with its columns.
  auto composite_starts_with = [&](std::span<const std::string> names) {
    return std::any_of(composites.begin(), composites.end(), [&](const auto& c) {
      auto columns = columns_of(*c.first, *c.second);
      // (Padded with "", which names no column, to compare as long as `names`.)
      columns.resize(std::max(columns.size(), names.size()));
      return std::equal(names.begin(), names.end(), columns.begin());
    });
  };
  // A hierarchy's table has the columns of all its classes (table_columns).
  for (const attr_info* attr : entity.table_columns) {
    const auto names = attr->column_names();
    if (names.size() == 1) {
      std::string fill;
      if (attr->discriminator) {
        fill = dialect.discriminator_literal(entity.discriminator_value);
      } else if (attr->kind == attr_kind::opt && !attr->column_nullable() &&
                 attr->type == value_type::text) {
        fill = "''";
      }
      table.columns.push_back({attr->column, column_definition(*attr, dialect), std::move(fill)});
    } else {
      reference_columns(*attr, dialect, table);
    }
    // PonyORM indexes every foreign-key column and every indexed attribute, unless a unique
    // constraint (or the primary key) already gives the column an index.
    if (attr->kind == attr_kind::single) {
      const entity_info& target = *attr->target_entity;
      // PonyORM's: the row goes with its target where the target's side cascades (by default
      // a one-to-many whose "many" require their "one"), an optional reference is cleared,
      // and anything else blocks the delete.
      std::string_view on_delete;
      if (attr->reverse_attr->cascades) {
        on_delete = "CASCADE";
      } else if (attr->optional) {
        on_delete = "SET NULL";
      }
      std::vector<std::string> parent_columns;
      for (const key_column& key : target.key_columns) parent_columns.push_back(key.name);
      // PonyORM joins a foreign key's columns with "__", an index's with "_".
      const std::string fk_name = attr->fk_name.empty()
                                      ? naming.foreign_key(entity.table, joined(names, "__"))
                                      : attr->fk_name;
      table.foreign_keys.push_back({fk_name,
                                    {names.begin(), names.end()},
                                    target.table,
                                    std::move(parent_columns),
                                    on_delete});
    }
    // (The first column of a composite key is indexed by the key.)
    const bool key_indexed = attr->kind == attr_kind::pk || attr == entity.key_attrs.front() ||
                             (!attr->indexed && composite_starts_with(names));
    if ((attr->kind == attr_kind::single || attr->indexed) && !attr->unique && !key_indexed) {
      table.indexes.push_back(
          {naming.index(entity.table, joined(names, "_")), {names.begin(), names.end()}});
    }
  }
  for (const auto& [owner, index] : composites) {
    index_def def;
    def.columns = columns_of(*owner, *index);
    // PonyORM names both by their columns joined with '_'.
    const std::string columns = joined(def.columns, "_");
    if (index->unique) {
      def.name = naming.unique_key(entity.table, columns);
      table.unique_keys.push_back(std::move(def));
    } else {
      def.name = naming.index(entity.table, columns);
      table.indexes.push_back(std::move(def));
    }
  }
  std::sort(table.unique_keys.begin(), table.unique_keys.end(),
            [](const index_def& a, const index_def& b) { return a.name < b.name; });
  return table;
}

// The join table of a many-to-many pair, described from the side PonyORM builds it from: the
// entity that sorts first (for a self-reference, the attribute that sorts first). Its first
// columns refer to that side's entity, one per key attribute of it.
table_def join_table(const attr_info& attr, const lower::dialect& dialect) {
  const pony_naming naming{dialect.name()};
  const attr_info& reverse = *attr.reverse_attr;
  const bool self = attr.owner == reverse.owner && &attr != &reverse;
  const auto& first = self ? attr.m2m_other_columns : attr.m2m_own_columns;
  const auto& second = self ? attr.m2m_own_columns : attr.m2m_other_columns;
  table_def table{attr.m2m_table, {}, first, {}, {}, {}};
  table.primary_key.insert(table.primary_key.end(), second.begin(), second.end());
  const entity_info* referenced[] = {attr.owner, reverse.owner};
  const std::vector<std::string>* names[] = {&first, &second};
  // A Set's fk_name names the foreign key of the columns its `column(s)` name: the columns of
  // its items (of a symmetric Set: the first).
  auto fk_name = [&](const std::vector<std::string>& columns) {
    for (const attr_info* side : {&attr, &reverse}) {
      const auto& items = &reverse == &attr ? side->m2m_own_columns : side->m2m_other_columns;
      if (items == columns && !side->fk_name.empty()) return side->fk_name;
    }
    // PonyORM joins a foreign key's columns with "__".
    return naming.foreign_key(table.name, joined(columns, "__"));
  };
  for (int i = 0; i < 2; ++i) {
    const auto& keys = referenced[i]->key_columns;
    std::vector<std::string> parent_columns;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      table.columns.push_back(
          {(*names[i])[k], key_column_type(*keys[k].leaf, dialect) + " NOT NULL"});
      parent_columns.push_back(keys[k].name);
    }
    table.foreign_keys.push_back({fk_name(*names[i]), *names[i], referenced[i]->table,
                                  std::move(parent_columns), "CASCADE"});
  }
  // The primary key indexes the first columns; the second get PonyORM's idx_<table>.
  table.indexes.push_back({naming.join_index(table.name), second});
  return table;
}

}  // namespace

std::vector<table_def> describe(const registry& schema, const lower::dialect& dialect) {
  if (!schema.finalized()) {
    throw usage_error{"migrate.not_finalized",
                      "the registry is not finalized: call db.generate_mapping() (or "
                      "registry::finalize()) before generating its DDL"};
  }
  std::vector<table_def> tables;
  for (const auto& entity : schema.entities()) {
    // A subclass is stored in its root's table.
    if (entity->base_entity == nullptr) tables.push_back(entity_table(*entity, dialect));
  }
  for (const auto& entity : schema.entities()) {
    for (const auto& attr : entity->attrs) {
      if (!attr.is_many_to_many() || attr.inherited) continue;
      const attr_info& reverse = *attr.reverse_attr;
      if (entity->name > reverse.owner->name) continue;
      if (entity.get() == reverse.owner && attr.name > reverse.name) continue;
      tables.push_back(join_table(attr, dialect));
    }
  }
  return tables;
}

// PonyORM's order (dbschema.py order_tables_to_create): by name, each time the first table whose
// referenced tables all exist; in a cycle, the last one left.
std::vector<table_def> creation_order(std::vector<table_def> pending) {
  std::sort(pending.begin(), pending.end(),
            [](const table_def& a, const table_def& b) { return a.name < b.name; });
  std::vector<table_def> ordered;
  std::set<std::string> created;
  while (!pending.empty()) {
    auto ready = std::find_if(pending.begin(), pending.end(), [&](const table_def& table) {
      return std::all_of(table.foreign_keys.begin(), table.foreign_keys.end(),
                         [&](const foreign_key& fk) {
                           return fk.parent_table == table.name || created.count(fk.parent_table);
                         });
    });
    if (ready == pending.end()) ready = std::prev(pending.end());
    created.insert(ready->name);
    ordered.push_back(std::move(*ready));
    pending.erase(ready);
  }
  return ordered;
}

std::vector<std::string> key_columns(const table_def& table) {
  if (!table.primary_key.empty()) return table.primary_key;
  const auto key = std::find_if(table.columns.begin(), table.columns.end(), [](const auto& c) {
    return c.definition.find(" PRIMARY KEY") != std::string::npos;
  });
  // (Every entity table has a key, and a join table a composite one.)
  if (key == table.columns.end()) return {};  // coverage-exempt: see above
  return {key->name};
}

std::string column_list(const std::vector<std::string>& columns, const lower::dialect& dialect) {
  std::string out{"("};
  for (const auto& column : columns) {
    if (out.size() > 1) out += ", ";
    out += dialect.quote(column);
  }
  return out + ")";
}

std::string references(const foreign_key& fk, const lower::dialect& dialect) {
  std::string out = "REFERENCES " + dialect.quote(fk.parent_table) + " " +
                    column_list(fk.parent_columns, dialect);
  if (!fk.on_delete.empty()) out += " ON DELETE " + std::string{fk.on_delete};
  return out;
}

// MariaDB rebuilds a table for each ALTER TABLE ... ADD FOREIGN KEY and CREATE INDEX (about
// 0.1 s apiece), so there the indexes and the foreign keys whose parent exists go inside CREATE
// TABLE, with the same names: the schema is the same as PonyORM's separate statements make.
bool inline_keys(const lower::dialect& dialect) { return dialect.name() == "mariadb"; }

std::string create_table(const table_def& table, const lower::dialect& dialect,
                         const std::vector<const index_def*>& indexes,
                         const std::vector<const foreign_key*>& keys) {
  const bool inline_fks = is_sqlite(dialect);
  std::string out = "CREATE TABLE " + dialect.quote(table.name) + " (";
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const column_def& column = table.columns[i];
    out += i == 0 ? "\n  " : ",\n  ";
    out += dialect.quote(column.name) + " " + column.definition;
    for (const auto& fk : table.foreign_keys) {
      // Two appends, not `" " + references(...)`: a false -Wrestrict of g++ 12 at -O3 (GCC
      // bug 105329).
      if (inline_fks && fk.columns.size() == 1 && fk.columns.front() == column.name) {
        out.append(" ").append(references(fk, dialect));
      }
    }
  }
  if (!table.primary_key.empty()) {
    out += ",\n  PRIMARY KEY " + column_list(table.primary_key, dialect);
  }
  for (const index_def& key : table.unique_keys) {
    out += ",\n  CONSTRAINT " + dialect.quote(key.name) + " UNIQUE " +
           column_list(key.columns, dialect);
  }
  for (const index_def* index : indexes) {
    out += ",\n  INDEX " + dialect.quote(index->name) + " " + column_list(index->columns, dialect);
  }
  for (const foreign_key* fk : keys) {
    out += ",\n  CONSTRAINT " + dialect.quote(fk->name) + " FOREIGN KEY " +
           column_list(fk->columns, dialect) + " " + references(*fk, dialect);
  }
  // SQLite's foreign keys of several columns, which cannot follow a column (PonyORM's too).
  for (const auto& fk : table.foreign_keys) {
    if (!inline_fks || fk.columns.size() == 1) continue;
    out += ",\n  FOREIGN KEY " + column_list(fk.columns, dialect) + " " + references(fk, dialect);
  }
  return out + "\n)";
}

std::string add_foreign_key(const table_def& table, const foreign_key& fk,
                            const lower::dialect& dialect) {
  return "ALTER TABLE " + dialect.quote(table.name) + " ADD CONSTRAINT " + dialect.quote(fk.name) +
         " FOREIGN KEY " + column_list(fk.columns, dialect) + " " + references(fk, dialect);
}

std::vector<const foreign_key*> sorted_keys(const table_def& table) {
  std::vector<const foreign_key*> keys;
  for (const auto& fk : table.foreign_keys) keys.push_back(&fk);
  std::sort(keys.begin(), keys.end(),
            [](const foreign_key* a, const foreign_key* b) { return a->name < b->name; });
  return keys;
}

std::vector<schema_object> schema_objects(const registry& schema, const lower::dialect& dialect) {
  const std::vector<table_def> tables = creation_order(describe(schema, dialect));
  const bool inlined = inline_keys(dialect);
  std::vector<schema_object> out;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const table_def& table = tables[i];
    const auto created = [&](const std::string& name) {
      return std::any_of(tables.begin(), tables.begin() + static_cast<std::ptrdiff_t>(i + 1),
                         [&](const table_def& t) { return t.name == name; });
    };
    std::vector<const index_def*> indexes;
    for (const auto& index : table.indexes) indexes.push_back(&index);
    std::sort(indexes.begin(), indexes.end(),
              [](const index_def* a, const index_def* b) { return a->name < b->name; });
    // Named foreign keys, each as soon as both of its tables exist (PonyORM's
    // get_objects_to_create): this table's own, then those of earlier tables that point here.
    std::vector<const foreign_key*> own_keys;
    if (!is_sqlite(dialect)) {
      for (const foreign_key* fk : sorted_keys(table)) {
        if (created(fk->parent_table)) own_keys.push_back(fk);
      }
    }
    schema_object created_table{
        schema_object::kind::table,
        table.name,
        table.name,
        create_table(table, dialect, inlined ? indexes : decltype(indexes){},
                     inlined ? own_keys : decltype(own_keys){}),
        false,
        {}};
    for (const auto& column : table.columns) created_table.columns.push_back(column.name);
    out.push_back(std::move(created_table));
    for (const index_def* index : indexes) {
      out.push_back({schema_object::kind::index,
                     table.name,
                     index->name,
                     "CREATE INDEX " + dialect.quote(index->name) + " ON " +
                         dialect.quote(table.name) + " " + column_list(index->columns, dialect),
                     inlined,
                     {}});
    }
    for (const foreign_key* fk : own_keys) {
      out.push_back({schema_object::kind::foreign_key,
                     table.name,
                     fk->name,
                     add_foreign_key(table, *fk, dialect),
                     inlined,
                     {}});
    }
    if (is_sqlite(dialect)) continue;
    for (std::size_t j = 0; j < i; ++j) {
      for (const foreign_key* fk : sorted_keys(tables[j])) {
        if (fk->parent_table == table.name) {
          out.push_back({schema_object::kind::foreign_key,
                         tables[j].name,
                         fk->name,
                         add_foreign_key(tables[j], *fk, dialect),
                         false,
                         {}});
        }
      }
    }
  }
  return out;
}

std::vector<std::string> create_table_statements(const registry& schema,
                                                 const lower::dialect& dialect) {
  std::vector<std::string> out;
  for (auto& object : schema_objects(schema, dialect)) {
    if (!object.with_table) out.push_back(std::move(object.sql));
  }
  return out;
}

std::vector<std::string> drop_table_statements(const registry& schema,
                                               const lower::dialect& dialect) {
  const std::vector<table_def> tables = creation_order(describe(schema, dialect));
  std::vector<std::string> out;
  if (!is_sqlite(dialect)) {
    // A foreign key that points at a table created later (a cycle) would block that table's
    // drop: drop the key first. MariaDB says DROP FOREIGN KEY, PostgreSQL DROP CONSTRAINT.
    const std::string drop_key =
        dialect.name() == "mariadb" ? " DROP FOREIGN KEY " : " DROP CONSTRAINT ";
    for (std::size_t i = 0; i < tables.size(); ++i) {
      for (const foreign_key* fk : sorted_keys(tables[i])) {
        const bool later =
            std::any_of(tables.begin() + static_cast<std::ptrdiff_t>(i + 1), tables.end(),
                        [&](const table_def& t) { return t.name == fk->parent_table; });
        if (later) {
          out.push_back("ALTER TABLE " + dialect.quote(tables[i].name) + drop_key +
                        dialect.quote(fk->name));
        }
      }
    }
  }
  for (auto it = tables.rbegin(); it != tables.rend(); ++it) {
    out.push_back("DROP TABLE " + dialect.quote(it->name));
  }
  return out;
}

}  // namespace nextorm::schema_change
