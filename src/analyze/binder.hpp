// The binder: resolves the names of one query against its scopes, the registry and the
// parameters, and turns AST expressions into typed IR, making implicit joins on the way.
#pragma once

#include "ast/ast.hpp"
#include "ir/query.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/params.hpp>
#include <nextorm/registry.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm::analyze {

// A name in scope: a loop variable, or a lambda argument standing for an expression that was
// bound before (a result item) in an outer scope of possibly another text.
struct scope_entry {
  std::string name;
  bool is_alias = false;
  std::size_t source = 0;           // loop variable: its index in query::sources
  const ast::node* expr = nullptr;  // alias: the expression it stands for
  std::string_view text;            // alias: the text `expr` was parsed from
  std::size_t visible = 0;          // alias: how many entries were in scope where it was defined
  const ir::expr* bound = nullptr;  // a lambda argument of a collection method: its element
  // alias of a query passed as a loop source: the parameters of its text, and their prefix
  const params* args = nullptr;
  std::string prefix;
  // alias: the first entry of the scope `expr` was bound in (a query source's own entries)
  std::size_t floor = 0;
  // A loop variable of a query passed as a loop source: in view only through that query's
  // aliases, so that its names neither clash with nor shadow the outer query's.
  bool hidden = false;
};

class binder {
 public:
  binder(const registry& reg, const params& args, ir::query& query) noexcept
      : m_reg{reg}, m_args{&args}, m_query{query} {}

  // The text the AST being bound was parsed from, for error positions.
  void set_text(std::string_view text) noexcept { m_text = text; }
  // Which text of the query that is (ir::expr::text), and which one the result items are in.
  void set_text_id(std::uint16_t id) noexcept { m_text_id = id; }
  void set_result_text_id(std::uint16_t id) noexcept { m_result_text_id = id; }
  [[nodiscard]] std::string_view text() const noexcept { return m_text; }

  // Adds a loop variable over `entity` as a new source and puts it in scope.
  std::size_t add_loop_var(const std::string& name, const entity_info& entity, source_span span);
  // `for c in s.courses`: binds the source, a collection of objects, into the current scope;
  // its conditions are appended to `filter`. Returns the loop variable's source.
  std::size_t add_collection_loop_var(const std::string& name, const ast::node& source,
                                      source_span span, std::vector<ir::expr_ptr>& filter);
  // A derived table (a grouped query source) as a new source of the current scope, aliased
  // t-1, t-2, ... as PonyORM's.
  std::size_t add_derived_source(std::shared_ptr<const ir::derived_table> table);
  // A collection used as a value of the current scope (`s.courses` as a result item): its
  // sources and conditions join the scope; returns its element.
  [[nodiscard]] ir::expr_ptr flatten(ir::expr_ptr e, std::vector<ir::expr_ptr>& filter);
  // Scope entries are pushed and popped by the analyzer around lambdas.
  void push(scope_entry entry) {
    m_scope.push_back(std::move(entry));
    m_visible = m_scope.size();
  }
  void pop_to(std::size_t size) noexcept {
    m_scope.resize(size);
    m_visible = size;
  }
  [[nodiscard]] std::size_t scope_size() const noexcept { return m_scope.size(); }
  // Entries below the floor are out of view: a query source's texts see only their own names.
  [[nodiscard]] std::size_t lookup_floor() const noexcept { return m_lookup_floor; }
  void set_lookup_floor(std::size_t floor) noexcept { m_lookup_floor = floor; }
  // Hides the entries from `first` on (a query source's, once it is bound).
  void hide_from(std::size_t first) noexcept {
    for (std::size_t i = first; i < m_scope.size(); ++i) m_scope[i].hidden = true;
  }

  // A value of any type (a sequence is an error).
  [[nodiscard]] ir::expr_ptr bind(const ast::node& n);
  // A condition: its type must be bool.
  [[nodiscard]] ir::expr_ptr bind_condition(const ast::node& n);
  // An entity reached through a Single reference, selected as a whole object: joins the target.
  // A lone result reached through the keyless side of a one-to-one joins it too (PonyORM).
  [[nodiscard]] ir::expr_ptr join_reference(ir::expr_ptr e);
  [[nodiscard]] ir::expr_ptr bind_isinstance(const ast::call& c);

