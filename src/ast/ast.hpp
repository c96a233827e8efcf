// The syntax tree of a query: Python expression nodes, each with a kind tag and a source span.
// The tree owns its strings, so it outlives the query text it was parsed from.
#pragma once

#include <nextorm/errors.hpp>
#include <nextorm/value.hpp>

#include <cassert>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nextorm::ast {

enum class node_kind : std::uint8_t {
  literal,      // 1, 1.5, 'x', True, None
  name,         // p, Product, min_price
  attribute,    // object.attr
  call,         // func(args, key=value)
  unary,        // -x, +x, not x
  binary,       // x + y, x ** y, ...
  compare,      // a < b <= c, a in b, a is not None (a chain)
  bool_op,      // a and b and c / a or b
  tuple,        // (a, b) or a, b
  subscript,    // s[i]
  slice,        // s[a:b:c]
  conditional,  // a if c else b
  generator,    // expr for v in src if cond for w in v.attr ...
  lambda,       // lambda p, q: expr
  dict,         // {'a': 1, 'b': [x, y]}
};

enum class unary_op : std::uint8_t { neg, pos, not_ };
enum class binary_op : std::uint8_t { add, sub, mul, div, floordiv, mod, pow };
enum class compare_op : std::uint8_t { eq, ne, lt, le, gt, ge, in, not_in, is, is_not };
enum class bool_kind : std::uint8_t { and_, or_ };

std::string_view op_text(unary_op op) noexcept;    // "-", "+", "not"
std::string_view op_text(binary_op op) noexcept;   // "+", "-", "*", "/", "//", "%", "**"
std::string_view op_text(compare_op op) noexcept;  // "==", ..., "in", "not in", "is", "is not"
std::string_view op_text(bool_kind op) noexcept;   // "and", "or"

struct node;
using node_ptr = std::unique_ptr<node>;

struct node {
  node(node_kind k, source_span s) noexcept : kind{k}, span{s} {}
  virtual ~node() = default;
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  const node_kind kind;
  source_span span;

  // Checked downcast: the caller has tested `kind`.
  template <class T>
  [[nodiscard]] const T& as() const noexcept {
    assert(kind == T::static_kind);
    return static_cast<const T&>(*this);
  }
  template <class T>
  [[nodiscard]] T& as() noexcept {
    assert(kind == T::static_kind);
    return static_cast<T&>(*this);
  }
  template <class T>
  [[nodiscard]] const T* try_as() const noexcept {
    return kind == T::static_kind ? static_cast<const T*>(this) : nullptr;
  }
};

struct literal final : node {
  static constexpr node_kind static_kind = node_kind::literal;
  literal(source_span s, nextorm::value v) : node{static_kind, s}, value{std::move(v)} {}
  nextorm::value value;
};

struct name final : node {
  static constexpr node_kind static_kind = node_kind::name;
  name(source_span s, std::string i) : node{static_kind, s}, id{std::move(i)} {}
  std::string id;
};

struct attribute final : node {
  static constexpr node_kind static_kind = node_kind::attribute;
  attribute(source_span s, node_ptr obj, std::string a, source_span a_span)
      : node{static_kind, s}, object{std::move(obj)}, attr{std::move(a)}, attr_span{a_span} {}
  node_ptr object;
  std::string attr;
  source_span attr_span;  // the span of the name after the dot
};

struct keyword_arg {
  std::string name;
  source_span name_span;
  node_ptr value;
};

struct call final : node {
  static constexpr node_kind static_kind = node_kind::call;
  call(source_span s, node_ptr f) : node{static_kind, s}, func{std::move(f)} {}
  node_ptr func;  // a name (count, desc, ...) or an attribute (p.name.startswith)
  std::vector<node_ptr> args;
  std::vector<keyword_arg> kwargs;
};

struct unary final : node {
  static constexpr node_kind static_kind = node_kind::unary;
  unary(source_span s, unary_op o, node_ptr x)
      : node{static_kind, s}, op{o}, operand{std::move(x)} {}
  unary_op op;
  node_ptr operand;
};

