// Query text -> AST. The grammar is in grammar/query_grammar.hpp, its messages in
// grammar/errors.hpp. Both functions throw nextorm::query_error (category syntax) with the whole
// text and the span of the offending token.
#pragma once

#include "ast/ast.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nextorm::parse {

// Limits that turn hostile input into syntax.too_long / syntax.too_deep instead of a crash.
inline constexpr std::size_t max_query_length = 100'000;  // bytes
inline constexpr std::size_t max_nesting = 100;  // brackets, prefix operators, `**`, else, lambda
inline constexpr std::size_t max_tree_height = 256;  // AST height (`a + b + ...` chains too)

// PonyORM's functions of a whole query: `count(s for s in Student if s.gpa > 3)`, and `sum`,
// `avg`, `min`, `max`, `exists` likewise, with `distinct=True/False` for count, sum and avg.
struct whole_query_call {
  std::string function;          // "" when the text is a plain generator
  std::optional<bool> distinct;  // its distinct= argument
  source_span span;              // of the call
};

// A generator expression query: `p for p in Product if p.price < 20`, optionally in parentheses,
// or `left_join(<generator>)`. Returns an ast::generator. With `call`, an aggregate function of
// a generator is accepted too and described there.
[[nodiscard]] ast::node_ptr parse_generator(std::string_view text,
                                            whole_query_call* call = nullptr);

// Any expression, for filter/where/order_by texts: includes `lambda p: ...`, a bare tuple `a, b`
// (order_by("desc(p.price), p.name")) and a generator.
[[nodiscard]] ast::node_ptr parse_expression(std::string_view text);

}  // namespace nextorm::parse
