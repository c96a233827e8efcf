// The `nextorm` command as a function, so that tests run it in-process.
#pragma once

#include <istream>
#include <ostream>
#include <span>
#include <string_view>

namespace nextorm::cli {

// Exit codes of every subcommand.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;  // the query or the database failed
inline constexpr int exit_usage = 2;   // the command line is wrong

// Runs `nextorm ARGS...` (args excludes the program name); output goes to `out`, messages to
// `err`; `in`, when given, answers questions (makemigrations asks about possible renames: the
// executable passes standard input when it is a terminal). Returns the exit code. Never throws
// for anything the user can cause.
[[nodiscard]] int run_cli(std::span<const std::string_view> args, std::ostream& out,
                          std::ostream& err, std::istream* in = nullptr);

}  // namespace nextorm::cli
