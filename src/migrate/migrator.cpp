#include "migrate/migrator.hpp"

#include "migrate/catalog.hpp"
#include "migrate/drift.hpp"

#include <nextorm/errors.hpp>

#include "common/suggest.hpp"
#include "common/unreachable.hpp"
#include "migrate/diff.hpp"
#include "migrate/render.hpp"
#include "migrate/snapshot.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <random>
#include <set>
#include <thread>

namespace nextorm::schema_change {
namespace {

using clock = std::chrono::steady_clock;

constexpr const char* history_table = "nextorm_migrations";
constexpr const char* lock_table = "nextorm_migrations_lock";
// PostgreSQL's advisory lock key of the migrator (any constant; "nextorm" in ASCII).
constexpr const char* advisory_key = "110101116111114109";

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&t, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

bool is_sqlite(const lower::dialect& d) { return d.name() == "sqlite"; }
bool is_mariadb(const lower::dialect& d) { return d.name() == "mariadb"; }

}  // namespace

migrator::migrator(driver::connection& connection, const lower::dialect& dialect,
                   std::vector<migration> migrations)
    : m_connection{connection}, m_dialect{dialect}, m_migrations{std::move(migrations)} {
  char host[256] = {};
  (void)gethostname(host, sizeof host - 1);
  std::random_device random;
  m_owner = std::string{host} + ":" + std::to_string(getpid()) + ":" + std::to_string(random());
}

void migrator::ensure_history() {
  const std::string& q = m_dialect.quote(history_table);
  m_connection.execute_script("CREATE TABLE IF NOT EXISTS " + q +
                              " (version INTEGER NOT NULL PRIMARY KEY, name VARCHAR(255) NOT "
                              "NULL, checksum VARCHAR(32) NOT NULL, applied_at VARCHAR(32) NOT "
                              "NULL, duration_ms BIGINT NOT NULL, success INTEGER NOT NULL, step "
                              "INTEGER NOT NULL)");
}

std::vector<history_row> migrator::read_history() {
  std::vector<history_row> out;
  auto rows = m_connection.query(
      "SELECT version, name, checksum, applied_at, duration_ms, "
      "success, step FROM " +
          m_dialect.quote(history_table) + " ORDER BY version",
      {});
  while (rows->next()) {
    history_row r;
    r.version = static_cast<int>(rows->get_int(0));
    r.name = rows->get_text(1);
    r.checksum = rows->get_text(2);
    r.applied_at = rows->get_text(3);
    r.duration_ms = rows->get_int(4);
    r.success = rows->get_int(5) != 0;
    r.step = static_cast<int>(rows->get_int(6));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<migration_state> migrator::status() {
  std::vector<history_row> history;
  try {
    history = read_history();
  } catch (const database_error&) {
    // No history table: nothing was applied. (PostgreSQL: the failed statement ended no
    // transaction, there is none.)
  }
  std::vector<migration_state> out;
  for (const migration& m : m_migrations) {
    migration_state s{m.version, m.name, migration_status::pending, std::nullopt};
    const auto row = std::find_if(history.begin(), history.end(),
                                  [&](const history_row& r) { return r.version == m.version; });
    if (row != history.end()) {
      s.row = *row;
      s.status = !row->success                 ? migration_status::failed
                 : row->checksum != m.checksum ? migration_status::edited
                                               : migration_status::applied;
    }
    out.push_back(std::move(s));
  }
  for (const history_row& r : history) {
    const bool known = std::any_of(m_migrations.begin(), m_migrations.end(),
                                   [&](const migration& m) { return m.version == r.version; });
    if (!known) out.push_back({r.version, r.name, migration_status::missing, r});
  }
  std::sort(out.begin(), out.end(), [](const migration_state& a, const migration_state& b) {
    return a.version < b.version;
  });
  return out;
}

void migrator::lock(std::chrono::milliseconds timeout) {
  const clock::time_point until = clock::now() + timeout;
  if (is_sqlite(m_dialect)) {
    // BEGIN IMMEDIATE of each migration waits this long for another writer.
    m_connection.execute_script("PRAGMA busy_timeout = " + std::to_string(timeout.count()));
    return;
  }
  if (is_mariadb(m_dialect)) {
    m_connection.execute_script("CREATE TABLE IF NOT EXISTS " + m_dialect.quote(lock_table) +
                                " (id INTEGER NOT NULL PRIMARY KEY, owner VARCHAR(255) NOT NULL, "
                                "locked_at VARCHAR(32) NOT NULL)");
    // The owner names its server and connection, so that a migrator that died with its
    // connection can be told from one that runs (see take_stale_lock).
    auto rows =
        m_connection.query("SELECT CONCAT('@', @@hostname, ':', @@port, '#', CONNECTION_ID())", {});
    if (!rows->next()) detail::unreachable("SELECT CONNECTION_ID() gave no row");
    m_server_connection = std::string{rows->get_text(0)};
  }
  for (;;) {
    bool taken = false;
    if (is_mariadb(m_dialect)) {
      try {
        (void)m_connection.execute(
            "INSERT INTO " + m_dialect.quote(lock_table) +
                " (id, owner, locked_at) VALUES (1, ?, ?)",
            std::vector<value>{value{m_owner + m_server_connection}, value{now_utc()}});
        taken = true;
      } catch (const integrity_error&) {
        // Another migrator's row: taken over at once if its connection is gone.
        if (take_stale_lock()) continue;
      }
    } else {
      auto rows =
          m_connection.query(std::string{"SELECT pg_try_advisory_lock("} + advisory_key + ")", {});
      if (!rows->next()) detail::unreachable("pg_try_advisory_lock gave no row");
      taken = rows->get(0, value_type::boolean) == value{true};
    }
    if (taken) return;
    if (clock::now() >= until) {
      throw transaction_error(
          "migrate.locked",
          "waited " + std::to_string(timeout.count() / 1000) +
              " s for another migrator, which holds the migration lock; wait for it to finish" +
              (is_mariadb(m_dialect)
                   ? std::string{" (if none is running, one that crashed left its row: DELETE "
                                 "FROM "} +
                         lock_table + ")"
                   : std::string{}));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
}

// MariaDB: whether the lock row names a connection of this very server that no longer exists (a
// migrator that crashed, or whose connection was killed, left it); if so it is deleted. A row of
// another server of a cluster is never judged: this server cannot see its connections.
bool migrator::take_stale_lock() {
  auto rows =
      m_connection.query("SELECT owner FROM " + m_dialect.quote(lock_table) + " WHERE id = 1", {});
  if (!rows->next()) return true;  // coverage-exempt: released since the INSERT: try again
  const std::string owner{rows->get_text(0)};
  rows.reset();
  const auto at = owner.rfind('@');
  const auto hash = owner.rfind('#');
  const std::string mine = m_server_connection.substr(0, m_server_connection.rfind('#'));
  if (at == std::string::npos || hash == std::string::npos || hash < at ||
      owner.substr(at, hash - at) != mine) {
    return false;
  }
  auto alive =
      m_connection.query("SELECT COUNT(*) FROM information_schema.processlist WHERE id = ?",
                         std::vector<value>{value{owner.substr(hash + 1)}});
  if (!alive->next()) detail::unreachable("SELECT COUNT(*) gave no row");
  if (alive->get(0, value_type::integer) != value{std::int64_t{0}}) return false;
  alive.reset();
  (void)m_connection.execute(
      "DELETE FROM " + m_dialect.quote(lock_table) + " WHERE id = 1 AND owner = ?",
      std::vector<value>{value{owner}});
  return true;
}

void migrator::begin_locked(std::chrono::milliseconds timeout) {
  try {
    m_connection.begin_serializable();
  } catch (const error& e) {
    // SQLite waited its busy timeout (the lock timeout) for another writer.
    if (e.id() != "sqlite.lock_timeout") throw;  // coverage-exempt: only a lock stops it
    throw transaction_error("migrate.locked",
                            "waited " + std::to_string(timeout.count() / 1000) +
                                " s for another migrator (or writer), which holds the database; "
                                "wait for it to finish (" +
                                e.what() + ")");
  }
}

void migrator::unlock() noexcept {
  try {
    if (is_mariadb(m_dialect)) {
      (void)m_connection.execute(
          "DELETE FROM " + m_dialect.quote(lock_table) + " WHERE id = 1 AND owner = ?",
          std::vector<value>{value{m_owner + m_server_connection}});
    } else if (!is_sqlite(m_dialect)) {
      (void)m_connection.query(std::string{"SELECT pg_advisory_unlock("} + advisory_key + ")", {});
    }
  } catch (...) {
    // A broken connection released the lock with the session.
  }
}

void migrator::record(const migration& m, std::int64_t duration_ms, bool success, int step,
                      bool exists) {
  const std::string table = m_dialect.quote(history_table);
  std::vector<value> params{value{m.name},      value{m.checksum},      value{now_utc()},
                            value{duration_ms}, value{success ? 1 : 0}, value{step},
                            value{m.version}};
  if (exists) {
    (void)m_connection.execute(
        "UPDATE " + table + " SET name = " + m_dialect.placeholder(0) + ", checksum = " +
            m_dialect.placeholder(1) + ", applied_at = " + m_dialect.placeholder(2) +
            ", duration_ms = " + m_dialect.placeholder(3) +
            ", success = " + m_dialect.placeholder(4) + ", step = " + m_dialect.placeholder(5) +
            " WHERE version = " + m_dialect.placeholder(6),
        params);
  } else {
    (void)m_connection.execute(
        "INSERT INTO " + table +
            " (name, checksum, applied_at, duration_ms, success, step, version) VALUES (" +
            m_dialect.placeholder(0) + ", " + m_dialect.placeholder(1) + ", " +
            m_dialect.placeholder(2) + ", " + m_dialect.placeholder(3) + ", " +
            m_dialect.placeholder(4) + ", " + m_dialect.placeholder(5) + ", " +
            m_dialect.placeholder(6) + ")",
        params);
  }
}

void migrator::check_steps(const migration& m, const std::vector<rendered_step>& steps,
                           bool undoing) const {
  for (const rendered_step& step : steps) {
    if (step.call.empty() || (m_options.has_step && m_options.has_step(step.call))) continue;
    throw schema_error(
        "migrate.step_missing",
        "migration " + m.name + " runs the C++ step '" + step.call + "', which " +
            (m_options.has_step ? std::string{"the program did not register: add it to "
                                              "migration_options::steps"}
                                : std::string{"only a program that registers it can run: apply "
                                              "this migration with nextorm::migrate(db, dir, "
                                              "{.steps = ...}) from that program"}) +
            " (docs/migrations.md); nothing of it was " + (undoing ? "undone" : "applied"));
  }
}

void migrator::apply(const migration& m, const nlohmann::json& before, const history_row* resumed) {
  const std::vector<rendered_step> steps = render(m, before, m_dialect);
  check_steps(m, steps, false);
  const bool progress = is_mariadb(m_dialect);
  const int first = resumed != nullptr ? resumed->step : 0;
  if (progress && resumed == nullptr) record(m, 0, false, 0, false);
  const clock::time_point start = clock::now();
  run_steps(m, steps, first, false);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start).count();
  record(m, ms, true, static_cast<int>(steps.size()), progress || resumed != nullptr);
}

void migrator::undo(const migration& m, const nlohmann::json& previous) {
  // What the migration lost cannot come back, nor can what its own SQL did unless it says how.
  std::vector<std::string> why = diff_schemas(previous, m.snapshot).destructive;
  nlohmann::json reverse_data = nlohmann::json::array();
  for (const nlohmann::json& op : m.operations) {
    const bool call = op["op"] == "call";
    if (op["op"] != "sql" && !call) continue;
    if (!op.contains("reverse")) {
      why.push_back(call ? "runs the C++ step '" + op["name"].get<std::string>() +
                               "' without a \"reverse\" step"
                         : std::string{"runs SQL of its own (a data migration) without a "
                                       "\"reverse\""});
      continue;
    }
    nlohmann::json back = call ? nlohmann::json{{"name", op["reverse"]}} : op["reverse"];
    back["op"] = op["op"];
    reverse_data.insert(reverse_data.begin(), std::move(back));
  }
  if (!why.empty()) {
    std::string reasons;
    for (const auto& w : why) reasons += (reasons.empty() ? "it " : "; it ") + w;
    throw usage_error("migrate.down", "migration " + m.name + " cannot be undone: " + reasons +
                                          "; write the way back as a new migration");
  }
  // The way back: the reverse of its data steps, then the schema from its snapshot to the one
  // before (renames undone by their renamed_from).
  migration back = m;
  back.operations = std::move(reverse_data);
  for (auto& op : diff_schemas(m.snapshot, previous).operations) back.operations.push_back(op);
  back.snapshot = previous;
  const std::vector<rendered_step> steps = render(back, m.snapshot, m_dialect);
  check_steps(m, steps, true);
  run_steps(m, steps, 0, true);
  (void)m_connection.execute("DELETE FROM " + m_dialect.quote(history_table) +
                                 " WHERE version = " + m_dialect.placeholder(0),
                             std::vector<value>{value{m.version}});
}

void migrator::run_call(const rendered_step& step, const migration& m) {
  // On MariaDB, where nothing else of a migration is one transaction, a C++ step is one of its
  // own: what a failing step wrote goes (unless the step ran DDL, which commits there).
  const bool own_transaction = is_mariadb(m_dialect);
  if (own_transaction) m_connection.begin();
  try {
    m_options.run_step(step.call, m);
  } catch (...) {
    if (own_transaction) {
      try {
        m_connection.rollback();
      } catch (...) {
        // The step's error says more.
      }
    }
    throw;
  }
  if (own_transaction) m_connection.commit();
}

void migrator::run_steps(const migration& m, const std::vector<rendered_step>& steps, int first,
                         bool undoing) {
  const bool progress = is_mariadb(m_dialect) && !undoing;
  m_pending_triggers.clear();
  for (std::size_t i = static_cast<std::size_t>(first); i < steps.size(); ++i) {
    const rendered_step& step = steps[i];
    try {
      if (!step.requires_empty_table.empty()) {
        auto rows = m_connection.query(
            "SELECT 1 FROM " + m_dialect.quote(step.requires_empty_table) + " LIMIT 1", {});
        if (rows->next()) {
          throw schema_error(
              "migrate.not_null_without_default",
              "it adds a NOT NULL column without a default to table " + step.requires_empty_table +
                  ", which has rows: give the attribute a default (or sql_default), make it "
                  "optional, or add it optional, fill it in a data migration, then make it "
                  "required");
        }
      }
      if (!step.call.empty()) {
        run_call(step, m);
      } else if (step.keeps_triggers_of.empty()) {
        m_connection.execute_script(step.sql);
      } else {
        drop_keeping_triggers(step);
      }
    } catch (const std::exception& e) {
      // (A C++ step may throw anything derived from std::exception.)
      std::string where = std::string{undoing ? "undoing " : ""} + "migration " + m.name +
                          " failed at statement " + std::to_string(i + 1) + " of " +
                          std::to_string(steps.size()) + " (" + step.sql + "): " + e.what();
      if (undoing && is_mariadb(m_dialect)) {
        where += "; MariaDB commits each DDL statement, so the " + std::to_string(i) +
                 " before it stay undone while the migration is still recorded as applied: "
                 "finish the way back by hand, then delete its row from nextorm_migrations";
      } else if (progress && i == 0) {
        where +=
            "; none of its statements was applied: fix the cause (or the migration) and "
            "run migrate again";
      } else if (progress) {
        where += "; MariaDB commits each DDL statement, so the " + std::to_string(i) +
                 " before it stay applied: fix the cause and run migrate again to resume at "
                 "statement " +
                 std::to_string(i + 1);
      } else {
        where += "; nothing of it was applied (it was rolled back)";
      }
      throw schema_error("migrate.failed", where);
    }
    if (progress) record(m, 0, false, static_cast<int>(i + 1), true);
  }
  // SQLite: the triggers of the tables it rebuilt, made again on the new tables.
  for (const std::string& trigger : m_pending_triggers) {
    try {
      m_connection.execute_script(trigger);
    } catch (const error& e) {
      throw schema_error("migrate.failed", "migration " + m.name +
                                               " cannot make again a trigger of a table it "
                                               "rebuilt (" +
                                               trigger + "): " + e.what() +
                                               "; nothing of it was applied (it was rolled back)");
    }
  }
  m_pending_triggers.clear();
}

void migrator::drop_keeping_triggers(const rendered_step& step) {
  std::vector<std::string> triggers;
  {
    // (The parameter outlives the cursor: SQLite binds its text without a copy.)
    const std::vector<value> table{value{step.keeps_triggers_of}};
    auto rows = m_connection.query(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", table);
    while (rows->next()) triggers.emplace_back(rows->get_text(0));
  }
  m_connection.execute_script(step.sql);
  m_pending_triggers.insert(m_pending_triggers.end(), triggers.begin(), triggers.end());
}

void migrator::finish(const migration& m) {
  if (is_sqlite(m_dialect)) {
    auto broken = m_connection.query("PRAGMA foreign_key_check", {});
    if (broken->next()) {
      throw schema_error(
          "migrate.foreign_key_check",
          "migration " + m.name + " leaves a row of table " + std::string{broken->get_text(0)} +
              " whose foreign key finds no row in table " + std::string{broken->get_text(2)} +
              "; nothing of it was applied (it was rolled back)");
    }
  }
  if (!is_mariadb(m_dialect)) m_connection.commit();
  if (is_sqlite(m_dialect)) m_connection.execute_script("PRAGMA foreign_keys = ON");
}

std::vector<migrated> migrator::migrate(const migrate_options& options) {
  m_options = options;
  std::vector<migrated> applied;
  const bool sqlite = is_sqlite(m_dialect);
  const bool transactional = !is_mariadb(m_dialect);
  lock(options.lock_timeout);
  struct unlocker {
    migrator& self;
    ~unlocker() { self.unlock(); }
  } release{*this};
  // (SQLite: inside each migration's BEGIN IMMEDIATE, the lock there.)
  if (!sqlite) ensure_history();
  for (;;) {
    // SQLite checks foreign keys at the end (foreign_key_check), not while a rebuild drops a
    // table others refer to; the pragma has no effect inside a transaction.
    if (sqlite) m_connection.execute_script("PRAGMA foreign_keys = OFF");
    try {
      if (sqlite) {
        begin_locked(options.lock_timeout);
        ensure_history();
      }
      std::vector<history_row> history = read_history();
      int highest = 0;
      for (const history_row& r : history) {
        if (r.success) highest = std::max(highest, r.version);
      }
      if (options.to && *options.to < highest) {
        // Back: the highest applied migration is undone, then the loop looks again.
        const auto it = std::find_if(m_migrations.begin(), m_migrations.end(),
                                     [&](const migration& m) { return m.version == highest; });
        if (it == m_migrations.end()) {
          throw usage_error("migrate.down", "migration " + std::to_string(highest) +
                                                " is applied but its file is gone: it cannot be "
                                                "undone");
        }
        const auto row = std::find_if(history.begin(), history.end(),
                                      [&](const history_row& r) { return r.version == highest; });
        if (row->checksum != it->checksum) {
          throw schema_error("migrate.edited", "migration " + it->name +
                                                   " was edited since it was applied: its way "
                                                   "back cannot be known from the file");
        }
        const nlohmann::json previous =
            it == m_migrations.begin() ? nlohmann::json::object() : std::prev(it)->snapshot;
        if (transactional && !sqlite) m_connection.begin();
        if (!options.fake) {
          undo(*it, previous);
        } else {
          (void)m_connection.execute("DELETE FROM " + m_dialect.quote(history_table) +
                                         " WHERE version = " + m_dialect.placeholder(0),
                                     std::vector<value>{value{it->version}});
        }
        finish(*it);
        applied.push_back({it->name, true});
        continue;
      }
      const migration* next = nullptr;
      const history_row* resumed = nullptr;
      std::size_t index = 0;
      for (std::size_t i = 0; i < m_migrations.size() && next == nullptr; ++i) {
        const migration& m = m_migrations[i];
        if (options.to && m.version > *options.to) break;
        const auto row = std::find_if(history.begin(), history.end(),
                                      [&](const history_row& r) { return r.version == m.version; });
        // (A migration that failed before its first statement has nothing applied to keep.)
        const bool untouched = row != history.end() && !row->success && row->step == 0;
        if (row != history.end() && row->checksum != m.checksum && !untouched) {
          if (!options.repair_checksum || !row->success) {
            throw schema_error(
                "migrate.edited",
                "migration " + m.name + " was " + (row->success ? "applied" : "partly applied") +
                    " with checksum " + row->checksum + ", but its file now has " + m.checksum +
                    ": an applied migration must not change (make a new one); if the edit is "
                    "harmless (and the database already matches it), accept it with "
                    "--repair-checksum" +
                    (row->success ? "" : " after the migration has finished"));
          }
          (void)m_connection.execute("UPDATE " + m_dialect.quote(history_table) +
                                         " SET checksum = " + m_dialect.placeholder(0) +
                                         " WHERE version = " + m_dialect.placeholder(1),
                                     std::vector<value>{value{m.checksum}, value{m.version}});
        }
        if (row != history.end() && row->success) continue;
        next = &m;
        index = i;
        if (row != history.end()) resumed = &*row;
      }
      if (next == nullptr) {
        if (sqlite) m_connection.commit();  // (the servers' read happened outside one)
        if (sqlite) m_connection.execute_script("PRAGMA foreign_keys = ON");
        break;
      }
      if (transactional && !sqlite) m_connection.begin();
      if (options.fake) {
        record(*next, 0, true, 0, resumed != nullptr);
      } else {
        const nlohmann::json before =
            index == 0 ? nlohmann::json::object() : m_migrations[index - 1].snapshot;
        apply(*next, before, resumed);
      }
      finish(*next);
      applied.push_back({next->name, false});
    } catch (...) {
      if (transactional) {
        try {
          m_connection.rollback();
        } catch (...) {
          // The error that brought us here says more.
        }
      }
      if (sqlite) {
        try {
          m_connection.execute_script("PRAGMA foreign_keys = ON");
        } catch (...) {
        }
      }
      throw;
    }
  }
  return applied;
}

std::vector<std::string> migrator::missing_tables(const migration& m) {
  // Names in any letter case: the databases compare them so (MariaDB's tables: as the file
  // system does, and NextORM's names differ in case only where PonyORM's do).
  std::set<std::string> live;
  for (const catalog_table& t : read_catalog(m_connection, m_dialect)) {
    live.insert(lower_case(t.name));
  }
  std::vector<std::string> out;
  for (const table_def& t : snapshot_tables(m.snapshot, m_dialect)) {
    if (live.count(lower_case(t.name)) == 0) out.push_back(t.name);
  }
  return out;
}

std::vector<std::string> migrator::drift() {
  std::vector<history_row> history;
  try {
    history = read_history();
  } catch (const database_error&) {
  }
  const migration* last = nullptr;
  for (const migration& m : m_migrations) {
    const bool applied = std::any_of(history.begin(), history.end(), [&](const history_row& r) {
      return r.version == m.version && r.success;
    });
    if (applied) last = &m;
  }
  const auto schema =
      snapshot_registry(last != nullptr ? last->snapshot : nlohmann::json::object(), m_dialect);
  return drift_between(*schema, describe(*schema, m_dialect), read_catalog(m_connection, m_dialect),
                       m_dialect);
}

}  // namespace nextorm::schema_change
