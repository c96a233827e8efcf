// Names, scopes and implicit joins; the dispatch over AST node kinds.
#include "analyze/binder.hpp"

#include "common/suggest.hpp"
#include "common/unreachable.hpp"

#include <cctype>

namespace nextorm::analyze {

void binder::fail(error_category category, std::string id, const std::string& message,
                  source_span span) const {
  throw query_error{category, std::move(id), message, std::string{m_text}, span};
}

void binder::fail_unsupported(const ast::node& n, std::string_view what) const {
  fail(error_category::unsupported, "unsupported.syntax",
       std::string{what} + " is not supported in queries yet", n.span);
}

std::size_t binder::add_loop_var(const std::string& name, const entity_info& entity,
                                 source_span span) {
  for (std::size_t i = m_scope_floor; i < m_visible; ++i) {
    if (in_view(i) && m_scope[i].name == name) {
      fail(error_category::unsupported, "unsupported.duplicate_variable",
           "loop variable '" + name + "' is already defined", span);
    }
  }
  auto& sources = m_query.sources;
  // A join made earlier may have taken the name as its alias: rename the join.
  for (auto& s : sources) {
    if (s.alias == name) s.alias = unique_alias(name);
  }
  std::size_t index = add_source(
      ir::source{&entity, name, std::nullopt, nullptr, ir::join_kind::none, m_scope_id, true});
  if (m_scope_id == 0) ++m_query.loop_var_count;
  push(scope_entry{name, false, index, nullptr, {}, 0, nullptr, nullptr, {}, 0, false});
  return index;
}

std::size_t binder::add_derived_source(std::shared_ptr<const ir::derived_table> table) {
  std::string alias;
  for (std::size_t n = 1;; ++n) {
    alias = "t-" + std::to_string(n);
    if (unique_alias(alias) == alias) break;
  }
  ir::source s{nullptr, std::move(alias), std::nullopt, nullptr, ir::join_kind::none, m_scope_id,
               false};
  s.derived = std::move(table);
  return add_source(std::move(s));
}

std::size_t binder::add_source(ir::source s) {
  m_query.sources.push_back(std::move(s));
  return m_query.sources.size() - 1;
}

std::string binder::unique_alias(std::string base) const {
  auto taken = [&](const std::string& alias) {
    for (const auto& s : m_query.sources) {
      if (s.alias == alias) return true;
    }
    return false;
  };
  if (!taken(base)) return base;
  for (std::size_t n = 2;; ++n) {
    std::string candidate = base + '-' + std::to_string(n);
    if (!taken(candidate)) return candidate;
  }
}

std::size_t binder::join(std::size_t parent, const attr_info& via) {
  auto& sources = m_query.sources;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (sources[i].parent == parent && sources[i].via == &via) return i;
  }
  const entity_info& target = *via.target_entity;
  std::string alias = target.name;
  for (char& c : alias) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t scope = sources[parent].scope;
  return add_source(ir::source{&target, unique_alias(std::move(alias)), parent, &via,
                               ir::join_kind::to_one, scope, false});
}

const scope_entry* binder::lookup(std::string_view name) const noexcept {
  for (std::size_t i = m_visible; i-- > 0;) {
    if (in_view(i) && m_scope[i].name == name) return &m_scope[i];
  }
  return nullptr;
}

std::vector<std::string> binder::name_candidates() const {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < m_visible; ++i) {
    if (in_view(i)) names.push_back(m_scope[i].name);
  }
  for (const auto& e : m_reg.entities()) names.push_back(e->name);
  for (const auto& [name, value] : *m_args) names.push_back(name);
  return names;
}

ir::expr_ptr binder::bind(const ast::node& n) {
  ir::expr_ptr e = bind_node(n);
  if (e->text == ir::expr::no_text) e->text = m_text_id;
  return e;
}

