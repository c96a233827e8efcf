// SQL functions SQLite lacks, registered on every connection so that the query compiler can
// keep Python's semantics: Unicode-aware py_upper/py_lower, power, and py_string_slice (s[a:b]).
#pragma once

#include <sqlite3.h>

namespace nextorm::driver {

// Registers the functions on `db`; throws a database error when SQLite refuses one.
void register_sqlite_functions(sqlite3* db);

}  // namespace nextorm::driver
