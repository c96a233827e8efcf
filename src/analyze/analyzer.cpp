// The clauses of a query: loop variables, conditions, result, method chain, terminal.
#include "analyze/analyzer.hpp"

#include "common/suggest.hpp"

#include <cctype>

namespace nextorm::analyze {

namespace {

std::vector<std::string> entity_names(const registry& reg) {
  std::vector<std::string> names;
  for (const auto& e : reg.entities()) names.push_back(e->name);
  return names;
}

std::string_view slice(std::string_view text, source_span span) noexcept {
  return text.substr(span.begin, span.end - span.begin);
}

// The first `name.attr` (in text order) whose name is neither an entity nor a parameter: the
// implicit loop variable of `Product.select("p.price < 20")`.
void find_implicit_variable(const ast::node& n, const registry& reg, const params& args,
                            const ast::name*& best) {
  // Every child visited here is required by the grammar (optional ones, such as a slice's
  // bounds, belong to nodes this walk does not enter). Children are visited in the grammar's
  // left-to-right order, so the first such name found is the first in the text.
  auto visit = [&](const ast::node_ptr& child) { find_implicit_variable(*child, reg, args, best); };
  switch (n.kind) {
    case ast::node_kind::attribute: {
      const auto& a = n.as<ast::attribute>();
      const auto* name = a.object->try_as<ast::name>();
      if (best == nullptr && name != nullptr && reg.find(name->id) == nullptr &&
          !args.contains(name->id)) {
        best = name;
      }
      visit(a.object);
      break;
    }
    case ast::node_kind::call: {
      const auto& c = n.as<ast::call>();
      visit(c.func);
      for (const auto& arg : c.args) visit(arg);
      for (const auto& kw : c.kwargs) visit(kw.value);
      break;
    }
    case ast::node_kind::unary: visit(n.as<ast::unary>().operand); break;
    case ast::node_kind::binary:
      visit(n.as<ast::binary>().lhs);
      visit(n.as<ast::binary>().rhs);
      break;
    case ast::node_kind::compare:
      visit(n.as<ast::compare>().first);
      for (const auto& c : n.as<ast::compare>().rest) visit(c.rhs);
      break;
    case ast::node_kind::bool_op:
      for (const auto& operand : n.as<ast::bool_op>().operands) visit(operand);
      break;
    case ast::node_kind::tuple:
      for (const auto& item : n.as<ast::tuple>().items) visit(item);
      break;
    default: break;  // other nodes are rejected when bound
  }
}

}  // namespace

std::string entity_generator_text(const registry& reg, const params& args,
                                  const std::string& entity, const ast::node* condition) {
  const entity_info* e = reg.find(entity);
  std::string var;
  const ast::node* body = condition;
  if (const auto* l = condition != nullptr ? condition->try_as<ast::lambda>() : nullptr) {
    if (l->params.size() == 1) {
      var = l->params.front();
      body = l->body.get();
    }
  } else if (condition != nullptr) {
    const ast::name* implicit = nullptr;
    find_implicit_variable(*condition, reg, args, implicit);
    if (implicit != nullptr) var = implicit->id;
  }
  if (var.empty()) {
    const std::string& name = e != nullptr ? e->name : entity;
    var = std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(name.front()))));
  }
  std::string text = var + " for " + var + " in " + entity;
  if (body != nullptr) text += " if " + ast::to_string(*body);
  return text;
}

analyzer::analyzer(const registry& reg, const params& args) : m_binder{reg, args, m_query} {}

