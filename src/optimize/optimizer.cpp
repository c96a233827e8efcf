#include "optimize/optimizer.hpp"

#include <algorithm>

namespace nextorm::optimize {

namespace {

// Folding first makes constant conditions that the boolean rules then remove.
constexpr pass all_passes[] = {
    {"constant_folding", &constant_folding},
    {"boolean_simplification", &boolean_simplification},
    {"count_without_distinct", &count_without_distinct},
};

}  // namespace

std::span<const pass> passes() noexcept { return all_passes; }

void optimize(ir::query& query, std::span<const std::string_view> disabled) {
  for (const pass& p : all_passes) {
    if (std::find(disabled.begin(), disabled.end(), p.name) == disabled.end()) p.run(query);
  }
}

void rewrite_tree(ir::expr_ptr& e, void (*rewrite)(ir::expr_ptr& e)) {
  if (!e) return;
  switch (e->kind) {
    case ir::expr_kind::unary: rewrite_tree(e->as<ir::unary>().operand, rewrite); break;
    case ir::expr_kind::binary:
      rewrite_tree(e->as<ir::binary>().lhs, rewrite);
      rewrite_tree(e->as<ir::binary>().rhs, rewrite);
      break;
    case ir::expr_kind::compare:
      rewrite_tree(e->as<ir::compare>().lhs, rewrite);
      rewrite_tree(e->as<ir::compare>().rhs, rewrite);
      break;
    case ir::expr_kind::is_null: rewrite_tree(e->as<ir::is_null>().operand, rewrite); break;
    case ir::expr_kind::logical:
      for (auto& operand : e->as<ir::logical>().operands) rewrite_tree(operand, rewrite);
      break;
    case ir::expr_kind::in_list:
      rewrite_tree(e->as<ir::in_list>().operand, rewrite);
      for (auto& item : e->as<ir::in_list>().items) rewrite_tree(item, rewrite);
      break;
    case ir::expr_kind::like:
      rewrite_tree(e->as<ir::like>().operand, rewrite);
      rewrite_tree(e->as<ir::like>().needle, rewrite);
      break;
    case ir::expr_kind::function:
      for (auto& arg : e->as<ir::function>().args) rewrite_tree(arg, rewrite);
      break;
    case ir::expr_kind::conditional:
      rewrite_tree(e->as<ir::conditional>().cond, rewrite);
      rewrite_tree(e->as<ir::conditional>().then, rewrite);
      rewrite_tree(e->as<ir::conditional>().otherwise, rewrite);
      break;
    case ir::expr_kind::subquery: {
      auto& q = e->as<ir::subquery>();
      for (auto& condition : q.filter) rewrite_tree(condition, rewrite);
      rewrite_tree(q.item, rewrite);
      rewrite_tree(q.operand, rewrite);
      break;
    }
    case ir::expr_kind::aggregate: rewrite_tree(e->as<ir::aggregate>().arg, rewrite); break;
    default: break;  // leaves
  }
  rewrite(e);
}

void rewrite_all(ir::query& query, void (*rewrite)(ir::expr_ptr& e)) {
  for (auto& condition : query.filter) rewrite_tree(condition, rewrite);
  for (auto& condition : query.having) rewrite_tree(condition, rewrite);
  for (auto& item : query.result.items) rewrite_tree(item.expr, rewrite);
  for (auto& key : query.group_by) rewrite_tree(key, rewrite);
  for (auto& item : query.order) rewrite_tree(item.expr, rewrite);
  for (auto& a : query.assignments) rewrite_tree(a.value, rewrite);
}

}  // namespace nextorm::optimize
