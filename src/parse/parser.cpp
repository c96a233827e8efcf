#include "parse/parser.hpp"

#include "common/utf8.hpp"
#include "grammar/errors.hpp"
#include "grammar/query_grammar.hpp"
#include "parse/arena.hpp"
#include "parse/build_ast.hpp"
#include "parse/control.hpp"
#include "parse/tree_node.hpp"

#include <nextorm/errors.hpp>

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include <algorithm>
#include <iterator>
#include <string>

namespace nextorm::parse {
namespace {

namespace pg = tao::pegtl;

ast::node_ptr parse_text(std::string_view text) {
  if (text.size() > max_query_length) {
    throw query_error{error_category::syntax,
                      grammar::errors::too_long.id,
                      grammar::errors::too_long.message,
                      std::string{text},
                      {static_cast<std::uint32_t>(max_query_length),
                       static_cast<std::uint32_t>(max_query_length)}};
  }
  // Bytes that are no UTF-8 are no character of Python's text, in a string or out of one.
  for (std::size_t at = 0; at < text.size();) {
    const int length = utf8_sequence_length(text.substr(at));
    if (length < 0) {
      const auto begin = static_cast<std::uint32_t>(at);
      throw query_error{error_category::syntax,
                        grammar::errors::invalid_utf8.id,
                        std::string{grammar::errors::invalid_utf8.message} + " (byte " +
                            std::to_string(at + 1) + ")",
                        std::string{text},
                        {begin, begin + static_cast<std::uint32_t>(-length)}};
    }
    at += static_cast<std::size_t>(length);
  }
  const detail::arena_scope arena;  // outlives the parse tree below
  detail::parse_state state{text};
  // Lazy tracking: line and column are computed only for an error, by query_error.
  pg::memory_input<pg::tracking_mode::lazy, pg::eol::lf_crlf> in{text.data(), text.size(), ""};
  // The grammar ends in must<> rules, so a failed parse throws instead of returning null.
  const auto root = pg::parse_tree::parse<grammar::query, detail::tree_node, grammar::selector,
                                          pg::nothing, detail::control>(in, state);
  return detail::build_ast(*root->children.front(), state);
}

}  // namespace

ast::node_ptr parse_expression(std::string_view text) { return parse_text(text); }

namespace {

// `left_join(<generator>)` as the whole query: the generator, flagged. Null when `n` is not a
// call of left_join.
ast::node_ptr unwrap_left_join(ast::node& n, std::string_view text) {
  auto* call = n.kind == ast::node_kind::call ? &n.as<ast::call>() : nullptr;
  const auto* func = call != nullptr ? call->func->try_as<ast::name>() : nullptr;
  if (func == nullptr || func->id != "left_join") return nullptr;
  if (call->args.size() != 1 || !call->kwargs.empty() ||
      call->args[0]->kind != ast::node_kind::generator) {
    throw query_error{error_category::syntax, grammar::errors::left_join_argument.id,
                      grammar::errors::left_join_argument.message, std::string{text}, call->span};
  }
  ast::node_ptr g = std::move(call->args[0]);
  g->as<ast::generator>().left_join = true;
  return g;
}

// `count(<generator>)` and the other functions of a whole query: the generator, with the call
// described in `call`. Null when `n` is no such call.
ast::node_ptr unwrap_aggregate(ast::node& n, std::string_view text, whole_query_call& call) {
  auto* c = n.kind == ast::node_kind::call ? &n.as<ast::call>() : nullptr;
  const auto* func = c != nullptr ? c->func->try_as<ast::name>() : nullptr;
  static constexpr std::string_view functions[] = {"count", "sum", "avg", "min", "max", "exists"};
  if (func == nullptr ||
      std::find(std::begin(functions), std::end(functions), func->id) == std::end(functions) ||
      c->args.size() != 1 || c->args[0]->kind != ast::node_kind::generator) {
    return nullptr;
  }
  const bool takes_distinct = func->id == "count" || func->id == "sum" || func->id == "avg";
  for (const auto& kw : c->kwargs) {
    const auto* flag = kw.value->try_as<ast::literal>();
    if (kw.name != "distinct" || !takes_distinct || flag == nullptr ||
        flag->value.type() != value_type::boolean) {
      throw query_error{error_category::syntax, grammar::errors::whole_query_argument.id,
                        grammar::errors::whole_query_argument.message, std::string{text},
                        kw.name_span};
    }
    call.distinct = flag->value.as_bool();
  }
  call.function = func->id;
  call.span = c->span;
  return std::move(c->args[0]);
}

}  // namespace

ast::node_ptr parse_generator(std::string_view text, whole_query_call* call) {
  ast::node_ptr n = parse_text(text);
  if (ast::node_ptr g = unwrap_left_join(*n, text)) return g;
  if (call != nullptr) {
    if (ast::node_ptr g = unwrap_aggregate(*n, text, *call)) return g;
  }
  if (n->kind != ast::node_kind::generator) {
    const auto end = static_cast<std::uint32_t>(text.size());
    throw query_error{error_category::syntax,
                      grammar::errors::expected_generator.id,
                      grammar::errors::expected_generator.message,
                      std::string{text},
                      {end, end}};
  }
  return n;
}

}  // namespace nextorm::parse
