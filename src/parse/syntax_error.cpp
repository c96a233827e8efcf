// Turning a grammar failure into a query_error whose caret sits under the offending token.
#include "parse/control.hpp"

#include <nextorm/errors.hpp>

#include <algorithm>
#include <cassert>
#include <string>
#include <string_view>

namespace nextorm::parse::detail {
namespace {

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Characters that can start a token; any other is "unexpected". (No error is ever raised at
// whitespace: every token eats the whitespace after it.)
bool is_token_char(char c) noexcept {
  return is_name_char(c) ||
         std::string_view{"'\"()[]{},.:+-*/%<>=!"}.find(c) != std::string_view::npos;
}

// The length of the UTF-8 sequence that starts with `c` (1 for a stray continuation byte).
std::uint32_t utf8_length(unsigned char c) noexcept {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

// The extent of the token at `at`: a word or number, a two-character operator, or one
// character; empty at the end of the text.
source_span token_span(std::string_view text, std::uint32_t at) noexcept {
  const auto size = static_cast<std::uint32_t>(text.size());
  if (at >= size) {
    return {size, size};
  }
  std::uint32_t end = at + 1;
  if (is_name_char(text[at])) {
    while (end < size && is_name_char(text[end])) ++end;
    return {at, end};
  }
  if (end < size) {
    const std::string_view two = text.substr(at, 2);
    if (two == "==" || two == "!=" || two == "<=" || two == ">=" || two == "**" || two == "//") {
      return {at, end + 1};
    }
  }
  end = std::min(size, at + utf8_length(static_cast<unsigned char>(text[at])));
  return {at, end};
}

std::string quoted_character(std::string_view ch) {
  // (The text is UTF-8, checked before parsing: a character that is not printable is a control.)
  const auto c = static_cast<unsigned char>(ch.front());
  if (c < 0x20 || c == 0x7F) {
    static constexpr char digits[] = "0123456789abcdef";
    return std::string{"'\\x"} + digits[c >> 4] + digits[c & 0xF] + "'";
  }
  return "'" + std::string{ch} + "'";
}

[[noreturn]] void raise(const parse_state& state, const char* id, const std::string& message,
                        source_span span) {
  throw query_error{error_category::syntax, id, message, std::string{state.text}, span};
}

}  // namespace

void raise_syntax(const parse_state& state, std::uint32_t at, const grammar::error_entry& entry) {
  const std::string_view text = state.text;
  const bool at_end = at >= text.size();
  if (!entry.in_token && !at_end) {
    const char c = text[at];
    const char next = at + 1 < text.size() ? text[at + 1] : '\0';
    if (!is_token_char(c) || (c == '!' && next != '=')) {
      const source_span span = token_span(text, at);
      raise(state, grammar::errors::unexpected_character.id,
            "unexpected character " +
                quoted_character(text.substr(span.begin, span.end - span.begin)),
            span);
    }
    if (c == '=' && next != '=') {
      raise(state, grammar::errors::single_equals.id, grammar::errors::single_equals.message,
            {at, at + 1});
    }
  }
  if (entry.unclosed_id != nullptr && (at_end || entry.in_token)) {
    assert(!state.openers.empty());
    const std::uint32_t open = state.openers.back();
    // A string is underlined up to where the line ends; a bracket only where it opened.
    const source_span span = entry.in_token ? source_span{open, at} : source_span{open, open + 1};
    raise(state, entry.unclosed_id, entry.unclosed_message, span);
  }
  const source_span span =
      entry.in_token ? source_span{at, at_end ? at : at + 1} : token_span(text, at);
  raise(state, entry.id, entry.message, span);
}

void raise_too_deep(const parse_state& state, std::uint32_t at) {
  raise(state, grammar::errors::too_deep.id, grammar::errors::too_deep.message, {at, at + 1});
}

}  // namespace nextorm::parse::detail
