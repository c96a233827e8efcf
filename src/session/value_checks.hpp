// What the checks of assigned values share with the rest of the session stage.
#pragma once

#include <nextorm/registry.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace nextorm::detail {

// Python's str.strip(): the whitespace characters of str.isspace() at both ends.
void strip_python_space(std::string& text);
// Characters (code points) of UTF-8 text, as Python's len() counts them.
[[nodiscard]] std::size_t character_count(std::string_view text) noexcept;
// -1, 0 or 1 as `a` is below, equal to or above `b` (integers, floats and decimals).
[[nodiscard]] int compare_numbers(const value& a, const value& b);
// Resolves each attribute's length limit for `provider` and whether assignments are checked.
void resolve_checks(registry& schema, std::string_view provider);

}  // namespace nextorm::detail
