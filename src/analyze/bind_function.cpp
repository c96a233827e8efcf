// Scalar functions: string methods, indexing and slicing, date and time parts, the conditional
// expression, casts and the built-ins coalesce, concat, between, random, getattr, and the
// constructors date(), datetime(), time() of constants.
#include "analyze/binder.hpp"
#include "analyze/type_rules.hpp"

#include "common/suggest.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

namespace nextorm::analyze {

namespace {

constexpr std::string_view string_methods[] = {"startswith", "endswith", "upper",  "lower",
                                               "strip",      "lstrip",   "rstrip", "replace"};

using ir::max_string_bound;

std::optional<std::int64_t> int_literal(const ast::node* n) {
  if (n == nullptr) return std::nullopt;
  bool negative = false;
  if (const auto* u = n->try_as<ast::unary>(); u != nullptr && u->op == ast::unary_op::neg) {
    negative = true;
    n = u->operand.get();
  }
  const auto* l = n->try_as<ast::literal>();
  if (l == nullptr || l->value.type() != value_type::integer) return std::nullopt;
  // A constant index or slice bound beyond the longest string any provider stores means the same
  // as that length: clamping keeps start + 1, stop - start and a PostgreSQL INTEGER in range at
  // the int64 limits, where Python's answer (an empty string, or all of it) holds too.
  std::int64_t v = l->value.as_int();
  if (negative) v = v == std::numeric_limits<std::int64_t>::min() ? max_string_bound : -v;
  return std::clamp(v, -max_string_bound, max_string_bound);
}

ir::expr_ptr int_constant(source_span span, std::int64_t v) {
  return std::make_unique<ir::constant>(span, value{v});
}

}  // namespace

ir::expr_ptr binder::bind_string_method(const ast::call& c, const ast::attribute& method,
                                        ir::expr_ptr object) {
  const std::string& name = method.attr;
  ir::type text = ir::scalar_type(value_type::text);
  auto unary_fn = [&](ir::function_kind fn) {
    check_args(c, 0, 0);
    return std::make_unique<ir::function>(text, c.span, fn, std::move(object));
  };
  if (name == "upper") return unary_fn(ir::function_kind::upper);
  if (name == "lower") return unary_fn(ir::function_kind::lower);
  auto text_arg = [&](std::size_t i) {
    ir::expr_ptr arg = bind(*c.args[i]);
    if (!arg->type.is_text()) {
      fail(error_category::type, "type.mismatch",
           name + "() needs a str argument, got " + ir::type_text(arg->type), c.args[i]->span);
    }
    return arg;
  };
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    // Python's s.strip(chars): the characters to remove, any of them; None is whitespace.
    check_args(c, 0, 1);
    const ir::function_kind fn = name == "strip"    ? ir::function_kind::trim
                                 : name == "lstrip" ? ir::function_kind::ltrim
                                                    : ir::function_kind::rtrim;
    auto f = std::make_unique<ir::function>(text, c.span, fn, std::move(object));
    if (c.args.empty()) return f;
    ir::expr_ptr chars = bind(*c.args[0]);
    if (const auto* k = chars->try_as<ir::constant>(); k != nullptr && k->value.is_null()) {
      return f;
    }
    if (!chars->type.is_text()) {
      fail(error_category::type, "type.mismatch",
           name + "() needs a str argument, got " + ir::type_text(chars->type), c.args[0]->span);
    }
    f->args.push_back(std::move(chars));
    return f;
  }
  if (name == "replace") {
    check_args(c, 2, 2);
    auto f =
        std::make_unique<ir::function>(text, c.span, ir::function_kind::replace, std::move(object));
    f->args.push_back(text_arg(0));
    f->args.push_back(text_arg(1));
    return f;
  }
  if (name == "startswith" || name == "endswith") {
    check_args(c, 1, 1);
    ir::expr_ptr needle = text_arg(0);
    auto mode = name == "startswith" ? ir::like_mode::prefix : ir::like_mode::suffix;
    return std::make_unique<ir::like>(c.span, mode, std::move(object), std::move(needle), false);
  }
  fail(error_category::unknown_name, "unknown_name.method",
       "str has no method '" + name + "'" + did_you_mean(name, string_methods), method.attr_span);
}

