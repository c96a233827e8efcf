// Decoding of the number and string literals that the grammar matched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nextorm::parse::detail {

// An integer literal as the grammar matched it (12, 1_000, 0x1F, 0o17, 0b101); nullopt when the
// value does not fit in an int64 (Python has no limit, SQL does).
[[nodiscard]] std::optional<std::int64_t> decode_integer(std::string_view text);

// True when `text` is 9223372036854775808 (in any base), which is a valid int64 only after a
// minus sign.
[[nodiscard]] bool is_int64_min_magnitude(std::string_view text);

// A float literal as the grammar matched it (1.5, 1., .5, 1e3, 1_000.5). Like Python, a value
// too large is infinity and one too small is zero.
[[nodiscard]] double decode_float(std::string_view text);

// One or more adjacent string literals ('a' "b", with whitespace between) -> their characters
// in UTF-8, with Python's escapes decoded (not in a raw r'...' one; a u'...' is a plain one).
// Returns the offset in `text` of an escape that is not a Unicode character (a surrogate, or above
// U+10FFFF), or npos when all is well.
[[nodiscard]] std::size_t decode_strings(std::string_view text, std::string& out);

}  // namespace nextorm::parse::detail
