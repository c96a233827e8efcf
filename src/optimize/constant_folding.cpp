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

[[maybe_unused]] bool is_number(const value& v) noexcept {
  return v.type() == value_type::integer || v.type() == value_type::real;
}

std::optional<value> fold_int(ir::binary_op op, std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  switch (op) {
    case ir::binary_op::add:
      if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
      return value{r};
    case ir::binary_op::sub:
      if (__builtin_sub_overflow(a, b, &r)) return std::nullopt;
      return value{r};
    case ir::binary_op::mul:
      if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
      return value{r};
    case ir::binary_op::div:
      if (b == 0) return std::nullopt;
      return value{static_cast<double>(a) / static_cast<double>(b)};
    case ir::binary_op::floordiv:
    case ir::binary_op::mod: {
      if (b == 0 || b == -1) return std::nullopt;  // -1: INT64_MIN // -1 overflows
      std::int64_t q = a / b;
      std::int64_t m = a % b;
      if (m != 0 && ((m < 0) != (b < 0))) {  // Python floors towards negative infinity
        --q;
        m += b;
      }
      return value{op == ir::binary_op::floordiv ? q : m};
    }
    case ir::binary_op::pow: {
      if (b < 0) return value{std::pow(static_cast<double>(a), static_cast<double>(b))};
      r = 1;
      for (std::int64_t i = 0; i < b; ++i) {
        if (__builtin_mul_overflow(r, a, &r)) return std::nullopt;
      }
      return value{r};
    }
    case ir::binary_op::concat: break;  // fold_binary joins texts itself
  }
  detail::unreachable("fold_int");
}

std::optional<value> fold_real(ir::binary_op op, double a, double b) {
  switch (op) {
    case ir::binary_op::add: return value{a + b};
    case ir::binary_op::sub: return value{a - b};
    case ir::binary_op::mul: return value{a * b};
    case ir::binary_op::div:
      if (b == 0) return std::nullopt;
      return value{a / b};
    case ir::binary_op::floordiv:
      if (b == 0) return std::nullopt;
      return value{std::floor(a / b)};
    case ir::binary_op::mod: {
      if (b == 0) return std::nullopt;
      double m = std::fmod(a, b);
      if (m != 0 && ((m < 0) != (b < 0))) m += b;
      return value{m};
    }
    case ir::binary_op::pow: return value{std::pow(a, b)};
    case ir::binary_op::concat: break;  // fold_binary joins texts itself
  }
  detail::unreachable("fold_real");
}

std::optional<value> fold_binary(const ir::binary& b) {
  const auto* l = b.lhs->try_as<ir::constant>();
  const auto* r = b.rhs->try_as<ir::constant>();
  if (l == nullptr || r == nullptr) return std::nullopt;
  if (b.op == ir::binary_op::concat) return value{l->value.as_text() + r->value.as_text()};
  // The binder lets only numbers into arithmetic (and texts into concat).
  assert(is_number(l->value) && is_number(r->value));
  if (l->value.type() == value_type::integer && r->value.type() == value_type::integer) {
    return fold_int(b.op, l->value.as_int(), r->value.as_int());
  }
  return fold_real(b.op, l->value.as_real(), r->value.as_real());
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
  assert(is_number(a) || is_number(b));
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
  const value& v = arg->value;
  switch (f.fn) {
    case ir::function_kind::abs:
      if (v.type() == value_type::real) return value{std::fabs(v.as_real())};
      if (v.type() != value_type::integer || v.as_int() == INT64_MIN) return std::nullopt;
      return value{v.as_int() < 0 ? -v.as_int() : v.as_int()};
    case ir::function_kind::length: {
      if (v.type() != value_type::text) return std::nullopt;
      std::int64_t n = 0;  // code points: count the bytes that do not continue a sequence
      for (char c : v.as_text()) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      return value{n};
    }
    case ir::function_kind::upper:
    case ir::function_kind::lower: {
      if (v.type() != value_type::text || !is_ascii(v.as_text())) return std::nullopt;
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
  if (c->value.type() == value_type::real) return value{-c->value.as_real()};
  if (c->value.type() != value_type::integer || c->value.as_int() == INT64_MIN) {
    return std::nullopt;
  }
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
