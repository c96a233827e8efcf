// The differential test against PonyORM 0.7.16: a query string that PonyORM accepts must give
// the same rows in NextORM, and one that PonyORM rejects must be rejected too.
//
// It runs once per provider (NEXTORM_PROVIDER, as the other provider tests): pony_run.py builds
// a fresh database of the provider with PonyORM (schema.py: a SQLite file, or a database on the
// PostgreSQL or MariaDB server), runs queries.txt and writes PonyORM's rows in a canonical text
// form. This test opens the same database through schema.json, runs the same lines, writes its
// rows in the same form and compares. Both run on the same server, so what the server decides
// (collation, comparison rules) is the same on both sides.
//
// known_failures.txt lists the lines that differ on SQLite, each with a category and a reason;
// known_failures_<provider>.txt adds the lines that differ only on that server. A listed line
// that differs is counted, an unlisted one fails the test, and a listed one that now agrees is
// reported so that the list shrinks (a line of known_failures.txt only on SQLite: many of them
// are SQLite's own).
//
// NEXTORM_DIFFERENTIAL_WRITE_KNOWN=FILE writes every differing line to FILE in the
// known_failures.txt format (reason: NextORM's error or "rows differ"), to start a new list.
//
// A suite is a directory with schema.py, schema.json, queries.txt and its known_failures files:
// tests/differential itself (the university), or the subdirectory NEXTORM_DIFFERENTIAL_SUITE
// names (estore: PonyORM's e-store). NEXTORM_DIFFERENTIAL_MIN_QUERIES is the fewest queries the
// suite must hold (300 by default).
#include <nextorm/async.hpp>
#include <nextorm/database.hpp>
#include <nextorm/errors.hpp>
#include <nextorm/event_loop.hpp>
#include <nextorm/inspect.hpp>
#include <nextorm/params.hpp>
#include <nextorm/query.hpp>
#include <nextorm/session.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "canonical_cell.hpp"
#include "registry_shape.hpp"
#include "test_databases.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using differential::canonical;
using nextorm::value;
using nextorm::value_type;

using canonical_row = std::vector<std::string>;

}  // namespace

// A child leaves with _exit, which skips the coverage runtime's exit handler: in a build with
// coverage (clang's profile runtime in the quality gates' build, gcov's with --coverage) the
// child writes its counters itself, or the lines it runs would count for nothing. Weak: in any
// other build the runtime is absent and the pointer is null.
extern "C" int __llvm_profile_write_file() __attribute__((weak));
extern "C" void __gcov_dump() __attribute__((weak));

namespace {

// What one side made of one line: rows, or the error that stopped it.
struct outcome {
  bool rejected = false;
  std::string error;  // Pony's exception class, or NextORM's error text
  std::vector<canonical_row> rows;
};

std::string read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// --- one line of queries.txt: 'QUERY ;; key: value ;; ...' (see pony_run.py) ---

struct step {
  std::string key;
  std::string text;
};

struct query_line {
  std::string query;
  std::vector<step> steps;
  [[nodiscard]] bool ordered() const {
    return std::any_of(steps.begin(), steps.end(),
                       [](const step& s) { return s.key == "order_by" && s.text != "None"; });
  }
};

query_line parse_line(const std::string& text) {
  query_line out;
  std::size_t start = 0;
  bool first = true;
  while (true) {
    const std::size_t end = text.find(" ;; ", start);
    const std::string part = text.substr(start, end == std::string::npos ? end : end - start);
    if (first) {
      out.query = trim(part);
      first = false;
    } else {
      const std::size_t colon = part.find(':');
      out.steps.push_back({trim(part.substr(0, colon)),
                           colon == std::string::npos ? "" : trim(part.substr(colon + 1))});
    }
    if (end == std::string::npos) break;
    start = end + 4;
  }
  return out;
}

std::string unhex(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
  }
  return out;
}

bool is_query_param(const json& v) { return v.is_object() && v.contains("query"); }

using row_query = nextorm::query<nextorm::row>;

// A step that gives a query (filter, where, order_by, distinct, without_distinct); false for
// any other step.
bool modify(row_query& q, const step& s, const nextorm::params& args) {
  if (s.key == "filter") {
    q = q.filter(s.text, args);
  } else if (s.key == "where") {
    q = q.where(s.text, args);
  } else if (s.key == "order_by") {
    q = q.order_by(s.text);
  } else if (s.key == "distinct") {
    q = q.distinct();
  } else if (s.key == "without_distinct") {
    q = q.without_distinct();
  } else {
    return false;
  }
  return true;
}

