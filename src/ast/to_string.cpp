// Python source text for an AST, with the fewest parentheses that keep the tree: parsing the
// text gives back an equal tree (tests/parse/round_trip_test.cpp checks it).
#include "ast/ast.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace nextorm::ast {
namespace {

// Binding strength of each construct, as in Python's grammar: the lowest first.
enum prec : int {
  p_generator = -1,  // always in parentheses, except where print_bare() is called for it
  p_lambda,
  p_conditional,
  p_or,
  p_and,
  p_not,
  p_compare,
  p_sum,
  p_term,
  p_unary,
  p_power,
  p_postfix,
  p_atom,
};

bool is_negative_number(const nextorm::value& v) noexcept {
  switch (v.type()) {
    case value_type::integer: return v.as_int() < 0;
    case value_type::real: return std::signbit(v.as_real());
    default: return false;
  }
}

int precedence(const node& n) noexcept {
  switch (n.kind) {
    case node_kind::lambda: return p_lambda;
    case node_kind::conditional: return p_conditional;
    case node_kind::bool_op: return n.as<bool_op>().op == bool_kind::or_ ? p_or : p_and;
    case node_kind::unary: return n.as<unary>().op == unary_op::not_ ? p_not : p_unary;
    case node_kind::compare: return p_compare;
    case node_kind::binary:
      switch (n.as<binary>().op) {
        case binary_op::add:
        case binary_op::sub: return p_sum;
        case binary_op::pow: return p_power;
        default: return p_term;
      }
    case node_kind::attribute:
    case node_kind::call:
    case node_kind::subscript:
    case node_kind::slice: return p_postfix;
    case node_kind::literal:
      // A negative number prints with its minus sign: it binds like a unary minus.
      return is_negative_number(n.as<literal>().value) ? p_unary : p_atom;
    case node_kind::generator: return p_generator;
    default: return p_atom;
  }
}

void print_double(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "float('nan')";  // no literal spells NaN; no query text yields one
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-1e999" : "1e999";  // the parser reads an overflowing literal as infinity
    return;
  }
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);  // shortest round-trip form
  const std::string_view s{buf, static_cast<std::size_t>(end - buf)};
  out += s;
  if (s.find_first_of(".e") == std::string_view::npos) {
    out += ".0";  // keep it a float: 2.0, not 2
  }
}

void print_string(std::string& out, const std::string& s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '\'';
  for (const char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) {
          out += "\\x";
          out += hex[u >> 4];
          out += hex[u & 0xF];
        } else {
          out += c;  // UTF-8 bytes go through as they are
        }
      }
    }
  }
  out += '\'';
}

void print_literal(std::string& out, const nextorm::value& v) {
  switch (v.type()) {
    case value_type::null: out += "None"; break;
    case value_type::boolean: out += v.as_bool() ? "True" : "False"; break;
    case value_type::integer: out += std::to_string(v.as_int()); break;
    case value_type::real: print_double(out, v.as_real()); break;
    case value_type::text: print_string(out, v.as_text()); break;
    default: out += v.repr(); break;  // typed values never come from query text
  }
}

class printer {
 public:
  explicit printer(std::string& out) noexcept : m_out{out} {}

  // Prints `n`, in parentheses when it binds less tightly than its place requires.
  void print(const node& n, int min_prec) {
    const bool parens = precedence(n) < min_prec;
    if (parens) m_out += '(';
    print_bare(n);
    if (parens) m_out += ')';
  }

  // A generator prints bare at the top of a query and as the only argument of a call.
  void print_bare(const node& n) {
    switch (n.kind) {
      case node_kind::literal: print_literal(m_out, n.as<literal>().value); break;
      case node_kind::name: m_out += n.as<name>().id; break;
      case node_kind::attribute: attribute_(n.as<attribute>()); break;
      case node_kind::call: call_(n.as<call>()); break;
      case node_kind::unary: unary_(n.as<unary>()); break;
      case node_kind::binary: binary_(n.as<binary>()); break;
      case node_kind::compare: compare_(n.as<compare>()); break;
      case node_kind::bool_op: bool_op_(n.as<bool_op>()); break;
      case node_kind::tuple: tuple_(n.as<tuple>()); break;
      case node_kind::dict: dict_(n.as<dict>()); break;
      case node_kind::subscript: subscript_(n.as<subscript>()); break;
      case node_kind::slice: slice_(n.as<slice>()); break;
      case node_kind::conditional: conditional_(n.as<conditional>()); break;
      case node_kind::generator: generator_(n.as<generator>()); break;
      case node_kind::lambda: lambda_(n.as<lambda>()); break;
    }
  }

