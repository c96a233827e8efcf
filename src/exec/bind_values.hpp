// The values of a plan's placeholders, in order, from the parameters passed with the query.
#pragma once

#include <nextorm/params.hpp>

#include "compile/plan.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace nextorm::exec {

[[nodiscard]] std::vector<value> bind_values(const compile::plan& plan, const params& args,
                                             std::optional<std::int64_t> limit,
                                             std::optional<std::int64_t> offset);

}  // namespace nextorm::exec
