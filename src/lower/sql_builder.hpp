// The shared SQL builder: writes SQL text and its parameter slots for one query, asking the
// dialect only for what differs. Expressions in lower_expr.cpp, statements in lower_query.cpp.
#pragma once

#include "ir/query.hpp"
#include "lower/dialect.hpp"
#include "lower/plan.hpp"

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm::lower {

class sql_builder {
 public:
  sql_builder(const dialect& d, const ir::query& q, lower::plan& out) noexcept
      : m_dialect{d},
        m_query{q},
        m_sql{out.sql},
        m_slots{out.params},
        m_date_arithmetic{out.date_arithmetic} {}

  void text(std::string_view s) { m_sql += s; }
  void quoted(std::string_view identifier) { m_dialect.append_quoted(m_sql, identifier); }
  // "alias"."column", or "column" alone in a single-table DELETE.
  void column(std::size_t source, const attr_info& attr);
  void column(std::size_t source, std::string_view name);
  // ` FROM ... WHERE ...` of the sources of `scope`: the conditions, then the join conditions.
  void from_where(std::size_t scope, const std::vector<ir::expr_ptr>& filter);
  // ` HAVING ...`, when there are conditions.
  void having(const std::vector<ir::expr_ptr>& conditions);
  // A value; an object stands for its key.
  void expr(const ir::expr& e);
  // A condition in WHERE: constant booleans become 1 = 1 / 0 = 1.
  void condition(const ir::expr& e);
  // The key of an entity-typed expression.
  void key(const ir::expr& e);
  // A placeholder bound to the value of `slot`.
  void bind(lower::param_slot slot);
  void set_unqualified(bool on) noexcept { m_unqualified = on; }
  // A source over an entity of a hierarchy: its rows are those of its classes (PonyORM's
  // discriminator criterion, the values bound; on the root too, so that a row whose
  // discriminator names no class is no row of any query, as in PonyORM).
  [[nodiscard]] bool has_class_condition(std::size_t source) const noexcept;
  void class_condition(std::size_t source);
  // A column of the query's result: `expr(e)`, except that the exact sum or average of decimals
  // (dialect::decimal_aggregate) stays the function's text, with its digits and scale.
  void result_column(const ir::expr& e);
  // What goes around the argument of SUM (`average`: AVG) of `arg`: "coalesce(SUM(DISTINCT " and
  // "), 0)". For a decimal, the dialect's exact aggregate, given the column's declared scale; its
  // text result is made a number (CAST AS NUMERIC) unless `as_text`, so that it compares and
  // computes as one: SQLite orders every number before every text.
  [[nodiscard]] affixes sum_or_avg(bool average, bool distinct, const ir::expr& arg,
                                   bool as_text) const;

  [[nodiscard]] const dialect& sql_dialect() const noexcept { return m_dialect; }
  [[nodiscard]] const ir::query& query() const noexcept { return m_query; }
  // An object whose key has several columns (a loop variable, a reference, or a parameter):
  // compared part by part. `key_part` writes part `part` of such an object's key.
  [[nodiscard]] static bool composite(const ir::expr& e) noexcept;
  void key_part(const ir::expr& e, std::size_t part);
  // Throws unsupported.dialect: "<what> is not supported by <dialect>".
  [[noreturn]] void unsupported(const std::string& what) const;
  // The same, pointing at the construct `at`.
  [[noreturn]] void unsupported(const std::string& what, const ir::expr& at) const;

 private:
  // An operand of a comparison or operator: conditions in parentheses.
  void operand(const ir::expr& e);
  void constant(const value& v);
  void binary(const ir::binary& b);
  void compare(const ir::compare& c);
  // composite_key_error: such an object where one SQL value is needed.
  [[noreturn]] void refuse_composite(const ir::expr& e) const;
  void references(std::size_t referencing, const attr_info& reference, std::size_t target,
                  bool key_first);
  void references(std::size_t referencing, std::span<const std::string> columns, std::size_t target,
                  bool key_first);
  void keys_equal(const ir::expr& a, const ir::expr& b);
  void in_list(const ir::in_list& in);
  // `a` and `b`, json, compared by content in the dialect's way (`how`: dialect::json_equals).
  void json_equal(const ir::expr& a, const ir::expr& b, const infixes& how);
  void like(const ir::like& l);
  void logical(const ir::logical& l);
  void aggregate(const ir::aggregate& a);
  // COUNT of objects whose key has several columns (written, true), or false for any other.
  bool count_composite(const ir::aggregate& a);
  void function(const ir::function& f);
  void group_concat(const ir::aggregate& a);
  void py_slice(const ir::function& f);
  void json(const ir::function& f);
  void subquery(const ir::subquery& q);
  void join_condition(std::size_t source);
  // Whether the scope's FROM puts a condition of its own into WHERE (an implicit join's, or a
  // subclass's).
  [[nodiscard]] bool scope_has_condition(std::size_t scope) const noexcept;
  void wrap(const affixes& a, const ir::expr& operand);
  void between(const infixes& i, const ir::expr& a, const ir::expr& b);
  // A dialect's template: its text, and `placeholder` called with the letter of each `{x}`.
  void expand(std::string_view t, const std::function<void(char)>& placeholder);
  // An operand of date arithmetic, typed where the dialect needs a parameter typed.
  void date_operand(const ir::expr& e);
  // Appends the text of `parts`, as `a || b || c` or concat(a, b, c).
  template <class F>
  void concat(std::size_t count, F&& part);

  const dialect& m_dialect;
  const ir::query& m_query;
  std::string& m_sql;
  std::vector<lower::param_slot>& m_slots;
  bool& m_date_arithmetic;
  bool m_unqualified = false;
};

}  // namespace nextorm::lower