  [[nodiscard]] const registry& reg() const noexcept { return m_reg; }
  [[nodiscard]] const params& args() const noexcept { return *m_args; }
  // The parameters of the text being bound, and the prefix of their names in the plan's slots:
  // `q.` for those of a query `q` passed as a loop source (exec::bind_values follows it).
  void set_args(const params& args, std::string prefix) {
    m_args = &args;
    m_param_prefix = std::move(prefix);
  }
  [[nodiscard]] const std::string& param_prefix() const noexcept { return m_param_prefix; }
  [[nodiscard]] ir::query& query() noexcept { return m_query; }

  // `len(s.courses)` as a result item is, in PonyORM, an aggregate over a LEFT JOIN of the
  // collection, grouped by the other result items.
  [[nodiscard]] bool is_path_aggregate(const ir::expr& e) const noexcept;
  [[nodiscard]] ir::expr_ptr left_join_aggregate(ir::expr_ptr e);
  // Whether left_join_aggregate() of the path aggregate `e` would add no join of its own: each
  // of its sources is a LEFT JOIN the query has already.
  [[nodiscard]] bool shares_left_join(const ir::expr& e) const;
  // Throws a query_error located at `span` of the current text.
  [[noreturn]] void fail_collection(const ir::expr& e, source_span span) const;
  [[noreturn]] void fail(error_category category, std::string id, const std::string& message,
                         source_span span) const;

 private:
  // The source joined through `via` from `parent`, made on first use.
  std::size_t join(std::size_t parent, const attr_info& via);
  [[nodiscard]] std::string unique_alias(std::string base) const;
  [[nodiscard]] const scope_entry* lookup(std::string_view name) const noexcept;
  [[nodiscard]] bool in_view(std::size_t i) const noexcept {
    return i >= m_lookup_floor && (m_reveal || !m_scope[i].hidden);
  }
  [[nodiscard]] std::vector<std::string> name_candidates() const;

