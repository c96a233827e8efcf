// `$name` parameters of raw SQL: PonyORM's select_by_sql form, also taken by C++ migration steps.
#pragma once

#include <nextorm/params.hpp>
#include <nextorm/value.hpp>

#include "lower/dialect.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace nextorm::detail {

// `sql` with each `$name` outside quotes ('...', "...", `...`) made the dialect's placeholder,
// its value (a scalar, or an object's key) appended to `values`. A name without a value in
// `args` throws usage_error("param.missing"); a sequence or query, "param.sequence".
[[nodiscard]] std::string bind_sql_parameters(std::string_view sql, const params& args,
                                              const lower::dialect& d, std::vector<value>& values);

}  // namespace nextorm::detail
