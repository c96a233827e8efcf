#include "parse/build_ast.hpp"

#include "common/unreachable.hpp"
#include "grammar/errors.hpp"
#include "parse/literal.hpp"

#include <nextorm/errors.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

namespace nextorm::parse::detail {
namespace {

using ast::node_ptr;
using grammar::node_id;

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// A node with the height of the subtree under it, for the height limit: left-associative chains
// (`a + b + c`, `p.a.b.c`) are not limited by the grammar's nesting counter.
struct built {
  node_ptr node;
  std::size_t height = 1;
};

class builder {
 public:
  explicit builder(const parse_state& state) noexcept : m_state{state} {}

  built build(const tree_node& n) {
    switch (n.id) {
      case node_id::name: return leaf(std::make_unique<ast::name>(span(n), std::string{text(n)}));
      case node_id::integer: return integer(n);
      case node_id::floating: return literal(n, decode_float(text(n)));
      case node_id::string: return string(n);
      case node_id::fstring: return fstring(n);
      case node_id::none: return literal(n, nextorm::value{});
      case node_id::true_: return literal(n, true);
      case node_id::false_: return literal(n, false);
      case node_id::paren: return paren(n);
      case node_id::list: return list(n);
      case node_id::brace: return brace(n);
      case node_id::primary: return primary(n);
      case node_id::prefix: return prefix(n);
      case node_id::power:
      case node_id::term:
      case node_id::sum: return binary_chain(n);
      case node_id::comparison: return comparison(n);
      case node_id::and_test: return bool_op(n, ast::bool_kind::and_);
      case node_id::or_test: return bool_op(n, ast::bool_kind::or_);
      case node_id::conditional: return conditional(n);
      case node_id::lambda: return lambda(n);
      case node_id::top: return top(n);
      default: break;  // coverage-exempt: a part of a node above; see below
    }
    // Every other node id is a part of one of the nodes above, which reads it in place. (A
    // default label has no one-line assertion form, and listing the twenty part ids instead
    // would only add labels that nothing takes.)
    nextorm::detail::unreachable("builder::build: a parse-tree node out of place");
  }

 private:
  // --- spans and text
  [[nodiscard]] std::uint32_t offset(const char* p) const noexcept {
    return static_cast<std::uint32_t>(p - m_state.text.data());
  }
  // The node's text without the whitespace that its last token ate.
  [[nodiscard]] std::string_view text(const tree_node& n) const noexcept {
    const char* b = n.begin;
    const char* e = n.end;
    while (is_space(e[-1])) --e;  // stops at the node's first character, never a space
    return {b, static_cast<std::size_t>(e - b)};
  }
  [[nodiscard]] source_span span(const tree_node& n) const noexcept {
    const std::string_view t = text(n);
    const std::uint32_t b = offset(t.data());
    return {b, b + static_cast<std::uint32_t>(t.size())};
  }
  static source_span join(source_span a, source_span b) noexcept { return {a.begin, b.end}; }

  [[noreturn]] void fail(const grammar::error_entry& e, source_span s) const {
    throw query_error{error_category::syntax, e.id, e.message, std::string{m_state.text}, s};
  }

  // --- heights
  built checked(node_ptr node, std::size_t height) const {
    if (height > max_tree_height) {
      fail(grammar::errors::too_deep, node->span);
    }
    return {std::move(node), height};
  }
  static built leaf(node_ptr node) noexcept { return {std::move(node), 1}; }

  // --- atoms
  built literal(const tree_node& n, nextorm::value v) const {
    return leaf(std::make_unique<ast::literal>(span(n), std::move(v)));
  }

  built integer(const tree_node& n) const {
    const auto v = decode_integer(text(n));
    if (!v) {
      fail(grammar::errors::integer_too_large, span(n));
    }
    return literal(n, *v);
  }

  built string(const tree_node& n) const {
    const std::string_view t = text(n);
    std::string s;
    s.reserve(t.size());
    const std::size_t bad = decode_strings(t, s);
    if (bad != std::string_view::npos) {
      const std::uint32_t at = offset(t.data()) + static_cast<std::uint32_t>(bad);
      const std::uint32_t len = t[bad + 1] == 'U' ? 10 : 6;
      fail(grammar::errors::invalid_unicode_escape, {at, at + len});
    }
    return literal(n, std::move(s));
  }

