// UTF-8 encoding of one code point, shared by the parser (string escapes) and the SQLite
// functions (Unicode case mapping and slicing).
#pragma once

#include <cstdint>
#include <string>

namespace nextorm {

void append_utf8(std::string& out, std::uint32_t code_point);

}  // namespace nextorm
