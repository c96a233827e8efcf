// The bench's output: a table for people, or one JSON object per provider.
#pragma once

#include "pony.hpp"
#include "runner.hpp"

#include <optional>
#include <ostream>

namespace nextorm_bench {

void print_table(std::ostream& out, const provider_result& r, const std::optional<pony_result>& pony,
                 const std::string& pony_why);
void print_json(std::ostream& out, const provider_result& r, const std::optional<pony_result>& pony,
                const std::string& pony_why);

}  // namespace nextorm_bench