ir::expr_ptr binder::bind_node(const ast::node& n) {
  if (!m_known_roots.empty()) {
    if (const std::optional<std::size_t> row = known_root_source(n)) {
      return std::make_unique<ir::source_row>(ir::entity_type(*m_query.sources[*row].entity),
                                              n.span, *row);
    }
  }
  switch (n.kind) {
    case ast::node_kind::literal:
      return std::make_unique<ir::constant>(n.span, n.as<ast::literal>().value);
    case ast::node_kind::name: return bind_name(n.as<ast::name>());
    case ast::node_kind::attribute: return bind_attribute(n.as<ast::attribute>());
    case ast::node_kind::call: return bind_call(n.as<ast::call>());
    case ast::node_kind::unary: return bind_unary(n.as<ast::unary>());
    case ast::node_kind::binary: return bind_binary(n.as<ast::binary>());
    case ast::node_kind::compare: return bind_compare(n.as<ast::compare>());
    case ast::node_kind::bool_op: return bind_bool_op(n.as<ast::bool_op>());
    case ast::node_kind::tuple: fail_unsupported(n, "a tuple outside 'in (...)' and the result");
    case ast::node_kind::subscript: return bind_subscript(n.as<ast::subscript>());
    case ast::node_kind::slice: return bind_slice(n.as<ast::slice>());
    case ast::node_kind::conditional: return bind_conditional(n.as<ast::conditional>());
    case ast::node_kind::generator: return bind_generator(n.as<ast::generator>());
    case ast::node_kind::lambda: fail_unsupported(n, "a lambda inside an expression");
    case ast::node_kind::dict: return bind_json_constant(n);
  }
  detail::unreachable("binder::bind_node");
}

ir::expr_ptr binder::bind_condition(const ast::node& n) {
  // `not x` of a value that is not a bool: PonyORM's `x = ''`, `x IS NULL`, NOT EXISTS.
  if (const auto* u = n.try_as<ast::unary>(); u != nullptr && u->op == ast::unary_op::not_) {
    ir::expr_ptr operand = bind(*u->operand);
    if (is_raw_sql(*operand)) operand->type = ir::scalar_type(value_type::boolean);
    if (!operand->type.is_bool()) return truth(std::move(operand), n.span, true);
    // A bool attribute that may be NULL: PonyORM's `(x = 0 OR x IS NULL)`, Python's `not None`.
    const auto* c = operand->try_as<ir::column>();
    ir::expr_ptr null_check =
        c != nullptr && c->attr->column_nullable() ? ir::clone(*operand) : nullptr;
    ir::expr_ptr negated =
        std::make_unique<ir::unary>(operand->type, u->span, ir::unary_op::not_, std::move(operand));
    if (!null_check) return negated;
    auto either = std::make_unique<ir::logical>(u->span, ir::logical_op::or_);
    either->operands.push_back(std::move(negated));
    either->operands.push_back(
        std::make_unique<ir::is_null>(u->span, std::move(null_check), false));
    return either;
  }
  ir::expr_ptr e = bind(n);
  if (is_raw_sql(*e)) e->type = ir::scalar_type(value_type::boolean);  // the user's condition
  if (!e->type.is_bool()) return truth(std::move(e), n.span, false);
  return e;
}

ir::expr_ptr binder::truth(ir::expr_ptr e, source_span span, bool negated) {
  const ir::type t = e->type;
  if (t.collection) return exists_of(std::move(e), negated, span);
  if (t.is(value_type::json)) {
    // PonyORM's JSON_NONZERO: null, false, 0, "", [] and {} are false, as in Python.
    ir::expr_ptr test = std::make_unique<ir::function>(ir::scalar_type(value_type::boolean), span,
                                                       ir::function_kind::json_truth, std::move(e));
    if (!negated) return test;
    return std::make_unique<ir::unary>(ir::scalar_type(value_type::boolean), span,
                                       ir::unary_op::not_, std::move(test));
  }
  if (t.is_entity() || t.is(value_type::date) || t.is(value_type::datetime) ||
      t.is(value_type::time) || t.is(value_type::uuid) || t.is(value_type::bytes) ||
      t.is(value_type::interval)) {
    return std::make_unique<ir::is_null>(span, std::move(e), !negated);
  }
  if (t.is_text() || t.is_number()) {
    // PonyORM: `x <> ''` / `x <> 0`; `not x` is `(x = '' OR x IS NULL)` where x may be NULL.
    value zero = t.is_text() ? value{std::string{}} : value{std::int64_t{0}};
    const auto* c = e->try_as<ir::column>();
    bool nullable = c == nullptr || c->attr->column_nullable();
    ir::expr_ptr null_check = negated && nullable ? ir::clone(*e) : nullptr;
    auto rhs = std::make_unique<ir::constant>(span, std::move(zero));
    ir::expr_ptr test = std::make_unique<ir::compare>(
        span, negated ? ir::compare_op::eq : ir::compare_op::ne, std::move(e), std::move(rhs));
    if (!null_check) return test;
    auto either = std::make_unique<ir::logical>(span, ir::logical_op::or_);
    either->operands.push_back(std::move(test));
    either->operands.push_back(std::make_unique<ir::is_null>(span, std::move(null_check), false));
    return either;
  }
  fail(error_category::type, "type.not_boolean",
       "a condition must be a bool, got " + ir::type_text(t), span);
}

