#include "session/database_impl.hpp"

#include "session/observed_connection.hpp"
#include "session/value_checks.hpp"

#include <nextorm/errors.hpp>

#include "compile/compiler.hpp"
#include "migrate/create_missing.hpp"
#include "migrate/ddl.hpp"

#include <chrono>

namespace nextorm::detail {

void database_impl::bind(driver::connection_url parsed, std::size_t pool_size,
                         std::chrono::milliseconds pool_timeout) {
  if (bound())
    throw usage_error("database.bound",
                      "the database is already bound; a database binds once: use another "
                      "nextorm::database for another URL");
  if (pool_size == 0)
    throw usage_error("database.pool_size",
                      "the pool needs at least one connection: set pool_size to 1 or more");
  const lower::dialect* found = lower::find_dialect(parsed.provider);
  // Open one connection now, so that a bad URL fails at bind() rather than in a session.
  auto first = std::make_unique<observed_connection>(driver::open(parsed), observer);
  url = std::move(parsed);
  m_dialect = found;
  m_pool_size = url.provider == "sqlite" && url.path == ":memory:" ? 1 : pool_size;
  m_pool_timeout = pool_timeout;
  m_open = 1;
  m_idle.push_back(std::move(first));
  // Mapped before binding: the names were SQLite's; the provider's own (PonyORM lower-cases
  // default names on PostgreSQL and MariaDB) take over now, before any statement is built.
  if (schema.finalized()) rename_for_provider();
}

void database_impl::rename_for_provider() {
  schema.finalize(bound() ? pony_naming{dialect().name()} : pony_naming{});
  resolve_checks(schema, bound() ? dialect().name() : std::string_view{});
  const std::lock_guard lock{m_mutex};
  m_statements.clear();
  m_link_statements.clear();
  m_writes.clear();
  m_lazy_statements.clear();
  m_insert_rows.clear();
}

const lower::dialect& database_impl::dialect() const {
  if (m_dialect == nullptr) {
    throw usage_error("database.unbound", "the database is not bound: call db.bind(url) first");
  }
  return *m_dialect;
}

std::unique_ptr<driver::connection> database_impl::acquire() {
  std::unique_lock lock{m_mutex};
  if (!place_free()) {
    if (m_pool_size == 1 && url.provider == "sqlite" && url.path == ":memory:") {
      // Every connection to ":memory:" is a database of its own: waiting would never end when
      // the holder is this thread's outer session for another purpose.
      throw usage_error("database.memory_busy",
                        "sqlite::memory: has one connection, and another session holds it; end "
                        "that session first, or use a database file for several sessions");
    }
    // A connection comes back, or one is lost by its session (m_open falls: a timing no test
    // can order).
    const bool returned =
        m_returned.wait_for(lock, m_pool_timeout, [this] { return place_free(); });
    if (!returned) {
      throw connection_error("pool.timeout", "no connection came free in the pool of " +
                                                 std::to_string(m_pool_size) + " within " +
                                                 std::to_string(m_pool_timeout.count()) + " ms");
    }
  }
  return take(lock);
}

std::unique_ptr<driver::connection> database_impl::take(std::unique_lock<std::mutex>& lock) {
  while (!m_idle.empty()) {
    auto connection = std::move(m_idle.back());
    m_idle.pop_back();
    if (connection->alive()) return connection;
    // The server closed it while it waited: replace it (below, or with the next idle one).
    connection.reset();
    --m_open;
    ++m_replaced;
  }
  ++m_open;
  lock.unlock();
  try {
    return std::make_unique<observed_connection>(driver::open(url), observer);
  } catch (...) {
    lock.lock();
    --m_open;
    hand_over(lock);
    throw;
  }
}

bool database_impl::reserve(std::function<void()> granted) {
  const std::lock_guard lock{m_mutex};
  // Those queued before go first.
  if (m_reservations.empty() && place_free()) {
    ++m_reserved;
    return true;
  }
  m_reservations.push_back(std::move(granted));
  return false;
}

std::unique_ptr<driver::connection> database_impl::acquire_reserved() {
  std::unique_lock lock{m_mutex};
  --m_reserved;  // the place is this connection's now
  return take(lock);
}

void database_impl::unreserve() noexcept {
  std::unique_lock lock{m_mutex};
  --m_reserved;
  hand_over(lock);
}

void database_impl::hand_over(std::unique_lock<std::mutex>& lock) noexcept {
  // Each call follows a place set free (a release, a discard, a failed connect, a reservation
  // given back), which a queued reservation takes before any synchronous waiter.
  if (!m_reservations.empty()) {
    auto granted = std::move(m_reservations.front());
    m_reservations.pop_front();
    ++m_reserved;
    lock.unlock();
    granted();
    return;
  }
  lock.unlock();
  m_returned.notify_one();
}

void database_impl::release(std::unique_ptr<driver::connection> connection) noexcept {
  std::unique_lock lock{m_mutex};
  m_idle.push_back(std::move(connection));
  hand_over(lock);
}

void database_impl::discard(std::unique_ptr<driver::connection> connection) noexcept {
  connection.reset();
  std::unique_lock lock{m_mutex};
  --m_open;
  hand_over(lock);
}

std::uint64_t database_impl::idle_round_trips() const {
  const std::lock_guard lock{m_mutex};
  std::uint64_t trips = 0;
  for (const auto& connection : m_idle) trips += connection->round_trips();
  return trips;
}

const entity_info& database_impl::entity_of(const void* type_tag) const {
  const entity_info* found = schema.find_type(type_tag);
  if (found == nullptr || !schema.finalized()) {
    throw usage_error("entity.undefined",
                      "this entity type is not defined in the session's database: call "
                      "define<...>() or generate_mapping<...>() first");
  }
  return *found;
}

namespace {

// `"a" = ? AND "b" = ?`: the key's columns, their placeholders from `first` on.
std::string key_condition(const entity_info& entity, const lower::dialect& d, std::size_t first) {
  std::string out;
  for (std::size_t i = 0; i < entity.key_columns.size(); ++i) {
    out += (i == 0 ? "" : " AND ") + d.quote(entity.key_columns[i].name) + " = " +
           d.placeholder(first + i);
  }
  return out;
}

// The UPDATE (SET of the columns marked write_shape::set) or DELETE of one row, WHERE key and
// the columns marked write_shape::check equal their parameters (NULL equal to NULL). An UPDATE
// that sets nothing is empty.
std::string write_sql(const entity_info& entity, const lower::dialect& d, bool update,
                      const std::string& shape) {
  std::string assignments;
  std::size_t parameter = 0;
  for (std::size_t i = 0; i < entity.columns.size(); ++i) {
    if ((shape[i] & write_shape::set) == 0) continue;
    for (const auto& column : entity.columns[i]->column_names()) {
      assignments +=
          (parameter == 0 ? "" : ", ") + d.quote(column) + " = " + d.placeholder(parameter);
      ++parameter;
    }
  }
  if (update && parameter == 0) return {};
  std::string sql = update ? "UPDATE " + d.quote(entity.table) + " SET " + assignments
                           : "DELETE FROM " + d.quote(entity.table);
  sql += " WHERE " + key_condition(entity, d, parameter);
  parameter += entity.key_columns.size();
  for (std::size_t i = 0; i < entity.columns.size(); ++i) {
    if ((shape[i] & write_shape::check) == 0) continue;
    for (const auto& column : entity.columns[i]->column_names()) {
      sql +=
          " AND " + d.quote(column) + std::string{d.null_safe_equal()} + d.placeholder(parameter++);
    }
  }
  return sql;
}

}  // namespace

const std::string& database_impl::write_statement(const entity_info& entity, bool update,
                                                  const std::string& shape) {
  const std::lock_guard lock{m_mutex};
  auto found = m_writes.find(
      std::tuple<const entity_info*, bool, const std::string&>{&entity, update, shape});
  if (found != m_writes.end()) return found->second;
  return m_writes
      .emplace(std::tuple{&entity, update, shape}, write_sql(entity, dialect(), update, shape))
      .first->second;
}

const std::string& database_impl::lazy_statement(const entity_info& entity, const attr_info& attr) {
  const std::lock_guard lock{m_mutex};
  auto found = m_lazy_statements.find(&attr);
  if (found != m_lazy_statements.end()) return found->second;
  const lower::dialect& d = dialect();
  return m_lazy_statements
      .emplace(&attr, "SELECT " + d.quote(attr.column) + " FROM " + d.quote(entity.table) +
                          " WHERE " + key_condition(entity, d, 0))
      .first->second;
}

const std::string& database_impl::insert_rows_statement(const entity_info& entity, bool generated,
                                                        std::size_t rows, bool returning) {
  const std::lock_guard lock{m_mutex};
  const auto shape = std::tuple{&entity, generated, rows, returning};
  auto found = m_insert_rows.find(shape);
  if (found != m_insert_rows.end()) return found->second;
  const lower::dialect& d = dialect();
  std::string columns;
  std::size_t width = 0;
  for (const attr_info* attr : entity.columns) {
    if (generated && attr->key_part) continue;
    for (const auto& column : attr->column_names()) {
      columns += (width++ == 0 ? "" : ", ") + d.quote(column);
    }
  }
  std::string sql = "INSERT INTO " + d.quote(entity.table) + " (" + columns + ") VALUES ";
  std::size_t placeholder = 0;
  for (std::size_t row = 0; row < rows; ++row) {
    sql += row == 0 ? "(" : ", (";
    for (std::size_t column = 0; column < width; ++column) {
      sql += (column == 0 ? "" : ", ") + d.placeholder(placeholder++);
    }
    sql += ')';
  }
  if (returning) sql += " RETURNING " + d.quote(entity.pk().column);
  return m_insert_rows.emplace(shape, std::move(sql)).first->second;
}

const entity_statements& database_impl::statements(const entity_info& entity) {
  const std::lock_guard lock{m_mutex};
  auto found = m_statements.find(&entity);
  if (found != m_statements.end()) return found->second;
  const lower::dialect& d = dialect();
  const std::string table = d.quote(entity.table);
  const std::string key = d.quote(entity.pk().column);
  auto key_condition = [&](std::size_t first) {
    return nextorm::detail::key_condition(entity, d, first);
  };
  entity_statements s;
  std::string all_columns;
  std::string all_values;
  std::string generated_columns;
  std::string generated_values;
  std::size_t all = 0;
  std::size_t generated = 0;
  for (const attr_info* attr : entity.columns) {
    for (const auto& column : attr->column_names()) {
      const std::string name = d.quote(column);
      all_columns += (all == 0 ? "" : ", ") + name;
      all_values += (all == 0 ? "" : ", ") + d.placeholder(all);
      ++all;
      if (attr->key_part) continue;
      generated_columns += (generated == 0 ? "" : ", ") + name;
      generated_values += (generated == 0 ? "" : ", ") + d.placeholder(generated);
      ++generated;
    }
  }
  s.insert_with_key = "INSERT INTO " + table + " (" + all_columns + ") VALUES (" + all_values + ")";
  s.insert_without_key = generated == 0
                             // Only the generated key: MariaDB has no DEFAULT VALUES form.
                             ? (d.name() == "mariadb" ? "INSERT INTO " + table + " () VALUES ()"
                                                      : "INSERT INTO " + table + " DEFAULT VALUES")
                             : "INSERT INTO " + table + " (" + generated_columns + ") VALUES (" +
                                   generated_values + ")";
  if (d.has_returning()) s.insert_without_key += " RETURNING " + key;
  s.remove = "DELETE FROM " + table + " WHERE " + key_condition(0);
  // An object is read with every column of its table: in a hierarchy, a row of any class.
  std::string load_columns;
  for (const attr_info* attr : entity.load_columns) {
    for (const auto& column : attr->column_names()) {
      load_columns += (load_columns.empty() ? "" : ", ") + d.quote(column);
    }
  }
  const std::string of_class = d.class_condition(entity);
  const std::string select = "SELECT " + load_columns + " FROM " + table + " WHERE " +
                             (of_class.empty() ? "" : of_class + " AND ");
  s.select_where_key = select + key;
  s.select_where = select;
  s.select_by_key = select + key_condition(0);
  return m_statements.emplace(&entity, std::move(s)).first->second;
}

const std::string& database_impl::link_statement(const attr_info& attr, bool add) {
  const std::lock_guard lock{m_mutex};
  auto found = m_link_statements.find(&attr);
  if (found == m_link_statements.end()) {
    const lower::dialect& d = dialect();
    // Bound as the owner's key, then the item's: one parameter per column.
    std::string columns;
    std::string placeholders;
    std::string condition;
    std::size_t i = 0;
    for (const auto* side : {&attr.m2m_own_columns, &attr.m2m_other_columns}) {
      for (const auto& column : *side) {
        const std::string placeholder = d.placeholder(i);
        columns += (i == 0 ? "" : ", ") + d.quote(column);
        placeholders += (i == 0 ? "" : ", ") + placeholder;
        condition += (i == 0 ? "" : " AND ") + d.quote(column) + " = " + placeholder;
        ++i;
      }
    }
    const std::string table = d.quote(attr.m2m_table);
    found = m_link_statements
                .emplace(&attr, std::pair{"INSERT INTO " + table + " (" + columns + ") VALUES (" +
                                              placeholders + ")",
                                          "DELETE FROM " + table + " WHERE " + condition})
                .first;
  }
  return add ? found->second.first : found->second.second;
}

namespace {

// A value of type `t` for a computed method's parameter, so that its text can be compiled
// before any query uses it; None (which fits any type) for the rarer types.
param_value sample(value_type t) {
  switch (t) {
    case value_type::integer: return param_value{std::int64_t{0}};
    case value_type::real: return param_value{0.0};
    case value_type::text: return param_value{std::string{}};
    case value_type::boolean: return param_value{false};
    default: return param_value{};
  }
}

}  // namespace

void database_impl::check_computed() {
  for (const auto& entity : schema.entities()) {
    for (const computed_info& c : entity->computed) {
      ir::query_spec spec;
      spec.text = "__o." + c.name;
      params args;
      if (!c.params.empty()) {
        spec.text += '(';
        for (std::size_t i = 0; i < c.params.size(); ++i) {
          const std::string name = "__a" + std::to_string(i);
          spec.text += (i == 0 ? "" : ", ") + name;
          args.emplace(name, sample(c.params[i]));
        }
        spec.text += ')';
      }
      spec.text += " for __o in " + entity->name;
      try {
        (void)compile::compile_query(spec, schema, dialect(), args);
      } catch (const query_error& e) {
        // The binder names where the text was used: here, the start of this made-up query.
        std::string message = e.message();
        const std::string use = ", used at line 1, column 1)";
        if (message.ends_with(use)) message.replace(message.size() - use.size(), use.size(), ")");
        throw query_error{e.category(), e.id(), message, e.query(), e.span()};
      }
    }
  }
}

void database_impl::generate_mapping(const mapping_options& options) {
  // PonyORM's default names depend on the provider (lower case on PostgreSQL and MariaDB).
  rename_for_provider();
  // A computed attribute's text is checked now rather than by the first query that uses it.
  if (bound()) check_computed();
  if (!options.create_tables) return;
  // An unbound database says so, before a connection to an empty URL is tried.
  const lower::dialect& d = dialect();
  auto connection = acquire();
  try {
    connection->begin();
    // As PonyORM: only what is missing is created, then every table is checked for its columns.
    (void)schema_change::create_missing(*connection, schema, d);
    schema_change::check_tables(*connection, schema, d);
    connection->commit();
  } catch (...) {
    try {
      connection->rollback();
      release(std::move(connection));
    } catch (...) {
      discard(std::move(connection));
    }
    throw;
  }
  release(std::move(connection));
}

}  // namespace nextorm::detail
