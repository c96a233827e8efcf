// Json attributes as PonyORM reads them: subscripts `s.meta['tags'][0]` (a path of str and int
// literals), comparisons that read the element as the other side's type, `is None`, and
// `'key' in s.meta` (an object's key, or an array's str element).
#include "analyze/binder.hpp"

namespace nextorm::analyze {

namespace {

const ir::function* as_json_get(const ir::expr& e) noexcept {
  const auto* f = e.try_as<ir::function>();
  return f != nullptr && f->fn == ir::function_kind::json_get ? f : nullptr;
}

// The json value itself as the element at the empty path.
ir::expr_ptr json_get_of(ir::expr_ptr json) {
  if (as_json_get(*json) != nullptr) return json;
  source_span span = json->span;
  auto get = std::make_unique<ir::function>(ir::scalar_type(value_type::json), span,
                                            ir::function_kind::json_get, std::move(json));
  return get;
}

}  // namespace

bool binder::is_json_element(const ir::expr& e) const noexcept { return as_json_get(e) != nullptr; }

// A key or position of a json path: a str or int literal, or a str or int parameter, whose
// value then becomes part of the path (bound, never spliced), so that the plan is made for it
// and not cached (as getattr()'s name).
ir::expr_ptr binder::bind_json_subscript(ir::expr_ptr object, const ast::subscript& s) {
  const value* step = nullptr;
  if (const auto* literal = s.index->try_as<ast::literal>()) {
    step = &literal->value;
  } else if (const auto* n = s.index->try_as<ast::name>();
             n != nullptr && lookup(n->id) == nullptr && m_args->contains(n->id) &&
             m_args->find(n->id)->second.is_scalar()) {
    step = &m_args->find(n->id)->second.scalar();
    m_query.value_dependent = true;
  }
  if (step == nullptr ||
      (step->type() != value_type::text && step->type() != value_type::integer)) {
    fail(error_category::unsupported, "unsupported.json_path",
         "a json subscript is a str or int literal or parameter (s.meta['tags'][0], s.meta[key])",
         s.index->span);
  }
  ir::expr_ptr get = json_get_of(std::move(object));
  get->span = s.span;
  get->as<ir::function>().path.push_back(*step);
  return get;
}

ir::expr_ptr binder::json_length(ir::expr_ptr json, source_span span) {
  return std::make_unique<ir::function>(ir::scalar_type(value_type::integer), span,
                                        ir::function_kind::json_length,
                                        json_get_of(std::move(json)));
}

ir::expr_ptr binder::json_is_null(ir::expr_ptr element, bool negated, source_span span) {
  auto test = std::make_unique<ir::function>(ir::scalar_type(value_type::boolean), span,
                                             ir::function_kind::json_is_null, std::move(element));
  if (!negated) return test;
  return std::make_unique<ir::unary>(ir::scalar_type(value_type::boolean), span, ir::unary_op::not_,
                                     std::move(test));
}

ir::expr_ptr binder::json_as(ir::expr_ptr element, const ir::type& other, source_span span) {
  value_type t = other.scalar;
  if (other.entity != nullptr || other.collection ||
      (t != value_type::integer && t != value_type::real && t != value_type::decimal &&
       t != value_type::text && t != value_type::boolean)) {
    fail(error_category::type, "type.mismatch",
         "cannot compare an element of json with " + ir::type_text(other) +
             ": compare it with an int, float, str or bool",
         span);
  }
  if (t == value_type::decimal) t = value_type::real;
  return std::make_unique<ir::function>(ir::scalar_type(t), element->span,
                                        ir::function_kind::json_value, std::move(element));
}

ir::expr_ptr binder::json_contains(ir::expr_ptr needle, ir::expr_ptr json, bool negated,
                                   source_span span) {
  if (!needle->type.is_text()) {
    fail(error_category::type, "type.mismatch",
         "'in' of a json value looks for a str (a key, or an element of an array), got " +
             ir::type_text(needle->type),
         needle->span);
  }
  auto test = std::make_unique<ir::function>(ir::scalar_type(value_type::boolean), span,
                                             ir::function_kind::json_contains,
                                             json_get_of(std::move(json)));
  test->args.push_back(std::move(needle));
  if (!negated) return test;
  return std::make_unique<ir::unary>(ir::scalar_type(value_type::boolean), span, ir::unary_op::not_,
                                     std::move(test));
}

}  // namespace nextorm::analyze
