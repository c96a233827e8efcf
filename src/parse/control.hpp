// The PEGTL control class of the query grammar: error messages from grammar/errors.hpp, the
// positions of open brackets (for "unclosed '('" carets), and the nesting-depth limit.
#pragma once

#include "grammar/errors.hpp"
#include "grammar/query_grammar.hpp"
#include "parse/parser.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace nextorm::parse::detail {

struct parse_state {
  explicit parse_state(std::string_view t) : text{t} {}
  std::string_view text;
  std::vector<std::uint32_t> openers;  // offsets of the brackets and quotes not yet closed
  std::size_t depth = 0;               // open brackets plus nested operands
};

// Throws the query_error of `entry` for a failure at byte offset `at` (out of line: the
// templates below stay small).
[[noreturn]] void raise_syntax(const parse_state& state, std::uint32_t at,
                               const grammar::error_entry& entry);
[[noreturn]] void raise_too_deep(const parse_state& state, std::uint32_t at);

template <class Rule>
concept opens = requires {
  Rule::opener;
};
template <class Rule>
concept closes = requires {
  Rule::closer;
};
template <class Rule>
concept nests = requires {
  requires Rule::nests;
};

template <class Rule>
struct control : grammar::pg::normal<Rule> {
  template <class Input>
  static std::uint32_t offset(const Input& in, const parse_state& state) noexcept {
    return static_cast<std::uint32_t>(in.current() - state.text.data());
  }

  // Each hook is chosen at compile time by the rule's markers: an overload constrained by the
  // concepts above, or PEGTL's nothing for a rule without them.
  template <class Input>
  static void start(const Input& in, parse_state& state) requires nests<Rule> {
    if (++state.depth > max_nesting) raise_too_deep(state, offset(in, state));
  }
  template <class Input>
  static void start(const Input& /*in*/, parse_state& /*state*/) noexcept {}

  template <class Input>
  static void success(const Input& in, parse_state& state) requires opens<Rule> {
    const std::uint32_t at = offset(in, state) - 1;
    state.openers.push_back(at);
    if (++state.depth > max_nesting) raise_too_deep(state, at);
  }
  template <class Input>
  static void success(const Input& /*in*/, parse_state& state) noexcept
      requires(closes<Rule> && !opens<Rule>) {
    state.openers.pop_back();
    --state.depth;
  }
  template <class Input>
  static void success(const Input& /*in*/, parse_state& state) noexcept
      requires(nests<Rule> && !opens<Rule> && !closes<Rule>) {
    --state.depth;
  }
  template <class Input>
  static void success(const Input& /*in*/, parse_state& /*state*/) noexcept {}

  template <class Input>
  static void failure(const Input& /*in*/, parse_state& state) noexcept requires nests<Rule> {
    --state.depth;
  }
  template <class Input>
  static void failure(const Input& /*in*/, parse_state& /*state*/) noexcept {}

  template <class Input>
  [[noreturn]] static void raise(const Input& in, parse_state& state) {
    static_assert(grammar::error_message<Rule>.id != nullptr,
                  "a rule under must<> needs its entry in grammar/errors.hpp");
    raise_syntax(state, offset(in, state), grammar::error_message<Rule>);
  }
};

}  // namespace nextorm::parse::detail
