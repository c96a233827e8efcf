// The terminal, the automatic DISTINCT, grouping by the plain items next to aggregates.
#include "analyze/analyzer.hpp"

#include <algorithm>
#include <functional>

namespace nextorm::analyze {

void analyzer::terminal(ir::terminal t, bool distinct_aggregate, bool has_limit, bool has_offset) {
  m_query.terminal = t;
  m_query.distinct_aggregate = distinct_aggregate;
  m_query.has_limit = has_limit;
  m_query.has_offset = has_offset;
}

// PonyORM: rows are distinct unless the result holds every loop variable's key, since
// otherwise the loops can repeat a row.
bool analyzer::auto_distinct() const noexcept {
  // PonyORM never makes a result with a json item distinct (PostgreSQL's json has no equality).
  for (const auto& item : m_query.result.items) {
    if (item.expr->type.is(value_type::json)) return false;
  }
  for (std::size_t s = 0; s < m_query.sources.size(); ++s) {
    const ir::source& src = m_query.sources[s];
    // A to-many join (a collection selected as a result item) repeats rows like a loop.
    bool to_many = src.join == ir::join_kind::through ||
                   (src.join == ir::join_kind::reverse && src.via->kind == attr_kind::set);
    if (src.scope != 0 || !(src.loop_var || to_many)) continue;
    bool has_key = false;
    for (const auto& item : m_query.result.items) {
      const ir::expr& e = *item.expr;
      if (const auto* row = e.try_as<ir::source_row>()) has_key = has_key || row->source == s;
      // (A composite key's attributes each hold part of it.)
      if (const auto* c = e.try_as<ir::column>()) {
        const entity_info& entity = *m_query.sources[s].entity;
        has_key = has_key || (c->source == s && !entity.composite_key() && c->attr == &entity.pk());
      }
    }
    if (!has_key) return true;
  }
  return false;
}

void analyzer::check_terminal() const {
  const auto& items = m_query.result.items;
  auto fail = [&](const std::string& id, const std::string& message) {
    throw query_error{error_category::type, id, message, std::string{m_result_text}, m_result_span};
  };
  auto what = [&] {
    if (items.size() != 1) return std::to_string(items.size()) + " items";
    return ir::type_text(items.front().expr->type);
  };
  switch (m_query.terminal) {
    case ir::terminal::sum:
    case ir::terminal::avg:
      if (items.size() != 1 || !items.front().expr->type.is_number()) {
        fail("type.aggregate_result",
             std::string{m_query.terminal == ir::terminal::sum ? "sum" : "avg"} +
                 "() needs a query whose result is one number, got " + what());
      }
      break;
    case ir::terminal::min:
    case ir::terminal::max:
      if (items.size() != 1 || items.front().expr->type.is_entity()) {
        fail("type.aggregate_result",
             std::string{m_query.terminal == ir::terminal::min ? "min" : "max"} +
                 "() needs a query whose result is one value, got " + what());
      }
      break;
    case ir::terminal::group_concat:
      // A collection result item was flattened into its elements (analyzer::result).
      if (items.size() != 1) {
        fail("type.aggregate_result",
             "group_concat() needs a query whose result is one value, got " + what());
      }
      break;
    case ir::terminal::remove:
      if (items.size() != 1 || items.front().expr->kind != ir::expr_kind::source_row ||
          !m_query.group_by.empty()) {
        fail("type.remove_result", "remove() needs a query whose result is objects, got " + what());
      }
      break;
    case ir::terminal::update:
      // (Each assignment checked the result: objects of one entity.)
      if (m_query.assignments.empty()) {
        fail("type.update_result", "update() needs at least one attribute to set");
      }
      break;
    default: break;
  }
}

// PonyORM: in a grouped query a condition on a path's aggregate (`count(c.orders) > 1` beside
// the result `(c.name, count(c.orders))`) filters the groups, over the LEFT JOIN of the path, as
// the result's aggregate does; the groups are those of the result's values, not one object's.
// Only where that changes no other answer: the path's join is the result's own (a new LEFT
// JOIN would multiply the rows another aggregate sums), and everything else the condition reads
// is grouped (HAVING can read nothing else; no other nested query, which may read any column).
void analyzer::lift_path_aggregates() {
  // Each conjunct of an `and` on its own.
  std::vector<ir::expr_ptr> conditions;
  for (auto& condition : m_query.filter) {
    if (condition->kind == ir::expr_kind::logical &&
        condition->as<ir::logical>().op == ir::logical_op::and_) {
      for (auto& part : condition->as<ir::logical>().operands)
        conditions.push_back(std::move(part));
    } else {
      conditions.push_back(std::move(condition));
    }
  }
  std::vector<ir::expr_ptr> kept;
  for (auto& condition : conditions) {
    bool paths = false;
    bool movable = true;
    std::function<void(ir::expr_ptr&)> check = [&](ir::expr_ptr& e) {
      if (m_binder.is_path_aggregate(*e)) {
        paths = true;
        movable = movable && m_binder.shares_left_join(*e);
        return;
      }
      if (e->kind == ir::expr_kind::subquery) {
        movable = false;
        return;
      }
      if (e->kind == ir::expr_kind::column || e->kind == ir::expr_kind::source_row) {
        movable = movable && std::any_of(m_query.group_by.begin(), m_query.group_by.end(),
                                         [&](const ir::expr_ptr& g) { return ir::equals(*g, *e); });
        return;
      }
      ir::for_each_operand(*e, check);
    };
    check(condition);
    if (!paths || !movable) {
      kept.push_back(std::move(condition));
      continue;
    }
    std::function<void(ir::expr_ptr&)> lift = [&](ir::expr_ptr& e) {
      if (m_binder.is_path_aggregate(*e)) {
        e = m_binder.left_join_aggregate(std::move(e));
        return;
      }
      ir::for_each_operand(*e, lift);
    };
    lift(condition);
    m_query.having.push_back(std::move(condition));
  }
  m_query.filter = std::move(kept);
}

ir::query analyzer::finish() {
  if (m_left_join) {
    // PonyORM's left_join: the loops after the first and every implicit join of the query
    // itself are LEFT JOINs, so that a row of the first loop without partners stays.
    for (auto& s : m_query.sources) {
      if (s.scope == 0 && s.is_join()) s.left = true;
    }
  }
  bool grouped = false;
  for (const auto& item : m_query.result.items) grouped = grouped || ir::has_aggregate(*item.expr);
  grouped = grouped || !m_query.having.empty();
  if (grouped) {
    for (const auto& item : m_query.result.items) {
      if (!ir::has_aggregate(*item.expr)) m_query.group_by.push_back(ir::clone(*item.expr));
    }
    lift_path_aggregates();
  }
  if (!grouped) {
    for (auto& item : m_source_order) m_query.order.push_back(std::move(item));
  }
  check_terminal();
  // Grouped rows are distinct already.
  m_query.distinct = m_distinct.value_or(!grouped && auto_distinct());
  // PonyORM's count() of one value counts distinct values even after without_distinct(); the
  // rows of an object or a tuple are counted as they come.
  if (m_query.terminal == ir::terminal::count && m_query.result.items.size() == 1 && !grouped &&
      m_query.result.items.front().expr->type.entity == nullptr && auto_distinct()) {
    m_query.distinct = true;
  }
  // first() without an order: PonyORM orders by the result columns (an object by its key).
  if (m_query.terminal == ir::terminal::first && m_query.order.empty()) {
    for (std::size_t i = 1; i <= m_query.result.items.size(); ++i) {
      m_query.order.push_back(ir::order_item{nullptr, i, false});
    }
  }
  return std::move(m_query);
}

}  // namespace nextorm::analyze
