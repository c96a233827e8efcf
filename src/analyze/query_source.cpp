// A query over another query's result, as PonyORM's `select(x for x in q if ...)`: the query q,
// passed as a parameter, is inlined. Its loops and conditions (with those of its where() and
// filter()) join this query, its parameters are bound under the prefix `q.`, and the loop's
// targets stand for q's result items (`for a, b in q` unpacks a tuple result).
#include "analyze/analyzer.hpp"

#include "ir/query_spec.hpp"
#include "parse/parser.hpp"

namespace nextorm::analyze {

namespace {

bool is_aggregate_name(std::string_view name) noexcept {
  return name == "count" || name == "sum" || name == "avg" || name == "min" || name == "max" ||
         name == "group_concat";
}

// True when `n` calls an aggregate of its own query (nested generators have their own).
bool has_aggregate_call(const ast::node& n) {
  switch (n.kind) {
    case ast::node_kind::call: {
      const auto& c = n.as<ast::call>();
      if (const auto* f = c.func->try_as<ast::name>(); f != nullptr && is_aggregate_name(f->id)) {
        return true;
      }
      if (has_aggregate_call(*c.func)) return true;
      for (const auto& a : c.args) {
        if (a->kind != ast::node_kind::generator && has_aggregate_call(*a)) return true;
      }
      return false;
    }
    case ast::node_kind::attribute: return has_aggregate_call(*n.as<ast::attribute>().object);
    case ast::node_kind::unary: return has_aggregate_call(*n.as<ast::unary>().operand);
    case ast::node_kind::binary:
      return has_aggregate_call(*n.as<ast::binary>().lhs) ||
             has_aggregate_call(*n.as<ast::binary>().rhs);
    case ast::node_kind::compare: {
      const auto& c = n.as<ast::compare>();
      if (has_aggregate_call(*c.first)) return true;
      for (const auto& cmp : c.rest) {
        if (has_aggregate_call(*cmp.rhs)) return true;
      }
      return false;
    }
    case ast::node_kind::bool_op:
      for (const auto& operand : n.as<ast::bool_op>().operands) {
        if (has_aggregate_call(*operand)) return true;
      }
      return false;
    case ast::node_kind::subscript:
      return has_aggregate_call(*n.as<ast::subscript>().object) ||
             has_aggregate_call(*n.as<ast::subscript>().index);
    case ast::node_kind::slice: {
      const auto& s = n.as<ast::slice>();
      return has_aggregate_call(*s.object) || (s.start && has_aggregate_call(*s.start)) ||
             (s.stop && has_aggregate_call(*s.stop));
    }
    case ast::node_kind::tuple:
      for (const auto& item : n.as<ast::tuple>().items) {
        if (has_aggregate_call(*item)) return true;
      }
      return false;
    case ast::node_kind::conditional: {
      const auto& c = n.as<ast::conditional>();
      return has_aggregate_call(*c.then) || has_aggregate_call(*c.cond) ||
             has_aggregate_call(*c.otherwise);
    }
    default: return false;
  }
}

}  // namespace

void analyzer::bind_query_source(const ast::for_clause& clause, const ast::name& name,
                                 const nested_query& q, bool first) {
  const std::string_view outer_text = m_binder.text();
  const params& outer_args = m_binder.args();
  const std::string outer_prefix = m_binder.param_prefix();
  const source_span at = name.span;
  // Entity.select(condition) is the generator it stands for.
  std::string_view text = q.text;
  if (!q.entity.empty()) {
    ast::node_ptr condition = q.text.empty() ? nullptr : parse::parse_expression(q.text);
    m_source_texts.push_back(std::make_unique<std::string>(
        entity_generator_text(m_binder.reg(), q.args, q.entity, condition.get())));
    text = *m_source_texts.back();
  }
  m_source_trees.push_back(parse::parse_generator(text));
  const auto& g = m_source_trees.back()->as<ast::generator>();
  if (g.left_join) {
    m_binder.fail(error_category::unsupported, "unsupported.query_source",
                  "query '" + name.id +
                      "' cannot be a loop source: it is a left_join; write its loops into this "
                      "query instead",
                  at);
  }
  if (has_aggregate_call(*g.result)) return bind_derived_source(clause, name, q, g, text);
  // A later loop joins q's rows as a set (PonyORM: a derived table `SELECT m.* ...`), which is
  // its loop and conditions inlined when q selects the objects of its only loop.
  const auto* only = g.result->try_as<ast::name>();
  if (!first && (g.fors.size() != 1 || only == nullptr || g.fors.front().targets.size() != 1 ||
                 only->id != g.fors.front().targets.front())) {
    m_binder.fail(error_category::unsupported, "unsupported.query_source",
                  "query '" + name.id +
                      "' in a loop after the first must select the objects of its only loop "
                      "(like 'm for m in Student if ...'); make it the source of the first loop",
                  at);
  }
  std::vector<ir::order_item> outer_order = std::move(m_source_order);
  m_source_order.clear();
  const std::string prefix = outer_prefix + name.id + ".";
  m_binder.set_text(text);
  m_binder.set_text_id(ir::expr::no_text);
  m_binder.set_args(q.args, prefix);
  const std::size_t first_source = m_query.sources.size();
  // q's texts see only q's names; q's loop variables are hidden from this query's texts.
  const std::size_t start = m_binder.scope_size();
  const std::size_t outer_floor = m_binder.lookup_floor();
  m_binder.set_lookup_floor(start);
  bind_fors(g);
  const std::size_t visible = m_binder.scope_size();
  // The result items, for the lambda of filter() and for the targets.
  std::vector<const ast::node*> items;
  if (const auto* t = g.result->try_as<ast::tuple>()) {
    for (const auto& item : t->items) items.push_back(item.get());
  } else {
    items.push_back(g.result.get());
  }
  const std::string_view g_text = text;
  for (const auto& [kind, text] : q.modifiers) {
    const auto k = static_cast<ir::modifier_kind>(kind);
    if (k == ir::modifier_kind::for_update) {
      m_binder.set_text(outer_text);
      m_binder.fail(error_category::unsupported, "unsupported.query_source",
                    "query '" + name.id +
                        "' cannot be a loop source: it has for_update(); call for_update() on "
                        "this query instead",
                    at);
    }
    if (k == ir::modifier_kind::order_by) {
      m_source_trees.push_back(parse::parse_expression(text));
      bind_source_order(*m_source_trees.back(), text, items, g_text, visible, q, prefix);
      continue;
    }
    if (k != ir::modifier_kind::filter && k != ir::modifier_kind::where) continue;
    m_source_trees.push_back(parse::parse_expression(text));
    m_binder.set_text(text);
    const ast::node& condition = *m_source_trees.back();
    const auto* l = condition.try_as<ast::lambda>();
    if (l == nullptr) {
      add_condition(condition);
      continue;
    }
    // filter(lambda): the arguments are the result items; where(lambda): the loop variables.
    std::vector<scope_entry> arguments;
    if (k == ir::modifier_kind::filter) {
      for (const ast::node* item : items) {
        arguments.push_back(
            scope_entry{{}, true, 0, item, text, visible, nullptr, &q.args, prefix, start, false});
      }
    } else {
      for (std::size_t i = first_source; i < m_query.sources.size(); ++i) {
        if (!m_query.sources[i].loop_var || m_query.sources[i].scope != 0) continue;
        arguments.push_back(
            scope_entry{{}, false, i, nullptr, {}, 0, nullptr, nullptr, {}, 0, false});
      }
    }
    if (arguments.size() != l->params.size()) {
      m_binder.fail(error_category::type, "type.arguments",
                    "the lambda takes " + std::to_string(l->params.size()) + " argument(s) but " +
                        std::to_string(arguments.size()) + " are given",
                    l->span);
    }
    const std::size_t saved = m_binder.scope_size();
    for (std::size_t i = 0; i < arguments.size(); ++i) {
      arguments[i].name = l->params[i];
      m_binder.push(std::move(arguments[i]));
    }
    add_condition(*l->body);
    m_binder.pop_to(saved);
  }
  if (first) {
    for (auto& item : m_source_order) outer_order.push_back(std::move(item));
  }
  m_source_order = std::move(outer_order);
  m_binder.hide_from(start);
  m_binder.set_lookup_floor(outer_floor);
  m_binder.set_text(outer_text);
  m_binder.set_text_id(0);
  m_binder.set_args(outer_args, outer_prefix);
  if (clause.targets.size() != items.size()) {
    const bool tuple = g.result->kind == ast::node_kind::tuple;
    m_binder.fail(error_category::type, "type.unpacking",
                  tuple ? "query '" + name.id + "' gives " + std::to_string(items.size()) +
                              " items per row: unpack them into as many loop variables (for a, b "
                              "in " +
                              name.id + ")"
                        : "query '" + name.id + "' gives one item per row, not " +
                              std::to_string(clause.targets.size()),
                  clause.target_spans.front());
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    m_binder.push(scope_entry{clause.targets[i], true, 0, items[i], text, visible, nullptr, &q.args,
                              prefix, start, false});
  }
}

// PonyORM's derived table: `FROM (SELECT "s"."year" AS "a", COUNT(...) AS "b" ... GROUP BY ...)
// "t-1"`. Its rows are groups, which no join of this query could restore, so q is analyzed on
// its own; the targets name its columns, and an object target is its key (a reference).
void analyzer::bind_derived_source(const ast::for_clause& clause, const ast::name& name,
                                   const nested_query& q, const ast::generator& g,
                                   std::string_view text) {
  const std::string prefix = m_binder.param_prefix() + name.id + ".";
  analyzer inner{m_binder.reg(), q.args};
  inner.m_binder.set_args(q.args, prefix);
  inner.m_binder.set_text_id(ir::expr::no_text);
  inner.generator(g, text);
  for (const auto& [kind, modifier] : q.modifiers) {
    const auto k = static_cast<ir::modifier_kind>(kind);
    if (k == ir::modifier_kind::for_update) {
      m_binder.fail(error_category::unsupported, "unsupported.query_source",
                    "query '" + name.id +
                        "' cannot be a loop source: it has for_update(); call for_update() on "
                        "this query instead",
                    name.span);
    }
    // The rows of a derived table have no order; distinct() changes nothing of groups.
    if (k != ir::modifier_kind::filter && k != ir::modifier_kind::where) continue;
    m_source_trees.push_back(parse::parse_expression(modifier));
    inner.m_binder.set_text_id(ir::expr::no_text);
    if (k == ir::modifier_kind::filter) {
      inner.filter(*m_source_trees.back(), modifier);
    } else {
      inner.where(*m_source_trees.back(), modifier);
    }
  }
  auto table = std::make_shared<ir::derived_table>();
  table->query = inner.finish();
  const auto& items = table->query.result.items;
  if (clause.targets.size() != items.size()) {
    m_binder.fail(error_category::type, "type.unpacking",
                  items.size() > 1
                      ? "query '" + name.id + "' gives " + std::to_string(items.size()) +
                            " items per row: unpack them into as many loop "
                            "variables (for a, b in " +
                            name.id + ")"
                      : "query '" + name.id + "' gives one item per row, not " +
                            std::to_string(clause.targets.size()),
                  clause.target_spans.front());
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    const ir::type& t = items[i].expr->type;
    attr_info& column = table->columns.emplace_back();
    column.name = clause.targets[i];
    column.column = clause.targets[i];
    column.nullable = true;
    if (t.is_entity()) {
      column.kind = attr_kind::single;
      column.optional = true;
      column.target = t.entity->name;
      column.target_entity = t.entity;
      column.type = t.entity->pk().type;
    } else {
      column.kind = attr_kind::opt;
      column.type = t.scalar;
    }
    table->query.column_aliases.push_back(clause.targets[i]);
  }
  const std::size_t source = m_binder.add_derived_source(table);
  for (std::size_t i = 0; i < items.size(); ++i) {
    m_derived_targets.push_back(std::make_unique<ir::column>(
        items[i].expr->type, clause.target_spans[i], source, table->columns[i]));
    m_binder.push(scope_entry{clause.targets[i],
                              false,
                              source,
                              nullptr,
                              {},
                              0,
                              m_derived_targets.back().get(),
                              nullptr,
                              {},
                              0,
                              false});
  }
}

}  // namespace nextorm::analyze
