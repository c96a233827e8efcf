// The command line of nextorm-bench (see bench/README.md).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace nextorm_bench {

struct options {
  std::size_t n = 100000;       // products
  std::size_t categories = 100;
  std::size_t reps = 5;         // timed repetitions per workload and contender (median)
  std::size_t lookups = 10000;  // primary-key lookups (distinct keys; at most n)
  std::size_t joins = 10;       // category names per join repetition
  bool sqlite = true;
  std::optional<std::string> postgres;  // URL
  std::optional<std::string> mariadb;   // URL
  bool json = false;
  bool pony = true;
  std::string pony_script;  // path of pony_compile.py
  std::string python = "/usr/bin/python3";
  std::string dir;          // where the SQLite files go ("" = a new temporary directory)
  std::string only;         // run just this workload (for profiling); "" = all
  bool show_sql = false;    // print the SQL NextORM runs for each query, then exit
  bool cpu_clock = false;   // time with the process's CPU clock instead of the wall clock
  std::size_t startup_runs = 21;  // processes per program for the start-up row (SQLite)
  std::string startup_dir;        // where its two programs are ("" = beside nextorm-bench)
};

// Parses argv; prints usage and exits on --help or on a bad argument.
[[nodiscard]] options parse_options(int argc, char** argv);

// Whether the workload (or "memory", "compile") is to run.
[[nodiscard]] inline bool wanted(const options& o, const std::string& workload) {
  return o.only.empty() || o.only == workload;
}

}  // namespace nextorm_bench
