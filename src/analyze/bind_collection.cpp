// Collections and nested queries: `c.students`, `s.courses.name`, `(s for s in c.students if
// ...)`, and what consumes them: len/count/sum/avg/min/max (a scalar subquery), exists and
// is_empty (EXISTS), `x in ...` (IN), `for c in s.courses` and result items (joins).
#include "analyze/binder.hpp"
#include "analyze/type_rules.hpp"

#include "common/suggest.hpp"
#include "common/unreachable.hpp"

namespace nextorm::analyze {

namespace {

ir::type collection_of(ir::type t) noexcept {
  t.collection = true;
  return t;
}

}  // namespace

ir::subquery& binder::as_collection(ir::expr& e) noexcept {
  if (e.kind != ir::expr_kind::subquery) detail::unreachable("as_collection: not a subquery");
  auto& q = e.as<ir::subquery>();
  if (q.mode != ir::subquery_mode::collection) detail::unreachable("as_collection: consumed");
  return q;
}

void binder::fail_collection(const ir::expr& e, source_span span) const {
  fail(error_category::type, "type.collection",
       "a collection (" + ir::type_text(e.type) +
           ") cannot be used here: use len(), count(), exists(), is_empty(), 'in', or iterate "
           "over it with 'for'",
       span);
}

void binder::merge_scope(std::size_t from, std::size_t into) noexcept {
  for (auto& s : m_query.sources) {
    if (s.scope == from) s.scope = into;
  }
}

std::size_t binder::navigate_set(std::size_t parent, const attr_info& via, std::size_t scope) {
  const entity_info& target = *via.target_entity;
  std::string alias = target.name;
  for (char& c : alias) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!via.is_many_to_many()) {
    return add_source(ir::source{&target, unique_alias(std::move(alias)), parent, &via,
                                 ir::join_kind::reverse, scope, false});
  }
  // PonyORM names join tables t-1, t-2, ... in a statement.
  std::string link_alias;
  for (std::size_t n = 1;; ++n) {
    link_alias = "t-" + std::to_string(n);
    if (unique_alias(link_alias) == link_alias) break;
  }
  std::size_t link = add_source(
      ir::source{nullptr, std::move(link_alias), parent, &via, ir::join_kind::link, scope, false});
  return add_source(ir::source{&target, unique_alias(std::move(alias)), link, &via,
                               ir::join_kind::through, scope, false});
}

ir::expr_ptr binder::bind_set(ir::expr_ptr object, const attr_info& attr, source_span span) {
  std::size_t parent = object->as<ir::source_row>().source;
  ir::type element = ir::entity_type(*attr.target_entity);
  if (m_element_scope) {
    std::size_t target = navigate_set(parent, attr, *m_element_scope);
    return std::make_unique<ir::source_row>(element, span, target);
  }
  std::size_t scope = new_scope();
  std::size_t target = navigate_set(parent, attr, scope);
  auto coll = std::make_unique<ir::subquery>(collection_of(element), span, scope);
  coll->item = std::make_unique<ir::source_row>(element, span, target);
  coll->from_path = true;
  return coll;
}

ir::expr_ptr binder::bind_reverse_single(std::size_t parent, const attr_info& attr,
                                         source_span span) {
  // Read as a scalar subquery of the key, so that a missing object is NULL; an attribute
  // other than the key promotes it to an (inner) join, as PonyORM does.
  ir::type t = ir::entity_type(*attr.target_entity);
  std::size_t scope = m_element_scope ? *m_element_scope : new_scope();
  const entity_info& target = *attr.target_entity;
  std::string alias = target.name;
  for (char& c : alias) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t source = add_source(ir::source{&target, unique_alias(std::move(alias)), parent, &attr,
                                             ir::join_kind::reverse, scope, false});
  if (m_element_scope) return std::make_unique<ir::source_row>(t, span, source);
  auto q = std::make_unique<ir::subquery>(t, span, scope);
  q->mode = ir::subquery_mode::scalar;
  q->item = std::make_unique<ir::source_row>(t, span, source);
  return q;
}

