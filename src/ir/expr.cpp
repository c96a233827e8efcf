#include "ir/expr.hpp"

#include "common/unreachable.hpp"

namespace nextorm::ir {

compare_op negate(compare_op op) noexcept {
  switch (op) {
    case compare_op::eq: return compare_op::ne;
    case compare_op::ne: return compare_op::eq;
    case compare_op::lt: return compare_op::ge;
    case compare_op::le: return compare_op::gt;
    case compare_op::gt: return compare_op::le;
    case compare_op::ge: return compare_op::lt;
  }
  detail::unreachable("ir::negate");
}

namespace {

expr_ptr clone_or_null(const expr_ptr& e) { return e ? clone(*e) : nullptr; }

bool equal_or_null(const expr_ptr& a, const expr_ptr& b) noexcept {
  if (!a || !b) return !a && !b;
  return equals(*a, *b);
}

std::vector<expr_ptr> clone_list(const std::vector<expr_ptr>& list) {
  std::vector<expr_ptr> out;
  out.reserve(list.size());
  for (const auto& e : list) out.push_back(clone(*e));
  return out;
}

bool equal_lists(const std::vector<expr_ptr>& a, const std::vector<expr_ptr>& b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!equals(*a[i], *b[i])) return false;
  }
  return true;
}

}  // namespace

namespace {
expr_ptr clone_node(const expr& e);
}  // namespace

expr_ptr clone(const expr& e) {
  expr_ptr copy = clone_node(e);
  copy->text = e.text;
  return copy;
}

namespace {

expr_ptr clone_node(const expr& e) {
  switch (e.kind) {
    case expr_kind::column: {
      const auto& c = e.as<column>();
      return std::make_unique<column>(e.type, e.span, c.source, *c.attr);
    }
    case expr_kind::source_row:
      return std::make_unique<source_row>(e.type, e.span, e.as<source_row>().source);
    case expr_kind::constant: return std::make_unique<constant>(e.span, e.as<constant>().value);
    case expr_kind::param: {
      const auto& p = e.as<param>();
      return std::make_unique<param>(e.type, e.span, p.name, p.element);
    }
    case expr_kind::unary: {
      const auto& u = e.as<unary>();
      return std::make_unique<unary>(e.type, e.span, u.op, clone(*u.operand));
    }
    case expr_kind::binary: {
      const auto& b = e.as<binary>();
      return std::make_unique<binary>(e.type, e.span, b.op, clone(*b.lhs), clone(*b.rhs));
    }
    case expr_kind::compare: {
      const auto& c = e.as<compare>();
      return std::make_unique<compare>(e.span, c.op, clone(*c.lhs), clone(*c.rhs));
    }
    case expr_kind::is_null: {
      const auto& n = e.as<is_null>();
      return std::make_unique<is_null>(e.span, clone(*n.operand), n.negated);
    }
    case expr_kind::logical: {
      const auto& l = e.as<logical>();
      auto copy = std::make_unique<logical>(e.span, l.op);
      for (const auto& operand : l.operands) copy->operands.push_back(clone(*operand));
      return copy;
    }
    case expr_kind::in_list: {
      const auto& in = e.as<in_list>();
      auto copy = std::make_unique<in_list>(e.span, clone(*in.operand), in.negated);
      for (const auto& item : in.items) copy->items.push_back(clone(*item));
      return copy;
    }
    case expr_kind::like: {
      const auto& l = e.as<like>();
      return std::make_unique<like>(e.span, l.mode, clone(*l.operand), clone(*l.needle), l.negated);
    }
    case expr_kind::function: {
      const auto& f = e.as<function>();
      auto copy = std::make_unique<function>(e.type, e.span, f.fn);
      copy->args = clone_list(f.args);
      copy->text = f.text;
      copy->path = f.path;
      return copy;
    }
    case expr_kind::aggregate: {
      const auto& a = e.as<aggregate>();
      auto copy =
          std::make_unique<aggregate>(e.type, e.span, a.fn, clone_or_null(a.arg), a.distinct);
      copy->separator = a.separator;
      return copy;
    }
    case expr_kind::conditional: {
      const auto& c = e.as<conditional>();
      return std::make_unique<conditional>(e.type, e.span, clone(*c.cond), clone(*c.then),
                                           clone(*c.otherwise));
    }
    case expr_kind::subquery: {
      const auto& q = e.as<subquery>();
      auto copy = std::make_unique<subquery>(e.type, e.span, q.scope);
      copy->mode = q.mode;
      copy->filter = clone_list(q.filter);
      copy->item = clone_or_null(q.item);
      copy->operand = clone_or_null(q.operand);
      copy->from_path = q.from_path;
      copy->known_before = q.known_before;
      return copy;
    }
  }
  detail::unreachable("ir::clone");
}

}  // namespace

