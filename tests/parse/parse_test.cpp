// The parser: grammar health, tree shapes for every construct, spans, literals and limits.
#include "grammar/query_grammar.hpp"
#include "parse/parser.hpp"
#include "sexpr.hpp"

#include <nextorm/errors.hpp>

#include <tao/pegtl/contrib/analyze.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

using nextorm::query_error;
using nextorm::source_span;
using nextorm::parse::parse_expression;
using nextorm::parse::parse_generator;
using nextorm::test::sexpr;
namespace ast = nextorm::ast;

namespace {

std::string shape(std::string_view text) { return sexpr(*parse_expression(text)); }

std::string error_id(std::string_view text) {
  try {
    (void)parse_expression(text);
  } catch (const query_error& e) {
    CHECK(e.category() == nextorm::error_category::syntax);
    return e.id();
  }
  return "no error";
}

source_span error_span(std::string_view text) {
  try {
    (void)parse_expression(text);
  } catch (const query_error& e) {
    return e.span();
  }
  return {};
}

std::string text_at(std::string_view text, source_span s) {
  return std::string{text.substr(s.begin, s.end - s.begin)};
}

}  // namespace

TEST_CASE("the grammar has no left recursion and no rule that loops without consuming", "[parse]") {
  CHECK(tao::pegtl::analyze<nextorm::grammar::query>() == 0);
}

TEST_CASE("a generator query parses into result, loop variable, source and conditions", "[parse]") {
  const auto n = parse_generator("p for p in Product if p.price < 20");
  REQUIRE(n->kind == ast::node_kind::generator);
  const auto& g = n->as<ast::generator>();
  CHECK(sexpr(*g.result) == "p");
  REQUIRE(g.fors.size() == 1);
  CHECK(g.fors[0].targets == std::vector<std::string>{"p"});
  CHECK(sexpr(*g.fors[0].source) == "Product");
  REQUIRE(g.fors[0].conditions.size() == 1);
  CHECK(sexpr(*g.fors[0].conditions[0]) == "(cmp (. p price) < 20)");
  CHECK(sexpr(*n) == "(gen p (for p in Product if (cmp (. p price) < 20)))");
}

TEST_CASE("a generator may be wrapped in parentheses", "[parse]") {
  CHECK(sexpr(*parse_generator("(p for p in Product)")) == "(gen p (for p in Product))");
  CHECK(sexpr(*parse_generator("  ((p for p in Product))  ")) == "(gen p (for p in Product))");
}

TEST_CASE("parse_generator refuses an expression that is not a generator", "[parse]") {
  try {
    (void)parse_generator("Product");
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.id() == "syntax.expected_for");
    CHECK(e.span() == source_span{7, 7});
  }
}

TEST_CASE("left_join(<generator>) is the generator, flagged, and prints back", "[parse]") {
  const auto n = parse_generator("left_join((c, count(p)) for c in Category for p in c.products)");
  REQUIRE(n->kind == nextorm::ast::node_kind::generator);
  CHECK(n->as<nextorm::ast::generator>().left_join);
  CHECK(nextorm::ast::to_string(*n) ==
        "left_join((c, count(p)) for c in Category for p in c.products)");
  const auto again = parse_generator(nextorm::ast::to_string(*n));
  CHECK(nextorm::ast::equals(*n, *again));
  CHECK(nextorm::ast::hash(*n) == nextorm::ast::hash(*again));
  const auto plain = parse_generator("(c, count(p)) for c in Category for p in c.products");
  CHECK_FALSE(nextorm::ast::equals(*n, *plain));
  CHECK(nextorm::ast::equals(*nextorm::ast::clone(*n), *n));
  // Only the whole query: a left_join call inside an expression stays a call.
  CHECK(parse_expression("left_join(x for x in X)")->kind == nextorm::ast::node_kind::call);
}

TEST_CASE("generators take several for clauses, several conditions and tuple targets", "[parse]") {
  CHECK(shape("(s, c) for s in Student for c in s.courses if c.credits > 2 if s.gpa") ==
        "(gen (tuple s c) (for s in Student) (for c in (. s courses) if (cmp (. c credits) > 2) "
        "if (. s gpa)))");
  CHECK(shape("a for a, b in pairs") == "(gen a (for a b in pairs))");
  CHECK(shape("x for x in X if a if b") == "(gen x (for x in X if a if b))");
}

