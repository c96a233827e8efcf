// One provider's run: every workload for every contender, checked against each other.
#pragma once

#include "compile_bench.hpp"
#include "dataset.hpp"
#include "options.hpp"
#include "pony.hpp"
#include "startup.hpp"
#include "target.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nextorm_bench {

// One contender's result for one workload.
struct measurement {
  std::optional<double> ms;  // the median; none when it did not run or failed
  std::string error;         // why not (empty when it ran, or when the contender is absent)
  // pk_lookup_session_each on SQLite: whether a writer on another connection was refused with
  // SQLITE_BUSY right after the contender's last COMMIT (none: not asked).
  std::optional<bool> blocks_writer;
  std::string blocked_at;  // the writer's statement that was refused
};

struct workload_result {
  std::string name;
  measurement nextorm;
  measurement raw;
  measurement soci;
  // pk_lookup_session_each only: SOCI with the statement finished before each COMMIT
  // (soci_single_row::fetch_to_end).
  measurement soci_released;
  std::uint64_t rows = 0;  // rows (objects, groups) one repetition handled
};

struct memory_result {
  std::uint64_t rows = 0;                     // products materialised
  std::optional<std::int64_t> nextorm_bytes;  // peak heap growth while materialising
  std::optional<std::int64_t> structs_bytes;  // the same for a std::vector of plain structs
  std::optional<std::int64_t> soci_bytes;
};

struct provider_result {
  std::string provider;
  std::size_t n = 0;
  std::size_t reps = 0;
  bool soci = false;  // SOCI ran
  std::string clock;  // "wall" or "cpu"
  double load = -1;   // the 1-minute load average as the run began (-1: unknown)
  std::vector<workload_result> workloads;
  std::optional<compile_result> compile;
  std::string compile_error;
  memory_result memory;
  std::optional<startup_result> startup;  // SQLite only
  std::string startup_error;
  std::vector<std::string> failures;  // contenders that disagreed or failed: the run fails
};

// Runs everything against `t`. Progress goes to stderr.
[[nodiscard]] provider_result run_provider(target& t, const options& o, const dataset& data);

}  // namespace nextorm_bench
