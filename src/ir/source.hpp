// A row source of a query: a loop variable's entity, an entity reached by an implicit join, or
// the join table of a many-to-many collection. Nested queries (subqueries) keep their sources
// in the same list, tagged with their scope, so that an alias is unique in the whole statement
// and a correlated reference is just a column of a source of an outer scope.
#pragma once

#include <nextorm/registry.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace nextorm::ir {

struct derived_table;

// How a joined source hangs on its parent; the join condition is written in the source's scope.
enum class join_kind : std::uint8_t {
  none,     // a loop variable over an entity
  to_one,   // parent.via (a foreign key) = this.pk
  reverse,  // this.(via's reverse Single) = parent.pk: a one-to-many Set or the keyless one-to-one
  link,     // the join table of the many-to-many `via`: parent's key = this.(via.m2m_own_columns)
  through,  // the target behind a link: parent.(via.m2m_other_columns) = this's key
};

struct source {
  const entity_info* entity = nullptr;  // null for a join table
  std::string alias;  // unique in the statement: the loop variable, or the target's name
  std::optional<std::size_t> parent;
  const attr_info* via = nullptr;
  join_kind join = join_kind::none;
  std::size_t scope = 0;  // 0: the main query; n > 0: the n-th nested query
  bool loop_var = true;   // a loop variable (also one over a collection: `for c in s.courses`)
  // LEFT JOIN rather than an inner (comma) join: a collection aggregated in the result, as in
  // PonyORM's `(s.group, count(s.courses))`; the join condition goes to ON.
  bool left = false;
  // A grouped query passed as a loop source (`for a, b in q`): its rows as a derived table,
  // `FROM (SELECT ...) "t-1"`, whose columns are named after the loop's targets.
  std::shared_ptr<const derived_table> derived = nullptr;

  [[nodiscard]] bool is_join() const noexcept { return parent.has_value(); }
  [[nodiscard]] std::string_view table() const noexcept {
    return entity != nullptr ? std::string_view{entity->table} : std::string_view{via->m2m_table};
  }
};

}  // namespace nextorm::ir
