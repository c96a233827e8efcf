// Lowering: the optimized logical query to SQL text, parameter slots and result shape for one
// dialect.
#pragma once

#include "compile/plan.hpp"
#include "ir/query.hpp"
#include "lower/dialect.hpp"

#include <nextorm/errors.hpp>

namespace nextorm::lower {

// A construct the dialect cannot express (id unsupported.dialect); the compiler adds the query
// text and position.
class unsupported_error : public error {
 public:
  explicit unsupported_error(const std::string& message)
      : error{error_category::unsupported, "unsupported.dialect", message} {}
};

[[nodiscard]] compile::plan lower(const ir::query& query, const dialect& d);

}  // namespace nextorm::lower