TEST_CASE("the source and conditions of a for clause stop before 'if' and 'for'", "[parse]") {
  // The source is parsed below the conditional, so its `if` starts a condition.
  CHECK(shape("x for x in a or b if c and d") == "(gen x (for x in (or a b) if (and c d)))");
  // The result may be a conditional.
  CHECK(shape("a if c else b for x in X") == "(gen (if c a b) (for x in X))");
}

TEST_CASE("nested generators are subqueries, with or without their own parentheses in a call",
          "[parse]") {
  CHECK(shape("s for s in Student if count(c for c in s.courses) > 2") ==
        "(gen s (for s in Student if (cmp (call count (gen c (for c in (. s courses)))) > 2)))");
  CHECK(shape("x in (y for y in Y)") == "(cmp x in (gen y (for y in Y)))");
  CHECK(shape("max((p.price for p in Product))") ==
        "(call max (gen (. p price) (for p in Product)))");
}

TEST_CASE("operators bind as in Python", "[parse]") {
  CHECK(shape("a + b * c") == "(+ a (* b c))");
  CHECK(shape("(a + b) * c") == "(* (+ a b) c)");
  CHECK(shape("a - b - c") == "(- (- a b) c)");
  CHECK(shape("a - (b - c)") == "(- a (- b c))");
  CHECK(shape("a / b // c % d") == "(% (// (/ a b) c) d)");
  CHECK(shape("-2**2") == "(- (** 2 2))");
  CHECK(shape("2**-1") == "(** 2 (- 1))");
  CHECK(shape("2**3**2") == "(** 2 (** 3 2))");
  CHECK(shape("(2**3)**2") == "(** (** 2 3) 2)");
  CHECK(shape("-x.y") == "(- (. x y))");
  CHECK(shape("+-x") == "(+ (- x))");
  CHECK(shape("a * -b") == "(* a (- b))");
  CHECK(shape("not a == b") == "(not (cmp a == b))");
  CHECK(shape("not not a") == "(not (not a))");
  CHECK(shape("a or b and c") == "(or a (and b c))");
  CHECK(shape("(a or b) and c") == "(and (or a b) c)");
  CHECK(shape("a and b and c") == "(and a b c)");
  CHECK(shape("a or b or c") == "(or a b c)");
  CHECK(shape("a and not b or c") == "(or (and a (not b)) c)");
  CHECK(shape("a if b else c if d else e") == "(if b a (if d c e))");
  CHECK(shape("(a if b else c) if d else e") == "(if d (if b a c) e)");
  CHECK(shape("a + b < c * d") == "(cmp (+ a b) < (* c d))");
}

TEST_CASE("comparisons chain into one node and cover every operator", "[parse]") {
  CHECK(shape("a < b <= c") == "(cmp a < b <= c)");
  CHECK(shape("a == b != c > d >= e") == "(cmp a == b != c > d >= e)");
  CHECK(shape("a in b") == "(cmp a in b)");
  CHECK(shape("a not in b") == "(cmp a not in b)");
  CHECK(shape("a not\n  in b") == "(cmp a not in b)");
  CHECK(shape("a is None") == "(cmp a is None)");
  CHECK(shape("a is not None") == "(cmp a is not None)");
  CHECK(shape("a is (not b)") == "(cmp a is (not b))");
  CHECK(shape("(a < b) < c") == "(cmp (cmp a < b) < c)");
}

TEST_CASE("comparison operators remember where they are", "[parse]") {
  const std::string text = "a not  in b is not c";
  const auto n = parse_expression(text);
  const auto& c = n->as<ast::compare>();
  REQUIRE(c.rest.size() == 2);
  CHECK(text_at(text, c.rest[0].op_span) == "not  in");
  CHECK(text_at(text, c.rest[1].op_span) == "is not");
}

