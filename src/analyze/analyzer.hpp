// The analyzer: builds the logical query (ir::query) from the parsed query text and the parsed
// texts of its method chain, checking names, types and per-clause rules.
#pragma once

#include "analyze/binder.hpp"
#include "ast/ast.hpp"
#include "ir/query.hpp"

#include <nextorm/params.hpp>
#include <nextorm/registry.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace nextorm::analyze {

// `Product.select(condition)` as the generator text it stands for (`p for p in Product if ...`),
// for a query of that form used as a loop source.
[[nodiscard]] std::string entity_generator_text(const registry& reg, const params& args,
                                                const std::string& entity,
                                                const ast::node* condition);

class analyzer {
 public:
  analyzer(const registry& reg, const params& args);

  // The query starts from a generator `R for v in E if C ...` parsed from `text`...
  void generator(const ast::generator& g, std::string_view text);
  // ...or from `Entity.select(...)`: `condition` is null, a condition or a lambda of one
  // argument, parsed from `text`.
  void entity(std::string_view entity_name, const ast::node* condition, std::string_view text);

  // The method chain, in order.
  void filter(const ast::node& condition, std::string_view text);  // lambda args: result items
  void where(const ast::node& condition, std::string_view text);   // lambda args: loop variables
  void order_by(const ast::node& order, std::string_view text);
  // A column the update terminal sets (bind_update.cpp): `attr` of the result's object, to
  // `value`, an expression over that object's own attributes, parameters and constants.
  void assign(std::string_view attr, const ast::node& value, std::string_view text);
  void distinct(bool on) noexcept { m_distinct = on; }
  // The method chain's texts are numbered from 1 (the query's own text is 0), so that an error
  // found later (in lowering) can point into the right one.
  void set_text_id(std::uint16_t id) noexcept { m_binder.set_text_id(id); }
  void lock(ir::lock_mode mode) noexcept { m_query.lock = mode; }
  void separator(std::string sep) { m_query.separator = std::move(sep); }
  void terminal(ir::terminal t, bool distinct_aggregate, bool has_limit, bool has_offset);
  // The terminal is a function of the whole query (ir::query::value_terminal), counting every
  // value of its item when `count_values`.
  void value_terminal(bool count_values) noexcept {
    m_query.value_terminal = true;
    m_query.count_values = count_values;
  }

  // The analyzed query; the analyzer is spent afterwards.
  [[nodiscard]] ir::query finish();
  // A grouped query's conditions on a path's aggregate, moved to HAVING over its LEFT JOIN.
  void lift_path_aggregates();

 private:
  // The `for` clauses of a generator and their conditions.
  void bind_fors(const ast::generator& g);
  // `for x in q` / `for a, b in q`: the loops and conditions of the query q join this query,
  // and the targets stand for q's result items (query_source.cpp).
  // The first loop's query keeps its order (after the outer order_by()); a later loop's is a
  // set, which has none.
  void bind_query_source(const ast::for_clause& clause, const ast::name& name,
                         const nested_query& q, bool first);
  // A grouped query source: its own analysis, as a derived table whose columns the targets name.
  void bind_derived_source(const ast::for_clause& clause, const ast::name& name,
                           const nested_query& q, const ast::generator& g, std::string_view text);
  // order_by() of a query source: `items` are its result items (lambda arguments and column
  // numbers stand for them), parsed from `items_text`.
  void bind_source_order(const ast::node& order, std::string_view text,
                         const std::vector<const ast::node*>& items, std::string_view items_text,
                         std::size_t visible, const nested_query& q, const std::string& prefix);
  void bind_result(const ast::node& result, std::string_view text);
  void add_condition(const ast::node& condition);
  // Binds `body` with the lambda's arguments standing for the result items.
  void with_result_lambda(const ast::lambda& l, void (analyzer::*bind_body)(const ast::node&));
  void bind_order(const ast::node& order);
  [[nodiscard]] bool auto_distinct() const noexcept;
  void check_terminal() const;

  ir::query m_query;
  binder m_binder;
  std::string_view m_result_text;  // the result items' text and nodes, for lambda arguments
  std::vector<const ast::node*> m_result_nodes;
  source_span m_result_span;
  std::size_t m_base_scope = 0;  // scope entries of the loop variables
  std::optional<bool> m_distinct;
  bool m_left_join = false;  // left_join(...): every join of the query is a LEFT JOIN
  // Entity.select(): the implicit loop variable as a result node.
  std::string m_implicit_text;
  ast::node_ptr m_implicit_node;
  std::vector<ir::order_item> m_new_order;  // order_by() items being bound
  // The order of the first loop's query source: it follows the query's own order, unless the
  // query is grouped (the rows it ordered are gone).
  std::vector<ir::order_item> m_source_order;
  // Set while binding a query source's order_by(): its result items, for column numbers.
  const std::vector<const ast::node*>* m_position_items = nullptr;
  std::string_view m_position_text;
  // The parsed texts of queries passed as loop sources: their nodes stand behind aliases.
  std::vector<ast::node_ptr> m_source_trees;
  std::vector<std::unique_ptr<std::string>> m_source_texts;  // generator texts made for them
  // The columns of derived tables that their loop targets stand for (scope_entry::bound).
  std::vector<ir::expr_ptr> m_derived_targets;
};

}  // namespace nextorm::analyze
