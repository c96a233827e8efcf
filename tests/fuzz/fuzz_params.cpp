// libFuzzer target: the CLI's --params JSON (src/cli/params_json.cpp), with the fuzz schema for
// {"$entity": [...]}. A refusal is a usage_failure; what is accepted must keep the documented
// limit: no value nested deeper than max_params_depth (the outer object counts), and every
// typed value in its canonical form (its type's own parser reads it back).
#include <nextorm/errors.hpp>
#include <nextorm/types.hpp>

#include "cli/params_json.hpp"
#include "cli/usage_failure.hpp"
#include "fuzz_schema.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace nextorm;

// Levels of JSON arrays or objects that `p` came from, counting the outer object.
std::size_t depth(const param_value& p) {
  if (!p.is_sequence()) return 1;  // a scalar, or a one-key typed object such as {"$date": ..}
  std::size_t deepest = 0;
  for (const param_value& element : p.sequence()) deepest = std::max(deepest, depth(element));
  return 1 + std::max<std::size_t>(deepest, 1);
}

void check_value(const value& v) {
  switch (v.type()) {
    case value_type::decimal: (void)decimal{v.as_text()}; break;
    case value_type::date: (void)date{v.as_text()}; break;
    case value_type::datetime: (void)datetime{v.as_text()}; break;
    case value_type::time: (void)time_of_day{v.as_text()}; break;
    case value_type::uuid: (void)uuid{v.as_text()}; break;
    default: break;
  }
}

void check(const param_value& p) {
  if (p.is_scalar()) check_value(p.scalar());
  if (p.is_entity()) {
    if (p.entity().entity == nullptr || p.entity().key.type() != p.entity().entity->pk().type) {
      __builtin_trap();
    }
  }
  if (p.is_sequence()) {
    for (const param_value& element : p.sequence()) check(element);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto schema = fuzz::make_schema("sqlite");
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  params out;
  try {
    out = cli::parse_params(text, *schema);
  } catch (const cli::usage_failure&) {
    return 0;
  }
  for (const auto& [name, p] : out) {
    // The outer object is one level; `depth` counts a scalar as one more.
    if (depth(p) > cli::max_params_depth) __builtin_trap();
    try {
      check(p);
    } catch (const usage_error&) {
      __builtin_trap();  // accepted as $date/$uuid/..., but the type's parser refuses it
    }
  }
  return 0;
}
