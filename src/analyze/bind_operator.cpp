// Unary and binary operators, `and`/`or`.
#include "analyze/binder.hpp"
#include "analyze/type_rules.hpp"
#include "common/unreachable.hpp"

namespace nextorm::analyze {

namespace {

ir::binary_op to_ir(ast::binary_op op) noexcept {
  switch (op) {
    case ast::binary_op::add: return ir::binary_op::add;
    case ast::binary_op::sub: return ir::binary_op::sub;
    case ast::binary_op::mul: return ir::binary_op::mul;
    case ast::binary_op::div: return ir::binary_op::div;
    case ast::binary_op::floordiv: return ir::binary_op::floordiv;
    case ast::binary_op::mod: return ir::binary_op::mod;
    case ast::binary_op::pow: return ir::binary_op::pow;
  }
  detail::unreachable("to_ir(binary_op)");
}

}  // namespace

ir::expr_ptr binder::bind_unary(const ast::unary& u) {
  if (u.op == ast::unary_op::not_) return bind_condition(u);  // (the same as a value)
  ir::expr_ptr operand = bind(*u.operand);
  if (operand->type.collection) fail_collection(*operand, u.operand->span);
  if (!operand->type.is_number()) {
    fail(error_category::type, "type.mismatch",
         "operator " + std::string{ast::op_text(u.op)} + " needs a number, got " +
             ir::type_text(operand->type),
         u.span);
  }
  if (u.op == ast::unary_op::pos) return operand;
  ir::type t = operand->type;
  return std::make_unique<ir::unary>(t, u.span, ir::unary_op::neg, std::move(operand));
}

ir::expr_ptr binder::bind_binary(const ast::binary& b) {
  ir::expr_ptr lhs = bind(*b.lhs);
  ir::expr_ptr rhs = bind(*b.rhs);
  if (ir::expr_ptr moved = bind_date_arithmetic(b, lhs, rhs)) return moved;
  if (lhs->type.collection) fail_collection(*lhs, b.lhs->span);
  if (rhs->type.collection) fail_collection(*rhs, b.rhs->span);
  ir::binary_op op = to_ir(b.op);
  if (op == ir::binary_op::add && lhs->type.is_text() && rhs->type.is_text()) {
    return std::make_unique<ir::binary>(lhs->type, b.span, ir::binary_op::concat, std::move(lhs),
                                        std::move(rhs));
  }
  std::optional<ir::type> t = arithmetic_result(op, lhs->type, rhs->type);
  if (!t) {
    fail(error_category::type, "type.mismatch",
         "operator " + std::string{op_text(op)} + " needs numbers, got " +
             ir::type_text(lhs->type) + " and " + ir::type_text(rhs->type),
         b.span);
  }
  return std::make_unique<ir::binary>(*t, b.span, op, std::move(lhs), std::move(rhs));
}

ir::expr_ptr binder::bind_bool_op(const ast::bool_op& b) {
  auto e = std::make_unique<ir::logical>(
      b.span, b.op == ast::bool_kind::and_ ? ir::logical_op::and_ : ir::logical_op::or_);
  e->operands.reserve(b.operands.size());
  for (const auto& operand : b.operands) e->operands.push_back(bind_condition(*operand));
  return e;
}

}  // namespace nextorm::analyze
