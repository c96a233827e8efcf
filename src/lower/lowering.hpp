// Lowering: the optimized logical query to SQL text, parameter slots and result shape for one
// dialect.
#pragma once

#include "ir/query.hpp"
#include "lower/dialect.hpp"
#include "lower/plan.hpp"

#include <nextorm/errors.hpp>

namespace nextorm::lower {

// An error at a construct of the query, which the compiler turns into a query_error with the
// query text and the construct's position.
class located_error : public error {
 public:
  [[nodiscard]] std::uint16_t text() const noexcept { return m_text; }
  [[nodiscard]] source_span span() const noexcept { return m_span; }

 protected:
  located_error(std::string id, const std::string& message, std::uint16_t text, source_span span)
      : error{error_category::unsupported, std::move(id), message}, m_text{text}, m_span{span} {}

 private:
  // The construct's text (ir::expr::text) and span; no_text when the whole query is at fault.
  std::uint16_t m_text = ir::expr::no_text;
  source_span m_span{};
};

// A construct the dialect cannot express.
class unsupported_error : public located_error {
 public:
  explicit unsupported_error(const std::string& message)
      : located_error{"unsupported.dialect", message, ir::expr::no_text, {}} {}
  unsupported_error(const std::string& message, std::uint16_t text, source_span span)
      : located_error{"unsupported.dialect", message, text, span} {}
};

// An object whose key has several columns used where one SQL value is needed.
class composite_key_error : public located_error {
 public:
  composite_key_error(const std::string& message, std::uint16_t text, source_span span)
      : located_error{"query.composite_key", message, text, span} {}
};

[[nodiscard]] lower::plan lower(const ir::query& query, const dialect& d);

// The SELECT of a derived table appended to `sql`, its placeholders numbered after `slots`;
// `date_arithmetic` set when it adds intervals to dates (plan::date_arithmetic).
void derived(const ir::query& query, const dialect& d, std::string& sql,
             std::vector<lower::param_slot>& slots, bool& date_arithmetic);

}  // namespace nextorm::lower
