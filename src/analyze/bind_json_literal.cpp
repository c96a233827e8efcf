// Dict literals and Json(...) in queries: `s.meta == {'level': 1, 'tags': ['t1']}`,
// `s.meta['tags'] == Json(['t1'])`. PonyORM evaluates such a value in Python before the query runs
// and binds it as JSON text (json.dumps with sort_keys and compact separators), so it is a
// constant: its keys and values are literals, lists, tuples, nested dicts and parameters. The
// binder does the same and binds the text it makes; the text equals PonyORM's, which matters where
// JSON is compared as text (SQLite).
#include "analyze/binder.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>

namespace nextorm::analyze {

namespace {

using ordered_json = nlohmann::ordered_json;

// One key of a dict: json.dumps(sort_keys=True) sorts str keys by code point (the byte order of
// UTF-8) and int keys by number, then writes both as strings. Python cannot sort a mix of both
// (PonyORM fails there on SQLite, and answers on PostgreSQL, which compares jsonb by content):
// ints come first.
struct dict_key {
  bool is_int = false;
  std::int64_t number = 0;
  std::string text;
  friend bool operator<(const dict_key& a, const dict_key& b) noexcept {
    if (a.is_int != b.is_int) return a.is_int;
    return a.is_int ? a.number < b.number : a.text < b.text;
  }
};

class json_literal {
 public:
  // The parameter that a name stands for, or null when the name is no parameter.
  using resolve_fn = std::function<const param_value*(const ast::name&)>;
  json_literal(const binder& b, resolve_fn resolve) : m_binder{b}, m_resolve{std::move(resolve)} {}

  ordered_json of(const ast::node& n) {
    switch (n.kind) {
      case ast::node_kind::literal: return of_value(n.as<ast::literal>().value, n.span);
      case ast::node_kind::unary: return of_unary(n.as<ast::unary>());
      case ast::node_kind::tuple: {
        ordered_json array = ordered_json::array();
        for (const auto& item : n.as<ast::tuple>().items) array.push_back(of(*item));
        return array;
      }
      case ast::node_kind::dict: return of_dict(n.as<ast::dict>());
      case ast::node_kind::name:
        if (const param_value* p = m_resolve(n.as<ast::name>())) return of_param(*p, n.span);
        break;
      default: break;
    }
    not_constant(n.span);
  }

 private:
  [[noreturn]] void not_constant(source_span span) const {
    m_binder.fail(error_category::unsupported, "unsupported.dict_value",
                  "a dict or Json(...) in a query is made before the query runs, as PonyORM "
                  "makes it in Python: its keys and values are literals, lists, dicts and "
                  "parameters, not expressions over the query's objects",
                  span);
  }

  ordered_json of_value(const value& v, source_span span) const {
    switch (v.type()) {
      case value_type::null: return nullptr;
      case value_type::boolean: return v.as_bool();
      case value_type::integer: return v.as_int();
      case value_type::real:
        if (!std::isfinite(v.as_real())) {
          m_binder.fail(error_category::type, "type.json_value",
                        "inf and nan have no JSON form (PonyORM would write Infinity or NaN, "
                        "which is not JSON)",
                        span);
        }
        return v.as_real();
      case value_type::text: return v.as_text();
      case value_type::json: {
        // A json parameter inside the dict: its own keys are sorted again, like any dict's.
        ordered_json parsed = ordered_json::parse(v.as_text(), nullptr, false);
        if (parsed.is_discarded()) {
          m_binder.fail(error_category::type, "type.json_value",
                        "the json parameter is not valid JSON", span);
        }
        return sorted(std::move(parsed));
      }
      default:
        m_binder.fail(error_category::type, "type.json_value",
                      "a value of type " + std::string{type_name(v.type())} +
                          " has no JSON form: json.dumps takes None, bool, int, float, str, "
                          "lists and dicts",
                      span);
    }
  }

  ordered_json of_param(const param_value& p, source_span span) const {
    if (p.is_scalar()) return of_value(p.scalar(), span);
    if (p.is_sequence()) {
      ordered_json array = ordered_json::array();
      for (const auto& item : p.sequence()) array.push_back(of_param(item, span));
      return array;
    }
    m_binder.fail(error_category::type, "type.json_value",
                  "an object or a query has no JSON form: pass its key or its values instead",
                  span);
  }

  ordered_json of_unary(const ast::unary& u) {
    if (u.op == ast::unary_op::not_) not_constant(u.span);
    ordered_json x = of(*u.operand);
    if (x.is_number_integer()) {
      const auto i = x.get<std::int64_t>();
      if (u.op == ast::unary_op::pos) return i;
      if (i == std::numeric_limits<std::int64_t>::min()) {
        m_binder.fail(error_category::type, "type.json_value",
                      "the negated integer does not fit in 64 bits", u.span);
      }
      return -i;
    }
    if (x.is_number_float()) return u.op == ast::unary_op::neg ? -x.get<double>() : x.get<double>();
    not_constant(u.span);
  }

  dict_key key_of(const ast::node& n) {
    const ordered_json k = of(n);
    if (k.is_number_integer()) return {true, k.get<std::int64_t>(), {}};
    if (k.is_string()) return {false, 0, k.get<std::string>()};
    m_binder.fail(error_category::type, "type.json_value",
                  "a key of a dict in a query is a str or an int", n.span);
  }

  ordered_json of_dict(const ast::dict& d) {
    std::map<dict_key, ordered_json> entries;  // a repeated key keeps its last value
    for (std::size_t i = 0; i < d.keys.size(); ++i) {
      entries.insert_or_assign(key_of(*d.keys[i]), of(*d.values[i]));
    }
    ordered_json object = ordered_json::object();
    for (auto& [k, v] : entries) {
      object[k.is_int ? std::to_string(k.number) : k.text] = std::move(v);
    }
    return object;
  }

  // A parsed json parameter with its objects' keys in code-point order.
  static ordered_json sorted(ordered_json j) {
    if (j.is_array()) {
      for (auto& item : j) item = sorted(std::move(item));
    } else if (j.is_object()) {
      std::map<std::string, ordered_json> entries;
      for (auto& [k, v] : j.items()) entries.emplace(k, sorted(std::move(v)));
      ordered_json object = ordered_json::object();
      for (auto& [k, v] : entries) object[k] = std::move(v);
      return object;
    }
    return j;
  }

  const binder& m_binder;
  resolve_fn m_resolve;
};

}  // namespace

ir::expr_ptr binder::bind_json_constant(const ast::node& d) {
  json_literal literal{*this, [this](const ast::name& n) -> const param_value* {
                         if (lookup(n.id) != nullptr) return nullptr;
                         auto it = m_args->find(n.id);
                         if (it == m_args->end()) return nullptr;
                         m_query.value_dependent = true;  // the text is made from its value
                         return &it->second;
                       }};
  std::string text;
  try {
    text = literal.of(d).dump(-1, ' ', false, ordered_json::error_handler_t::strict);
  } catch (const ordered_json::type_error&) {
    fail(error_category::type, "type.json_value",
         "a str of the dict is not valid UTF-8, which JSON text must be", d.span);
  }
  return std::make_unique<ir::constant>(d.span, value::typed(value_type::json, std::move(text)));
}

}  // namespace nextorm::analyze
