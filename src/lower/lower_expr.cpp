// Expressions to SQL, in PonyORM's shapes: arithmetic in parentheses, `-(x)`, `NOT (x)`,
// `(a OR b)`, LIKE patterns escaped with '!'.
#include "lower/lowering.hpp"
#include "lower/sql_builder.hpp"

#include <charconv>
#include <cmath>

namespace nextorm::lower {

void sql_builder::unsupported(const std::string& what) const {
  throw unsupported_error{what + " is not supported by " + std::string{m_dialect.name()}};
}

void sql_builder::bind(compile::param_slot slot) {
  m_dialect.append_placeholder(m_sql, m_slots.size());
  m_slots.push_back(std::move(slot));
}

void sql_builder::column(std::size_t source, const attr_info& attr) {
  if (!m_unqualified) {
    quoted(m_query.sources[source].alias);
    m_sql += '.';
  }
  quoted(attr.column);
}

void sql_builder::key(const ir::expr& e) {
  if (const auto* row = e.try_as<ir::source_row>()) {
    column(row->source, m_query.sources[row->source].entity->pk());
  } else {
    expr(e);  // a foreign-key column or a parameter binds the key itself
  }
}

void sql_builder::constant(const value& v) {
  switch (v.type()) {
    case value_type::null: m_sql += "NULL"; return;
    case value_type::integer: {
      char buffer[24];
      auto r = std::to_chars(buffer, buffer + sizeof buffer, v.as_int());
      m_sql.append(buffer, r.ptr);
      return;
    }
    case value_type::real: {
      double d = v.as_real();
      if (!std::isfinite(d)) break;  // inf and nan have no SQL literal: bind them
      char buffer[32];
      auto r = std::to_chars(buffer, buffer + sizeof buffer, d);
      std::string_view digits{buffer, static_cast<std::size_t>(r.ptr - buffer)};
      m_sql += digits;
      // Keep it a float literal: `3` would make `x / 3` an integer division.
      if (digits.find_first_of(".e") == std::string_view::npos) m_sql += ".0";
      return;
    }
    case value_type::boolean: m_sql += m_dialect.bool_literal(v.as_bool()); return;
    default: break;  // strings and text-carried types are bound
  }
  bind(compile::param_slot{compile::param_slot::source::constant, {}, std::nullopt, v});
}

void sql_builder::operand(const ir::expr& e) {
  switch (e.kind) {
    case ir::expr_kind::compare:
    case ir::expr_kind::is_null:
    case ir::expr_kind::in_list:
    case ir::expr_kind::like:
      m_sql += '(';
      expr(e);
      m_sql += ')';
      return;
    case ir::expr_kind::logical:
      if (e.as<ir::logical>().op == ir::logical_op::and_) {
        m_sql += '(';
        expr(e);
        m_sql += ')';
        return;
      }
      break;
    default: break;
  }
  if (e.type.is_entity()) return key(e);
  expr(e);
}

void sql_builder::condition(const ir::expr& e) {
  if (const auto* c = e.try_as<ir::constant>(); c != nullptr && c->value.type() == value_type::boolean) {
    m_sql += c->value.as_bool() ? "1 = 1" : "0 = 1";
    return;
  }
  expr(e);
}

void sql_builder::expr(const ir::expr& e) {
  switch (e.kind) {
    case ir::expr_kind::column: {
      const auto& c = e.as<ir::column>();
      return column(c.source, *c.attr);
    }
    case ir::expr_kind::source_row: return key(e);
    case ir::expr_kind::constant: return constant(e.as<ir::constant>().value);
    case ir::expr_kind::param: {
      const auto& p = e.as<ir::param>();
      return bind(compile::param_slot{compile::param_slot::source::named, p.name, p.element, {}});
    }
    case ir::expr_kind::unary: {
      const auto& u = e.as<ir::unary>();
      m_sql += u.op == ir::unary_op::neg ? "-(" : "NOT (";
      expr(*u.operand);
      m_sql += ')';
      return;
    }
    case ir::expr_kind::binary: return binary(e.as<ir::binary>());
    case ir::expr_kind::compare: return compare(e.as<ir::compare>());
    case ir::expr_kind::is_null: {
      const auto& n = e.as<ir::is_null>();
      operand(*n.operand);
      m_sql += n.negated ? " IS NOT NULL" : " IS NULL";
      return;
    }
    case ir::expr_kind::logical: return logical(e.as<ir::logical>());
    case ir::expr_kind::in_list: return in_list(e.as<ir::in_list>());
    case ir::expr_kind::like: return like(e.as<ir::like>());
    case ir::expr_kind::function: {
      const auto& f = e.as<ir::function>();
      switch (f.fn) {
        case ir::function_kind::upper: m_sql += "upper("; break;
        case ir::function_kind::lower: m_sql += "lower("; break;
        case ir::function_kind::length:
          m_sql += m_dialect.length_function();
          m_sql += '(';
          break;
        case ir::function_kind::abs: m_sql += "abs("; break;
      }
      expr(*f.arg);
      m_sql += ')';
      return;
    }
    case ir::expr_kind::aggregate: return aggregate(e.as<ir::aggregate>());
  }
}

template <class F>
void sql_builder::concat(std::size_t count, F&& part) {
  bool function = m_dialect.concat_is_function();
  m_sql += function ? "concat(" : "(";
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) m_sql += function ? ", " : " || ";
    part(i);
  }
  m_sql += ')';
}