TEST_CASE("attribute access, calls, subscripts and slices chain left to right", "[parse]") {
  CHECK(shape("p.name.startswith('W')") == "(call (. (. p name) startswith) 'W')");
  CHECK(shape("f(a, b, key=c, other=1)") == "(call f a b key=c other=1)");
  CHECK(shape("f()") == "(call f)");
  CHECK(shape("f(a,)") == "(call f a)");
  CHECK(shape("f(key=1,)") == "(call f key=1)");
  CHECK(shape("f(a)(b)") == "(call (call f a) b)");
  CHECK(shape("s[0]") == "([] s 0)");
  CHECK(shape("s[i][j]") == "([] ([] s i) j)");
  CHECK(shape("s[1:2]") == "(slice s 1 2 -)");
  CHECK(shape("s[1:2:3]") == "(slice s 1 2 3)");
  CHECK(shape("s[:2]") == "(slice s - 2 -)");
  CHECK(shape("s[1:]") == "(slice s 1 - -)");
  CHECK(shape("s[:]") == "(slice s - - -)");
  CHECK(shape("s[::2]") == "(slice s - - 2)");
  CHECK(shape("s[1::]") == "(slice s 1 - -)");
  CHECK(shape("s[a:b][0].x") == "(. ([] (slice s a b -) 0) x)");
  CHECK(shape("f(a == b)") == "(call f (cmp a == b))");
}

TEST_CASE("a generator argument must be the only argument", "[parse]") {
  CHECK(error_id("f(a, b for b in c)") == "syntax.expected_close");
  CHECK(error_id("f(k=b for b in c)") == "syntax.generator_argument");
  CHECK(error_id("f(b for b in c, 1)") == "syntax.expected_close");
}

TEST_CASE("keyword arguments come last and once", "[parse]") {
  CHECK(error_id("f(a=1, b)") == "syntax.positional_after_keyword");
  CHECK(text_at("f(a=1, b)", error_span("f(a=1, b)")) == "b");
  CHECK(error_id("f(a=1, a=2)") == "syntax.repeated_keyword");
  CHECK(error_span("f(a=1, a=2)") == source_span{7, 8});
}

TEST_CASE("lambdas take zero or more parameters and a full expression", "[parse]") {
  CHECK(shape("lambda p: p.price > 3") == "(lambda p : (cmp (. p price) > 3))");
  CHECK(shape("lambda: 1") == "(lambda : 1)");
  CHECK(shape("lambda a, b: a if b else lambda: 2") == "(lambda a b : (if b a (lambda : 2)))");
  CHECK(error_id("lambda a, a: a") == "syntax.duplicate_parameter");
  CHECK(error_span("lambda a, a: a") == source_span{10, 11});
}

TEST_CASE("tuples and lists", "[parse]") {
  CHECK(shape("()") == "(tuple)");
  CHECK(shape("(a)") == "a");
  CHECK(shape("(a,)") == "(tuple a)");
  CHECK(shape("(a, b)") == "(tuple a b)");
  CHECK(shape("(a, b,)") == "(tuple a b)");
  CHECK(shape("[]") == "(tuple)");
  CHECK(shape("[a]") == "(tuple a)");
  CHECK(shape("[1, 2,]") == "(tuple 1 2)");
  CHECK(shape("x in (1, 2, 3)") == "(cmp x in (tuple 1 2 3))");
}

TEST_CASE("braces: a dict, the empty dict, or a set read as a tuple", "[parse]") {
  CHECK(shape("{}") == "(dict)");
  CHECK(shape("{'a': 1}") == "(dict 'a':1)");
  CHECK(shape("{'a': 1, b: [x, y],}") == "(dict 'a':1 b:(tuple x y))");
  CHECK(shape("{'a': {'b': None}, 'a': -1}") == "(dict 'a':(dict 'b':None) 'a':(- 1))");
  CHECK(shape("{k: lambda: 1}") == "(dict k:(lambda : 1))");
  CHECK(shape("{a}") == "(tuple a)");
  CHECK(shape("{1, 2,}") == "(tuple 1 2)");
  CHECK(shape("x in {1, 2}") == "(cmp x in (tuple 1 2))");
  CHECK(shape("s.meta == {}") == "(cmp (. s meta) == (dict))");
  CHECK(error_id("{'a' 1}") == "syntax.expected_close");
  CHECK(error_id("{'a': }") == "syntax.expected_expression");
  CHECK(error_id("{'a': 1, 'b'}") == "syntax.expected_colon");
  CHECK(error_id("{1, 2: 3}") == "syntax.expected_close");
  CHECK(error_id("{'a': x for x in y}") == "syntax.expected_close");
  CHECK(error_id("{'a': 1") == "syntax.unclosed");
  CHECK(text_at("x == {'a': 1", error_span("x == {'a': 1")) == "{");
  CHECK(error_id("x == 1}") == "syntax.unexpected_text");
}

