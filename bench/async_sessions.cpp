// nextorm-bench-async (bench/README.md, issue 17's target): S concurrent sessions, each 10
// lookups by primary key and one update, on PostgreSQL and MariaDB; the async API on one thread
// against the synchronous API on T threads, with the same pool. Reports the throughput
// (sessions per second, wall clock), the process's CPU time per operation (user + system: the
// client's cost, the server's left out), the statements per session and, on PostgreSQL (whose
// driver counts them), the round trips per session: MariaDB's are its statements.
//
//   nextorm-bench-async --postgres URL --mariadb URL [--sessions 1000] [--threads 8]
//                       [--pool 8] [--rows 20000] [--reps 3]
#include "entities.hpp"

#include "driver/connection.hpp"
#include "session/database_impl.hpp"

#include <nextorm/nextorm.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace nextorm;
using nextorm_bench::Category;
using nextorm_bench::Product;

struct options {
  std::vector<std::pair<std::string, std::string>> servers;  // provider, URL
  int sessions = 1000;
  int threads = 8;
  std::size_t pool = 8;
  int rows = 20000;
  int reps = 3;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "nextorm-bench-async: " << why
            << "\nusage: nextorm-bench-async --postgres URL --mariadb URL [--sessions S] "
               "[--threads T] [--pool P] [--rows N] [--reps R]\n";
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage(arg + " wants a value");
      return argv[++i];
    };
    if (arg == "--postgres" || arg == "--mariadb") {
      o.servers.emplace_back(arg.substr(2), next());
    } else if (arg == "--sessions") {
      o.sessions = std::stoi(next());
    } else if (arg == "--threads") {
      o.threads = std::stoi(next());
    } else if (arg == "--pool") {
      o.pool = static_cast<std::size_t>(std::stoul(next()));
    } else if (arg == "--rows") {
      o.rows = std::stoi(next());
    } else if (arg == "--reps") {
      o.reps = std::stoi(next());
    } else {
      usage("unknown option " + arg);
    }
  }
  if (o.servers.empty()) usage("give --postgres URL and/or --mariadb URL");
  if (o.sessions < 1 || o.threads < 1 || o.pool < 1 || o.reps < 1) usage("counts are 1 or more");
  if (o.rows < o.sessions) usage("--rows must be at least --sessions (one updated row each)");
  return o;
}

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The keys session `s` looks up: ten of the table's, its own updated row among them.
std::vector<std::int64_t> keys_of(int s, int rows) {
  std::mt19937_64 random{static_cast<std::uint64_t>(s) * 7919u + 1};
  std::vector<std::int64_t> keys;
  keys.push_back(s + 1);
  while (keys.size() < 10) keys.push_back(static_cast<std::int64_t>(random() % rows) + 1);
  return keys;
}

void sync_session(database& db, int s, int rows, int rep) {
  db_session session{db};
  Product* own = nullptr;
  for (const std::int64_t key : keys_of(s, rows)) {
    Product& p = Product::at(key);
    if (own == nullptr) own = &p;
  }
  own->price = 1.0 + rep + s % 100;
}