ir::expr_ptr binder::promote(ir::expr_ptr e) {
  auto& q = e->as<ir::subquery>();
  const auto& row = q.item->as<ir::source_row>();
  const ir::source& s = m_query.sources[row.source];
  merge_scope(q.scope, m_query.sources[*s.parent].scope);
  // Promoted where the object itself is wanted (join_reference, or an attribute other than the
  // key read through it), so it is still of the entity type: its joined row.
  return std::make_unique<ir::source_row>(e->type, e->span, row.source);
}

bool binder::is_reverse_single(const ir::expr& e) noexcept {
  // bind_reverse_single's subquery is the only scalar one that selects a bare object: an
  // aggregate's selects the aggregate (count(c for c in s.courses)), and EXISTS and IN are
  // other modes.
  const auto* q = e.try_as<ir::subquery>();
  return q != nullptr && q->mode == ir::subquery_mode::scalar &&
         q->item->kind == ir::expr_kind::source_row;
}

ir::expr_ptr binder::bind_element_attribute(ir::expr_ptr coll, const ast::attribute& a) {
  auto& q = as_collection(*coll);
  if (!q.item->type.is_entity()) {
    fail(error_category::unknown_name, "unknown_name.attribute",
         ir::type_text(coll->type) + " has no attribute '" + a.attr + "'", a.attr_span);
  }
  std::optional<std::size_t> saved = m_element_scope;
  m_element_scope = q.scope;
  ir::expr_ptr item = std::move(q.item);
  if (item->kind == ir::expr_kind::column) item = join_reference(std::move(item));
  q.item = bind_entity_attribute(std::move(item), a);
  m_element_scope = saved;
  q.type = collection_of(q.item->type);
  q.span = a.span;
  return coll;
}

ir::expr_ptr binder::flatten(ir::expr_ptr e, std::vector<ir::expr_ptr>& filter) {
  auto& q = as_collection(*e);
  merge_scope(q.scope, m_scope_id);
  for (auto& condition : q.filter) filter.push_back(std::move(condition));
  ir::expr_ptr item = std::move(q.item);
  item->span = e->span;
  return item;
}

std::size_t binder::add_collection_loop_var(const std::string& name, const ast::node& source,
                                            source_span span, std::vector<ir::expr_ptr>& filter) {
  ir::expr_ptr coll = bind(source);
  if (!coll->type.collection) {
    fail(error_category::type, "type.not_iterable",
         "a loop iterates over an entity or a collection of objects, not " +
             ir::type_text(coll->type),
         source.span);
  }
  ir::expr_ptr item = flatten(std::move(coll), filter);
  if (item->kind == ir::expr_kind::column && item->type.is_entity()) {
    item = join_reference(std::move(item));
  }
  if (item->kind != ir::expr_kind::source_row) {
    fail(error_category::unsupported, "unsupported.source",
         "a loop over a collection of values (" + ir::type_text(item->type) +
             ") is not supported; iterate over the objects",
         source.span);
  }
  for (std::size_t i = m_scope_floor; i < m_visible; ++i) {
    if (in_view(i) && m_scope[i].name == name) {
      fail(error_category::unsupported, "unsupported.duplicate_variable",
           "loop variable '" + name + "' is already defined", span);
    }
  }
  std::size_t index = item->as<ir::source_row>().source;
  auto& sources = m_query.sources;
  for (auto& s : sources) {
    if (s.alias == name) s.alias = unique_alias(name);
  }
  sources[index].alias = name;
  sources[index].loop_var = true;
  if (m_scope_id == 0) ++m_query.loop_var_count;
  push(scope_entry{name, false, index, nullptr, {}, 0, nullptr, nullptr, {}, 0, false});
  return index;
}

