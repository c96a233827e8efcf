// The values of a plan's placeholders, in order, from the parameters passed with the query.
#pragma once

#include <nextorm/params.hpp>

#include "lower/plan.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace nextorm::exec {

// What a provider cannot hold, refused by name before a value reaches it (lower::dialect says).
struct value_limits {
  bool infinity = true;       // a float ±inf (MariaDB: false)
  bool nul_in_text = true;    // a NUL character in text (PostgreSQL: false)
  std::string_view provider;  // for the messages
};

// Throws usage_error "param.nan" for a NaN (no provider compares it as Python does: SQLite reads
// it as NULL, MariaDB as a tiny number), "param.infinity" and "param.nul" for what `limits`
// excludes.
[[nodiscard]] std::vector<value> bind_values(const lower::plan& plan, const params& args,
                                             std::optional<std::int64_t> limit,
                                             std::optional<std::int64_t> offset,
                                             value_limits limits = {});

}  // namespace nextorm::exec
