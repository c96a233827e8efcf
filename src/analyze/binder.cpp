// Names, scopes and implicit joins; the dispatch over AST node kinds.
#include "analyze/binder.hpp"

#include "common/suggest.hpp"

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
  for (std::size_t i = 0; i < m_visible; ++i) {
    if (m_scope[i].name == name) {
      fail(error_category::unsupported, "unsupported.duplicate_variable",
           "loop variable '" + name + "' is already defined", span);
    }
  }
  auto& sources = m_query.sources;
  // A join made earlier may have taken the name as its alias: rename the join.
  for (auto& s : sources) {
    if (s.alias == name) s.alias = unique_alias(name);
  }
  sources.push_back(ir::source{&entity, name, std::nullopt, nullptr});
  std::size_t index = sources.size() - 1;
  ++m_query.loop_var_count;
  push(scope_entry{name, false, index, nullptr, {}, 0});
  return index;
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
  sources.push_back(ir::source{&target, unique_alias(std::move(alias)), parent, &via});
  return sources.size() - 1;
}

const scope_entry* binder::lookup(std::string_view name) const noexcept {
  for (std::size_t i = m_visible; i-- > 0;) {
    if (m_scope[i].name == name) return &m_scope[i];
  }
  return nullptr;
}

std::vector<std::string> binder::name_candidates() const {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < m_visible; ++i) names.push_back(m_scope[i].name);
  for (const auto& e : m_reg.entities()) names.push_back(e->name);
  for (const auto& [name, value] : m_args) names.push_back(name);
  return names;
}

ir::expr_ptr binder::bind(const ast::node& n) {
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
    case ast::node_kind::subscript: fail_unsupported(n, "indexing");
    case ast::node_kind::slice: fail_unsupported(n, "slicing");
    case ast::node_kind::conditional: fail_unsupported(n, "a conditional expression");
    case ast::node_kind::generator: fail_unsupported(n, "a nested query");
    case ast::node_kind::lambda: fail_unsupported(n, "a lambda inside an expression");
  }
  fail_unsupported(n, "this expression");
}

ir::expr_ptr binder::bind_condition(const ast::node& n) {
  ir::expr_ptr e = bind(n);
  if (!e->type.is_bool()) {
    fail(error_category::type, "type.not_boolean",
         "a condition must be a bool, got " + ir::type_text(e->type), n.span);
  }
  return e;
}

ir::expr_ptr binder::bind_name(const ast::name& n) {
  if (const scope_entry* entry = lookup(n.id)) {
    if (entry->is_alias) return bind_alias(*entry);
    const ir::source& s = m_query.sources[entry->source];
    return std::make_unique<ir::source_row>(ir::entity_type(*s.entity), n.span, entry->source);
  }
  if (auto it = m_args.find(n.id); it != m_args.end()) return bind_param(n, it->second);
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
    return std::make_unique<ir::param>(ir::entity_type(*entity), n.span, n.id);
  }
  // A None parameter is part of the plan's key (its type), so it can act as the literal None.
  if (p.scalar().is_null()) return std::make_unique<ir::constant>(n.span, value{});
  return std::make_unique<ir::param>(ir::scalar_type(p.scalar().type()), n.span, n.id);
}

ir::expr_ptr binder::bind_alias(const scope_entry& entry) {
  std::string_view saved_text = m_text;
  std::size_t saved_visible = m_visible;
  m_text = entry.text;
  m_visible = entry.visible;
  ir::expr_ptr e = bind(*entry.expr);
  m_text = saved_text;
  m_visible = saved_visible;
  return e;
}

ir::expr_ptr binder::join_reference(ir::expr_ptr e) {
  if (e->kind != ir::expr_kind::column || !e->type.is_entity()) return e;
  const auto& c = e->as<ir::column>();
  std::size_t target = join(c.source, *c.attr);
  return std::make_unique<ir::source_row>(e->type, e->span, target);
}

}  // namespace nextorm::analyze
