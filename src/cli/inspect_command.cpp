#include "cli/inspect_command.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/inspect.hpp>

#include "cli/cli.hpp"
#include "cli/open_database.hpp"
#include "cli/usage_failure.hpp"
#include "common/suggest.hpp"

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

struct inspect_args {
  std::string db;
  std::optional<std::string> names;
  std::optional<std::string> out;
  bool help = false;
};

inspect_args parse_inspect_args(std::span<const std::string_view> args) {
  inspect_args o;
  static constexpr std::string_view known[] = {"--db", "--names", "--out", "--help"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      return o;
    }
    const auto equals = arg.find('=');
    const std::string name{arg.substr(0, equals)};
    std::optional<std::string> v;
    if (name == "--db" || name == "--names" || name == "--out") {
      if (equals != std::string_view::npos) {
        v = std::string{arg.substr(equals + 1)};
      } else if (i + 1 < args.size()) {
        v = std::string{args[++i]};
      } else {
        throw usage_failure{name + " needs a value"};
      }
    } else {
      throw usage_failure{"unknown option '" + std::string{arg} + "'" + did_you_mean(name, known)};
    }
    if (name == "--db") o.db = *v;
    if (name == "--names") o.names = *v;
    if (name == "--out") o.out = *v;
  }
  if (o.db.empty()) throw usage_failure{"missing --db"};
  return o;
}

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
    const inspect_args o = parse_inspect_args(args);
    if (o.help) {
      out << inspect_usage;
      return exit_ok;
    }
    inspect_options options;
    if (o.names) options.names_json = read_names(*o.names);
    check_sqlite_file(o.db, "nextorm inspect");
    database db;
    bind_without_creating(db, o.db, "nextorm inspect");
    const inspected_schema found = inspect(db, options);
    for (const std::string& note : found.notes) err << "note: " << note << '\n';
    if (o.out) {
      std::ofstream file{*o.out};
      file << found.schema_json << '\n';
      if (!file.flush())
        throw usage_error{"cli.write", "nextorm inspect: cannot write '" + *o.out + "'"};
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