// {"query": TEXT, "steps": ["filter: TEXT", ...]}: the query, with the line's other
// parameters, passed as a parameter (a nested_query).
nextorm::param_value decode_query_param(const json& v, const nextorm::params& args) {
  row_query q = nextorm::select<nextorm::row>(v.at("query").get<std::string>(), args);
  for (const auto& text : v.value("steps", json::array())) {
    const std::string part = text.get<std::string>();
    const std::size_t colon = part.find(':');
    const step s{trim(part.substr(0, colon)),
                 colon == std::string::npos ? "" : trim(part.substr(colon + 1))};
    if (!modify(q, s, args)) throw std::invalid_argument("unknown step '" + s.key + "'");
  }
  return q;
}

nextorm::param_value decode_param(const json& v, nextorm::database& db) {
  if (v.is_array()) {
    std::vector<nextorm::param_value> items;
    for (const auto& item : v) items.push_back(decode_param(item, db));
    return nextorm::param_value{std::move(items)};
  }
  if (v.is_object()) {
    if (v.contains("entity")) {
      // A composite key is a list; a key of keys has the referred key as a list in it.
      const std::function<value(const json&)> key_of = [&](const json& k) {
        if (k.is_string()) return value{k.get<std::string>()};
        if (!k.is_array()) return value{k.get<std::int64_t>()};
        std::vector<value> parts;
        for (const json& part : k) parts.push_back(key_of(part));
        return value::tuple(std::move(parts));
      };
      return nextorm::entity_ref{&db.schema().get(v.at("entity").get<std::string>()),
                                 key_of(v.at("key"))};
    }
    static const std::map<std::string, value_type> kinds = {
        {"date", value_type::date}, {"datetime", value_type::datetime},
        {"time", value_type::time}, {"decimal", value_type::decimal},
        {"uuid", value_type::uuid}, {"bytes", value_type::bytes},
        {"json", value_type::json}};
    const auto it = v.begin();
    if (it.key() == "timedelta") {
      return value::interval(nextorm::timedelta_from_text(it.value().get<std::string>()).count());
    }
    const value_type type = kinds.at(it.key());
    const std::string s = it.value().get<std::string>();
    return value::typed(type, type == value_type::bytes ? unhex(s) : s);
  }
  if (v.is_boolean()) return value{v.get<bool>()};
  if (v.is_number_integer()) return value{v.get<std::int64_t>()};
  if (v.is_number_float()) return value{v.get<double>()};
  if (v.is_string()) return value{v.get<std::string>()};
  return value{};
}

std::vector<canonical_row> canonical_rows(const nextorm::result<nextorm::row>& r) {
  std::vector<canonical_row> rows;
  for (const nextorm::row& item : r) {
    canonical_row out;
    for (const value& v : item) out.push_back(canonical(v));
    rows.push_back(std::move(out));
  }
  return rows;
}

std::pair<std::int64_t, std::int64_t> two_numbers(const std::string& text, std::int64_t second) {
  const std::size_t comma = text.find(',');
  const std::int64_t first = std::stoll(text.substr(0, comma));
  if (comma != std::string::npos) second = std::stoll(text.substr(comma + 1));
  return {first, second};
}

// Runs one line in NextORM; the caller holds the session.
std::vector<canonical_row> run_ours(const query_line& line, nextorm::database& db) {
  nextorm::params args;
  for (const step& s : line.steps) {
    if (s.key != "params") continue;
    const json given = json::parse(s.text);
    for (const auto& [name, v] : given.items()) {
      if (!is_query_param(v)) args[name] = decode_param(v, db);
    }
    // Queries last: their texts may use the line's other parameters.
    const nextorm::params scalars = args;
    for (const auto& [name, v] : given.items()) {
      if (is_query_param(v)) args[name] = decode_query_param(v, scalars);
    }
  }
  // A text `left_join(GENERATOR)` is nextorm::left_join(GENERATOR): select() takes it as it is.
  row_query q = nextorm::select<nextorm::row>(line.query, args);
  auto single = [](const value& v) { return std::vector<canonical_row>{{canonical(v)}}; };
  for (const step& s : line.steps) {
    if (s.key == "params" || modify(q, s, args)) continue;
    if (s.key == "limit") {
      const auto [n, offset] = two_numbers(s.text, 0);
      return canonical_rows(q.limit(n, offset));
    } else if (s.key == "page") {
      const auto [n, size] = two_numbers(s.text, 10);
      return canonical_rows(q.page(n, size));
    } else if (s.key == "count" || s.key == "count_distinct") {
      return single(value{q.count(s.key == "count_distinct")});
    } else if (s.key == "sum") {
      return single(q.sum());
    } else if (s.key == "avg") {
      return single(q.avg());
    } else if (s.key == "min") {
      return single(q.min());
    } else if (s.key == "max") {
      return single(q.max());
    } else if (s.key == "exists") {
      return single(value{q.exists()});
    } else if (s.key == "first") {
      std::vector<canonical_row> rows;
      if (auto r = q.first()) {
        canonical_row out;
        for (const value& v : *r) out.push_back(canonical(v));
        rows.push_back(std::move(out));
      }
      return rows;
    } else {
      throw std::invalid_argument("unknown step '" + s.key + "'");
    }
  }
  return canonical_rows(q.fetch());
}