ir::expr_ptr binder::bind_generator(const ast::generator& g, std::vector<ir::expr_ptr>* looked_for,
                                    bool negated) {
  std::size_t scope = new_scope();
  std::size_t saved_scope = m_scope_id;
  std::size_t saved_floor = m_scope_floor;
  std::size_t saved_size = scope_size();
  std::optional<std::size_t> saved_element = m_element_scope;
  m_scope_id = scope;
  m_scope_floor = saved_size;
  m_element_scope.reset();
  std::vector<ir::expr_ptr> filter;
  for (const auto& clause : g.fors) {
    if (clause.targets.size() != 1) {
      fail(error_category::unsupported, "unsupported.unpacking",
           "unpacking several loop variables is not supported", clause.target_spans.front());
    }
    const auto* n = clause.source->try_as<ast::name>();
    if (n != nullptr && lookup(n->id) == nullptr && m_args->contains(n->id) &&
        m_args->find(n->id)->second.is_query()) {
      // Only the query's own loops inline a query source (analyzer::bind_query_source).
      fail(error_category::unsupported, "unsupported.query_source",
           "query '" + n->id + "' cannot be the source of a nested query's loop: use 'x in " +
               n->id + "', or make it the source of this query's first loop",
           n->span);
    }
    const entity_info* entity = nullptr;
    if (n != nullptr && lookup(n->id) == nullptr && !m_args->contains(n->id)) {
      entity = m_reg.find(n->id);
      if (entity == nullptr) {
        std::vector<std::string> names;
        for (const auto& e : m_reg.entities()) names.push_back(e->name);
        fail(error_category::unknown_name, "unknown_name.entity",
             "unknown entity '" + n->id + "'" + did_you_mean(n->id, names), n->span);
      }
    }
    if (entity != nullptr) {
      add_loop_var(clause.targets.front(), *entity, clause.target_spans.front());
    } else {
      add_collection_loop_var(clause.targets.front(), *clause.source, clause.target_spans.front(),
                              filter);
    }
    for (const auto& condition : clause.conditions) {
      ir::expr_ptr c = bind_condition(*condition);
      if (ir::has_aggregate(*c)) {
        fail(error_category::unsupported, "unsupported.aggregate_in_filter",
             "an aggregate cannot be used in the condition of a nested query", condition->span);
      }
      filter.push_back(std::move(c));
    }
  }
  if (&g == m_in_generator) bind_in_query_conditions(g, saved_size, filter);
  if (looked_for != nullptr) {
    const auto* items = g.result->try_as<ast::tuple>();
    if (items == nullptr || items->items.size() != looked_for->size()) {
      fail(error_category::type, "type.mismatch",
           "a tuple of " + std::to_string(looked_for->size()) +
               " values is looked for among tuples of as many values",
           g.result->span);
    }
    for (std::size_t i = 0; i < looked_for->size(); ++i) {
      const ast::node& item = *items->items[i];
      ir::expr_ptr equal = bind_comparison(std::move((*looked_for)[i]), ast::compare_op::eq, item,
                                           item.span, item.span);
      if (ir::has_aggregate(*equal)) {
        fail(error_category::unsupported, "unsupported.aggregate_in_filter",
             "a tuple looked for in a nested query cannot be compared with an aggregate",
             item.span);
      }
      filter.push_back(std::move(equal));
    }
    m_scope_id = saved_scope;
    m_scope_floor = saved_floor;
    m_element_scope = saved_element;
    pop_to(saved_size);
    auto q = std::make_unique<ir::subquery>(ir::scalar_type(value_type::boolean), g.span, scope);
    q->filter = std::move(filter);
    q->item = std::make_unique<ir::constant>(g.span, value{true});  // EXISTS selects nothing
    q->mode = negated ? ir::subquery_mode::not_exists : ir::subquery_mode::exists;
    return q;
  }
  if (g.result->kind == ast::node_kind::tuple) {
    fail(error_category::unsupported, "unsupported.subquery_tuple",
         "a nested query must select one value, not a tuple", g.result->span);
  }
  ir::expr_ptr item = bind(*g.result);
  if (item->type.collection) item = flatten(std::move(item), filter);
  m_scope_id = saved_scope;
  m_scope_floor = saved_floor;
  m_element_scope = saved_element;
  pop_to(saved_size);
  bool aggregated = ir::has_aggregate(*item);
  ir::type t = aggregated ? item->type : collection_of(item->type);
  auto q = std::make_unique<ir::subquery>(t, g.span, scope);
  q->filter = std::move(filter);
  q->item = std::move(item);
  if (aggregated) q->mode = ir::subquery_mode::scalar;
  return q;
}