ir::expr_ptr binder::bind_date_part(ir::expr_ptr object, const ast::attribute& a) {
  // A date has the first three parts, a time the last three, a datetime all six.
  static constexpr std::string_view all_parts[] = {"year", "month",  "day",
                                                   "hour", "minute", "second"};
  const ir::type t = object->type;
  const std::span<const std::string_view> allowed =
      t.is(value_type::date)   ? std::span{all_parts}.first(3)
      : t.is(value_type::time) ? std::span{all_parts}.last(3)
                               : std::span{all_parts};
  static constexpr ir::function_kind kinds[] = {
      ir::function_kind::year, ir::function_kind::month,  ir::function_kind::day,
      ir::function_kind::hour, ir::function_kind::minute, ir::function_kind::second};
  for (std::size_t i = 0; i < std::size(all_parts); ++i) {
    if (all_parts[i] != a.attr) continue;
    for (const std::string_view p : allowed) {
      if (p == a.attr) {
        return std::make_unique<ir::function>(ir::scalar_type(value_type::integer), a.span,
                                              kinds[i], std::move(object));
      }
    }
  }
  fail(error_category::unknown_name, "unknown_name.attribute",
       ir::type_text(t) + " has no attribute '" + a.attr + "'" + did_you_mean(a.attr, allowed),
       a.attr_span);
}

ir::expr_ptr binder::bind_subscript(const ast::subscript& s) {
  if (ir::expr_ptr object = bind_entity_by_key(s)) return object;  // Group[101]
  ir::expr_ptr object = bind(*s.object);
  if (object->type.is(value_type::json)) return bind_json_subscript(std::move(object), s);
  if (!object->type.is_text()) {
    fail(error_category::unsupported, "unsupported.subscript",
         "indexing is supported on str and json only, not on " + ir::type_text(object->type),
         s.span);
  }
  ir::type text = ir::scalar_type(value_type::text);
  auto f = std::make_unique<ir::function>(text, s.span, ir::function_kind::substr);
  std::optional<std::int64_t> i = int_literal(s.index.get());
  if (i && *i >= 0) {
    // substr counts from 1.
    f->args.push_back(std::move(object));
    f->args.push_back(int_constant(s.index->span, *i + 1));
    f->args.push_back(int_constant(s.index->span, 1));
    return f;
  }
  // Python's s[i] as the slice s[i:i+1], where i = -1 has no stop.
  f->fn = ir::function_kind::py_slice;
  f->args.push_back(std::move(object));
  if (i) {
    f->args.push_back(int_constant(s.index->span, *i));
    if (*i == -1) {
      f->args.push_back(std::make_unique<ir::constant>(s.index->span, value{}));
    } else {
      f->args.push_back(int_constant(s.index->span, *i + 1));
    }
    return f;
  }
  ir::expr_ptr index = bind(*s.index);
  if (!index->type.is(value_type::integer)) {
    fail(error_category::type, "type.mismatch",
         "a str index must be an int, got " + ir::type_text(index->type), s.index->span);
  }
  source_span at = s.index->span;
  auto is_last = std::make_unique<ir::compare>(at, ir::compare_op::eq, ir::clone(*index),
                                               int_constant(at, -1));
  auto next = std::make_unique<ir::binary>(index->type, at, ir::binary_op::add, ir::clone(*index),
                                           int_constant(at, 1));
  // i + 1 overflows at INT64_MAX: an index that far has no stop either (the start is past the end).
  auto too_far = std::make_unique<ir::compare>(at, ir::compare_op::ge, ir::clone(*index),
                                               int_constant(at, max_string_bound));
  ir::type integer = ir::scalar_type(value_type::integer);
  f->args.push_back(std::move(index));
  f->args.push_back(std::make_unique<ir::conditional>(
      integer, at, std::move(is_last), std::make_unique<ir::constant>(at, value{}),
      std::make_unique<ir::conditional>(integer, at, std::move(too_far),
                                        std::make_unique<ir::constant>(at, value{}),
                                        std::move(next))));
  return f;
}