struct binary final : node {
  static constexpr node_kind static_kind = node_kind::binary;
  binary(source_span s, binary_op o, node_ptr l, node_ptr r)
      : node{static_kind, s}, op{o}, lhs{std::move(l)}, rhs{std::move(r)} {}
  binary_op op;
  node_ptr lhs;
  node_ptr rhs;
};

struct comparison {
  compare_op op;
  source_span op_span;
  node_ptr rhs;
};

// `a < b <= c` is one node: first = a, rest = [(<, b), (<=, c)].
struct compare final : node {
  static constexpr node_kind static_kind = node_kind::compare;
  compare(source_span s, node_ptr f) : node{static_kind, s}, first{std::move(f)} {}
  node_ptr first;
  std::vector<comparison> rest;
};

// `a and b and c` is one node with three operands.
struct bool_op final : node {
  static constexpr node_kind static_kind = node_kind::bool_op;
  bool_op(source_span s, bool_kind o) : node{static_kind, s}, op{o} {}
  bool_kind op;
  std::vector<node_ptr> operands;
};

struct tuple final : node {
  static constexpr node_kind static_kind = node_kind::tuple;
  explicit tuple(source_span s) : node{static_kind, s} {}
  std::vector<node_ptr> items;
};

struct subscript final : node {
  static constexpr node_kind static_kind = node_kind::subscript;
  subscript(source_span s, node_ptr obj, node_ptr idx)
      : node{static_kind, s}, object{std::move(obj)}, index{std::move(idx)} {}
  node_ptr object;
  node_ptr index;
};

// Missing bounds are null.
struct slice final : node {
  static constexpr node_kind static_kind = node_kind::slice;
  slice(source_span s, node_ptr obj) : node{static_kind, s}, object{std::move(obj)} {}
  node_ptr object;
  node_ptr start;
  node_ptr stop;
  node_ptr step;
};

struct conditional final : node {
  static constexpr node_kind static_kind = node_kind::conditional;
  conditional(source_span s, node_ptr t, node_ptr c, node_ptr o)
      : node{static_kind, s}, then{std::move(t)}, cond{std::move(c)}, otherwise{std::move(o)} {}
  node_ptr then;
  node_ptr cond;
  node_ptr otherwise;
};

// One `for <targets> in <source> [if <cond>]...` clause. Tuple unpacking (`for a, b in ...`)
// gives several targets.
struct for_clause {
  std::vector<std::string> targets;
  std::vector<source_span> target_spans;
  node_ptr source;
  std::vector<node_ptr> conditions;
};

struct generator final : node {
  static constexpr node_kind static_kind = node_kind::generator;
  generator(source_span s, node_ptr r) : node{static_kind, s}, result{std::move(r)} {}
  node_ptr result;
  std::vector<for_clause> fors;
  // The whole query was `left_join(<generator>)`: the loops after the first are LEFT JOINs.
  bool left_join = false;
};

struct lambda final : node {
  static constexpr node_kind static_kind = node_kind::lambda;
  explicit lambda(source_span s) : node{static_kind, s} {}
  std::vector<std::string> params;
  std::vector<source_span> param_spans;
  node_ptr body;
};

// {k1: v1, k2: v2}: keys[i] maps to values[i], in the text's order (a repeated key keeps its
// last value, as in Python).
struct dict final : node {
  static constexpr node_kind static_kind = node_kind::dict;
  explicit dict(source_span s) : node{static_kind, s} {}
  std::vector<node_ptr> keys;
  std::vector<node_ptr> values;
};

// Deep copy, structural equality and hash (spans ignored by equals/hash), and Python source text
// that parses back to an equal tree.
[[nodiscard]] node_ptr clone(const node& n);
[[nodiscard]] bool equals(const node& a, const node& b) noexcept;
[[nodiscard]] std::size_t hash(const node& n) noexcept;
[[nodiscard]] std::string to_string(const node& n);

}  // namespace nextorm::ast
