// Operator spellings, deep copy, structural equality and hashing of AST nodes.
#include "ast/ast.hpp"

#include "common/unreachable.hpp"

#include <functional>

namespace nextorm::ast {

// Indexed by the enumerators, in their order in ast.hpp.
std::string_view op_text(unary_op op) noexcept {
  static constexpr std::string_view text[] = {"-", "+", "not"};
  return text[static_cast<std::size_t>(op)];
}

std::string_view op_text(binary_op op) noexcept {
  static constexpr std::string_view text[] = {"+", "-", "*", "/", "//", "%", "**"};
  return text[static_cast<std::size_t>(op)];
}

std::string_view op_text(compare_op op) noexcept {
  static constexpr std::string_view text[] = {"==", "!=", "<",      "<=", ">",
                                              ">=", "in", "not in", "is", "is not"};
  return text[static_cast<std::size_t>(op)];
}

std::string_view op_text(bool_kind op) noexcept {
  static constexpr std::string_view text[] = {"and", "or"};
  return text[static_cast<std::size_t>(op)];
}

// --- clone

namespace {

node_ptr clone_or_null(const node_ptr& n) { return n ? clone(*n) : nullptr; }

std::vector<node_ptr> clone_all(const std::vector<node_ptr>& nodes) {
  std::vector<node_ptr> out;
  out.reserve(nodes.size());
  for (const auto& n : nodes) out.push_back(clone(*n));
  return out;
}

}  // namespace

node_ptr clone(const node& n) {
  switch (n.kind) {
    case node_kind::literal: {
      const auto& x = n.as<literal>();
      return std::make_unique<literal>(x.span, x.value);
    }
    case node_kind::name: {
      const auto& x = n.as<name>();
      return std::make_unique<name>(x.span, x.id);
    }
    case node_kind::attribute: {
      const auto& x = n.as<attribute>();
      return std::make_unique<attribute>(x.span, clone(*x.object), x.attr, x.attr_span);
    }
    case node_kind::call: {
      const auto& x = n.as<call>();
      auto c = std::make_unique<call>(x.span, clone(*x.func));
      c->args = clone_all(x.args);
      c->kwargs.reserve(x.kwargs.size());
      for (const auto& k : x.kwargs) c->kwargs.push_back({k.name, k.name_span, clone(*k.value)});
      return c;
    }
    case node_kind::unary: {
      const auto& x = n.as<unary>();
      return std::make_unique<unary>(x.span, x.op, clone(*x.operand));
    }
    case node_kind::binary: {
      const auto& x = n.as<binary>();
      return std::make_unique<binary>(x.span, x.op, clone(*x.lhs), clone(*x.rhs));
    }
    case node_kind::compare: {
      const auto& x = n.as<compare>();
      auto c = std::make_unique<compare>(x.span, clone(*x.first));
      c->rest.reserve(x.rest.size());
      for (const auto& r : x.rest) c->rest.push_back({r.op, r.op_span, clone(*r.rhs)});
      return c;
    }
    case node_kind::bool_op: {
      const auto& x = n.as<bool_op>();
      auto c = std::make_unique<bool_op>(x.span, x.op);
      c->operands = clone_all(x.operands);
      return c;
    }
    case node_kind::tuple: {
      const auto& x = n.as<tuple>();
      auto c = std::make_unique<tuple>(x.span);
      c->items = clone_all(x.items);
      return c;
    }
    case node_kind::subscript: {
      const auto& x = n.as<subscript>();
      return std::make_unique<subscript>(x.span, clone(*x.object), clone(*x.index));
    }
    case node_kind::slice: {
      const auto& x = n.as<slice>();
      auto c = std::make_unique<slice>(x.span, clone(*x.object));
      c->start = clone_or_null(x.start);
      c->stop = clone_or_null(x.stop);
      c->step = clone_or_null(x.step);
      return c;
    }
    case node_kind::conditional: {
      const auto& x = n.as<conditional>();
      return std::make_unique<conditional>(x.span, clone(*x.then), clone(*x.cond),
                                           clone(*x.otherwise));
    }
    case node_kind::generator: {
      const auto& x = n.as<generator>();
      auto c = std::make_unique<generator>(x.span, clone(*x.result));
      c->fors.reserve(x.fors.size());
      for (const auto& f : x.fors) {
        c->fors.push_back({f.targets, f.target_spans, clone(*f.source), clone_all(f.conditions)});
      }
      c->left_join = x.left_join;
      return c;
    }
    case node_kind::dict: {
      const auto& x = n.as<dict>();
      auto c = std::make_unique<dict>(x.span);
      c->keys = clone_all(x.keys);
      c->values = clone_all(x.values);
      return c;
    }
    case node_kind::lambda: {
      const auto& x = n.as<lambda>();
      auto c = std::make_unique<lambda>(x.span);
      c->params = x.params;
      c->param_spans = x.param_spans;
      c->body = clone(*x.body);
      return c;
    }
  }
  detail::unreachable("ast::clone");
}

// --- equals

namespace {

bool equal_or_both_null(const node_ptr& a, const node_ptr& b) noexcept {
  return a && b ? equals(*a, *b) : !a && !b;
}

bool equal_all(const std::vector<node_ptr>& a, const std::vector<node_ptr>& b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!equals(*a[i], *b[i])) return false;
  }
  return true;
}

}  // namespace