ir::expr_ptr binder::exists_of(ir::expr_ptr coll, bool negated, source_span span) {
  auto& q = coll->as<ir::subquery>();
  // PonyORM: a query of values exists when one of its values is true (`exists(s.login for s in
  // g.students)`: a login that is not NULL nor ''), as Python's any() of them.
  if (!q.item->type.is_entity()) {
    q.filter.push_back(q.item->type.is_bool() ? ir::clone(*q.item)
                                              : truth(ir::clone(*q.item), span, false));
  }
  q.mode = negated ? ir::subquery_mode::not_exists : ir::subquery_mode::exists;
  q.type = ir::scalar_type(value_type::boolean);
  q.span = span;
  return coll;
}

ir::expr_ptr binder::aggregate_of(ir::expr_ptr coll, ir::aggregate_kind kind, bool distinct,
                                  source_span span, std::string_view name) {
  auto& q = coll->as<ir::subquery>();
  ir::type element = ir::element_type(q.type);
  ir::type t = element;
  switch (kind) {
    case ir::aggregate_kind::count: t = ir::scalar_type(value_type::integer); break;
    case ir::aggregate_kind::group_concat: t = ir::scalar_type(value_type::text); break;
    case ir::aggregate_kind::sum:
    case ir::aggregate_kind::avg:
      if (!element.is_number()) {
        fail(error_category::type, "type.mismatch",
             std::string{name} + "() needs numbers, got " + ir::type_text(q.type), span);
      }
      if (kind == ir::aggregate_kind::avg && !element.is(value_type::decimal)) {
        t = ir::scalar_type(value_type::real);
      }
      break;
    default:
      if (element.is_entity()) {
        fail(error_category::type, "type.mismatch",
             std::string{name} + "() needs comparable values, got " + ir::type_text(q.type), span);
      }
      break;
  }
  q.item = std::make_unique<ir::aggregate>(t, span, kind, std::move(q.item), distinct);
  q.mode = ir::subquery_mode::scalar;
  q.type = t;
  q.span = span;
  return coll;
}

ir::expr_ptr binder::bind_collection_method(const ast::call& c, const ast::attribute& method,
                                            ir::expr_ptr coll) {
  static constexpr std::string_view methods[] = {"count", "is_empty", "exists", "select", "filter",
                                                 "sum",   "avg",      "min",    "max"};
  const std::string& name = method.attr;
  auto& q = as_collection(*coll);
  // `lambda s: <condition>` of select(), filter() and exists() (PonyORM's
  // `g.students.exists(lambda s: s.gpa > 3)`): a condition on the items.
  auto add_lambda_condition = [&] {
    const auto* l = c.args.front()->try_as<ast::lambda>();
    if (l == nullptr || l->params.size() != 1) {
      fail(error_category::type, "type.arguments",
           name + "() of a collection takes a lambda of one argument", c.args.front()->span);
    }
    std::size_t saved = scope_size();
    push(scope_entry{
        l->params.front(), false, 0, nullptr, {}, 0, q.item.get(), nullptr, {}, 0, false});
    ir::expr_ptr condition = bind_condition(*l->body);
    pop_to(saved);
    q.filter.push_back(std::move(condition));
    q.span = c.span;
    q.from_path = false;
  };
  if (name == "count" || name == "is_empty" || name == "exists") {
    check_args(c, 0, name == "exists" ? 1 : 0);
    if (!c.args.empty()) add_lambda_condition();
    if (name == "count")
      return aggregate_of(std::move(coll), ir::aggregate_kind::count, true, c.span, name);
    return exists_of(std::move(coll), name == "is_empty", c.span);
  }
  if (name == "sum" || name == "avg" || name == "min" || name == "max") {
    check_args(c, 0, 0);
    auto kind = name == "sum"   ? ir::aggregate_kind::sum
                : name == "avg" ? ir::aggregate_kind::avg
                : name == "min" ? ir::aggregate_kind::min
                                : ir::aggregate_kind::max;
    return aggregate_of(std::move(coll), kind, false, c.span, name);
  }
  if (name == "select" || name == "filter") {
    check_args(c, 1, 1);
    add_lambda_condition();
    return coll;
  }
  fail(error_category::unknown_name, "unknown_name.method",
       ir::type_text(coll->type) + " has no method '" + name + "'" + did_you_mean(name, methods),
       method.attr_span);
}

}  // namespace nextorm::analyze

