// PonyORM's timedelta in a query: timedelta(...) of int literals is a constant, and dates and
// datetimes move by intervals and subtract into them (Python's date and datetime arithmetic).
#include "analyze/binder.hpp"
#include "common/suggest.hpp"

#include <array>

namespace nextorm::analyze {

namespace {

// Python's parameters of timedelta(), in their positional order, and their microseconds.
struct unit {
  std::string_view name;
  std::int64_t micros;
};
constexpr std::array<unit, 7> units{{{"days", 86'400'000'000},
                                     {"seconds", 1'000'000},
                                     {"microseconds", 1},
                                     {"milliseconds", 1'000},
                                     {"minutes", 60'000'000},
                                     {"hours", 3'600'000'000},
                                     {"weeks", 604'800'000'000}}};

// An int literal with an optional sign (5, -5, +5): its value and whether it is negated.
struct signed_literal {
  std::int64_t magnitude;
  bool negative;
};
std::optional<signed_literal> signed_int_literal(const ast::node& n) {
  const ast::node* x = &n;
  bool negative = false;
  if (const auto* u = x->try_as<ast::unary>();
      u != nullptr && (u->op == ast::unary_op::neg || u->op == ast::unary_op::pos)) {
    negative = u->op == ast::unary_op::neg;
    x = u->operand.get();
  }
  const auto* l = x->try_as<ast::literal>();
  if (l == nullptr || l->value.type() != value_type::integer) return std::nullopt;
  return signed_literal{l->value.as_int(), negative};
}

bool is_temporal(const ir::type& t) noexcept {
  return t.is(value_type::date) || t.is(value_type::datetime);
}

}  // namespace

ir::expr_ptr binder::bind_timedelta(const ast::call& c) {
  if (c.args.size() > units.size()) {
    fail(error_category::type, "type.arguments",
         "timedelta() takes at most 7 arguments (days, seconds, microseconds, milliseconds, "
         "minutes, hours, weeks), got " +
             std::to_string(c.args.size()),
         c.span);
  }
  std::array<bool, units.size()> given{};
  std::int64_t total = 0;
  auto add = [&](std::size_t i, const ast::node& arg) {
    if (given[i]) {
      fail(error_category::type, "type.arguments",
           "timedelta() got multiple values for argument '" + std::string{units[i].name} + "'",
           arg.span);
    }
    given[i] = true;
    const std::optional<signed_literal> n = signed_int_literal(arg);
    if (!n) {
      fail(error_category::unsupported, "unsupported.timedelta",
           "timedelta() in a query takes int literals (days, seconds, microseconds, "
           "milliseconds, minutes, hours, weeks); pass any other interval as a parameter "
           "(std::chrono::microseconds)",
           arg.span);
    }
    std::int64_t micros = 0;
    // A negated literal multiplies by the negated unit: -(-2^63) is never computed.
    if (__builtin_mul_overflow(n->magnitude, n->negative ? -units[i].micros : units[i].micros,
                               &micros) ||
        __builtin_add_overflow(total, micros, &total)) {
      fail(error_category::type, "type.constructor",
           "timedelta() cannot build this value: it is beyond the ±292,000 years a timedelta holds "
           "(a 64-bit count of microseconds)",
           c.span);
    }
  };
  for (std::size_t i = 0; i < c.args.size(); ++i) add(i, *c.args[i]);
  for (const auto& kw : c.kwargs) {
    std::size_t i = 0;
    while (i < units.size() && units[i].name != kw.name) ++i;
    if (i == units.size()) {
      std::vector<std::string> names;
      for (const unit& u : units) names.emplace_back(u.name);
      fail(error_category::type, "type.arguments",
           "timedelta() got an unexpected keyword argument '" + kw.name + "'" +
               did_you_mean(kw.name, names),
           kw.name_span);
    }
    add(i, *kw.value);
  }
  return std::make_unique<ir::constant>(c.span, value::interval(total));
}

ir::expr_ptr binder::bind_date_arithmetic(const ast::binary& b, ir::expr_ptr& lhs,
                                          ir::expr_ptr& rhs) {
  const bool add = b.op == ast::binary_op::add;
  if (!add && b.op != ast::binary_op::sub) return nullptr;
  auto make = [&](ir::type t, ir::function_kind fn, ir::expr_ptr x, ir::expr_ptr y) {
    auto f = std::make_unique<ir::function>(t, b.span, fn, std::move(x));
    f->args.push_back(std::move(y));
    return f;
  };
  const bool interval_rhs = rhs->type.is(value_type::interval);
  if (is_temporal(lhs->type) && interval_rhs) {
    const ir::type t = lhs->type;
    return make(t, add ? ir::function_kind::add_interval : ir::function_kind::subtract_interval,
                std::move(lhs), std::move(rhs));
  }
  if (add && lhs->type.is(value_type::interval) && is_temporal(rhs->type)) {
    const ir::type t = rhs->type;
    return make(t, ir::function_kind::add_interval, std::move(rhs), std::move(lhs));
  }
  if (!add && is_temporal(lhs->type) && rhs->type == lhs->type) {
    return make(ir::scalar_type(value_type::interval), ir::function_kind::interval_between,
                std::move(lhs), std::move(rhs));
  }
  return nullptr;
}

}  // namespace nextorm::analyze