bool equals(const node& a, const node& b) noexcept {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case node_kind::literal: return a.as<literal>().value == b.as<literal>().value;
    case node_kind::name: return a.as<name>().id == b.as<name>().id;
    case node_kind::attribute: {
      const auto& x = a.as<attribute>();
      const auto& y = b.as<attribute>();
      return x.attr == y.attr && equals(*x.object, *y.object);
    }
    case node_kind::call: {
      const auto& x = a.as<call>();
      const auto& y = b.as<call>();
      if (!equals(*x.func, *y.func) || !equal_all(x.args, y.args) ||
          x.kwargs.size() != y.kwargs.size()) {
        return false;
      }
      for (std::size_t i = 0; i < x.kwargs.size(); ++i) {
        if (x.kwargs[i].name != y.kwargs[i].name ||
            !equals(*x.kwargs[i].value, *y.kwargs[i].value)) {
          return false;
        }
      }
      return true;
    }
    case node_kind::unary: {
      const auto& x = a.as<unary>();
      const auto& y = b.as<unary>();
      return x.op == y.op && equals(*x.operand, *y.operand);
    }
    case node_kind::binary: {
      const auto& x = a.as<binary>();
      const auto& y = b.as<binary>();
      return x.op == y.op && equals(*x.lhs, *y.lhs) && equals(*x.rhs, *y.rhs);
    }
    case node_kind::compare: {
      const auto& x = a.as<compare>();
      const auto& y = b.as<compare>();
      if (x.rest.size() != y.rest.size() || !equals(*x.first, *y.first)) return false;
      for (std::size_t i = 0; i < x.rest.size(); ++i) {
        if (x.rest[i].op != y.rest[i].op || !equals(*x.rest[i].rhs, *y.rest[i].rhs)) return false;
      }
      return true;
    }
    case node_kind::bool_op: {
      const auto& x = a.as<bool_op>();
      const auto& y = b.as<bool_op>();
      return x.op == y.op && equal_all(x.operands, y.operands);
    }
    case node_kind::tuple: return equal_all(a.as<tuple>().items, b.as<tuple>().items);
    case node_kind::dict:
      return equal_all(a.as<dict>().keys, b.as<dict>().keys) &&
             equal_all(a.as<dict>().values, b.as<dict>().values);
    case node_kind::subscript: {
      const auto& x = a.as<subscript>();
      const auto& y = b.as<subscript>();
      return equals(*x.object, *y.object) && equals(*x.index, *y.index);
    }
    case node_kind::slice: {
      const auto& x = a.as<slice>();
      const auto& y = b.as<slice>();
      return equals(*x.object, *y.object) && equal_or_both_null(x.start, y.start) &&
             equal_or_both_null(x.stop, y.stop) && equal_or_both_null(x.step, y.step);
    }
    case node_kind::conditional: {
      const auto& x = a.as<conditional>();
      const auto& y = b.as<conditional>();
      return equals(*x.then, *y.then) && equals(*x.cond, *y.cond) &&
             equals(*x.otherwise, *y.otherwise);
    }
    case node_kind::generator: {
      const auto& x = a.as<generator>();
      const auto& y = b.as<generator>();
      if (x.left_join != y.left_join || x.fors.size() != y.fors.size() ||
          !equals(*x.result, *y.result)) {
        return false;
      }
      for (std::size_t i = 0; i < x.fors.size(); ++i) {
        const auto& f = x.fors[i];
        const auto& g = y.fors[i];
        if (f.targets != g.targets || !equals(*f.source, *g.source) ||
            !equal_all(f.conditions, g.conditions)) {
          return false;
        }
      }
      return true;
    }
    case node_kind::lambda: {
      const auto& x = a.as<lambda>();
      const auto& y = b.as<lambda>();
      return x.params == y.params && equals(*x.body, *y.body);
    }
  }
  detail::unreachable("ast::equals");
}

