// Lowering: the optimized logical query to SQL text, parameter slots and result shape for one
// dialect.
#pragma once

#include "lower/plan.hpp"
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
  unsupported_error(const std::string& message, std::uint16_t text, source_span span)
      : error{error_category::unsupported, "unsupported.dialect", message},
        m_text{text},
        m_span{span} {}
  // The construct's text (ir::expr::text) and span; no_text when the whole query is at fault.
  [[nodiscard]] std::uint16_t text() const noexcept { return m_text; }
  [[nodiscard]] source_span span() const noexcept { return m_span; }

 private:
  std::uint16_t m_text = ir::expr::no_text;
  source_span m_span{};
};

[[nodiscard]] lower::plan lower(const ir::query& query, const dialect& d);

// The SELECT of a derived table appended to `sql`, its placeholders numbered after `slots`.
void derived(const ir::query& query, const dialect& d, std::string& sql,
             std::vector<lower::param_slot>& slots);

}  // namespace nextorm::lower
