// nextorm-bench: NextORM against hand-written C API code (and SOCI, and PonyORM's compiler) on
// the same data, in the same run. See bench/README.md and docs/performance.md.
#include "dataset.hpp"
#include "entities.hpp"
#include "nextorm_contender.hpp"
#include "options.hpp"
#include "pony.hpp"
#include "report.hpp"
#include "runner.hpp"
#include "target.hpp"
#include "timing.hpp"

#include <nextorm/database.hpp>

#include <iostream>

using namespace nextorm_bench;

namespace {

// A provider that could not run at all still prints its line, with the reason.
provider_result not_run(const std::string& provider, const options& o, const std::string& why) {
  provider_result r;
  r.provider = provider;
  r.n = o.n;
  r.reps = o.reps;
  r.clock = o.cpu_clock ? "cpu" : "wall";
  r.compile_error = why;
  r.failures.push_back(provider + ": " + why);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse_options(argc, argv);
  bench_clock() = o.cpu_clock ? clock_kind::cpu : clock_kind::wall;
  if (o.show_sql) {
    nextorm::database db{"sqlite::memory:"};
    print_queries(db, std::cout);
    return 0;
  }
  const dataset data = make_dataset(o.n, o.categories, o.lookups, o.joins);

  std::optional<pony_result> pony;
  std::string pony_why = "--no-pony";
  if (o.pony) {
    std::cerr << "nextorm-bench: running " << o.pony_script << std::endl;
    pony = run_pony(o.python, o.pony_script, pony_why);
  }

  // The registry the raw SQL takes its table and column names from.
  nextorm::database names;
  names.define<Category, Product, Stock>();
  names.generate_mapping();

  struct wanted {
    std::string provider;
    std::optional<std::string> url;
  };
  std::vector<wanted> providers;
  if (o.sqlite) providers.push_back({"sqlite", std::string{}});
  if (o.postgres) providers.push_back({"postgres", o.postgres});
  if (o.mariadb) providers.push_back({"mariadb", o.mariadb});

  bool ok = true;
  for (const wanted& w : providers) {
    provider_result r;
    try {
      // PonyORM's (and generate_mapping's) names differ per provider: lower case on servers.
      names.schema().finalize(nextorm::pony_naming{w.provider});
      std::unique_ptr<target> t;
      if (w.provider == "sqlite") {
        t = make_sqlite_target(o.dir, names.schema());
      } else {
        // NextORM must be able to open the URL before anything is dropped there.
        { nextorm::database probe{*w.url}; }
        t = w.provider == "postgres" ? make_postgres_target(*w.url, names.schema())
                                     : make_mariadb_target(*w.url, names.schema());
      }
      r = t ? run_provider(*t, o, data)
            : not_run(w.provider, o, "the bench was built without the C API of " + w.provider);
    } catch (const std::exception& e) {
      r = not_run(w.provider, o, e.what());
    }
    ok = ok && r.failures.empty();
    if (o.json) {
      print_json(std::cout, r, pony, pony_why);
    } else {
      print_table(std::cout, r, pony, pony_why);
    }
  }
  return ok ? 0 : 1;
}
