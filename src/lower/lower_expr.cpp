// Expressions to SQL, in PonyORM's shapes: arithmetic in parentheses, `-(x)`, `NOT (x)`,
// `(a OR b)`, LIKE patterns escaped with '!'.
#include "lower/lowering.hpp"
#include "lower/sql_builder.hpp"

#include "common/unreachable.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace nextorm::lower {

void sql_builder::unsupported(const std::string& what) const {
  throw unsupported_error{what + " is not supported by " + std::string{m_dialect.name()}};
}

void sql_builder::unsupported(const std::string& what, const ir::expr& at) const {
  throw unsupported_error{what + " is not supported by " + std::string{m_dialect.name()}, at.text,
                          at.span};
}

void sql_builder::bind(lower::param_slot slot) {
  m_dialect.append_placeholder(m_sql, m_slots.size());
  m_slots.push_back(std::move(slot));
}

void sql_builder::column(std::size_t source, const attr_info& attr) { column(source, attr.column); }

void sql_builder::column(std::size_t source, std::string_view name) {
  if (!m_unqualified) {
    quoted(m_query.sources[source].alias);
    m_sql += '.';
  }
  quoted(name);
}

void sql_builder::join_condition(std::size_t i) {
  const ir::source& s = m_query.sources[i];
  const std::size_t parent = *s.parent;
  const attr_info& via = *s.via;
  // The parent's column first, as PonyORM writes it. Callers pass joins only, so the kind is
  // one of the four below (if-chained: a switch would need a label for join_kind::none that
  // nothing takes).
  if (s.join == ir::join_kind::to_one) {
    references(parent, via, i, false);
  } else if (s.join == ir::join_kind::reverse) {
    references(i, *via.reverse_attr, parent, true);
  } else if (s.join == ir::join_kind::link) {
    references(i, via.m2m_own_columns, parent, true);
  } else {
    if (s.join != ir::join_kind::through) detail::unreachable("join_condition");
    references(parent, via.m2m_other_columns, i, false);
  }
}

void sql_builder::references(std::size_t referencing, const attr_info& reference,
                             std::size_t target, bool key_first) {
  references(referencing, reference.column_names(), target, key_first);
}

// `referencing`'s reference column = `target`'s key column, for each column of a key (AND); the
// key first (`key_first`) where PonyORM writes a reverse join that way.
void sql_builder::references(std::size_t referencing, std::span<const std::string> columns,
                             std::size_t target, bool key_first) {
  const auto& keys = m_query.sources[target].entity->key_columns;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (k > 0) m_sql += " AND ";
    const std::string& own = columns[k];
    const std::string& key = keys[k].name;
    column(key_first ? target : referencing, key_first ? key : own);
    m_sql += " = ";
    column(key_first ? referencing : target, key_first ? own : key);
  }
}

bool sql_builder::has_class_condition(std::size_t source) const noexcept {
  const entity_info* entity = m_query.sources[source].entity;
  return entity != nullptr && entity->in_hierarchy();
}

void sql_builder::class_condition(std::size_t source) {
  const entity_info& entity = *m_query.sources[source].entity;
  column(source, *entity.discriminator_attr);
  m_sql += " IN (";
  constant(entity.discriminator_value);
  for (const entity_info* sub : entity.subclasses) {
    m_sql += ", ";
    constant(sub->discriminator_value);
  }
  m_sql += ')';
}

void sql_builder::from_where(std::size_t scope, const std::vector<ir::expr_ptr>& filter) {
  const auto& sources = m_query.sources;
  m_sql += " FROM ";
  bool first = true;
  // A LEFT JOIN follows its parent at once, so that its ON sees the parent.
  auto left_joins = [&](std::size_t parent, auto& self) -> void {
    for (std::size_t j = parent + 1; j < sources.size(); ++j) {
      if (!sources[j].left || sources[j].scope != scope || sources[j].parent != parent) continue;
      m_sql += " LEFT JOIN ";
      quoted(sources[j].table());
      m_sql += ' ';
      quoted(sources[j].alias);
      m_sql += " ON ";
      join_condition(j);
      if (has_class_condition(j)) {
        m_sql += " AND ";
        class_condition(j);
      }
      self(j, self);
    }
  };
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (sources[i].scope != scope || sources[i].left) continue;
    if (!first) m_sql += ", ";
    first = false;
    if (sources[i].derived) {
      m_sql += '(';
      derived(sources[i].derived->query, m_dialect, m_sql, m_slots, m_date_arithmetic);
      m_sql += ") ";
      quoted(sources[i].alias);
      continue;
    }
    quoted(sources[i].table());
    m_sql += ' ';
    quoted(sources[i].alias);
    left_joins(i, left_joins);
  }
  first = true;
  auto and_ = [&] {
    m_sql += first ? " WHERE " : " AND ";
    first = false;
  };
  for (const auto& c : filter) {
    and_();
    condition(*c);
  }
  // PonyORM writes the implicit joins' conditions after the query's own.
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (sources[i].scope != scope || !sources[i].is_join() || sources[i].left) continue;
    and_();
    join_condition(i);
  }
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (sources[i].scope != scope || sources[i].left || !has_class_condition(i)) continue;
    and_();
    class_condition(i);
  }
}

