// The `nextorm` executable: argv to run_cli.
#include "cli/cli.hpp"

#include <unistd.h>

#include <iostream>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  // Questions only for a person at a terminal: a script gets the refusal and its reasons.
  const bool terminal = isatty(0) != 0;
  return nextorm::cli::run_cli(args, std::cout, std::cerr,
                               terminal ? &std::cin : nullptr);  // coverage-exempt: a terminal
}
