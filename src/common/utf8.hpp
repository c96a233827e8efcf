// UTF-8 encoding of one code point, shared by the parser (string escapes) and the SQLite
// functions (Unicode case mapping and slicing).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nextorm {

void append_utf8(std::string& out, std::uint32_t code_point);

// The number of bytes of the well-formed UTF-8 sequence at the start of the non-empty `s`
// (Unicode table 3-7), or, negated, of its longest prefix that could begin one (at least 1).
[[nodiscard]] int utf8_sequence_length(std::string_view s);

// `text` with each ill-formed sequence replaced by U+FFFD, one per maximal subpart (Unicode 3.9,
// "U+FFFD Substitution of Maximal Subparts", which is Python's errors="replace"): for printing
// bytes from a database as text.
[[nodiscard]] std::string valid_utf8(std::string_view text);

}  // namespace nextorm