  // f'a{x}b{y}' -> concat('a', x, 'b', y), and f'{x}' -> str(x): PonyORM's translation (each
  // field as text, the parts joined; a NULL field makes the whole NULL, as SQL's || does).
  built fstring(const tree_node& n) {
    const source_span s = span(n);
    const char quote = text(n)[1];
    std::vector<node_ptr> parts;
    std::size_t height = 1;
    for (const auto& child : n.children) {
      if (child->id == node_id::fstring_text) {
        parts.push_back(fstring_text(*child, quote));
        continue;
      }
      built field = build(*child);
      height = std::max(height, field.height);
      parts.push_back(std::move(field.node));
    }
    if (parts.empty()) return leaf(std::make_unique<ast::literal>(s, std::string{}));
    const bool one_part = parts.size() == 1;
    if (one_part && parts.front()->kind == ast::node_kind::literal) {
      return leaf(std::move(parts.front()));
    }
    const source_span prefix{s.begin, s.begin + 1};
    auto call = std::make_unique<ast::call>(
        s, std::make_unique<ast::name>(prefix, one_part ? "str" : "concat"));
    call->args = std::move(parts);
    return checked(std::move(call), height + 1);
  }

  // Text between f-string fields: doubled braces become one, then escapes are decoded as in any
  // string (the text is quoted again with the f-string's quote, which it cannot contain bare).
  node_ptr fstring_text(const tree_node& n, char quote) const {
    const std::string_view raw{n.begin, static_cast<std::size_t>(n.end - n.begin)};
    std::string quoted(1, quote);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      quoted += raw[i];
      if (raw[i] == '\\') {
        quoted += raw[++i];  // an escaped character is never half of a doubled brace
      } else if (raw[i] == '{' || raw[i] == '}') {
        ++i;  // the grammar only lets braces through in pairs
      }
    }
    quoted += quote;
    std::string decoded;
    const source_span s{offset(n.begin), offset(n.end)};
    if (decode_strings(quoted, decoded) != std::string_view::npos) {
      fail(grammar::errors::invalid_unicode_escape, s);
    }
    return std::make_unique<ast::literal>(s, std::move(decoded));
  }

  // (), (x), (x,), (x, y), (x for x in y)
  built paren(const tree_node& n) {
    const auto& c = n.children;
    if (c.empty()) {
      return leaf(std::make_unique<ast::tuple>(span(n)));
    }
    if (c.size() == 1) {
      return build(*c[0]);  // grouping only: the span stays the inner expression's
    }
    return with_tail(build(*c[0]), *c[1], span(n));
  }

  // An expression followed by `, more` (a tuple) or by `for` clauses (a generator).
  built with_tail(built first, const tree_node& tail, source_span s) {
    if (tail.id == node_id::gen_tail) {
      return generator(std::move(first), tail, s);
    }
    auto t = std::make_unique<ast::tuple>(s);
    std::size_t height = first.height;
    t->items.reserve(tail.children.size() + 1);
    t->items.push_back(std::move(first.node));
    for (const auto& item : tail.children) {
      built b = build(*item);
      height = std::max(height, b.height);
      t->items.push_back(std::move(b.node));
    }
    return checked(std::move(t), height + 1);
  }

  built list(const tree_node& n) {
    auto t = std::make_unique<ast::tuple>(span(n));
    std::size_t height = 0;
    t->items.reserve(n.children.size());
    for (const auto& item : n.children) {
      built b = build(*item);
      height = std::max(height, b.height);
      t->items.push_back(std::move(b.node));
    }
    return checked(std::move(t), height + 1);
  }

  // {}, {k: v, ...} (the first key, then a dict_tail of the first value and the other pairs), or
  // {a, b, ...}: a set, read as a tuple.
  built brace(const tree_node& n) {
    const auto& c = n.children;
    const bool is_dict = c.empty() || (c.size() == 2 && c[1]->id == node_id::dict_tail);
    if (!is_dict) return list(n);
    auto d = std::make_unique<ast::dict>(span(n));
    std::size_t height = 0;
    auto add = [&](std::vector<node_ptr>& to, const tree_node& item) {
      built b = build(item);
      height = std::max(height, b.height);
      to.push_back(std::move(b.node));
    };
    if (!c.empty()) {
      add(d->keys, *c[0]);
      const auto& tail = c[1]->children;
      for (std::size_t i = 0; i < tail.size(); ++i) add(i % 2 == 0 ? d->values : d->keys, *tail[i]);
    }
    return checked(std::move(d), height + 1);
  }

