// UTF-8 encoding of one code point, shared by the parser (string escapes) and the SQLite
// functions (Unicode case mapping and slicing).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nextorm {

void append_utf8(std::string& out, std::uint32_t code_point);

// `text` with each ill-formed sequence replaced by U+FFFD, one per maximal subpart (Unicode 3.9,
// "U+FFFD Substitution of Maximal Subparts", which is Python's errors="replace"): for printing
// bytes from a database as text.
[[nodiscard]] std::string valid_utf8(std::string_view text);

}  // namespace nextorm