outcome ours_here(const query_line& line, nextorm::database& db) {
  outcome out;
  try {
    if (std::getenv("NEXTORM_DIFFERENTIAL_ASYNC") != nullptr) {
      // Through the async API: an async session, the line run as an awaited call (on a fiber
      // of the loop for a server, a worker thread for SQLite).
      auto line_task = [&]() -> nextorm::task<std::vector<canonical_row>> {
        co_return co_await nextorm::async_session(
            db, [&]() -> nextorm::task<std::vector<canonical_row>> {
              co_return co_await nextorm::async_call([&] { return run_ours(line, db); });
            });
      };
      out.rows = nextorm::run(line_task());
      return out;
    }
    nextorm::db_session session{db};
    out.rows = run_ours(line, db);
  } catch (const nextorm::query_error& e) {
    out.rejected = true;
    out.error = std::string{"query_error "} + e.what();
  } catch (const std::exception& e) {
    // Anything else (a database error, a usage error) is not a rejection PonyORM would make.
    out.error = e.what();
  }
  return out;
}

// Where NextORM finds the database: the child of each query opens it anew.
struct target {
  std::string schema_json;
  std::string url;
};

// Runs one line in a child process, so that a crash in the compiler costs one line, not the
// whole run (the query compiler is young; a crash is reported like any other difference).
outcome ours(const query_line& line, const target& where) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::cout.flush();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    // Catch2's handlers would report the child's crash as the test's own failure.
    for (int sig : {SIGSEGV, SIGABRT, SIGFPE, SIGBUS, SIGILL}) std::signal(sig, SIG_DFL);
    outcome o;
    try {
      nextorm::database db;
      db.schema().load_json_text(where.schema_json);
      db.bind(where.url);
      db.generate_mapping();
      o = ours_here(line, db);
    } catch (const std::exception& e) {
      o.error = std::string{"setup: "} + e.what();
    }
    const std::string text =
        json{{"rejected", o.rejected}, {"error", o.error}, {"rows", o.rows}}.dump(
            -1, ' ', false, json::error_handler_t::replace);
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fds[1], text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    if (__llvm_profile_write_file != nullptr) __llvm_profile_write_file();
    if (__gcov_dump != nullptr) __gcov_dump();
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buffer[65536];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  outcome out;
  if (WIFSIGNALED(status) || text.empty()) {
    out.error = "NextORM crashed (" +
                (WIFSIGNALED(status) ? std::string{::strsignal(WTERMSIG(status))} : "no output") +
                ")";
    return out;
  }
  const json o = json::parse(text);
  out.rejected = o.at("rejected").get<bool>();
  out.error = o.at("error").get<std::string>();
  out.rows = o.at("rows").get<std::vector<canonical_row>>();
  return out;
}

outcome pony(const json& result) {
  outcome out;
  if (result.contains("error")) {
    out.rejected = true;
    out.error = result.at("error").get<std::string>() + ": " + result.value("message", "");
    return out;
  }
  for (const auto& r : result.at("rows")) out.rows.push_back(r.get<canonical_row>());
  return out;
}

