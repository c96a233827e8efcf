// Every syntax error of the query language, in one table: a stable id and a message.
//
// The first part maps each rule that appears under `must<>` in query_grammar.hpp to the error
// raised when it does not match; the parser's control class static_asserts that the entry
// exists, so a new `must<>` without a message does not compile. The second part holds the
// errors that the AST builder and the parser entry points raise after the grammar matched.
#pragma once

#include "query_grammar.hpp"

namespace nextorm::grammar {

struct error_entry {
  const char* id = nullptr;
  const char* message = nullptr;
  // For closing brackets and quotes: the error when the input ends before the close (or, for
  // a string, the line does), with the caret on the opening bracket or on the whole string.
  const char* unclosed_id = nullptr;
  const char* unclosed_message = nullptr;
  // Raised inside a string literal: its characters are not tokens, so no "unexpected character".
  bool in_token = false;
};

template <class Rule>
inline constexpr error_entry error_message{};

#define NEXTORM_SYNTAX_ERROR(rule, id, message) \
  template <>                                   \
  inline constexpr error_entry error_message<rule>{"syntax." id, message};

// --- expressions after an operator or keyword
#define NEXTORM_OPERAND(wrapper, op, operand, text)                 \
  template <>                                                       \
  inline constexpr error_entry error_message<wrapper<op, operand>>{ \
      "syntax.expected_expression", "expected an expression after '" text "'"};

NEXTORM_OPERAND(rhs, op_mul, factor, "*")
NEXTORM_OPERAND(rhs, op_div, factor, "/")
NEXTORM_OPERAND(rhs, op_floordiv, factor, "//")
NEXTORM_OPERAND(rhs, op_mod, factor, "%")
NEXTORM_OPERAND(rhs, op_add, term, "+")
NEXTORM_OPERAND(rhs, op_sub, term, "-")
NEXTORM_OPERAND(rhs, op_eq, sum, "==")
NEXTORM_OPERAND(rhs, op_ne, sum, "!=")
NEXTORM_OPERAND(rhs, op_lt, sum, "<")
NEXTORM_OPERAND(rhs, op_le, sum, "<=")
NEXTORM_OPERAND(rhs, op_gt, sum, ">")
NEXTORM_OPERAND(rhs, op_ge, sum, ">=")
NEXTORM_OPERAND(rhs, op_in, sum, "in")
NEXTORM_OPERAND(rhs, op_not_in, sum, "not in")
NEXTORM_OPERAND(rhs, op_is, sum, "is")
NEXTORM_OPERAND(rhs, op_is_not, sum, "is not")
NEXTORM_OPERAND(rhs, kw_and, not_test, "and")
NEXTORM_OPERAND(rhs, kw_or, and_test, "or")
NEXTORM_OPERAND(rhs, kw_if, or_test, "if")
NEXTORM_OPERAND(rhs, for_in, or_test, "in")
NEXTORM_OPERAND(nested_rhs, op_pow, factor, "**")
NEXTORM_OPERAND(nested_rhs, op_neg, factor, "-")
NEXTORM_OPERAND(nested_rhs, op_pos, factor, "+")
NEXTORM_OPERAND(nested_rhs, op_not, not_test, "not")
NEXTORM_OPERAND(nested_rhs, else_branch, test, "else")
NEXTORM_OPERAND(nested_rhs, lambda_colon, test, ":")
NEXTORM_SYNTAX_ERROR(kwarg_value, "expected_expression", "expected an expression after '='")
NEXTORM_SYNTAX_ERROR(top_expr, "expected_expression", "expected an expression")

// --- names and keywords
NEXTORM_SYNTAX_ERROR(not_in_in, "expected_in", "expected 'in' after 'not'")
NEXTORM_SYNTAX_ERROR(loop_var, "expected_name", "expected a name after 'for'")
NEXTORM_SYNTAX_ERROR(more_loop_var, "expected_name", "expected a name after ','")
NEXTORM_SYNTAX_ERROR(for_in, "expected_in", "expected 'in' after the loop variable")
NEXTORM_SYNTAX_ERROR(else_branch, "expected_else", "expected 'else' after the condition")
NEXTORM_SYNTAX_ERROR(attr_name, "expected_name", "expected an attribute name after '.'")
NEXTORM_SYNTAX_ERROR(lambda_more_param, "expected_name", "expected a parameter name after ','")
NEXTORM_SYNTAX_ERROR(lambda_colon, "expected_colon", "expected ':' after the lambda parameters")
NEXTORM_SYNTAX_ERROR(subscript_body, "expected_index", "expected an index or a slice after '['")
NEXTORM_SYNTAX_ERROR(end_of_query, "unexpected_text", "unexpected text after the query")
NEXTORM_SYNTAX_ERROR(number_end, "invalid_number", "invalid number literal")
NEXTORM_SYNTAX_ERROR(dict_colon, "expected_colon", "expected ':' after the dict's key")
NEXTORM_SYNTAX_ERROR(dict_value, "expected_expression", "expected a value after ':'")

// --- brackets and strings
template <>
inline constexpr error_entry error_message<paren_close>{"syntax.expected_close", "expected ')'",
                                                        "syntax.unclosed", "unclosed '('"};
template <>
inline constexpr error_entry error_message<call_close>{
    "syntax.expected_close", "expected ',' or ')'", "syntax.unclosed", "unclosed '('"};
template <>
inline constexpr error_entry error_message<list_close>{
    "syntax.expected_close", "expected ',' or ']'", "syntax.unclosed", "unclosed '['"};
template <>
inline constexpr error_entry error_message<brace_close>{
    "syntax.expected_close", "expected ',' or '}'", "syntax.unclosed", "unclosed '{'"};
template <>
inline constexpr error_entry error_message<subscript_close>{"syntax.expected_close", "expected ']'",
                                                            "syntax.unclosed", "unclosed '['"};

inline constexpr error_entry unterminated_string{
    "syntax.unterminated_string", "unterminated string literal", "syntax.unterminated_string",
    "unterminated string literal", true};
template <>
inline constexpr error_entry error_message<quote_close<'\''>> = unterminated_string;
template <>
inline constexpr error_entry error_message<quote_close<'"'>> = unterminated_string;
template <>
inline constexpr error_entry error_message<escape_body> = unterminated_string;
template <>
inline constexpr error_entry error_message<fstring_field_expr>{
    "syntax.fstring_field", "expected an expression inside the f-string's braces", nullptr, nullptr,
    true};
template <>
inline constexpr error_entry error_message<fstring_field_close>{
    "syntax.fstring_field",
    "expected '}' after the f-string field's expression (conversions such as !r and format "
    "specifications such as :>5 cannot be translated to SQL)",
    nullptr, nullptr, true};
template <>
inline constexpr error_entry error_message<fstring_single_brace>{
    "syntax.fstring_brace", "single '}' in an f-string (a literal brace is written '}}')", nullptr,
    nullptr, true};
template <>
inline constexpr error_entry error_message<hex2>{
    "syntax.invalid_escape", "expected two hex digits after '\\x'", nullptr, nullptr, true};
template <>
inline constexpr error_entry error_message<hex4>{
    "syntax.invalid_escape", "expected four hex digits after '\\u'", nullptr, nullptr, true};
template <>
inline constexpr error_entry error_message<named_escape>{
    "syntax.invalid_escape",
    "\\N{...}, a character by its Unicode name, is not supported: write the character itself, "
    "or \\u with its code point",
    nullptr, nullptr, true};
template <>
inline constexpr error_entry error_message<hex8>{
    "syntax.invalid_escape", "expected eight hex digits after '\\U'", nullptr, nullptr, true};

#undef NEXTORM_OPERAND
#undef NEXTORM_SYNTAX_ERROR

// --- raised by the parser outside the grammar rules
namespace errors {
inline constexpr error_entry unexpected_character{"syntax.unexpected_character", ""};
inline constexpr error_entry single_equals{"syntax.single_equals",
                                           "unexpected '=': use '==' to compare"};
inline constexpr error_entry too_deep{"syntax.too_deep", "the query is nested too deeply"};
inline constexpr error_entry too_long{"syntax.too_long", "the query is longer than 100000 bytes"};
inline constexpr error_entry invalid_utf8{"syntax.invalid_utf8", "the query is not valid UTF-8"};
inline constexpr error_entry integer_too_large{"syntax.integer_too_large",
                                               "integer literal does not fit in 64 bits"};
inline constexpr error_entry invalid_unicode_escape{
    "syntax.invalid_escape", "escape is not a Unicode character (a surrogate or above U+10FFFF)"};
inline constexpr error_entry generator_argument{
    "syntax.generator_argument",
    "a generator argument must be the only argument, or be put in parentheses"};
inline constexpr error_entry positional_after_keyword{
    "syntax.positional_after_keyword", "positional argument follows keyword argument"};
inline constexpr error_entry repeated_keyword{"syntax.repeated_keyword",
                                              "keyword argument repeated"};
inline constexpr error_entry duplicate_parameter{"syntax.duplicate_parameter",
                                                 "duplicate lambda parameter"};
inline constexpr error_entry expected_generator{
    "syntax.expected_for", "expected 'for': a query is a generator like 'p for p in Product'"};
inline constexpr error_entry whole_query_argument{
    "syntax.whole_query_argument",
    "a query's function takes one generator, and count, sum and avg also distinct=True or "
    "distinct=False: count(s for s in Student if s.gpa > 3)"};
inline constexpr error_entry left_join_argument{"syntax.left_join_argument",
                                                "left_join() takes one generator: left_join((c, "
                                                "count(p)) for c in Category for p in c.products)"};
}  // namespace errors

}  // namespace nextorm::grammar
