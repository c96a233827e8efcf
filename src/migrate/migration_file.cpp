#include "migrate/migration_file.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/registry.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <sstream>

namespace nextorm::schema_change {
namespace {

bool is_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& why) {
  throw schema_error("migrate.file", "migration file " + path.string() + ": " + why);
}

migration read_migration(const std::filesystem::path& path) {
  migration m;
  m.path = path;
  m.name = path.stem().string();
  // NNNN_name: the version is the digits before the first underscore.
  const auto underscore = m.name.find('_');
  const std::string digits = m.name.substr(0, underscore);
  if (underscore == std::string::npos || digits.empty() || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }) ||
      !is_name(m.name.substr(underscore + 1))) {
    refuse(path,
           "its name is not NNNN_name.json (a version number, then a name of letters, "
           "digits and underscores)");
  }
  m.version = std::stoi(digits);
  if (m.version == 0) refuse(path, "versions start at 1");
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json content;
  try {
    content = nlohmann::json::parse(text.str(), nullptr, true, true);
  } catch (const nlohmann::json::parse_error& e) {
    refuse(path, std::string{"it is not JSON: "} + e.what());
  }
  if (!content.is_object() || !content.contains("nextorm_migration") ||
      content["nextorm_migration"] != 1) {
    refuse(path, "it is no NextORM migration (\"nextorm_migration\": 1 is missing)");
  }
  if (!content.contains("operations") || !content["operations"].is_array()) {
    refuse(path, "\"operations\" must be an array");
  }
  if (!content.contains("snapshot") || !content["snapshot"].is_object()) {
    refuse(path, "\"snapshot\" must be an object (the schema after the migration)");
  }
  for (const auto& op : content["operations"]) {
    if (!op.is_object() || !op.contains("op") || !op["op"].is_string()) {
      refuse(path, "every operation must be an object with an \"op\"");
    }
    // A C++ step: {"op": "call", "name": "fill_prices", "reverse": "unfill_prices"}.
    const bool call = op["op"] == "call";
    if (call) {
      // Its names are printed into scripts (a comment): no control character may end the line.
      for (const char* field : {"name", "reverse"}) {
        const bool needed = field == std::string_view{"name"};
        if (!op.contains(field) && !needed) continue;
        const std::string text =
            op.contains(field) && op[field].is_string() ? op[field].get<std::string>() : "";
        const bool fine = !text.empty() && std::none_of(text.begin(), text.end(), [](char c) {
          return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
        });
        if (!fine) {
          refuse(path, "operation " + op.dump() + ": a C++ step needs a \"" + field +
                           "\" that is a name (not empty, no control character)");
        }
      }
      for (const auto& [field, v] : op.items()) {
        if (field != "op" && field != "name" && field != "reverse") {
          refuse(path, "operation " + op.dump() +
                           ": a C++ step has \"name\" and \"reverse\", not \"" + field + "\"");
        }
      }
    }
    for (const auto& [field, v] : op.items()) {
      const bool names =
          field == "columns" ||
          (op["op"] == "update_discriminator" && (field == "from" || field == "to")) ||
          (op["op"] == "delete_class" && field == "values");
      const bool reverse = field == "reverse" && !call;
      const auto strings = [](const nlohmann::json& all) {
        return std::all_of(all.begin(), all.end(), [](const auto& c) { return c.is_string(); });
      };
      const bool fine = names     ? v.is_array() && strings(v)
                        : reverse ? v.is_object() && strings(v)
                                  : v.is_string();
      if (!fine) {
        refuse(path,
               "operation " + op.dump() + ": \"" + field + "\" must be " +
                   (names     ? (field == "columns" ? "a list of column names" : "a list of values")
                    : reverse ? "an object of SQL per provider"
                              : "a string"));
      }
    }
  }
  // The snapshot must be a schema that loads (a hand edit may break it).
  try {
    registry check;
    if (content["snapshot"].contains("entities")) check.load_json_text(content["snapshot"].dump());
    check.finalize();
  } catch (const error& e) {
    refuse(path, std::string{"its snapshot is not a schema that loads: "} + e.what());
  }
  m.operations = std::move(content["operations"]);
  m.snapshot = std::move(content["snapshot"]);
  m.checksum = checksum_of(m.operations, m.snapshot);
  return m;
}

}  // namespace

std::string checksum_of(const nlohmann::json& operations, const nlohmann::json& snapshot) {
  // (nlohmann::json keeps an object's keys sorted: dump() is canonical.)
  const std::string text = operations.dump() + '\n' + snapshot.dump();
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<std::size_t>(i)] = hex[hash & 0xF];
  return out;
}

std::vector<migration> load_migrations(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw usage_error("migrate.dir", "there is no migrations directory '" + dir.string() + "'");
  }
  std::vector<migration> out;
  for (const auto& entry : std::filesystem::directory_iterator{dir}) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    out.push_back(read_migration(entry.path()));
  }
  std::sort(out.begin(), out.end(),
            [](const migration& a, const migration& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      refuse(out[i].path, "version " + std::to_string(out[i].version) + " is also " +
                              out[i - 1].path.filename().string() +
                              "'s (two branches each added one: renumber one of them)");
    }
  }
  return out;
}

std::filesystem::path write_migration(const std::filesystem::path& dir, int version,
                                      const std::string& name, const nlohmann::json& operations,
                                      const nlohmann::json& snapshot) {
  if (!is_name(name)) {
    throw usage_error("migrate.name",
                      "a migration's name is letters, digits and underscores, not '" + name + "'");
  }
  std::filesystem::create_directories(dir);
  std::string number = std::to_string(version);
  if (number.size() < 4) number.insert(0, 4 - number.size(), '0');
  const std::filesystem::path path = dir / (number + "_" + name + ".json");
  nlohmann::ordered_json content;
  content["nextorm_migration"] = 1;
  content["operations"] = operations;
  content["snapshot"] = snapshot;
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out << content.dump(2) << '\n';
  if (!out) throw usage_error("migrate.write", "cannot write " + path.string());
  return path;
}

}  // namespace nextorm::schema_change
