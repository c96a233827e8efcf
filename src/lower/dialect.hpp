// What differs between SQL dialects: a short list of overrides on one shared SQL builder.
#pragma once

#include <nextorm/registry.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace nextorm::lower {

class dialect {
 public:
  virtual ~dialect() = default;
  // "sqlite", "postgres", "mariadb": used in messages and in the plan-cache key.
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  // An identifier quoted so that any name (Order, Group, names with spaces) is safe.
  [[nodiscard]] virtual std::string quote(std::string_view identifier) const = 0;
  // The placeholder of the 0-based parameter `index`: `?` or `$1`.
  [[nodiscard]] virtual std::string placeholder(std::size_t index) const = 0;
  // The column type for an attribute with a column (for Single, the target key's type).
  [[nodiscard]] virtual std::string column_type(const attr_info& attr) const = 0;
  // The column definition of an auto-increment integer primary key, after the quoted name.
  [[nodiscard]] virtual std::string auto_increment_pk() const = 0;
  // True when INSERT ... RETURNING gives generated keys (else the driver's last insert id).
  [[nodiscard]] virtual bool has_returning() const noexcept = 0;

  // --- Query lowering: what the shared SQL builder (lower/sql_builder.hpp) asks of a dialect.
  // The append_ forms write into the caller's buffer so that lowering allocates once.

  // `quote(identifier)` appended to `out`.
  virtual void append_quoted(std::string& out, std::string_view identifier) const = 0;
  // `placeholder(index)` appended to `out`.
  virtual void append_placeholder(std::string& out, std::size_t index) const = 0;
  // A boolean constant: `1`/`0` where booleans are integers, `true`/`false` otherwise.
  [[nodiscard]] virtual std::string_view bool_literal(bool v) const noexcept = 0;
  // String concatenation: true for `concat(a, b)`, false for `(a || b)`.
  [[nodiscard]] virtual bool concat_is_function() const noexcept = 0;
  // The operator of `//` between integers, spaces included: " / " truncates on SQLite and
  // PostgreSQL; MariaDB needs " DIV ".
  [[nodiscard]] virtual std::string_view int_div_operator() const noexcept = 0;
  // The function counting the characters of a string: `length`, or `char_length` where
  // `length` counts bytes.
  [[nodiscard]] virtual std::string_view length_function() const noexcept = 0;
  // False where `%` is undefined for floating-point operands (PostgreSQL).
  [[nodiscard]] virtual bool has_real_modulo() const noexcept = 0;
  // False where DELETE ... WHERE k IN (SELECT ... LIMIT ...) is refused (MariaDB).
  [[nodiscard]] virtual bool has_limit_in_subquery() const noexcept = 0;
  // The tail `LIMIT ... OFFSET ...` given the placeholders of the limit and offset, either of
  // which may be empty (absent). At least one is present.
  virtual void append_limit(std::string& out, std::string_view limit,
                            std::string_view offset) const = 0;
};

// The dialects; each object is immutable and lives for the program.
const dialect& sqlite_dialect() noexcept;
const dialect& postgres_dialect() noexcept;
const dialect& mariadb_dialect() noexcept;
// By name ("sqlite", "postgres", "mariadb"); null when unknown.
const dialect* find_dialect(std::string_view name) noexcept;

}  // namespace nextorm::lower
