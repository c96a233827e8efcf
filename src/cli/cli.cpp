#include "cli/cli.hpp"

#include "cli/inspect_command.hpp"
#include "cli/migrate_commands.hpp"
#include "cli/query_command.hpp"
#include "common/suggest.hpp"

#include <string>
#include <vector>

#ifndef NEXTORM_VERSION
#define NEXTORM_VERSION "unknown"
#endif

namespace nextorm::cli {
namespace {

using command_fn = int (*)(std::span<const std::string_view> args, std::ostream& out,
                           std::ostream& err, std::istream* in);

struct command {
  std::string_view name;
  std::string_view summary;
  command_fn run;
};

constexpr command commands[] = {
    {"query", "run a query and print its result", run_query_command},
    {"inspect", "print the JSON schema of an existing database", run_inspect_command},
    {"makemigrations", "write a migration from the schema's changes", run_makemigrations_command},
    {"migrate", "apply migrations to the database", run_migrate_command},
    {"showmigrations", "list migrations and whether they are applied", run_showmigrations_command},
    {"sqlmigrate", "print a migration's SQL for a provider", run_sqlmigrate_command},
};

void print_usage(std::ostream& out) {
  out << "Usage: nextorm COMMAND [options]\n\nCommands:\n";
  for (const auto& c : commands) {
    out << "  " << c.name << std::string(16 - c.name.size(), ' ') << c.summary << '\n';
  }
  out << "\nOptions:\n"
         "  -h, --help      prints this help\n"
         "  --version       prints the version\n"
         "\nRun 'nextorm COMMAND --help' for the options of a command.\n";
}

int usage_error(std::ostream& err, const std::string& message) {
  err << "nextorm: " << message << "\nRun 'nextorm --help' for usage.\n";
  return exit_usage;
}

}  // namespace

int run_cli(std::span<const std::string_view> args, std::ostream& out, std::ostream& err,
            std::istream* in) {
  if (args.empty()) return usage_error(err, "missing COMMAND");
  const std::string_view name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(out);
    return exit_ok;
  }
  if (name == "--version") {
    out << "nextorm " << NEXTORM_VERSION << '\n';
    return exit_ok;
  }
  std::vector<std::string> names;
  for (const auto& c : commands) {
    if (c.name != name) {
      names.emplace_back(c.name);
      continue;
    }
    return c.run(args.subspan(1), out, err, in);
  }
  if (name.starts_with("-")) {
    static constexpr std::string_view options[] = {"--help", "--version"};
    return usage_error(err,
                       "unknown option '" + std::string{name} + "'" + did_you_mean(name, options));
  }
  return usage_error(err,
                     "unknown command '" + std::string{name} + "'" + did_you_mean(name, names));
}

}  // namespace nextorm::cli
