// Test helper: an AST as an S-expression, which shows the tree's shape (to_string hides it
// behind the minimal parentheses): `-2**2` is "(- (** 2 2))".
#pragma once

#include "ast/ast.hpp"

#include <string>

namespace nextorm::test {

inline std::string sexpr(const ast::node& n);

inline std::string sexpr_or_dash(const ast::node_ptr& n) { return n ? sexpr(*n) : "-"; }

inline std::string sexpr(const ast::node& n) {
  using namespace ast;
  switch (n.kind) {
    case node_kind::literal: return n.as<literal>().value.repr();
    case node_kind::name: return n.as<name>().id;
    case node_kind::attribute: {
      const auto& x = n.as<attribute>();
      return "(. " + sexpr(*x.object) + " " + x.attr + ")";
    }
    case node_kind::call: {
      const auto& x = n.as<call>();
      std::string s = "(call " + sexpr(*x.func);
      for (const auto& a : x.args) s += " " + sexpr(*a);
      for (const auto& k : x.kwargs) s += " " + k.name + "=" + sexpr(*k.value);
      return s + ")";
    }
    case node_kind::unary: {
      const auto& x = n.as<unary>();
      return "(" + std::string{op_text(x.op)} + " " + sexpr(*x.operand) + ")";
    }
    case node_kind::binary: {
      const auto& x = n.as<binary>();
      return "(" + std::string{op_text(x.op)} + " " + sexpr(*x.lhs) + " " + sexpr(*x.rhs) + ")";
    }
    case node_kind::compare: {
      const auto& x = n.as<compare>();
      std::string s = "(cmp " + sexpr(*x.first);
      for (const auto& r : x.rest) s += " " + std::string{op_text(r.op)} + " " + sexpr(*r.rhs);
      return s + ")";
    }
    case node_kind::bool_op: {
      const auto& x = n.as<bool_op>();
      std::string s = "(" + std::string{op_text(x.op)};
      for (const auto& o : x.operands) s += " " + sexpr(*o);
      return s + ")";
    }
    case node_kind::tuple: {
      std::string s = "(tuple";
      for (const auto& i : n.as<tuple>().items) s += " " + sexpr(*i);
      return s + ")";
    }
    case node_kind::dict: {
      const auto& x = n.as<dict>();
      std::string s = "(dict";
      for (std::size_t i = 0; i < x.keys.size(); ++i) {
        s += " " + sexpr(*x.keys[i]) + ":" + sexpr(*x.values[i]);
      }
      return s + ")";
    }
    case node_kind::subscript: {
      const auto& x = n.as<subscript>();
      return "([] " + sexpr(*x.object) + " " + sexpr(*x.index) + ")";
    }
    case node_kind::slice: {
      const auto& x = n.as<slice>();
      return "(slice " + sexpr(*x.object) + " " + sexpr_or_dash(x.start) + " " +
             sexpr_or_dash(x.stop) + " " + sexpr_or_dash(x.step) + ")";
    }
    case node_kind::conditional: {
      const auto& x = n.as<conditional>();
      return "(if " + sexpr(*x.cond) + " " + sexpr(*x.then) + " " + sexpr(*x.otherwise) + ")";
    }
    case node_kind::generator: {
      const auto& x = n.as<generator>();
      std::string s = "(gen " + sexpr(*x.result);
      for (const auto& f : x.fors) {
        s += " (for";
        for (const auto& t : f.targets) s += " " + t;
        s += " in " + sexpr(*f.source);
        for (const auto& c : f.conditions) s += " if " + sexpr(*c);
        s += ")";
      }
      return s + ")";
    }
    case node_kind::lambda: {
      const auto& x = n.as<lambda>();
      std::string s = "(lambda";
      for (const auto& p : x.params) s += " " + p;
      return s + " : " + sexpr(*x.body) + ")";
    }
  }
  return "?";
}

}  // namespace nextorm::test
