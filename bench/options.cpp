#include "options.hpp"

#include <bench_config.hpp>

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <string_view>

namespace nextorm_bench {
namespace {

constexpr std::string_view usage = R"(usage: nextorm-bench [options]
  --n N              products to create (default 100000)
  --reps R           timed repetitions per workload; the median is reported (default 5)
  --lookups K        primary-key lookups (default 10000, at most N)
  --joins J          categories per join repetition (default 10)
  --postgres URL     also run against PostgreSQL (postgresql://user:pass@host:port/db)
  --mariadb URL      also run against MariaDB (mariadb://user:pass@host:port/db)
  --no-sqlite        skip the SQLite run
  --json             print one JSON object per provider, one per line
  --no-pony          do not run bench/pony_compile.py
  --pony-script P    path of pony_compile.py (default: the source tree's)
  --python P         interpreter for it (default /usr/bin/python3)
  --dir D            directory for the SQLite files (default: a new one under $TMPDIR or /tmp)
  --clock wall|cpu   what to time with (default wall; cpu is the process's CPU time, steadier
                     on a busy machine, but without a server's work)
  --show-sql         print the SQL NextORM makes of the bench's queries (SQLite) and exit
  --only W           run one workload, for profiling: insert, update, select, pk_lookup,
                     pk_lookup_session_each, pk_lookup_composite, join, aggregate, memory,
                     compile or startup
  --startup-runs N   processes per program for the start-up row (SQLite; default 21)
  --startup-dir D    where nextorm-startup-nextorm and nextorm-startup-raw are (default: beside
                     this program)
The server runs DROP and re-create the tables "category" and "product" in the given database.
)";

[[noreturn]] void fail(std::string_view message) {
  std::cerr << "nextorm-bench: " << message << "\n" << usage;
  std::exit(2);
}

std::size_t count(std::string_view flag, const char* text) {
  std::size_t out = 0;
  const std::string_view s{text};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || end != s.data() + s.size() || out == 0) {
    fail(std::string{flag} + " wants a positive integer, not '" + std::string{s} + "'");
  }
  return out;
}

}  // namespace

options parse_options(int argc, char** argv) {
  options o;
  o.pony_script = NEXTORM_BENCH_PONY_SCRIPT;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg{argv[i]};
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) fail(std::string{arg} + " wants a value");
      return argv[++i];
    };
    if (arg == "--n") {
      o.n = count(arg, next());
    } else if (arg == "--reps") {
      o.reps = count(arg, next());
    } else if (arg == "--lookups") {
      o.lookups = count(arg, next());
    } else if (arg == "--joins") {
      o.joins = count(arg, next());
    } else if (arg == "--postgres") {
      o.postgres = next();
    } else if (arg == "--mariadb") {
      o.mariadb = next();
    } else if (arg == "--no-sqlite") {
      o.sqlite = false;
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--no-pony") {
      o.pony = false;
    } else if (arg == "--pony-script") {
      o.pony_script = next();
    } else if (arg == "--python") {
      o.python = next();
    } else if (arg == "--dir") {
      o.dir = next();
    } else if (arg == "--only") {
      o.only = next();
      static constexpr std::string_view known[] = {"insert",
                                                   "update",
                                                   "select",
                                                   "pk_lookup",
                                                   "pk_lookup_session_each",
                                                   "pk_lookup_composite",
                                                   "join",
                                                   "aggregate",
                                                   "memory",
                                                   "compile",
                                                   "startup"};
      bool found = false;
      for (std::string_view k : known) found = found || k == o.only;
      if (!found) fail("unknown workload '" + o.only + "'");
    } else if (arg == "--startup-runs") {
      o.startup_runs = count(arg, next());
    } else if (arg == "--startup-dir") {
      o.startup_dir = next();
    } else if (arg == "--clock") {
      const std::string_view kind{next()};
      if (kind != "wall" && kind != "cpu") fail("--clock wants wall or cpu");
      o.cpu_clock = kind == "cpu";
    } else if (arg == "--show-sql") {
      o.show_sql = true;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      std::exit(0);
    } else {
      fail("unknown argument '" + std::string{arg} + "'");
    }
  }
  return o;
}

}  // namespace nextorm_bench
