// Attributes of an object that the query does not iterate: an object passed as a parameter
// (`s.group == o.group`, `o.group.dept.number`) or one looked up by its key (`Group[101].dept`).
// PonyORM reads them in Python before the query runs; NextORM reads them inside the query, as a
// nested query over that one row (its value, or its collection), so that no round trip is added
// and the plan is made once for every object passed.
#include "analyze/binder.hpp"

#include <cctype>
#include <utility>

namespace nextorm::analyze {

namespace {

// The innermost object of an attribute chain (`o` of `o.group.dept.number`).
const ast::node& chain_root(const ast::attribute& a) noexcept {
  const ast::node* n = a.object.get();
  while (const auto* inner = n->try_as<ast::attribute>()) n = inner->object.get();
  return *n;
}

}  // namespace

std::optional<std::size_t> binder::known_root_source(const ast::node& n) const noexcept {
  for (const auto& [root, source] : m_known_roots) {
    if (root == &n) return source;
  }
  return std::nullopt;
}

// The entity of `root` when it is a parameter object or `Entity[key]`, else null.
const entity_info* binder::known_object(const ast::node& root) const {
  if (known_root_source(root)) return nullptr;  // being bound: the chain below reads its row
  if (const auto* n = root.try_as<ast::name>()) {
    if (lookup(n->id) != nullptr) return nullptr;
    auto it = m_args->find(n->id);
    if (it == m_args->end() || !it->second.is_entity()) return nullptr;
    return it->second.entity().entity;
  }
  if (const auto* s = root.try_as<ast::subscript>()) {
    const auto* n = s->object->try_as<ast::name>();
    if (n == nullptr || lookup(n->id) != nullptr || m_args->contains(n->id)) return nullptr;
    return m_reg.find(n->id);
  }
  return nullptr;
}

// Conditions on `row` (a source of `entity`) that hold for the known object `root` only.
void binder::pick_known_object(const ast::node& root, const entity_info& entity, std::size_t row,
                               std::vector<ir::expr_ptr>& filter) {
  if (const auto* n = root.try_as<ast::name>()) {
    filter.push_back(std::make_unique<ir::compare>(
        root.span, ir::compare_op::eq,
        std::make_unique<ir::source_row>(ir::entity_type(entity), root.span, row),
        bind_param(*n, m_args->find(n->id)->second)));
    return;
  }
  // Entity[key] or Entity[a, b]: each key attribute equal to its part (a literal or a
  // parameter), compared as `x.key == part` would be.
  const auto& s = root.as<ast::subscript>();
  std::vector<const ast::node*> parts;
  if (const auto* t = s.index->try_as<ast::tuple>()) {
    for (const auto& item : t->items) parts.push_back(item.get());
  } else {
    parts.push_back(s.index.get());
  }
  if (parts.size() != entity.key_attrs.size()) {
    // PonyORM also takes the key's columns, where a key attribute refers to an entity whose key
    // has several: CourseInfo['Math', 1] is CourseInfo[Course['Math', 1]].
    if (parts.size() == entity.key_width) {
      pick_by_key_columns(s, entity, row, parts, filter);
      return;
    }
    const std::string columns = entity.key_width != entity.key_attrs.size()
                                    ? " (or its " + std::to_string(entity.key_width) + " columns)"
                                    : "";
    fail(error_category::type, "type.key",
         entity.name + "[...] takes its primary key: " + std::to_string(entity.key_attrs.size()) +
             " value(s)" + columns + ", got " + std::to_string(parts.size()),
         s.index->span);
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const attr_info& key = *entity.key_attrs[i];
    // A part that refers to an entity is an object (Enrollment[Student[1], c]), or as in
    // PonyORM that object's key where it is a single value (Enrollment[1, 'ALG']): the column
    // holds it.
    const bool raw = key.kind == attr_kind::single && !key.target_entity->composite_key() &&
                     known_object(*parts[i]) == nullptr;
    ir::type t = key.kind == attr_kind::single && !raw ? ir::type{key.type, key.target_entity}
                                                       : ir::scalar_type(key.type);
    auto column = std::make_unique<ir::column>(t, parts[i]->span, row, key);
    filter.push_back(bind_comparison(std::move(column), ast::compare_op::eq, *parts[i],
                                     parts[i]->span, parts[i]->span));
  }
}

void binder::pick_by_key_columns(const ast::subscript& s, const entity_info& entity,
                                 std::size_t row, std::span<const ast::node* const> values,
                                 std::vector<ir::expr_ptr>& filter) {
  std::size_t at = 0;
  for (const attr_info* key : entity.key_attrs) {
    const auto span = values[at]->span;
    if (key->kind == attr_kind::single && key->target_entity->composite_key()) {
      // The object it refers to, itself picked by as many of the values as its key has columns.
      const entity_info& target = *key->target_entity;
      auto object = bind_known_object(s, target, nullptr, values.subspan(at, target.key_width));
      at += target.key_width;
      filter.push_back(std::make_unique<ir::compare>(
          span, ir::compare_op::eq,
          std::make_unique<ir::column>(ir::type{key->type, &target}, span, row, *key),
          std::move(object)));
      continue;
    }
    // One column: the value is the attribute's, or the key of the object it refers to.
    const ast::node& value = *values[at++];
    auto column = std::make_unique<ir::column>(ir::scalar_type(key->type), span, row, *key);
    filter.push_back(
        bind_comparison(std::move(column), ast::compare_op::eq, value, value.span, value.span));
  }
}

ir::expr_ptr binder::bind_known_object_path(const ast::attribute& a) {
  const ast::node& root = chain_root(a);
  const entity_info* entity = known_object(root);
  if (entity == nullptr) return nullptr;
  // The key of a parameter object is the parameter itself (`c.id`): no nested query.
  const attr_info* attr = entity->find(a.attr);
  if (&root == a.object.get() && root.kind == ast::node_kind::name && attr == &entity->pk() &&
      !entity->composite_key() && attr->kind != attr_kind::single) {
    return nullptr;
  }
  return bind_known_object(root, *entity, &a);
}

ir::expr_ptr binder::bind_entity_by_key(const ast::subscript& s) {
  const entity_info* entity = known_object(s);
  if (entity == nullptr) return nullptr;
  return bind_known_object(s, *entity, nullptr);
}

ir::expr_ptr binder::bind_known_object(const ast::node& root, const entity_info& entity,
                                       const ast::attribute* chain,
                                       std::span<const ast::node* const> key_columns) {
  // A nested query of its own scope over the one row, as bind_generator makes one.
  const std::size_t scope = new_scope();
  const std::size_t saved_scope = std::exchange(m_scope_id, scope);
  const std::size_t saved_floor = std::exchange(m_scope_floor, scope_size());
  const std::optional<std::size_t> saved_element = std::exchange(m_element_scope, std::nullopt);
  std::string base(1, static_cast<char>(std::tolower(static_cast<unsigned char>(entity.name[0]))));
  const std::size_t row = add_source(ir::source{&entity, unique_alias(base), std::nullopt, nullptr,
                                                ir::join_kind::none, scope, true});
  std::vector<ir::expr_ptr> filter;
  if (key_columns.empty()) {
    pick_known_object(root, entity, row, filter);
  } else {
    pick_by_key_columns(root.as<ast::subscript>(), entity, row, key_columns, filter);
  }
  m_known_roots.emplace_back(&root, row);
  ir::expr_ptr item =
      chain != nullptr ? bind_attribute(*chain)
                       : std::make_unique<ir::source_row>(ir::entity_type(entity), root.span, row);
  m_known_roots.pop_back();
  // A collection (`c in o.courses`, `len(o.courses)`) stays one, over its elements.
  const bool collection = item->type.collection;
  if (collection) item = flatten(std::move(item), filter);
  m_scope_id = saved_scope;
  m_scope_floor = saved_floor;
  m_element_scope = saved_element;
  ir::type t = item->type;
  t.collection = collection;
  auto q = std::make_unique<ir::subquery>(t, chain != nullptr ? chain->span : root.span, scope);
  q->filter = std::move(filter);
  q->mode = collection ? ir::subquery_mode::collection : ir::subquery_mode::scalar;
  q->item = std::move(item);
  // Compared as PonyORM compares a value it read first only where a NULL can mean None: a
  // required column or a key is NULL only when the object is missing, and then `=` holds for
  // nothing already.
  const auto* column = q->item->try_as<ir::column>();
  q->known_before = !collection && q->item->kind != ir::expr_kind::source_row &&
                    (column == nullptr || column->attr->column_nullable());
  return q;
}

}  // namespace nextorm::analyze
