// IR rewrites: one rule per file, run in the order of one named list.
#pragma once

#include "ir/query.hpp"

#include <span>
#include <string_view>
#include <vector>

namespace nextorm::optimize {

struct pass {
  std::string_view name;
  void (*run)(ir::query& query);
};

// The passes in the order they run.
[[nodiscard]] std::span<const pass> passes() noexcept;

// Runs every pass except those named in `disabled` (for tests that compare plans).
void optimize(ir::query& query, std::span<const std::string_view> disabled = {});

// The rules, each in its own file.
void constant_folding(ir::query& query);
void boolean_simplification(ir::query& query);
void count_without_distinct(ir::query& query);

// Applies `rewrite` bottom-up to every expression of the query (filter, result, grouping,
// order): children first, then the node itself, which `rewrite` may replace.
void rewrite_all(ir::query& query, void (*rewrite)(ir::expr_ptr& e));
void rewrite_tree(ir::expr_ptr& e, void (*rewrite)(ir::expr_ptr& e));

}  // namespace nextorm::optimize