void analyzer::bind_fors(const ast::generator& g) {
  for (const auto& clause : g.fors) {
    const auto* source = clause.source->try_as<ast::name>();
    if (source != nullptr && m_binder.args().contains(source->id) &&
        m_binder.args().find(source->id)->second.is_query()) {
      // `for x in q`: a query passed as a parameter (query_source.cpp).
      const bool first = &clause == &g.fors.front();
      if (!first && g.left_join) {
        m_binder.fail(error_category::unsupported, "unsupported.left_join_source",
                      "a loop of left_join() after the first must iterate a collection of an "
                      "earlier loop variable (like 'for p in c.products'), not the query '" +
                          source->id + "'",
                      source->span);
      }
      bind_query_source(clause, *source, m_binder.args().find(source->id)->second.query(), first);
      for (const auto& condition : clause.conditions) add_condition(*condition);
      continue;
    }
    if (clause.targets.size() != 1) {
      m_binder.fail(error_category::unsupported, "unsupported.unpacking",
                    "unpacking several loop variables is only supported over a query",
                    clause.target_spans.front());
    }
    if (g.left_join && &clause != &g.fors.front() && source != nullptr) {
      // PonyORM: every loop after the first hangs on an earlier one, so it can be LEFT JOINed.
      m_binder.fail(error_category::unsupported, "unsupported.left_join_source",
                    "a loop of left_join() after the first must iterate a collection of an "
                    "earlier loop variable (like 'for p in c.products'), not '" +
                        source->id + "'",
                    source->span);
    }
    if (source == nullptr) {
      // `for c in s.courses`: a collection of an earlier loop variable.
      m_binder.add_collection_loop_var(clause.targets.front(), *clause.source,
                                       clause.target_spans.front(), m_query.filter);
      for (const auto& condition : clause.conditions) add_condition(*condition);
      continue;
    }
    const entity_info* entity = m_binder.reg().find(source->id);
    if (entity == nullptr) {
      m_binder.fail(error_category::unknown_name, "unknown_name.entity",
                    "unknown entity '" + source->id + "'" +
                        did_you_mean(source->id, entity_names(m_binder.reg())),
                    source->span);
    }
    m_binder.add_loop_var(clause.targets.front(), *entity, clause.target_spans.front());
    for (const auto& condition : clause.conditions) add_condition(*condition);
  }
}

void analyzer::generator(const ast::generator& g, std::string_view text) {
  m_binder.set_text(text);
  bind_fors(g);
  m_base_scope = m_binder.scope_size();
  m_left_join = g.left_join;
  bind_result(*g.result, text);
}

void analyzer::entity(std::string_view entity_name, const ast::node* condition,
                      std::string_view text) {
  const entity_info* entity = m_binder.reg().find(entity_name);
  if (entity == nullptr) {
    throw query_error{error_category::unknown_name, "unknown_name.entity",
                      "unknown entity '" + std::string{entity_name} + "'" +
                          did_you_mean(entity_name, entity_names(m_binder.reg())),
                      std::string{entity_name},
                      source_span{0, static_cast<std::uint32_t>(entity_name.size())}};
  }
  m_binder.set_text(text);
  const ast::node* body = condition;
  std::string name;
  source_span span{};
  if (const auto* l = condition ? condition->try_as<ast::lambda>() : nullptr) {
    if (l->params.size() != 1) {
      m_binder.fail(error_category::type, "type.arguments",
                    "the lambda of " + entity->name + ".select() takes 1 argument, got " +
                        std::to_string(l->params.size()),
                    l->span);
    }
    name = l->params.front();
    span = l->param_spans.front();
    body = l->body.get();
  } else {
    const ast::name* implicit = nullptr;
    if (condition != nullptr)
      find_implicit_variable(*condition, m_binder.reg(), m_binder.args(), implicit);
    if (implicit != nullptr) {
      name = implicit->id;
    } else {
      name = std::string(
          1, static_cast<char>(std::tolower(static_cast<unsigned char>(entity->name.front()))));
    }
  }
  m_binder.add_loop_var(name, *entity, span);
  m_base_scope = m_binder.scope_size();
  m_binder.set_result_text_id(ir::expr::no_text);
  m_binder.set_text_id(ir::expr::no_text);
  m_implicit_text = name;
  m_implicit_node = std::make_unique<ast::name>(
      source_span{0, static_cast<std::uint32_t>(m_implicit_text.size())}, m_implicit_text);
  bind_result(*m_implicit_node, m_implicit_text);
  m_binder.set_text_id(0);
  if (body != nullptr) {
    m_binder.set_text(text);
    add_condition(*body);
  }
}