 private:
  void attribute_(const attribute& n) {
    // `1.real` would read as the float `1.` followed by a name.
    const auto* lit = n.object->try_as<literal>();
    const bool number = lit != nullptr && (lit->value.type() == value_type::integer ||
                                           lit->value.type() == value_type::real);
    if (number) {
      m_out += '(';
      print_bare(*n.object);
      m_out += ')';
    } else {
      print(*n.object, p_postfix);
    }
    m_out += '.';
    m_out += n.attr;
  }

  void call_(const call& n) {
    print(*n.func, p_postfix);
    m_out += '(';
    if (n.args.size() == 1 && n.kwargs.empty() && n.args[0]->kind == node_kind::generator) {
      print_bare(*n.args[0]);  // count(s for s in Student)
    } else {
      const char* sep = "";
      for (const auto& a : n.args) {
        m_out += sep;
        print(*a, p_lambda);
        sep = ", ";
      }
      for (const auto& k : n.kwargs) {
        m_out += sep;
        m_out += k.name;
        m_out += '=';
        print(*k.value, p_lambda);
        sep = ", ";
      }
    }
    m_out += ')';
  }

  void unary_(const unary& n) {
    m_out += op_text(n.op);
    if (n.op == unary_op::not_) {
      m_out += ' ';
      print(*n.operand, p_not);
    } else {
      print(*n.operand, p_unary);
    }
  }

  void binary_(const binary& n) {
    const int p = precedence(n);
    if (n.op == binary_op::pow) {
      // Right-associative, and its right side may carry a sign: 2 ** -1.
      print(*n.lhs, p_postfix);
      m_out += " ** ";
      print(*n.rhs, p_unary);
      return;
    }
    print(*n.lhs, p);
    m_out += ' ';
    m_out += op_text(n.op);
    m_out += ' ';
    print(*n.rhs, p + 1);
  }

  void compare_(const compare& n) {
    print(*n.first, p_sum);
    for (const auto& r : n.rest) {
      m_out += ' ';
      m_out += op_text(r.op);
      m_out += ' ';
      print(*r.rhs, p_sum);
    }
  }

  void bool_op_(const bool_op& n) {
    const int p = precedence(n);
    const char* sep = "";
    for (const auto& x : n.operands) {
      m_out += sep;
      print(*x, p + 1);
      sep = n.op == bool_kind::and_ ? " and " : " or ";
    }
  }

  void tuple_(const tuple& n) {
    m_out += '(';
    const char* sep = "";
    for (const auto& x : n.items) {
      m_out += sep;
      print(*x, p_lambda);
      sep = ", ";
    }
    if (n.items.size() == 1) m_out += ',';
    m_out += ')';
  }

  void dict_(const dict& n) {
    m_out += '{';
    for (std::size_t i = 0; i < n.keys.size(); ++i) {
      if (i > 0) m_out += ", ";
      print(*n.keys[i], p_lambda);
      m_out += ": ";
      print(*n.values[i], p_lambda);
    }
    m_out += '}';
  }

  void subscript_(const subscript& n) {
    print(*n.object, p_postfix);
    m_out += '[';
    print(*n.index, p_lambda);
    m_out += ']';
  }

  void slice_(const slice& n) {
    print(*n.object, p_postfix);
    m_out += '[';
    // A lambda bound would swallow the colon after it, so bounds start at conditionals.
    if (n.start) print(*n.start, p_conditional);
    m_out += ':';
    if (n.stop) print(*n.stop, p_conditional);
    if (n.step) {
      m_out += ':';
      print(*n.step, p_conditional);
    }
    m_out += ']';
  }

  void conditional_(const conditional& n) {
    print(*n.then, p_or);
    m_out += " if ";
    print(*n.cond, p_or);
    m_out += " else ";
    print(*n.otherwise, p_lambda);
  }

  void generator_(const generator& n) {
    if (n.left_join) m_out += "left_join(";
    print(*n.result, p_lambda);
    for (const auto& f : n.fors) {
      m_out += " for ";
      const char* sep = "";
      for (const auto& t : f.targets) {
        m_out += sep;
        m_out += t;
        sep = ", ";
      }
      m_out += " in ";
      print(*f.source, p_or);
      for (const auto& c : f.conditions) {
        m_out += " if ";
        print(*c, p_or);
      }
    }
    if (n.left_join) m_out += ')';
  }

  void lambda_(const lambda& n) {
    m_out += "lambda";
    const char* sep = " ";
    for (const auto& p : n.params) {
      m_out += sep;
      m_out += p;
      sep = ", ";
    }
    m_out += ": ";
    print(*n.body, p_lambda);
  }

  std::string& m_out;
};

}  // namespace

std::string to_string(const node& n) {
  std::string out;
  out.reserve(64);
  printer{out}.print_bare(n);
  return out;
}

}  // namespace nextorm::ast
