// Timing and medians. Wall clock by default; `--clock cpu` measures the process's CPU time
// instead, which a busy machine disturbs far less (for SQLite, which runs in-process, that is
// all the work except waiting for the disk; a server's work is not in it).
#pragma once

#include <time.h>

#include <algorithm>
#include <vector>

namespace nextorm_bench {

enum class clock_kind { wall, cpu };

// The clock time_ms() reads; set once from the command line.
inline clock_kind& bench_clock() {
  static clock_kind kind = clock_kind::wall;
  return kind;
}

inline double now_ms() {
  timespec ts{};
  clock_gettime(bench_clock() == clock_kind::cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC,
                &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Milliseconds that `f()` took.
template <class F>
double time_ms(F&& f) {
  const double start = now_ms();
  f();
  return now_ms() - start;
}

// The median (the mean of the two middle values for an even count); 0 for none.
inline double median(std::vector<double> xs) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  const std::size_t mid = xs.size() / 2;
  return xs.size() % 2 == 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

}  // namespace nextorm_bench