bool same(outcome a, outcome b, bool ordered) {
  if (a.rejected || b.rejected) return a.rejected && b.rejected;
  if (!a.error.empty() || !b.error.empty()) return false;
  if (!ordered) {
    std::sort(a.rows.begin(), a.rows.end());
    std::sort(b.rows.begin(), b.rows.end());
  }
  return a.rows == b.rows;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string show(const outcome& o) {
  if (!o.error.empty()) return (o.rejected ? "rejected: " : "error: ") + first_line(o.error);
  std::string out = std::to_string(o.rows.size()) + " rows [";
  for (std::size_t i = 0; i < o.rows.size() && out.size() < 300; ++i) {
    out += i == 0 ? "(" : ", (";
    for (std::size_t j = 0; j < o.rows[i].size(); ++j) out += (j == 0 ? "" : ", ") + o.rows[i][j];
    out += ")";
  }
  if (out.size() >= 300) return out.substr(0, 300) + " ...";
  return out + "]";
}

// known_failures.txt: 'CATEGORY | REASON | EXACT QUERY LINE'; '#' starts a comment line.
struct known_failure {
  std::string category;  // gap/<area>, deviation or dialect/<area>
  std::string reason;
  std::string file;  // known_failures.txt or known_failures_<provider>.txt
  int file_line = 0;
  bool seen = false;
};

// Adds the lines of `path` to `known`; a line of the provider's file replaces the common one.
void read_known(const fs::path& path, std::map<std::string, known_failure>& known) {
  int number = 0;
  for (const std::string& line : split_lines(read_file(path))) {
    ++number;
    if (trim(line).empty() || trim(line).starts_with("#")) continue;
    const std::size_t a = line.find(" | ");
    const std::size_t b = a == std::string::npos ? a : line.find(" | ", a + 3);
    if (b == std::string::npos) {
      FAIL(path.string() << ":" << number << ": expected 'CATEGORY | REASON | QUERY'");
    }
    known[line.substr(b + 3)] = {trim(line.substr(0, a)), trim(line.substr(a + 3, b - a - 3)),
                                 path.filename().string(), number};
  }
}

[[noreturn]] void skip(const std::string& why) {
  std::cout << "NEXTORM-SKIP: differential: " << why << std::endl;
  std::exit(77);  // meson's "skipped"
}

}  // namespace

