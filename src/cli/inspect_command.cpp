#include "cli/inspect_command.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/inspect.hpp>

#include "cli/cli.hpp"
#include "cli/command_args.hpp"
#include "cli/open_database.hpp"
#include "cli/usage_failure.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

namespace nextorm::cli {
namespace {

constexpr std::string_view inspect_usage =
    "Usage: nextorm inspect --db URL [--names FILE] [--out FILE]\n"
    "\n"
    "Prints the JSON schema of the database's tables (docs/inspect.md): entities, attributes,\n"
    "keys, references and join tables as PonyORM declared them. What no database stores (the\n"
    "names of reverse sides, an optional str stored NOT NULL, a hierarchy's subclasses) is\n"
    "named by rule and listed on standard error; a names file, in the schema's shape, gives it.\n"
    "\n"
    "  --db URL       the database (a SQLite file, postgresql://..., mariadb://...)\n"
    "  --names FILE   {\"entities\": [...]}: each entity and attribute it names takes its fields\n"
    "  --out FILE     writes the schema to FILE rather than to standard output\n";

std::string read_names(const std::string& path) {
  std::error_code ec;
  std::ifstream in{path};
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw usage_failure{"--names: cannot read '" + path + "' (not a file)"};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find_first_not_of(" \t\r\n") == std::string::npos) {
    throw usage_failure{"--names: '" + path + "' is empty"};
  }
  return text.str();
}

}  // namespace

int run_inspect_command(std::span<const std::string_view> args, std::ostream& out,
                        std::ostream& err, std::istream* /*in*/) {
  try {
    const parsed_args a = parse(args, {"--db", "--names", "--out"}, {});
    if (a.help) {
      out << inspect_usage;
      return exit_ok;
    }
    if (!a.positional.empty()) throw usage_failure{"unexpected argument '" + a.positional[0] + "'"};
    const std::string url = a.required("--db");
    const std::optional<std::string> out_file = a.value("--out");
    inspect_options options;
    if (const auto names = a.value("--names")) options.names_json = read_names(*names);
    check_sqlite_file(url, "nextorm inspect");
    database db;
    bind_without_creating(db, url, "nextorm inspect");
    const inspected_schema found = inspect(db, options);
    for (const std::string& note : found.notes) err << "note: " << note << '\n';
    if (out_file) {
      std::ofstream file{*out_file};
      file << found.schema_json << '\n';
      if (!file.flush())
        throw usage_error{"cli.write", "nextorm inspect: cannot write '" + *out_file + "'"};
    } else if (!(out << found.schema_json << '\n').flush()) {
      // A write that fails (a full disk, a closed pipe) is a failure, not a success.
      throw usage_error{"cli.write", "nextorm inspect: cannot write the schema to standard output"};
    }
    return exit_ok;
  } catch (const usage_failure& e) {
    err << "nextorm inspect: " << e.what() << "\nRun 'nextorm inspect --help' for usage.\n";
    return exit_usage;
  } catch (const std::exception& e) {
    err << e.what() << '\n';
    return exit_failed;
  }
}

}  // namespace nextorm::cli
