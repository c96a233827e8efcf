// Whether a writer on a connection of its own can commit to an SQLite file at this moment. The
// bench asks it where a contender stands between two transactions of pk_lookup_session_each:
// a contender that keeps SQLite's read lock after COMMIT makes such a writer fail (or, with a
// busy timeout, wait until the contender lets go), which no timing shows.
#pragma once

#include <string>

namespace nextorm_bench {

struct writer_probe {
  bool blocked = false;  // the writer got SQLITE_BUSY
  std::string step;      // at which statement: "BEGIN IMMEDIATE", "write" or "COMMIT"
};

// Opens `path` on a new connection with a busy timeout of 0 and runs BEGIN IMMEDIATE, a write
// (PRAGMA user_version = its value + 1: no contender reads it, and it changes no table or
// schema), COMMIT; rolls back when blocked. Throws on any error other than SQLITE_BUSY.
[[nodiscard]] writer_probe probe_writer(const std::string& path);

}  // namespace nextorm_bench
