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
};

// The dialects; each object is immutable and lives for the program.
const dialect& sqlite_dialect() noexcept;
const dialect& postgres_dialect() noexcept;
const dialect& mariadb_dialect() noexcept;
// By name ("sqlite", "postgres", "mariadb"); null when unknown.
const dialect* find_dialect(std::string_view name) noexcept;

}  // namespace nextorm::lower
