// A database: a provider and connection URL, the entity registry mapped onto it, the plan cache.
#pragma once

#include <nextorm/entity.hpp>
#include <nextorm/registry.hpp>

#include <nextorm/sql_log.hpp>

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace nextorm {

namespace detail {
class database_impl;
}

struct mapping_options {
  // Creates the tables, indexes and foreign keys that the database lacks (PonyORM's
  // create_tables: what exists is kept as it is), then checks that every table has its columns.
  bool create_tables = false;
};

// The keyword form of bind(), like PonyORM's `db.bind(provider=..., host=..., ...)`.
struct connection_options {
  std::string provider;  // "sqlite", "postgres" (or "postgresql"), "mariadb" (or "mysql")
  std::string filename;  // sqlite: a path or ":memory:"
  std::string host;
  std::uint16_t port = 0;  // 0: the provider's default
  std::string user;
  std::string password;
  std::string database;
  std::size_t pool_size = 8;  // connections kept open at most (SQLite in memory: always 1)
  // How long a session waits for a connection when all pool_size are in use (pool.timeout).
  std::chrono::milliseconds pool_timeout{30'000};
};

struct cache_stats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
};

class database {
 public:
  database();
  // Same as database{} then bind(url).
  explicit database(std::string_view url);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  // `sqlite::memory:`, `sqlite:path/to/file.db`, `postgresql://user:pass@host:port/db`,
  // `mariadb://user:pass@host:port/db`.
  void bind(std::string_view url);
  void bind(const connection_options& options);

  // Registers C++ entity types (all the entities they refer to must be registered too).
  template <class... Entities>
  void define() {
    (add_entity(describe_entity<Entities>()), ...);
  }

  // Resolves the registry and, if asked, creates the tables.
  void generate_mapping(mapping_options options = {});
  template <class... Entities>
  void generate_mapping(mapping_options options = {}) {
    define<Entities...>();
    generate_mapping(options);
  }

  // bind() and generate_mapping() awaited (docs/async.md): on PostgreSQL and MariaDB the loop
  // goes on while they connect and create the tables.
  //   co_await db.abind("postgresql://..."); co_await db.agenerate_mapping<Product>();
  [[nodiscard]] task<void> abind(std::string url) {
    return detail::call_as_task([this, url = std::move(url)] { bind(url); });
  }
  [[nodiscard]] task<void> abind(connection_options options) {
    return detail::call_as_task([this, options = std::move(options)] { bind(options); });
  }
  [[nodiscard]] task<void> agenerate_mapping(mapping_options options = {}) {
    return detail::call_as_task([this, options] { generate_mapping(options); });
  }
  template <class... Entities>
  [[nodiscard]] task<void> agenerate_mapping(mapping_options options = {}) {
    define<Entities...>();
    return agenerate_mapping(options);
  }

  // The registry, for entities declared at run time (JSON schema) and for inspection.
  [[nodiscard]] registry& schema() noexcept;
  [[nodiscard]] cache_stats plan_cache_stats() const noexcept;

  // PonyORM's set_sql_debug: every statement any session sends (BEGIN and COMMIT too) is written
  // to `out`, then its parameters (`  [1, 'x']`) unless show_values is false. set_sql_debug(true)
  // writes to std::clog; set_sql_debug(false) stops.
  void set_sql_debug(std::ostream& out, bool show_values = true);
  void set_sql_debug(bool on);
  // Statistics per SQL text (PonyORM's local_stats, of every thread): turned on, read, cleared.
  // Each statement is timed while they are on (two clock reads).
  void set_statistics(bool on);
  [[nodiscard]] std::map<std::string, statement_stats> statistics() const;
  void clear_statistics();
  [[nodiscard]] std::string_view provider() const noexcept;

  [[nodiscard]] detail::database_impl& impl() noexcept { return *m_impl; }

 private:
  void add_entity(entity_info info);
  // (Shared with the sessions of the database: one that outlives this object keeps the pool, the
  // schema and the plan cache until it ends.)
  std::shared_ptr<detail::database_impl> m_impl;
};

}  // namespace nextorm
