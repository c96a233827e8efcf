#include "driver/connection.hpp"

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

}  // namespace nextorm::driver
