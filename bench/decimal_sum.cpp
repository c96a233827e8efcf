// nextorm-bench-decimal: what exact decimal aggregates cost on SQLite. N products with a
// DECIMAL(12, 2) price (cents 0.00 to 999.99); the sum and the per-category average of the
// prices through NextORM (decimal_sum / decimal_avg, exact) against the same statements with
// SQLite's own SUM / AVG of doubles on a raw connection. Prints the median CPU time of each and
// the results, which differ where the doubles do.
//
//   nextorm-bench-decimal [--n 100000] [--reps 5]
#include <nextorm/nextorm.hpp>

#include "timing.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Item : nextorm::entity<Item> {
  nextorm::Req<std::int64_t> category{"category"};
  nextorm::Req<nextorm::decimal> price{"price", nextorm::decimal_digits{12, 2}};
};

// The first column of the first row of `sql` on a raw connection, as text.
std::string raw_value(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) std::abort();
  std::string out;
  std::size_t rows = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    if (rows++ == 0) out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  return out;
}

template <class F>
double median_ms(int reps, F&& f) {
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) times.push_back(nextorm_bench::time_ms(f));
  return nextorm_bench::median(times);
}

}  // namespace

int main(int argc, char* argv[]) {
  int n = 100'000;
  int reps = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view option = argv[i];
    if (option == "--n") n = std::atoi(argv[i + 1]);
    if (option == "--reps") reps = std::atoi(argv[i + 1]);
  }
  nextorm_bench::bench_clock() = nextorm_bench::clock_kind::cpu;
  const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                     ("nextorm-bench-decimal-" + std::to_string(::getpid()));
  nextorm::database db{"sqlite:" + file.string()};
  db.generate_mapping<Item>({.create_tables = true});
  {
    nextorm::db_session session{db};
    for (int i = 0; i < n; ++i) {
      auto& item = Item::create();
      item.category = i % 100;
      item.price = nextorm::decimal{std::to_string(i % 1000) + "." + std::to_string(10 + i % 90)};
    }
  }
  sqlite3* raw = nullptr;
  if (sqlite3_open(file.c_str(), &raw) != SQLITE_OK) return 1;

  std::string exact_sum;
  std::string exact_avg;
  const double sum_ms = median_ms(reps, [&] {
    nextorm::db_session session{db};
    exact_sum = nextorm::select<nextorm::decimal>("i.price for i in Item")
                    .without_distinct()
                    .sum()
                    .as_text();
  });
  const double avg_ms = median_ms(reps, [&] {
    nextorm::db_session session{db};
    auto groups = nextorm::select<std::tuple<std::int64_t, nextorm::decimal>>(
                      "(i.category, avg(i.price)) for i in Item")
                      .fetch();
    exact_avg = nextorm::to_string(std::get<1>(groups[0]));
  });
  std::string float_sum;
  std::string float_avg;
  const double raw_sum_ms = median_ms(
      reps, [&] { float_sum = raw_value(raw, "SELECT coalesce(SUM(price), 0) FROM Item"); });
  const double raw_avg_ms = median_ms(
      reps, [&] { float_avg = raw_value(raw, "SELECT AVG(price) FROM Item GROUP BY category"); });
  sqlite3_close(raw);
  std::filesystem::remove(file);

  std::printf("SQLite, %d rows, median of %d, CPU ms\n", n, reps);
  std::printf("  %-34s %9.2f  %s\n", "sum: NextORM decimal_sum (exact)", sum_ms, exact_sum.c_str());
  std::printf("  %-34s %9.2f  %s\n", "sum: raw SUM (doubles)", raw_sum_ms, float_sum.c_str());
  std::printf("  %-34s %9.2f  %s\n", "avg by group: NextORM decimal_avg", avg_ms,
              exact_avg.c_str());
  std::printf("  %-34s %9.2f  %s\n", "avg by group: raw AVG (doubles)", raw_avg_ms,
              float_avg.c_str());
  return 0;
}