TEST_CASE("a subscript by several values is a subscript by their tuple", "[parse]") {
  CHECK(shape("Grade[s, c]") == "([] Grade (tuple s c))");
  CHECK(shape("g[1,]") == "([] g (tuple 1))");
  CHECK(error_id("g[1, 2:3]") == "syntax.expected_close");
}

TEST_CASE("a bare tuple is a whole expression, as order_by texts use it", "[parse]") {
  CHECK(shape("desc(p.price), p.name") == "(tuple (call desc (. p price)) (. p name))");
  CHECK(shape("a,") == "(tuple a)");
  CHECK(shape("-2, 1") == "(tuple (- 2) 1)");
}

TEST_CASE("numbers: int64 integers and Python floats", "[parse]") {
  CHECK(shape("0") == "0");
  CHECK(shape("007") == "7");
  CHECK(shape("9223372036854775807") == "9223372036854775807");
  CHECK(shape("-9223372036854775808") == "-9223372036854775808");
  CHECK(shape("--9223372036854775808") == "(- -9223372036854775808)");
  CHECK(error_id("9223372036854775808") == "syntax.integer_too_large");
  CHECK(error_id("99999999999999999999999999") == "syntax.integer_too_large");
  CHECK(error_id("-9223372036854775809") == "syntax.integer_too_large");
  CHECK(error_id("-99999999999999999999999999") == "syntax.integer_too_large");
  CHECK(shape("1.5") == "1.5");
  CHECK(shape("1.") == "1.0");
  CHECK(shape(".5") == "0.5");
  CHECK(shape("1e3") == "1000.0");
  CHECK(shape("1E-3") == "0.001");
  CHECK(shape("2.5e+2") == "250.0");
  CHECK(shape(".5e1") == "5.0");
  const auto inf = parse_expression("1e999");
  CHECK(std::isinf(inf->as<ast::literal>().value.as_real()));
  CHECK(parse_expression("1e-999")->as<ast::literal>().value.as_real() == 0.0);
  CHECK(parse_expression("0e999")->as<ast::literal>().value.as_real() == 0.0);
  const std::string huge = "1" + std::string(400, '0') + ".5";  // too large without an exponent
  CHECK(std::isinf(parse_expression(huge)->as<ast::literal>().value.as_real()));
  CHECK(error_id("1x") == "syntax.invalid_number");
  CHECK(error_id("1e") == "syntax.invalid_number");
  // Python's other forms: underscores between digits, and bases 16, 8 and 2.
  CHECK(shape("1_000_000") == "1000000");
  CHECK(shape("0x1F") == "31");
  CHECK(shape("0XfF") == "255");
  CHECK(shape("0o17") == "15");
  CHECK(shape("0O7_7") == "63");
  CHECK(shape("0b101") == "5");
  CHECK(shape("0B_1") == "1");
  CHECK(shape("0x_7fff_ffff_ffff_ffff") == "9223372036854775807");
  CHECK(shape("-0x8000000000000000") == "-9223372036854775808");
  CHECK(shape("00") == "0");
  CHECK(shape("1_0.2_5") == "10.25");
  CHECK(shape("1e1_0") == "1e+10");
  CHECK(error_id("0x8000000000000000") == "syntax.integer_too_large");
  CHECK(error_id("0b" + std::string(65, '1')) == "syntax.integer_too_large");
  for (const char* bad : {"1_", "1__0", "0x", "0xg", "0o8", "0b2", "1_e3", "0x_", "1._5"}) {
    INFO(bad);
    CHECK(error_id(bad) != "");
  }
  CHECK(error_id("1_") == "syntax.invalid_number");
  CHECK(error_id("0o8") == "syntax.invalid_number");
  CHECK(error_id("1.5.2") == "syntax.expected_name");  // `.2` is no attribute name
}

