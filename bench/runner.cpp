#include "runner.hpp"

#include "alloc_counter.hpp"
#include "entities.hpp"
#include "nextorm_contender.hpp"
#include "soci_contender.hpp"
#include "sqlite_lock_probe.hpp"
#include "timing.hpp"

#include <nextorm/database.hpp>

#include "materialize/identity_map.hpp"  // release_cached_storage: not public API

#include <stdlib.h>  // getloadavg

#include <array>
#include <cmath>
#include <functional>
#include <iostream>
#include <memory>
#include <span>
#include <stdexcept>
#include <string_view>

namespace nextorm_bench {
namespace {

// nextorm, raw, soci, in this order, run every workload; soci_released (SOCI finishing its
// statement before COMMIT) runs only pk_lookup_session_each, the one workload where that differs.
constexpr std::size_t contender_count = 4;
constexpr std::size_t main_count = 3;
constexpr std::size_t raw_index = 1;
constexpr std::size_t soci_index = 2;
constexpr std::size_t released_index = 3;
constexpr std::array<const char*, contender_count> contender_names{"nextorm", "raw", "soci",
                                                                   "soci_released"};
constexpr const char* session_each = "pk_lookup_session_each";

std::string describe(const checksum& c) {
  return std::to_string(c.rows) + " rows, sum " + std::to_string(c.sum);
}

measurement& slot_of(workload_result& r, std::size_t i) {
  return i == 0 ? r.nextorm : i == 1 ? r.raw : i == 2 ? r.soci : r.soci_released;
}

class provider_run {
 public:
  provider_run(target& t, const options& o, const dataset& data, provider_result& out)
      : m_target{t}, m_options{o}, m_data{data}, m_out{out} {}

  void run() {
    m_out.provider = m_target.provider();
    m_out.n = m_data.products.size();
    m_out.reps = m_options.reps;
    m_out.soci = soci_available(m_target.provider());
    m_out.clock = bench_clock() == clock_kind::cpu ? "cpu" : "wall";
    double load[1] = {-1};
    if (getloadavg(load, 1) == 1) m_out.load = load[0];
    // The names the raw SQL uses come from a registry of the bench's entities.
    m_names.define<Category, Product, Stock>();
    m_names.schema().finalize(nextorm::pony_naming{m_target.provider()});
    m_soci_sql = make_raw_sql(m_names.schema(), m_target.quote(), placeholders::colon, false);

    if (wanted(m_options, "insert")) inserts();
    if (wanted(m_options, "update")) updates();
    if (m_options.only != "insert" && m_options.only != "update" && m_options.only != "startup") {
      reads();
    }
    if (m_target.provider() == "sqlite" && wanted(m_options, "startup")) startup();
  }

 private:
  void progress(const std::string& what) const {
    std::cerr << "nextorm-bench: " << m_target.provider() << ": " << what << std::endl;
  }

  void fail(const std::string& what) {
    progress("FAILED: " + what);
    m_out.failures.push_back(m_target.provider() + ": " + what);
  }

  // A contender of kind `i` on `url`; `db` is the NextORM database there (kind 0 uses it).
  std::unique_ptr<contender> make(std::size_t i, const std::string& url, nextorm::database& db) {
    if (i == 0) return std::make_unique<nextorm_contender>(db);
    if (i == raw_index) return m_target.raw(url);
    if (!m_out.soci) return nullptr;
    return make_soci_contender(
        m_target.provider(), url, m_soci_sql,
        i == released_index ? soci_single_row::fetch_to_end : soci_single_row::execute_only);
  }

  // Whole processes, SQLite only: bench/startup.hpp.
  void startup() {
    progress("startup");
    const std::string url = m_target.fresh("startup");
    try {
      const std::string dir =
          m_options.startup_dir.empty() ? own_directory() : m_options.startup_dir;
      m_out.startup = measure_startup(url, dir, m_options.startup_runs);
    } catch (const std::exception& e) {
      m_out.startup_error = e.what();
      fail(e.what());
    }
    m_target.discard(url);
  }

