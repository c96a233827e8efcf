// Elements of json values in a result (`s.meta['level']`) as PonyORM returns them.
#pragma once

#include <nextorm/query.hpp>

#include "lower/plan.hpp"

namespace nextorm::exec {

// The JSON text of each json_unwrap item of `shape` becomes a value of its JSON type: a number
// an int or a float, a string a str, true/false a bool, null None; an array or an object stays
// json (compact). Text that is not JSON stays as it is.
void unwrap_json(const lower::result_shape& shape, detail::raw_result& rows);

}  // namespace nextorm::exec
