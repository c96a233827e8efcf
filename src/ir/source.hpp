// A row source of a query: a loop variable's entity, or an entity reached by an implicit join.
#pragma once

#include <nextorm/registry.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace nextorm::ir {

struct source {
  const entity_info* entity = nullptr;
  std::string alias;  // unique in the statement: the loop variable, or the target's name
  // An implicit (inner) join `p.category`: the source holding the foreign key and the Single
  // attribute; the join condition is parent.via = this.pk.
  std::optional<std::size_t> parent;
  const attr_info* via = nullptr;

  [[nodiscard]] bool is_join() const noexcept { return parent.has_value(); }
};

}  // namespace nextorm::ir
