#include "cli/migrate_commands.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/registry.hpp>

#include "cli/cli.hpp"
#include "cli/command_args.hpp"
#include "cli/usage_failure.hpp"
#include "common/suggest.hpp"
#include "driver/connection.hpp"
#include "migrate/diff.hpp"
#include "migrate/migrator.hpp"
#include "migrate/render.hpp"

#include <charconv>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nextorm::cli {
namespace {

using json = nlohmann::json;

int parse_number(const std::string& text, std::string_view option, std::string_view what) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < 0) {
    throw usage_failure{std::string{option} + ": expected " + std::string{what} + ", not '" + text +
                        "'"};
  }
  return v;
}

int parse_version(const std::string& text, std::string_view option) {
  return parse_number(text, option, "a migration number");
}

const lower::dialect& dialect_named(const std::string& provider) {
  if (provider == "sqlite") return lower::sqlite_dialect();
  if (provider == "postgres" || provider == "postgresql") return lower::postgres_dialect();
  if (provider == "mariadb" || provider == "mysql") return lower::mariadb_dialect();
  static constexpr std::string_view names[] = {"sqlite", "postgres", "mariadb"};
  throw usage_failure{"--provider: unknown provider '" + provider + "'" +
                      did_you_mean(provider, names) + " (sqlite, postgres or mariadb)"};
}

std::vector<schema_change::migration> migrations_in(const std::string& dir, bool may_be_missing) {
  std::error_code ec;
  if (may_be_missing && !std::filesystem::exists(dir, ec)) return {};
  return schema_change::load_migrations(dir);
}

// A migration's name from its first operation: create_product, add_product_stock, ...
std::string name_for(const json& operations, bool first) {
  if (first) return "initial";
  const json& op = operations.front();
  std::string kind = op["op"];
  std::string out = kind;
  auto lower = [](std::string s) {
    for (char& c : s) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return s;
  };
  if (op.contains("table")) out += "_" + lower(op["table"]);
  if (op.contains("to") && op["to"].is_string()) out += "_" + lower(op["to"]);
  if (op.contains("column")) out += "_" + lower(op["column"]);
  if (operations.size() > 1) out += "_and_more";
  return out.substr(0, 60);
}

std::string describe_op(const json& op) {
  std::string out = op["op"].get<std::string>();
  for (const char* key : {"table", "from", "to", "column"}) {
    if (!op.contains(key)) continue;
    // (update_discriminator's "from" and "to" are lists.)
    out += std::string{" "} + key + "=" +
           (op[key].is_string() ? op[key].get<std::string>() : op[key].dump());
  }
  if (op.contains("columns")) out += " columns=" + op["columns"].dump();
  return out;
}

template <class F>
int guarded(std::string_view command, std::string_view usage, std::ostream& out, std::ostream& err,
            F&& run) {
  try {
    return run();
  } catch (const usage_failure& e) {
    err << "nextorm " << command << ": " << e.what() << "\nRun 'nextorm " << command
        << " --help' for usage.\n";
    return exit_usage;
  } catch (const std::exception& e) {
    err << "nextorm " << command << ": " << e.what() << '\n';
    return exit_failed;
  }
  (void)usage;
  (void)out;
}

constexpr std::string_view makemigrations_usage =
    "Usage: nextorm makemigrations --schema FILE --dir DIR [options]\n"
    "\n"
    "Writes DIR/NNNN_name.json: the operations that lead from the schema the migrations in DIR\n"
    "build to the one in FILE (a JSON schema, or what db.schema().to_json() writes), and FILE's\n"
    "schema after them. Nothing changed: says so and writes nothing. At a terminal it asks about\n"
    "what may be a rename; elsewhere a rename is declared with renamed_from.\n"
    "\n"
    "Options:\n"
    "  --schema FILE          the schema (JSON)\n"
    "  --dir DIR              the migrations directory (made if missing)\n"
    "  --name NAME            the migration's name (default: from its first operation)\n"
    "  --check                write nothing; exit 1 when a migration is missing (for CI)\n"
    "  --allow-destructive    write drops and narrowing changes, which lose data\n"
    "  --initial              the first migration of a database that has the tables already\n"
    "                         (then 'migrate --fake-initial' adopts it)\n";

constexpr std::string_view migrate_usage =
    "Usage: nextorm migrate --db URL --dir DIR [options]\n"
    "       nextorm migrate --sql --provider P --dir DIR [--to N]\n"
    "\n"
    "Applies the pending migrations of DIR in order, each rendered for the database's provider.\n"
    "\n"
    "Options:\n"
    "  --to N                 stop after migration N; below what is applied, undo the later\n"
    "                         ones (where their way back can be derived)\n"
    "  --fake                 record the pending migrations as applied without running them\n"
    "  --fake-initial         --fake for migration 1 only, when its tables exist already\n"
    "  --repair-checksum      accept applied migrations whose files were edited\n"
    "  --dry-run              print the pending migrations' statements; apply nothing\n"
    "  --check                compare the database with the last applied migration's schema\n"
    "                         and list the drift (exit 1 when there is some); apply nothing\n"
    "  --sql                  print every migration's statements for --provider, without a\n"
    "                         database\n"
    "  --provider P           sqlite, postgres or mariadb (with --sql)\n"
    "  --lock-timeout S       seconds to wait for another migrator (default 60)\n";

