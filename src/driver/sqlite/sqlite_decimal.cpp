// Exact sums and averages of decimals. SQLite stores a DECIMAL column with NUMERIC affinity: a
// REAL when the text survives the conversion (up to 15 significant digits), an INTEGER for whole
// numbers, TEXT otherwise; its SUM and AVG add doubles (100 x 0.10 is 9.99999999999998). These
// read each value as the decimal it stands for (a REAL as the shortest text that reads back as
// it, which is the text it was stored from) and add exactly: a 128-bit scaled integer while the
// sum fits, nextorm::decimal once it does not.
#include "driver/sqlite/sqlite_functions.hpp"

#include "driver/sqlite/sqlite_connection.hpp"

#include <nextorm/types.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>

namespace nextorm::driver {

namespace {

__extension__ using int128 = __int128;

// 10^n for n <= 38.
int128 power_of_ten(std::size_t n) {
  int128 p = 1;
  for (std::size_t i = 0; i < n; ++i) p *= 10;
  return p;
}

// The coefficient and scale of a number's text, which is either nextorm::decimal's canonical text
// ("-12.50": digits with at most one point) or std::to_chars' shortest form of a finite double
// ("1e-05", "1.5e+20": an exponent of two or three digits after 'e' and a sign), when the
// coefficient has at most 36 digits and the scale at most 38 (it then fits in 128 bits with room
// to align two scales).
bool small_parts(std::string_view text, int128& coefficient, std::size_t& scale) {
  coefficient = 0;
  std::size_t digits = 0;
  std::ptrdiff_t fraction_digits = 0;
  bool fraction = false;
  const bool negative = text.starts_with('-');
  std::size_t at = negative ? 1 : 0;
  for (; at < text.size() && text[at] != 'e'; ++at) {
    const char c = text[at];
    if (c == '.') {
      fraction = true;
      continue;
    }
    if (coefficient == 0 && c == '0') {
      if (fraction) ++fraction_digits;  // leading zeros take no room
      continue;
    }
    if (++digits > 36) return false;
    coefficient = coefficient * 10 + (c - '0');
    if (fraction) ++fraction_digits;
  }
  if (at < text.size()) {  // the exponent of to_chars' scientific form: 'e', a sign, digits
    std::string_view written = text.substr(at + 1);
    if (written.starts_with('+')) written.remove_prefix(1);
    int exponent = 0;
    (void)std::from_chars(written.data(), written.data() + written.size(), exponent);
    if (exponent > 38 || exponent < -38) return false;
    fraction_digits -= exponent;
  }
  if (fraction_digits < 0) {
    if (-fraction_digits + static_cast<std::ptrdiff_t>(digits) > 36) return false;
    for (; fraction_digits < 0; ++fraction_digits) coefficient *= 10;
  }
  if (fraction_digits > 38) return false;
  scale = static_cast<std::size_t>(fraction_digits);
  if (negative) coefficient = -coefficient;
  return true;
}

std::string int128_text(int128 v, std::size_t scale) {
  const bool negative = v < 0;
  std::string digits;
  do {
    const int digit = static_cast<int>(v % 10);
    digits.insert(digits.begin(), static_cast<char>('0' + (digit < 0 ? -digit : digit)));
    v /= 10;
  } while (v != 0);
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  if (scale > 0) digits.insert(digits.size() - scale, 1, '.');
  return negative ? "-" + digits : digits;
}

struct accumulator {
  std::int64_t count = 0;
  std::size_t scale = 0;  // of the sum: the larger of the declared scale and the values'
  bool exact = false;     // the sum outgrew 128 bits and lives in `big`
  int128 small = 0;
  decimal big;

  // Gives `small` the scale `to` (>= scale); false when it would overflow. A larger `to` is a
  // value's scale, at most 38 (small_parts), so 10^(to - scale) fits in 128 bits.
  bool rescale(std::size_t to) {
    if (to == scale) return true;
    int128 scaled = 0;
    if (__builtin_mul_overflow(small, power_of_ten(to - scale), &scaled)) return false;
    small = scaled;
    scale = to;
    return true;
  }

  void to_exact() {
    big = decimal{int128_text(small, scale)};
    exact = true;
  }

