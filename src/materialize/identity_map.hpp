// One object per row per session: objects by entity and primary-key value. The map owns them.
#pragma once

#include <nextorm/entity_base.hpp>
#include <nextorm/registry.hpp>
#include <nextorm/value.hpp>

#include <memory>
#include <unordered_map>
#include <vector>

namespace nextorm::materialize {

class identity_map {
 public:
  [[nodiscard]] entity_base* find(const entity_info& entity, const value& key) const;
  // Takes ownership of an object that has no key yet (created in the session).
  entity_base& adopt(std::unique_ptr<entity_base> object);
  // Files an owned object under its key (after loading, or after its insert made the key).
  void file(const entity_info& entity, const value& key, entity_base& object);
  void forget(const entity_info& entity, const value& key);
  void clear() noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return m_owned.size(); }

 private:
  struct map_key {
    const entity_info* entity;
    value key;
    friend bool operator==(const map_key&, const map_key&) = default;
  };
  struct map_key_hash {
    std::size_t operator()(const map_key& k) const noexcept {
      return k.key.hash() ^ (reinterpret_cast<std::uintptr_t>(k.entity) >> 4);
    }
  };
  std::unordered_map<map_key, entity_base*, map_key_hash> m_by_key;
  std::vector<std::unique_ptr<entity_base>> m_owned;
};

}  // namespace nextorm::materialize