void sql_builder::binary(const ir::binary& b) {
  if (b.op == ir::binary_op::concat) {
    return concat(2, [&](std::size_t i) { operand(i == 0 ? *b.lhs : *b.rhs); });
  }
  if (b.op == ir::binary_op::pow) {
    m_sql += "power(";
    operand(*b.lhs);
    m_sql += ", ";
    operand(*b.rhs);
    m_sql += ')';
    return;
  }
  bool integers = b.lhs->type.is(value_type::integer) && b.rhs->type.is(value_type::integer);
  if (b.op == ir::binary_op::floordiv && !integers) {
    m_sql += "floor(";
    operand(*b.lhs);
    m_sql += " / ";
    operand(*b.rhs);
    m_sql += ')';
    return;
  }
  if (b.op == ir::binary_op::mod && !m_dialect.has_real_modulo() &&
      (b.lhs->type.is(value_type::real) || b.rhs->type.is(value_type::real))) {
    unsupported("operator % on float");
  }
  std::string_view op;
  switch (b.op) {
    case ir::binary_op::add: op = " + "; break;
    case ir::binary_op::sub: op = " - "; break;
    case ir::binary_op::mul: op = " * "; break;
    case ir::binary_op::div: op = " / "; break;
    case ir::binary_op::floordiv: op = m_dialect.int_div_operator(); break;
    default: op = " % "; break;
  }
  m_sql += '(';
  operand(*b.lhs);
  m_sql += op;
  operand(*b.rhs);
  m_sql += ')';
}

void sql_builder::compare(const ir::compare& c) {
  static constexpr std::string_view ops[] = {" = ", " <> ", " < ", " <= ", " > ", " >= "};
  operand(*c.lhs);
  m_sql += ops[static_cast<std::size_t>(c.op)];
  operand(*c.rhs);
}

void sql_builder::in_list(const ir::in_list& in) {
  operand(*in.operand);
  m_sql += in.negated ? " NOT IN (" : " IN (";
  for (std::size_t i = 0; i < in.items.size(); ++i) {
    if (i > 0) m_sql += ", ";
    operand(*in.items[i]);
  }
  m_sql += ')';
}

void sql_builder::like(const ir::like& l) {
  operand(*l.operand);
  m_sql += l.negated ? " NOT LIKE " : " LIKE ";
  bool prefix_wild = l.mode != ir::like_mode::prefix;
  bool suffix_wild = l.mode != ir::like_mode::suffix;
  const auto* c = l.needle->try_as<ir::constant>();
  if (c != nullptr) {
    // A literal needle: escape it now and bind the finished pattern.
    std::string pattern;
    const std::string& needle = c->value.as_text();
    pattern.reserve(needle.size() + 4);
    if (prefix_wild) pattern += '%';
    bool escaped = false;
    for (char ch : needle) {
      if (ch == '!' || ch == '%' || ch == '_') {
        pattern += '!';
        escaped = true;
      }
      pattern += ch;
    }
    if (suffix_wild) pattern += '%';
    bind(compile::param_slot{compile::param_slot::source::constant, {}, std::nullopt,
                             value{std::move(pattern)}});
    if (escaped) m_sql += " ESCAPE '!'";
    return;
  }
  // A run-time needle: escape it in SQL, as PonyORM does.
  auto escaped_needle = [&] {
    m_sql += "replace(replace(replace(";
    expr(*l.needle);
    m_sql += ", '!', '!!'), '%', '!%'), '_', '!_')";
  };
  std::size_t parts = 1 + prefix_wild + suffix_wild;
  concat(parts, [&](std::size_t i) {
    if (i == 0 && prefix_wild) {
      m_sql += "'%'";
    } else if (i == parts - 1 && suffix_wild) {
      m_sql += "'%'";
    } else {
      escaped_needle();
    }
  });
  m_sql += " ESCAPE '!'";
}

void sql_builder::logical(const ir::logical& l) {
  bool is_or = l.op == ir::logical_op::or_;
  if (is_or) m_sql += '(';
  for (std::size_t i = 0; i < l.operands.size(); ++i) {
    if (i > 0) m_sql += is_or ? " OR " : " AND ";
    const ir::expr& x = *l.operands[i];
    // OR inside AND keeps its own parentheses; AND inside OR binds tighter already.
    if (x.kind == ir::expr_kind::logical && !is_or) {
      expr(x);
    } else {
      condition(x);
    }
  }
  if (is_or) m_sql += ')';
}

void sql_builder::aggregate(const ir::aggregate& a) {
  if (!a.arg) {
    m_sql += "COUNT(*)";
    return;
  }
  static constexpr std::string_view names[] = {"COUNT(", "SUM(", "AVG(", "MIN(", "MAX("};
  bool sum = a.fn == ir::aggregate_kind::sum;
  if (sum) m_sql += "coalesce(";  // SUM of no rows is NULL; Python's sum() is 0
  m_sql += names[static_cast<std::size_t>(a.fn)];
  if (a.distinct) m_sql += "DISTINCT ";
  if (a.arg->type.is_entity()) {
    key(*a.arg);
  } else {
    expr(*a.arg);
  }
  m_sql += ')';
  if (sum) m_sql += ", 0)";
}

}  // namespace nextorm::lower
