// --params JSON -> nextorm::params. Plain JSON gives plain values; one-key objects whose key
// starts with '$' give the types JSON has no form for ({"$date": "2020-01-31"}, ...).
#pragma once

#include <nextorm/params.hpp>
#include <nextorm/registry.hpp>

#include <cstddef>
#include <string_view>

namespace nextorm::cli {

// Arrays and objects nested deeper than this (the outer object counts) are a usage error, as
// brackets nested deeper than 100 in a query are syntax.too_deep.
inline constexpr std::size_t max_params_depth = 100;

// Throws usage_failure "<option>: ..." naming the parameter and the position in it. `$entity`
// references are looked up in `schema`, which must be finalized.
[[nodiscard]] params parse_params(std::string_view json_text, const registry& schema,
                                  std::string_view option = "--params");

}  // namespace nextorm::cli
