// The typed column readers of a result row, as fields see them when an object is loaded. The
// drivers' cursors (src/driver/connection.hpp) implement it.
#pragma once

#include <nextorm/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace nextorm::detail {

class row_reader {
 public:
  [[nodiscard]] virtual bool is_null(std::size_t column) const = 0;
  // NULL reads as 0, 0.0 and "".
  [[nodiscard]] virtual std::int64_t get_int(std::size_t column) const = 0;
  [[nodiscard]] virtual double get_real(std::size_t column) const = 0;
  // Valid until the row changes.
  [[nodiscard]] virtual std::string_view get_text(std::size_t column) const = 0;
  // The column as a value of `type` (null when the column is NULL); `value_type::null` asks for
  // the column's own type.
  [[nodiscard]] virtual value get(std::size_t column, value_type type) const = 0;

 protected:
  row_reader() = default;
  ~row_reader() = default;
  row_reader(const row_reader&) = default;
  row_reader& operator=(const row_reader&) = default;
};

}  // namespace nextorm::detail