TEST_CASE("strings: both quotes, Python escapes, adjacent literals joined", "[parse]") {
  const auto str = [](std::string_view text) {
    return parse_expression(text)->as<ast::literal>().value.as_text();
  };
  CHECK(str("'abc'") == "abc");
  CHECK(str("\"abc\"") == "abc");
  CHECK(str("''") == "");
  CHECK(str("'it\\'s'") == "it's");
  CHECK(str("\"say \\\"hi\\\"\"") == "say \"hi\"");
  CHECK(str("'a\\\\b'") == "a\\b");
  CHECK(str("'\\n\\t\\r\\a\\b\\f\\v'") == "\n\t\r\a\b\f\v");
  CHECK(str("'\\x41\\x7e'") == "A~");
  CHECK(str("'\\xe9'") == "\xc3\xa9");
  CHECK(str("'\\u00e9\\u20ac'") == "\xc3\xa9\xe2\x82\xac");
  CHECK(str("'\\U0001F600'") == "\xf0\x9f\x98\x80");
  CHECK(str("'\\101\\0\\7'") == std::string{"A\0\a", 3});
  CHECK(str("'\\q\\d'") == "\\q\\d");  // unknown escapes stay, as in Python
  CHECK(str("'a\\\nb'") == "ab");      // backslash-newline continues the line
  CHECK(str("'a' \"b\"\n  'c'") == "abc");
  CHECK(str("'\"'") == "\"");
  CHECK(str("\"'\"") == "'");
  CHECK(str("'caf\xc3\xa9'") == "caf\xc3\xa9");
  CHECK(error_id("'\\ud800'") == "syntax.invalid_escape");
  CHECK(error_span("x == '\\ud800'") == source_span{6, 12});
  CHECK(error_span("'\\U00110000'") == source_span{1, 11});
  CHECK(error_id("'\\x4'") == "syntax.invalid_escape");
  CHECK(error_id("'\\u12'") == "syntax.invalid_escape");
  CHECK(error_id("'\\U1234567'") == "syntax.invalid_escape");
  CHECK(error_id("'\\x") == "syntax.invalid_escape");
  CHECK(error_span("'\\x") == source_span{3, 3});
  CHECK(error_id("'abc\\") == "syntax.unterminated_string");
  CHECK(error_id("'abc\ndef'") == "syntax.unterminated_string");
  // \N{NAME} (no table of Unicode names here): refused, not kept as it is.
  CHECK(error_id("'\\N{LATIN SMALL LETTER A}'") == "syntax.invalid_escape");
  CHECK(error_span("'x\\N{BULLET}'") == source_span{4, 5});  // after the N, as \x's
  // Raw strings keep every backslash; u'' is a plain string.
  CHECK(str("r'a\\nb'") == "a\\nb");
  CHECK(str("R\"\\d+\\.\\N{x}\"") == "\\d+\\.\\N{x}");
  CHECK(str("r'it\\'s'") == "it\\'s");  // the quote does not close, the backslash stays
  CHECK(str("r'\\x4'") == "\\x4");
  CHECK(str("u'caf\\xe9'") == "caf\xc3\xa9");
  CHECK(str("U'a' r'\\n' 'b\\n'") == "a\\nb\n");
  CHECK(error_id("r'abc\\'") == "syntax.unterminated_string");
  CHECK(error_id("rb'abc'") != "");
  CHECK(shape("r") == "r");  // a name
  CHECK(shape("u") == "u");
}

TEST_CASE("True, False and None are literals; keywords never start a name", "[parse]") {
  CHECK(shape("True") == "True");
  CHECK(shape("False") == "False");
  CHECK(shape("None") == "None");
  for (const char* n : {"format", "inner", "iffy", "island", "Nonesuch", "notable", "order",
                        "android", "lambdas", "elsewhere", "Truer", "False_", "for_", "_in"}) {
    CHECK(shape(n) == n);
  }
  CHECK(shape("p.order") == "(. p order)");
  CHECK(shape("x for x in inner if notable") == "(gen x (for x in inner if notable))");
}

