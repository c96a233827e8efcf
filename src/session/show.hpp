// Tables for people: PonyORM's q.show(), shared with the nextorm command's table output.
#pragma once

#include <nextorm/value.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace nextorm::detail {

// A cell: None, True/False, 3, 2.5 (Python's repr), strings and dates as they are, decimals with
// their exact digits, bytes as lower-case hex. Newlines become spaces, as in PonyORM.
[[nodiscard]] std::string render_text(const value& v);

// A header, a '+'-joined line of dashes, then the rows, with '|' between columns padded to the
// widest cell (counted in UTF-8 characters); the last column is not padded. A row shorter than
// the header leaves its last cells empty.
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

}  // namespace nextorm::detail
