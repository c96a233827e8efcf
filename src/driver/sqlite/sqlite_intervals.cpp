// Date and time arithmetic with PonyORM's timedelta on SQLite, where dates and datetimes are ISO
// text and an interval is days in a double: exact to the microsecond, which SQLite's own
// datetime() and julianday() are not (they keep milliseconds, and a julian day's double is
// about 40 microseconds coarse).
#include "common/timedelta_parts.hpp"
#include "driver/sqlite/sqlite_connection.hpp"
#include "driver/sqlite/sqlite_functions.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/types.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nextorm::driver {

namespace {

std::string_view text_arg(sqlite3_value* v) {
  // (Never NULL here: the functions return NULL for NULL arguments before reading them.)
  return {reinterpret_cast<const char*>(sqlite3_value_text(v)),
          static_cast<std::size_t>(sqlite3_value_bytes(v))};
}

// A date ("2024-01-31": its midnight) or a datetime as microseconds since 1970.
std::optional<std::int64_t> time_point_of(sqlite3_value* v) {
  const std::string_view text = text_arg(v);
  try {
    if (text.size() == 10) return datetime{date{text}}.sys_time().time_since_epoch().count();
    return datetime{text}.sys_time().time_since_epoch().count();
  } catch (const usage_error&) {
    return std::nullopt;
  }
}

// The interval argument in microseconds (days, as stored), or nothing.
std::optional<std::int64_t> interval_of(sqlite3_value* v) {
  const int type = sqlite3_value_type(v);
  if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) return std::nullopt;
  return detail::micros_of_days(sqlite3_value_double(v));
}

// Python's fraction: six digits after the point of a text that has one.
std::string six_digit_fraction(std::string text) {
  const auto dot = text.find('.');
  if (dot != std::string::npos) text.append(6 - (text.size() - dot - 1), '0');
  return text;
}

// A datetime as PonyORM writes it on SQLite (datetime2timestamp): the fraction always, six
// digits, ".000000" for a whole second.
std::string pony_datetime_text(const datetime& d) {
  std::string text = to_string(d);
  if (text.find('.') == std::string::npos) text += ".000000";
  return six_digit_fraction(std::move(text));
}

bool any_null(sqlite3_value** argv) {
  return sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL;
}

// Python's datetime + timedelta (date + timedelta with `whole_days`: the interval's floored
// days), in the text NextORM writes; an error past the years 0 to 9999, as Python's
// OverflowError.
void add(sqlite3_context* ctx, sqlite3_value** argv, bool whole_days) {
  if (any_null(argv)) return sqlite3_result_null(ctx);
  const auto at = time_point_of(argv[0]);
  auto delta = interval_of(argv[1]);
  if (!at || !delta) {
    return sqlite3_result_error(ctx, "py_datetime_add: not a date or datetime and a timedelta", -1);
  }
  if (whole_days) *delta = detail::split_days(*delta).days * detail::micros_per_day;
  std::int64_t sum = 0;
  constexpr std::int64_t min = -62'167'219'200'000'000;  // 0000-01-01
  constexpr std::int64_t max = 253'402'300'800'000'000;  // 10000-01-01
  if (__builtin_add_overflow(*at, *delta, &sum) || sum < min || sum >= max) {
    return sqlite3_result_error(ctx, "date value out of range", -1);
  }
  const datetime moved{datetime::time_point{std::chrono::microseconds{sum}}};
  const std::string out = whole_days ? to_string(moved.date_part()) : pony_datetime_text(moved);
  sqlite3_result_text64(ctx, out.data(), out.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void py_datetime_add(sqlite3_context* ctx, int, sqlite3_value** argv) { add(ctx, argv, false); }
void py_date_add(sqlite3_context* ctx, int, sqlite3_value** argv) { add(ctx, argv, true); }

// a - b of two dates or datetimes: the interval as stored, days in a double.
void py_timedelta_between(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (any_null(argv)) return sqlite3_result_null(ctx);
  const auto a = time_point_of(argv[0]);
  const auto b = time_point_of(argv[1]);
  if (!a || !b) {
    return sqlite3_result_error(ctx, "py_timedelta_between: not two dates or datetimes", -1);
  }
  sqlite3_result_double(ctx, detail::days_of(*a - *b));  // years 0 to 9999: no overflow
}

}  // namespace

std::string python_time_text(std::string_view text, bool is_datetime) {
  return is_datetime ? pony_datetime_text(datetime{text})
                     : six_digit_fraction(to_string(time_of_day{text}));
}

void register_interval_functions(sqlite3* db) {
  struct entry {
    const char* name;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
  };
  static constexpr entry functions[] = {{"py_datetime_add", &py_datetime_add},
                                        {"py_date_add", &py_date_add},
                                        {"py_timedelta_between", &py_timedelta_between}};
  for (const entry& f : functions) {
    const int rc = sqlite3_create_function_v2(db, f.name, 2,
                                              SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                              nullptr, f.fn, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {  // coverage-exempt: sqlite3_create_function_v2 out of memory
      throw_sqlite_error(db, rc, std::string{"cannot register "} + f.name);
    }
  }
}

}  // namespace nextorm::driver
