// The `nextorm` executable: argv to run_cli.
#include "cli/cli.hpp"

#include <iostream>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  return nextorm::cli::run_cli(args, std::cout, std::cerr);
}
