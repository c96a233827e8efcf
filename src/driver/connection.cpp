#include "driver/connection.hpp"

#include <nextorm/detail/value_traits.hpp>

#include <vector>

namespace nextorm::driver {

namespace {

// The parameters as values, for drivers that bind only values.
class value_collector final : public detail::param_writer {
 public:
  explicit value_collector(std::size_t count) : m_values(count) {}
  void set_null(std::size_t index) override { m_values[index] = value{}; }
  void set_int(std::size_t index, std::int64_t v) override { m_values[index] = value{v}; }
  void set_real(std::size_t index, double v) override { m_values[index] = value{v}; }
  void set_text(std::size_t index, std::string_view v) override {
    m_values[index] = value{std::string{v}};
  }
  void set(std::size_t index, const value& v) override { m_values[index] = v; }
  [[nodiscard]] std::span<const value> values() const noexcept { return m_values; }

 private:
  std::vector<value> m_values;
};

}  // namespace

std::string column_type_error::message_of(std::size_t column, value_type wanted,
                                          const std::string& found) {
  return "column " + std::to_string(column + 1) + " holds " + found + ", not " +
         std::string{type_name(wanted)};
}

std::string describe_stored(std::string_view kind, std::string_view text) {
  std::string out{kind};
  if (kind == "bytes") return out + " (" + std::to_string(text.size()) + ")";
  out += " '";
  out += text.substr(0, 40);
  if (text.size() > 40) out += "...";
  out += '\'';
  return out;
}

std::vector<value> collect_params(const param_source& params) {
  value_collector values{params.count()};
  params.write(values);
  return {values.values().begin(), values.values().end()};
}

std::int64_t connection::execute_from(const std::string& sql, const param_source& params) {
  value_collector values{params.count()};
  params.write(values);
  return execute(sql, values.values());
}

value connection::insert_from(const std::string& sql, const param_source& params) {
  value_collector values{params.count()};
  params.write(values);
  return insert(sql, values.values());
}

void value_params::write(detail::param_writer& out) const {
  for (std::size_t i = 0; i < m_values.size(); ++i) out.set(i, m_values[i]);
}

void connection::execute_batch(std::span<const batched_statement> statements,
                               std::span<std::int64_t> rows) {
  for (std::size_t i = 0; i < statements.size(); ++i) {
    rows[i] = execute_from(*statements[i].sql, *statements[i].params);
  }
}

std::vector<value> connection::insert_rows(const std::string& sql, const param_source& params,
                                           std::size_t rows, bool returning) {
  value_collector values{params.count()};
  params.write(values);
  std::vector<value> out;
  std::size_t got = 0;
  if (returning) {
    out.reserve(rows);
    const auto cursor = query(sql, values.values());
    while (cursor->next()) out.push_back(cursor->get(0, value_type::null));
    got = out.size();
  } else {
    got = static_cast<std::size_t>(execute(sql, values.values()));
  }
  check_inserted_rows(sql, rows, got);
  return out;
}

void check_inserted_rows(std::string_view sql, std::size_t wanted, std::size_t got) {
  if (got == wanted) return;
  throw database_error(error_category::database, "insert.rows",
                       "the database inserted " + std::to_string(got) + " rows of " +
                           std::to_string(wanted) + " with '" + std::string{sql.substr(0, 80)} +
                           "...': nothing of the session was written (it was rolled back)");
}

}  // namespace nextorm::driver

namespace nextorm::detail {

void throw_stored_integer_range(std::size_t column, std::int64_t n, std::int64_t min,
                                std::int64_t max) {
  using driver::column_type_error;
  throw column_type_error(column, value_type::integer,
                          "int " + std::to_string(n) + ", beyond the field's C++ type (" +
                              std::to_string(min) + " to " + std::to_string(max) + ")");
}

}  // namespace nextorm::detail