bool equals(const expr& a, const expr& b) noexcept {
  if (a.kind != b.kind || a.type != b.type) return false;
  switch (a.kind) {
    case expr_kind::column: {
      const auto &x = a.as<column>(), &y = b.as<column>();
      return x.source == y.source && x.attr == y.attr;
    }
    case expr_kind::source_row: return a.as<source_row>().source == b.as<source_row>().source;
    case expr_kind::constant: return a.as<constant>().value == b.as<constant>().value;
    case expr_kind::param: {
      const auto &x = a.as<param>(), &y = b.as<param>();
      return x.name == y.name && x.element == y.element;
    }
    case expr_kind::unary: {
      const auto &x = a.as<unary>(), &y = b.as<unary>();
      return x.op == y.op && equals(*x.operand, *y.operand);
    }
    case expr_kind::binary: {
      const auto &x = a.as<binary>(), &y = b.as<binary>();
      return x.op == y.op && equals(*x.lhs, *y.lhs) && equals(*x.rhs, *y.rhs);
    }
    case expr_kind::compare: {
      const auto &x = a.as<compare>(), &y = b.as<compare>();
      return x.op == y.op && equals(*x.lhs, *y.lhs) && equals(*x.rhs, *y.rhs);
    }
    case expr_kind::is_null: {
      const auto &x = a.as<is_null>(), &y = b.as<is_null>();
      return x.negated == y.negated && equals(*x.operand, *y.operand);
    }
    case expr_kind::logical: {
      const auto &x = a.as<logical>(), &y = b.as<logical>();
      return x.op == y.op && equal_lists(x.operands, y.operands);
    }
    case expr_kind::in_list: {
      const auto &x = a.as<in_list>(), &y = b.as<in_list>();
      return x.negated == y.negated && equals(*x.operand, *y.operand) &&
             equal_lists(x.items, y.items);
    }
    case expr_kind::like: {
      const auto &x = a.as<like>(), &y = b.as<like>();
      return x.mode == y.mode && x.negated == y.negated && equals(*x.operand, *y.operand) &&
             equals(*x.needle, *y.needle);
    }
    case expr_kind::function: {
      const auto &x = a.as<function>(), &y = b.as<function>();
      return x.fn == y.fn && x.text == y.text && x.path == y.path && equal_lists(x.args, y.args);
    }
    case expr_kind::aggregate: {
      const auto &x = a.as<aggregate>(), &y = b.as<aggregate>();
      return x.fn == y.fn && x.distinct == y.distinct && x.separator == y.separator &&
             equal_or_null(x.arg, y.arg);
    }
    case expr_kind::conditional: {
      const auto &x = a.as<conditional>(), &y = b.as<conditional>();
      return equals(*x.cond, *y.cond) && equals(*x.then, *y.then) &&
             equals(*x.otherwise, *y.otherwise);
    }
    case expr_kind::subquery: {
      const auto &x = a.as<subquery>(), &y = b.as<subquery>();
      return x.mode == y.mode && x.scope == y.scope && x.from_path == y.from_path &&
             x.known_before == y.known_before && equal_lists(x.filter, y.filter) &&
             equal_or_null(x.item, y.item) && equal_or_null(x.operand, y.operand);
    }
  }
  detail::unreachable("ir::equals");
}

void for_each_operand(expr& e, const std::function<void(expr_ptr&)>& f) {
  switch (e.kind) {
    case expr_kind::unary: return f(e.as<unary>().operand);
    case expr_kind::binary: f(e.as<binary>().lhs); return f(e.as<binary>().rhs);
    case expr_kind::compare: f(e.as<compare>().lhs); return f(e.as<compare>().rhs);
    case expr_kind::is_null: return f(e.as<is_null>().operand);
    case expr_kind::logical:
      for (auto& operand : e.as<logical>().operands) f(operand);
      return;
    case expr_kind::in_list: return f(e.as<in_list>().operand);
    case expr_kind::like: f(e.as<like>().operand); return f(e.as<like>().needle);
    case expr_kind::function:
      for (auto& arg : e.as<function>().args) f(arg);
      return;
    case expr_kind::conditional: {
      auto& c = e.as<conditional>();
      f(c.cond);
      f(c.then);
      return f(c.otherwise);
    }
    default: return;  // columns, rows, constants, parameters, aggregates, nested queries
  }
}

bool has_aggregate(const expr& e) noexcept {
  switch (e.kind) {
    case expr_kind::aggregate: return true;
    case expr_kind::unary: return has_aggregate(*e.as<unary>().operand);
    case expr_kind::binary:
      return has_aggregate(*e.as<binary>().lhs) || has_aggregate(*e.as<binary>().rhs);
    case expr_kind::compare:
      return has_aggregate(*e.as<compare>().lhs) || has_aggregate(*e.as<compare>().rhs);
    case expr_kind::is_null: return has_aggregate(*e.as<is_null>().operand);
    case expr_kind::logical:
      for (const auto& operand : e.as<logical>().operands) {
        if (has_aggregate(*operand)) return true;
      }
      return false;
    case expr_kind::in_list: return has_aggregate(*e.as<in_list>().operand);
    case expr_kind::like:
      return has_aggregate(*e.as<like>().operand) || has_aggregate(*e.as<like>().needle);
    case expr_kind::function:
      for (const auto& arg : e.as<function>().args) {
        if (has_aggregate(*arg)) return true;
      }
      return false;
    case expr_kind::conditional: {
      const auto& c = e.as<conditional>();
      return has_aggregate(*c.cond) || has_aggregate(*c.then) || has_aggregate(*c.otherwise);
    }
    case expr_kind::subquery: {
      const auto& q = e.as<subquery>();
      return q.operand && has_aggregate(*q.operand);
    }
    default: return false;
  }
}

}  // namespace nextorm::ir
