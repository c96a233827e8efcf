// The golden files: blocks of a query (and its method chain) with the expected SQL per dialect,
// parameter slots or error id. Shared by the golden test (SQL text) and the server test (the
// SQL runs on real databases).
#pragma once

#include "compile/compiler.hpp"

#include <catch2/catch.hpp>

#include <nextorm/errors.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace golden {

using namespace nextorm;
namespace fs = std::filesystem;
using namespace nextorm;

inline fs::path golden_dir() {
  const char* root = std::getenv("NEXTORM_SOURCE_ROOT");
  return fs::path{root != nullptr ? root : "."} / "tests" / "golden";
}

inline std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

// Splits "a, [b, c], d" at the commas outside brackets.
inline std::vector<std::string> split_top(const std::string& s) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string current;
  for (char c : s) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!trim(current).empty()) parts.push_back(trim(current));
  return parts;
}

// A sample value of the named type: int, float, str, bool, None, decimal, date, datetime, uuid, an
// entity name, or [type, type, ...] for a sequence.
inline param_value sample(const std::string& type, const registry& reg) {
  if (!type.empty() && type.front() == '[') {
    std::vector<param_value> items;
    for (const auto& t : split_top(type.substr(1, type.size() - 2)))
      items.push_back(sample(t, reg));
    return param_value{std::move(items)};
  }
  if (type == "int") return param_value{1};
  if (type == "float") return param_value{1.5};
  if (type == "str") return param_value{"s"};
  if (type == "bool") return param_value{true};
  if (type == "None") return param_value{value{}};
  if (type == "decimal") return param_value{value::typed(value_type::decimal, "1.50")};
  if (type == "date") return param_value{value::typed(value_type::date, "2024-01-01")};
  if (type == "datetime") {
    return param_value{value::typed(value_type::datetime, "2024-01-01 10:00:00")};
  }
  if (type == "timedelta") return param_value{value::interval(3'600'000'000)};
  if (type == "uuid") {
    return param_value{value::typed(value_type::uuid, "123e4567-e89b-12d3-a456-426614174000")};
  }
  const entity_info* e = reg.find(type);
  if (e == nullptr) FAIL("unknown parameter type " << type);
  return param_value{entity_ref{e, e->pk().type == value_type::text ? value{"k"} : value{1}}};
}

// The parameter of a named slot; `q.x` is the parameter x of the query passed as q.
inline const param_value& param_of(const params& args, const std::string& name) {
  if (auto found = args.find(name); found != args.end()) return found->second;
  const std::size_t dot = name.find('.');
  return param_of(args.at(name.substr(0, dot)).query().args, name.substr(dot + 1));
}

inline std::string slot_text(const lower::param_slot& s) {
  switch (s.from) {
    case lower::param_slot::source::named:
      return s.element ? s.name + "[" + std::to_string(*s.element) + "]" : s.name;
    case lower::param_slot::source::constant: return s.constant.repr();
    case lower::param_slot::source::limit: return "limit";
    case lower::param_slot::source::offset: return "offset";
  }
  return "?";
}

inline std::string slots_text(const lower::plan& p) {
  std::string out;
  for (const auto& s : p.params) {
    if (!out.empty()) out += ", ";
    out += slot_text(s);
  }
  return out;
}

inline const char* terminal_names[] = {"fetch",  "count", "sum", "avg",    "min",         "max",
                                       "exists", "first", "get", "remove", "group_concat"};

struct block {
  std::size_t line = 0;
  ir::query_spec spec;
  params args;
  std::vector<std::string> input;               // the lines that describe the query, kept on update
  std::map<std::string, std::string> expected;  // sqlite/postgres/mariadb/slots/error
};

inline const std::vector<std::string> dialects{"sqlite", "postgres", "mariadb"};

inline bool is_expectation(const std::string& key) {
  return key == "sqlite" || key == "postgres" || key == "mariadb" || key == "slots" ||
         key == "error";
}

inline std::vector<block> read_blocks(const fs::path& file, const registry& reg) {
  std::ifstream in{file};
  std::vector<block> blocks;
  std::string line;
  std::size_t number = 0;
  block current;
  auto flush = [&] {
    if (!current.input.empty()) blocks.push_back(std::move(current));
    current = block{};
  };
  while (std::getline(in, line)) {
    ++number;
    if (trim(line).empty()) {
      flush();
      continue;
    }
    if (line.front() == '#') {
      current.input.push_back(line);  // kept on update
      continue;
    }
    std::size_t colon = line.find(':');
    std::string key = trim(line.substr(0, colon));
    std::string rest = colon == std::string::npos ? "" : trim(line.substr(colon + 1));
    if (is_expectation(key)) {
      current.expected[key] = rest;
      continue;
    }
    if (current.line == 0) current.line = number;
    current.input.push_back(line);
    auto& spec = current.spec;
    if (key == "query") {
      spec.text = rest;
    } else if (key == "entity") {
      spec.entity = rest;
    } else if (key == "text") {
      spec.text = rest;
    } else if (key == "filter") {
      spec.modifiers.push_back({ir::modifier_kind::filter, rest});
    } else if (key == "where") {
      spec.modifiers.push_back({ir::modifier_kind::where, rest});
    } else if (key == "order_by") {
      spec.modifiers.push_back({ir::modifier_kind::order_by, rest});
    } else if (key == "distinct") {
      spec.modifiers.push_back({ir::modifier_kind::distinct, ""});
    } else if (key == "without_distinct") {
      spec.modifiers.push_back({ir::modifier_kind::without_distinct, ""});
    } else if (key == "for_update") {
      spec.modifiers.push_back({ir::modifier_kind::for_update, rest});
    } else if (key == "separator") {
      spec.modifiers.push_back({ir::modifier_kind::separator, rest});
    } else if (key == "limit") {
      spec.has_limit = true;
    } else if (key == "offset") {
      spec.has_offset = true;
    } else if (key == "distinct_aggregate") {
      spec.distinct_aggregate = true;
    } else if (key == "terminal") {
      bool found = false;
      for (std::size_t i = 0; i < std::size(terminal_names); ++i) {
        if (rest == terminal_names[i]) {
          spec.terminal = static_cast<ir::terminal>(i);
          found = true;
        }
      }
      if (!found) FAIL(file.string() << ":" << number << ": unknown terminal " << rest);
    } else if (key == "source" || key == "source_params" || key == "source_filter" ||
               key == "source_where" || key == "source_order_by") {
      // source: q: <generator> passes a query as parameter q; source_params: q: a: int, ...
      // gives it parameters; source_filter: q: <text> / source_order_by: q: <text> adds a
      // filter() / an order_by() to it, source_where: q: <text> a where().
      std::size_t c = rest.find(':');
      const std::string name = trim(rest.substr(0, c));
      const std::string text = trim(rest.substr(c + 1));
      auto& slot = current.args[name];
      auto q = slot.is_query() ? std::make_shared<nested_query>(slot.query())
                               : std::make_shared<nested_query>();
      if (key == "source") q->text = text;
      if (key == "source_filter") q->modifiers.emplace_back(0, text);
      if (key == "source_where") q->modifiers.emplace_back(1, text);
      if (key == "source_order_by") q->modifiers.emplace_back(2, text);
      if (key == "source_params") {
        for (const auto& p : split_top(text)) {
          std::size_t c2 = p.find(':');
          q->args[trim(p.substr(0, c2))] = sample(trim(p.substr(c2 + 1)), reg);
        }
      }
      slot = param_value{std::shared_ptr<const nested_query>{std::move(q)}};
    } else if (key == "params") {
      for (const auto& p : split_top(rest)) {
        std::size_t c = p.find(':');
        current.args[trim(p.substr(0, c))] = sample(trim(p.substr(c + 1)), reg);
      }
    } else {
      FAIL(file.string() << ":" << number << ": unknown line " << line);
    }
  }
  flush();
  return blocks;
}

struct outcome {
  std::map<std::string, std::string> actual;
};

// The golden schema, finalized with the provider's names (PonyORM lower-cases them on
// PostgreSQL and MariaDB): "sqlite", "postgres" or "mariadb".
inline const registry& golden_registry(const std::string& provider = "sqlite") {
  static std::map<std::string, std::unique_ptr<registry>> registries;  // for the program
  std::unique_ptr<registry>& reg = registries[provider];
  if (reg == nullptr) {
    std::ifstream in{golden_dir() / "schema.json"};
    std::stringstream text;
    text << in.rdbuf();
    reg = std::make_unique<registry>();
    reg->load_json_text(text.str());
    reg->finalize(pony_naming{provider});
  }
  return *reg;
}

// An argument of read_blocks' registry, pointing into `reg` instead.
inline param_value in_registry(const param_value& p, const registry& reg) {
  if (p.is_entity()) return entity_ref{&reg.get(p.entity().entity->name), p.entity().key};
  if (!p.is_sequence()) return p;
  std::vector<param_value> items;
  for (const auto& item : p.sequence()) items.push_back(in_registry(item, reg));
  return items;
}

// Compiles the block for each dialect against the golden schema with that provider's names.
inline outcome run(const block& b) {
  outcome o;
  for (const auto& name : dialects) {
    const registry& reg = golden_registry(name);
    params args;
    for (const auto& [key, p] : b.args) args[key] = in_registry(p, reg);
    try {
      auto plan = compile::compile_query(b.spec, reg, *lower::find_dialect(name), args);
      o.actual[name] = plan->sql;
      o.actual["slots"] = slots_text(*plan);
    } catch (const error& e) {
      o.actual["error"] = e.id();
      o.actual.erase(name);
    }
  }
  return o;
}

// The golden files, sorted.
inline std::vector<fs::path> golden_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator{golden_dir()}) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace golden
