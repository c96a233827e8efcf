#include <nextorm/errors.hpp>

#include "common/unreachable.hpp"

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
  detail::unreachable("category_name");
}

error::error(error_category category, std::string id, const std::string& message)
    : std::runtime_error{id + ": " + message},
      m_category{category},
      m_id{std::move(id)},
      m_message{message} {}

namespace {

bool is_continuation(char c) noexcept { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Characters (UTF-8 code points) in text[from, to).
std::uint32_t characters(const std::string& text, std::uint32_t from, std::uint32_t to) {
  std::uint32_t n = 0;
  for (std::uint32_t i = from; i < to; ++i) n += is_continuation(text[i]) ? 0 : 1;
  return n;
}

// Moves a byte offset back to the start of its character, but not below `floor` (ill-formed
// UTF-8 may have continuation bytes back to the start of the line).
std::uint32_t character_start(const std::string& text, std::uint32_t at, std::uint32_t floor) {
  while (at > floor && is_continuation(text[at])) --at;
  return at;
}

// Lines longer than this are shown as a window around the error.
constexpr std::uint32_t max_shown = 160;
constexpr std::uint32_t context = 60;

}  // namespace

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
  m_column = characters(m_query, line_start, m_span.begin) + 1;
  std::uint32_t line_end = line_start;
  while (line_end < size && m_query[line_end] != '\n') ++line_end;
  if (line_end > line_start && m_query[line_end - 1] == '\r') --line_end;

  // What of the line is shown: all of it, or a window around the span with "..." marks.
  std::uint32_t shown_start = line_start;
  std::uint32_t shown_end = line_end;
  std::string prefix;
  std::string suffix;
  if (line_end - line_start > max_shown) {
    if (m_span.begin > line_start + context) {
      shown_start = character_start(m_query, m_span.begin - context, line_start);
      if (shown_start > line_start) prefix = "...";
    }
    if (line_end > m_span.begin + context) {
      shown_end = character_start(m_query, m_span.begin + context, m_span.begin);
      suffix = "...";
    }
  }

  // The caret line: '^' under the first character, '~' under the rest of the span on this line;
  // tabs are kept so that the caret lines up in a terminal.
  std::string caret(prefix.size(), ' ');
  for (std::uint32_t i = shown_start; i < m_span.begin; ++i) {
    if (m_query[i] == '\t') {
      caret += '\t';
    } else if (!is_continuation(m_query[i])) {
      caret += ' ';
    }
  }
  caret += '^';
  const std::uint32_t underline_end = std::min(m_span.end, shown_end);
  if (underline_end > m_span.begin) {
    const std::uint32_t width = characters(m_query, m_span.begin, underline_end);
    if (width > 1) caret.append(width - 1, '~');
  }

  m_rendered = this->id() + ": " + message + " (line " + std::to_string(m_line) + ", column " +
               std::to_string(m_column) + ")\n  " + prefix +
               m_query.substr(shown_start, shown_end - shown_start) + suffix + "\n  " + caret;
}

}  // namespace nextorm
