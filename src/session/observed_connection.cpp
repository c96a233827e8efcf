#include "session/observed_connection.hpp"

#include <chrono>

namespace nextorm::detail {

namespace {

using clock = std::chrono::steady_clock;

// A query's rows, counted and timed until the cursor goes (statistics on).
class timed_cursor final : public driver::cursor {
 public:
  timed_cursor(std::unique_ptr<driver::cursor> inner, sql_observer& observer, std::string sql,
               clock::time_point start)
      : m_inner{std::move(inner)}, m_observer{observer}, m_sql{std::move(sql)}, m_start{start} {}
  ~timed_cursor() override { m_observer.after(m_sql, clock::now() - m_start, m_rows); }
  timed_cursor(const timed_cursor&) = delete;
  timed_cursor& operator=(const timed_cursor&) = delete;

  [[nodiscard]] bool next() override {
    const bool more = m_inner->next();
    m_rows += more ? 1 : 0;
    return more;
  }
  [[nodiscard]] std::size_t column_count() const noexcept override {
    return m_inner->column_count();
  }
  [[nodiscard]] bool is_null(std::size_t column) const override { return m_inner->is_null(column); }
  [[nodiscard]] std::int64_t get_int(std::size_t column) const override {
    return m_inner->get_int(column);
  }
  [[nodiscard]] double get_real(std::size_t column) const override {
    return m_inner->get_real(column);
  }
  [[nodiscard]] std::string_view get_text(std::size_t column) const override {
    return m_inner->get_text(column);
  }
  [[nodiscard]] value get(std::size_t column, value_type type) const override {
    return m_inner->get(column, type);
  }

 private:
  std::unique_ptr<driver::cursor> m_inner;
  sql_observer& m_observer;
  std::string m_sql;
  clock::time_point m_start;
  std::uint64_t m_rows = 0;
};

std::uint64_t changed_rows(std::int64_t rows) {
  return rows > 0 ? static_cast<std::uint64_t>(rows) : 0;
}
std::uint64_t changed_rows(const value&) { return 1; }

}  // namespace

template <class Send>
auto observed_connection::observe(std::string_view sql, std::span<const value> params,
                                  Send&& send) {
  m_observer.before(sql, params);
  const clock::time_point start = clock::now();
  auto result = send();
  m_observer.after(sql, clock::now() - start, changed_rows(result));
  return result;
}

void observed_connection::execute_script(std::string_view sql) {
  if (!m_observer.active()) return m_inner->execute_script(sql);
  (void)observe(sql, {}, [&] {
    m_inner->execute_script(sql);
    return std::int64_t{0};
  });
}

std::int64_t observed_connection::execute(const std::string& sql, std::span<const value> params) {
  if (!m_observer.active()) return m_inner->execute(sql, params);
  return observe(sql, params, [&] { return m_inner->execute(sql, params); });
}

value observed_connection::insert(const std::string& sql, std::span<const value> params) {
  // (Sessions insert with insert_from: this one is here for the interface, and always seen.)
  return observe(sql, params, [&] { return m_inner->insert(sql, params); });
}

std::int64_t observed_connection::execute_from(const std::string& sql,
                                               const driver::param_source& params) {
  if (!m_observer.active()) return m_inner->execute_from(sql, params);
  const std::vector<value> values = driver::collect_params(params);
  return observe(sql, values, [&] { return m_inner->execute(sql, values); });
}

value observed_connection::insert_from(const std::string& sql, const driver::param_source& params) {
  if (!m_observer.active()) return m_inner->insert_from(sql, params);
  const std::vector<value> values = driver::collect_params(params);
  return observe(sql, values, [&] { return m_inner->insert(sql, values); });
}

std::vector<value> observed_connection::insert_rows(const std::string& sql,
                                                    const driver::param_source& params,
                                                    std::size_t rows, bool returning) {
  if (!m_observer.active()) return m_inner->insert_rows(sql, params, rows, returning);
  const std::vector<value> values = driver::collect_params(params);
  m_observer.before(sql, values);
  const clock::time_point start = clock::now();
  auto keys = m_inner->insert_rows(sql, driver::value_params{values}, rows, returning);
  m_observer.after(sql, clock::now() - start, rows);
  return keys;
}

void observed_connection::execute_batch(std::span<const driver::batched_statement> statements,
                                        std::span<std::int64_t> rows) {
  if (statements.empty() || !m_observer.active()) {
    return m_inner->execute_batch(statements, rows);
  }
  // Each statement is seen, with its parameters, before the batch goes; the time of the batch
  // is shared out equally (the database answers them together).
  std::vector<std::vector<value>> values;
  std::vector<driver::value_params> params;
  std::vector<driver::batched_statement> seen;
  values.reserve(statements.size());
  params.reserve(statements.size());
  seen.reserve(statements.size());
  for (const driver::batched_statement& s : statements) {
    values.push_back(driver::collect_params(*s.params));
    params.emplace_back(values.back());
    seen.push_back({s.sql, &params.back()});
    m_observer.before(*s.sql, values.back());
  }
  const clock::time_point start = clock::now();
  m_inner->execute_batch(seen, rows);
  const auto each = (clock::now() - start) / static_cast<std::int64_t>(statements.size());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    m_observer.after(*statements[i].sql, each, changed_rows(rows[i]));
  }
}

std::unique_ptr<driver::cursor> observed_connection::query(const std::string& sql,
                                                           std::span<const value> params) {
  if (!m_observer.active()) return m_inner->query(sql, params);
  m_observer.before(sql, params);
  const clock::time_point start = clock::now();
  auto rows = m_inner->query(sql, params);
  if (!m_observer.timing()) return rows;
  return std::make_unique<timed_cursor>(std::move(rows), m_observer, sql, start);
}

void observed_connection::begin() {
  if (!m_observer.active()) return m_inner->begin();
  (void)observe("BEGIN", {}, [&] {
    m_inner->begin();
    return std::int64_t{0};
  });
}

void observed_connection::begin_serializable() {
  if (!m_observer.active()) return m_inner->begin_serializable();
  (void)observe("BEGIN SERIALIZABLE", {}, [&] {
    m_inner->begin_serializable();
    return std::int64_t{0};
  });
}

void observed_connection::commit() {
  if (!m_observer.active()) return m_inner->commit();
  (void)observe("COMMIT", {}, [&] {
    m_inner->commit();
    return std::int64_t{0};
  });
}

void observed_connection::rollback() {
  // (A session's end rolls back whatever is left: nothing, after a commit.)
  if (!m_observer.active() || !m_inner->in_transaction()) return m_inner->rollback();
  (void)observe("ROLLBACK", {}, [&] {
    m_inner->rollback();
    return std::int64_t{0};
  });
}

}  // namespace nextorm::detail