TEST_CASE("spans cover each node's text without the whitespace around it", "[parse]") {
  const std::string text = "  p  for  p  in  Product  if  p.price  <  20  ";
  const auto n = parse_generator(text);
  const auto& g = n->as<ast::generator>();
  CHECK(text_at(text, g.span) == "p  for  p  in  Product  if  p.price  <  20");
  CHECK(text_at(text, g.result->span) == "p");
  CHECK(text_at(text, g.fors[0].target_spans[0]) == "p");
  CHECK(g.fors[0].target_spans[0].begin == 10);
  CHECK(text_at(text, g.fors[0].source->span) == "Product");
  const auto& cmp = g.fors[0].conditions[0]->as<ast::compare>();
  CHECK(text_at(text, cmp.span) == "p.price  <  20");
  const auto& attr = cmp.first->as<ast::attribute>();
  CHECK(text_at(text, attr.span) == "p.price");
  CHECK(text_at(text, attr.attr_span) == "price");
  CHECK(text_at(text, cmp.rest[0].rhs->span) == "20");
}

TEST_CASE("spans of calls, slices, tuples, kwargs, lambdas and groupings", "[parse]") {
  const std::string text = "f(a, k = (b))[1:2] + (x, y) * (lambda q: q)(z)";
  const auto n = parse_expression(text);
  const auto& sum = n->as<ast::binary>();
  const auto& sl = sum.lhs->as<ast::slice>();
  CHECK(text_at(text, sl.span) == "f(a, k = (b))[1:2]");
  const auto& c = sl.object->as<ast::call>();
  CHECK(text_at(text, c.span) == "f(a, k = (b))");
  CHECK(text_at(text, c.kwargs[0].name_span) == "k");
  CHECK(text_at(text, c.kwargs[0].value->span) == "b");  // a grouping keeps the inner span
  const auto& prod = sum.rhs->as<ast::binary>();
  CHECK(text_at(text, prod.lhs->span) == "(x, y)");
  const auto& lc = prod.rhs->as<ast::call>();
  CHECK(text_at(text, lc.func->span) == "lambda q: q");
  CHECK(text_at(text, lc.func->as<ast::lambda>().param_spans[0]) == "q");
  CHECK(text_at(text, n->span) == text);
}

TEST_CASE("an empty or blank query expects an expression where the text ends", "[parse]") {
  CHECK(error_id("") == "syntax.expected_expression");
  CHECK(error_span("") == source_span{0, 0});
  CHECK(error_id(" \n\t ") == "syntax.expected_expression");
  CHECK(error_span(" \n\t ") == source_span{4, 4});
}

TEST_CASE("queries may span lines", "[parse]") {
  const std::string text = "p for p in Product\n    if p.price < 20\n    and p.name";
  const auto n = parse_generator(text);
  const auto& cond = n->as<ast::generator>().fors[0].conditions[0]->as<ast::bool_op>();
  CHECK(text_at(text, cond.operands[1]->span) == "p.name");
  try {
    (void)parse_generator("p for p in Product\n  if p.price <\n");
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.line() == 3);
    CHECK(e.column() == 1);
  }
}

TEST_CASE("deep nesting is a syntax error, not a stack overflow", "[parse]") {
  const auto nest = [](std::size_t depth, std::string_view open, std::string_view close) {
    std::string s;
    for (std::size_t i = 0; i < depth; ++i) s += open;
    s += "x";
    for (std::size_t i = 0; i < depth; ++i) s += close;
    return s;
  };
  const std::size_t limit = nextorm::parse::max_nesting;
  CHECK(shape(nest(limit, "(", ")")) == "x");
  CHECK(error_id(nest(limit + 1, "(", ")")) == "syntax.too_deep");
  CHECK(error_span(nest(limit + 1, "(", ")")) == source_span{100, 101});
  CHECK(error_id(nest(40000, "(", ")")) == "syntax.too_deep");
  CHECK(error_id(nest(limit + 1, "[", "]")) == "syntax.too_deep");
  CHECK(error_id(nest(limit + 1, "f(", ")")) == "syntax.too_deep");
  CHECK(error_id(nest(limit + 1, "-", "")) == "syntax.too_deep");
  CHECK(error_id(nest(limit + 1, "not ", "")) == "syntax.too_deep");
  CHECK(error_id(nest(limit + 1, "2**", "")) == "syntax.too_deep");
  CHECK(error_id(nest(limit + 1, "lambda: ", "")) == "syntax.too_deep");
  CHECK(error_id(nest(limit + 1, "a if b else ", "")) == "syntax.too_deep");
  CHECK(error_id(nest(limit, "-", "")) == "no error");
}

