// DDL for a finalized registry: the CREATE and DROP statements of its tables, per dialect, in
// the shape PonyORM 0.7.16 gives them (docs/naming.md).
#pragma once

#include <nextorm/registry.hpp>

#include "lower/dialect.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace nextorm::schema_change {

// One object that creating the schema makes: a table, an index, or a named foreign key.
struct schema_object {
  enum class kind : std::uint8_t { table, index, foreign_key };
  kind what = kind::table;
  std::string table;  // the table it belongs to
  std::string name;   // its own name (a table's is the table's)
  std::string sql;    // the statement that creates it
  // The CREATE TABLE of its table creates it too (MariaDB's indexes and foreign keys), so `sql`
  // is needed only when the table is already there.
  bool with_table = false;
  std::vector<std::string> columns;  // a table's columns
};

// The objects of every entity and many-to-many join table, in PonyORM's order: each table, then
// its indexes (one per foreign-key column and per indexed attribute), then the named foreign keys
// that can be added now. Tables come after the tables they reference. SQLite declares foreign
// keys inline (they are no objects of their own); PostgreSQL and MariaDB name them and add each
// as soon as both of its tables exist, so that cycles work too. MariaDB declares the indexes and
// the keys to tables that already exist inside CREATE TABLE, since each separate statement
// rebuilds the table there. Throws usage_error when the registry is not finalized.
[[nodiscard]] std::vector<schema_object> schema_objects(const registry& schema,
                                                        const lower::dialect& dialect);

// The statements that create every object of schema_objects() in an empty database.
[[nodiscard]] std::vector<std::string> create_table_statements(const registry& schema,
                                                               const lower::dialect& dialect);

// DROP TABLE for the same tables in reverse order; outside SQLite, foreign keys that point at a
// table created later (cycles) are dropped first.
[[nodiscard]] std::vector<std::string> drop_table_statements(const registry& schema,
                                                             const lower::dialect& dialect);

}  // namespace nextorm::schema_change
