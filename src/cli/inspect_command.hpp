// nextorm inspect: the JSON schema of an existing database (docs/inspect.md).
#pragma once

#include <istream>
#include <ostream>
#include <span>
#include <string_view>

namespace nextorm::cli {

[[nodiscard]] int run_inspect_command(std::span<const std::string_view> args, std::ostream& out,
                                      std::ostream& err, std::istream* in);

}  // namespace nextorm::cli