ir::expr_ptr binder::bind_slice(const ast::slice& s) {
  ir::expr_ptr object = bind(*s.object);
  if (!object->type.is_text()) {
    fail(error_category::unsupported, "unsupported.subscript",
         "slicing is supported on str only, not on " + ir::type_text(object->type), s.span);
  }
  if (s.step) {
    fail(error_category::unsupported, "unsupported.slice_step",
         "a slice with a step is not supported", s.step->span);
  }
  ir::type text = ir::scalar_type(value_type::text);
  std::optional<std::int64_t> start = s.start ? int_literal(s.start.get()) : std::int64_t{0};
  std::optional<std::int64_t> stop = int_literal(s.stop.get());
  if (start && *start >= 0 && (!s.stop || (stop && *stop >= 0))) {
    // Constant bounds from the start: substr(x, start + 1[, count]).
    auto f = std::make_unique<ir::function>(text, s.span, ir::function_kind::substr);
    f->args.push_back(std::move(object));
    f->args.push_back(int_constant(s.span, *start + 1));
    if (s.stop) f->args.push_back(int_constant(s.span, *stop > *start ? *stop - *start : 0));
    return f;
  }
  auto f = std::make_unique<ir::function>(text, s.span, ir::function_kind::py_slice);
  f->args.push_back(std::move(object));
  for (const ast::node* bound : {s.start.get(), s.stop.get()}) {
    if (bound == nullptr) {
      f->args.push_back(std::make_unique<ir::constant>(s.span, value{}));
      continue;
    }
    ir::expr_ptr e = bind(*bound);
    if (!e->type.is(value_type::integer)) {
      fail(error_category::type, "type.mismatch",
           "a slice bound must be an int, got " + ir::type_text(e->type), bound->span);
    }
    f->args.push_back(std::move(e));
  }
  return f;
}

ir::expr_ptr binder::bind_conditional(const ast::conditional& c) {
  ir::expr_ptr cond = bind_condition(*c.cond);
  ir::expr_ptr then = bind(*c.then);
  ir::expr_ptr otherwise = bind(*c.otherwise);
  ir::type t = then->type.is_none() ? otherwise->type : then->type;
  if (!then->type.is_none() && !otherwise->type.is_none() &&
      !comparable(then->type, otherwise->type)) {
    fail(error_category::type, "type.mismatch",
         "the branches of a conditional expression have different types: " +
             ir::type_text(then->type) + " and " + ir::type_text(otherwise->type),
         c.span);
  }
  if (then->type.collection) fail_collection(*then, c.then->span);
  if (otherwise->type.collection) fail_collection(*otherwise, c.otherwise->span);
  // A branch comparable with a float is a number (or None): the result is a float.
  if (then->type.is(value_type::real) || otherwise->type.is(value_type::real)) {
    t = ir::scalar_type(value_type::real);
  }
  return std::make_unique<ir::conditional>(t, c.span, std::move(cond), std::move(then),
                                           std::move(otherwise));
}

