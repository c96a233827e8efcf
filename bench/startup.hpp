// The start-up row: a whole process that starts, connects to a SQLite file, maps the bench's
// schema, runs one query and exits, NextORM (nextorm-startup-nextorm) against the sqlite3 C API
// (nextorm-startup-raw, a C program). Each run is a new process; its CPU time (user + system,
// from wait4) includes the dynamic loader, static initialisers and exit.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace nextorm_bench {

struct startup_result {
  std::size_t runs = 0;  // per program, after one warm-up run each
  double nextorm_min_ms = 0;
  double nextorm_median_ms = 0;
  double raw_min_ms = 0;
  double raw_median_ms = 0;
  std::string output;  // what both printed ("rows sum")
};

// Fills the SQLite file of `url` (made by the target) with the bench's tables and a few rows,
// then runs the two programs from `helper_dir` alternately, `runs` times each. Throws
// std::runtime_error when a program cannot start, fails, or prints something else than the
// other.
[[nodiscard]] startup_result measure_startup(const std::string& url, const std::string& helper_dir,
                                             std::size_t runs);

// The directory of the running executable (where the build puts the two programs).
[[nodiscard]] std::string own_directory();

}  // namespace nextorm_bench
