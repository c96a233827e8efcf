// Boolean simplification: nested AND/OR are flattened, True/False operands absorbed, and `not`
// pushed down to the comparisons (De Morgan; `not a < b` is `a >= b`, which also holds for
// NULLs in SQL's three-valued logic), as PonyORM writes them. The filter's conjuncts become
// separate conditions; a False one makes the whole filter False.
#include "optimize/optimizer.hpp"

#include "common/unreachable.hpp"

namespace nextorm::optimize {

namespace {

// True or False for a constant, nothing for any other expression. Only conditions (and the
// operands of `not`, `and` and `or`) come here, and the binder makes each of them a bool.
std::optional<bool> bool_constant(const ir::expr& e) {
  const auto* c = e.try_as<ir::constant>();
  if (c == nullptr) return std::nullopt;
  return c->value.as_bool();
}

ir::expr_ptr make_bool(source_span span, bool v) {
  return std::make_unique<ir::constant>(span, value{v});
}

void simplify(ir::expr_ptr& e);

// `not e`, pushed as far down as it goes.
void negate(ir::expr_ptr& e) {
  switch (e->kind) {
    case ir::expr_kind::constant:
      e = make_bool(e->span, !e->as<ir::constant>().value.as_bool());
      return;
    case ir::expr_kind::compare: {
      auto& c = e->as<ir::compare>();
      c.op = ir::negate(c.op);
      return;
    }
    case ir::expr_kind::is_null: e->as<ir::is_null>().negated ^= true; return;
    case ir::expr_kind::in_list: e->as<ir::in_list>().negated ^= true; return;
    case ir::expr_kind::like: e->as<ir::like>().negated ^= true; return;
    case ir::expr_kind::subquery: {
      auto& q = e->as<ir::subquery>();
      using m = ir::subquery_mode;
      if (q.mode == m::exists || q.mode == m::not_exists) {
        q.mode = q.mode == m::exists ? m::not_exists : m::exists;
        return;
      }
      if (q.mode == m::in || q.mode == m::not_in) {
        q.mode = q.mode == m::in ? m::not_in : m::in;
        return;
      }
      break;
    }
    case ir::expr_kind::unary: {
      // A bool unary is `not`: `-` is of numbers only.
      auto& u = e->as<ir::unary>();
      if (u.op != ir::unary_op::not_) detail::unreachable("negate");
      ir::expr_ptr inner = std::move(u.operand);
      e = std::move(inner);
      return;
    }
    case ir::expr_kind::logical: {
      auto& l = e->as<ir::logical>();
      l.op = l.op == ir::logical_op::and_ ? ir::logical_op::or_ : ir::logical_op::and_;
      for (auto& operand : l.operands) negate(operand);
      simplify(e);
      return;
    }
    default: break;
  }
  ir::type t = e->type;
  source_span span = e->span;
  e = std::make_unique<ir::unary>(t, span, ir::unary_op::not_, std::move(e));
}

void simplify_logical(ir::expr_ptr& e) {
  auto& l = e->as<ir::logical>();
  bool is_and = l.op == ir::logical_op::and_;
  std::vector<ir::expr_ptr> kept;
  kept.reserve(l.operands.size());
  for (auto& operand : l.operands) {
    if (auto b = bool_constant(*operand)) {
      if (*b != is_and) {  // False in AND, True in OR decides
        e = make_bool(e->span, *b);
        return;
      }
      continue;  // True in AND, False in OR adds nothing
    }
    auto* inner = operand->kind == ir::expr_kind::logical ? &operand->as<ir::logical>() : nullptr;
    if (inner != nullptr && inner->op == l.op) {
      for (auto& x : inner->operands) kept.push_back(std::move(x));
    } else {
      kept.push_back(std::move(operand));
    }
  }
  if (kept.empty()) {
    e = make_bool(e->span, is_and);
  } else if (kept.size() == 1) {
    ir::expr_ptr only = std::move(kept.front());
    e = std::move(only);
  } else {
    l.operands = std::move(kept);
  }
}

void simplify(ir::expr_ptr& e) {
  if (e->kind == ir::expr_kind::logical) return simplify_logical(e);
  if (e->kind == ir::expr_kind::unary && e->as<ir::unary>().op == ir::unary_op::not_) {
    ir::expr_ptr operand = std::move(e->as<ir::unary>().operand);
    negate(operand);
    e = std::move(operand);
  }
}

}  // namespace

void boolean_simplification(ir::query& query) {
  rewrite_all(query, &simplify);
  std::vector<ir::expr_ptr> conditions;
  for (auto& condition : query.filter) {
    if (auto b = bool_constant(*condition)) {
      if (*b) continue;
      conditions.clear();
      conditions.push_back(std::move(condition));
      break;
    }
    auto* l = condition->kind == ir::expr_kind::logical ? &condition->as<ir::logical>() : nullptr;
    if (l != nullptr && l->op == ir::logical_op::and_) {
      for (auto& x : l->operands) conditions.push_back(std::move(x));
    } else {
      conditions.push_back(std::move(condition));
    }
  }
  query.filter = std::move(conditions);
}

}  // namespace nextorm::optimize