ir::expr_ptr binder::bind_function(const ast::call& c, const ast::name& func) {
  const std::string& name = func.id;
  if (name == "random") {
    check_args(c, 0, 0);
    return std::make_unique<ir::function>(ir::scalar_type(value_type::real), c.span,
                                          ir::function_kind::random);
  }
  if (name == "getattr") {
    check_args(c, 2, 2);
    // The name: a str literal, or a str parameter (PonyORM's getattr(c, attr)), whose value then
    // shapes the SQL, so that the plan is made for it and not cached.
    std::string attr_name;
    if (const auto* literal = c.args[1]->try_as<ast::literal>();
        literal != nullptr && literal->value.type() == value_type::text) {
      attr_name = literal->value.as_text();
    } else if (const auto* n = c.args[1]->try_as<ast::name>();
               n != nullptr && lookup(n->id) == nullptr && m_args->contains(n->id) &&
               m_args->find(n->id)->second.is_scalar() &&
               m_args->find(n->id)->second.scalar().type() == value_type::text) {
      attr_name = m_args->find(n->id)->second.scalar().as_text();
      m_query.value_dependent = true;
    } else {
      fail(error_category::unsupported, "unsupported.getattr",
           "getattr() needs the attribute name as a str literal or a str parameter",
           c.args[1]->span);
    }
    ast::attribute a{c.span, ast::clone(*c.args[0]), attr_name, c.args[1]->span};
    return bind_attribute(a);
  }
  if (name == "between") {
    check_args(c, 3, 3);
    ir::expr_ptr x = bind(*c.args[0]);
    ir::expr_ptr low = bind(*c.args[1]);
    ir::expr_ptr high = bind(*c.args[2]);
    for (const ir::expr* bound : {low.get(), high.get()}) {
      if (x->type.is_entity()) {
        fail(error_category::type, "type.mismatch",
             "between() needs comparable values, got " + ir::type_text(x->type), c.span);
      }
      // comparable() refuses collections.
      if (!comparable(x->type, bound->type)) {
        fail(error_category::type, "type.mismatch",
             "cannot compare " + ir::type_text(x->type) + " with " + ir::type_text(bound->type),
             c.span);
      }
    }
    auto both = std::make_unique<ir::logical>(c.span, ir::logical_op::and_);
    both->operands.push_back(
        std::make_unique<ir::compare>(c.span, ir::compare_op::ge, ir::clone(*x), std::move(low)));
    both->operands.push_back(
        std::make_unique<ir::compare>(c.span, ir::compare_op::le, std::move(x), std::move(high)));
    return both;
  }
  if (name == "coalesce" || name == "concat") {
    check_args(c, 1, 64);
    auto f = std::make_unique<ir::function>(
        ir::scalar_type(value_type::text), c.span,
        name == "coalesce" ? ir::function_kind::coalesce : ir::function_kind::to_text);
    std::vector<ir::expr_ptr> args;
    for (const auto& arg : c.args) {
      ir::expr_ptr e = bind(*arg);
      if (e->type.collection) fail_collection(*e, arg->span);
      if (name == "coalesce" && !args.empty() && !e->type.is_none() &&
          !args.front()->type.is_none() && !comparable(args.front()->type, e->type)) {
        fail(error_category::type, "type.mismatch",
             "coalesce() needs values of one type, got " + ir::type_text(args.front()->type) +
                 " and " + ir::type_text(e->type),
             arg->span);
      }
      args.push_back(std::move(e));
    }
    if (name == "coalesce") {
      f->type = ir::type{};
      for (const auto& a : args) {
        if (f->type.is_none() || a->type.is(value_type::real)) f->type = a->type;
      }
      f->args = std::move(args);
      return f;
    }
    // concat(a, b, ...): the text of each, joined.
    ir::expr_ptr joined;
    for (auto& a : args) {
      ir::expr_ptr part = std::move(a);
      if (!part->type.is_text()) {
        source_span span = part->span;
        part = std::make_unique<ir::function>(ir::scalar_type(value_type::text), span,
                                              ir::function_kind::to_text, std::move(part));
      }
      if (!joined) {
        joined = std::move(part);
        continue;
      }
      joined =
          std::make_unique<ir::binary>(ir::scalar_type(value_type::text), c.span,
                                       ir::binary_op::concat, std::move(joined), std::move(part));
    }
    joined->span = c.span;
    return joined;
  }
  // Casts: int(x), float(x), str(x).
  check_args(c, 1, 1);
  ir::expr_ptr arg = bind(*c.args.front());
  if (arg->type.collection) fail_collection(*arg, c.args.front()->span);
  if (arg->type.is_entity()) {
    fail(error_category::type, "type.mismatch",
         name + "() converts a value, not an object of " + ir::type_text(arg->type) +
             "; convert one of its attributes",
         c.args.front()->span);
  }
  if (name == "str") {
    return std::make_unique<ir::function>(ir::scalar_type(value_type::text), c.span,
                                          ir::function_kind::to_text, std::move(arg));
  }
  if (!arg->type.is_number() && !arg->type.is_text() && !arg->type.is_bool()) {
    fail(error_category::type, "type.mismatch",
         name + "() needs a number or a str, got " + ir::type_text(arg->type),
         c.args.front()->span);
  }
  bool to_int = name == "int";
  return std::make_unique<ir::function>(
      ir::scalar_type(to_int ? value_type::integer : value_type::real), c.span,
      to_int ? ir::function_kind::to_int : ir::function_kind::to_real, std::move(arg));
}

ir::expr_ptr binder::bind_clock(const ast::call& c, const ast::name& type,
                                const ast::attribute& method) {
  const bool is_date = type.id == "date";
  const char* wanted = is_date ? "today" : "now";
  if (method.attr != wanted && (is_date || method.attr != "utcnow")) {
    fail(error_category::unknown_name, "unknown_name.method",
         type.id + " has no method '" + method.attr + "' in queries" +
             (is_date ? did_you_mean(method.attr, std::vector<std::string>{"today"})
                      : did_you_mean(method.attr, std::vector<std::string>{"now", "utcnow"})),
         method.attr_span);
  }
  check_args(c, 0, 0);
  // A parameter no query text can name (exec::bind_values reads the clock for it), so that the
  // cached plan is not tied to one moment.
  return std::make_unique<ir::param>(
      ir::scalar_type(is_date ? value_type::date : value_type::datetime), c.span,
      std::string{ir::clock_parameter_prefix} + type.id + "." + method.attr + "()");
}