TEST_CASE("queries PonyORM answers give the same rows in NextORM, and rejected ones are rejected") {
  const char* root_env = std::getenv("NEXTORM_SOURCE_ROOT");
  REQUIRE(root_env != nullptr);
  const fs::path harness = fs::path{root_env} / "tests" / "differential";
  const char* suite_env = std::getenv("NEXTORM_DIFFERENTIAL_SUITE");
  const std::string suite = suite_env != nullptr ? suite_env : "";
  const fs::path here = suite.empty() ? harness : harness / suite;
  // The suite's files in messages: "queries.txt" for the first suite, "estore/queries.txt".
  const std::string in_suite = suite.empty() ? "" : suite + "/";
  const std::string name = suite.empty() ? "differential" : "differential_" + suite;
  const char* min_env = std::getenv("NEXTORM_DIFFERENTIAL_MIN_QUERIES");
  const std::size_t min_queries = min_env != nullptr ? std::stoul(min_env) : 300;
  const std::string provider = nextorm::testing::current_provider();
  const char* python = "/usr/bin/python3";
  if (!fs::exists(python)) skip(std::string{python} + " is missing");

  const fs::path dir =
      fs::temp_directory_path() / ("nextorm_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string url = nextorm::testing::fresh_database_url(name);
  // PonyORM takes the SQLite file's path, or the server URL as NextORM does.
  const std::string pony_database = url.starts_with("sqlite:") ? url.substr(7) : url;
  const fs::path pony_out = dir / "pony.json";
  const fs::path log = dir / "pony.log";
  const std::string suite_option = suite.empty() ? "" : "--suite '" + here.string() + "' ";
  const std::string command = std::string{python} + " '" + (harness / "pony_run.py").string() +
                              "' " + suite_option + "'" + pony_database + "' '" +
                              (here / "queries.txt").string() + "' '" + pony_out.string() +
                              "' > '" + log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    const std::string why = read_file(log);
    fs::remove_all(dir);
    skip(std::string{"PonyORM (python3-pony) or the "} + provider +
         " driver is not importable by " + python + ": " + first_line(why));
  }
  INFO("pony_run.py failed:\n" << read_file(log));
  REQUIRE(status == 0);

  // NEXTORM_DIFFERENTIAL_INSPECT=FILE: the schema is `nextorm inspect`'s of PonyORM's database,
  // with the names file FILE of the suite; it must describe what schema.json declares.
  const char* inspect_env = std::getenv("NEXTORM_DIFFERENTIAL_INSPECT");
  std::string schema_json = read_file(here / "schema.json");
  if (inspect_env != nullptr) {
    nextorm::database db{url};
    const auto found = nextorm::inspect(db, {.names_json = read_file(here / inspect_env)});
    nextorm::registry declared;
    declared.load_json_text(schema_json);
    declared.finalize(nextorm::pony_naming{provider});
    nextorm::registry inspected;
    inspected.load_json_text(found.schema_json);
    inspected.finalize(nextorm::pony_naming{provider});
    std::string notes;
    for (const auto& n : found.notes) notes += "\n  " + n;
    INFO("inspected schema:\n" << found.schema_json << "\nnotes:" << notes);
    const auto ours = nextorm::testing::shape_of(inspected);
    const auto theirs = nextorm::testing::shape_of(declared);
    std::vector<std::string> only_ours, only_declared;
    std::set_difference(ours.begin(), ours.end(), theirs.begin(), theirs.end(),
                        std::back_inserter(only_ours));
    std::set_difference(theirs.begin(), theirs.end(), ours.begin(), ours.end(),
                        std::back_inserter(only_declared));
    CHECK(only_ours == only_declared);  // both empty
    CHECK_FALSE(ours.empty());
    schema_json = found.schema_json;
  }
  const target database_at{schema_json, url};
  {
    // The schema loads and maps onto PonyORM's tables (a failure here is not per query).
    nextorm::database db;
    db.schema().load_json_text(database_at.schema_json);
    db.bind(database_at.url);
    db.generate_mapping();
  }

  std::map<std::string, known_failure> known;
  read_known(here / "known_failures.txt", known);
  if (provider != "sqlite") read_known(here / ("known_failures_" + provider + ".txt"), known);
  const json results = json::parse(read_file(pony_out));
  std::size_t equal = 0, known_gaps = 0, deviations = 0, unexpected = 0, fixed = 0, sqlite_only = 0;
  std::map<std::string, std::size_t> by_category;
  std::ostringstream new_known;
  for (const json& result : results) {
    const std::string text = result.at("text").get<std::string>();
    const std::string where =
        in_suite + "queries.txt:" + std::to_string(result.at("line").get<int>());
    const query_line line = parse_line(text);
    const outcome theirs = pony(result);
    const outcome mine = ours(line, database_at);
    const bool agree = same(theirs, mine, line.ordered());
    auto listed = known.find(text);
    if (listed != known.end()) listed->second.seen = true;
    if (agree) {
      ++equal;
      if (listed == known.end()) continue;
      // known_failures.txt describes SQLite: on a server, its lines may well agree.
      if (provider != "sqlite" && listed->second.file == "known_failures.txt") {
        ++sqlite_only;
        continue;
      }
      ++fixed;
      std::cout << "differential: warning: " << where << " now agrees with PonyORM on " << provider
                << "; remove it from " << in_suite << listed->second.file << ":"
                << listed->second.file_line << ": " << text << "\n";
      continue;
    }
    std::string reason = first_line(mine.error).substr(0, 160);
    if (theirs.rejected && mine.error.empty()) reason = "accepted; PonyORM: " + theirs.error;
    if (reason.empty()) reason = "rows differ";
    new_known << "gap | " << reason << " | " << text << "\n";
    if (listed != known.end()) {
      const bool deviation = !listed->second.category.starts_with("gap");
      ++(deviation ? deviations : known_gaps);
      ++by_category[listed->second.category];
      continue;
    }
    ++unexpected;
    std::cout << where << ": " << text << "\n  PonyORM: " << show(theirs)
              << "\n  NextORM: " << show(mine) << "\n";
  }
  for (const auto& [text, k] : known) {
    if (!k.seen) {
      std::cout << "differential: warning: " << in_suite << k.file << ":" << k.file_line
                << " names no line of " << in_suite << "queries.txt: " << text << "\n";
    }
  }
  if (const char* write_known = std::getenv("NEXTORM_DIFFERENTIAL_WRITE_KNOWN")) {
    std::ofstream{write_known} << new_known.str();
  }
  for (const auto& [category, n] : by_category) {
    std::cout << "differential: known " << category << ": " << n << "\n";
  }
  std::cout << (suite.empty() ? "differential" : "differential " + suite) << ": " << provider
            << ": " << results.size() << " queries, " << equal << " equal, " << known_gaps
            << " known failures, " << deviations << " deviations and dialect differences"
            << (sqlite_only != 0
                    ? ", " + std::to_string(sqlite_only) + " equal here but listed for SQLite"
                    : "")
            << (unexpected != 0 ? ", " + std::to_string(unexpected) + " UNEXPECTED" : "")
            << (fixed != 0 ? ", " + std::to_string(fixed) + " listed but now equal" : "")
            << std::endl;
  fs::remove_all(dir);
  nextorm::testing::discard_database(url);
  CHECK(unexpected == 0);
  CHECK(results.size() >= min_queries);
}
