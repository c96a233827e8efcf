// Calls: methods (of strings, datetimes, collections) and built-in functions, the aggregates
// count, sum, avg, min, max and group_concat among them.
#include "analyze/binder.hpp"
#include "analyze/type_rules.hpp"

#include "common/suggest.hpp"

#include <algorithm>

namespace nextorm::analyze {

namespace {

constexpr std::string_view builtin_functions[] = {
    "count",  "sum",       "avg",     "min",        "max",      "group_concat", "len",
    "abs",    "desc",      "exists",  "select",     "coalesce", "concat",       "between",
    "random", "getattr",   "int",     "float",      "str",      "date",         "datetime",
    "time",   "timedelta", "raw_sql", "isinstance", "Decimal",  "JOIN",         "Json"};

}  // namespace

void binder::check_args(const ast::call& c, std::size_t min, std::size_t max) const {
  std::size_t n = c.args.size();
  if (n >= min && n <= max && c.kwargs.empty()) return;
  std::string name = "this function";
  if (const auto* f = c.func->try_as<ast::name>()) name = f->id;
  if (const auto* m = c.func->try_as<ast::attribute>()) name = m->attr;
  std::string wanted =
      min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
  if (max == 0) wanted = "no";  // min <= max
  fail(error_category::type, "type.arguments",
       name + "() takes " + wanted + (min == 1 && max == 1 ? " argument" : " arguments") +
           ", got " + std::to_string(n + c.kwargs.size()),
       c.span);
}

ir::expr_ptr binder::bind_call(const ast::call& c) {
  if (const auto* method = c.func->try_as<ast::attribute>()) return bind_method(c, *method);
  const auto* func = c.func->try_as<ast::name>();
  if (func == nullptr) fail_unsupported(*c.func, "calling this expression");
  if (lookup(func->id) != nullptr || m_args->contains(func->id)) {
    fail(error_category::type, "type.not_callable", "'" + func->id + "' is not a function",
         func->span);
  }
  return bind_builtin(c, *func);
}

ir::expr_ptr binder::bind_method(const ast::call& c, const ast::attribute& method) {
  // date.today(), datetime.now(): Python's clock, read when the query runs.
  if (const auto* type = method.object->try_as<ast::name>();
      type != nullptr && (type->id == "date" || type->id == "datetime") &&
      lookup(type->id) == nullptr && !m_args->contains(type->id)) {
    return bind_clock(c, *type, method);
  }
  ir::expr_ptr object = bind(*method.object);
  if (object->type.collection) return bind_collection_method(c, method, std::move(object));
  if (object->type.is_text()) return bind_string_method(c, method, std::move(object));
  const ir::type& t = object->type;
  if (method.attr == "date" && t.is(value_type::datetime)) {
    check_args(c, 0, 0);
    return std::make_unique<ir::function>(ir::scalar_type(value_type::date), c.span,
                                          ir::function_kind::date, std::move(object));
  }
  if (t.is_entity()) {  // (a collection's methods are above)
    if (const computed_info* computed = t.entity->find_computed(method.attr)) {
      return bind_computed(std::move(object), *computed, &c, c.span);
    }
  }
  std::string owner = t.is_entity() ? "entity " + ir::type_text(t) : ir::type_text(t);
  fail(error_category::unknown_name, "unknown_name.method",
       owner + " has no method '" + method.attr + "'", method.attr_span);
}

ir::expr_ptr binder::bind_builtin(const ast::call& c, const ast::name& func) {
  const std::string& name = func.id;
  if (name == "count" || name == "sum" || name == "avg" || name == "min" || name == "max" ||
      name == "group_concat") {
    return bind_aggregate(c, func);
  }
  if (name == "raw_sql") return bind_raw_sql(c);
  if (name == "isinstance") return bind_isinstance(c);
  if (name == "left_join") {
    fail(error_category::unsupported, "unsupported.left_join",
         "left_join() must be the whole query: left_join(<generator>)", c.span);
  }
  if (name == "desc") {
    fail(error_category::unsupported, "unsupported.desc", "desc() can only be used in order_by",
         c.span);
  }
  if (name == "exists" || name == "select") {
    check_args(c, 1, 1);
    ir::expr_ptr arg = bind(*c.args.front());
    if (!arg->type.collection) {
      fail(error_category::type, "type.mismatch",
           name + "() needs a collection or a nested query, got " + ir::type_text(arg->type),
           c.args.front()->span);
    }
    if (name == "select") return arg;
    return exists_of(std::move(arg), false, c.span);
  }
  if (name == "len" || name == "abs") {
    check_args(c, 1, 1);
    ir::expr_ptr arg = bind(*c.args.front());
    if (name == "len") {
      if (arg->type.collection) {
        return aggregate_of(std::move(arg), ir::aggregate_kind::count, true, c.span, name);
      }
      if (arg->type.is(value_type::json)) return json_length(std::move(arg), c.span);
      if (!arg->type.is_text() && !arg->type.is(value_type::bytes)) {
        fail(error_category::type, "type.mismatch",
             "len() needs a str, a json array or a collection, got " + ir::type_text(arg->type),
             c.args.front()->span);
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
  for (const std::string_view known : builtin_functions) {
    if (known == name) {
      if (name == "date" || name == "datetime" || name == "time" || name == "timedelta" ||
          name == "Decimal") {
        return bind_constructor(c, func);
      }
      if (name == "Json") {
        // PonyORM's wrapper of a JSON value made in Python: a dict, a list, a str, a number.
        check_args(c, 1, 1);
        ir::expr_ptr json = bind_json_constant(*c.args.front());
        json->span = c.span;
        return json;
      }
      if (name == "JOIN") {
        // PonyORM's hint to join rather than nest a subquery: the rows are the same, and
        // NextORM chooses its joins itself.
        check_args(c, 1, 1);
        return bind_condition(*c.args.front());
      }
      return bind_function(c, func);
    }
  }
  fail(error_category::unknown_name, "unknown_name.function",
       "unknown function '" + name + "'" + did_you_mean(name, builtin_functions), func.span);
}

// PonyORM's isinstance(x, Student) (or a tuple of entities): true when x's entity is one of
// them or below one, false when no class below x's entity is one of them or below one, else a
// test of x's discriminator column.
ir::expr_ptr binder::bind_isinstance(const ast::call& c) {
  check_args(c, 2, 2);
  ir::expr_ptr object = bind(*c.args[0]);
  if (!object->type.is_entity()) {
    fail(error_category::type, "type.mismatch",
         "isinstance() needs an object as its first argument, got " + ir::type_text(object->type),
         c.args[0]->span);
  }
  const entity_info& entity = *object->type.entity;
  std::vector<const ast::node*> named;
  if (const auto* t = c.args[1]->try_as<ast::tuple>()) {
    for (const auto& item : t->items) named.push_back(item.get());
  } else {
    named.push_back(c.args[1].get());
  }
  std::vector<const entity_info*> classes;  // the named entities and those below them
  for (const ast::node* n : named) {
    const auto* cls_name = n->try_as<ast::name>();
    const entity_info* cls = cls_name == nullptr ? nullptr : m_reg.find(cls_name->id);
    if (cls == nullptr) {
      std::vector<std::string> names;
      for (const auto& e : m_reg.entities()) names.push_back(e->name);
      fail(error_category::type, "type.mismatch",
           "isinstance() needs an entity (or a tuple of entities) as its second argument" +
               (cls_name != nullptr
                    ? ", not '" + cls_name->id + "'" + did_you_mean(cls_name->id, names)
                    : std::string{}),
           n->span);
    }
    if (cls->is_same_or_base_of(entity)) return std::make_unique<ir::constant>(c.span, value{true});
    // The classes that are both: `cls` and those below it, where they are below x's entity too
    // (with multiple inheritance, a class below Employee may be below Alumnus).
    if (entity.is_same_or_base_of(*cls)) classes.push_back(cls);
    for (const entity_info* sub : cls->subclasses) {
      if (entity.is_same_or_base_of(*sub)) classes.push_back(sub);
    }
  }
  if (classes.empty()) return std::make_unique<ir::constant>(c.span, value{false});
  ir::expr_ptr row =
      object->kind == ir::expr_kind::column ? join_reference(std::move(object)) : std::move(object);
  if (row->kind != ir::expr_kind::source_row)
    fail_unsupported(*c.args[0], "isinstance() of this object");
  auto test = std::make_unique<ir::in_list>(
      c.span,
      std::make_unique<ir::column>(ir::scalar_type(entity.discriminator_attr->type), c.span,
                                   row->as<ir::source_row>().source, *entity.discriminator_attr),
      false);
  std::vector<value> values;
  for (const entity_info* cls : classes) values.push_back(cls->discriminator_value);
  // (In the order of the classes, each once.)
  std::vector<value> distinct;
  for (auto& v : values) {
    if (std::find(distinct.begin(), distinct.end(), v) == distinct.end()) distinct.push_back(v);
  }
  for (auto& v : distinct) test->items.push_back(std::make_unique<ir::constant>(c.span, v));
  return test;
}

namespace {

// Whether `e` holds the value of an aggregate of a nested query: count(s.courses),
// sum(x for x in ...), as an operand (not inside a nested query's own condition).
bool has_aggregate_subquery(ir::expr& e) {
  // (A scalar subquery is an aggregate's: its item is the aggregate.)
  if (const auto* s = e.try_as<ir::subquery>()) return s->mode == ir::subquery_mode::scalar;
  bool found = false;
  ir::for_each_operand(
      e, [&](ir::expr_ptr& operand) { found = found || has_aggregate_subquery(*operand); });
  return found;
}

}  // namespace

ir::expr_ptr binder::bind_aggregate(const ast::call& c, const ast::name& func) {
  const std::string& name = func.id;
  bool is_count = name == "count";
  // min(a, b) and max(a, b) of values: least/greatest, as Python's min/max of several values.
  if ((name == "min" || name == "max") && c.args.size() > 1) {
    check_args(c, 2, 64);
    auto f = std::make_unique<ir::function>(
        ir::type{}, c.span, name == "min" ? ir::function_kind::least : ir::function_kind::greatest);
    for (const auto& arg : c.args) {
      ir::expr_ptr e = bind(*arg);
      if (!f->args.empty() && !comparable(f->args.front()->type, e->type)) {
        fail(error_category::type, "type.mismatch",
             "cannot compare " + ir::type_text(f->args.front()->type) + " with " +
                 ir::type_text(e->type),
             arg->span);
      }
      if (e->type.collection) fail_collection(*e, arg->span);
      if (e->type.is_entity()) {
        fail(error_category::type, "type.mismatch",
             name + "() needs comparable values, got " + ir::type_text(e->type), arg->span);
      }
      f->args.push_back(std::move(e));
    }
    f->type = f->args.front()->type;
    for (const auto& a : f->args) {
      if (a->type.is(value_type::real)) f->type = a->type;
    }
    return f;
  }
  std::optional<bool> distinct;
  std::string separator = ",";
  for (const auto& kw : c.kwargs) {
    const auto* flag = kw.value->try_as<ast::literal>();
    if (kw.name == "sep" && name == "group_concat" && flag != nullptr &&
        flag->value.type() == value_type::text) {
      separator = flag->value.as_text();
      continue;
    }
    if (kw.name != "distinct" || flag == nullptr || flag->value.type() != value_type::boolean) {
      fail(error_category::type, "type.arguments",
           name + "() takes only the keyword argument distinct=True or distinct=False" +
               (name == "group_concat" ? " and sep='...'" : ""),
           kw.name_span);
    }
    distinct = flag->value.as_bool();
  }
  if (c.args.size() > 1 || (c.args.empty() && !is_count)) {
    fail(error_category::type, "type.arguments",
         name + "() takes 1 argument, got " + std::to_string(c.args.size()), c.span);
  }
  if (c.args.empty()) {
    return std::make_unique<ir::aggregate>(ir::scalar_type(value_type::integer), c.span,
                                           ir::aggregate_kind::count, nullptr, false);
  }
  // count(distinct(x)): the same as count(x, distinct=True).
  const ast::node* arg_node = c.args.front().get();
  if (const auto* inner = arg_node->try_as<ast::call>()) {
    const auto* f = inner->func->try_as<ast::name>();
    if (f != nullptr && f->id == "distinct" && inner->args.size() == 1 && inner->kwargs.empty() &&
        lookup("distinct") == nullptr) {
      arg_node = inner->args.front().get();
      distinct = true;
    }
  }
  if (const ast::node* lifted = lift_collection_paths(*arg_node)) arg_node = lifted;
  ir::expr_ptr arg = bind(*arg_node);
  ir::aggregate_kind kind = ir::aggregate_kind::max;
  if (is_count) {
    kind = ir::aggregate_kind::count;
  } else if (name == "sum") {
    kind = ir::aggregate_kind::sum;
  } else if (name == "avg") {
    kind = ir::aggregate_kind::avg;
  } else if (name == "min") {
    kind = ir::aggregate_kind::min;
  } else if (name == "group_concat") {
    kind = ir::aggregate_kind::group_concat;
  }
  if (arg->type.collection) {
    // PonyORM counts distinct values (and distinct objects) unless told otherwise.
    ir::expr_ptr e = aggregate_of(std::move(arg), kind, distinct.value_or(is_count), c.span, name);
    e->as<ir::subquery>().item->as<ir::aggregate>().separator = separator;
    return e;
  }
  // (PonyORM refuses these too: "Too complex aggregation, expressions cannot be combined".)
  if (ir::has_aggregate(*arg) || has_aggregate_subquery(*arg)) {
    fail(error_category::type, "type.nested_aggregate",
         "an aggregate cannot contain another aggregate: " + name +
             "() of a count, sum, avg, min or max; aggregate the rows once (or write the inner "
             "one as a generator: " +
             name + "(count(...) for x in ...))",
         arg_node->span);
  }
  if (is_count && arg->type.is_bool()) {
    // PonyORM's conditional count: count(o.state == 'SHIPPED') counts the rows where the
    // condition holds, COUNT(CASE WHEN ... THEN 1 END), whatever distinct= says.
    const source_span span = arg->span;
    auto when = std::make_unique<ir::conditional>(
        ir::scalar_type(value_type::integer), span, std::move(arg),
        std::make_unique<ir::constant>(span, value{std::int64_t{1}}),
        std::make_unique<ir::constant>(span, value{}));
    return std::make_unique<ir::aggregate>(ir::scalar_type(value_type::integer), c.span,
                                           ir::aggregate_kind::count, std::move(when), false);
  }
  if (is_count) {
    return std::make_unique<ir::aggregate>(ir::scalar_type(value_type::integer), c.span,
                                           ir::aggregate_kind::count, std::move(arg),
                                           distinct.value_or(true));
  }
  bool numeric = kind == ir::aggregate_kind::sum || kind == ir::aggregate_kind::avg;
  if (arg->type.is_entity() || arg->type.is_none() || (numeric && !arg->type.is_number())) {
    fail(error_category::type, "type.mismatch",
         name + "() needs " + (numeric ? "numbers" : "comparable values") + ", got " +
             ir::type_text(arg->type),
         arg_node->span);
  }
  ir::type t = arg->type;
  if (kind == ir::aggregate_kind::avg && !t.is(value_type::decimal)) {
    t = ir::scalar_type(value_type::real);
  }
  if (kind == ir::aggregate_kind::group_concat) t = ir::scalar_type(value_type::text);
  auto a =
      std::make_unique<ir::aggregate>(t, c.span, kind, std::move(arg), distinct.value_or(false));
  a->separator = std::move(separator);
  return a;
}

}  // namespace nextorm::analyze
