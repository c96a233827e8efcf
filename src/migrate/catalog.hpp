// What a live database's catalog says of its tables, read the same way on every provider:
// columns with their types in the JSON schema's vocabulary, keys, unique constraints, indexes
// and foreign keys. `nextorm inspect` turns it into a schema (inspect.hpp).
#pragma once

#include "driver/connection.hpp"
#include "lower/dialect.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nextorm::schema_change {

struct catalog_column {
  std::string name;
  std::string sql_type;  // as the catalog spells it: "varchar(64)", "numeric(10,2)", "INTEGER"
  // The JSON schema's type ("int", "str", ..., "enum") or "" when the column's type has none;
  // the options that type takes, where the column has them.
  std::string type{};
  std::optional<std::uint32_t> max_len{};
  int precision = 0;  // decimal: 0 = none given
  int scale = 0;
  int size = 0;  // int: 8, 16, 24, 32, 64 where the type says; 0 = the provider's default
  bool is_unsigned = false;
  std::vector<std::string> enum_values{};
  // Where the type alone cannot tell (MariaDB's TIME is a time of day or PonyORM's timedelta):
  // the other type it may be.
  std::string or_type{};
  bool nullable = true;
  bool auto_increment = false;
  std::optional<std::string> default_sql{};  // the column's DEFAULT, as the catalog writes it
};

struct catalog_key {
  std::string name;  // "" where the provider does not name it (SQLite)
  std::vector<std::string> columns;
  bool partial = false;  // an index with a WHERE, or over an expression: not a plain index
};

struct catalog_foreign_key {
  std::string name;  // "" on SQLite
  std::vector<std::string> columns;
  std::string parent_table;
  std::vector<std::string> parent_columns;
  std::string on_delete;  // "CASCADE", "SET NULL", "RESTRICT", "SET DEFAULT" or "" (no action)
};

struct catalog_table {
  std::string name;
  std::vector<catalog_column> columns;  // in their order
  std::vector<std::string> primary_key;
  std::vector<catalog_key> unique_keys;  // UNIQUE constraints and unique indexes
  std::vector<catalog_key> indexes;      // plain indexes
  std::vector<catalog_foreign_key> foreign_keys;
  // The distinct values of a "classtype" column (PonyORM's discriminator), sorted.
  std::vector<std::string> classtypes{};

  [[nodiscard]] const catalog_column* find(std::string_view column) const noexcept;
};

// Every table of the connection's database (PostgreSQL: of its current schema), sorted by name,
// except SQLite's own and NextORM's migration history.
[[nodiscard]] std::vector<catalog_table> read_catalog(driver::connection& connection,
                                                      const lower::dialect& dialect);

}  // namespace nextorm::schema_change
