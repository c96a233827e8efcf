// Runs bench/pony_compile.py with /usr/bin/python3 and reads its numbers.
#pragma once

#include <optional>
#include <string>

namespace nextorm_bench {

struct pony_result {
  std::string version;
  double never_seen_us = 0;
  double distinct_1000_ms = 0;
  double hit_us = 0;
};

// None when the interpreter or PonyORM is missing or the script fails; `why` says which.
[[nodiscard]] std::optional<pony_result> run_pony(const std::string& python,
                                                  const std::string& script, std::string& why);

}  // namespace nextorm_bench