  // Workload 1: each repetition and contender gets an empty database of its own.
  void inserts() {
    progress("insert");
    workload_result r;
    r.name = "insert";
    r.rows = m_data.categories.size() + m_data.products.size();
    std::array<std::vector<double>, main_count> times;
    std::array<bool, main_count> failed{};
    workload_result bulk;
    bulk.name = "insert_vs_bulk";
    bulk.rows = r.rows;
    std::vector<double> bulk_times;
    bool bulk_failed = false;
    for (std::size_t rep = 0; rep < m_options.reps; ++rep) {
      for (std::size_t k = 0; k < main_count; ++k) {
        const std::size_t i = (rep + k) % main_count;
        if (failed[i] || (i == soci_index && !m_out.soci)) continue;
        const std::string url = m_target.fresh(std::string{"insert-"} + contender_names[i]);
        try {
          nextorm::database db{url};
          map_entities(db);
          auto c = make(i, url, db);
          checksum got;
          const double ms = time_ms([&] { got = c->insert(m_data); });
          c.reset();
          const std::int64_t stored = m_target.raw(url)->product_count();
          if (got.rows != r.rows || stored != static_cast<std::int64_t>(m_data.products.size())) {
            throw std::runtime_error("inserted " + std::to_string(got.rows) + " rows, " +
                                     std::to_string(stored) + " products stored, wanted " +
                                     std::to_string(m_data.products.size()));
          }
          times[i].push_back(ms);
        } catch (const std::exception& e) {
          failed[i] = true;
          slot_of(r, i).error = e.what();
          fail(std::string{"insert, "} + contender_names[i] + ": " + e.what());
        }
        m_target.discard(url);
        if (i == raw_index && !bulk_failed) bulk_failed = !insert_bulk(bulk, bulk_times, r.rows);
      }
    }
    for (std::size_t i = 0; i < main_count; ++i) {
      if (!failed[i] && !times[i].empty()) slot_of(r, i).ms = median(times[i]);
    }
    // NextORM's session against the fastest bulk path of the raw C API.
    if (!bulk_times.empty() || !bulk.raw.error.empty()) {
      bulk.nextorm = r.nextorm;
      if (!bulk_times.empty()) bulk.raw.ms = median(bulk_times);
      m_out.workloads.push_back(std::move(r));
      m_out.workloads.push_back(std::move(bulk));
    } else {
      m_out.workloads.push_back(std::move(r));
    }
  }

  // Workload 2: a flush of many changed objects. Each repetition and contender gets a database
  // of its own, loaded by the raw contender (not timed).
  void updates() {
    progress("update");
    workload_result r;
    r.name = "update";
    r.rows = m_data.products.size();
    std::array<std::vector<double>, main_count> times;
    std::array<bool, main_count> failed{};
    for (std::size_t rep = 0; rep < m_options.reps; ++rep) {
      for (std::size_t k = 0; k < main_count; ++k) {
        const std::size_t i = (rep + k) % main_count;
        if (failed[i] || (i == soci_index && !m_out.soci)) continue;
        const std::string url = m_target.fresh(std::string{"update-"} + contender_names[i]);
        try {
          nextorm::database db{url};
          map_entities(db);
          double before = 0;
          {
            auto loader = m_target.raw(url);
            (void)loader->insert(m_data);
            before = loader->price_sum();
          }
          auto c = make(i, url, db);
          checksum got;
          bool has = false;
          const double ms = time_ms([&] { has = c->update_prices(got); });
          c.reset();
          if (has) {
            const double after = m_target.raw(url)->price_sum();
            const auto n = static_cast<double>(m_data.products.size());
            if (got.rows != r.rows || std::abs(after - before - n) > 1e-6 * (after + n)) {
              throw std::runtime_error("updated " + std::to_string(got.rows) +
                                       " rows, prices summed " + std::to_string(before) +
                                       " then " + std::to_string(after));
            }
            times[i].push_back(ms);
          }
        } catch (const std::exception& e) {
          failed[i] = true;
          slot_of(r, i).error = e.what();
          fail(std::string{"update, "} + contender_names[i] + ": " + e.what());
        }
        m_target.discard(url);
      }
    }
    for (std::size_t i = 0; i < main_count; ++i) {
      if (!failed[i] && !times[i].empty()) slot_of(r, i).ms = median(times[i]);
    }
    m_out.workloads.push_back(std::move(r));
  }

