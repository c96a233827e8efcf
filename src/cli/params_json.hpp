// --params JSON -> nextorm::params. Plain JSON gives plain values; one-key objects whose key
// starts with '$' give the types JSON has no form for ({"$date": "2020-01-31"}, ...).
#pragma once

#include <nextorm/params.hpp>
#include <nextorm/registry.hpp>

#include <string_view>

namespace nextorm::cli {

// Throws usage_failure "<option>: ..." naming the parameter and the position in it. `$entity`
// references are looked up in `schema`, which must be finalized.
[[nodiscard]] params parse_params(std::string_view json_text, const registry& schema,
                                  std::string_view option = "--params");

}  // namespace nextorm::cli
