// A connection whose statements the database's sql_observer sees: every connection of the pool
// is one, so that turning the SQL log, a capture or the statistics on reaches every session at
// once. While the observer is off a statement costs one relaxed load more.
#pragma once

#include "driver/connection.hpp"
#include "session/sql_observer.hpp"

#include <memory>

namespace nextorm::detail {

class observed_connection final : public driver::connection {
 public:
  observed_connection(std::unique_ptr<driver::connection> inner, sql_observer& observer) noexcept
      : m_inner{std::move(inner)}, m_observer{observer} {}

  [[nodiscard]] std::string_view dialect_name() const noexcept override {
    return m_inner->dialect_name();
  }
  void execute_script(std::string_view sql) override;
  std::int64_t execute(const std::string& sql, std::span<const value> params) override;
  [[nodiscard]] value insert(const std::string& sql, std::span<const value> params) override;
  std::int64_t execute_from(const std::string& sql, const driver::param_source& params) override;
  [[nodiscard]] value insert_from(const std::string& sql,
                                  const driver::param_source& params) override;
  void execute_batch(std::span<const driver::batched_statement> statements,
                     std::span<std::int64_t> rows) override;
  [[nodiscard]] std::unique_ptr<driver::cursor> query(const std::string& sql,
                                                      std::span<const value> params) override;
  [[nodiscard]] bool returns_inserted_rows() const noexcept override {
    return m_inner->returns_inserted_rows();
  }
  [[nodiscard]] std::size_t max_parameters() const noexcept override {
    return m_inner->max_parameters();
  }
  [[nodiscard]] std::vector<value> insert_rows(const std::string& sql,
                                               const driver::param_source& params, std::size_t rows,
                                               bool returning) override;
  void begin() override;
  void begin_serializable() override;
  void commit() override;
  void rollback() override;
  [[nodiscard]] bool in_transaction() const noexcept override { return m_inner->in_transaction(); }
  [[nodiscard]] bool alive() noexcept override { return m_inner->alive(); }
  void check_date_overflow(std::string_view sql) override { m_inner->check_date_overflow(sql); }
  void set_limits(const driver::statement_limits& limits) override { m_inner->set_limits(limits); }
  [[nodiscard]] std::uint64_t round_trips() const noexcept override {
    return m_inner->round_trips();
  }
  [[nodiscard]] bool transaction_cancelled() const noexcept override {
    return m_inner->transaction_cancelled();
  }

 private:
  // Runs `send` (which returns the rows it changed, or 0) as the statement `sql` the observer
  // sees with `params`.
  template <class Send>
  auto observe(std::string_view sql, std::span<const value> params, Send&& send);

  std::unique_ptr<driver::connection> m_inner;
  sql_observer& m_observer;
};

}  // namespace nextorm::detail