  // One timed run of the raw contender's bulk insert into an empty database, into `times`;
  // false when it has none or it failed (reported in `bulk`).
  bool insert_bulk(workload_result& bulk, std::vector<double>& times, std::uint64_t rows) {
    const std::string url = m_target.fresh("insert-raw-bulk");
    bool done = true;
    try {
      nextorm::database db{url};
      map_entities(db);
      auto c = m_target.raw(url);
      checksum got;
      bool has = false;
      const double ms = time_ms([&] { has = c->insert_bulk(m_data, got); });
      c.reset();
      if (has) {
        const std::int64_t stored = m_target.raw(url)->product_count();
        if (got.rows != rows || stored != static_cast<std::int64_t>(m_data.products.size())) {
          throw std::runtime_error("bulk inserted " + std::to_string(got.rows) + " rows, " +
                                   std::to_string(stored) + " products stored");
        }
        times.push_back(ms);
      }
      done = has;
    } catch (const std::exception& e) {
      bulk.raw.error = e.what();
      fail(std::string{"insert, raw bulk: "} + e.what());
      done = false;
    }
    m_target.discard(url);
    return done;
  }

  void reads() {
    progress("populating the read database");
    const std::string url = m_target.fresh("read");
    nextorm::database db{url};
    map_entities(db);
    {
      auto loader = m_target.raw(url);
      (void)loader->insert(m_data);
      loader->insert_stocks(m_data);
    }
    std::array<std::unique_ptr<contender>, contender_count> cs;
    for (std::size_t i = 0; i < contender_count; ++i) {
      try {
        cs[i] = make(i, url, db);
      } catch (const std::exception& e) {
        fail(std::string{"connecting "} + contender_names[i] + ": " + e.what());
      }
    }
    const double limit = m_data.price_limit;
    const auto& keys = m_data.lookup_keys;
    const auto& names = m_data.join_names;
    read("select", cs, [&](contender& c) { return c.select_below(limit); });
    read("pk_lookup", cs, [&](contender& c) { return c.lookup(keys); });
    const auto each = [&](contender& c) { return c.lookup_each(keys); };
    read(session_each, cs, each, contender_count);
    if (wanted(m_options, session_each) && m_target.provider() == "sqlite") {
      probe_writers(url, cs, keys);
    }
    const auto& stock_keys = m_data.stock_keys;
    read("pk_lookup_composite", cs, [&](contender& c) { return c.stock_lookup(stock_keys); });
    read("join", cs, [&](contender& c) { return c.join(names); });
    read("aggregate", cs, [&](contender& c) { return c.aggregate(); });

    if (wanted(m_options, "memory")) {
      progress("memory");
      // A warm round first, so that plans and prepared statements are cached as in steady use.
      for (std::size_t i = 0; i < main_count; ++i) {
        if (cs[i]) (void)cs[i]->select_below(limit);
      }
      // NextORM keeps the object storage of ended sessions for the next ones: freed here, so
      // that the measured session allocates all of its objects' memory itself.
      nextorm::materialize::release_cached_storage();
      m_out.memory.nextorm_bytes = peak_heap(cs[0].get(), limit, m_out.memory.rows);
      m_out.memory.structs_bytes = peak_heap(cs[1].get(), limit, m_out.memory.rows);
      m_out.memory.soci_bytes = peak_heap(cs[2].get(), limit, m_out.memory.rows);
    }

    if (wanted(m_options, "compile")) {
      progress("compile");
      try {
        m_out.compile = measure_compile(db, m_options.reps);
      } catch (const std::exception& e) {
        m_out.compile_error = e.what();
        fail(std::string{"compile: "} + e.what());
      }
    }
    for (auto& c : cs) c.reset();
    m_target.discard(url);
  }

  // A read workload: one untimed round (raw first: its checksum is the reference), then the
  // timed rounds, with the contenders' order rotating from round to round. The first `count`
  // contenders take part.
  void read(const std::string& name, std::array<std::unique_ptr<contender>, contender_count>& cs,
            const std::function<checksum(contender&)>& job, std::size_t count = main_count) {
    if (!wanted(m_options, name)) return;
    progress(name);
    workload_result r;
    r.name = name;
    std::array<std::vector<double>, contender_count> times;
    std::array<bool, contender_count> failed{};
    std::optional<checksum> reference;
    auto once = [&](std::size_t i) -> std::optional<double> {
      if (!cs[i] || failed[i]) return std::nullopt;
      try {
        checksum got;
        const double ms = time_ms([&] { got = job(*cs[i]); });
        if (!reference) reference = got;
        if (got != *reference) {
          throw std::runtime_error("read " + describe(got) + " where " +
                                   contender_names[raw_index] + " read " + describe(*reference));
        }
        return ms;
      } catch (const std::exception& e) {
        failed[i] = true;
        slot_of(r, i).error = e.what();
        fail(name + ", " + contender_names[i] + ": " + e.what());
        return std::nullopt;
      }
    };
    // Raw first: it sets the reference; without it there is nothing to compare with.
    if (!once(raw_index)) {
      m_out.workloads.push_back(std::move(r));
      return;
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (i != raw_index) (void)once(i);
    }
    for (std::size_t rep = 0; rep < m_options.reps; ++rep) {
      for (std::size_t k = 0; k < count; ++k) {
        const std::size_t i = (rep + k) % count;
        if (auto ms = once(i)) times[i].push_back(*ms);
      }
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (!failed[i] && !times[i].empty()) slot_of(r, i).ms = median(times[i]);
    }
    r.rows = reference->rows;
    m_out.workloads.push_back(std::move(r));
  }

