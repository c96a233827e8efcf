// The PEGTL grammar of NextORM queries: a subset of Python expressions, PonyORM style.
//
// How to read it. Rules go from the query down to the characters, one rule per precedence level,
// lowest precedence first (as in Python's own grammar); grammar/README.md has the same thing as
// readable PEG and a precedence table. Three conventions hold everywhere:
//
//  * Each token eats the whitespace on its right (`ws`), so rules never mention whitespace
//    between tokens, a query may span lines, and the only leading whitespace is the query's own.
//  * Every point after which the parse cannot back out is a `must<>` (or `if_must<>`) on a named
//    rule, and every such rule has a message in grammar/errors.hpp: the control class refuses to
//    compile a `must<>` whose rule has none. Error carets therefore point at the first token that
//    does not fit, not at some later place where backtracking gave up.
//  * Rules that become nodes of the parse tree carry `static constexpr node_id node`; that member
//    is the selector (see `selector` at the end). Rules that also carry `fold = true` are
//    precedence levels: a level that matched a single operand disappears from the tree, so `p`
//    parsed as a full expression is one `name` node, not fifteen nested levels.
//
// Nothing here allocates or copies: the parse tree points into the query text, and the AST
// builder (src/parse/build_ast.cpp) copies the strings out.
#pragma once

#include <tao/pegtl.hpp>

#include <cstdint>
#include <memory>
#include <type_traits>