constexpr std::string_view showmigrations_usage =
    "Usage: nextorm showmigrations --db URL --dir DIR\n"
    "\n"
    "Lists every migration: [X] applied, [ ] pending, [!] edited since it was applied,\n"
    "[~] failed part way (MariaDB; migrate resumes it), [?] applied but its file is gone.\n";

constexpr std::string_view sqlmigrate_usage =
    "Usage: nextorm sqlmigrate N --dir DIR --provider P\n"
    "\n"
    "Prints the statements of migration N for provider P (sqlite, postgres or mariadb).\n";

std::unique_ptr<driver::connection> connect(const std::string& url) {
  return driver::open(driver::parse_url(url));
}

void print_statements(std::ostream& out, const schema_change::migration& m, const json& before,
                      const lower::dialect& d, int from = 0) {
  out << "-- " << m.name << '\n';
  const auto steps = schema_change::render(m, before, d);
  for (std::size_t i = static_cast<std::size_t>(from); i < steps.size(); ++i) {
    const auto& step = steps[i];
    if (!step.requires_empty_table.empty()) {
      out << "-- (table " << step.requires_empty_table << " must have no rows)\n";
    }
    if (!step.keeps_triggers_of.empty()) {
      out << "-- (the triggers of table " << step.keeps_triggers_of
          << " go with it: make them again after the rebuild)\n";
    }
    out << step.sql << (step.call.empty() ? ";\n" : "\n");  // (a C++ step is a comment)
  }
}

// The entities and attributes of `after` that may be renames of `before`'s (one went, another
// came, of the same kind and type), each asked about; a yes sets renamed_from in `after`.
// Returns whether any was.
bool ask_renames(const json& before, json& after, std::istream& in, std::ostream& out) {
  // (By reference: pointers into the schemas are kept. A change that loses data has a schema
  // before it, so both have their entities.)
  const auto entities = [](const json& schema) -> const json& { return schema.at("entities"); };
  const auto by_name = [&](const json& schema, const std::string& name) -> const json* {
    for (const json& e : entities(schema)) {
      if (e["name"] == name) return &e;
    }
    return nullptr;
  };
  const auto ask = [&](const std::string& question) {
    out << question << " [y/N] " << std::flush;
    std::string answer;
    std::getline(in, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
  };
  bool any = false;
  std::vector<std::string> claimed;  // old names taken by a yes
  for (json& entity : after["entities"]) {
    const std::string name = entity["name"];
    const json* old = by_name(before, entity.value("renamed_from", name));
    if (old == nullptr) {
      for (const json& gone : entities(before)) {
        const std::string old_name = gone["name"];
        if (by_name(after, old_name) != nullptr ||
            std::find(claimed.begin(), claimed.end(), old_name) != claimed.end()) {
          continue;
        }
        if (ask("Did you rename " + old_name + " to " + name + "?")) {
          entity["renamed_from"] = old_name;
          claimed.push_back(old_name);
          old = &gone;
          any = true;
          break;
        }
      }
    }
    if (old == nullptr) continue;
    const auto attr_in = [](const json& e, const std::string& attr) -> const json* {
      for (const json& a : e.at("attrs")) {
        if (a["name"] == attr) return &a;
      }
      return nullptr;
    };
    std::vector<std::string> taken;
    for (json& attr : entity["attrs"]) {
      const std::string attr_name = attr["name"];
      if (attr_in(*old, attr.value("renamed_from", attr_name)) != nullptr) continue;
      for (const json& gone : old->at("attrs")) {
        const std::string old_attr = gone["name"];
        const bool alike = gone.value("kind", "") == attr.value("kind", "") &&
                           gone.value("type", "") == attr.value("type", "");
        if (!alike || attr_in(entity, old_attr) != nullptr ||
            std::find(taken.begin(), taken.end(), old_attr) != taken.end()) {
          continue;
        }
        if (ask("Did you rename " + name + "." + old_attr + " to " + name + "." + attr_name +
                "?")) {
          attr["renamed_from"] = old_attr;
          taken.push_back(old_attr);
          any = true;
          break;
        }
      }
    }
  }
  return any;
}

}  // namespace

