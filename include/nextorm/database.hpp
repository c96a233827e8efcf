// A database: a provider and connection URL, the entity registry mapped onto it, the plan cache.
#pragma once

#include <nextorm/entity.hpp>
#include <nextorm/registry.hpp>

#include <chrono>
#include <cstdint>
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

  // The registry, for entities declared at run time (JSON schema) and for inspection.
  [[nodiscard]] registry& schema() noexcept;
  [[nodiscard]] cache_stats plan_cache_stats() const noexcept;
  [[nodiscard]] std::string_view provider() const noexcept;

  [[nodiscard]] detail::database_impl& impl() noexcept { return *m_impl; }

 private:
  void add_entity(entity_info info);
  std::unique_ptr<detail::database_impl> m_impl;
};

}  // namespace nextorm