  // --- generators
  built generator(built result, const tree_node& tail, source_span s) {
    auto g = std::make_unique<ast::generator>(s, std::move(result.node));
    std::size_t height = result.height;
    g->fors.reserve(tail.children.size());
    for (const auto& f : tail.children) {
      ast::for_clause clause;
      const auto& c = f->children;
      std::size_t i = 0;
      for (; c[i]->id == node_id::loop_var; ++i) {
        clause.targets.emplace_back(text(*c[i]));
        clause.target_spans.push_back(span(*c[i]));
      }
      built source = build(*c[i]);
      height = std::max(height, source.height);
      clause.source = std::move(source.node);
      for (++i; i < c.size(); ++i) {
        built cond = build(*c[i]);
        height = std::max(height, cond.height);
        clause.conditions.push_back(std::move(cond.node));
      }
      g->fors.push_back(std::move(clause));
    }
    return checked(std::move(g), height + 1);
  }

  // --- postfix
  built primary(const tree_node& n) {
    const auto& c = n.children;
    built acc = build(*c[0]);
    for (std::size_t i = 1; i < c.size(); ++i) {
      const tree_node& t = *c[i];
      const source_span s = join(acc.node->span, span(t));
      switch (t.id) {
        case node_id::attribute: {
          const tree_node& attr = *t.children[0];
          acc = checked(std::make_unique<ast::attribute>(s, std::move(acc.node),
                                                         std::string{text(attr)}, span(attr)),
                        acc.height + 1);
          break;
        }
        case node_id::call: acc = call(std::move(acc), t, s); break;
        default: acc = subscript(std::move(acc), t, s); break;
      }
    }
    return acc;
  }

  built call(built func, const tree_node& t, source_span s) {
    auto node = std::make_unique<ast::call>(s, std::move(func.node));
    std::size_t height = func.height;
    for (const auto& a : t.children) {
      if (a->id == node_id::gen_tail) {
        // f(x for x in y): the generator replaces the argument it follows, which must be the
        // only one (the grammar allows no argument after it).
        if (!node->kwargs.empty()) {
          fail(grammar::errors::generator_argument, span(*a));
        }
        const source_span gs = join(node->args.back()->span, span(*a));
        built g = generator({std::move(node->args.back()), height}, *a, gs);
        height = std::max(height, g.height);
        node->args.back() = std::move(g.node);
        continue;
      }
      if (a->id == node_id::kwarg) {
        const tree_node& key = *a->children[0];
        const std::string_view k = text(key);
        for (const auto& kw : node->kwargs) {
          if (kw.name == k) {
            fail(grammar::errors::repeated_keyword, span(key));
          }
        }
        built v = build(*a->children[1]);
        height = std::max(height, v.height);
        node->kwargs.push_back({std::string{k}, span(key), std::move(v.node)});
        continue;
      }
      if (!node->kwargs.empty()) {
        fail(grammar::errors::positional_after_keyword, span(*a));
      }
      built v = build(*a);
      height = std::max(height, v.height);
      node->args.push_back(std::move(v.node));
    }
    return checked(std::move(node), height + 1);
  }

  built subscript(built object, const tree_node& t, source_span s) {
    const auto& c = t.children;
    const bool is_slice = std::any_of(c.begin(), c.end(),
                                      [](const auto& x) { return x->id == node_id::slice_colon; });
    std::size_t height = object.height;
    if (!is_slice) {
      built index = c.size() == 2 ? with_tail(build(*c[0]), *c[1],
                                              source_span{span(*c[0]).begin, span(*c[1]).end})
                                  : build(*c[0]);  // s[a, b]: a tuple
      height = std::max(height, index.height);
      return checked(
          std::make_unique<ast::subscript>(s, std::move(object.node), std::move(index.node)),
          height + 1);
    }
    auto node = std::make_unique<ast::slice>(s, std::move(object.node));
    node_ptr* part[] = {&node->start, &node->stop, &node->step};
    std::size_t which = 0;
    for (const auto& x : c) {
      if (x->id == node_id::slice_colon) {
        ++which;
        continue;
      }
      built b = build(*x);
      height = std::max(height, b.height);
      *part[which] = std::move(b.node);
    }
    return checked(std::move(node), height + 1);
  }

  // --- operators
  static ast::binary_op binary_op_of(node_id id) noexcept {
    switch (id) {
      case node_id::op_add: return ast::binary_op::add;
      case node_id::op_sub: return ast::binary_op::sub;
      case node_id::op_mul: return ast::binary_op::mul;
      case node_id::op_div: return ast::binary_op::div;
      case node_id::op_floordiv: return ast::binary_op::floordiv;
      case node_id::op_mod: return ast::binary_op::mod;
      default: return ast::binary_op::pow;
    }
  }

