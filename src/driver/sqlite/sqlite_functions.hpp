// SQL functions SQLite lacks, registered on every connection so that the query compiler can
// keep Python's semantics: Unicode-aware py_upper/py_lower, power, py_string_slice (s[a:b]), and
// the exact aggregates of decimals decimal_sum and decimal_avg.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

namespace nextorm::driver {

// Registers the functions on `db`; throws a database error when SQLite refuses one.
void register_sqlite_functions(sqlite3* db);

// decimal_sum(x[, scale]) and decimal_avg(x[, scale]): the exact sum and average of decimal
// values as decimal text, NULL for no values (NULLs skipped). The sum has the larger of `scale`
// (the column's declared scale) and the values' scales; the average four digits more, rounded
// half-even (sqlite_decimal.cpp).
void register_decimal_aggregates(sqlite3* db);

// py_datetime_add(x, days) and py_date_add(x, days): Python's datetime/date + timedelta, exact
// to the microsecond (the timedelta as PonyORM stores it: days in a double); and
// py_timedelta_between(a, b): a - b of two dates or datetimes as such days
// (sqlite_intervals.cpp).
void register_interval_functions(sqlite3* db);

// A datetime or a time as PonyORM writes it on SQLite, so that equal values are equal texts
// whichever of the two wrote them (sqlite_intervals.cpp): a datetime with its fraction of a
// second in six digits, always ("2024-03-11 10:00:00.000000", datetime2timestamp); a time as
// Python's str(), the six digits only when there is a fraction ("09:45:00", "09:45:00.250000").
// `text` is the value's text in any form NextORM reads; a text that is not one throws
// value.bad_datetime / value.bad_time.
[[nodiscard]] std::string python_time_text(std::string_view text, bool is_datetime);

}  // namespace nextorm::driver
