// The binder: resolves the names of one query against its scopes, the registry and the
// parameters, and turns AST expressions into typed IR, making implicit joins on the way.
#pragma once

#include "ast/ast.hpp"
#include "ir/query.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/params.hpp>
#include <nextorm/registry.hpp>

#include <cstddef>
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
};

class binder {
 public:
  binder(const registry& reg, const params& args, ir::query& query) noexcept
      : m_reg{reg}, m_args{args}, m_query{query} {}

  // The text the AST being bound was parsed from, for error positions.
  void set_text(std::string_view text) noexcept { m_text = text; }
  [[nodiscard]] std::string_view text() const noexcept { return m_text; }

  // Adds a loop variable over `entity` as a new source and puts it in scope.
  std::size_t add_loop_var(const std::string& name, const entity_info& entity, source_span span);
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

  // A value of any type (a sequence is an error).
  [[nodiscard]] ir::expr_ptr bind(const ast::node& n);
  // A condition: its type must be bool.
  [[nodiscard]] ir::expr_ptr bind_condition(const ast::node& n);
  // An entity reached through a Single reference, selected as a whole object: joins the target.
  [[nodiscard]] ir::expr_ptr join_reference(ir::expr_ptr e);

  [[nodiscard]] const registry& reg() const noexcept { return m_reg; }
  [[nodiscard]] const params& args() const noexcept { return m_args; }
  [[nodiscard]] ir::query& query() noexcept { return m_query; }

  // Throws a query_error located at `span` of the current text.
  [[noreturn]] void fail(error_category category, std::string id, const std::string& message,
                         source_span span) const;

 private:
  // The source joined through `via` from `parent`, made on first use.
  std::size_t join(std::size_t parent, const attr_info& via);
  [[nodiscard]] std::string unique_alias(std::string base) const;
  [[nodiscard]] const scope_entry* lookup(std::string_view name) const noexcept;
  [[nodiscard]] std::vector<std::string> name_candidates() const;

  ir::expr_ptr bind_name(const ast::name& n);
  ir::expr_ptr bind_param(const ast::name& n, const param_value& p);
  ir::expr_ptr bind_alias(const scope_entry& entry);
  ir::expr_ptr bind_attribute(const ast::attribute& a);
  ir::expr_ptr bind_entity_attribute(ir::expr_ptr object, const ast::attribute& a);
  ir::expr_ptr bind_unary(const ast::unary& u);
  ir::expr_ptr bind_binary(const ast::binary& b);
  ir::expr_ptr bind_bool_op(const ast::bool_op& b);
  ir::expr_ptr bind_compare(const ast::compare& c);
  ir::expr_ptr bind_comparison(ir::expr_ptr lhs, const ast::comparison& c, source_span span);
  ir::expr_ptr bind_in(ir::expr_ptr lhs, const ast::node& rhs, bool negated, source_span span);
  ir::expr_ptr bind_call(const ast::call& c);
  ir::expr_ptr bind_method(const ast::call& c, const ast::attribute& method);
  ir::expr_ptr bind_builtin(const ast::call& c, const ast::name& func);
  ir::expr_ptr bind_aggregate(const ast::call& c, const ast::name& func);
  [[noreturn]] void fail_unsupported(const ast::node& n, std::string_view what) const;

  const registry& m_reg;
  const params& m_args;
  ir::query& m_query;
  std::string_view m_text;
  std::vector<scope_entry> m_scope;
  std::size_t m_visible = 0;  // entries [0, m_visible) are in scope
};

}  // namespace nextorm::analyze
