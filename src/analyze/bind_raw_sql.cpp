// PonyORM's raw_sql('...'): an SQL fragment written into the statement as it is. `$name` and
// `$(expression)` inside it are query expressions (a parameter is bound, never spliced); `$$` is
// a `$`. The fragment's type is unknown: a condition takes it as a bool, a comparison as the
// other side's type.
#include "analyze/binder.hpp"

#include "parse/parser.hpp"

#include <cctype>

namespace nextorm::analyze {

namespace {

// The characters of a name in the query grammar (ASCII): `$xé` is the parameter x, then 'é'.
bool name_char(char c, bool first) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || (!first && std::isdigit(u));
}

}  // namespace

bool binder::is_raw_sql(const ir::expr& e) const noexcept {
  const auto* f = e.try_as<ir::function>();
  return f != nullptr && f->fn == ir::function_kind::raw_sql;
}

ir::expr_ptr binder::bind_raw_sql(const ast::call& c) {
  check_args(c, 1, 1);
  const auto* literal = c.args.front()->try_as<ast::literal>();
  if (literal == nullptr || literal->value.type() != value_type::text) {
    fail(error_category::unsupported, "unsupported.raw_sql",
         "raw_sql() needs a str literal: the SQL must be the same for every row",
         c.args.front()->span);
  }
  const std::string& sql = literal->value.as_text();
  auto f = std::make_unique<ir::function>(ir::type{}, c.span, ir::function_kind::raw_sql);
  const source_span at = c.args.front()->span;
  auto bad = [&] {
    fail(error_category::unsupported, "unsupported.raw_sql",
         "'$' in raw_sql() must be followed by a name, '(expression)' or '$'", at);
  };
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (ch == raw_sql_marker) bad();  // the marker cannot be written by a user
    if (ch != '$') {
      f->text += ch;
      continue;
    }
    if (i + 1 < sql.size() && sql[i + 1] == '$') {
      f->text += '$';
      ++i;
      continue;
    }
    std::string expression;
    if (i + 1 < sql.size() && sql[i + 1] == '(') {
      // $(expression): up to the matching parenthesis (strings in it may hold parentheses).
      int depth = 0;
      char quote = 0;
      std::size_t j = i + 1;
      for (; j < sql.size(); ++j) {
        const char d = sql[j];
        if (quote != 0) {
          if (d == '\\')
            ++j;
          else if (d == quote)
            quote = 0;
        } else if (d == '\'' || d == '"') {
          quote = d;
        } else if (d == '(') {
          ++depth;
        } else if (d == ')' && --depth == 0) {
          break;
        }
      }
      if (j >= sql.size()) bad();
      expression = sql.substr(i + 1, j - i);
      i = j;
    } else {
      std::size_t j = i + 1;
      while (j < sql.size() && name_char(sql[j], j == i + 1)) ++j;
      if (j == i + 1) bad();
      expression = sql.substr(i + 1, j - i - 1);
      i = j - 1;
    }
    ast::node_ptr tree = parse::parse_expression(expression);
    ir::expr_ptr arg = bind(*tree);
    if (arg->type.collection) fail_collection(*arg, at);
    arg->span = at;
    f->args.push_back(std::move(arg));
    f->text += raw_sql_marker;
  }
  return f;
}

}  // namespace nextorm::analyze