namespace nextorm::grammar {

namespace pg = tao::pegtl;
using pg::eof;
using pg::if_must;
using pg::must;
using pg::not_at;
using pg::one;
using pg::opt;
using pg::plus;
using pg::seq;
using pg::sor;
using pg::star;

// The kinds of parse-tree nodes, one per selected rule (the AST builder switches on it).
enum class node_id : std::uint8_t {
  root,  // the parse tree's root, which has no rule
  // atoms
  name,
  integer,
  floating,
  string,        // one node for adjacent literals 'a' "b": the builder decodes and joins them
  fstring,       // f'...': its text parts and its fields' expressions, in order
  fstring_text,  // the text between fields, escapes and doubled braces not yet decoded
  none,
  true_,
  false_,
  paren,       // ( ... ): grouping, tuple or generator, decided by its children
  list,        // [ ... ]: a tuple
  brace,       // { ... }: a dict (with a dict_tail, or empty) or a set (a tuple)
  dict_tail,   // `: v1, k2: v2, ...` after the first key of a dict
  tuple_tail,  // `, b, c` after the first item of a tuple
  gen_tail,    // one or more `for` clauses after a result expression
  comp_for,    // for <loop_var>, ... in <source> if <cond> ...
  loop_var,    // a target of a `for` clause
  // postfix
  primary,      // atom followed by trailers (folds)
  attribute,    // .name
  call,         // ( args )
  kwarg,        // key = value
  subscript,    // [ index ] or [ start : stop : step ]
  slice_colon,  // a `:` inside a subscript, which separates start, stop and step
  // operators
  prefix,  // - x, + x, not x: children are the operator and the operand
  power,
  term,
  sum,
  comparison,
  and_test,
  or_test,
  conditional,
  lambda,
  lambda_param,
  top,     // a whole expression: a test, a bare tuple or a generator
  nested,  // an operand counted by the depth limit; always folds into its one child
  // operator tokens
  op_add,
  op_sub,
  op_mul,
  op_div,
  op_floordiv,
  op_mod,
  op_pow,
  op_neg,
  op_pos,
  op_not,
  op_eq,
  op_ne,
  op_lt,
  op_le,
  op_gt,
  op_ge,
  op_in,
  op_not_in,
  op_is,
  op_is_not,
};

// ---------------------------------------------------------------------------------------------
// Whitespace, keywords, punctuation.

struct ws : star<pg::space> {};

// A keyword never matches a prefix of a name: `format` is a name, not `for` + `mat`.
template <char... Cs>
struct kw : seq<pg::keyword<Cs...>, ws> {};

struct kw_for : kw<'f', 'o', 'r'> {};
struct kw_in : kw<'i', 'n'> {};
struct kw_if : kw<'i', 'f'> {};
struct kw_else : kw<'e', 'l', 's', 'e'> {};
struct kw_and : kw<'a', 'n', 'd'> {};
struct kw_or : kw<'o', 'r'> {};
struct kw_lambda : kw<'l', 'a', 'm', 'b', 'd', 'a'> {};
struct kw_none : kw<'N', 'o', 'n', 'e'> {
  static constexpr node_id node = node_id::none;
};
struct kw_true : kw<'T', 'r', 'u', 'e'> {
  static constexpr node_id node = node_id::true_;
};
struct kw_false : kw<'F', 'a', 'l', 's', 'e'> {
  static constexpr node_id node = node_id::false_;
};

// The words a name can never be.
struct reserved
    : sor<pg::keyword<'f', 'o', 'r'>, pg::keyword<'i', 'n'>, pg::keyword<'i', 'f'>,
          pg::keyword<'e', 'l', 's', 'e'>, pg::keyword<'a', 'n', 'd'>, pg::keyword<'o', 'r'>,
          pg::keyword<'n', 'o', 't'>, pg::keyword<'i', 's'>, pg::keyword<'N', 'o', 'n', 'e'>,
          pg::keyword<'T', 'r', 'u', 'e'>, pg::keyword<'F', 'a', 'l', 's', 'e'>,
          pg::keyword<'l', 'a', 'm', 'b', 'd', 'a'>> {};

template <char... Cs>
struct sym : seq<pg::string<Cs...>, ws> {};

struct comma : sym<','> {};
struct colon : sym<':'> {};
struct dot : sym<'.'> {};

// Brackets are split in two so that the control class can note where each one opened (for
// "unclosed '('" carets and the nesting-depth limit): the `_char` rule is the bracket itself.
struct lparen_char : one<'('> {
  static constexpr bool opener = true;
};
struct rparen_char : one<')'> {
  static constexpr bool closer = true;
};
struct lbracket_char : one<'['> {
  static constexpr bool opener = true;
};
struct rbracket_char : one<']'> {
  static constexpr bool closer = true;
};
struct lbrace_char : one<'{'> {
  static constexpr bool opener = true;
};
struct rbrace_char : one<'}'> {
  static constexpr bool closer = true;
};
struct lparen : seq<lparen_char, ws> {};
struct lbracket : seq<lbracket_char, ws> {};
struct lbrace : seq<lbrace_char, ws> {};
// The closing bracket of each construct is its own rule, for its own message.
struct paren_close : seq<rparen_char, ws> {};
struct call_close : seq<rparen_char, ws> {};
struct list_close : seq<rbracket_char, ws> {};
struct subscript_close : seq<rbracket_char, ws> {};
struct brace_close : seq<rbrace_char, ws> {};

// ---------------------------------------------------------------------------------------------
// Operator tokens. Longer operators come first where one is a prefix of another, and a
// single-character operator refuses to be the start of a longer one (`*` is not half of `**`).

template <node_id Id, class Rule>
struct op : seq<Rule, ws> {
  static constexpr node_id node = Id;
};

struct op_add : op<node_id::op_add, one<'+'>> {};
struct op_sub : op<node_id::op_sub, one<'-'>> {};
struct op_mul : op<node_id::op_mul, seq<one<'*'>, not_at<one<'*'>>>> {};
struct op_div : op<node_id::op_div, seq<one<'/'>, not_at<one<'/'>>>> {};
struct op_floordiv : op<node_id::op_floordiv, pg::string<'/', '/'>> {};
struct op_mod : op<node_id::op_mod, one<'%'>> {};
struct op_pow : op<node_id::op_pow, pg::string<'*', '*'>> {};
struct op_neg : op<node_id::op_neg, one<'-'>> {};
struct op_pos : op<node_id::op_pos, one<'+'>> {};
struct op_not : op<node_id::op_not, pg::keyword<'n', 'o', 't'>> {};
struct op_eq : op<node_id::op_eq, pg::string<'=', '='>> {};
struct op_ne : op<node_id::op_ne, pg::string<'!', '='>> {};
struct op_le : op<node_id::op_le, pg::string<'<', '='>> {};
struct op_lt : op<node_id::op_lt, one<'<'>> {};
struct op_ge : op<node_id::op_ge, pg::string<'>', '='>> {};
struct op_gt : op<node_id::op_gt, one<'>'>> {};
struct op_in : op<node_id::op_in, pg::keyword<'i', 'n'>> {};
// After `not` in operator position only `in` can follow.
struct not_in_in : kw_in {};
struct op_not_in : op<node_id::op_not_in, if_must<seq<pg::keyword<'n', 'o', 't'>, ws>, not_in_in>> {
};
struct op_is_not
    : op<node_id::op_is_not, seq<pg::keyword<'i', 's'>, ws, pg::keyword<'n', 'o', 't'>>> {};
struct op_is : op<node_id::op_is, pg::keyword<'i', 's'>> {};

// The operand on the right of operator `Op`. It is its own rule so that the message can name the
// operator ("expected an expression after '<'"); it inherits the node id of `Operand`.
template <class Op, class Operand>
struct rhs : Operand {};
// Operands that nest (prefix operators, `**`, `else`, lambda bodies) count towards the depth
// limit, like brackets do; left-associative chains (`a + b + c`) do not nest in the grammar.
// The node id is there because parse_tree calls the control's hooks only for selected rules
// and leaves; the node always holds exactly one child, so it folds away.
template <class Op, class Operand>
struct nested_rhs : Operand {
  static constexpr bool nests = true;
  static constexpr node_id node = node_id::nested;
  static constexpr bool fold = true;
};

template <class Op, class Operand>
struct op_then : seq<Op, must<rhs<Op, Operand>>> {};

// ---------------------------------------------------------------------------------------------
// Atoms.

struct test;
struct or_test;
struct factor;

struct identifier : seq<not_at<reserved>, pg::identifier> {};
struct name : seq<identifier, ws> {
  static constexpr node_id node = node_id::name;
};

// Numbers: 12, 1.5, 1., .5, 1e3, 1.5E-3, and as Python also 1_000 (one underscore between
// digits), 0x1F, 0o17, 0b101. A letter, digit or underscore right after a number is an error, so
// that `1x`, `1e` or `1_` is not read as `1` followed by a name.
struct digits : seq<pg::digit, star<opt<one<'_'>>, pg::digit>> {};
template <char Lower, char Upper, class Digit>
struct based_digits : seq<one<'0'>, one<Lower, Upper>, plus<opt<one<'_'>>, Digit>> {};
struct binary_digit : pg::range<'0', '1'> {};
struct octal_digit : pg::range<'0', '7'> {};
struct based_integer : sor<based_digits<'x', 'X', pg::xdigit>, based_digits<'o', 'O', octal_digit>,
                           based_digits<'b', 'B', binary_digit>> {};
struct exponent : seq<one<'e', 'E'>, opt<one<'+', '-'>>, digits> {};
struct float_body : sor<seq<digits, one<'.'>, opt<digits>, opt<exponent>>,
                        seq<one<'.'>, digits, opt<exponent>>, seq<digits, exponent>> {};
struct number_end : not_at<pg::identifier_other> {};
struct floating : seq<float_body, must<number_end>, ws> {
  static constexpr node_id node = node_id::floating;
};
struct integer : seq<sor<based_integer, digits>, must<number_end>, ws> {
  static constexpr node_id node = node_id::integer;
};

// Strings: '...' or "..." on one line, with Python's backslash escapes. The builder decodes the
// escapes; the grammar only makes sure that \x, \u and \U have their hex digits.
template <char Q>
struct quote_open : one<Q> {
  static constexpr bool opener = true;
};
template <char Q>
struct quote_close : one<Q> {
  static constexpr bool closer = true;
};
struct hex2 : pg::rep<2, pg::xdigit> {};
struct hex4 : pg::rep<4, pg::xdigit> {};
struct hex8 : pg::rep<8, pg::xdigit> {};
// After a backslash: anything but the end of the input (unknown escapes keep the backslash, as
// in Python).
struct escaped_char : pg::any {};
// \N{NAME}: a character by its Unicode name, which NextORM has no table of: refused, not kept.
struct named_escape : pg::failure {};
struct escape_body : sor<if_must<one<'x'>, hex2>, if_must<one<'u'>, hex4>, if_must<one<'U'>, hex8>,
                         seq<one<'N'>, must<named_escape>>, escaped_char> {};
struct escape : if_must<one<'\\'>, escape_body> {};
template <char Q>
struct string_chars : star<sor<escape, pg::not_one<Q, '\\', '\n'>>> {};
template <char Q>
struct quoted : seq<quote_open<Q>, string_chars<Q>, must<quote_close<Q>>> {};
// r'...': a backslash is itself, and keeps the character after it (a quote does not close).
template <char Q>
struct raw_chars : star<sor<seq<one<'\\'>, pg::not_one<'\n'>>, pg::not_one<Q, '\\', '\n'>>> {};
template <char Q>
struct raw_quoted : seq<quote_open<Q>, raw_chars<Q>, must<quote_close<Q>>> {};
struct raw_piece : seq<one<'r', 'R'>, sor<raw_quoted<'\''>, raw_quoted<'"'>>> {};
// (u'...' is Python 2's unicode literal, which Python 3 still reads: the same string.)
struct plain_piece : seq<opt<one<'u', 'U'>>, sor<quoted<'\''>, quoted<'"'>>> {};
struct string_piece : seq<sor<raw_piece, plain_piece>, ws> {};
struct string_lit : plus<string_piece> {
  static constexpr node_id node = node_id::string;
};

// f-strings: f'text {expr} text'. PonyORM translates one into the concatenation of its parts,
// each field as text; the builder does the same with concat() and str(). Doubled braces are
// literal braces. A field's conversion (!r) or format spec (:>5) has no SQL meaning: PonyORM
// refuses both, and so does the grammar (the field must close right after its expression).
template <char Q>
struct fstring_text : plus<sor<pg::string<'{', '{'>, pg::string<'}', '}'>, escape,
                               pg::not_one<Q, '\\', '\n', '{', '}'>>> {
  static constexpr node_id node = node_id::fstring_text;
};
struct fstring_field_expr : seq<test> {};
struct fstring_field_close : one<'}'> {};
struct fstring_field : seq<one<'{'>, ws, must<fstring_field_expr>, must<fstring_field_close>> {};
// A '}' that is not doubled and closes no field: always an error, with the caret on it.
struct fstring_single_brace : pg::failure {};
template <char Q>
struct fstring_part
    : sor<fstring_text<Q>, fstring_field, seq<pg::at<one<'}'>>, must<fstring_single_brace>>> {};
template <char Q>
struct fquoted : seq<quote_open<Q>, star<fstring_part<Q>>, must<quote_close<Q>>> {};
struct fstring : seq<one<'f', 'F'>, sor<fquoted<'\''>, fquoted<'"'>>, ws> {
  static constexpr node_id node = node_id::fstring;
};
// Looked for only where an f or F is followed by a quote, so that names cost no extra node.
struct fstring_atom : seq<pg::at<one<'f', 'F'>, one<'\'', '"'>>, fstring> {};

// ( ), (x), (x,), (x, y), (x for x in y)
struct comp_for;
struct gen_tail : plus<comp_for> {
  static constexpr node_id node = node_id::gen_tail;
};
struct tuple_tail : seq<comma, opt<test, star<comma, test>, opt<comma>>> {
  static constexpr node_id node = node_id::tuple_tail;
};
struct paren_inner : opt<test, opt<sor<gen_tail, tuple_tail>>> {};
struct paren : seq<lparen, paren_inner, must<paren_close>> {
  static constexpr node_id node = node_id::paren;
};
// [ ], [x], [x, y]: a tuple
struct list_items : opt<test, star<comma, test>, opt<comma>> {};
struct list : seq<lbracket, list_items, must<list_close>> {
  static constexpr node_id node = node_id::list;
};

// {}, {k: v, ...}: a dict, whose keys and values alternate among the children (the first key,
// then the tail's children); {a, b}: a set, which queries read as a tuple (`x in {1, 2}`).
struct dict_colon : colon {};
struct dict_value : seq<test> {};
struct dict_key : seq<test> {};
struct dict_entry : seq<dict_key, must<dict_colon>, must<dict_value>> {};
struct dict_tail : seq<dict_colon, must<dict_value>, star<comma, dict_entry>, opt<comma>> {
  static constexpr node_id node = node_id::dict_tail;
};
struct set_tail : seq<star<comma, test>, opt<comma>> {};
struct brace_items : opt<test, sor<dict_tail, set_tail>> {};
struct brace : seq<lbrace, brace_items, must<brace_close>> {
  static constexpr node_id node = node_id::brace;
};

// The most frequent atoms first: every alternative tried costs a parse-tree node.
// A prefixed string, before a name could take its prefix.
struct prefixed_string_atom : seq<pg::at<one<'r', 'R', 'u', 'U'>, one<'\'', '"'>>, string_lit> {};
struct atom : sor<fstring_atom, prefixed_string_atom, name, string_lit, floating, integer, paren,
                  kw_none, kw_true, kw_false, list, brace> {};

// ---------------------------------------------------------------------------------------------
// Postfix: attribute access, calls, subscripts and slices.

struct attr_name : name {};
struct attribute : if_must<dot, attr_name> {
  static constexpr node_id node = node_id::attribute;
};

// key=value; the `=` must not be the start of `==`.
struct kwarg_value : seq<test> {};  // (test is not complete yet)
struct kwarg : seq<name, one<'='>, not_at<one<'='>>, ws, must<kwarg_value>> {
  static constexpr node_id node = node_id::kwarg;
};
struct arg : sor<kwarg, test> {};
// f(a, b, key=c) or f(x for x in y): a generator needs no parentheses of its own when it is the
// only argument (the builder rejects it after a keyword argument).
struct more_args : seq<comma, opt<arg, star<comma, arg>, opt<comma>>> {};
struct call_args : opt<arg, opt<sor<gen_tail, more_args>>> {};
struct call : seq<lparen, call_args, must<call_close>> {
  static constexpr node_id node = node_id::call;
};

// s[i], s[a:b], s[a:b:c], s[:], s[::2]
struct slice_colon : colon {
  static constexpr node_id node = node_id::slice_colon;
};
struct slice_rest : seq<slice_colon, opt<test>, opt<slice_colon, opt<test>>> {};
// s[a, b] indexes by the tuple (a, b): Entity[1, 2] looks an object up by a composite key.
struct subscript_body : sor<seq<test, opt<sor<slice_rest, tuple_tail>>>, slice_rest> {};
struct subscript : seq<lbracket, must<subscript_body>, must<subscript_close>> {
  static constexpr node_id node = node_id::subscript;
};

struct trailer : seq<pg::at<one<'.', '(', '['>>, sor<attribute, call, subscript>> {};
struct primary : seq<atom, star<trailer>> {
  static constexpr node_id node = node_id::primary;
  static constexpr bool fold = true;
};

// ---------------------------------------------------------------------------------------------
// The precedence ladder, from the tightest binding up.

// `**` is right-associative and binds tighter than a unary operator on its left: -2**2 == -4,
// 2**-1 == 0.5.
struct power : seq<primary, opt<op_pow, must<nested_rhs<op_pow, factor>>>> {
  static constexpr node_id node = node_id::power;
  static constexpr bool fold = true;
};
struct prefix_neg : seq<op_neg, must<nested_rhs<op_neg, factor>>> {
  static constexpr node_id node = node_id::prefix;
};
struct prefix_pos : seq<op_pos, must<nested_rhs<op_pos, factor>>> {
  static constexpr node_id node = node_id::prefix;
};
struct signed_factor : seq<pg::at<one<'-', '+'>>, sor<prefix_neg, prefix_pos>> {};
struct factor : sor<signed_factor, power> {};

// Each step starts with a one-character look-ahead (a leaf, so it costs no parse-tree node)
// before the alternatives, each of which would cost one.
struct term_step
    : seq<pg::at<one<'*', '/', '%'>>, sor<op_then<op_mul, factor>, op_then<op_floordiv, factor>,
                                          op_then<op_div, factor>, op_then<op_mod, factor>>> {};
struct term : seq<factor, star<term_step>> {
  static constexpr node_id node = node_id::term;
  static constexpr bool fold = true;
};
struct sum_step : seq<pg::at<one<'+', '-'>>, sor<op_then<op_add, term>, op_then<op_sub, term>>> {};
struct sum : seq<term, star<sum_step>> {
  static constexpr node_id node = node_id::sum;
  static constexpr bool fold = true;
};

// Comparisons chain: `a < b <= c` is one node.
struct comp_step
    : seq<pg::at<one<'=', '!', '<', '>', 'i', 'n'>>,
          sor<op_then<op_eq, sum>, op_then<op_ne, sum>, op_then<op_le, sum>, op_then<op_lt, sum>,
              op_then<op_ge, sum>, op_then<op_gt, sum>, op_then<op_in, sum>,
              op_then<op_not_in, sum>, op_then<op_is_not, sum>, op_then<op_is, sum>>> {};
struct comparison : seq<sum, star<comp_step>> {
  static constexpr node_id node = node_id::comparison;
  static constexpr bool fold = true;
};

struct not_test;
struct prefix_not : seq<op_not, must<nested_rhs<op_not, not_test>>> {
  static constexpr node_id node = node_id::prefix;
};
struct not_test : sor<prefix_not, comparison> {};

struct and_test : seq<not_test, star<kw_and, must<rhs<kw_and, not_test>>>> {
  static constexpr node_id node = node_id::and_test;
  static constexpr bool fold = true;
};
struct or_test : seq<and_test, star<kw_or, must<rhs<kw_or, and_test>>>> {
  static constexpr node_id node = node_id::or_test;
  static constexpr bool fold = true;
};

// a if c else b: once `if` follows an operand here it can only be a conditional, because the
// `if` of a generator follows its source, which is parsed one level lower (or_test).
struct else_branch : kw_else {};
struct conditional
    : seq<or_test,
          opt<if_must<kw_if, rhs<kw_if, or_test>, else_branch, nested_rhs<else_branch, test>>>> {
  static constexpr node_id node = node_id::conditional;
  static constexpr bool fold = true;
};

// lambda p, q: body
struct lambda_param : name {
  static constexpr node_id node = node_id::lambda_param;
};
struct lambda_more_param : lambda_param {};
struct lambda_params : seq<lambda_param, star<comma, must<lambda_more_param>>> {};
struct lambda_colon : colon {};
struct lambda
    : seq<kw_lambda, opt<lambda_params>, must<lambda_colon>, must<nested_rhs<lambda_colon, test>>> {
  static constexpr node_id node = node_id::lambda;
};

struct test : sor<lambda, conditional> {};

// ---------------------------------------------------------------------------------------------
// Generators: result for v in source if cond ... for w in ... if ...

struct loop_var : name {
  static constexpr node_id node = node_id::loop_var;
};
struct more_loop_var : loop_var {};
struct for_in : kw_in {};
struct comp_if : if_must<kw_if, rhs<kw_if, or_test>> {};
struct comp_for : seq<kw_for, must<loop_var>, star<comma, must<more_loop_var>>, must<for_in>,
                      must<rhs<for_in, or_test>>, star<comp_if>> {
  static constexpr node_id node = node_id::comp_for;
};

// ---------------------------------------------------------------------------------------------
// A whole query: one expression, which may be a generator or a bare tuple (`desc(p.x), p.y`),
// then the end of the text.

struct top_expr : seq<test, opt<sor<gen_tail, tuple_tail>>> {
  static constexpr node_id node = node_id::top;
  static constexpr bool fold = true;
};
struct end_of_query : eof {};
struct query : seq<ws, must<top_expr>, must<end_of_query>> {};

// ---------------------------------------------------------------------------------------------
// The parse-tree selector: a rule becomes a node when it has a node id; precedence levels fold
// away when they hold a single child.

template <class Rule>
concept has_node_id = requires {
  Rule::node;
};
template <class Rule>
concept folds = requires {
  Rule::fold;
};

template <class Rule>
struct selector : std::bool_constant<has_node_id<Rule>> {
  // Children are raw pointers: the parser's nodes live in an arena (src/parse/tree_node.hpp).
  // A folding rule with one child is that child (an overload chosen at compile time).
  template <class Node, class... States>
  static void transform(std::unique_ptr<Node>& n,
                        States&&... /*unused*/) noexcept requires folds<Rule> {
    if (n->children.size() == 1) n.reset(n->children.front());
  }
  template <class Node, class... States>
  static void transform(std::unique_ptr<Node>& /*n*/, States&&... /*unused*/) noexcept {}
};

}  // namespace nextorm::grammar
