// What all fields share: finding the object they belong to, and describing themselves.
#pragma once

#include <nextorm/entity_base.hpp>
#include <nextorm/registry.hpp>

#include <cstdint>

namespace nextorm::detail {

class field_base {
 public:
  field_base(const field_base&) = delete;
  field_base& operator=(const field_base&) = delete;

 protected:
  field_base() noexcept;
  ~field_base() = default;

  [[nodiscard]] entity_base& owner() const noexcept;
  // This field's attribute in the owner's entity.
  [[nodiscard]] const attr_info& attr() const;
  // Records a change of the owner, so that the session writes it.
  void touch() const;
  // In a describing construction: adds `info` (with this field's offset) to the entity.
  [[nodiscard]] static bool describing() noexcept { return construction().describing != nullptr; }
  void describe(attr_info info) const;

 private:
  std::uint32_t m_owner_offset;
};

}  // namespace nextorm::detail
