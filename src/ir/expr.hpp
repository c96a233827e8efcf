// Bound, typed expressions: names resolved to sources, attributes and parameters.
#pragma once

#include "ir/type.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/value.hpp>

#include <cassert>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nextorm::ir {

enum class expr_kind : std::uint8_t {
  column,      // a stored column of a source: "p"."price" (for Single, the foreign key)
  source_row,  // a whole source row: an object (compared by key, selected as all columns)
  constant,    // a literal of the query
  param,       // a value passed with the query, or one element of a sequence parameter
  unary,       // -x, not x
  binary,      // arithmetic and string concatenation
  compare,     // = <> < <= > >= (entities compare by key)
  is_null,     // x IS [NOT] NULL
  logical,     // AND / OR of conditions
  in_list,     // x [NOT] IN (a, b, c)
  like,        // startswith / endswith / `in` on strings
  function,    // upper, lower, length, abs
  aggregate,   // count, sum, avg, min, max
};

struct expr;
using expr_ptr = std::unique_ptr<expr>;

struct expr {
  expr(expr_kind k, ir::type t, source_span s) noexcept : kind{k}, type{t}, span{s} {}
  virtual ~expr() = default;
  expr(const expr&) = delete;
  expr& operator=(const expr&) = delete;

  const expr_kind kind;
  ir::type type;
  source_span span;  // in the text the expression was bound from, for messages

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

struct column final : expr {
  static constexpr expr_kind static_kind = expr_kind::column;
  column(ir::type t, source_span s, std::size_t src, const attr_info& a) noexcept
      : expr{static_kind, t, s}, source{src}, attr{&a} {}
  std::size_t source;  // index in query::sources
  const attr_info* attr;
};

struct source_row final : expr {
  static constexpr expr_kind static_kind = expr_kind::source_row;
  source_row(ir::type t, source_span s, std::size_t src) noexcept
      : expr{static_kind, t, s}, source{src} {}
  std::size_t source;
};

struct constant final : expr {
  static constexpr expr_kind static_kind = expr_kind::constant;
  constant(source_span s, nextorm::value v) noexcept
      : expr{static_kind, scalar_type(v.type()), s}, value{std::move(v)} {}
  nextorm::value value;
};

// A named parameter; an entity parameter binds its key. `element` picks one item of a sequence.
struct param final : expr {
  static constexpr expr_kind static_kind = expr_kind::param;
  param(ir::type t, source_span s, std::string n, std::optional<std::size_t> e = {})
      : expr{static_kind, t, s}, name{std::move(n)}, element{e} {}
  std::string name;
  std::optional<std::size_t> element;
};

enum class unary_op : std::uint8_t { neg, not_ };

struct unary final : expr {
  static constexpr expr_kind static_kind = expr_kind::unary;
  unary(ir::type t, source_span s, unary_op o, expr_ptr x) noexcept
      : expr{static_kind, t, s}, op{o}, operand{std::move(x)} {}
  unary_op op;
  expr_ptr operand;
};

enum class binary_op : std::uint8_t { add, sub, mul, div, floordiv, mod, pow, concat };

struct binary final : expr {
  static constexpr expr_kind static_kind = expr_kind::binary;
  binary(ir::type t, source_span s, binary_op o, expr_ptr l, expr_ptr r) noexcept
      : expr{static_kind, t, s}, op{o}, lhs{std::move(l)}, rhs{std::move(r)} {}
  binary_op op;
  expr_ptr lhs;
  expr_ptr rhs;
};

enum class compare_op : std::uint8_t { eq, ne, lt, le, gt, ge };

// The comparison that is true exactly when `op` is false (for non-null operands).
[[nodiscard]] compare_op negate(compare_op op) noexcept;

struct compare final : expr {
  static constexpr expr_kind static_kind = expr_kind::compare;
  compare(source_span s, compare_op o, expr_ptr l, expr_ptr r) noexcept
      : expr{static_kind, scalar_type(value_type::boolean), s},
        op{o},
        lhs{std::move(l)},
        rhs{std::move(r)} {}
  compare_op op;
  expr_ptr lhs;
  expr_ptr rhs;
};

struct is_null final : expr {
  static constexpr expr_kind static_kind = expr_kind::is_null;
  is_null(source_span s, expr_ptr x, bool neg) noexcept
      : expr{static_kind, scalar_type(value_type::boolean), s},
        operand{std::move(x)},
        negated{neg} {}
  expr_ptr operand;
  bool negated;  // IS NOT NULL
};

enum class logical_op : std::uint8_t { and_, or_ };

struct logical final : expr {
  static constexpr expr_kind static_kind = expr_kind::logical;
  logical(source_span s, logical_op o) noexcept
      : expr{static_kind, scalar_type(value_type::boolean), s}, op{o} {}
  logical_op op;
  std::vector<expr_ptr> operands;
};

// Never empty: the binder turns `x in ()` into a constant.
struct in_list final : expr {
  static constexpr expr_kind static_kind = expr_kind::in_list;
  in_list(source_span s, expr_ptr x, bool neg) noexcept
      : expr{static_kind, scalar_type(value_type::boolean), s},
        operand{std::move(x)},
        negated{neg} {}
  expr_ptr operand;
  std::vector<expr_ptr> items;
  bool negated;
};

enum class like_mode : std::uint8_t { prefix, suffix, contains };

// `operand` starts with / ends with / contains `needle`, both strings.
struct like final : expr {
  static constexpr expr_kind static_kind = expr_kind::like;
  like(source_span s, like_mode m, expr_ptr x, expr_ptr n, bool neg) noexcept
      : expr{static_kind, scalar_type(value_type::boolean), s},
        mode{m},
        operand{std::move(x)},
        needle{std::move(n)},
        negated{neg} {}
  like_mode mode;
  expr_ptr operand;
  expr_ptr needle;
  bool negated;
};

enum class function_kind : std::uint8_t { upper, lower, length, abs };

struct function final : expr {
  static constexpr expr_kind static_kind = expr_kind::function;
  function(ir::type t, source_span s, function_kind f, expr_ptr a) noexcept
      : expr{static_kind, t, s}, fn{f}, arg{std::move(a)} {}
  function_kind fn;
  expr_ptr arg;
};

enum class aggregate_kind : std::uint8_t { count, sum, avg, min, max };

// `arg` is null for count() (COUNT(*)); count of an object counts its distinct keys.
struct aggregate final : expr {
  static constexpr expr_kind static_kind = expr_kind::aggregate;
  aggregate(ir::type t, source_span s, aggregate_kind f, expr_ptr a, bool d) noexcept
      : expr{static_kind, t, s}, fn{f}, arg{std::move(a)}, distinct{d} {}
  aggregate_kind fn;
  expr_ptr arg;
  bool distinct;
};

// Deep copy and structural equality (spans ignored).
[[nodiscard]] expr_ptr clone(const expr& e);
[[nodiscard]] bool equals(const expr& a, const expr& b) noexcept;
// True when `e` or a sub-expression is an aggregate.
[[nodiscard]] bool has_aggregate(const expr& e) noexcept;

}  // namespace nextorm::ir
