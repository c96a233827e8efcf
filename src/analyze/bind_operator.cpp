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
  if (u.op == ast::unary_op::not_) {
    ir::expr_ptr operand = bind_condition(*u.operand);
    return std::make_unique<ir::unary>(operand->type, u.span, ir::unary_op::not_,
                                       std::move(operand));
  }
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

namespace {

const ast::call* timedelta_call(const ast::node& n) noexcept {
  const auto* c = n.try_as<ast::call>();
  const auto* f = c != nullptr ? c->func->try_as<ast::name>() : nullptr;
  return f != nullptr && f->id == "timedelta" ? c : nullptr;
}

// The seconds of the call `timedelta(days=1, hours=2)` (keyword or positional days, seconds),
// if its arguments are int literals of the units a database can add.
std::optional<std::int64_t> timedelta_seconds(const ast::call* c) {
  static constexpr std::pair<std::string_view, std::int64_t> units[] = {
      {"days", 86400}, {"seconds", 1},  {"microseconds", 0}, {"milliseconds", 0},
      {"minutes", 60}, {"hours", 3600}, {"weeks", 604800}};
  auto literal = [](const ast::node& v) -> std::optional<std::int64_t> {
    const ast::node* x = &v;
    bool negative = false;
    if (const auto* u = x->try_as<ast::unary>(); u != nullptr && u->op == ast::unary_op::neg) {
      negative = true;
      x = u->operand.get();
    }
    const auto* l = x->try_as<ast::literal>();
    if (l == nullptr || l->value.type() != value_type::integer) return std::nullopt;
    return negative ? -l->value.as_int() : l->value.as_int();
  };
  std::int64_t total = 0;
  if (c->args.size() > 2) return std::nullopt;
  for (std::size_t i = 0; i < c->args.size(); ++i) {
    auto v = literal(*c->args[i]);
    if (!v) return std::nullopt;
    total += *v * units[i].second;
  }
  for (const auto& kw : c->kwargs) {
    auto v = literal(*kw.value);
    const std::pair<std::string_view, std::int64_t>* unit = nullptr;
    for (const auto& u : units) {
      if (u.first == kw.name) unit = &u;
    }
    if (!v || unit == nullptr || unit->second == 0) return std::nullopt;
    total += *v * unit->second;
  }
  return total;
}

}  // namespace

ir::expr_ptr binder::bind_binary(const ast::binary& b) {
  ir::expr_ptr lhs = bind(*b.lhs);
  const ast::call* timedelta = timedelta_call(*b.rhs);
  if (timedelta != nullptr && (b.op == ast::binary_op::add || b.op == ast::binary_op::sub)) {
    const auto seconds = timedelta_seconds(timedelta);
    if (!seconds) {
      fail(error_category::unsupported, "unsupported.timedelta",
           "timedelta() in a query takes int literals: days and seconds, or days=, seconds=, "
           "minutes=, hours=, weeks=",
           b.rhs->span);
    }
    if (!lhs->type.is(value_type::date) && !lhs->type.is(value_type::datetime)) {
      fail(
          error_category::type, "type.mismatch",
          "a timedelta can only be added to a date or datetime, not to " + ir::type_text(lhs->type),
          b.span);
    }
    if (lhs->type.is(value_type::date) && *seconds % 86400 != 0) {
      fail(error_category::unsupported, "unsupported.timedelta",
           "a date can only move by whole days", b.rhs->span);
    }
    std::int64_t delta = b.op == ast::binary_op::add ? *seconds : -*seconds;
    ir::type t = lhs->type;
    auto f =
        std::make_unique<ir::function>(t, b.span, ir::function_kind::add_interval, std::move(lhs));
    f->args.push_back(std::make_unique<ir::constant>(b.rhs->span, value{delta}));
    return f;
  }
  ir::expr_ptr rhs = bind(*b.rhs);
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