void sql_builder::having(const std::vector<ir::expr_ptr>& conditions) {
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    m_sql += i == 0 ? " HAVING " : " AND ";
    condition(*conditions[i]);
  }
}

void sql_builder::subquery(const ir::subquery& q) {
  using m = ir::subquery_mode;
  // Objects with a composite key: a row value of the key's parts, `(?, ?) IN (SELECT a, b ...)`.
  const bool row_value = composite(*q.item);
  const std::size_t parts = row_value ? q.item->type.entity->key_columns.size() : 0;
  auto key_parts = [&](const ir::expr& e) {
    for (std::size_t i = 0; i < parts; ++i) {
      if (i > 0) m_sql += ", ";
      key_part(e, i);
    }
  };
  switch (q.mode) {
    case m::in:
    case m::not_in:
      if (row_value) {
        m_sql += '(';
        key_parts(*q.operand);
        m_sql += ')';
      } else {
        operand(*q.operand);
      }
      m_sql += q.mode == m::in ? " IN (SELECT " : " NOT IN (SELECT ";
      break;
    case m::exists: m_sql += "EXISTS (SELECT 1"; break;
    case m::not_exists: m_sql += "NOT EXISTS (SELECT 1"; break;
    default: m_sql += "(SELECT "; break;
  }
  if (q.mode != m::exists && q.mode != m::not_exists) {
    if (row_value) {
      key_parts(*q.item);
    } else if (q.item->type.is_entity()) {
      key(*q.item);
    } else {
      expr(*q.item);
    }
  }
  from_where(q.scope, q.filter);
  // PonyORM: NOT IN ignores the subquery's NULLs (one NULL would make every row unknown). (The
  // objects of a subquery have their whole keys.)
  if (q.mode == m::not_in && !row_value) {
    const auto* c = q.item->try_as<ir::column>();
    if (c == nullptr || c->attr->column_nullable()) {
      m_sql += q.filter.empty() && !scope_has_condition(q.scope) ? " WHERE " : " AND ";
      if (q.item->type.is_entity()) {
        key(*q.item);
      } else {
        operand(*q.item);
      }
      m_sql += " IS NOT NULL";
    }
  }
  m_sql += ')';
}

bool sql_builder::scope_has_condition(std::size_t scope) const noexcept {
  // A nested query's scope has no LEFT JOINs: those are the outer query's (scope 0).
  for (std::size_t i = 0; i < m_query.sources.size(); ++i) {
    if (m_query.sources[i].scope == scope &&
        (m_query.sources[i].is_join() || has_class_condition(i))) {
      return true;
    }
  }
  return false;
}

void sql_builder::wrap(const affixes& a, const ir::expr& operand) {
  m_sql += a.before;
  expr(operand);
  m_sql += a.after;
}

void sql_builder::between(const infixes& i, const ir::expr& a, const ir::expr& b) {
  m_sql += i.before;
  operand(a);
  m_sql += i.middle;
  operand(b);
  m_sql += i.after;
}

void sql_builder::expand(std::string_view t, const std::function<void(char)>& placeholder) {
  // Every brace of a dialect's template opens a placeholder of one letter (dialect_test checks
  // the templates of every dialect).
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '{') {
      m_sql += t[i];
      continue;
    }
    placeholder(t[i + 1]);
    i += 2;
  }
}

void sql_builder::date_operand(const ir::expr& e) {
  // (Date arithmetic's operands are dates and datetimes.)
  const bool bound = e.kind == ir::expr_kind::param || e.kind == ir::expr_kind::constant;
  if (!bound) return operand(e);
  const affixes around = m_dialect.typed_date_parameter(e.type.scalar);
  m_sql += around.before;
  operand(e);
  m_sql += around.after;
}

void sql_builder::key(const ir::expr& e) {
  if (const auto* row = e.try_as<ir::source_row>()) {
    const entity_info& entity = *m_query.sources[row->source].entity;
    if (entity.composite_key()) refuse_composite(e);
    column(row->source, entity.pk());
  } else {
    expr(e);  // a foreign-key column or a parameter binds the key itself
  }
}

