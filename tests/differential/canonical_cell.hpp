// The canonical text of a value that the differential tests compare with PonyORM's (pony_run.py,
// roundtrip.py): "None", "i:3", "f:2.5", "s:text", "dec:1.5", "d:2000-01-31", "x:hex", ...
#pragma once

#include <nextorm/value.hpp>

#include <string>

namespace differential {

// Floats with `float_digits` significant digits (%.Ng): 10 for query results, 17 (exact) for
// the round trip of stored values.
[[nodiscard]] std::string canonical(const nextorm::value& v, int float_digits = 10);

}  // namespace differential