ir::expr_ptr binder::bind_name(const ast::name& n) {
  if (const scope_entry* entry = lookup(n.id)) {
    if (entry->bound != nullptr) {
      ir::expr_ptr e = ir::clone(*entry->bound);
      e->span = n.span;
      return e;
    }
    if (entry->is_alias) return bind_alias(*entry);
    const ir::source& s = m_query.sources[entry->source];
    return std::make_unique<ir::source_row>(ir::entity_type(*s.entity), n.span, entry->source);
  }
  if (auto it = m_args->find(n.id); it != m_args->end()) return bind_param(n, it->second);
  if (m_reg.find(n.id) != nullptr) {
    fail(error_category::unsupported, "unsupported.entity_value",
         "entity " + n.id + " cannot be used as a value; iterate over it with 'for'", n.span);
  }
  fail(error_category::unknown_name, "unknown_name.parameter",
       "name '" + n.id +
           "' is not defined: it is neither a loop variable, an entity nor a parameter passed "
           "with the query" +
           did_you_mean(n.id, name_candidates()),
       n.span);
}

ir::expr_ptr binder::bind_param(const ast::name& n, const param_value& p) {
  if (p.is_sequence()) {
    fail(error_category::type, "type.sequence_parameter",
         "parameter '" + n.id + "' is a sequence: it can only follow 'in'", n.span);
  }
  if (p.is_entity()) {
    const entity_info* entity = p.entity().entity;
    if (entity == nullptr) {
      fail(error_category::usage, "usage.entity_parameter",
           "parameter '" + n.id + "' is an object reference without an entity", n.span);
    }
    return std::make_unique<ir::param>(ir::entity_type(*entity), n.span, m_param_prefix + n.id);
  }
  if (p.is_query()) {
    fail(error_category::type, "type.query_parameter",
         "parameter '" + n.id + "' is a query: it can only be the source of a loop ('for x in " +
             n.id + "') or the right side of 'in' ('x in " + n.id + "')",
         n.span);
  }
  // A None parameter is part of the plan's key (its type), so it can act as the literal None.
  if (p.scalar().is_null()) return std::make_unique<ir::constant>(n.span, value{});
  return std::make_unique<ir::param>(ir::scalar_type(p.scalar().type()), n.span,
                                     m_param_prefix + n.id);
}

ir::expr_ptr binder::bind_alias(const scope_entry& entry) {
  std::string_view saved_text = m_text;
  std::size_t saved_visible = m_visible;
  std::uint16_t saved_id = m_text_id;
  const params* saved_args = m_args;
  std::string saved_prefix = m_param_prefix;
  const std::size_t saved_floor = m_lookup_floor;
  const bool saved_reveal = m_reveal;
  m_text = entry.text;
  m_visible = entry.visible;
  m_lookup_floor = entry.floor;
  m_reveal = entry.args != nullptr;
  m_text_id = entry.args != nullptr ? ir::expr::no_text : m_result_text_id;
  if (entry.args != nullptr) set_args(*entry.args, entry.prefix);
  ir::expr_ptr e = bind(*entry.expr);
  m_text = saved_text;
  m_visible = saved_visible;
  m_lookup_floor = saved_floor;
  m_reveal = saved_reveal;
  m_text_id = saved_id;
  m_args = saved_args;
  m_param_prefix = std::move(saved_prefix);
  return e;
}

ir::expr_ptr binder::join_reference(ir::expr_ptr e) {
  if (is_reverse_single(*e)) return promote(std::move(e));
  if (e->kind != ir::expr_kind::column || !e->type.is_entity()) return e;
  const auto& c = e->as<ir::column>();
  std::size_t target = join(c.source, *c.attr);
  return std::make_unique<ir::source_row>(e->type, e->span, target);
}

}  // namespace nextorm::analyze
