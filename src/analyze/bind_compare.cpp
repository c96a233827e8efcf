// Comparison chains, `is None`, and `in` (a tuple, a sequence parameter, or a substring).
#include "analyze/binder.hpp"
#include "analyze/type_rules.hpp"

namespace nextorm::analyze {

namespace {

ir::compare_op to_ir(ast::compare_op op) noexcept {
  switch (op) {
    case ast::compare_op::ne: return ir::compare_op::ne;
    case ast::compare_op::lt: return ir::compare_op::lt;
    case ast::compare_op::le: return ir::compare_op::le;
    case ast::compare_op::gt: return ir::compare_op::gt;
    case ast::compare_op::ge: return ir::compare_op::ge;
    default: return ir::compare_op::eq;
  }
}

ir::expr_ptr bool_constant(source_span span, bool v) {
  return std::make_unique<ir::constant>(span, value{v});
}

bool is_known_before(const ir::expr& e) noexcept {
  const auto* q = e.try_as<ir::subquery>();
  return q != nullptr && q->known_before;
}

bool is_none_literal(const ast::node& n) noexcept {
  const auto* l = n.try_as<ast::literal>();
  return l != nullptr && l->value.is_null();
}

}  // namespace

ir::expr_ptr binder::bind_compare(const ast::compare& c) {
  std::vector<ir::expr_ptr> parts;
  const ast::node* lhs_node = c.first.get();
  for (const auto& cmp : c.rest) {
    source_span span{lhs_node->span.begin, cmp.rhs->span.end};
    const auto* tuple = lhs_node->try_as<ast::tuple>();
    if (tuple != nullptr || cmp.rhs->kind == ast::node_kind::tuple) {
      parts.push_back(bind_tuple_comparison(*lhs_node, cmp, span));
    } else {
      parts.push_back(bind_comparison(bind(*lhs_node), cmp.op, *cmp.rhs, cmp.op_span, span));
    }
    lhs_node = cmp.rhs.get();
  }
  if (parts.size() == 1) return std::move(parts.front());
  // `a < b < c` is `a < b and b < c`.
  auto chain = std::make_unique<ir::logical>(c.span, ir::logical_op::and_);
  chain->operands = std::move(parts);
  return chain;
}

ir::expr_ptr binder::bind_comparison(ir::expr_ptr lhs, ast::compare_op compare,
                                     const ast::node& rhs_node, source_span op_span,
                                     source_span span) {
  switch (compare) {
    case ast::compare_op::is:
    case ast::compare_op::is_not: {
      bool negated = compare == ast::compare_op::is_not;
      // `x is True` / `x is not False` of a bool: PonyORM's `x = 1` / `x <> 0`.
      const auto* l = rhs_node.try_as<ast::literal>();
      const bool truth = l != nullptr && l->value.type() == value_type::boolean;
      // An element of json `is True` is PonyORM's `== True`: the element read as a bool.
      if (truth && is_json_element(*lhs))
        lhs = json_as(std::move(lhs), ir::scalar_type(value_type::boolean), span);
      if (truth && lhs->type.is_bool()) {
        return std::make_unique<ir::compare>(
            span, negated ? ir::compare_op::ne : ir::compare_op::eq, std::move(lhs),
            std::make_unique<ir::constant>(rhs_node.span, l->value));
      }
      if (!is_none_literal(rhs_node)) {
        fail(error_category::unsupported, "unsupported.is",
             "'is' compares only with None, True or False; use '==' or '!=' for values", op_span);
      }
      if (lhs->type.is_none() && !is_raw_sql(*lhs)) return bool_constant(span, !negated);
      // A passed value that is not None (None parameters became the literal) is never NULL; the
      // SQL `? IS NULL` would also leave PostgreSQL unable to infer the parameter's type.
      if (lhs->kind == ir::expr_kind::param) return bool_constant(span, negated);
      if (is_json_element(*lhs)) return json_is_null(std::move(lhs), negated, span);
      return std::make_unique<ir::is_null>(span, std::move(lhs), negated);
    }
    case ast::compare_op::in: return bind_in(std::move(lhs), rhs_node, false, span);
    case ast::compare_op::not_in: return bind_in(std::move(lhs), rhs_node, true, span);
    default: break;
  }
  ir::compare_op op = to_ir(compare);
  ir::expr_ptr rhs = bind(rhs_node);
  // A raw_sql() fragment has the type of what it is compared with.
  const bool lhs_none = lhs->type.is_none() && !is_raw_sql(*lhs);
  const bool rhs_none = rhs->type.is_none() && !is_raw_sql(*rhs);
  if (is_raw_sql(*lhs) && !is_raw_sql(*rhs) && !rhs_none) lhs->type = rhs->type;
  if (is_raw_sql(*rhs) && !is_raw_sql(*lhs) && !lhs_none) rhs->type = lhs->type;
  // Two fragments: neither type is known, the database decides (PonyORM writes `a = b`).
  if (is_raw_sql(*lhs) && is_raw_sql(*rhs)) {
    return std::make_unique<ir::compare>(span, op, std::move(lhs), std::move(rhs));
  }
  bool equality = op == ir::compare_op::eq || op == ir::compare_op::ne;
  if (equality && (lhs_none || rhs_none)) {
    // `x == None` is `x IS NULL`, as in PonyORM.
    bool negated = op == ir::compare_op::ne;
    if (lhs_none && rhs_none) return bool_constant(span, !negated);
    ir::expr_ptr operand = lhs_none ? std::move(rhs) : std::move(lhs);
    if (operand->kind == ir::expr_kind::param) return bool_constant(span, negated);
    if (is_json_element(*operand)) return json_is_null(std::move(operand), negated, span);
    return std::make_unique<ir::is_null>(span, std::move(operand), negated);
  }
  // An element of json compares as the other side's type (PonyORM casts it), or as json with
  // json (`s.meta['x'] == {'y': 1}`).
  if (is_json_element(*lhs) && !rhs->type.is(value_type::json))
    lhs = json_as(std::move(lhs), rhs->type, span);
  if (is_json_element(*rhs) && !lhs->type.is(value_type::json))
    rhs = json_as(std::move(rhs), lhs->type, span);
  // comparable() takes None only with None: a None on the left stands for both.
  if (!comparable(lhs->type, rhs->type) || lhs->type.is_none()) {
    fail(error_category::type, "type.mismatch",
         "cannot compare " + ir::type_text(lhs->type) + " with " + ir::type_text(rhs->type), span);
  }
  if (!equality && lhs->type.is_entity()) {
    fail(error_category::type, "type.mismatch",
         "operator " + std::string{op_text(op)} + " cannot order objects of " +
             ir::type_text(lhs->type) + "; compare their attributes",
         op_span);
  }
  if (equality && (is_known_before(*lhs) || is_known_before(*rhs))) {
    // PonyORM compares with the value it read first, and a None it read is `IS NULL`: CASE WHEN
    // the object's value is NULL THEN other IS [NOT] NULL ELSE lhs op rhs END. A missing object
    // (PonyORM's ObjectNotFound) reads no NULL: nothing equals it, nor differs from it.
    const bool known_left = is_known_before(*lhs);
    ir::expr_ptr known_null = ir::clone(known_left ? *lhs : *rhs);
    auto& found_null = known_null->as<ir::subquery>();
    found_null.filter.push_back(
        std::make_unique<ir::is_null>(span, ir::clone(*found_null.item), false));
    found_null.mode = ir::subquery_mode::exists;
    found_null.type = ir::scalar_type(value_type::boolean);
    found_null.known_before = false;
    ir::expr_ptr other_null = std::make_unique<ir::is_null>(
        span, ir::clone(known_left ? *rhs : *lhs), op == ir::compare_op::ne);
    return std::make_unique<ir::conditional>(
        ir::scalar_type(value_type::boolean), span, std::move(known_null), std::move(other_null),
        std::make_unique<ir::compare>(span, op, std::move(lhs), std::move(rhs)));
  }
  return std::make_unique<ir::compare>(span, op, std::move(lhs), std::move(rhs));
}

ir::expr_ptr binder::bind_in(ir::expr_ptr lhs, const ast::node& rhs_node, bool negated,
                             source_span span) {
  std::vector<ir::expr_ptr> items;
  bool is_list = false;
  if (const auto* t = rhs_node.try_as<ast::tuple>()) {
    is_list = true;
    for (const auto& item : t->items) items.push_back(bind(*item));
  } else if (const auto* n = rhs_node.try_as<ast::name>();
             n != nullptr && lookup(n->id) == nullptr) {
    auto it = m_args->find(n->id);
    if (it != m_args->end() && it->second.is_sequence()) {
      is_list = true;
      const auto& elements = it->second.sequence();
      for (std::size_t i = 0; i < elements.size(); ++i) {
        const param_value& e = elements[i];
        if (e.is_sequence() || e.is_query()) {
          fail(error_category::type, "type.sequence_parameter",
               "parameter '" + n->id + "' holds a " + (e.is_query() ? "query" : "nested sequence") +
                   " at index " + std::to_string(i),
               n->span);
        }
        if (e.is_entity() && e.entity().entity == nullptr) {
          fail(error_category::usage, "usage.entity_parameter",
               "parameter '" + n->id + "' holds an object reference without an entity at index " +
                   std::to_string(i),
               n->span);
        }
        if (e.is_scalar() && e.scalar().is_null()) {
          items.push_back(std::make_unique<ir::constant>(n->span, value{}));
          continue;
        }
        ir::type t = e.is_entity() ? ir::entity_type(*e.entity().entity)
                                   : ir::scalar_type(e.scalar().type());
        items.push_back(std::make_unique<ir::param>(t, n->span, m_param_prefix + n->id, i));
      }
    }
  }
  if (is_list) {
    if (items.empty()) return bool_constant(span, negated);  // x in () is False
    for (const auto& item : items) {
      if (!item->type.is_none() && !comparable(lhs->type, item->type)) {
        fail(error_category::type, "type.mismatch",
             "cannot compare " + ir::type_text(lhs->type) + " with " + ir::type_text(item->type),
             span);
      }
    }
    auto in = std::make_unique<ir::in_list>(span, std::move(lhs), negated);
    in->items = std::move(items);
    return in;
  }
  ir::expr_ptr rhs;
  if (const auto* n = rhs_node.try_as<ast::name>(); n != nullptr && lookup(n->id) == nullptr &&
                                                    m_args->contains(n->id) &&
                                                    m_args->find(n->id)->second.is_query()) {
    rhs = bind_query_in(*n, m_args->find(n->id)->second.query());
  } else {
    rhs = bind(rhs_node);
  }
  if (lhs->type.collection) fail_collection(*lhs, span);
  if (rhs->type.is(value_type::json))
    return json_contains(std::move(lhs), std::move(rhs), negated, span);
  if (rhs->type.collection) {
    auto& q = as_collection(*rhs);
    ir::type element = ir::element_type(q.type);
    if (!comparable(lhs->type, element)) {
      fail(error_category::type, "type.mismatch",
           "cannot look for " + ir::type_text(lhs->type) + " in " + ir::type_text(rhs->type), span);
    }
    q.mode = negated ? ir::subquery_mode::not_in : ir::subquery_mode::in;
    q.operand = std::move(lhs);
    q.type = ir::scalar_type(value_type::boolean);
    q.span = span;
    return rhs;
  }
  if (!rhs->type.is_text()) {
    fail(error_category::type, "type.mismatch",
         "'in' needs a tuple, a sequence parameter or a str on its right, got " +
             ir::type_text(rhs->type),
         rhs_node.span);
  }
  if (!lhs->type.is_text()) {
    fail(error_category::type, "type.mismatch",
         "cannot look for " + ir::type_text(lhs->type) + " in str", span);
  }
  return std::make_unique<ir::like>(span, ir::like_mode::contains, std::move(rhs), std::move(lhs),
                                    negated);
}

}  // namespace nextorm::analyze