int run_makemigrations_command(std::span<const std::string_view> args, std::ostream& out,
                               std::ostream& err, std::istream* in) {
  return guarded("makemigrations", makemigrations_usage, out, err, [&] {
    const parsed_args a = parse(args, {"--schema", "--dir", "--name"},
                                {"--check", "--allow-destructive", "--initial"});
    if (a.help) {
      out << makemigrations_usage;
      return exit_ok;
    }
    if (!a.positional.empty()) throw usage_failure{"unexpected '" + a.positional.front() + "'"};
    const std::string dir = a.required("--dir");
    const std::string file = a.required("--schema");
    // The schema as the registry reads it, written back: the snapshot names only what was
    // declared, in a canonical form.
    registry schema;
    schema.load_json_file(file);
    schema.finalize();
    json after = json::parse(schema.to_json());
    const auto existing = migrations_in(dir, true);
    if (a.flag("--initial") && !existing.empty()) {
      throw usage_failure{"--initial: " + dir + " has migrations already"};
    }
    const json before = existing.empty() ? json::object() : existing.back().snapshot;
    schema_change::schema_changes changes = schema_change::diff_schemas(before, after);
    // At a terminal, what may be a rename is asked about: each yes is a renamed_from in the
    // snapshot, and the diff is made again.
    if (in != nullptr && !changes.destructive.empty() && !a.flag("--check") &&
        ask_renames(before, after, *in, out)) {
      changes = schema_change::diff_schemas(before, after);
    }
    if (changes.operations.empty()) {
      out << "No changes: the migrations in " << dir << " build this schema.\n";
      return exit_ok;
    }
    if (a.flag("--check")) {
      err << "nextorm makemigrations: a migration is missing (" << changes.operations.size()
          << " operation" << (changes.operations.size() == 1 ? "" : "s") << "):\n";
      for (const json& op : changes.operations) err << "  " << describe_op(op) << '\n';
      return exit_failed;
    }
    if (!changes.destructive.empty() && !a.flag("--allow-destructive")) {
      err << "nextorm makemigrations: refused, the migration would lose data:\n";
      for (const auto& what : changes.destructive) err << "  - it " << what << '\n';
      if (!changes.possible_renames.empty()) {
        err << "If one of these is a rename, say so in the schema, and the data is kept:\n";
        for (const auto& rename : changes.possible_renames) err << "  - " << rename << '\n';
        err << "(\"renamed_from\": \"old name\" on the entity or attribute in JSON; "
               "renamed_from{\"old name\"} on a C++ field)\n";
      }
      err << "Run again with --allow-destructive to write it as it is.\n";
      return exit_failed;
    }
    const int version = existing.empty() ? 1 : existing.back().version + 1;
    const std::string name =
        a.value("--name").value_or(name_for(changes.operations, existing.empty()));
    const auto path = schema_change::write_migration(dir, version, name, changes.operations, after);
    out << "Wrote " << path.string() << ":\n";
    for (const json& op : changes.operations) out << "  " << describe_op(op) << '\n';
    return exit_ok;
  });
}

