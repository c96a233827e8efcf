// Rows of a PostgreSQL result (text format), read as NextORM values.
#pragma once

#include "driver/connection.hpp"
#include "driver/postgres/postgres_handles.hpp"

namespace nextorm::driver {

// The NextORM type of a column of PostgreSQL type `oid`; text for types it does not know.
[[nodiscard]] value_type value_type_of(Oid oid) noexcept;

// The field at (row, column) as a value of `type` (value_type::null: the column's own type).
// Integers read int2/int4/int8 text, and numeric or float text that holds a whole number;
// booleans read 't'/'f'; bytes are decoded from bytea; the other text-carried types keep
// PostgreSQL's own text ("2020-01-31 10:00:00.123456" for a timestamp).
// Throws database_error("postgres.bad_value") for text that is not a value of `type`.
[[nodiscard]] value read_value(const PGresult* result, int row, int column, value_type type);

// A whole result held in memory; rows are read one by one.
class postgres_cursor final : public cursor {
 public:
  explicit postgres_cursor(pg_result_handle result) noexcept;

  [[nodiscard]] bool next() override;
  [[nodiscard]] std::size_t column_count() const noexcept override;
  [[nodiscard]] bool is_null(std::size_t column) const override;
  [[nodiscard]] std::int64_t get_int(std::size_t column) const override;
  [[nodiscard]] double get_real(std::size_t column) const override;
  [[nodiscard]] std::string_view get_text(std::size_t column) const override;
  [[nodiscard]] value get(std::size_t column, value_type type) const override;

  [[nodiscard]] std::size_t row_count() const noexcept;

 private:
  pg_result_handle m_result;
  int m_rows;
  int m_row = -1;
};

}  // namespace nextorm::driver
