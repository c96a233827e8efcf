// A finalized registry as sorted lines, for tests that compare two schemas: entities with their
// table, base, discriminator and key; attributes with kind, type, target, reverse, columns, join
// table, optional, nullable and long_str; computed attributes with their text.
#pragma once

#include <nextorm/registry.hpp>

#include <string>
#include <vector>

namespace nextorm::testing {

[[nodiscard]] std::vector<std::string> shape_of(const registry& r);
// A discriminator value as text: a str as it is, an int in digits, none as "".
[[nodiscard]] std::string text_of(const value& v);

}  // namespace nextorm::testing