  // After the timed rounds of pk_lookup_session_each on SQLite, one more (untimed) round per
  // contender: right after its last COMMIT, with what it keeps between transactions still
  // alive, a writer on a connection of its own tries to commit with no busy timeout. SOCI's
  // documented execute(true) keeps the read lock (bench/README.md); a contender that must not
  // (nextorm, raw, soci_released) and does fails the run. The writer also runs before the first
  // round and after each: a lock kept beyond the workload would block the next contender's
  // writer too, so a finding is only attributed to a contender when the writer got in before it.
  void probe_writers(const std::string& url,
                     std::array<std::unique_ptr<contender>, contender_count>& cs,
                     std::span<const std::int64_t> keys) {
    if (m_out.workloads.empty() || m_out.workloads.back().name != session_each) return;
    workload_result& r = m_out.workloads.back();
    progress(std::string{session_each} + ": can another connection write after COMMIT?");
    const std::string path = url.substr(std::string_view{"sqlite:"}.size());
    std::string held_by;  // why a writer is refused before the next round ("": it is not)
    try {
      if (probe_writer(path).blocked) held_by = "a contender, since the timed rounds";
    } catch (const std::exception& e) {
      fail(std::string{session_each} + ", writer probe: " + e.what());
      return;
    }
    for (std::size_t i = 0; i < contender_count; ++i) {
      measurement& m = slot_of(r, i);
      if (!cs[i] || !m.ms) continue;  // absent, or failed already
      const std::string who = std::string{session_each} + ", " + contender_names[i];
      if (!held_by.empty()) {
        m.error = "writer probe: not asked, a writer was refused before this round (the lock of " +
                  held_by + ")";
        fail(who + ": " + m.error);
        continue;
      }
      try {
        std::optional<writer_probe> seen;
        const checksum got = cs[i]->lookup_each_then(keys, [&] { seen = probe_writer(path); });
        if (!seen) throw std::runtime_error("the contender never called the probe");
        if (got.rows != r.rows) throw std::runtime_error("read " + describe(got) + " when probed");
        m.blocks_writer = seen->blocked;
        m.blocked_at = seen->step;
        if (seen->blocked && i != soci_index) {
          fail(who + ": holds SQLite's read lock after COMMIT (a writer on another connection " +
               "got SQLITE_BUSY at " + seen->step + ")");
        }
        if (probe_writer(path).blocked) {
          held_by = contender_names[i];
          fail(who + ": keeps SQLite's read lock even after the workload returned");
        }
      } catch (const std::exception& e) {
        m.error = std::string{"writer probe: "} + e.what();
        fail(who + ": " + m.error);
      }
    }
  }

  // The peak heap growth while `c` materialises the select workload (objects, identity map,
  // result vectors; the SQLite library's own memory is not operator new's and is not counted).
  static std::optional<std::int64_t> peak_heap(contender* c, double limit, std::uint64_t& rows) {
    if (c == nullptr) return std::nullopt;
    try {
      heap_window_open();
      rows = c->select_below(limit).rows;
      const heap_usage usage = heap_window_read();
      heap_window_close();
      return usage.peak;
    } catch (const std::exception&) {
      heap_window_close();
      return std::nullopt;
    }
  }

  target& m_target;
  const options& m_options;
  const dataset& m_data;
  provider_result& m_out;
  nextorm::database m_names;
  raw_sql m_soci_sql;
};

}  // namespace

provider_result run_provider(target& t, const options& o, const dataset& data) {
  provider_result out;
  provider_run{t, o, data, out}.run();
  return out;
}

}  // namespace nextorm_bench