  // Adds a value given as its coefficient and scale; false when the sum would not fit (or has
  // outgrown 128 bits already): then add(decimal) takes it.
  bool add_small(int128 coefficient, std::size_t value_scale) {
    if (exact) return false;
    const std::size_t to = value_scale > scale ? value_scale : scale;
    int128 sum = 0;
    if (!rescale(to) || to - value_scale > 38 ||
        __builtin_mul_overflow(coefficient, power_of_ten(to - value_scale), &coefficient) ||
        __builtin_add_overflow(small, coefficient, &sum)) {
      return false;
    }
    small = sum;
    ++count;
    return true;
  }

  void add(const decimal& v) {
    int128 coefficient = 0;
    std::size_t value_scale = 0;
    if (small_parts(v.text(), coefficient, value_scale) && add_small(coefficient, value_scale)) {
      return;
    }
    if (!exact) to_exact();
    ++count;
    big += v;
    if (v.scale() > scale) scale = v.scale();
  }

  [[nodiscard]] decimal total() const {
    return exact ? big.round(static_cast<int>(scale)) : decimal{int128_text(small, scale)};
  }
};

// Adds the value to `a`; false (after setting the statement's error) when it is not a number.
// Integers and doubles take the 128-bit path without a decimal or an allocation.
bool add_value(sqlite3_context* ctx, sqlite3_value* v, accumulator& a) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: {
      const std::int64_t n = sqlite3_value_int64(v);
      if (!a.add_small(n, 0)) a.add(decimal{n});
      return true;
    }
    case SQLITE_FLOAT: {
      const double d = sqlite3_value_double(v);
      // SQLite stores no NaN (it becomes NULL), but 1e999 is an infinity.
      if (std::isinf(d)) {
        sqlite3_result_error(ctx, "decimal_sum/decimal_avg: a decimal column holds an infinity",
                             -1);
        return false;
      }
      // The shortest text that reads back as d: the text the value was stored from.
      std::array<char, 32> buffer{};
      const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), d).ptr;
      const std::string_view text{buffer.data(), static_cast<std::size_t>(end - buffer.data())};
      int128 coefficient = 0;
      std::size_t scale = 0;
      if (!small_parts(text, coefficient, scale) || !a.add_small(coefficient, scale)) {
        a.add(decimal{text});
      }
      return true;
    }
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
      const std::string_view text{p, static_cast<std::size_t>(sqlite3_value_bytes(v))};
      try {
        a.add(decimal{text});
      } catch (const usage_error& e) {
        sqlite3_result_error(ctx, e.what(), -1);
        return false;
      }
      return true;
    }
    default:
      sqlite3_result_error(ctx, "decimal_sum/decimal_avg: a decimal column holds a BLOB", -1);
      return false;
  }
}

// The state lives behind a pointer in SQLite's zeroed aggregate context; finish() deletes it.
// Null when SQLite or the allocation runs out of memory.
accumulator* new_or_current_state(sqlite3_context* ctx) {
  auto** slot = static_cast<accumulator**>(sqlite3_aggregate_context(ctx, sizeof(void*)));
  if (slot == nullptr) return nullptr;  // coverage-exempt: SQLite is out of memory
  if (*slot == nullptr) *slot = new (std::nothrow) accumulator{};
  return *slot;
}

// The state step() made, or null when no row reached it.
accumulator* current_state(sqlite3_context* ctx) {
  auto** slot = static_cast<accumulator**>(sqlite3_aggregate_context(ctx, 0));
  return slot == nullptr ? nullptr : *slot;
}

// decimal_sum(x) / decimal_sum(x, scale), and the same for decimal_avg: NULLs are skipped.
void step(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  accumulator* a = new_or_current_state(ctx);
  if (a == nullptr) return sqlite3_result_error_nomem(ctx);  // coverage-exempt: out of memory
  if (argc > 1 && a->count == 0) {
    const std::int64_t declared = sqlite3_value_int64(argv[1]);
    if (declared > 0 && declared <= 1000) a->scale = static_cast<std::size_t>(declared);
  }
  try {
    (void)add_value(ctx, argv[0], *a);
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
  }
}