TEST_CASE("long operator chains are limited by the tree height", "[parse]") {
  const auto chain = [](std::size_t n, std::string_view op) {
    std::string s = "x";
    for (std::size_t i = 1; i < n; ++i) {
      s += op;
      s += "x";
    }
    return s;
  };
  const std::size_t limit = nextorm::parse::max_tree_height;
  CHECK(error_id(chain(limit, " + ")) == "no error");
  CHECK(error_id(chain(limit + 1, " + ")) == "syntax.too_deep");
  CHECK(error_id(chain(limit + 1, " * ")) == "syntax.too_deep");
  CHECK(error_id(chain(limit + 1, ".")) == "syntax.too_deep");
  for (const char* postfix : {"[0]", "()", "[0:1]", ".a"}) {
    std::string s = "x";
    for (int i = 0; i < 15000; ++i) s += postfix;
    CHECK(error_id(s) == "syntax.too_deep");
  }
  // Flat nodes are not deep, however long.
  CHECK(error_id(chain(10000, " and ")) == "no error");
  CHECK(error_id(chain(10000, " < ")) == "no error");
  CHECK(error_id("(" + chain(10000, ", ") + ")") == "no error");
}

TEST_CASE("the height limit counts every kind of node", "[parse]") {
  // Each wrapper adds one level around a chain that is exactly at the limit.
  const std::size_t limit = nextorm::parse::max_tree_height;
  std::string chain = "x";
  for (std::size_t i = 1; i < limit; ++i) chain += " + x";
  for (const std::string& wrapped :
       {"-(" + chain + ")", "(" + chain + ") < 1", "f(" + chain + ")", "f(k=" + chain + ")",
        "(" + chain + ", 1)", "[" + chain + "]", "y[" + chain + "]", "y[" + chain + ":]",
        "(" + chain + ") and y", "y if (" + chain + ") else z", "lambda: " + chain,
        "x for x in (" + chain + ")", "x for x in X if (" + chain + ")", "(" + chain + ").a",
        "f(x for x in (" + chain + "))", "(" + chain + ")(y)"}) {
    INFO(wrapped.substr(0, 20));
    CHECK(error_id(wrapped) == "syntax.too_deep");
  }
}

TEST_CASE("a text over the length limit is refused before parsing", "[parse]") {
  std::string text(nextorm::parse::max_query_length, ' ');
  text[0] = 'x';
  CHECK(error_id(text) == "no error");
  text += ' ';
  CHECK(error_id(text) == "syntax.too_long");
}

TEST_CASE("every kind of whitespace separates tokens, and lines may end in CR LF", "[parse]") {
  CHECK(shape("p\tfor\rp\vin\fProduct\r\n  if\r\n p.x") == "(gen p (for p in Product if (. p x)))");
  // Long runs of each kind after a token: none of it is the token's. (Many characters also keep
  // the coverage gate's counts of each kind well above what counters racing in the suite's
  // multi-threaded tests can lose.)
  for (const char c : std::string_view{" \t\n\r\v\f"}) {
    const std::string text = "x" + std::string(2000, c);
    CHECK(sexpr(*parse_expression(text)) == "x");
    CHECK(parse_expression(text)->span.end == 1);
  }
}

TEST_CASE("characters that start tokens are never 'unexpected'", "[parse]") {
  for (const char c : std::string_view{"'\"()[]{},.:+-*/%<>=aZ_0"}) {
    const std::string text = std::string{"x for x "} + c;
    INFO(text);
    CHECK(error_id(text) != "syntax.unexpected_character");
  }
  CHECK(error_id("x for x !") == "syntax.unexpected_character");
  CHECK(error_id("x for x !y") == "syntax.unexpected_character");
  CHECK(error_id("x for x =") == "syntax.single_equals");
  CHECK(error_id("x for x = y") == "syntax.single_equals");
  CHECK(error_id("x for x == y") == "syntax.expected_in");
}

