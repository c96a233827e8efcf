// Typed expressions (include/nextorm/expr.hpp) become query text here, and from then on are
// compiled like any query: one analyzer, one IR, one SQL. The text depends only on the
// expression's shape (values become parameters under generated names), so the plan cache
// serves every call of one shape with one plan.
#include <nextorm/errors.hpp>
#include <nextorm/expr.hpp>
#include <nextorm/query.hpp>

#include "session/query_state.hpp"
#include "session/session_impl.hpp"

#include <cctype>
#include <span>
#include <string>
#include <vector>

namespace nextorm::detail {

// A condition built in a loop (`c = c && x`) is a chain as deep as the loop: released node by
// node here rather than by a recursion as deep, which could exhaust the stack.
expr_node::~expr_node() {
  std::vector<expr_node_ptr> pending = std::move(args);
  while (!pending.empty()) {
    expr_node_ptr n = std::move(pending.back());
    pending.pop_back();
    // The last owner may take the node's children (it was made non-const, by make_node).
    if (n.use_count() == 1) {
      auto& last = const_cast<expr_node&>(*n);
      for (expr_node_ptr& child : last.args) pending.push_back(std::move(child));
      last.args.clear();
    }
  }
}

namespace {

// The name of a typed expression's object (a lambda's argument, or a typed select's loop
// variable): the name a text condition of E::select() without one gives it, the entity's
// initial in lower case, so that text added to a typed query names it as it would otherwise.
std::string object_name(std::string_view entity) {
  return std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(entity[0]))));
}

// Python's operator precedences, lowest first, as far as typed expressions use them.
constexpr int lowest = 0;
constexpr int comparison = 5;
constexpr int primary = 11;

int precedence(const expr_node& n) {
  const std::string_view op = n.op;
  switch (n.k) {
    case expr_node::kind::prefix: return op == "not" ? 4 : 9;
    case expr_node::kind::infix:
      if (op == "or") return 2;
      if (op == "and") return 3;
      if (op == "+" || op == "-") return 7;
      if (op == "*" || op == "/") return 8;
      return comparison;  // == != < <= > >= in, not in, is, is not
    default: return primary;
  }
}

class renderer {
 public:
  // `group` keeps the generated parameter names of one text apart from another's (each
  // modifier of a query is one group).
  renderer(const database_impl& db, std::string object, params& args, std::size_t group)
      : m_db{db},
        m_object{std::move(object)},
        m_args{args},
        m_prefix{"__typed" + std::to_string(group) + "_"} {}

  // Writes `n`, in parentheses only where Python would read it otherwise: `a and b and c`
  // built in a loop stays flat (the parser refuses brackets nested deeper than 100).
  void render(const expr_node& n, std::string& out, int context = lowest) {
    const int own = precedence(n);
    const bool parenthesize = own < context;
    if (parenthesize) out += '(';
    switch (n.k) {
      case expr_node::kind::attribute:
        out += m_object;
        for (const member_ref& step : n.path) {
          out += '.';
          out += member_name(m_db, step, "col()");
        }
        break;
      case expr_node::kind::parameter: {
        std::string name = m_prefix + std::to_string(m_next++);
        out += name;
        m_args.insert_or_assign(std::move(name), n.value);
        break;
      }
      case expr_node::kind::none: out += "None"; break;
      case expr_node::kind::prefix:
        out += n.op;
        out += ' ';
        render(*n.args[0], out, own);
        break;
      case expr_node::kind::infix: {
        // Left-associative: the left operand may be of the same precedence, the right one not;
        // comparisons chain in Python (a < b < c), so neither of theirs may be a comparison.
        // A left operand of the same precedence is walked, not recursed into: a chain built in
        // a loop may be far deeper than the stack.
        std::vector<const expr_node*> spine{&n};
        while (own != comparison && spine.back()->args[0]->k == expr_node::kind::infix &&
               precedence(*spine.back()->args[0]) == own) {
          spine.push_back(spine.back()->args[0].get());
        }
        render(*spine.back()->args[0], out, own == comparison ? own + 1 : own);
        for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
          out += ' ';
          out += (*it)->op;
          out += ' ';
          render(*(*it)->args[1], out, own + 1);
        }
        break;
      }
      case expr_node::kind::method:
        render(*n.args[0], out, primary);
        out += '.';
        out += n.op;
        arguments(n, 1, out);
        break;
      case expr_node::kind::function:
        out += n.op;
        arguments(n, 0, out);
        break;
      case expr_node::kind::call:
        render(*n.args[0], out, primary);
        arguments(n, 1, out);
        break;
      case expr_node::kind::text:
        out += '(';
        out += n.value.scalar().as_text();
        out += ')';
        break;
    }
    if (parenthesize) out += ')';
  }

 private:
  void arguments(const expr_node& n, std::size_t first, std::string& out) {
    out += '(';
    for (std::size_t i = first; i < n.args.size(); ++i) {
      if (i != first) out += ", ";
      render(*n.args[i], out, lowest);
    }
    out += ')';
  }

  const database_impl& m_db;
  std::string m_object;
  params& m_args;
  std::string m_prefix;
  std::size_t m_next = 0;
};

// Appends `nodes` to `out`, comma-separated (a tuple of result items, several orders), in
// parentheses when there are several and `tuple` asks for them.
void render_all(const database_impl& db, const std::string& object, params& args, std::size_t group,
                std::span<const expr_node_ptr> nodes, bool tuple, std::string& out) {
  renderer r{db, object, args, group};
  const bool parenthesize = tuple && nodes.size() > 1;
  if (parenthesize) out += '(';
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (i != 0) out += ", ";
    r.render(*nodes[i], out);
  }
  if (parenthesize) out += ')';
}

// Room for a typical expression's text, so that it is written without reallocations.
constexpr std::size_t typical_text = 160;

}  // namespace

query_state_ptr typed_entity_query(std::string entity, const expr_node_ptr& condition) {
  const std::string object = object_name(entity);
  auto state = new_query_state({}, std::move(entity), {});
  std::string& text = state->spec.text;
  text.reserve(typical_text);
  text += "lambda ";
  text += object;
  text += ": ";
  render_all(*state->db, object, state->args, 0, {&condition, 1}, false, text);
  return state;
}

query_state_ptr typed_select(std::string entity, const std::vector<expr_node_ptr>& items) {
  auto state = new_query_state({}, {}, {});
  state->typed_variable = object_name(entity);
  std::string& text = state->spec.text;
  text.reserve(typical_text);
  render_all(*state->db, state->typed_variable, state->args, 0, items, true, text);
  text += " for ";
  text += state->typed_variable;
  text += " in ";
  text += entity;
  return state;
}

query_state_ptr add_typed_modifier(const query_state_ptr& q, int kind, std::string_view entity,
                                   const std::vector<expr_node_ptr>& nodes) {
  params args;
  const std::size_t group = q->spec.modifiers.size() + 1;
  std::string text;
  text.reserve(typical_text);
  if (!q->typed_variable.empty()) {
    render_all(*q->db, q->typed_variable, args, group, nodes, false, text);
  } else {
    // A lambda over the result's one item (filter, order_by) or the one loop variable (where);
    // several orders are its tuple.
    const std::string object = object_name(entity);
    text += "lambda ";
    text += object;
    text += ": ";
    render_all(*q->db, object, args, group, nodes, true, text);
  }
  return add_modifier(q, kind, std::move(text), std::move(args));
}

}  // namespace nextorm::detail
