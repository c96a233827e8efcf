#include "materialize/identity_map.hpp"

namespace nextorm::materialize {

entity_base* identity_map::find(const entity_info& entity, const value& key) const {
  auto found = m_by_key.find(map_key{&entity, key});
  return found == m_by_key.end() ? nullptr : found->second;
}

entity_base& identity_map::adopt(std::unique_ptr<entity_base> object) {
  return *m_owned.emplace_back(std::move(object));
}

void identity_map::file(const entity_info& entity, const value& key, entity_base& object) {
  m_by_key.insert_or_assign(map_key{&entity, key}, &object);
}

void identity_map::forget(const entity_info& entity, const value& key) {
  m_by_key.erase(map_key{&entity, key});
}

void identity_map::clear() noexcept {
  m_by_key.clear();
  m_owned.clear();
}

}  // namespace nextorm::materialize
