// AST utilities: op_text, structural equality (spans ignored), hash, clone, and printing of
// trees that did not come from the parser.
#include "ast/ast.hpp"
#include "parse/parser.hpp"

#include <nextorm/value.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

namespace ast = nextorm::ast;
using nextorm::source_span;
using nextorm::parse::parse_expression;

namespace {

bool same(std::string_view a, std::string_view b) {
  const auto x = parse_expression(a);
  const auto y = parse_expression(b);
  const bool e = ast::equals(*x, *y);
  CHECK(ast::equals(*y, *x) == e);  // symmetric
  if (e) CHECK(ast::hash(*x) == ast::hash(*y));
  return e;
}

}  // namespace

TEST_CASE("op_text spells every operator as Python does", "[ast]") {
  CHECK(ast::op_text(ast::unary_op::neg) == "-");
  CHECK(ast::op_text(ast::unary_op::pos) == "+");
  CHECK(ast::op_text(ast::unary_op::not_) == "not");
  CHECK(ast::op_text(ast::binary_op::add) == "+");
  CHECK(ast::op_text(ast::binary_op::sub) == "-");
  CHECK(ast::op_text(ast::binary_op::mul) == "*");
  CHECK(ast::op_text(ast::binary_op::div) == "/");
  CHECK(ast::op_text(ast::binary_op::floordiv) == "//");
  CHECK(ast::op_text(ast::binary_op::mod) == "%");
  CHECK(ast::op_text(ast::binary_op::pow) == "**");
  CHECK(ast::op_text(ast::compare_op::eq) == "==");
  CHECK(ast::op_text(ast::compare_op::ne) == "!=");
  CHECK(ast::op_text(ast::compare_op::lt) == "<");
  CHECK(ast::op_text(ast::compare_op::le) == "<=");
  CHECK(ast::op_text(ast::compare_op::gt) == ">");
  CHECK(ast::op_text(ast::compare_op::ge) == ">=");
  CHECK(ast::op_text(ast::compare_op::in) == "in");
  CHECK(ast::op_text(ast::compare_op::not_in) == "not in");
  CHECK(ast::op_text(ast::compare_op::is) == "is");
  CHECK(ast::op_text(ast::compare_op::is_not) == "is not");
  CHECK(ast::op_text(ast::bool_kind::and_) == "and");
  CHECK(ast::op_text(ast::bool_kind::or_) == "or");
}

TEST_CASE("equals ignores spans and whitespace", "[ast]") {
  CHECK(same("a+b", "  a  +  b"));
  CHECK(same("p for p in P if p.x", "p  for p in P\n if p . x"));
  CHECK(same("f(a, k=1)[1:2]", "f( a , k = 1 )[ 1 : 2 ]"));
}

TEST_CASE("equals tells apart trees that differ in any one part", "[ast]") {
  // literals and names
  CHECK_FALSE(same("1", "2"));
  CHECK_FALSE(same("1", "1.0"));
  CHECK_FALSE(same("'a'", "'b'"));
  CHECK_FALSE(same("True", "1"));
  CHECK_FALSE(same("a", "b"));
  CHECK_FALSE(same("a", "(a,)"));
  // attributes and calls
  CHECK_FALSE(same("a.x", "a.y"));
  CHECK_FALSE(same("a.x", "b.x"));
  CHECK_FALSE(same("f(a)", "g(a)"));
  CHECK_FALSE(same("f(a)", "f(b)"));
  CHECK_FALSE(same("f(a)", "f(a, b)"));
  CHECK_FALSE(same("f(k=1)", "f(j=1)"));
  CHECK_FALSE(same("f(k=1)", "f(k=2)"));
  CHECK_FALSE(same("f(k=1)", "f(k=1, j=2)"));
  // operators
  CHECK_FALSE(same("-a", "+a"));
  CHECK_FALSE(same("-a", "-b"));
  CHECK_FALSE(same("a + b", "a - b"));
  CHECK_FALSE(same("a + b", "c + b"));
  CHECK_FALSE(same("a + b", "a + c"));
  CHECK_FALSE(same("a < b", "a > b"));
  CHECK_FALSE(same("a < b", "c < b"));
  CHECK_FALSE(same("a < b", "a < c"));
  CHECK_FALSE(same("a < b", "a < b < c"));
  CHECK_FALSE(same("a and b", "a or b"));
  CHECK_FALSE(same("a and b", "a and c"));
  CHECK_FALSE(same("a and b", "a and b and c"));
  // tuples, subscripts, slices
  CHECK_FALSE(same("(a, b)", "(a, c)"));
  CHECK_FALSE(same("(a,)", "(a, b)"));
  CHECK_FALSE(same("s[0]", "s[1]"));
  CHECK_FALSE(same("s[0]", "t[0]"));
  CHECK_FALSE(same("s[1:]", "s[:1]"));
  CHECK_FALSE(same("s[1:2]", "s[1:3]"));
  CHECK_FALSE(same("s[::1]", "s[:1]"));
  CHECK_FALSE(same("s[::1]", "s[::2]"));
  CHECK_FALSE(same("s[:]", "t[:]"));
  // dicts
  CHECK_FALSE(same("{}", "()"));
  CHECK_FALSE(same("{a: 1}", "{b: 1}"));
  CHECK_FALSE(same("{a: 1}", "{a: 2}"));
  CHECK_FALSE(same("{a: 1}", "{a: 1, b: 2}"));
  CHECK_FALSE(same("{a: 1, b: 2}", "{b: 2, a: 1}"));
  // conditionals, generators, lambdas
  CHECK_FALSE(same("a if b else c", "x if b else c"));
  CHECK_FALSE(same("a if b else c", "a if x else c"));
  CHECK_FALSE(same("a if b else c", "a if b else x"));
  CHECK_FALSE(same("x for x in X", "y for x in X"));
  CHECK_FALSE(same("x for x in X", "x for y in X"));
  CHECK_FALSE(same("x for x in X", "x for x, y in X"));
  CHECK_FALSE(same("x for x in X", "x for x in Y"));
  CHECK_FALSE(same("x for x in X", "x for x in X if c"));
  CHECK_FALSE(same("x for x in X if c", "x for x in X if d"));
  CHECK_FALSE(same("x for x in X", "x for x in X for y in Y"));
  CHECK_FALSE(same("lambda a: a", "lambda b: a"));
  CHECK_FALSE(same("lambda a: a", "lambda a, b: a"));
  CHECK_FALSE(same("lambda a: a", "lambda a: b"));
}