TEST_CASE("the caret covers the whole offending token", "[parse]") {
  for (const char* op : {"==", "!=", "<=", ">=", "**", "//"}) {
    const std::string text = std::string{"x for x in X if "} + op + " 1";
    CHECK(text_at(text, error_span(text)) == op);
  }
  for (const char* op : {"<", ">", "*", "/", "%", ")", "]", ",", ":", "."}) {
    const std::string text = std::string{"x for x in X if "} + op + " 1";
    CHECK(text_at(text, error_span(text)) == op);
  }
  CHECK(text_at("x for x in X if in", error_span("x for x in X if in")) == "in");
  CHECK(text_at("x for x in X if 1_a1", error_span("x for x in X if 1_a1")) == "_a1");
}

TEST_CASE("an unexpected character is quoted whole, or in hex when it is not printable",
          "[parse]") {
  const auto message = [](std::string_view text) {
    try {
      (void)parse_expression(text);
    } catch (const query_error& e) {
      return e.message();
    }
    return std::string{"no error"};
  };
  CHECK(message("a $") == "unexpected character '$'");
  CHECK(message("a \x01") == "unexpected character '\\x01'");
  CHECK(message("a \x7f") == "unexpected character '\\x7f'");
  CHECK(message("a \xc3\xa9") == "unexpected character '\xc3\xa9'");          // é
  CHECK(message("a \xe2\x82\xac") == "unexpected character '\xe2\x82\xac'");  // €
  CHECK(message("a \xf0\x9f\x98\x80") == "unexpected character '\xf0\x9f\x98\x80'");
  CHECK(error_span("a \xe2\x82\xac b") == source_span{2, 5});
}

TEST_CASE("a query that is not UTF-8 is refused at its first bad byte, in a string or out of one",
          "[parse]") {
  CHECK(error_id("a \x80") == "syntax.invalid_utf8");  // a stray continuation byte
  CHECK(error_span("a \x80") == source_span{2, 3});
  CHECK(error_span("a \xe2\x82") == source_span{2, 4});          // cut short by the end
  CHECK(error_span("'\xff\xfe'") == source_span{1, 2});          // in a string
  CHECK(error_span("'\xc0\xaf'") == source_span{1, 2});          // an overlong '/'
  CHECK(error_span("'\xed\xa0\x80'") == source_span{1, 2});      // a surrogate
  CHECK(error_span("'\xf4\x90\x80\x80'") == source_span{1, 2});  // above U+10FFFF
  CHECK(error_span("'caf\xc3\xa9' + '\xc3'") == source_span{11, 12});
  try {
    (void)parse_expression("'ok' == '\xff'");
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.message() == "the query is not valid UTF-8 (byte 10)");
  }
}

TEST_CASE("an escape in an f-string's text is decoded and never pairs with a brace", "[parse]") {
  // \' is a quote, \\ a backslash (so the {{ after it is still one literal brace), \n a newline.
  CHECK(shape(R"(f'\'{x}\\{{\n')") == "(call concat '\\'' x '\\\\{\n')");
}

TEST_CASE("an f-string without fields is the plain string literal", "[parse]") {
  CHECK(shape("f''") == "''");
  CHECK(shape("f'abc'") == "'abc'");
  CHECK(shape("f\"{{x}}\"") == "'{x}'");
  CHECK(parse_expression("f'abc'")->kind == ast::node_kind::literal);
}

TEST_CASE("a node's span ends before a form feed or vertical tab its last token ate", "[parse]") {
  const std::string text = "f(a\f, b\v)\f";
  const auto n = parse_expression(text);
  CHECK(text_at(text, n->span) == "f(a\f, b\v)");
  const auto& c = n->as<ast::call>();
  REQUIRE(c.args.size() == 2);
  CHECK(text_at(text, c.args[0]->span) == "a");
  CHECK(text_at(text, c.args[1]->span) == "b");
}
