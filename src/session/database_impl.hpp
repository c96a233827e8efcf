// What a database holds: the registry, the provider, the connection pool, the plan cache, and
// the SQL of the unit of work for each entity.
#pragma once

#include <nextorm/database.hpp>
#include <nextorm/registry.hpp>

#include "compile/compiler.hpp"
#include "driver/connection.hpp"
#include "lower/dialect.hpp"
#include "session/sql_observer.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace nextorm::detail {

// The bits of a column in the shape of a checked write (database_impl::write_statement).
namespace write_shape {
inline constexpr char set = 1;
inline constexpr char check = 2;
}  // namespace write_shape

// The statements the session writes with, built once per entity.
struct entity_statements {
  std::string insert_with_key;     // every column
  std::string insert_without_key;  // without an auto-increment key, which the database makes
  std::string remove;              // WHERE key
  std::string select_by_key;       // every column, WHERE key
  std::string select_where;        // every column, WHERE (conditions to append, ANDed)
  std::string select_where_key;    // the same up to the key column, for `IN (...)` (entities
                                   // with a single-attribute key: the targets of references)
};

class database_impl : public std::enable_shared_from_this<database_impl> {
  // Shared with the object stores of sessions, whose objects may outlive the database.
  std::shared_ptr<registry> m_schema = std::make_shared<registry>();

 public:
  void bind(driver::connection_url parsed, std::size_t pool_size,
            std::chrono::milliseconds pool_timeout = connection_options{}.pool_timeout);
  [[nodiscard]] bool bound() const noexcept { return m_dialect != nullptr; }
  [[nodiscard]] const lower::dialect& dialect() const;

  // A connection for a session, waiting while `pool_size` are in use; returned with release(),
  // or with discard() when it is broken. SQLite in memory has exactly one. An idle connection
  // that the server has closed meanwhile is dropped and replaced, never handed out.
  [[nodiscard]] std::unique_ptr<driver::connection> acquire();
  void release(std::unique_ptr<driver::connection> connection) noexcept;
  void discard(std::unique_ptr<driver::connection> connection) noexcept;
  // The async API's way in (src/async/): a place in the pool for a session that is about to
  // connect, taken without waiting. True when one is free now; else `granted` is queued and
  // called (on whichever thread frees one) once a place is handed to it, in the order asked.
  // A place is used by acquire_reserved(), or given back by unreserve().
  [[nodiscard]] bool reserve(std::function<void()> granted);
  [[nodiscard]] std::unique_ptr<driver::connection> acquire_reserved();
  void unreserve() noexcept;
  [[nodiscard]] std::size_t pool_size() const noexcept { return m_pool_size; }
  [[nodiscard]] std::size_t open_connections() const noexcept { return m_open; }
  // How many idle connections were found closed by the server and replaced.
  [[nodiscard]] std::size_t replaced_connections() const noexcept { return m_replaced; }
  // The round trips the idle connections have made since they opened (drivers that count them:
  // PostgreSQL; 0 elsewhere): bench/ reads it with every connection back in the pool.
  [[nodiscard]] std::uint64_t idle_round_trips() const;

  [[nodiscard]] const entity_statements& statements(const entity_info& entity);
  // A multi-row INSERT of `rows` objects of `entity`: every column (`generated` false) or all
  // but the generated key, then with RETURNING the key (`returning`). Built once per shape.
  [[nodiscard]] const std::string& insert_rows_statement(const entity_info& entity, bool generated,
                                                         std::size_t rows, bool returning);
  // INSERT (add) or DELETE of one join row of a many-to-many attribute, built once.
  [[nodiscard]] const std::string& link_statement(const attr_info& attr, bool add);
  // The UPDATE or DELETE of one object, WHERE key and the optimistic checks: `shape` holds a
  // byte per column of entity.columns, write_shape::set for a column the UPDATE sets,
  // write_shape::check for one it checks (`col IS NOT DISTINCT FROM ?`). Parameters: the set
  // columns, the key, the checked columns. An UPDATE that sets nothing is empty. Built once per
  // shape.
  [[nodiscard]] const std::string& write_statement(const entity_info& entity, bool update,
                                                   const std::string& shape);
  // SELECT of a lazy attribute's column of one object, WHERE key (each key column).
  [[nodiscard]] const std::string& lazy_statement(const entity_info& entity, const attr_info& attr);
  [[nodiscard]] const entity_info& entity_of(const void* type_tag) const;

  void generate_mapping(const mapping_options& options);
  // Compiles each computed attribute of the schema once: errors in their texts are reported
  // when the database is mapped.
  void check_computed();

  registry& schema = *m_schema;
  [[nodiscard]] std::shared_ptr<const registry> shared_schema() const noexcept { return m_schema; }
  compile::plan_cache plans;
  driver::connection_url url;
  // What the connections' statements are shown to (SQL log, captures, statistics). Declared
  // before the pool: every pooled connection refers to it.
  sql_observer observer;

 private:
  // Resolves the registry's names for the bound provider and drops the statements built so far.
  void rename_for_provider();

  const lower::dialect* m_dialect = nullptr;
  mutable std::mutex m_mutex;
  std::condition_variable m_returned;
  // A place in the pool is free while in use + reserved < pool size.
  [[nodiscard]] bool place_free() const noexcept {
    return m_open - m_idle.size() + m_reserved < m_pool_size;
  }
  // Takes an idle connection (dropping those the server closed) or opens one; `lock` is held.
  [[nodiscard]] std::unique_ptr<driver::connection> take(std::unique_lock<std::mutex>& lock);
  // Hands a place to the first queued async reservation, if any; `lock` is held, and released.
  void hand_over(std::unique_lock<std::mutex>& lock) noexcept;

  std::vector<std::unique_ptr<driver::connection>> m_idle;
  std::size_t m_open = 0;
  std::size_t m_reserved = 0;  // places given to async sessions that have not connected yet
  std::deque<std::function<void()>> m_reservations;
  std::size_t m_replaced = 0;
  std::size_t m_pool_size = 1;
  std::chrono::milliseconds m_pool_timeout{30'000};
  std::unordered_map<const entity_info*, entity_statements> m_statements;
  std::unordered_map<const attr_info*, std::pair<std::string, std::string>> m_link_statements;
  std::map<std::tuple<const entity_info*, bool, std::string>, std::string, std::less<>> m_writes;
  std::unordered_map<const attr_info*, std::string> m_lazy_statements;
  std::map<std::tuple<const entity_info*, bool, std::size_t, bool>, std::string> m_insert_rows;

 public:
  // What the async API keeps per database (SQLite's worker threads), made on first use under
  // async_mutex. Declared last: it goes first, before the connections its threads use.
  struct async_extension {
    virtual ~async_extension() = default;
  };
  std::mutex async_mutex;
  std::unique_ptr<async_extension> async;
};

}  // namespace nextorm::detail