void result_text(sqlite3_context* ctx, const std::string& text) {
  sqlite3_result_text64(ctx, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

// Runs once per aggregate, after an error too, so that the state is always freed. `result`
// makes the function's value of the exact total.
void finish(sqlite3_context* ctx, decimal (*result)(const accumulator&)) {
  accumulator* a = current_state(ctx);
  if (a == nullptr || a->count == 0) {
    delete a;
    return sqlite3_result_null(ctx);  // no rows: NULL, as SQL's SUM and AVG
  }
  try {
    result_text(ctx, result(*a).text());
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
  }
  delete a;
}

void finish_sum(sqlite3_context* ctx) {
  finish(ctx, [](const accumulator& a) { return a.total(); });
}

// Four more digits than the values, as MariaDB's AVG of a DECIMAL, rounded half-even.
void finish_avg(sqlite3_context* ctx) {
  finish(ctx, [](const accumulator& a) {
    return a.total().divide(decimal{a.count}, static_cast<int>(a.scale) + 4);
  });
}

// One argument of decimal_add/_sub/_mul as the decimal it stands for; false (after setting the
// statement's error) when it is none. A REAL is the shortest text that reads back as it.
bool decimal_argument(sqlite3_context* ctx, sqlite3_value* v, decimal& out) {
  try {
    switch (sqlite3_value_type(v)) {
      case SQLITE_INTEGER: out = decimal{sqlite3_value_int64(v)}; return true;
      case SQLITE_FLOAT: out = decimal::from_double(sqlite3_value_double(v)); return true;
      case SQLITE_TEXT:
        out = decimal{std::string_view{reinterpret_cast<const char*>(sqlite3_value_text(v)),
                                       static_cast<std::size_t>(sqlite3_value_bytes(v))}};
        return true;
      default: break;
    }
  } catch (const usage_error& e) {
    sqlite3_result_error(ctx, e.what(), -1);
    return false;
  }
  sqlite3_result_error(ctx, "decimal arithmetic: an operand is a BLOB", -1);
  return false;
}

// decimal_add(a, b), decimal_sub, decimal_mul: Python's Decimal arithmetic, exact, as text (the
// SQL casts it back to a number); NULL when either is NULL.
template <decimal (*Op)(const decimal&, const decimal&)>
void decimal_arithmetic(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    return sqlite3_result_null(ctx);
  }
  decimal a;
  decimal b;
  if (!decimal_argument(ctx, argv[0], a) || !decimal_argument(ctx, argv[1], b)) return;
  const std::string text = Op(a, b).text();
  sqlite3_result_text(ctx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

decimal add(const decimal& a, const decimal& b) { return a + b; }
decimal subtract(const decimal& a, const decimal& b) { return a - b; }
decimal multiply(const decimal& a, const decimal& b) { return a * b; }

}  // namespace

void register_decimal_aggregates(sqlite3* db) {
  struct entry {
    const char* name;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
  };
  static constexpr entry arithmetic[] = {{"decimal_add", &decimal_arithmetic<&add>},
                                         {"decimal_sub", &decimal_arithmetic<&subtract>},
                                         {"decimal_mul", &decimal_arithmetic<&multiply>}};
  for (const entry& f : arithmetic) {
    const int rc = sqlite3_create_function_v2(db, f.name, 2,
                                              SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                              nullptr, f.fn, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {  // coverage-exempt: sqlite3_create_function_v2 out of memory
      throw_sqlite_error(db, rc, std::string{"cannot register "} + f.name);
    }
  }
  for (int args = 1; args <= 2; ++args) {
    for (bool average : {false, true}) {
      const char* name = average ? "decimal_avg" : "decimal_sum";
      const int rc = sqlite3_create_function_v2(
          db, name, args, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr, nullptr,
          &step, average ? &finish_avg : &finish_sum, nullptr);
      // The names and arguments are fixed and the connection is new: only memory can run out.
      if (rc != SQLITE_OK) {  // coverage-exempt: sqlite3_create_function_v2 out of memory
        throw_sqlite_error(db, rc, std::string{"cannot register "} + name);
      }
    }
  }
}

}  // namespace nextorm::driver
