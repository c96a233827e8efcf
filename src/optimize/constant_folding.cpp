// Constant folding: arithmetic, comparisons and functions of literals are computed at compile
// time with Python's semantics (PonyORM evaluates such sub-expressions in Python), so that
// `p.price < 10 + 10` and `p.price < 20` give the same SQL. Whatever would overflow, divide by
// zero or depend on the database (upper() of non-ASCII text) is left to the database.
#include "optimize/optimizer.hpp"

#include "common/unreachable.hpp"

#include <cassert>
#include <cmath>
#include <optional>

namespace nextorm::optimize {

namespace {

bool is_number(const value& v) noexcept {
  return v.type() == value_type::integer || v.type() == value_type::real;
}

// Python's a // b and a % b of ints, which floor towards negative infinity; nothing for a
// division by zero or INT64_MIN // -1, which overflows.
std::optional<value> floor_division(bool remainder, std::int64_t a, std::int64_t b) {
  if (b == 0 || b == -1) return std::nullopt;
  std::int64_t q = a / b;
  std::int64_t m = a % b;
  if (m != 0 && ((m < 0) != (b < 0))) {
    --q;
    m += b;
  }
  return value{remainder ? m : q};
}

// The same of floats: the remainder takes the divisor's sign.
std::optional<value> floor_division(bool remainder, double a, double b) {
  if (b == 0) return std::nullopt;
  if (!remainder) return value{std::floor(a / b)};
  double m = std::fmod(a, b);
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  return value{m};
}

// Python's a ** b of ints: an int for b >= 0 (nothing when it overflows), else a float.
std::optional<value> power(std::int64_t a, std::int64_t b) {
  if (b < 0) return value{std::pow(static_cast<double>(a), static_cast<double>(b))};
  std::int64_t r = 1;
  for (std::int64_t i = 0; i < b; ++i) {
    if (__builtin_mul_overflow(r, a, &r)) return std::nullopt;
  }
  return value{r};
}

std::optional<value> fold_binary(const ir::binary& b) {
  const auto* l = b.lhs->try_as<ir::constant>();
  const auto* r = b.rhs->try_as<ir::constant>();
  if (l == nullptr || r == nullptr) return std::nullopt;
  const value& x = l->value;
  const value& y = r->value;
  // The binder lets only numbers into arithmetic (and texts into concat): two ints compute as
  // ints, anything else as floats, as in Python. An int result that overflows is left to the
  // database.
  const bool ints = x.type() == value_type::integer && y.type() == value_type::integer;
  std::int64_t n = 0;
  switch (b.op) {
    case ir::binary_op::concat: return value{x.as_text() + y.as_text()};
    case ir::binary_op::add:
      if (!ints) return value{x.as_real() + y.as_real()};
      if (__builtin_add_overflow(x.as_int(), y.as_int(), &n)) return std::nullopt;
      return value{n};
    case ir::binary_op::sub:
      if (!ints) return value{x.as_real() - y.as_real()};
      if (__builtin_sub_overflow(x.as_int(), y.as_int(), &n)) return std::nullopt;
      return value{n};
    case ir::binary_op::mul:
      if (!ints) return value{x.as_real() * y.as_real()};
      if (__builtin_mul_overflow(x.as_int(), y.as_int(), &n)) return std::nullopt;
      return value{n};
    case ir::binary_op::div:  // true division, of ints too
      if (y.as_real() == 0) return std::nullopt;
      return value{x.as_real() / y.as_real()};
    case ir::binary_op::floordiv:
    case ir::binary_op::mod: {
      const bool remainder = b.op == ir::binary_op::mod;
      if (ints) return floor_division(remainder, x.as_int(), y.as_int());
      return floor_division(remainder, x.as_real(), y.as_real());
    }
    case ir::binary_op::pow:
      if (ints) return power(x.as_int(), y.as_int());
      return value{std::pow(x.as_real(), y.as_real())};
  }
  detail::unreachable("fold_binary");
}

template <class T>
bool holds(ir::compare_op op, const T& a, const T& b) {
  switch (op) {
    case ir::compare_op::eq: return a == b;
    case ir::compare_op::ne: return a != b;
    case ir::compare_op::lt: return a < b;
    case ir::compare_op::le: return a <= b;
    case ir::compare_op::gt: return a > b;
    case ir::compare_op::ge: return a >= b;
  }
  detail::unreachable("holds");
}

// Python compares a bool as the int 0 or 1 (`True < 2`); the databases may not (PostgreSQL has no
// `boolean < integer`).
bool int_like(const value& v) noexcept {
  return v.type() == value_type::integer || v.type() == value_type::boolean;
}

std::int64_t int_of(const value& v) {
  return v.type() == value_type::boolean ? v.as_bool() : v.as_int();
}

std::optional<value> fold_compare(const ir::compare& c) {
  const auto* l = c.lhs->try_as<ir::constant>();
  const auto* r = c.rhs->try_as<ir::constant>();
  if (l == nullptr || r == nullptr) return std::nullopt;
  const value& a = l->value;
  const value& b = r->value;
  // The binder lets a str meet only a str, and numbers and bools meet each other.
  if (a.type() == value_type::text) {
    return value{holds(c.op, a.as_text(), b.as_text())};  // UTF-8 order is code point order
  }
  if (int_like(a) && int_like(b)) return value{holds(c.op, int_of(a), int_of(b))};
  if (a.type() == value_type::interval) {  // the binder lets an interval meet only an interval
    return value{holds(c.op, a.as_microseconds(), b.as_microseconds())};
  }
  // Dates, datetimes and times of constructors are left to the database (the binder lets a
  // number meet only a number or a bool: `a` decides).
  if (!is_number(a) && !int_like(a)) return std::nullopt;
  const double x = a.type() == value_type::real ? a.as_real() : static_cast<double>(int_of(a));
  const double y = b.type() == value_type::real ? b.as_real() : static_cast<double>(int_of(b));
  return value{holds(c.op, x, y)};
}

bool is_ascii(const std::string& s) noexcept {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::optional<value> fold_function(const ir::function& f) {
  if (f.args.size() != 1) return std::nullopt;
  const auto* arg = f.args.front()->try_as<ir::constant>();
  if (arg == nullptr) return std::nullopt;
  // The binder takes an int or a float into abs() (no constant is a decimal), a str into len(),
  // upper() and lower() (a collection is never a constant).
  const value& v = arg->value;
  switch (f.fn) {
    case ir::function_kind::abs:
      if (v.type() == value_type::real) return value{std::fabs(v.as_real())};
      if (v.as_int() == INT64_MIN) return std::nullopt;
      return value{v.as_int() < 0 ? -v.as_int() : v.as_int()};
    case ir::function_kind::length: {
      std::int64_t n = 0;  // code points: count the bytes that do not continue a sequence
      for (char c : v.as_text()) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      return value{n};
    }
    case ir::function_kind::upper:
    case ir::function_kind::lower: {
      if (!is_ascii(v.as_text())) return std::nullopt;
      std::string s = v.as_text();
      bool up = f.fn == ir::function_kind::upper;
      for (char& c : s) {
        if (up && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (!up && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      return value{std::move(s)};
    }
    default: break;  // the rest is left to the database
  }
  return std::nullopt;
}

std::optional<value> fold_negation(const ir::unary& u) {
  const auto* c = u.operand->try_as<ir::constant>();
  if (u.op != ir::unary_op::neg || c == nullptr) return std::nullopt;
  // The binder negates ints and floats only (no constant is a decimal).
  if (c->value.type() == value_type::real) return value{-c->value.as_real()};
  if (c->value.as_int() == INT64_MIN) return std::nullopt;
  return value{-c->value.as_int()};
}

void fold(ir::expr_ptr& e) {
  std::optional<value> folded;
  switch (e->kind) {
    case ir::expr_kind::unary: folded = fold_negation(e->as<ir::unary>()); break;
    case ir::expr_kind::binary: folded = fold_binary(e->as<ir::binary>()); break;
    case ir::expr_kind::compare: folded = fold_compare(e->as<ir::compare>()); break;
    case ir::expr_kind::function: folded = fold_function(e->as<ir::function>()); break;
    default: break;
  }
  if (folded) e = std::make_unique<ir::constant>(e->span, std::move(*folded));
}

}  // namespace

void constant_folding(ir::query& query) { rewrite_all(query, &fold); }

}  // namespace nextorm::optimize
