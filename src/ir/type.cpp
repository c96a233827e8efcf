#include "ir/type.hpp"

namespace nextorm::ir {

type entity_type(const entity_info& entity) noexcept {
  return type{entity.pk().type, &entity, false};
}

std::string type_text(const type& t) {
  if (t.collection) return "Set of " + type_text(element_type(t));
  if (t.entity != nullptr) return t.entity->name;
  return std::string{type_name(t.scalar)};
}

}  // namespace nextorm::ir