  ir::expr_ptr bind_node(const ast::node& n);
  ir::expr_ptr bind_name(const ast::name& n);
  ir::expr_ptr bind_param(const ast::name& n, const param_value& p);
  ir::expr_ptr bind_alias(const scope_entry& entry);
  ir::expr_ptr bind_attribute(const ast::attribute& a);
  ir::expr_ptr bind_entity_attribute(ir::expr_ptr object, const ast::attribute& a);
  ir::expr_ptr bind_unary(const ast::unary& u);
  ir::expr_ptr bind_binary(const ast::binary& b);
  ir::expr_ptr bind_bool_op(const ast::bool_op& b);
  ir::expr_ptr bind_compare(const ast::compare& c);
  ir::expr_ptr bind_comparison(ir::expr_ptr lhs, ast::compare_op compare, const ast::node& rhs_node,
                               source_span op_span, source_span span);
  // A comparison with a tuple on either side (bind_compare.cpp).
  ir::expr_ptr bind_tuple_comparison(const ast::node& lhs, const ast::comparison& c,
                                     source_span span);
  ir::expr_ptr bind_in(ir::expr_ptr lhs, const ast::node& rhs, bool negated, source_span span);
  ir::expr_ptr bind_call(const ast::call& c);
  ir::expr_ptr bind_method(const ast::call& c, const ast::attribute& method);
  ir::expr_ptr bind_builtin(const ast::call& c, const ast::name& func);
  ir::expr_ptr bind_aggregate(const ast::call& c, const ast::name& func);
  [[noreturn]] void fail_unsupported(const ast::node& n, std::string_view what) const;
  // Collections and nested queries (bind_collection.cpp).
  std::size_t new_scope() noexcept { return m_query.scope_count++; }
  std::size_t add_source(ir::source s);
  // The sources behind the Set `via` of `parent`, in `scope`; returns the target's source.
  std::size_t navigate_set(std::size_t parent, const attr_info& via, std::size_t scope);
  ir::expr_ptr bind_set(ir::expr_ptr object, const attr_info& attr, source_span span);
  ir::expr_ptr bind_reverse_single(std::size_t parent, const attr_info& attr, source_span span);
  ir::expr_ptr bind_element_attribute(ir::expr_ptr coll, const ast::attribute& a);
  // A nested generator. With `looked_for` (`(a, b) in ((x.a, x.b) for x in X ...)`), its result
  // is a tuple of as many values, each compared with the value looked for in the nested scope,
  // and the query is an EXISTS of those equalities (NOT EXISTS when `negated`), as PonyORM writes
  // it on SQLite.
  // Objects the query does not iterate (bind_known_object.cpp): attributes of a parameter object
  // (`o.group.number`) and `Entity[key]`, read by a nested query over their one row. Null when
  // `a` or `s` is no such thing.
  ir::expr_ptr bind_known_object_path(const ast::attribute& a);
  ir::expr_ptr bind_entity_by_key(const ast::subscript& s);
  // (With `key_columns`, the object is the one whose key's columns are those values, as
  // PonyORM's CourseInfo['Math', 1] for CourseInfo[Course['Math', 1]].)
  ir::expr_ptr bind_known_object(const ast::node& root, const entity_info& entity,
                                 const ast::attribute* chain,
                                 std::span<const ast::node* const> key_columns = {});
  [[nodiscard]] const entity_info* known_object(const ast::node& root) const;
  void pick_known_object(const ast::node& root, const entity_info& entity, std::size_t row,
                         std::vector<ir::expr_ptr>& filter);
  void pick_by_key_columns(const ast::subscript& s, const entity_info& entity, std::size_t row,
                           std::span<const ast::node* const> values,
                           std::vector<ir::expr_ptr>& filter);
  // `sum(o.items.quantity * o.items.price)` (lift_collection_path.cpp): the argument as the
  // generator over the one collection its paths share, or null when it is no such expression.
  const ast::node* lift_collection_paths(const ast::node& arg);
  [[nodiscard]] const ast::attribute* collection_step(const ast::attribute& a) const;
  // The source of the row of a known object being bound, when `n` is its root.
  [[nodiscard]] std::optional<std::size_t> known_root_source(const ast::node& n) const noexcept;
  ir::expr_ptr bind_generator(const ast::generator& g,
                              std::vector<ir::expr_ptr>* looked_for = nullptr,
                              bool negated = false);
  // `x in q`: the query q passed as a parameter, as the nested generator it stands for.
  ir::expr_ptr bind_query_in(const ast::name& n, const nested_query& q,
                             std::vector<ir::expr_ptr>* looked_for = nullptr, bool negated = false);
  // The conditions of q's filter() and where(), bound in q's generator `g` (its scope entries
  // start at `first`).
  void bind_in_query_conditions(const ast::generator& g, std::size_t first,
                                std::vector<ir::expr_ptr>& filter);
  ir::expr_ptr bind_collection_method(const ast::call& c, const ast::attribute& method,
                                      ir::expr_ptr coll);
  void merge_scope(std::size_t from, std::size_t into) noexcept;
  // A reverse one-to-one read as its key (a scalar subquery) turned into an inner join.
  ir::expr_ptr promote(ir::expr_ptr e);
  [[nodiscard]] static bool is_reverse_single(const ir::expr& e) noexcept;
  // An expression of a collection type: a subquery that nothing has consumed yet, since what
  // consumes one (exists_of, aggregate_of, 'in') gives it the type of its result.
  [[nodiscard]] static ir::subquery& as_collection(ir::expr& e) noexcept;
  [[nodiscard]] ir::expr_ptr exists_of(ir::expr_ptr coll, bool negated, source_span span);
  [[nodiscard]] ir::expr_ptr aggregate_of(ir::expr_ptr coll, ir::aggregate_kind kind, bool distinct,
                                          source_span span, std::string_view name);
  // Conditions: truthiness of non-bool values as in PonyORM.
  ir::expr_ptr truth(ir::expr_ptr e, source_span span, bool negated);
  // Functions of bind_function.cpp.
  ir::expr_ptr bind_string_method(const ast::call& c, const ast::attribute& method,
                                  ir::expr_ptr object);
  ir::expr_ptr bind_date_part(ir::expr_ptr object, const ast::attribute& a);
  ir::expr_ptr bind_subscript(const ast::subscript& s);
  // raw_sql('...') (bind_raw_sql.cpp): ir::function::text holds the SQL with raw_sql_marker
  // where each argument goes.
  static constexpr char raw_sql_marker = '\x01';
  [[nodiscard]] bool is_raw_sql(const ir::expr& e) const noexcept;
  ir::expr_ptr bind_raw_sql(const ast::call& c);
  // Json (bind_json.cpp).
  [[nodiscard]] bool is_json_element(const ir::expr& e) const noexcept;
  ir::expr_ptr bind_json_subscript(ir::expr_ptr object, const ast::subscript& s);
  ir::expr_ptr json_is_null(ir::expr_ptr element, bool negated, source_span span);
  // len() of json (an attribute or an element): PonyORM's JSON_ARRAY_LENGTH.
  ir::expr_ptr json_length(ir::expr_ptr json, source_span span);
  ir::expr_ptr json_as(ir::expr_ptr element, const ir::type& other, source_span span);
  ir::expr_ptr json_contains(ir::expr_ptr needle, ir::expr_ptr json, bool negated,
                             source_span span);
  // A dict literal, or the argument of Json(...): its JSON text as a constant
  // (bind_json_literal.cpp).
  ir::expr_ptr bind_json_constant(const ast::node& n);
  ir::expr_ptr bind_slice(const ast::slice& s);
  ir::expr_ptr bind_conditional(const ast::conditional& c);
  ir::expr_ptr bind_function(const ast::call& c, const ast::name& func);
  ir::expr_ptr bind_constructor(const ast::call& c, const ast::name& func);
  ir::expr_ptr bind_decimal(const ast::call& c);
  // date.today(), datetime.now(), datetime.utcnow().
  ir::expr_ptr bind_clock(const ast::call& c, const ast::name& type, const ast::attribute& method);
  // timedelta(days=1): an interval constant (bind_timedelta.cpp).
  ir::expr_ptr bind_timedelta(const ast::call& c);
  // A date or datetime plus or minus an interval, or the interval between two of them; null
  // when the operands are no such pair (they are left as they were).
  ir::expr_ptr bind_date_arithmetic(const ast::binary& b, ir::expr_ptr& lhs, ir::expr_ptr& rhs);
  void check_args(const ast::call& c, std::size_t min, std::size_t max) const;
  // A computed attribute (call null) or method of `object`, used at `span` (bind_computed.cpp).
  ir::expr_ptr bind_computed(ir::expr_ptr object, const computed_info& c, const ast::call* call,
                             source_span span);
  class computed_scope;
  // c's text, parsed once per query.
  const ast::node& computed_tree(const computed_info& c);
  bool is_lambda_with_params(const computed_info& c);
  [[noreturn]] void fail_in(const computed_info& c, const std::string& message,
                            source_span span) const;
  void check_computed_type(const computed_info& c, const ir::expr& e, source_span span) const;

