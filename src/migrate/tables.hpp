// The tables a finalized registry describes, per dialect: their columns (with each column's
// definition as that dialect writes it), keys, foreign keys and indexes, in PonyORM's shape
// (docs/naming.md). The DDL of generate_mapping and the migrations are both rendered from it.
#pragma once

#include <nextorm/registry.hpp>

#include "lower/dialect.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace nextorm::schema_change {

struct column_def {
  std::string name;
  std::string definition;  // everything after the quoted name, except an inline REFERENCES
  // What rows that exist when the column is added NOT NULL without a default get (an SQL
  // literal): '' for an optional string (PonyORM stores None there as ''), the root's class for
  // a hierarchy's discriminator; "" for none (a table with rows cannot take the column).
  std::string fill{};
};

struct foreign_key {
  std::string name;  // PonyORM's fk_<table>__<column>, used where constraints are named
  std::vector<std::string> columns;
  std::string parent_table;
  std::vector<std::string> parent_columns;
  std::string_view on_delete;  // "", "CASCADE" or "SET NULL"
};

struct index_def {
  std::string name;
  std::vector<std::string> columns;
};

struct table_def {
  std::string name;
  std::vector<column_def> columns;
  std::vector<std::string> primary_key;  // a composite key (of an entity or a join table)
  std::vector<foreign_key> foreign_keys;
  std::vector<index_def> indexes;
  std::vector<index_def> unique_keys;  // composite_key constraints, inside CREATE TABLE
};

// Every entity table (a hierarchy's in its root's) and many-to-many join table of `schema`.
// Throws usage_error("migrate.not_finalized") when the registry is not finalized.
[[nodiscard]] std::vector<table_def> describe(const registry& schema,
                                              const lower::dialect& dialect);

// PonyORM's creation order: by name, each time the first table whose referenced tables exist.
[[nodiscard]] std::vector<table_def> creation_order(std::vector<table_def> pending);

// The columns of the table's primary key: its composite key, or the one column declared
// PRIMARY KEY in its definition.
[[nodiscard]] std::vector<std::string> key_columns(const table_def& table);

// "(a, b)", each name quoted.
[[nodiscard]] std::string column_list(const std::vector<std::string>& columns,
                                      const lower::dialect& dialect);
// "REFERENCES parent (columns) [ON DELETE ...]".
[[nodiscard]] std::string references(const foreign_key& fk, const lower::dialect& dialect);
// Whether indexes and foreign keys go inside CREATE TABLE (MariaDB, where each ALTER rebuilds).
[[nodiscard]] bool inline_keys(const lower::dialect& dialect);
// CREATE TABLE with these indexes and named foreign keys inside (SQLite: its foreign keys always).
[[nodiscard]] std::string create_table(const table_def& table, const lower::dialect& dialect,
                                       const std::vector<const index_def*>& indexes,
                                       const std::vector<const foreign_key*>& keys);
[[nodiscard]] std::string add_foreign_key(const table_def& table, const foreign_key& fk,
                                          const lower::dialect& dialect);
// The table's foreign keys by name.
[[nodiscard]] std::vector<const foreign_key*> sorted_keys(const table_def& table);

}  // namespace nextorm::schema_change
