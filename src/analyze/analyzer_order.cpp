// order_by(): expressions with desc(), or result column numbers (negative: descending).
#include "analyze/analyzer.hpp"

#include <limits>

namespace nextorm::analyze {

namespace {

// The column number of `-2` or `1`, if the node is one.
std::optional<std::int64_t> position_literal(const ast::node& n) {
  const ast::node* operand = &n;
  bool negative = false;
  if (const auto* u = n.try_as<ast::unary>(); u != nullptr && u->op == ast::unary_op::neg) {
    operand = u->operand.get();
    negative = true;
  }
  const auto* l = operand->try_as<ast::literal>();
  if (l == nullptr || l->value.type() != value_type::integer) return std::nullopt;
  const std::int64_t v = l->value.as_int();
  if (!negative) return v;
  // -(-9223372036854775808) is out of every range: the largest int64 says so without overflow.
  return v == std::numeric_limits<std::int64_t>::min() ? std::numeric_limits<std::int64_t>::max()
                                                       : -v;
}

std::vector<const ast::node*> items_of(const ast::node& n) {
  std::vector<const ast::node*> items;
  if (const auto* t = n.try_as<ast::tuple>()) {
    for (const auto& item : t->items) items.push_back(item.get());
  } else {
    items.push_back(&n);
  }
  return items;
}

}  // namespace

void analyzer::order_by(const ast::node& order, std::string_view text) {
  m_binder.set_text(text);
  if (const auto* l = order.try_as<ast::literal>(); l != nullptr && l->value.is_null()) {
    m_query.order.clear();  // order_by(None), which drops the order of a query source too
    m_source_order.clear();
    return;
  }
  m_new_order.clear();
  if (const auto* l = order.try_as<ast::lambda>()) {
    with_result_lambda(*l, &analyzer::bind_order);
  } else {
    bind_order(order);
  }
  // A later order_by() takes precedence over the earlier ones, which break its ties.
  for (auto& item : m_query.order) m_new_order.push_back(std::move(item));
  m_query.order = std::move(m_new_order);
}

void analyzer::bind_source_order(const ast::node& order, std::string_view text,
                                 const std::vector<const ast::node*>& items,
                                 std::string_view items_text, std::size_t visible,
                                 const nested_query& q, const std::string& prefix) {
  m_binder.set_text(text);
  if (const auto* l = order.try_as<ast::literal>(); l != nullptr && l->value.is_null()) {
    m_source_order.clear();
    return;
  }
  m_new_order.clear();
  m_position_items = &items;
  m_position_text = items_text;
  const std::size_t saved = m_binder.scope_size();
  const ast::node* body = &order;
  if (const auto* l = order.try_as<ast::lambda>()) {
    if (l->params.size() != items.size()) {
      m_binder.fail(error_category::type, "type.arguments",
                    "the lambda takes " + std::to_string(l->params.size()) +
                        " argument(s) but the query's result has " + std::to_string(items.size()) +
                        " item(s)",
                    l->span);
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      m_binder.push(scope_entry{l->params[i], true, 0, items[i], items_text, visible, nullptr,
                                &q.args, prefix, m_binder.lookup_floor(), false});
    }
    body = l->body.get();
  }
  bind_order(*body);
  m_binder.pop_to(saved);
  m_position_items = nullptr;
  for (auto& item : m_source_order) m_new_order.push_back(std::move(item));
  m_source_order = std::move(m_new_order);
}

void analyzer::bind_order(const ast::node& order) {
  std::vector<const ast::node*> items = items_of(order);
  bool positional = true;
  for (const ast::node* item : items) positional = positional && position_literal(*item);
  for (const ast::node* item : items) {
    ir::order_item o;
    if (positional) {
      std::int64_t n = *position_literal(*item);
      std::int64_t count = static_cast<std::int64_t>(
          m_position_items != nullptr ? m_position_items->size() : m_query.result.items.size());
      if (n == 0 || n > count || n < -count) {  // not -n: it overflows at INT64_MIN
        m_binder.fail(error_category::unknown_name, "unknown_name.column",
                      "order_by column " + std::to_string(n) + " is out of range: the result has " +
                          std::to_string(count) + " column(s), numbered from 1",
                      item->span);
      }
      o.position = static_cast<std::size_t>(n < 0 ? -n : n);
      o.descending = n < 0;
      if (m_position_items != nullptr) {
        // A query source's column: its result item, bound in the text it was parsed from.
        const std::string_view text = m_binder.text();
        m_binder.set_text(m_position_text);
        o.expr = m_binder.bind(*(*m_position_items)[o.position - 1]);
        m_binder.set_text(text);
        o.position = 0;
      }
    } else {
      const ast::node* e = item;
      const auto* c = item->try_as<ast::call>();
      const auto* f = c != nullptr ? c->func->try_as<ast::name>() : nullptr;
      if (f != nullptr && f->id == "desc") {
        if (c->args.size() != 1 || !c->kwargs.empty()) {
          m_binder.fail(
              error_category::type, "type.arguments",
              "desc() takes 1 argument, got " + std::to_string(c->args.size() + c->kwargs.size()),
              c->span);
        }
        e = c->args.front().get();
        o.descending = true;
      }
      o.expr = m_binder.bind(*e);
      if (o.expr->type.collection) m_binder.fail_collection(*o.expr, e->span);
      // A constant orders nothing, as in Python's sort by (r.name, 1); written out, SQL would
      // read an int as a column number, and PostgreSQL refuses any other constant.
      if (o.expr->kind == ir::expr_kind::constant) continue;
    }
    m_new_order.push_back(std::move(o));
  }
}

}  // namespace nextorm::analyze
