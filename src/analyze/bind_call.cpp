// Calls: string methods (startswith, endswith, upper, lower) and built-in functions (len, abs,
// and the aggregates count, sum, avg, min, max).
#include "analyze/binder.hpp"

#include "common/suggest.hpp"

namespace nextorm::analyze {

namespace {

const std::vector<std::string>& string_methods() {
  static const std::vector<std::string> names{"startswith", "endswith", "upper", "lower"};
  return names;
}

const std::vector<std::string>& builtin_functions() {
  static const std::vector<std::string> names{"count", "sum", "avg", "min", "max",
                                              "len",   "abs", "desc", "exists"};
  return names;
}

}  // namespace

ir::expr_ptr binder::bind_call(const ast::call& c) {
  if (const auto* method = c.func->try_as<ast::attribute>()) return bind_method(c, *method);
  const auto* func = c.func->try_as<ast::name>();
  if (func == nullptr) fail_unsupported(*c.func, "calling this expression");
  if (lookup(func->id) != nullptr || m_args.contains(func->id)) {
    fail(error_category::type, "type.not_callable", "'" + func->id + "' is not a function",
         func->span);
  }
  return bind_builtin(c, *func);
}

ir::expr_ptr binder::bind_method(const ast::call& c, const ast::attribute& method) {
  ir::expr_ptr object = bind(*method.object);
  const std::string& name = method.attr;
  if (!object->type.is_text()) {
    std::string owner = object->type.is_entity() ? "entity " + ir::type_text(object->type)
                                                 : ir::type_text(object->type);
    fail(error_category::unknown_name, "unknown_name.method",
         owner + " has no method '" + name + "'", method.attr_span);
  }
  bool is_like = name == "startswith" || name == "endswith";
  if (!is_like && name != "upper" && name != "lower") {
    fail(error_category::unknown_name, "unknown_name.method",
         "str has no method '" + name + "'" + did_you_mean(name, string_methods()),
         method.attr_span);
  }
  std::size_t wanted = is_like ? 1 : 0;
  if (c.args.size() != wanted || !c.kwargs.empty()) {
    fail(error_category::type, "type.arguments",
         name + "() takes " + (is_like ? "1 argument" : "no arguments") + ", got " +
             std::to_string(c.args.size() + c.kwargs.size()),
         c.span);
  }
  if (!is_like) {
    auto fn = name == "upper" ? ir::function_kind::upper : ir::function_kind::lower;
    return std::make_unique<ir::function>(object->type, c.span, fn, std::move(object));
  }
  ir::expr_ptr needle = bind(*c.args.front());
  if (!needle->type.is_text()) {
    fail(error_category::type, "type.mismatch",
         name + "() needs a str argument, got " + ir::type_text(needle->type),
         c.args.front()->span);
  }
  auto mode = name == "startswith" ? ir::like_mode::prefix : ir::like_mode::suffix;
  return std::make_unique<ir::like>(c.span, mode, std::move(object), std::move(needle), false);
}

ir::expr_ptr binder::bind_builtin(const ast::call& c, const ast::name& func) {
  const std::string& name = func.id;
  if (name == "count" || name == "sum" || name == "avg" || name == "min" || name == "max") {
    return bind_aggregate(c, func);
  }
  if (name == "desc") {
    fail(error_category::unsupported, "unsupported.desc",
         "desc() can only be used in order_by", c.span);
  }
  if (name == "exists") fail_unsupported(c, "exists() (a subquery)");
  if (name != "len" && name != "abs") {
    fail(error_category::unknown_name, "unknown_name.function",
         "unknown function '" + name + "'" + did_you_mean(name, builtin_functions()), func.span);
  }
  if (c.args.size() != 1 || !c.kwargs.empty()) {
    fail(error_category::type, "type.arguments",
         name + "() takes 1 argument, got " + std::to_string(c.args.size() + c.kwargs.size()),
         c.span);
  }
  ir::expr_ptr arg = bind(*c.args.front());
  if (name == "len") {
    if (!arg->type.is_text()) {
      fail(error_category::type, "type.mismatch",
           "len() needs a str, got " + ir::type_text(arg->type), c.args.front()->span);
    }
    return std::make_unique<ir::function>(ir::scalar_type(value_type::integer), c.span,
                                          ir::function_kind::length, std::move(arg));
  }
  if (!arg->type.is_number()) {
    fail(error_category::type, "type.mismatch",
         "abs() needs a number, got " + ir::type_text(arg->type), c.args.front()->span);
  }
  ir::type t = arg->type;
  return std::make_unique<ir::function>(t, c.span, ir::function_kind::abs, std::move(arg));
}

ir::expr_ptr binder::bind_aggregate(const ast::call& c, const ast::name& func) {
  const std::string& name = func.id;
  bool distinct = false;
  for (const auto& kw : c.kwargs) {
    const auto* flag = kw.value->try_as<ast::literal>();
    if (kw.name != "distinct" || flag == nullptr || flag->value.type() != value_type::boolean) {
      fail(error_category::type, "type.arguments",
           name + "() takes only the keyword argument distinct=True or distinct=False",
           kw.name_span);
    }
    distinct = flag->value.as_bool();
  }
  bool is_count = name == "count";
  if (c.args.size() > 1 || (c.args.empty() && !is_count)) {
    fail(error_category::type, "type.arguments",
         name + "() takes 1 argument, got " + std::to_string(c.args.size()), c.span);
  }
  if (c.args.empty()) {
    return std::make_unique<ir::aggregate>(ir::scalar_type(value_type::integer), c.span,
                                           ir::aggregate_kind::count, nullptr, false);
  }
  ir::expr_ptr arg = bind(*c.args.front());
  if (ir::has_aggregate(*arg)) {
    fail(error_category::type, "type.nested_aggregate",
         "an aggregate cannot contain another aggregate", c.args.front()->span);
  }
  if (is_count) {
    // PonyORM counts distinct values (and distinct objects) unless told otherwise.
    bool count_distinct = c.kwargs.empty() ? true : distinct;
    return std::make_unique<ir::aggregate>(ir::scalar_type(value_type::integer), c.span,
                                           ir::aggregate_kind::count, std::move(arg),
                                           count_distinct);
  }
  if (arg->type.is_entity() || arg->type.is_none() ||
      ((name == "sum" || name == "avg") && !arg->type.is_number())) {
    fail(error_category::type, "type.mismatch",
         name + "() needs " + (name == "sum" || name == "avg" ? "numbers" : "comparable values") +
             ", got " + ir::type_text(arg->type),
         c.args.front()->span);
  }
  ir::type t = arg->type;
  ir::aggregate_kind kind = ir::aggregate_kind::max;
  if (name == "sum") {
    kind = ir::aggregate_kind::sum;
  } else if (name == "avg") {
    kind = ir::aggregate_kind::avg;
    if (!t.is(value_type::decimal)) t = ir::scalar_type(value_type::real);
  } else if (name == "min") {
    kind = ir::aggregate_kind::min;
  }
  return std::make_unique<ir::aggregate>(t, c.span, kind, std::move(arg), distinct);
}

}  // namespace nextorm::analyze
