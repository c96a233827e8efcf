// The typed pass from the PEGTL parse tree to the AST: one function per node kind, strings
// copied out of the query text, a span on every node, and the tree-height limit.
#pragma once

#include "ast/ast.hpp"
#include "parse/control.hpp"
#include "parse/tree_node.hpp"

namespace nextorm::parse::detail {

[[nodiscard]] ast::node_ptr build_ast(const tree_node& expression, const parse_state& state);

}  // namespace nextorm::parse::detail
