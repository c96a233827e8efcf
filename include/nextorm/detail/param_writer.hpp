// The typed parameter setters of a statement about to run, as fields see them when an object is
// written (INSERT, UPDATE): the mirror of row_reader. The drivers implement it over their own
// binding calls, so that a field's value reaches the statement without an intermediate `value`.
#pragma once

#include <nextorm/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace nextorm::detail {

class param_writer {
 public:
  // Parameters are numbered from 0 in the order of the statement's placeholders.
  virtual void set_null(std::size_t index) = 0;
  virtual void set_int(std::size_t index, std::int64_t v) = 0;
  virtual void set_real(std::size_t index, double v) = 0;
  // Not copied: the text must stay valid until the statement has run (a field's own string).
  virtual void set_text(std::size_t index, std::string_view v) = 0;
  // Any value (booleans, typed text such as decimals and dates, bytes, ...); copied as needed.
  virtual void set(std::size_t index, const value& v) = 0;

 protected:
  param_writer() = default;
  ~param_writer() = default;
  param_writer(const param_writer&) = default;
  param_writer& operator=(const param_writer&) = default;
};

}  // namespace nextorm::detail
