#include <nextorm/database.hpp>
#include <nextorm/session.hpp>

#include "session/database_impl.hpp"
#include "session/session_impl.hpp"

#include <exception>
#include <iostream>
#include <random>
#include <thread>

namespace nextorm {

database::database() : m_impl{std::make_shared<detail::database_impl>()} {}
database::database(std::string_view url) : database{} { bind(url); }
database::~database() = default;

void database::bind(std::string_view url) {
  m_impl->bind(driver::parse_url(url), connection_options{}.pool_size);
}

void database::bind(const connection_options& options) {
  driver::connection_url url;
  const std::string& p = options.provider;
  if (p == "sqlite") {
    url.provider = "sqlite";
    url.path = options.filename.empty() ? ":memory:" : options.filename;
  } else if (p == "postgres" || p == "postgresql" || p == "mariadb" || p == "mysql") {
    url.provider = p.starts_with("postgres") ? "postgres" : "mariadb";
    url.host = options.host.empty() ? "127.0.0.1" : options.host;
    url.port = options.port;
    url.user = options.user;
    url.password = options.password;
    url.database = options.database;
  } else {
    throw usage_error("url.provider", "unknown database provider '" + p +
                                          "'; expected sqlite, postgres or mariadb");
  }
  url.original = driver::to_url(url);
  m_impl->bind(std::move(url), options.pool_size, options.pool_timeout);
}
void database::add_entity(entity_info info) { m_impl->schema.add(std::move(info)); }
void database::generate_mapping(mapping_options options) { m_impl->generate_mapping(options); }
registry& database::schema() noexcept { return m_impl->schema; }
std::string_view database::provider() const noexcept { return m_impl->url.provider; }

void database::set_sql_debug(std::ostream& out, bool show_values) {
  m_impl->observer.set_debug(&out, show_values);
}
void database::set_sql_debug(bool on) {
  m_impl->observer.set_debug(on ? &std::clog : nullptr, true);
}
void database::set_statistics(bool on) { m_impl->observer.set_stats(on); }
std::map<std::string, statement_stats> database::statistics() const {
  return m_impl->observer.stats();
}
void database::clear_statistics() { m_impl->observer.clear_stats(); }

cache_stats database::plan_cache_stats() const noexcept {
  return cache_stats{m_impl->plans.hits(), m_impl->plans.misses()};
}

db_session::db_session(database& db, session_options options)
    : m_uncaught_at_start{std::uncaught_exceptions()} {
  // Pony ignores a db_session inside another for the same database; so do we.
  const auto* current = detail::session_impl::current_or_null();
  if (current == nullptr || &const_cast<detail::session_impl*>(current)->db() != &db.impl()) {
    m_impl = std::make_unique<detail::session_impl>(db.impl(), options);
  }
}

db_session::~db_session() noexcept(false) {
  if (!m_impl) return;
  // Leaving by an exception, or a failing commit: the session's end rolls back.
  if (std::uncaught_exceptions() > m_uncaught_at_start) return;
  try {
    m_impl->commit();
  } catch (...) {
    m_impl.reset();
    throw;
  }
}

void db_session::flush() {
  if (m_impl) m_impl->flush();
}

void db_session::commit() {
  if (m_impl) m_impl->commit();
}

void db_session::rollback() {
  if (m_impl) m_impl->rollback();
}

void flush() { detail::session_impl::current().flush(); }
void commit() { detail::session_impl::current().commit(); }
void rollback() { detail::session_impl::current().rollback(); }

namespace detail {

namespace {

// The failures that another transaction caused: the same work may succeed when run again.
bool transient(const error& e) noexcept {
  return dynamic_cast<const deadlock_detected*>(&e) != nullptr ||
         dynamic_cast<const serialization_failure*>(&e) != nullptr ||
         dynamic_cast<const lock_timeout*>(&e) != nullptr ||
         dynamic_cast<const optimistic_check_error*>(&e) != nullptr;
}

std::chrono::microseconds jittered(std::chrono::milliseconds wait) {
  thread_local std::minstd_rand random{std::random_device{}()};
  const auto most = std::chrono::duration_cast<std::chrono::microseconds>(wait).count();
  std::uniform_int_distribution<std::int64_t> pick{most / 2, most};
  return std::chrono::microseconds{pick(random)};
}

}  // namespace

void run_transaction(database& db, const transact_options& options,
                     const std::function<void()>& work) {
  const session_impl* current = session_impl::current_or_null();
  if (current != nullptr && &const_cast<session_impl*>(current)->db() == &db.impl()) {
    if (options.retry != 0) {
      throw usage_error("session.nested_retry",
                        "transact with retry inside a db_session of the same database: the inner "
                        "unit of work is part of the outer one and cannot be rerun alone; call "
                        "transact outside the db_session, or with retry = 0");
    }
    work();  // the outer session's, as a nested db_session is
    return;
  }
  if (options.retry < 0) {
    throw usage_error("session.retry", "transact's retry is a number of reruns, 0 or more (" +
                                           std::to_string(options.retry) + " given)");
  }
  std::chrono::milliseconds wait = options.backoff;
  for (int attempt = 0;; ++attempt) {
    try {
      db_session session{db, session_options{.optimistic = options.optimistic,
                                             .serializable = options.serializable,
                                             .strict = options.strict,
                                             .batch_inserts = options.batch_inserts,
                                             .statement_timeout = options.statement_timeout,
                                             .stop = options.stop}};
      work();
      session.commit();
      return;
    } catch (const error& e) {
      if (attempt >= options.retry || !transient(e)) throw;
    }
    std::this_thread::sleep_for(jittered(wait));
    wait = std::min(wait * 2, std::max(options.max_backoff, options.backoff));
  }
}

}  // namespace detail

}  // namespace nextorm