void sql_builder::refuse_composite(const ir::expr& e) const {
  // A key of several columns is no single SQL value.
  const entity_info& entity = *e.type.entity;
  std::string names;
  for (const attr_info* key : entity.key_attrs) names += (names.empty() ? "" : ", ") + key->name;
  throw composite_key_error{
      "an object of " + entity.name +
          ", whose primary key has several columns, is used here as one value (compared, "
          "counted, grouped, ordered, or in an expression); this is not supported yet: use its "
          "key attributes instead (" +
          names + ")",
      e.text, e.span};
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
      m_sql += real_literal(d);
      return;
    }
    case value_type::interval: m_sql += m_dialect.interval_constant(v.as_microseconds()); return;
    case value_type::boolean: m_sql += m_dialect.bool_literal(v.as_bool()); return;
    default: break;  // strings and text-carried types are bound
  }
  bind(lower::param_slot{lower::param_slot::source::constant, {}, std::nullopt, v});
}

void sql_builder::operand(const ir::expr& e) {
  switch (e.kind) {
    case ir::expr_kind::subquery:
      if (e.as<ir::subquery>().mode == ir::subquery_mode::scalar) break;
      [[fallthrough]];
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
  // The binder makes every condition a bool, so a constant one is True or False.
  if (const auto* c = e.try_as<ir::constant>()) {
    m_sql += c->value.as_bool() ? "1 = 1" : "0 = 1";
    return;
  }
  expr(e);
}

void sql_builder::expr(const ir::expr& e) {
  switch (e.kind) {
    case ir::expr_kind::column: {
      const auto& c = e.as<ir::column>();
      if (!c.attr->reference_columns.empty()) refuse_composite(e);
      if (c.attr->type == value_type::interval) {
        const affixes around = m_dialect.interval_column();
        m_sql += around.before;
        column(c.source, *c.attr);
        m_sql += around.after;
        return;
      }
      return column(c.source, *c.attr);
    }
    case ir::expr_kind::source_row: return key(e);
    case ir::expr_kind::constant: return constant(e.as<ir::constant>().value);
    case ir::expr_kind::param: {
      const auto& p = e.as<ir::param>();
      lower::param_slot slot{lower::param_slot::source::named, p.name, p.element, {}};
      slot.interval_micros =
          p.type.is(value_type::interval) && m_dialect.interval_parameter_as_micros();
      return bind(std::move(slot));
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
      if (composite(*n.operand) && n.operand->kind == ir::expr_kind::subquery) {
        // The reverse side of a one-to-one (b.ticket is None): a subquery of its key's columns,
        // which is no one value: whether it has a row.
        m_sql += n.negated ? "EXISTS " : "NOT EXISTS ";
        expr(*n.operand);
        return;
      }
      if (composite(*n.operand)) {
        // Each column of the key (PonyORM's), all NULL or none: its foreign key, or a LEFT JOIN.
        m_sql += '(';
        for (std::size_t i = 0; i < n.operand->type.entity->key_columns.size(); ++i) {
          if (i > 0) m_sql += " AND ";
          key_part(*n.operand, i);
          m_sql += n.negated ? " IS NOT NULL" : " IS NULL";
        }
        m_sql += ')';
        return;
      }
      operand(*n.operand);
      m_sql += n.negated ? " IS NOT NULL" : " IS NULL";
      return;
    }
    case ir::expr_kind::logical: return logical(e.as<ir::logical>());
    case ir::expr_kind::in_list: return in_list(e.as<ir::in_list>());
    case ir::expr_kind::like: return like(e.as<ir::like>());
    case ir::expr_kind::function: return function(e.as<ir::function>());
    case ir::expr_kind::aggregate: return aggregate(e.as<ir::aggregate>());
    case ir::expr_kind::conditional: {
      const auto& c = e.as<ir::conditional>();
      m_sql += "CASE WHEN ";
      condition(*c.cond);
      m_sql += " THEN ";
      operand(*c.then);
      m_sql += " ELSE ";
      operand(*c.otherwise);
      m_sql += " END";
      return;
    }
    case ir::expr_kind::subquery: return subquery(e.as<ir::subquery>());
  }
}

void sql_builder::function(const ir::function& f) {
  auto call = [&](std::string_view name) {
    m_sql += name;
    m_sql += '(';
    for (std::size_t i = 0; i < f.args.size(); ++i) {
      if (i > 0) m_sql += ", ";
      operand(*f.args[i]);
    }
    m_sql += ')';
  };
  switch (f.fn) {
    case ir::function_kind::upper: return call(m_dialect.case_function(true));
    case ir::function_kind::lower: return call(m_dialect.case_function(false));
    case ir::function_kind::length: return call(m_dialect.length_function());
    case ir::function_kind::abs: return call("abs");
    case ir::function_kind::trim:
    case ir::function_kind::ltrim:
    case ir::function_kind::rtrim: {
      const int side = f.fn == ir::function_kind::trim    ? 0
                       : f.fn == ir::function_kind::ltrim ? 1
                                                          : 2;
      if (f.args.size() == 1) return call(side == 0 ? "trim" : side == 1 ? "ltrim" : "rtrim");
      // strip(chars): the template's {x} is the string, {c} the characters.
      return expand(m_dialect.trim_template(side),
                    [&](char placeholder) { operand(*f.args[placeholder == 'x' ? 0 : 1]); });
    }
    case ir::function_kind::substr: return call("substr");
    case ir::function_kind::py_slice: return py_slice(f);
    case ir::function_kind::replace: return call("replace");
    case ir::function_kind::coalesce: return call("coalesce");
    case ir::function_kind::greatest: return call(m_dialect.least_function(true));
    case ir::function_kind::least: return call(m_dialect.least_function(false));
    case ir::function_kind::year:
      return wrap(m_dialect.date_part("year", f.args[0]->type.scalar), *f.args[0]);
    case ir::function_kind::month:
      return wrap(m_dialect.date_part("month", f.args[0]->type.scalar), *f.args[0]);
    case ir::function_kind::day:
      return wrap(m_dialect.date_part("day", f.args[0]->type.scalar), *f.args[0]);
    case ir::function_kind::hour:
      return wrap(m_dialect.date_part("hour", f.args[0]->type.scalar), *f.args[0]);
    case ir::function_kind::minute:
      return wrap(m_dialect.date_part("minute", f.args[0]->type.scalar), *f.args[0]);
    case ir::function_kind::second:
      return wrap(m_dialect.date_part("second", f.args[0]->type.scalar), *f.args[0]);
    case ir::function_kind::date: return wrap(m_dialect.date_of(), *f.args[0]);
    case ir::function_kind::to_int:
      return wrap(m_dialect.cast(value_type::integer, f.args[0]->type.scalar), *f.args[0]);
    case ir::function_kind::to_real:
      return wrap(m_dialect.cast(value_type::real, f.args[0]->type.scalar), *f.args[0]);
    case ir::function_kind::to_text:
      return wrap(m_dialect.cast(value_type::text, f.args[0]->type.scalar), *f.args[0]);
    case ir::function_kind::random: m_sql += m_dialect.random_expression(); return;
    case ir::function_kind::add_interval:
    case ir::function_kind::subtract_interval: {
      m_date_arithmetic = true;
      const infixes i = m_dialect.add_interval(f.fn == ir::function_kind::subtract_interval,
                                               f.type.is(value_type::date));
      m_sql += i.before;
      date_operand(*f.args[0]);
      m_sql += i.middle;
      operand(*f.args[1]);
      m_sql += i.after;
      return;
    }
    case ir::function_kind::json_truth: return wrap(m_dialect.json_truth(), *f.args[0]);
    case ir::function_kind::interval_between: {
      const infixes i = m_dialect.interval_between(f.args[0]->type.is(value_type::date));
      m_sql += i.before;
      date_operand(*f.args[0]);
      m_sql += i.middle;
      date_operand(*f.args[1]);
      m_sql += i.after;
      return;
    }
    case ir::function_kind::raw_sql: {
      // The fragment as written; each \x01 is the next argument (a bound value or an
      // expression of the query).
      std::size_t arg = 0;
      for (char c : f.text) {
        if (c == '\x01') {
          operand(*f.args[arg++]);
        } else {
          m_sql += c;
        }
      }
      return;
    }
    case ir::function_kind::json_get:
    case ir::function_kind::json_value:
    case ir::function_kind::json_is_null:
    case ir::function_kind::json_contains:
    case ir::function_kind::json_length: return json(f);
  }
}

// A json operation from the dialect's template: {x} the json value, {p} the bound path, {n}
// the needle.
void sql_builder::json(const ir::function& f) {
  const auto& get = f.fn == ir::function_kind::json_get ? f : f.args[0]->as<ir::function>();
  json_op op = json_op::get;
  switch (f.fn) {
    case ir::function_kind::json_value:
      op = f.type.is(value_type::integer)   ? json_op::value_int
           : f.type.is(value_type::real)    ? json_op::value_real
           : f.type.is(value_type::boolean) ? json_op::value_bool
                                            : json_op::value_text;
      break;
    case ir::function_kind::json_is_null: op = json_op::is_null; break;
    case ir::function_kind::json_contains: op = json_op::contains; break;
    case ir::function_kind::json_length: op = json_op::length; break;
    default: break;
  }
  const std::string path = m_dialect.json_path(get.path);
  std::string_view t = m_dialect.json_template(op);
  expand(t, [&](char placeholder) {
    switch (placeholder) {
      case 'x': operand(*get.args[0]); break;
      case 'p':
        bind(lower::param_slot{lower::param_slot::source::constant, {}, std::nullopt, value{path}});
        break;
      default: operand(*f.args[1]); break;  // 'n'
    }
  });
}

// Python's s[a:b] where a bound is negative or not a constant. SQLite has a registered
// function; elsewhere the bounds are clamped in SQL: with L = length(s),
// start = a < 0 ? max(L + a, 0) : min(a, L), stop = b < 0 ? max(L + b, 0) : min(b, L), and the
// result substr(s, start + 1, max(stop - start, 0)): every term stays in [0, L + 1], so a bound
// at the int64 limits neither overflows nor leaves PostgreSQL's INTEGER. (Constant bounds come
// clamped by the analyzer.)
void sql_builder::py_slice(const ir::function& f) {
  if (m_dialect.has_py_slice()) {
    m_sql += "py_string_slice(";
    for (std::size_t i = 0; i < f.args.size(); ++i) {
      if (i > 0) m_sql += ", ";
      operand(*f.args[i]);
    }
    m_sql += ')';
    return;
  }
  const ir::expr& s = *f.args[0];
  const ir::expr& a = *f.args[1];
  const ir::expr& b = *f.args[2];
  std::string_view greatest = m_dialect.least_function(true);
  auto length = [&] {
    m_sql += m_dialect.length_function();
    m_sql += '(';
    expr(s);
    m_sql += ')';
  };
  auto bound = [&](const ir::expr& x, bool is_stop) {
    if (x.type.is_none()) {
      if (is_stop) {
        length();
      } else {
        m_sql += '0';
      }
      return;
    }
    if (const auto* c = x.try_as<ir::constant>()) {
      // A constant's sign is known: no CASE. A folded one may lie beyond every string's length.
      const std::int64_t v =
          std::clamp(c->value.as_int(), -ir::max_string_bound, ir::max_string_bound);
      if (v >= 0) {
        m_sql += std::to_string(v);
        return;
      }
      m_sql += greatest;
      m_sql += '(';
      length();
      m_sql += " - ";
      m_sql += std::to_string(-v);
      m_sql += ", 0)";
      return;
    }
    // A run-time stop may be NULL (`s[i]` with i = -1): the end of the string.
    auto value = [&] {
      if (!is_stop) return operand(x);
      m_sql += "coalesce(";
      expr(x);
      m_sql += ", ";
      length();
      m_sql += ')';
    };
    m_sql += "CASE WHEN ";
    value();
    m_sql += " < 0 THEN ";
    m_sql += greatest;
    m_sql += '(';
    length();
    m_sql += " + ";
    value();
    m_sql += ", 0) ELSE ";
    m_sql += m_dialect.least_function(false);
    m_sql += '(';
    value();
    m_sql += ", ";
    length();
    m_sql += ") END";
  };
  affixes cast = m_dialect.substr_argument();
  m_sql += "substr(";
  expr(s);
  m_sql += ", ";
  m_sql += cast.before;
  m_sql += '(';
  bound(a, false);
  m_sql += ") + 1";
  m_sql += cast.after;
  m_sql += ", ";
  m_sql += cast.before;
  m_sql += greatest;
  m_sql += "((";
  bound(b, true);
  m_sql += ") - (";
  bound(a, false);
  m_sql += "), 0)";
  m_sql += cast.after;
  m_sql += ')';
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
    unsupported("operator % on float", b);
  }
  const bool exact =
      b.op == ir::binary_op::add || b.op == ir::binary_op::sub || b.op == ir::binary_op::mul;
  if (exact && b.type.is(value_type::decimal)) {
    const std::string_view fn = m_dialect.decimal_arithmetic(b.op == ir::binary_op::add   ? '+'
                                                             : b.op == ir::binary_op::sub ? '-'
                                                                                          : '*');
    if (!fn.empty()) {
      // A number again (its text would compare as text), as the column's NUMERIC affinity
      // would store it.
      m_sql += "CAST(";
      m_sql += fn;
      m_sql += '(';
      operand(*b.lhs);
      m_sql += ", ";
      operand(*b.rhs);
      m_sql += ") AS NUMERIC)";
      return;
    }
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

bool sql_builder::composite(const ir::expr& e) noexcept {
  return e.type.entity != nullptr && e.type.entity->composite_key();
}

void sql_builder::key_part(const ir::expr& e, std::size_t part) {
  if (const auto* row = e.try_as<ir::source_row>()) {
    column(row->source, m_query.sources[row->source].entity->key_columns[part].name);
  } else if (const auto* c = e.try_as<ir::column>()) {
    column(c->source, c->attr->reference_columns[part]);
  } else if (const auto* p = e.try_as<ir::param>()) {
    lower::param_slot slot{lower::param_slot::source::named, p->name, p->element, {}};
    slot.key_part = part;
    bind(std::move(slot));
  } else {
    // The reverse side of a one-to-one, a subquery of the object's key (no other expression has
    // such an object's type): a subquery of one column of it, NULL where there is no object.
    const auto& q = e.as<ir::subquery>();
    m_sql += "(SELECT ";
    key_part(*q.item, part);
    from_where(q.scope, q.filter);
    m_sql += ')';
  }
}

void sql_builder::keys_equal(const ir::expr& a, const ir::expr& b) {
  // (The binder compares objects of one entity only: `a`'s is `b`'s.)
  const entity_info& entity = *a.type.entity;
  // A known object (Pair[1, 'x']) is a subquery of its key's columns: a row value on each side,
  // `("a", "b") = (SELECT ...)`, which the three providers have.
  const bool a_queried = a.kind == ir::expr_kind::subquery;
  if (a_queried || b.kind == ir::expr_kind::subquery) {
    const ir::expr& other = a_queried ? b : a;
    m_sql += '(';
    for (std::size_t i = 0; i < entity.key_columns.size(); ++i) {
      if (i > 0) m_sql += ", ";
      key_part(other, i);
    }
    m_sql += ") = ";
    expr(a_queried ? a : b);
    return;
  }
  m_sql += '(';
  for (std::size_t i = 0; i < entity.key_columns.size(); ++i) {
    if (i > 0) m_sql += " AND ";
    key_part(a, i);
    m_sql += " = ";
    key_part(b, i);
  }
  m_sql += ')';
}

void sql_builder::compare(const ir::compare& c) {
  static constexpr std::string_view ops[] = {" = ", " <> ", " < ", " <= ", " > ", " >= "};
  // Objects with a composite key: equal when every part of their keys is (the binder lets
  // objects be compared for equality only).
  if (composite(*c.lhs)) {
    if (c.op == ir::compare_op::ne) m_sql += "NOT ";
    keys_equal(*c.lhs, *c.rhs);
    return;
  }
  const auto* uuid = c.rhs->try_as<ir::param>();
  const ir::expr* other = c.lhs.get();
  if (uuid == nullptr || !uuid->type.is(value_type::uuid)) {
    uuid = c.lhs->try_as<ir::param>();
    other = c.rhs.get();
  }
  if (m_dialect.uuid_is_blob() && uuid != nullptr && uuid->type.is(value_type::uuid) &&
      (c.op == ir::compare_op::eq || c.op == ir::compare_op::ne)) {
    // PonyORM's rows hold the 16 bytes, NextORM's the text: either matches.
    operand(*other);
    m_sql += c.op == ir::compare_op::eq ? " IN (" : " NOT IN (";
    lower::param_slot bytes{lower::param_slot::source::named, uuid->name, uuid->element, {}};
    bytes.uuid_bytes = true;
    bind(std::move(bytes));
    m_sql += ", ";
    bind(lower::param_slot{lower::param_slot::source::named, uuid->name, uuid->element, {}});
    m_sql += ')';
    return;
  }
  // (The binder compares json only with json.)
  const bool equality = c.op == ir::compare_op::eq || c.op == ir::compare_op::ne;
  if (equality && c.lhs->type.is(value_type::json)) {
    const infixes how = m_dialect.json_equals();
    if (!how.before.empty()) {
      if (c.op == ir::compare_op::ne) m_sql += "NOT ";
      json_equal(*c.lhs, *c.rhs, how);
      return;
    }
  }
  // A decimal parameter against an expression such as `p.price * 2`: a number (SQLite).
  auto side = [&](const ir::expr& e, const ir::expr& against) {
    if (m_dialect.decimal_parameter_needs_cast() && e.kind == ir::expr_kind::param &&
        e.type.is(value_type::decimal) && against.kind != ir::expr_kind::column) {
      m_sql += "CAST(";
      operand(e);
      m_sql += " AS NUMERIC)";
    } else {
      operand(e);
    }
  };
  side(*c.lhs, *c.rhs);
  m_sql += ops[static_cast<std::size_t>(c.op)];
  side(*c.rhs, *c.lhs);
}

void sql_builder::json_equal(const ir::expr& a, const ir::expr& b, const infixes& how) {
  m_sql += how.before;
  expr(a);
  m_sql += how.middle;
  expr(b);
  m_sql += how.after;
}

void sql_builder::in_list(const ir::in_list& in) {
  if (composite(*in.operand)) {
    // One of the objects: equal to the first, or the second, ...
    m_sql += in.negated ? "NOT (" : "(";
    for (std::size_t i = 0; i < in.items.size(); ++i) {
      if (i > 0) m_sql += " OR ";
      keys_equal(*in.operand, *in.items[i]);
    }
    m_sql += ')';
    return;
  }
  if (in.operand->type.is(value_type::json)) {
    const infixes how = m_dialect.json_equals();
    if (!how.before.empty()) {
      // json by content (MariaDB): equal to the first, or the second, ...
      m_sql += in.negated ? "NOT (" : "(";
      for (std::size_t i = 0; i < in.items.size(); ++i) {
        if (i > 0) m_sql += " OR ";
        json_equal(*in.operand, *in.items[i], how);
      }
      m_sql += ')';
      return;
    }
  }
  operand(*in.operand);
  m_sql += in.negated ? " NOT IN (" : " IN (";
  for (std::size_t i = 0; i < in.items.size(); ++i) {
    if (i > 0) m_sql += ", ";
    operand(*in.items[i]);
  }
  m_sql += ')';
}

void sql_builder::like(const ir::like& l) {
  const auto* c = l.needle->try_as<ir::constant>();
  if (m_dialect.has_py_affix() &&
      (c == nullptr || c->value.as_text().find('\0') != std::string::npos)) {
    // SQLite's LIKE ends the pattern at a NUL, and then 'a\0b' in s is 'a' in s.
    if (l.negated) m_sql += "NOT ";
    m_sql += l.mode == ir::like_mode::prefix   ? "py_startswith("
             : l.mode == ir::like_mode::suffix ? "py_endswith("
                                               : "py_contains(";
    operand(*l.operand);
    m_sql += ", ";
    operand(*l.needle);
    m_sql += ')';
    return;
  }
  operand(*l.operand);
  m_sql += l.negated ? " NOT LIKE " : " LIKE ";
  bool prefix_wild = l.mode != ir::like_mode::prefix;
  bool suffix_wild = l.mode != ir::like_mode::suffix;
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
    bind(lower::param_slot{
        lower::param_slot::source::constant, {}, std::nullopt, value{std::move(pattern)}});
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

void sql_builder::group_concat(const ir::aggregate& a) {
  auto style = m_dialect.group_concat_style();
  bool sep = a.separator != ",";
  auto separator_slot = [&] {
    bind(lower::param_slot{
        lower::param_slot::source::constant, {}, std::nullopt, value{a.separator}});
  };
  auto arg = [&] {
    if (a.arg->type.is_entity()) {
      key(*a.arg);
    } else {
      expr(*a.arg);
    }
  };
  switch (style) {
    case group_concat_style::comma_argument:
      m_sql += a.distinct ? "GROUP_CONCAT(DISTINCT " : "GROUP_CONCAT(";
      arg();
      if (sep) {
        m_sql += ", ";
        separator_slot();
      }
      m_sql += ')';
      return;
    case group_concat_style::string_agg:
      m_sql += a.distinct ? "string_agg(DISTINCT CAST(" : "string_agg(CAST(";
      arg();
      m_sql += " AS TEXT), ";
      if (sep) {
        separator_slot();
      } else {
        m_sql += "','";
      }
      m_sql += ')';
      return;
    case group_concat_style::separator_clause:
      // MariaDB accepts only a string literal after SEPARATOR: the one value not bound.
      m_sql += a.distinct ? "GROUP_CONCAT(DISTINCT " : "GROUP_CONCAT(";
      arg();
      m_sql += " SEPARATOR '";
      for (char c : a.separator) {
        if (c == '\\' || c == '\'') m_sql += c == '\'' ? '\'' : '\\';
        m_sql += c;
      }
      m_sql += "')";
      return;
  }
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

bool sql_builder::count_composite(const ir::aggregate& a) {
  if (!composite(*a.arg)) return false;
  const auto* row = a.arg->try_as<ir::source_row>();
  const std::size_t parts = a.arg->type.entity->key_columns.size();
  m_sql += "COUNT(";
  // A missing object (of a LEFT JOIN, or an optional reference) has NULL in every key column,
  // a present one in none.
  if (!a.distinct) {
    key_part(*a.arg, 0);
  } else if (m_dialect.name() == "sqlite") {
    m_sql += "DISTINCT ";
    if (row != nullptr) {
      column(row->source, "ROWID");  // PonyORM's: the row's own id (NULL for a missing one)
    } else {
      // A reference has no row of its own, and SQLite counts one value only: the parts as
      // SQL literals (which cannot run into each other), NULL for a missing reference.
      m_sql += "CASE WHEN ";
      key_part(*a.arg, 0);
      m_sql += " IS NOT NULL THEN ";
      for (std::size_t i = 0; i < parts; ++i) {
        if (i > 0) m_sql += " || ',' || ";
        m_sql += "quote(";
        key_part(*a.arg, i);
        m_sql += ')';
      }
      m_sql += " END";
    }
  } else if (m_dialect.name() == "mariadb") {
    m_sql += "DISTINCT ";  // which counts no row with a NULL among its values
    for (std::size_t i = 0; i < parts; ++i) {
      if (i > 0) m_sql += ", ";
      key_part(*a.arg, i);
    }
  } else {
    // PostgreSQL counts a row value of NULLs: a missing object is made NULL itself.
    m_sql += "DISTINCT CASE WHEN ";
    key_part(*a.arg, 0);
    m_sql += " IS NOT NULL THEN (";
    for (std::size_t i = 0; i < parts; ++i) {
      if (i > 0) m_sql += ", ";
      key_part(*a.arg, i);
    }
    m_sql += ") END";
  }
  m_sql += ')';
  return true;
}

void sql_builder::aggregate(const ir::aggregate& a) {
  if (!a.arg) {
    m_sql += "COUNT(*)";
    return;
  }
  if (a.fn == ir::aggregate_kind::group_concat) return group_concat(a);
  if (a.fn == ir::aggregate_kind::count && count_composite(a)) return;
  if (a.fn == ir::aggregate_kind::sum || a.fn == ir::aggregate_kind::avg) {
    const affixes around = sum_or_avg(a.fn == ir::aggregate_kind::avg, a.distinct, *a.arg, false);
    m_sql += around.before;
    expr(*a.arg);
    m_sql += around.after;
    return;
  }
  static constexpr std::string_view names[] = {"COUNT(", "SUM(", "AVG(", "MIN(", "MAX("};
  m_sql += names[static_cast<std::size_t>(a.fn)];
  if (a.distinct) m_sql += "DISTINCT ";
  if (a.arg->type.is_entity()) {
    key(*a.arg);
  } else {
    expr(*a.arg);
  }
  m_sql += ')';
}

void sql_builder::result_column(const ir::expr& e) {
  const auto* a = e.try_as<ir::aggregate>();
  if (a == nullptr || a->arg == nullptr ||
      (a->fn != ir::aggregate_kind::sum && a->fn != ir::aggregate_kind::avg)) {
    return expr(e);
  }
  const affixes around = sum_or_avg(a->fn == ir::aggregate_kind::avg, a->distinct, *a->arg, true);
  m_sql += around.before;
  expr(*a->arg);
  m_sql += around.after;
}

affixes sql_builder::sum_or_avg(bool average, bool distinct, const ir::expr& arg,
                                bool as_text) const {
  affixes out;
  const std::string_view exact =
      arg.type.is(value_type::decimal) ? m_dialect.decimal_aggregate(average) : "";
  const bool as_number = !exact.empty() && !as_text;
  if (as_number) out.before = "CAST(";
  if (!average) out.before += "coalesce(";  // SUM of no rows is NULL; Python's sum() is 0
  if (exact.empty()) {
    out.before += average ? "AVG(" : "SUM(";
  } else {
    out.before += exact;
    out.before += '(';
  }
  if (distinct) out.before += "DISTINCT ";
  // The column's scale, so that 100 x 0.10 sums to 10.00 as on the servers, although SQLite
  // holds 0.1; an aggregate with DISTINCT takes one argument only.
  if (!exact.empty() && !distinct) {
    std::size_t scale = 0;
    if (arg.kind == ir::expr_kind::column) {
      const attr_info& attr = *arg.as<ir::column>().attr;
      scale = attr.precision == 0 ? 2 : attr.scale;
    }
    out.after = ", " + std::to_string(scale);
  }
  out.after += ')';
  if (!average) out.after += ", 0)";
  if (as_number) out.after += " AS NUMERIC)";
  return out;
}

}  // namespace nextorm::lower