int run_migrate_command(std::span<const std::string_view> args, std::ostream& out,
                        std::ostream& err, std::istream* /*in*/) {
  return guarded("migrate", migrate_usage, out, err, [&] {
    const parsed_args a =
        parse(args, {"--db", "--dir", "--to", "--provider", "--lock-timeout"},
              {"--fake", "--fake-initial", "--repair-checksum", "--dry-run", "--sql", "--check"});
    if (a.help) {
      out << migrate_usage;
      return exit_ok;
    }
    if (!a.positional.empty()) throw usage_failure{"unexpected '" + a.positional.front() + "'"};
    const auto migrations = migrations_in(a.required("--dir"), false);
    std::optional<int> to;
    if (auto t = a.value("--to")) to = parse_version(*t, "--to");
    if (a.flag("--sql")) {
      const lower::dialect& d = dialect_named(a.required("--provider"));
      for (std::size_t i = 0; i < migrations.size(); ++i) {
        if (to && migrations[i].version > *to) break;
        print_statements(out, migrations[i], i == 0 ? json::object() : migrations[i - 1].snapshot,
                         d);
      }
      return exit_ok;
    }
    const std::string url = a.required("--db");
    auto connection = connect(url);
    const lower::dialect& d = dialect_named(std::string{connection->dialect_name()});
    schema_change::migrator m{*connection, d, migrations};
    if (a.flag("--check")) {
      const auto drift = m.drift();
      int pending = 0;
      for (const auto& s : m.status())
        pending += s.status == schema_change::migration_status::pending;
      for (const auto& line : drift) out << line << '\n';
      if (pending > 0)
        out << pending << " migration" << (pending == 1 ? " is" : "s are") << " pending\n";
      if (drift.empty() && pending == 0) out << "The database matches the last migration.\n";
      return drift.empty() ? exit_ok : exit_failed;
    }
    if (a.flag("--dry-run")) {
      const auto states = m.status();
      for (std::size_t i = 0; i < migrations.size(); ++i) {
        if (to && migrations[i].version > *to) break;
        const auto& s = states[i];
        if (s.status != schema_change::migration_status::pending &&
            s.status != schema_change::migration_status::failed) {
          continue;
        }
        // (A failed migration resumes after the statements it applied.)
        print_statements(out, migrations[i], i == 0 ? json::object() : migrations[i - 1].snapshot,
                         d, s.row ? s.row->step : 0);
      }
      return exit_ok;
    }
    schema_change::migrate_options options;
    options.to = to;
    options.fake = a.flag("--fake");
    if (a.flag("--fake-initial")) {
      options.fake = true;
    }
    if (a.flag("--fake-initial") && !migrations.empty()) {
      // Only a database where nothing is applied yet is adopted.
      const auto states = m.status();
      const bool adopted = std::any_of(states.begin(), states.end(), [](const auto& s) {
        return s.status != schema_change::migration_status::pending;
      });
      if (adopted) {
        out << "No migrations to apply.\n";
        return exit_ok;
      }
      options.to = migrations.front().version;
      // Faked only where the database has its tables: else the next migration would fail.
      const auto missing = m.missing_tables(migrations.front());
      if (!missing.empty()) {
        std::string names;
        for (const auto& t : missing) names += (names.empty() ? "" : ", ") + t;
        throw schema_error("migrate.fake_initial",
                           "--fake-initial: the database lacks tables of " +
                               migrations.front().name + " (" + names +
                               "), so it cannot be recorded as applied; run migrate without "
                               "--fake-initial to create them");
      }
    }
    options.repair_checksum = a.flag("--repair-checksum");
    if (auto s = a.value("--lock-timeout")) {
      options.lock_timeout = std::chrono::seconds{parse_number(*s, "--lock-timeout", "seconds")};
    }
    const auto done = m.migrate(options);
    if (done.empty()) out << "No migrations to apply.\n";
    for (const auto& d : done) {
      out << (d.undone ? (options.fake ? "Faked undoing " : "Undid ")
                       : (options.fake ? "Faked " : "Applied "))
          << d.name << '\n';
    }
    return exit_ok;
  });
}

int run_showmigrations_command(std::span<const std::string_view> args, std::ostream& out,
                               std::ostream& err, std::istream* /*in*/) {
  return guarded("showmigrations", showmigrations_usage, out, err, [&] {
    const parsed_args a = parse(args, {"--db", "--dir"}, {});
    if (a.help) {
      out << showmigrations_usage;
      return exit_ok;
    }
    if (!a.positional.empty()) throw usage_failure{"unexpected '" + a.positional.front() + "'"};
    const auto migrations = migrations_in(a.required("--dir"), false);
    auto connection = connect(a.required("--db"));
    const lower::dialect& d = dialect_named(std::string{connection->dialect_name()});
    schema_change::migrator m{*connection, d, migrations};
    for (const auto& s : m.status()) {
      switch (s.status) {
        case schema_change::migration_status::applied:
          out << "[X] " << s.name << "  applied " << s.row->applied_at << '\n';
          break;
        case schema_change::migration_status::pending: out << "[ ] " << s.name << '\n'; break;
        case schema_change::migration_status::edited:
          out << "[!] " << s.name << "  applied " << s.row->applied_at
              << ", edited since (checksum " << s.row->checksum << " then)\n";
          break;
        case schema_change::migration_status::failed:
          out << "[~] " << s.name << "  failed after " << s.row->step
              << " statements; migrate resumes it\n";
          break;
        case schema_change::migration_status::missing:
          out << "[?] " << s.name << "  applied " << s.row->applied_at << ", its file is gone\n";
          break;
      }
    }
    return exit_ok;
  });
}

int run_sqlmigrate_command(std::span<const std::string_view> args, std::ostream& out,
                           std::ostream& err, std::istream* /*in*/) {
  return guarded("sqlmigrate", sqlmigrate_usage, out, err, [&] {
    const parsed_args a = parse(args, {"--dir", "--provider"}, {});
    if (a.help) {
      out << sqlmigrate_usage;
      return exit_ok;
    }
    if (a.positional.size() != 1) throw usage_failure{"expected one migration number"};
    const int version = parse_version(a.positional.front(), "N");
    const auto migrations = migrations_in(a.required("--dir"), false);
    const lower::dialect& d = dialect_named(a.required("--provider"));
    for (std::size_t i = 0; i < migrations.size(); ++i) {
      if (migrations[i].version != version) continue;
      print_statements(out, migrations[i], i == 0 ? json::object() : migrations[i - 1].snapshot, d);
      return exit_ok;
    }
    throw usage_failure{"there is no migration " + std::to_string(version) + " in " +
                        a.required("--dir")};
  });
}

}  // namespace nextorm::cli