// With `limited`, each statement within a statement_timeout (cancelled on the server past it):
// what the limits cost per statement.
task<void> async_one(database& db, int s, int rows, int rep, bool limited) {
  const session_options options{.statement_timeout = limited ? std::chrono::milliseconds{60'000}
                                                             : std::chrono::milliseconds{0}};
  co_await async_session(db, options, [&db, s, rows, rep]() -> task<> {
    (void)db;
    entity_ptr<Product> own;
    for (const std::int64_t key : keys_of(s, rows)) {
      auto p = co_await Product::aat(key);
      if (!own) own = p;
    }
    own->price = 1.0 + rep + s % 100;
  });
}

// The same session with its lookups awaited together: the first alone (its transaction
// begins), the other nine with when_all, which PostgreSQL pipelines (one round trip).
task<void> async_one_together(database& db, int s, int rows, int rep) {
  co_await async_session(db, [&db, s, rows, rep]() -> task<> {
    (void)db;
    const std::vector<std::int64_t> keys = keys_of(s, rows);
    entity_ptr<Product> own = co_await Product::aat(keys.front());
    std::vector<task<entity_ptr<Product>>> lookups;
    for (std::size_t i = 1; i < keys.size(); ++i) lookups.push_back(Product::aat(keys[i]));
    (void)co_await when_all(std::move(lookups));
    own->price = 1.0 + rep + s % 100;
  });
}

enum class variant { one_by_one, together, limited };

task<void> async_all(database& db, int sessions, int rows, int rep, variant v) {
  std::vector<task<void>> all;
  all.reserve(static_cast<std::size_t>(sessions));
  for (int s = 0; s < sessions; ++s) {
    all.push_back(v == variant::together ? async_one_together(db, s, rows, rep)
                                         : async_one(db, s, rows, rep, v == variant::limited));
  }
  co_await when_all(std::move(all));
}

struct measured {
  double wall = 0;
  double cpu = 0;
  std::uint64_t statements = 0;
  std::uint64_t round_trips = 0;
};

std::uint64_t statements_of(database& db) {
  std::uint64_t n = 0;
  for (const auto& [sql, stats] : db.statistics()) n += stats.count;
  return n;
}

template <class Run>
measured measure(database& db, Run run) {
  db.clear_statistics();
  const std::uint64_t trips0 = db.impl().idle_round_trips();
  const auto wall0 = std::chrono::steady_clock::now();
  const double cpu0 = cpu_seconds();
  run();
  measured m;
  m.cpu = cpu_seconds() - cpu0;
  m.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  m.statements = statements_of(db);
  m.round_trips = db.impl().idle_round_trips() - trips0;
  return m;
}

void bench(const std::string& provider, const std::string& url, const options& o) {
  const driver::connection_url parts = driver::parse_url(url);
  connection_options c;
  c.provider = parts.provider;
  c.host = parts.host;
  c.port = parts.port;
  c.user = parts.user;
  c.password = parts.password;
  c.database = parts.database;
  c.pool_size = o.pool;
  database db;
  db.bind(c);
  db.generate_mapping<Category, Product>({.create_tables = true});
  {
    db_session session{db};
    (void)Product::select().remove();
    (void)Category::select().remove();
  }
  {
    db_session session{db};
    auto& category = Category::create({{"name", "all"}});
    for (int i = 1; i <= o.rows; ++i) {
      (void)Product::create({{"id", i},
                             {"name", "p" + std::to_string(i)},
                             {"price", 1.0},
                             {"sku", "s" + std::to_string(i)},
                             {"category", category}});
    }
  }
  db.set_statistics(true);
  std::vector<measured> sync_runs;
  std::vector<measured> async_runs;
  std::vector<measured> together_runs;
  std::vector<measured> limited_runs;
  for (int rep = 0; rep < o.reps; ++rep) {
    sync_runs.push_back(measure(db, [&] {
      std::atomic<int> next{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < o.threads; ++t) {
        threads.emplace_back([&] {
          for (int s = next++; s < o.sessions; s = next++) sync_session(db, s, o.rows, rep);
        });
      }
      for (auto& thread : threads) thread.join();
    }));
    async_runs.push_back(measure(db, [&] {
      nextorm::run(async_all(db, o.sessions, o.rows, rep + o.reps, variant::one_by_one));
    }));
    together_runs.push_back(measure(db, [&] {
      nextorm::run(async_all(db, o.sessions, o.rows, rep + 2 * o.reps, variant::together));
    }));
    limited_runs.push_back(measure(db, [&] {
      nextorm::run(async_all(db, o.sessions, o.rows, rep + 3 * o.reps, variant::limited));
    }));
  }
  auto median = [](std::vector<measured> runs, double measured::*field) {
    std::sort(runs.begin(), runs.end(),
              [field](const measured& a, const measured& b) { return a.*field < b.*field; });
    return runs[runs.size() / 2].*field;
  };
  const double ops = static_cast<double>(o.sessions) * 11;
  const double sync_wall = median(sync_runs, &measured::wall);
  const double async_wall = median(async_runs, &measured::wall);
  const double sync_cpu = median(sync_runs, &measured::cpu);
  const double async_cpu = median(async_runs, &measured::cpu);
  const double together_wall = median(together_runs, &measured::wall);
  const double together_cpu = median(together_runs, &measured::cpu);
  const double limited_wall = median(limited_runs, &measured::wall);
  const double limited_cpu = median(limited_runs, &measured::cpu);
  auto per_session = [&](const measured& m) {
    std::string out =
        std::to_string(static_cast<double>(m.statements) / o.sessions) + " statements/session";
    if (m.round_trips > 0) {
      out += ", " + std::to_string(static_cast<double>(m.round_trips) / o.sessions) +
             " round trips/session";
    }
    return out;
  };
  std::cout << provider << ": " << o.sessions << " sessions x (10 lookups + 1 update), pool "
            << o.pool << ", median of " << o.reps << "\n"
            << "  sync, " << o.threads << " threads: " << static_cast<long>(o.sessions / sync_wall)
            << " sessions/s, CPU " << sync_cpu / ops * 1e6 << " us/op, "
            << per_session(sync_runs.back()) << "\n"
            << "  async, 1 thread:   " << static_cast<long>(o.sessions / async_wall)
            << " sessions/s, CPU " << async_cpu / ops * 1e6 << " us/op, "
            << per_session(async_runs.back()) << "\n"
            << "  async, 1 thread, 9 lookups awaited together: "
            << static_cast<long>(o.sessions / together_wall) << " sessions/s, CPU "
            << together_cpu / ops * 1e6 << " us/op, " << per_session(together_runs.back()) << "\n"
            << "  async, 1 thread, statement_timeout: "
            << static_cast<long>(o.sessions / limited_wall) << " sessions/s, CPU "
            << limited_cpu / ops * 1e6 << " us/op, " << per_session(limited_runs.back()) << "\n"
            << "  async / sync: throughput " << sync_wall / async_wall
            << " (target >= 1), CPU per op " << async_cpu / sync_cpu << " (target <= 1.2)\n"
            << "  together / async: throughput " << async_wall / together_wall
            << (provider == "postgres" ? " (target >= 1: the nine pipelined, one round trip)"
                                       : " (no pipelining on MariaDB: about 1)")
            << ", CPU per op " << together_cpu / async_cpu << " (target <= 1.1)\n"
            << "  limited / async: CPU per op " << limited_cpu / async_cpu
            << " (target <= 1.1: a deadline per statement)\n";
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  try {
    for (const auto& [provider, url] : o.servers) bench(provider, url, o);
  } catch (const std::exception& e) {
    std::cerr << "nextorm-bench-async: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
