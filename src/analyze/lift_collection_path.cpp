// An aggregate of an expression over one collection's attributes, PonyORM's
// `sum(o.items.quantity * o.items.price)`: every path through the same collection stands for the
// same element, so the argument is the generator `sum(i.quantity * i.price for i in o.items)`.
#include "analyze/binder.hpp"

#include <string>
#include <string_view>

namespace nextorm::analyze {

// The attribute node of `a`'s chain that is a collection of a loop variable (`g.students` of
// `g.students.gpa`), when the chain goes on past it; else null.
const ast::attribute* binder::collection_step(const ast::attribute& a) const {
  std::vector<const ast::attribute*> steps;  // innermost first
  const ast::node* n = &a;
  while (const auto* step = n->try_as<ast::attribute>()) {
    steps.insert(steps.begin(), step);
    n = step->object.get();
  }
  const auto* root = n->try_as<ast::name>();
  const scope_entry* entry = root != nullptr ? lookup(root->id) : nullptr;
  if (entry == nullptr || entry->is_alias || entry->bound != nullptr) return nullptr;
  // The last collection of the chain: `d.courses.students` of `d.courses.students.gpa`, a path
  // over every (course, student) pair, as PonyORM joins it.
  const ast::attribute* last = nullptr;
  const entity_info* entity = m_query.sources[entry->source].entity;
  for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
    const attr_info* attr = entity->find(steps[i]->attr);
    if (attr == nullptr || (attr->kind != attr_kind::set && attr->kind != attr_kind::single)) {
      break;
    }
    entity = attr->target_entity;
    if (attr->kind == attr_kind::set) {
      // `g.students.select(...)`: a method of the collection, not a path through its elements.
      const std::string& next = steps[i + 1]->attr;
      if (entity->find(next) == nullptr && entity->find_computed(next) == nullptr) return nullptr;
      last = steps[i];
    }
  }
  return last;
}

namespace {

bool consumes_collection(std::string_view function) noexcept {
  for (std::string_view f : {"count", "sum", "avg", "min", "max", "group_concat", "len", "exists",
                             "select", "distinct"}) {
    if (f == function) return true;
  }
  return false;
}

// The attribute chains of `n` (outside nested generators and lambdas, which have scopes of their
// own), each with the step its collection ends at, if any.
template <class Visit>
void each_chain(ast::node& n, const Visit& visit) {
  const auto recurse = [&](ast::node_ptr& child) {
    if (child) each_chain(*child, visit);
  };
  switch (n.kind) {
    case ast::node_kind::attribute: visit(n.as<ast::attribute>()); break;
    case ast::node_kind::call: {
      auto& c = n.as<ast::call>();
      // A function of a whole collection (`len(g.students.name)` is their count, as alone)
      // keeps its meaning: no path inside it stands for one element.
      if (const auto* f = c.func->try_as<ast::name>(); f != nullptr && consumes_collection(f->id)) {
        break;
      }
      recurse(c.func);
      for (auto& arg : c.args) recurse(arg);
      for (auto& kw : c.kwargs) recurse(kw.value);
      break;
    }
    case ast::node_kind::unary: recurse(n.as<ast::unary>().operand); break;
    case ast::node_kind::binary:
      recurse(n.as<ast::binary>().lhs);
      recurse(n.as<ast::binary>().rhs);
      break;
    case ast::node_kind::compare:
      recurse(n.as<ast::compare>().first);
      for (auto& r : n.as<ast::compare>().rest) recurse(r.rhs);
      break;
    case ast::node_kind::bool_op:
      for (auto& o : n.as<ast::bool_op>().operands) recurse(o);
      break;
    case ast::node_kind::conditional:
      recurse(n.as<ast::conditional>().then);
      recurse(n.as<ast::conditional>().cond);
      recurse(n.as<ast::conditional>().otherwise);
      break;
    case ast::node_kind::subscript:
      recurse(n.as<ast::subscript>().object);
      recurse(n.as<ast::subscript>().index);
      break;
    case ast::node_kind::slice:
      recurse(n.as<ast::slice>().object);
      recurse(n.as<ast::slice>().start);
      recurse(n.as<ast::slice>().stop);
      break;
    default: break;  // literals, names, tuples, dicts, generators, lambdas
  }
}

}  // namespace

const ast::node* binder::lift_collection_paths(const ast::node& arg) {
  // Only an expression: a bare path (`sum(g.students.gpa)`) is the collection already.
  if (arg.kind == ast::node_kind::attribute || arg.kind == ast::node_kind::name ||
      arg.kind == ast::node_kind::generator) {
    return nullptr;
  }
  ast::node_ptr result = ast::clone(arg);
  const ast::attribute* collection = nullptr;  // the first chain's, in `result`
  bool one_collection = true;
  each_chain(*result, [&](const ast::attribute& a) {
    const ast::attribute* step = collection_step(a);
    if (step == nullptr) return;
    if (collection == nullptr) {
      collection = step;
    } else if (!ast::equals(*collection, *step)) {
      one_collection = false;
    }
  });
  if (collection == nullptr || !one_collection) return nullptr;
  // The loop variable's name cannot be written in a query, so it shadows nothing.
  std::string var = collection->attr + "-1";
  for (int n = 2; lookup(var) != nullptr; ++n) var = collection->attr + "-" + std::to_string(n);
  const source_span at = collection->span;
  auto gen = std::make_unique<ast::generator>(arg.span, nullptr);
  gen->fors.push_back({{var}, {at}, ast::clone(*collection), {}});
  // Each chain's collection step becomes the loop variable (the steps after it stay).
  each_chain(*result, [&](ast::attribute& a) {
    ast::attribute* after = &a;
    while (after->object->kind == ast::node_kind::attribute) {
      ast::attribute* inner = &after->object->as<ast::attribute>();
      if (ast::equals(*inner, *gen->fors.front().source)) {
        after->object = std::make_unique<ast::name>(inner->span, var);
        break;
      }
      after = inner;
    }
  });
  gen->result = std::move(result);
  m_lifted.push_back(std::move(gen));
  return m_lifted.back().get();
}

}  // namespace nextorm::analyze