namespace nextorm::analyze {

namespace {

ir::expr_ptr combine(ir::logical_op op, std::vector<ir::expr_ptr> parts, source_span span) {
  if (parts.size() == 1) return std::move(parts.front());
  auto all = std::make_unique<ir::logical>(span, op);
  all->operands = std::move(parts);
  return all;
}

// The generator of `(gen)` or `select(gen)`, or null.
const ast::generator* nested_generator(const ast::node& n) noexcept {
  if (const auto* g = n.try_as<ast::generator>()) return g;
  const auto* c = n.try_as<ast::call>();
  const auto* f = c != nullptr ? c->func->try_as<ast::name>() : nullptr;
  if (f == nullptr || f->id != "select" || c->args.size() != 1 || !c->kwargs.empty())
    return nullptr;
  return c->args.front()->try_as<ast::generator>();
}

ir::expr_ptr negate(ir::expr_ptr e, source_span span) {
  return std::make_unique<ir::unary>(ir::scalar_type(value_type::boolean), span, ir::unary_op::not_,
                                     std::move(e));
}

}  // namespace

// Python's comparisons of tuples, as PonyORM writes them: `(a, b) == (x, y)` each pair equal,
// `!=` any pair different, `<` and the others in lexicographic order (`a < x or a == x and
// b < y`), and `(a, b) in ((1, 2), (3, 4))` one of the rows equal.
ir::expr_ptr binder::bind_tuple_comparison(const ast::node& lhs_node, const ast::comparison& c,
                                           source_span span) {
  const auto* l = lhs_node.try_as<ast::tuple>();
  const auto* r = c.rhs->try_as<ast::tuple>();
  const bool in = c.op == ast::compare_op::in || c.op == ast::compare_op::not_in;
  if (in && l == nullptr) {
    return bind_comparison(bind(lhs_node), c.op, *c.rhs, c.op_span, span);  // x in (1, 2)
  }
  auto pairs = [&](const ast::tuple& right, ast::compare_op op) {
    std::vector<ir::expr_ptr> parts;
    for (std::size_t i = 0; i < l->items.size(); ++i) {
      parts.push_back(bind_comparison(bind(*l->items[i]), op, *right.items[i], c.op_span, span));
    }
    return parts;
  };
  auto same_size = [&](const ast::node& right) -> const ast::tuple& {
    const auto* t = right.try_as<ast::tuple>();
    if (t == nullptr || t->items.size() != l->items.size()) {
      fail(error_category::type, "type.mismatch",
           "a tuple of " + std::to_string(l->items.size()) +
               " values compares only with tuples of as many values",
           right.span);
    }
    return *t;
  };
  if (in) {
    const ast::generator* g = nested_generator(*c.rhs);
    const auto* query = c.rhs->try_as<ast::name>();
    if (query != nullptr && (lookup(query->id) != nullptr || !m_args->contains(query->id) ||
                             !m_args->find(query->id)->second.is_query())) {
      query = nullptr;
    }
    if (g != nullptr || query != nullptr) {
      // `(a, b) in ((x.a, x.b) for x in X)`, `in select(...)` or `in q` of a query passed as a
      // parameter: the values are bound here, in this scope, before the generator's loop
      // variables can shadow a name of theirs.
      std::vector<ir::expr_ptr> looked_for;
      for (const auto& item : l->items) looked_for.push_back(bind(*item));
      const bool negated = c.op == ast::compare_op::not_in;
      ir::expr_ptr q = g != nullptr ? bind_generator(*g, &looked_for, negated)
                                    : bind_query_in(*query, m_args->find(query->id)->second.query(),
                                                    &looked_for, negated);
      q->span = span;
      return q;
    }
    if (r == nullptr) {
      fail(error_category::unsupported, "unsupported.tuple_in",
           "a tuple can be looked for in a tuple of tuples ((a, b) in ((1, 2), (3, 4))) or in a "
           "nested query of tuples ((a, b) in ((x.a, x.b) for x in X)), not in this",
           c.rhs->span);
    }
    std::vector<ir::expr_ptr> rows;
    for (const auto& row : r->items) {
      rows.push_back(
          combine(ir::logical_op::and_, pairs(same_size(*row), ast::compare_op::eq), row->span));
    }
    const bool negated = c.op == ast::compare_op::not_in;
    if (rows.empty()) return std::make_unique<ir::constant>(span, value{negated});
    ir::expr_ptr any = combine(ir::logical_op::or_, std::move(rows), span);
    return negated ? negate(std::move(any), span) : std::move(any);
  }
  if (l == nullptr) {
    fail(error_category::type, "type.mismatch",
         "a value compares with a tuple only by 'in' (x in (1, 2))", span);
  }
  const ast::tuple& right = same_size(*c.rhs);
  switch (c.op) {
    case ast::compare_op::eq: return combine(ir::logical_op::and_, pairs(right, c.op), span);
    case ast::compare_op::ne: return combine(ir::logical_op::or_, pairs(right, c.op), span);
    case ast::compare_op::lt:
    case ast::compare_op::le:
    case ast::compare_op::gt:
    case ast::compare_op::ge: break;
    default:
      fail(error_category::unsupported, "unsupported.is",
           "'is' compares only with None, True or False, not tuples", c.op_span);
  }
  const ast::compare_op strict = c.op == ast::compare_op::lt || c.op == ast::compare_op::le
                                     ? ast::compare_op::lt
                                     : ast::compare_op::gt;
  // From the last pair back: term(i) = a_i <strict> x_i or (a_i == x_i and term(i + 1)).
  const std::size_t n = l->items.size();
  ir::expr_ptr term =
      bind_comparison(bind(*l->items[n - 1]), c.op, *right.items[n - 1], c.op_span, span);
  for (std::size_t i = n - 1; i-- > 0;) {
    std::vector<ir::expr_ptr> tie;
    tie.push_back(
        bind_comparison(bind(*l->items[i]), ast::compare_op::eq, *right.items[i], c.op_span, span));
    tie.push_back(std::move(term));
    std::vector<ir::expr_ptr> either;
    either.push_back(bind_comparison(bind(*l->items[i]), strict, *right.items[i], c.op_span, span));
    either.push_back(combine(ir::logical_op::and_, std::move(tie), span));
    term = combine(ir::logical_op::or_, std::move(either), span);
  }
  return term;
}

}  // namespace nextorm::analyze