  static ast::compare_op compare_op_of(node_id id) noexcept {
    switch (id) {
      case node_id::op_eq: return ast::compare_op::eq;
      case node_id::op_ne: return ast::compare_op::ne;
      case node_id::op_lt: return ast::compare_op::lt;
      case node_id::op_le: return ast::compare_op::le;
      case node_id::op_gt: return ast::compare_op::gt;
      case node_id::op_ge: return ast::compare_op::ge;
      case node_id::op_in: return ast::compare_op::in;
      case node_id::op_not_in: return ast::compare_op::not_in;
      case node_id::op_is: return ast::compare_op::is;
      default: return ast::compare_op::is_not;
    }
  }

  built prefix(const tree_node& n) {
    const tree_node& op = *n.children[0];
    const tree_node& operand = *n.children[1];
    const source_span s = span(n);
    if (op.id == node_id::op_neg && operand.id == node_id::integer &&
        is_int64_min_magnitude(text(operand))) {
      // -9223372036854775808 is an int64 although 9223372036854775808 is not.
      return leaf(std::make_unique<ast::literal>(s, std::numeric_limits<std::int64_t>::min()));
    }
    const ast::unary_op kind = op.id == node_id::op_neg   ? ast::unary_op::neg
                               : op.id == node_id::op_pos ? ast::unary_op::pos
                                                          : ast::unary_op::not_;
    built x = build(operand);
    return checked(std::make_unique<ast::unary>(s, kind, std::move(x.node)), x.height + 1);
  }

  // x op y op z, left-associative (`**` has one operator: its right side recursed already).
  built binary_chain(const tree_node& n) {
    const auto& c = n.children;
    built acc = build(*c[0]);
    for (std::size_t i = 1; i < c.size(); i += 2) {
      built rhs = build(*c[i + 1]);
      const source_span s = join(acc.node->span, rhs.node->span);
      const std::size_t height = std::max(acc.height, rhs.height) + 1;
      acc = checked(std::make_unique<ast::binary>(s, binary_op_of(c[i]->id), std::move(acc.node),
                                                  std::move(rhs.node)),
                    height);
    }
    return acc;
  }

  built comparison(const tree_node& n) {
    const auto& c = n.children;
    built first = build(*c[0]);
    auto node = std::make_unique<ast::compare>(source_span{}, std::move(first.node));
    std::size_t height = first.height;
    node->rest.reserve(c.size() / 2);
    for (std::size_t i = 1; i < c.size(); i += 2) {
      built rhs = build(*c[i + 1]);
      height = std::max(height, rhs.height);
      node->rest.push_back({compare_op_of(c[i]->id), span(*c[i]), std::move(rhs.node)});
    }
    node->span = join(node->first->span, node->rest.back().rhs->span);
    return checked(std::move(node), height + 1);
  }

  built bool_op(const tree_node& n, ast::bool_kind kind) {
    auto node = std::make_unique<ast::bool_op>(source_span{}, kind);
    std::size_t height = 0;
    node->operands.reserve(n.children.size());
    for (const auto& x : n.children) {
      built b = build(*x);
      height = std::max(height, b.height);
      node->operands.push_back(std::move(b.node));
    }
    node->span = join(node->operands.front()->span, node->operands.back()->span);
    return checked(std::move(node), height + 1);
  }

  built conditional(const tree_node& n) {
    built then = build(*n.children[0]);
    built cond = build(*n.children[1]);
    built otherwise = build(*n.children[2]);
    const source_span s = join(then.node->span, otherwise.node->span);
    const std::size_t height = std::max({then.height, cond.height, otherwise.height}) + 1;
    return checked(std::make_unique<ast::conditional>(s, std::move(then.node), std::move(cond.node),
                                                      std::move(otherwise.node)),
                   height);
  }

  built lambda(const tree_node& n) {
    auto node = std::make_unique<ast::lambda>(span(n));
    const auto& c = n.children;
    for (std::size_t i = 0; i + 1 < c.size(); ++i) {
      const std::string_view p = text(*c[i]);
      if (std::find(node->params.begin(), node->params.end(), p) != node->params.end()) {
        fail(grammar::errors::duplicate_parameter, span(*c[i]));
      }
      node->params.emplace_back(p);
      node->param_spans.push_back(span(*c[i]));
    }
    built body = build(*c.back());
    const std::size_t height = body.height + 1;
    node->body = std::move(body.node);
    return checked(std::move(node), height);
  }

  built top(const tree_node& n) {
    built first = build(*n.children[0]);
    const source_span s = join(first.node->span, span(*n.children[1]));
    return with_tail(std::move(first), *n.children[1], s);
  }

  const parse_state& m_state;
};

}  // namespace

ast::node_ptr build_ast(const tree_node& expression, const parse_state& state) {
  return builder{state}.build(expression).node;
}

}  // namespace nextorm::parse::detail
