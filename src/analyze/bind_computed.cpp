// Computed attributes and methods (registry.hpp computed_info): their text is bound where they
// are used, with the object and the arguments standing for its names, and nothing of the query
// around it in view (so that its loop variables neither see nor shadow the query's).
#include "analyze/binder.hpp"

#include "common/suggest.hpp"
#include "parse/parser.hpp"

#include <algorithm>

namespace nextorm::analyze {

namespace {

std::string full_name(const computed_info& c) { return c.owner->name + "." + c.name; }

// Where `span` starts in `text`, as "line L, column C" (columns in characters).
std::string position(std::string_view text, source_span span) {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  const std::size_t end = std::min<std::size_t>(span.begin, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') {
      ++line;
      column = 1;
    } else if ((byte & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Whether a value of type `given` may stand where `declared` is expected: the same type, any
// number for a number, or None.
bool fits(value_type declared, const ir::type& given) {
  if (declared == value_type::null || given.is(value_type::null)) return true;
  if (given.is(declared)) return true;
  const bool number = declared == value_type::integer || declared == value_type::real ||
                      declared == value_type::decimal;
  return number && given.is_number();
}

}  // namespace

// Restores what binding a computed text changes, however it ends.
class binder::computed_scope {
 public:
  explicit computed_scope(binder& b)
      : m_b{b},
        m_text{b.m_text},
        m_text_id{b.m_text_id},
        m_visible{b.m_visible},
        m_size{b.m_scope.size()},
        m_floor{b.m_lookup_floor},
        m_reveal{b.m_reveal},
        m_args{b.m_args},
        m_prefix{b.m_param_prefix},
        m_element_scope{b.m_element_scope} {}
  computed_scope(const computed_scope&) = delete;
  computed_scope& operator=(const computed_scope&) = delete;
  ~computed_scope() {
    m_b.m_scope.resize(m_size);
    m_b.m_text = m_text;
    m_b.m_text_id = m_text_id;
    m_b.m_visible = m_visible;
    m_b.m_lookup_floor = m_floor;
    m_b.m_reveal = m_reveal;
    m_b.m_args = m_args;
    m_b.m_param_prefix = std::move(m_prefix);
    m_b.m_element_scope = m_element_scope;
    m_b.m_computed_stack.pop_back();
  }

 private:
  binder& m_b;
  std::string_view m_text;
  std::uint16_t m_text_id;
  std::size_t m_visible;
  std::size_t m_size;
  std::size_t m_floor;
  bool m_reveal;
  const params* m_args;
  std::string m_prefix;
  std::optional<std::size_t> m_element_scope;
};

ir::expr_ptr binder::bind_computed(ir::expr_ptr object, const computed_info& c,
                                   const ast::call* call, source_span span) {
  const bool method = !c.params.empty() || is_lambda_with_params(c);
  if (call == nullptr && method) {
    fail(error_category::type, "type.computed_call",
         full_name(c) + " is a computed method: call it with its arguments", span);
  }
  if (call != nullptr && !method) {
    fail(error_category::type, "type.not_callable",
         full_name(c) + " is a computed attribute, not a method: use it without '()'", span);
  }
  if (object->kind == ir::expr_kind::subquery) object = promote(std::move(object));
  if (object->kind != ir::expr_kind::source_row && object->kind != ir::expr_kind::column) {
    fail(error_category::unsupported, "unsupported.parameter_attribute",
         "computed attribute " + full_name(c) +
             " of an object chosen by an expression: read it from each object instead "
             "('a.x if c else b.x')",
         span);
  }
  if (std::find(m_computed_stack.begin(), m_computed_stack.end(), &c) != m_computed_stack.end()) {
    std::string chain;
    for (const computed_info* on : m_computed_stack) chain += on->name + " -> ";
    fail(error_category::schema, "schema.computed_cycle",
         "computed attribute " + full_name(c) + " uses itself (" + chain + c.name + ")", span);
  }
  // Each level binds a text inside the last one: a schema's chain of thousands would run out
  // of stack.
  if (m_computed_stack.size() >= max_computed_depth) {
    fail(error_category::schema, "schema.computed",
         "computed attribute " + full_name(c) + " is used inside " +
             std::to_string(max_computed_depth) +
             " other computed attributes: they nest too deep (the limit keeps the stack)",
         span);
  }
  const ast::node& tree = computed_tree(c);
  std::vector<std::string> names{"self"};
  const ast::node* body = &tree;
  if (const auto* l = tree.try_as<ast::lambda>()) {
    names = l->params;
    body = l->body.get();
  }
  // The arguments, in the query's own scope.
  std::vector<ir::expr_ptr> args;
  if (call != nullptr) {
    // Python's rules: positional arguments first, then keyword ones by the lambda's names.
    const std::size_t wanted = names.size() - 1;
    const std::string takes =
        full_name(c) + " takes " + std::to_string(wanted) + " argument" + (wanted == 1 ? "" : "s");
    if (call->args.size() > wanted) {
      fail(error_category::type, "type.arguments",
           takes + ", got " + std::to_string(call->args.size() + call->kwargs.size()), call->span);
    }
    std::vector<const ast::node*> given(wanted, nullptr);
    for (std::size_t i = 0; i < call->args.size(); ++i) given[i] = call->args[i].get();
    const std::vector<std::string> params(names.begin() + 1, names.end());
    for (const auto& kw : call->kwargs) {
      auto at = std::find(params.begin(), params.end(), kw.name);
      if (at == params.end()) {
        fail(error_category::type, "type.arguments",
             full_name(c) + " has no parameter '" + kw.name + "'" + did_you_mean(kw.name, params),
             kw.name_span);
      }
      const auto i = static_cast<std::size_t>(at - params.begin());
      if (given[i] != nullptr) {
        fail(error_category::type, "type.arguments",
             full_name(c) + " got parameter '" + kw.name + "' twice", kw.name_span);
      }
      given[i] = kw.value.get();
    }
    for (std::size_t i = 0; i < wanted; ++i) {
      if (given[i] == nullptr) {
        fail(error_category::type, "type.arguments", takes + ": '" + params[i] + "' is missing",
             call->span);
      }
      args.push_back(bind(*given[i]));
      const value_type declared = i < c.params.size() ? c.params[i] : value_type::null;
      if (args.back()->type.collection || args.back()->type.is_entity() ||
          !fits(declared, args.back()->type)) {
        fail(error_category::type, "type.mismatch",
             "argument '" + params[i] + "' of " + full_name(c) + " is " +
                 (declared == value_type::null ? std::string{"a value"}
                                               : std::string{type_name(declared)}) +
                 ", got " + ir::type_text(args.back()->type),
             given[i]->span);
      }
    }
  }
  const std::string_view use_text = m_text;
  m_computed_stack.push_back(&c);
  ir::expr_ptr e;
  {
    computed_scope restore{*this};
    m_text = c.text;
    m_text_id = ir::expr::no_text;
    m_lookup_floor = m_scope.size();
    m_reveal = false;
    m_args = &m_no_args;
    m_param_prefix.clear();
    m_element_scope.reset();
    scope_entry self{};
    self.name = names.front();
    self.bound = object.get();
    push(std::move(self));
    for (std::size_t i = 0; i < args.size(); ++i) {
      scope_entry arg{};
      arg.name = names[i + 1];
      arg.bound = args[i].get();
      push(std::move(arg));
    }
    try {
      e = bind(*body);
      check_computed_type(c, *e, body->span);
    } catch (const query_error& error) {
      throw query_error{error.category(), error.id(),
                        error.message() + " (in computed attribute " + full_name(c) + ", used at " +
                            position(use_text, span) + ")",
                        error.query(), error.span()};
    }
  }
  e->span = span;
  return e;
}

bool binder::is_lambda_with_params(const computed_info& c) {
  const auto* l = computed_tree(c).try_as<ast::lambda>();
  return l != nullptr && l->params.size() > 1;
}

const ast::node& binder::computed_tree(const computed_info& c) {
  for (const auto& [info, tree] : m_computed_trees) {
    if (info == &c) return *tree;
  }
  ast::node_ptr tree;
  try {
    tree = parse::parse_expression(c.text);
  } catch (const query_error& error) {
    throw query_error{error.category(), error.id(),
                      error.message() + " (in computed attribute " + full_name(c) + ")",
                      error.query(), error.span()};
  }
  if (const auto* l = tree->try_as<ast::lambda>(); l != nullptr && l->params.empty()) {
    fail_in(c, "a computed attribute's lambda takes the object first", l->span);
  }
  if (const auto* l = tree->try_as<ast::lambda>();
      !c.params.empty() && (l == nullptr || l->params.size() != c.params.size() + 1)) {
    fail_in(c,
            "computed method " + full_name(c) + " is declared with " +
                std::to_string(c.params.size()) + " parameter" + (c.params.size() == 1 ? "" : "s") +
                ": write it as 'lambda self, ...: ...' with " +
                (c.params.size() == 1 ? "one" : std::to_string(c.params.size())) +
                " after the object",
            tree->span);
  }
  m_computed_trees.emplace_back(&c, std::move(tree));
  return *m_computed_trees.back().second;
}

void binder::fail_in(const computed_info& c, const std::string& message, source_span span) const {
  throw query_error{error_category::schema, "schema.computed", message, c.text, span};
}

void binder::check_computed_type(const computed_info& c, const ir::expr& e,
                                 source_span span) const {
  std::string declared;
  bool ok = true;
  if (c.target_entity != nullptr) {
    const bool entity_fits =
        e.type.entity != nullptr && c.target_entity->is_same_or_base_of(*e.type.entity);
    ok = entity_fits && e.type.collection == c.many;
    declared = c.many ? "a collection of " + c.target : c.target;
  } else if (c.type != value_type::null) {
    // (What query<T> converts: the same type, or an int where a float is declared.)
    ok = !e.type.collection && !e.type.is_entity() &&
         (e.type.is(c.type) || e.type.is(value_type::null) ||
          (c.type == value_type::real && e.type.is(value_type::integer)));
    declared = std::string{type_name(c.type)};
  }
  if (!ok) {
    fail(error_category::type, "type.computed",
         "computed attribute " + full_name(c) + " is declared " + declared +
             ", its expression gives " + ir::type_text(e.type),
         span);
  }
}

}  // namespace nextorm::analyze