void analyzer::bind_result(const ast::node& result, std::string_view text) {
  m_binder.set_text(text);
  m_result_text = text;
  m_result_span = result.span;
  auto& r = m_query.result;
  if (const auto* t = result.try_as<ast::tuple>()) {
    r.is_tuple = true;
    for (const auto& item : t->items) m_result_nodes.push_back(item.get());
  } else {
    m_result_nodes.push_back(&result);
  }
  for (const ast::node* node : m_result_nodes) {
    ir::expr_ptr e = m_binder.bind(*node);
    // A collection (`s.courses`, `s.courses.name`) selects its elements: a join.
    if (e->type.collection) e = m_binder.flatten(std::move(e), m_query.filter);
    if (m_binder.is_path_aggregate(*e)) e = m_binder.left_join_aggregate(std::move(e));
    // A lone reference is selected as the whole object (a join); in a tuple, as its key.
    if (!r.is_tuple) e = m_binder.join_reference(std::move(e));
    if (e->kind == ir::expr_kind::param && e->type.is_entity()) {
      m_binder.fail(error_category::unsupported, "unsupported.result",
                    "an object passed as a parameter cannot be a result item", node->span);
    }
    r.items.push_back(ir::result_item{std::move(e), std::string{slice(text, node->span)}});
  }
}

void analyzer::add_condition(const ast::node& condition) {
  ir::expr_ptr e = m_binder.bind_condition(condition);
  // A condition on an aggregate filters groups: HAVING, as in PonyORM; the other conjuncts of
  // an `and` stay in WHERE.
  std::vector<ir::expr_ptr> parts;
  if (e->kind == ir::expr_kind::logical && e->as<ir::logical>().op == ir::logical_op::and_ &&
      ir::has_aggregate(*e)) {
    parts = std::move(e->as<ir::logical>().operands);
  } else {
    parts.push_back(std::move(e));
  }
  for (auto& part : parts) {
    (ir::has_aggregate(*part) ? m_query.having : m_query.filter).push_back(std::move(part));
  }
}

void analyzer::with_result_lambda(const ast::lambda& l,
                                  void (analyzer::*bind_body)(const ast::node&)) {
  if (l.params.size() != m_result_nodes.size()) {
    m_binder.fail(error_category::type, "type.arguments",
                  "the lambda takes " + std::to_string(l.params.size()) +
                      " argument(s) but the query's result has " +
                      std::to_string(m_result_nodes.size()) + " item(s)",
                  l.span);
  }
  std::size_t saved = m_binder.scope_size();
  for (std::size_t i = 0; i < l.params.size(); ++i) {
    m_binder.push(scope_entry{l.params[i],
                              true,
                              0,
                              m_result_nodes[i],
                              m_result_text,
                              m_base_scope,
                              nullptr,
                              nullptr,
                              {},
                              0,
                              false});
  }
  (this->*bind_body)(*l.body);
  m_binder.pop_to(saved);
}

void analyzer::filter(const ast::node& condition, std::string_view text) {
  m_binder.set_text(text);
  if (const auto* l = condition.try_as<ast::lambda>()) {
    with_result_lambda(*l, &analyzer::add_condition);
  } else {
    add_condition(condition);
  }
}

void analyzer::where(const ast::node& condition, std::string_view text) {
  m_binder.set_text(text);
  const auto* l = condition.try_as<ast::lambda>();
  if (l == nullptr) return add_condition(condition);
  if (l->params.size() != m_query.loop_var_count) {
    m_binder.fail(error_category::type, "type.arguments",
                  "the lambda of where() takes " + std::to_string(l->params.size()) +
                      " argument(s) but the query has " + std::to_string(m_query.loop_var_count) +
                      " loop variable(s)",
                  l->span);
  }
  std::size_t saved = m_binder.scope_size();
  std::size_t var = 0;
  for (std::size_t i = 0; i < m_query.sources.size(); ++i) {
    if (!m_query.sources[i].loop_var || m_query.sources[i].scope != 0) continue;
    m_binder.push(
        scope_entry{l->params[var++], false, i, nullptr, {}, 0, nullptr, nullptr, {}, 0, false});
  }
  add_condition(*l->body);
  m_binder.pop_to(saved);
}

}  // namespace nextorm::analyze