  const registry& m_reg;
  const params* m_args;
  std::string m_param_prefix;
  ir::query& m_query;
  std::string_view m_text;
  std::uint16_t m_text_id = 0;
  std::uint16_t m_result_text_id = 0;
  std::vector<scope_entry> m_scope;
  std::size_t m_visible = 0;       // entries [0, m_visible) are in scope
  std::size_t m_lookup_floor = 0;  // ...from this one on (in_view)
  bool m_reveal = false;           // binding a query source's alias: its hidden entries count
  std::size_t m_scope_id = 0;      // the (sub)query whose sources new loop variables join
  std::size_t m_scope_floor = 0;   // scope entries of the current (sub)query start here
  // Set while binding an attribute of a collection's element: a Set met there extends that
  // collection's scope instead of opening a nested one.
  std::optional<std::size_t> m_element_scope;
  // The parsed texts of queries used with 'in' (and generator texts made for them).
  std::vector<ast::node_ptr> m_owned_trees;
  // Generators made by lift_collection_paths(), alive as long as what was bound from them.
  std::vector<ast::node_ptr> m_lifted;
  // The known objects being bound (their root node, and the source of their row).
  std::vector<std::pair<const ast::node*, std::size_t>> m_known_roots;
  const ast::generator* m_in_generator = nullptr;  // q's generator and q, while it is bound
  const nested_query* m_in_query = nullptr;
  std::vector<std::unique_ptr<std::string>> m_owned_texts;
  // How many computed attributes may be used inside one another.
  static constexpr std::size_t max_computed_depth = 64;
  // The computed attributes being bound, innermost last (a text that uses itself is an error).
  std::vector<const computed_info*> m_computed_stack;
  std::vector<std::pair<const computed_info*, ast::node_ptr>> m_computed_trees;
  const params m_no_args;  // a computed text sees no parameter of the query
};

}  // namespace nextorm::analyze
