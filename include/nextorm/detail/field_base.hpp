// What all fields share: finding the object they belong to, and describing themselves.
#pragma once

#include <nextorm/entity_base.hpp>
#include <nextorm/registry.hpp>

#include <cstdint>

namespace nextorm::detail {

struct object_access;

class field_base {
 public:
  field_base(const field_base&) = delete;
  field_base& operator=(const field_base&) = delete;

 protected:
  // Not attached to an owner yet: describe() or the session that made the object attaches it.
  field_base() noexcept = default;
  ~field_base() = default;

  [[nodiscard]] entity_base& owner() const noexcept {
    return *reinterpret_cast<entity_base*>(const_cast<char*>(reinterpret_cast<const char*>(this)) -
                                           m_owner_offset);
  }
  // This field's attribute in the owner's entity.
  [[nodiscard]] const attr_info& attr() const;
  // Whether a session (or a description) has told the field where its owner is.
  [[nodiscard]] bool attached() const noexcept { return m_owner_offset != 0; }
  // Where this member is in its owner (0: not attached).
  [[nodiscard]] std::uint32_t owner_offset() const noexcept { return m_owner_offset; }
  // attr() of an attached field, without the test.
  [[nodiscard]] const attr_info& attr_unchecked() const noexcept {
    return owner().m_info->attrs[m_attr_index];
  }
  // Records that the program read this field (once attached): the session checks, when it
  // writes the object, that the column still holds what was read.
  void note_read() const noexcept {
    if (m_owner_offset == 0) return;
    std::atomic<std::uint64_t>& read = owner().m_read;
    const std::uint64_t bit = attr_bit(m_attr_index);
    const std::uint64_t seen = read.load(std::memory_order_relaxed);
    if ((seen & bit) == 0) read.store(seen | bit, std::memory_order_relaxed);
  }
  // Records a change of the owner, so that the session writes it.
  void touch() const {
    // An object created in a session that goes on is written whole on flush: nothing to record.
    if (m_owner_offset != 0) {
      const entity_base& o = owner();
      if (o.m_state == object_state::created && o.m_home != nullptr &&
          o.m_home->session != nullptr) {
        return;
      }
    }
    record_change();
  }
  // In a describing construction: adds `info` (with this field's offset) to the entity.
  [[nodiscard]] static bool describing() noexcept {
    return describers.load(std::memory_order_relaxed) != 0 && construction().describing != nullptr;
  }
  void describe(attr_info info);
  // The same for a Computed or Method member (computed.hpp).
  void describe_computed(computed_info info);
  // A lazy attribute that its object was read without: reads its column now, through the
  // object's session (session.over once it has ended), and clears m_unloaded.
  void load_lazy() const;

 private:
  friend struct object_access;
  void record_change() const;
  std::uint32_t m_owner_offset = 0;  // from the owner's entity_base to this field; 0: none
  // This field's position in its entity's attrs (valid once attached): attr() without a search.
  std::uint16_t m_attr_index = 0;

 protected:
  // Free for the field kinds to use (scalar fields: whether there is a value). It, the index and
  // m_unloaded sit in what would otherwise be padding before the next 8-byte member.
  mutable bool m_engaged = false;
  // A lazy attribute not read yet (m_engaged is false meanwhile): the first read loads it.
  mutable bool m_unloaded = false;
};

}  // namespace nextorm::detail
