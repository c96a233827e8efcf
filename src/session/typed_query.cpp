// Typed expressions (include/nextorm/expr.hpp) become query text here, and from then on are
// compiled like any query: one analyzer, one IR, one SQL. The text depends only on the
// expression's shape (values become parameters under generated names), so the plan cache
// serves every call of one shape with one plan.
#include <nextorm/errors.hpp>
#include <nextorm/expr.hpp>
#include <nextorm/query.hpp>

#include "common/unreachable.hpp"
#include "session/query_state.hpp"
#include "session/session_impl.hpp"

#include <cctype>
#include <span>
#include <string>

namespace nextorm::detail {

namespace {

// The name of a typed expression's object (a lambda's argument, or a typed select's loop
// variable): the name a text condition of E::select() without one gives it, the entity's
// initial in lower case, so that text added to a typed query names it as it would otherwise.
std::string object_name(std::string_view entity) {
  return std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(entity[0]))));
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

  void render(const expr_node& n, std::string& out) {
    switch (n.k) {
      case expr_node::kind::attribute:
        out += m_object;
        for (const member_ref& step : n.path) {
          out += '.';
          out += member_name(m_db, step, "col()");
        }
        return;
      case expr_node::kind::parameter: {
        std::string name = m_prefix + std::to_string(m_next++);
        out += name;
        m_args.insert_or_assign(std::move(name), n.value);
        return;
      }
      case expr_node::kind::none: out += "None"; return;
      case expr_node::kind::prefix:
        out += '(';
        out += n.op;
        out += ' ';
        render(*n.args[0], out);
        out += ')';
        return;
      case expr_node::kind::infix:
        out += '(';
        render(*n.args[0], out);
        out += ' ';
        out += n.op;
        out += ' ';
        render(*n.args[1], out);
        out += ')';
        return;
      case expr_node::kind::method:
        render(*n.args[0], out);
        out += '.';
        out += n.op;
        arguments(n, 1, out);
        return;
      case expr_node::kind::function:
        out += n.op;
        arguments(n, 0, out);
        return;
      case expr_node::kind::call:
        render(*n.args[0], out);
        arguments(n, 1, out);
        return;
      case expr_node::kind::text:
        out += '(';
        out += n.value.scalar().as_text();
        out += ')';
        return;
    }
    unreachable("typed expression node kind");
  }

 private:
  void arguments(const expr_node& n, std::size_t first, std::string& out) {
    out += '(';
    for (std::size_t i = first; i < n.args.size(); ++i) {
      if (i != first) out += ", ";
      render(*n.args[i], out);
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
