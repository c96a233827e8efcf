#include <nextorm/errors.hpp>

#include <algorithm>

namespace nextorm {

std::string_view category_name(error_category category) noexcept {
  switch (category) {
    case error_category::syntax: return "syntax";
    case error_category::unknown_name: return "unknown name";
    case error_category::type: return "type";
    case error_category::unsupported: return "unsupported";
    case error_category::schema: return "schema";
    case error_category::usage: return "usage";
    case error_category::not_found: return "not found";
    case error_category::multiple_found: return "multiple found";
    case error_category::integrity: return "integrity";
    case error_category::connection: return "connection";
    case error_category::transaction: return "transaction";
    case error_category::database: return "database";
  }
  return "?";
}

error::error(error_category category, std::string id, const std::string& message)
    : std::runtime_error{id + ": " + message},
      m_category{category},
      m_id{std::move(id)},
      m_message{message} {}

query_error::query_error(error_category category, std::string id, const std::string& message,
                         std::string query, source_span span)
    : error{category, std::move(id), message}, m_query{std::move(query)}, m_span{span} {
  // Clamp the span to the text, so that "at the end" points just past the last character.
  const auto size = static_cast<std::uint32_t>(m_query.size());
  m_span.begin = std::min(m_span.begin, size);
  m_span.end = std::clamp(m_span.end, m_span.begin, size);

  std::uint32_t line_start = 0;
  for (std::uint32_t i = 0; i < m_span.begin; ++i) {
    if (m_query[i] == '\n') {
      ++m_line;
      line_start = i + 1;
    }
  }
  m_column = m_span.begin - line_start + 1;
  std::uint32_t line_end = line_start;
  while (line_end < size && m_query[line_end] != '\n') ++line_end;

  // The caret line: '^' under the first character, '~' under the rest of the span on this line.
  const std::uint32_t underline_end = std::min(m_span.end, line_end);
  std::string caret(m_span.begin - line_start, ' ');
  for (std::uint32_t i = line_start; i < m_span.begin; ++i) {
    if (m_query[i] == '\t') caret[i - line_start] = '\t';
  }
  caret += '^';
  if (underline_end > m_span.begin + 1) caret.append(underline_end - m_span.begin - 1, '~');

  m_rendered = this->id() + ": " + message + " (line " + std::to_string(m_line) + ", column " +
               std::to_string(m_column) + ")\n  " +
               m_query.substr(line_start, line_end - line_start) + "\n  " + caret;
}

}  // namespace nextorm