// --- hash

namespace {

void mix(std::size_t& seed, std::size_t v) noexcept {
  seed ^= v + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

void mix_text(std::size_t& seed, std::string_view s) noexcept {
  mix(seed, std::hash<std::string_view>{}(s));
}

void mix_node(std::size_t& seed, const node_ptr& n) noexcept { mix(seed, n ? hash(*n) : 0); }

void mix_all(std::size_t& seed, const std::vector<node_ptr>& nodes) noexcept {
  mix(seed, nodes.size());
  for (const auto& n : nodes) mix(seed, hash(*n));
}

}  // namespace

std::size_t hash(const node& n) noexcept {
  std::size_t h = static_cast<std::size_t>(n.kind) + 1;
  switch (n.kind) {
    case node_kind::literal: mix(h, n.as<literal>().value.hash()); break;
    case node_kind::name: mix_text(h, n.as<name>().id); break;
    case node_kind::attribute: {
      const auto& x = n.as<attribute>();
      mix_node(h, x.object);
      mix_text(h, x.attr);
      break;
    }
    case node_kind::call: {
      const auto& x = n.as<call>();
      mix_node(h, x.func);
      mix_all(h, x.args);
      for (const auto& k : x.kwargs) {
        mix_text(h, k.name);
        mix_node(h, k.value);
      }
      break;
    }
    case node_kind::unary: {
      const auto& x = n.as<unary>();
      mix(h, static_cast<std::size_t>(x.op));
      mix_node(h, x.operand);
      break;
    }
    case node_kind::binary: {
      const auto& x = n.as<binary>();
      mix(h, static_cast<std::size_t>(x.op));
      mix_node(h, x.lhs);
      mix_node(h, x.rhs);
      break;
    }
    case node_kind::compare: {
      const auto& x = n.as<compare>();
      mix_node(h, x.first);
      for (const auto& r : x.rest) {
        mix(h, static_cast<std::size_t>(r.op));
        mix_node(h, r.rhs);
      }
      break;
    }
    case node_kind::bool_op: {
      const auto& x = n.as<bool_op>();
      mix(h, static_cast<std::size_t>(x.op));
      mix_all(h, x.operands);
      break;
    }
    case node_kind::tuple: mix_all(h, n.as<tuple>().items); break;
    case node_kind::dict:
      mix_all(h, n.as<dict>().keys);
      mix_all(h, n.as<dict>().values);
      break;
    case node_kind::subscript: {
      const auto& x = n.as<subscript>();
      mix_node(h, x.object);
      mix_node(h, x.index);
      break;
    }
    case node_kind::slice: {
      const auto& x = n.as<slice>();
      mix_node(h, x.object);
      mix_node(h, x.start);
      mix_node(h, x.stop);
      mix_node(h, x.step);
      break;
    }
    case node_kind::conditional: {
      const auto& x = n.as<conditional>();
      mix_node(h, x.then);
      mix_node(h, x.cond);
      mix_node(h, x.otherwise);
      break;
    }
    case node_kind::generator: {
      const auto& x = n.as<generator>();
      mix(h, x.left_join ? 1 : 0);
      mix_node(h, x.result);
      for (const auto& f : x.fors) {
        mix(h, f.targets.size());
        for (const auto& t : f.targets) mix_text(h, t);
        mix_node(h, f.source);
        mix_all(h, f.conditions);
      }
      break;
    }
    case node_kind::lambda: {
      const auto& x = n.as<lambda>();
      mix(h, x.params.size());
      for (const auto& p : x.params) mix_text(h, p);
      mix_node(h, x.body);
      break;
    }
  }
  return h;
}

}  // namespace nextorm::ast