// Decimal('1.50'), Decimal(3): a decimal constant. A float is refused: Python's Decimal(0.1) is
// the float's exact binary value, which no one means.
ir::expr_ptr binder::bind_decimal(const ast::call& c) {
  check_args(c, 1, 1);
  const ast::node& arg = *c.args.front();
  std::optional<std::int64_t> whole = int_literal(&arg);
  const auto* text = arg.try_as<ast::literal>();
  if (whole)
    return std::make_unique<ir::constant>(
        c.span, value::typed(value_type::decimal, decimal{*whole}.text()));
  if (text != nullptr && text->value.type() == value_type::text) {
    try {
      return std::make_unique<ir::constant>(
          c.span, value::typed(value_type::decimal, decimal{text->value.as_text()}.text()));
    } catch (const usage_error&) {
      fail(error_category::type, "type.constructor",
           "Decimal() cannot build this value: '" + text->value.as_text() + "' is not a number",
           arg.span);
    }
  }
  fail(error_category::unsupported, "unsupported.constructor",
       "Decimal() needs a str or int literal in the query (Decimal('0.1')); pass other values "
       "as decimal parameters",
       arg.span);
}

ir::expr_ptr binder::bind_constructor(const ast::call& c, const ast::name& func) {
  const std::string& name = func.id;
  if (name == "timedelta") return bind_timedelta(c);
  if (name == "Decimal") return bind_decimal(c);
  // Python's positional fields: date(year, month, day), datetime(... hour, minute, second,
  // microsecond), time(hour, minute, second, microsecond), the clock's fields optional.
  std::size_t min = name == "time" ? 0 : 3;
  std::size_t max = name == "date" ? 3 : name == "time" ? 4 : 7;
  check_args(c, min, max);
  std::int64_t parts[7] = {0, 0, 0, 0, 0, 0, 0};
  for (std::size_t i = 0; i < c.args.size(); ++i) {
    std::optional<std::int64_t> v = int_literal(c.args[i].get());
    if (!v) {
      fail(error_category::unsupported, "unsupported.constructor",
           name + "() needs int literals in the query; pass other values as parameters",
           c.args[i]->span);
    }
    parts[i] = *v;
  }
  // Python checks the fields when it builds the value (PonyORM rejects the query then), in
  // this order and with these words.
  auto check = [&](std::size_t i, bool ok, const std::string& problem) {
    if (!ok) {
      fail(error_category::type, "type.constructor",
           name + "() cannot build this value: " + problem, c.args[i]->span);
    }
  };
  auto in = [&](std::size_t i, std::int64_t low, std::int64_t high) {
    return parts[i] >= low && parts[i] <= high;
  };
  std::size_t clock = 0;  // the index of the hour
  if (name != "time") {
    check(0, in(0, 1, 9999), "year " + std::to_string(parts[0]) + " is out of range");
    check(1, in(1, 1, 12), "month must be in 1..12");
    const std::chrono::year_month_day day{
        std::chrono::year{static_cast<int>(parts[0])},
        std::chrono::month{static_cast<unsigned>(parts[1])},
        std::chrono::day{static_cast<unsigned>(in(2, 1, 31) ? parts[2] : 0)}};
    check(2, day.ok(), "day is out of range for month");
    clock = 3;
  }
  if (clock < c.args.size()) check(clock, in(clock, 0, 23), "hour must be in 0..23");
  if (clock + 1 < c.args.size()) check(clock + 1, in(clock + 1, 0, 59), "minute must be in 0..59");
  if (clock + 2 < c.args.size()) check(clock + 2, in(clock + 2, 0, 59), "second must be in 0..59");
  if (clock + 3 < c.args.size()) {
    check(clock + 3, in(clock + 3, 0, 999'999), "microsecond must be in 0..999999");
  }
  // The value's text as the value types write it (checked above, so nothing throws here).
  const auto field = [&](std::size_t i) { return static_cast<int>(parts[i]); };
  const time_of_day clock_time{field(clock), field(clock + 1), field(clock + 2), field(clock + 3)};
  if (name == "time") {
    return std::make_unique<ir::constant>(c.span,
                                          value::typed(value_type::time, to_string(clock_time)));
  }
  const date day{field(0), static_cast<unsigned>(field(1)), static_cast<unsigned>(field(2))};
  if (name == "date") {
    return std::make_unique<ir::constant>(c.span, value::typed(value_type::date, to_string(day)));
  }
  return std::make_unique<ir::constant>(
      c.span,
      value::typed(value_type::datetime, to_string(datetime{day} + clock_time.since_midnight())));
}

}  // namespace nextorm::analyze
