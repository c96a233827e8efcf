// An object's columns as the parameters of its INSERT, UPDATE or DELETE: each field writes
// itself into the statement (attr_info::store), so a row reaches the driver without a copy of
// its values.
#pragma once

#include <nextorm/entity_base.hpp>

#include "driver/connection.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace nextorm::detail {

class object_columns final : public driver::param_source {
 public:
  // The columns of an INSERT in declaration order; without the key when `key` is `skip` (the
  // database makes it).
  enum class key_position { in_place, skip };
  object_columns(const entity_base& object, key_position key) noexcept
      : m_object{object}, m_key{key} {}

  [[nodiscard]] std::size_t count() const noexcept override;
  // A field without a value gets its default, PonyORM's '' for a non-nullable Opt, or NULL;
  // usage_error("object.required") for a required one.
  void write(param_writer& out) const override;

 private:
  const entity_base& m_object;
  key_position m_key;
};

// The columns of several objects of one entity as the parameters of a multi-row INSERT: each
// object's object_columns, one row after the other.
class object_rows final : public driver::param_source {
 public:
  object_rows(std::span<entity_base* const> objects, object_columns::key_position key) noexcept
      : m_objects{objects}, m_key{key} {}

  [[nodiscard]] std::size_t count() const noexcept override;
  void write(param_writer& out) const override;

 private:
  std::span<entity_base* const> m_objects;
  object_columns::key_position m_key;
};

// The parameters of an object's UPDATE or DELETE built by database_impl::write_statement for
// `shape`: the columns it sets (the fields' values; the version attribute's `next_version`), the
// key, then `checks`, the values the checked columns must still hold, one per column.
class checked_write_params final : public driver::param_source {
 public:
  checked_write_params(const entity_base& object, const std::string& shape,
                       std::span<const value> checks, const value& next_version) noexcept
      : m_object{object}, m_shape{shape}, m_checks{checks}, m_next_version{next_version} {}

  [[nodiscard]] std::size_t count() const noexcept override;
  void write(param_writer& out) const override;

 private:
  const entity_base& m_object;
  const std::string& m_shape;
  std::span<const value> m_checks;
  const value& m_next_version;
};

}  // namespace nextorm::detail