namespace nextorm::analyze {

namespace {

// An aggregate of a path (aggregate_of) holds its element: a column or an object.
void remap_sources(ir::expr& e, const std::vector<std::size_t>& map) {
  if (e.kind == ir::expr_kind::column) {
    e.as<ir::column>().source = map[e.as<ir::column>().source];
  } else if (e.kind == ir::expr_kind::source_row) {
    e.as<ir::source_row>().source = map[e.as<ir::source_row>().source];
  } else {
    remap_sources(*e.as<ir::aggregate>().arg, map);
  }
}

}  // namespace

bool binder::is_path_aggregate(const ir::expr& e) const noexcept {
  // A scalar subquery of a path is aggregate_of's: select() and filter(), the only ways to give
  // a path a condition, make it a query of its own (from_path false).
  const auto* q = e.try_as<ir::subquery>();
  return q != nullptr && q->mode == ir::subquery_mode::scalar && q->from_path;
}

bool binder::shares_left_join(const ir::expr& e) const {
  const auto& q = e.as<ir::subquery>();
  const auto& sources = m_query.sources;
  std::vector<std::size_t> map(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) map[i] = i;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const ir::source& s = sources[i];
    if (s.scope != q.scope) continue;
    const auto same = std::find_if(sources.begin(), sources.end(), [&](const ir::source& t) {
      return &t != &s && t.scope == 0 && t.left && t.parent == map[*s.parent] && t.via == s.via;
    });
    if (same == sources.end()) return false;
    map[i] = static_cast<std::size_t>(same - sources.begin());
  }
  return true;
}

ir::expr_ptr binder::left_join_aggregate(ir::expr_ptr e) {
  auto& q = e->as<ir::subquery>();
  auto& sources = m_query.sources;
  std::vector<std::size_t> map(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) map[i] = i;
  std::size_t unused = new_scope();  // sources merged into an equal earlier join end here
  for (std::size_t i = 0; i < sources.size(); ++i) {
    ir::source& s = sources[i];
    if (s.scope != q.scope) continue;
    s.parent = map[*s.parent];
    // The same path aggregated twice (`max(g.students.gpa), min(g.students.gpa)`) shares one
    // join, so that the groups are not multiplied. The parent and the attribute decide the join
    // (a many-to-many's link hangs on the object, its target on the link).
    // (A condition's path is lifted after the result's: the result's join may come later.)
    for (std::size_t j = 0; j < sources.size(); ++j) {
      const ir::source& t = sources[j];
      if (j != i && t.scope == 0 && t.left && t.parent == s.parent && t.via == s.via) {
        map[i] = j;
        break;
      }
    }
    s.scope = map[i] == i ? 0 : unused;
    s.left = map[i] == i;
  }
  ir::expr_ptr item = std::move(q.item);
  remap_sources(*item, map);
  item->span = e->span;
  return item;
}

}  // namespace nextorm::analyze