TEST_CASE("hash follows structure: separated parts do not run together", "[ast]") {
  const auto h = [](std::string_view t) { return ast::hash(*parse_expression(t)); };
  CHECK(h("x for a, b in X") != h("x for ab in X"));
  CHECK(h("lambda a, b: 1") != h("lambda ab: 1"));
  CHECK(h("f(a)") != h("f(k=a)"));
  CHECK(h("s[1:]") != h("s[:1]"));
  CHECK(h("a < b") != h("a > b"));
  CHECK(h("a and b") != h("a or b"));
  CHECK(h("-a") != h("not a"));
  CHECK(h("a + b") != h("a * b"));
  CHECK(h("a if b else c") != h("b if a else c"));
  CHECK(h("(a, b)") != h("(b, a)"));
  CHECK(h("{a: b}") != h("{b: a}"));
  CHECK(h("{a: b, c: d}") != h("{a: c, b: d}"));
  CHECK(h("s[0]") != h("s[1]"));
  CHECK(h("a.x") != h("a.y"));
}

TEST_CASE("clone copies deeply, spans included", "[ast]") {
  const std::string text = "f((x for x in X if x.a[1:] and not y), k=lambda q: -q ** 2)";
  const auto original = parse_expression(text);
  auto copy = ast::clone(*original);
  REQUIRE(ast::equals(*copy, *original));
  auto& call = copy->as<ast::call>();
  CHECK(call.span == original->span);
  CHECK(call.kwargs[0].name_span == original->as<ast::call>().kwargs[0].name_span);
  // Changing the copy leaves the original alone.
  call.kwargs[0].name.back() = 'j';  // (assigning a literal trips a g++ 12 false -Wrestrict)
  CHECK_FALSE(ast::equals(*copy, *original));
  CHECK(ast::to_string(*original) == "f((x for x in X if x.a[1:] and not y), k=lambda q: -q ** 2)");
}

TEST_CASE("to_string prints trees that the parser does not build", "[ast]") {
  const auto lit = [](nextorm::value v) {
    return std::make_unique<ast::literal>(source_span{}, std::move(v));
  };
  CHECK(ast::to_string(*lit(std::numeric_limits<double>::quiet_NaN())) == "float('nan')");
  CHECK(ast::to_string(*lit(-std::numeric_limits<double>::infinity())) == "-1e999");
  CHECK(ast::to_string(*lit(-1.5)) == "-1.5");
  CHECK(ast::to_string(*lit(nextorm::value::typed(nextorm::value_type::decimal, "1.10"))) ==
        nextorm::value::typed(nextorm::value_type::decimal, "1.10").repr());
  // A negative number binds like a unary minus.
  ast::binary pow{source_span{}, ast::binary_op::pow, lit(-1.5), lit(2)};
  CHECK(ast::to_string(pow) == "(-1.5) ** 2");
  ast::attribute attr{source_span{}, lit(-2), "real", source_span{}};
  CHECK(ast::to_string(attr) == "(-2).real");
  ast::attribute text_attr{source_span{}, lit("a"), "upper", source_span{}};
  CHECK(ast::to_string(text_attr) == "'a'.upper");
  ast::attribute bool_attr{source_span{}, lit(true), "real", source_span{}};
  CHECK(ast::to_string(bool_attr) == "True.real");
}
