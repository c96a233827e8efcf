// `nextorm query`: open the database, build the query from the options, run it, print it.
#pragma once

#include <ostream>
#include <span>
#include <string_view>

namespace nextorm::cli {

[[nodiscard]] int run_query_command(std::span<const std::string_view> args, std::ostream& out,
                      std::ostream& err, std::istream* in);

}  // namespace nextorm::cli
