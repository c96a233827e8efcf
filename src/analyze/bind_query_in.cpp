// `x in q` with a query q passed as a parameter, as PonyORM's `s.mentor in q`: q is the nested
// generator it stands for (`x IN (SELECT ...)`), its parameters bound under the prefix `q.`;
// `(a, b) in q` of a query of tuples is the EXISTS that bind_generator makes of it.
#include "analyze/analyzer.hpp"
#include "analyze/binder.hpp"
#include "ir/query_spec.hpp"
#include "parse/parser.hpp"

#include <utility>

namespace nextorm::analyze {

ir::expr_ptr binder::bind_query_in(const ast::name& n, const nested_query& q,
                                   std::vector<ir::expr_ptr>* looked_for, bool negated) {
  // Entity.select(condition) is the generator it stands for.
  std::string_view text = q.text;
  if (!q.entity.empty()) {
    ast::node_ptr condition = q.text.empty() ? nullptr : parse::parse_expression(q.text);
    m_owned_texts.push_back(std::make_unique<std::string>(
        entity_generator_text(m_reg, q.args, q.entity, condition.get())));
    text = *m_owned_texts.back();
  }
  // A set has no order and no duplicates: order_by(), distinct() and without_distinct() do not
  // matter; the conditions of filter() and where() join the generator's.
  for (const auto& [kind, unused] : q.modifiers) {
    if (static_cast<ir::modifier_kind>(kind) == ir::modifier_kind::for_update) {
      fail(error_category::unsupported, "unsupported.query_in",
           "query '" + n.id +
               "' with for_update() cannot be used with 'in': call for_update() on this query",
           n.span);
    }
  }
  m_owned_trees.push_back(parse::parse_generator(text));
  const auto& g = m_owned_trees.back()->as<ast::generator>();
  if (g.left_join) {
    fail(error_category::unsupported, "unsupported.query_in",
         "query '" + n.id + "' is a left_join and cannot be used with 'in'", n.span);
  }
  const std::string_view saved_text = m_text;
  const std::uint16_t saved_id = m_text_id;
  const params* saved_args = m_args;
  const std::string saved_prefix = m_param_prefix;
  const std::size_t saved_floor = m_lookup_floor;
  // q's text sees only its own names.
  m_text = text;
  m_text_id = ir::expr::no_text;
  set_args(q.args, saved_prefix + n.id + ".");
  m_lookup_floor = m_scope.size();
  const ast::generator* saved_generator = std::exchange(m_in_generator, &g);
  const nested_query* saved_query = std::exchange(m_in_query, &q);
  ir::expr_ptr e = bind_generator(g, looked_for, negated);
  // An aggregate result (`max(m.gpa) for m in ...`) is a set of one value here, as in PonyORM.
  if (auto& sq = e->as<ir::subquery>(); sq.mode == ir::subquery_mode::scalar) {
    sq.mode = ir::subquery_mode::collection;
    sq.type.collection = true;
  }
  m_in_generator = saved_generator;
  m_in_query = saved_query;
  m_text = saved_text;
  m_text_id = saved_id;
  m_args = saved_args;
  m_param_prefix = saved_prefix;
  m_lookup_floor = saved_floor;
  return e;
}

void binder::bind_in_query_conditions(const ast::generator& g, std::size_t first,
                                      std::vector<ir::expr_ptr>& filter) {
  const nested_query& q = *m_in_query;
  const std::string_view text = m_text;
  for (const auto& [kind, condition_text] : q.modifiers) {
    const auto k = static_cast<ir::modifier_kind>(kind);
    if (k != ir::modifier_kind::filter && k != ir::modifier_kind::where) continue;
    m_owned_trees.push_back(parse::parse_expression(condition_text));
    m_text = condition_text;
    const ast::node* body = m_owned_trees.back().get();
    const std::size_t saved = m_scope.size();
    if (const auto* l = body->try_as<ast::lambda>()) {
      // filter(lambda): the argument is the result item; where(lambda): the loop variables.
      std::vector<scope_entry> arguments;
      if (k == ir::modifier_kind::filter) {
        // One argument per item of a tuple result (`(a, b) in q`), as PonyORM's filter takes.
        std::vector<const ast::node*> items{g.result.get()};
        if (const auto* t = g.result->try_as<ast::tuple>()) {
          items.clear();
          for (const auto& item : t->items) items.push_back(item.get());
        }
        for (const ast::node* item : items) {
          arguments.push_back(scope_entry{{},
                                          true,
                                          0,
                                          item,
                                          text,
                                          saved,
                                          nullptr,
                                          &q.args,
                                          m_param_prefix,
                                          m_lookup_floor,
                                          false});
        }
      } else {
        // The generator's entries so far are its loop variables.
        for (std::size_t i = first; i < saved; ++i) {
          arguments.push_back(scope_entry{
              {}, false, m_scope[i].source, nullptr, {}, 0, nullptr, nullptr, {}, 0, false});
        }
      }
      if (arguments.size() != l->params.size()) {
        fail(error_category::type, "type.arguments",
             "the lambda takes " + std::to_string(l->params.size()) + " argument(s) but " +
                 std::to_string(arguments.size()) + " are given",
             l->span);
      }
      for (std::size_t i = 0; i < arguments.size(); ++i) {
        arguments[i].name = l->params[i];
        push(std::move(arguments[i]));
      }
      body = l->body.get();
    }
    ir::expr_ptr c = bind_condition(*body);
    pop_to(saved);
    if (ir::has_aggregate(*c)) {
      fail(error_category::unsupported, "unsupported.aggregate_in_filter",
           "an aggregate cannot be used in the condition of a nested query", body->span);
    }
    filter.push_back(std::move(c));
  }
  m_text = text;
}

}  // namespace nextorm::analyze
