// An object's columns as the parameters of its INSERT or UPDATE: each field writes itself into
// the statement (attr_info::store), so a row reaches the driver without a copy of its values.
#pragma once

#include <nextorm/entity_base.hpp>

#include "driver/connection.hpp"

#include <cstdint>

namespace nextorm::detail {

class object_columns final : public driver::param_source {
 public:
  // The columns in declaration order; without the key when `key` is `skip`, with the key moved
  // to the end when it is `last` (UPDATE ... WHERE key = ?).
  // The lazy attributes in `unloaded` (bit i: entity_info::lazy_attrs[i]), which the object has
  // not read, are left out (database_impl::update_statement()).
  enum class key_position { in_place, skip, last };
  object_columns(const entity_base& object, key_position key, std::uint64_t unloaded = 0) noexcept
      : m_object{object}, m_key{key}, m_unloaded{unloaded} {}

  [[nodiscard]] std::size_t count() const noexcept override;
  // A field without a value gets its default, PonyORM's '' for a non-nullable Opt, or NULL;
  // usage_error("object.required") for a required one.
  void write(param_writer& out) const override;

 private:
  const entity_base& m_object;
  key_position m_key;
  std::uint64_t m_unloaded;
};

}  // namespace nextorm::detail
