// Bound, typed expressions: names resolved to sources, attributes and parameters.
#pragma once

#include "ir/type.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/value.hpp>

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nextorm::ir {

enum class expr_kind : std::uint8_t {
  column,       // a stored column of a source: "p"."price" (for Single, the foreign key)
  source_row,   // a whole source row: an object (compared by key, selected as all columns)
  constant,     // a literal of the query
  param,        // a value passed with the query, or one element of a sequence parameter
  unary,        // -x, not x
  binary,       // arithmetic and string concatenation
  compare,      // = <> < <= > >= (entities compare by key)
  is_null,      // x IS [NOT] NULL
  logical,      // AND / OR of conditions
  in_list,      // x [NOT] IN (a, b, c)
  like,         // startswith / endswith / `in` on strings
  function,     // upper, lower, length, abs, trim, substr, coalesce, date parts, ...
  aggregate,    // count, sum, avg, min, max, group_concat
  conditional,  // a if c else b
  subquery,     // a collection or nested generator: scalar, EXISTS or IN subquery
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
  // Which text `span` is in: 0 the query's own, n the n-th modifier of the method chain, or
  // no_text (a text the compiler does not keep, or not set).
  std::uint16_t text = no_text;
  static constexpr std::uint16_t no_text = 0xFFFF;

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
// The name of a parameter that stands for Python's clock (`date.today()`, `datetime.now()`,
// `datetime.utcnow()` after the prefix): exec::bind_values reads the clock for it on each run.
inline constexpr std::string_view clock_parameter_prefix = "clock:";

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

enum class function_kind : std::uint8_t {
  upper,     // (x)
  lower,     // (x)
  length,    // (x): characters of a string, bytes of a blob
  abs,       // (x)
  trim,      // (x)
  ltrim,     // (x)
  rtrim,     // (x)
  substr,    // (x, start from 1, [count]): constant bounds of an index or slice
  py_slice,  // (x, start or NULL, stop or NULL): Python's s[a:b] for other bounds
  replace,   // (x, old, new)
  coalesce,  // (a, b, ...)
  greatest,  // (a, b, ...): min/max with several arguments; NULL when any is NULL
  least,     // (a, b, ...)
  year,      // (x) of a date/datetime
  month,
  day,
  hour,  // (x) of a datetime/time
  minute,
  second,
  date,               // (x): the date of a datetime
  to_int,             // int(x)
  to_real,            // float(x)
  to_text,            // str(x)
  random,             // (): a float in [0, 1)
  add_interval,       // (x, i): a date or datetime x plus the interval i
  subtract_interval,  // (x, i): x minus the interval i
  interval_between,   // (a, b): a - b of two dates or two datetimes, an interval
  raw_sql,  // (args...): the SQL text in `text`, each \x01 in it standing for the next arg
  // json (PonyORM's Json attributes). The json operations take a json_get as args[0].
  json_get,       // (x): the element of json x at `path` (x itself for an empty path), as json
  json_value,     // (json_get): the element as the function's scalar type (int, float, str, bool)
  json_is_null,   // (json_get): the element is JSON null or missing
  json_contains,  // (json_get, needle): an object has the key / an array holds the str needle
  json_truth,     // (x): json x (an attribute or a json_get) is true: not null/false/0/""/[]/{}
  json_length,    // (json_get): len() of the element, PonyORM's JSON_ARRAY_LENGTH
};

// A str index or slice bound beyond the longest string any provider stores (SQLite's
// SQLITE_MAX_LENGTH, PostgreSQL's 1 GB, MariaDB's max_allowed_packet of at most 1 GB) means the
// same as this one, which keeps start + 1 and stop - start within PostgreSQL's INTEGER.
inline constexpr std::int64_t max_string_bound = 2147483646;

struct function final : expr {
  static constexpr expr_kind static_kind = expr_kind::function;
  function(ir::type t, source_span s, function_kind f) noexcept : expr{static_kind, t, s}, fn{f} {}
  function(ir::type t, source_span s, function_kind f, expr_ptr a)
      : expr{static_kind, t, s}, fn{f} {
    args.push_back(std::move(a));
  }
  function_kind fn;
  std::vector<expr_ptr> args;
  std::string text;  // raw_sql: the SQL fragment
  // json_get: object keys (str) and array indexes (int) from the json value down.
  std::vector<nextorm::value> path;
};

enum class aggregate_kind : std::uint8_t { count, sum, avg, min, max, group_concat };

// `arg` is null for count() (COUNT(*)); count of an object counts its distinct keys.
struct aggregate final : expr {
  static constexpr expr_kind static_kind = expr_kind::aggregate;
  aggregate(ir::type t, source_span s, aggregate_kind f, expr_ptr a, bool d) noexcept
      : expr{static_kind, t, s}, fn{f}, arg{std::move(a)}, distinct{d} {}
  aggregate_kind fn;
  expr_ptr arg;
  bool distinct;
  std::string separator = ",";  // group_concat
};

// `then if cond else otherwise`: CASE WHEN cond THEN then ELSE otherwise END.
struct conditional final : expr {
  static constexpr expr_kind static_kind = expr_kind::conditional;
  conditional(ir::type t, source_span s, expr_ptr c, expr_ptr a, expr_ptr b) noexcept
      : expr{static_kind, t, s}, cond{std::move(c)}, then{std::move(a)}, otherwise{std::move(b)} {}
  expr_ptr cond;
  expr_ptr then;
  expr_ptr otherwise;
};

enum class subquery_mode : std::uint8_t {
  collection,  // not yet consumed: `c.students`, `(s for s in c.students if ...)`
  scalar,      // (SELECT item ...): item is an aggregate
  exists,      // EXISTS (SELECT 1 ...)
  not_exists,  // NOT EXISTS (SELECT 1 ...)
  in,          // operand IN (SELECT item ...)
  not_in,      // operand NOT IN (SELECT item ...)
};

// A nested query over the sources of `scope` (ir::query::sources), correlated with outer scopes
// through the columns it names. A collection's type is its elements' type with `collection`.
struct subquery final : expr {
  static constexpr expr_kind static_kind = expr_kind::subquery;
  subquery(ir::type t, source_span s, std::size_t sc) noexcept
      : expr{static_kind, t, s}, scope{sc} {}
  subquery_mode mode = subquery_mode::collection;
  std::size_t scope;
  std::vector<expr_ptr> filter;
  expr_ptr item;           // the selected value (an object: its key); null for EXISTS
  expr_ptr operand;        // in / not_in: the value looked for
  bool from_path = false;  // an attribute path (`s.courses.credits`), not a nested generator
  // The value of an object the query does not iterate (`o.group`, `Group[1].dept`), which
  // PonyORM reads before the query: compared by == and != as that value (None: IS NULL).
  bool known_before = false;
};

// Deep copy and structural equality (spans ignored).
[[nodiscard]] expr_ptr clone(const expr& e);
[[nodiscard]] bool equals(const expr& a, const expr& b) noexcept;
// True when `e` or a sub-expression is an aggregate of this query (not of a nested one).
[[nodiscard]] bool has_aggregate(const expr& e) noexcept;
// Calls `f` on each operand of `e` (none for an aggregate or a nested query).
void for_each_operand(expr& e, const std::function<void(expr_ptr&)>& f);

}  // namespace nextorm::ir
