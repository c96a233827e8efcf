// The start-up row: a whole process that starts, connects to a SQLite file, maps the bench's
// schema, runs one query and exits. NextORM (nextorm-startup-nextorm, linked with libnextorm.so)
// against the sqlite3 C API in a C program (nextorm-startup-raw), the target's reference; for
// information also the same C API from C++ (nextorm-startup-raw-cpp: what loading libstdc++
// alone costs) and NextORM linked statically with libstdc++ (nextorm-startup-static). Each run is
// a new process; its CPU time (user + system, from wait4) includes the dynamic loader, static
// initialisers and exit.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace nextorm_bench {

struct startup_program {
  std::string name;  // "nextorm", "raw", "raw_cpp", "nextorm_static"
  std::string file;  // the executable's name
  std::string what;  // for the table
  double min_ms = 0;
  double median_ms = 0;
};

struct startup_result {
  std::size_t runs = 0;                   // per program, after one warm-up run each
  std::vector<startup_program> programs;  // nextorm first, raw (the reference) second
  std::string output;                     // what all printed ("rows sum")
};

// Fills the SQLite file of `url` (made by the target) with the bench's tables and a few rows,
// then runs the programs from `helper_dir` in turn, `runs` rounds. Throws std::runtime_error when
// a program cannot start, fails, or prints something else than the others.
[[nodiscard]] startup_result measure_startup(const std::string& url, const std::string& helper_dir,
                                             std::size_t runs);

// The directory of the running executable (where the build puts the programs).
[[nodiscard]] std::string own_directory();

}  // namespace nextorm_bench
