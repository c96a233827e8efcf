#include "analyze/type_rules.hpp"

#include "common/unreachable.hpp"

namespace nextorm::analyze {

namespace {

bool int_like(const ir::type& t) noexcept {
  return t.is(value_type::integer) || t.is(value_type::boolean);
}

}  // namespace

bool comparable(const ir::type& a, const ir::type& b) noexcept {
  if (a.collection || b.collection) return false;
  // Objects of one hierarchy compare by key (PonyORM: an Employee with a Person).
  if (a.is_entity() || b.is_entity()) {
    return a.is_entity() && b.is_entity() && a.entity->root == b.entity->root;
  }
  if (a.scalar == b.scalar) return true;
  if (a.is_number() && b.is_number()) return true;
  return (int_like(a) && b.is_number()) || (a.is_number() && int_like(b));
}

std::optional<ir::type> arithmetic_result(ir::binary_op op, const ir::type& a,
                                          const ir::type& b) noexcept {
  if (!a.is_number() || !b.is_number()) return std::nullopt;
  if (op == ir::binary_op::pow) return ir::scalar_type(value_type::real);
  if (a.scalar == b.scalar) return a;
  // Mixed: float wins over decimal over int.
  if (a.is(value_type::real) || b.is(value_type::real)) return ir::scalar_type(value_type::real);
  return ir::scalar_type(value_type::decimal);
}

std::string_view op_text(ir::binary_op op) noexcept {
  switch (op) {
    case ir::binary_op::add: return "+";
    case ir::binary_op::sub: return "-";
    case ir::binary_op::mul: return "*";
    case ir::binary_op::div: return "/";
    case ir::binary_op::floordiv: return "//";
    case ir::binary_op::mod: return "%";
    case ir::binary_op::pow: return "**";
    case ir::binary_op::concat: return "+";
  }
  detail::unreachable("op_text(binary_op)");
}

std::string_view op_text(ir::compare_op op) noexcept {
  switch (op) {
    case ir::compare_op::eq: return "==";
    case ir::compare_op::ne: return "!=";
    case ir::compare_op::lt: return "<";
    case ir::compare_op::le: return "<=";
    case ir::compare_op::gt: return ">";
    case ir::compare_op::ge: return ">=";
  }
  detail::unreachable("op_text(compare_op)");
}

}  // namespace nextorm::analyze
