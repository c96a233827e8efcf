// `object.attr`: attributes of loop variables, navigation through Single references (implicit
// joins), keys of entity parameters, and `Entity.attr` for the query's only loop variable of it.
#include "analyze/binder.hpp"

#include "common/suggest.hpp"

namespace nextorm::analyze {

namespace {

// PonyORM reads the attributes of an entity's subclasses through it (NULL for the rows of other
// classes): those with a column, not the collections.
const attr_info* find_subclass_attr(const entity_info& entity, std::string_view name) {
  for (const entity_info* sub : entity.subclasses) {
    const attr_info* attr = sub->find(name);
    // Declared there, as PonyORM's: an inherited one is `entity`'s (asked first) or, with
    // multiple inheritance, another base's (Mentor(Employee, Alumnus) does not give Employee
    // Alumnus's attributes).
    if (attr != nullptr && !attr->inherited && attr->has_column()) return attr;
  }
  return nullptr;
}

std::vector<std::string> attr_names(const entity_info& entity) {
  std::vector<std::string> names;
  names.reserve(entity.attrs.size());
  for (const auto& a : entity.attrs) names.push_back(a.name);
  for (const auto& c : entity.computed) names.push_back(c.name);
  for (const entity_info* e : entity.ancestors) {
    for (const auto& c : e->computed) names.push_back(c.name);
  }
  for (const entity_info* sub : entity.subclasses) {
    for (const auto& a : sub->attrs) {
      if (!a.inherited && a.has_column()) names.push_back(a.name);
    }
  }
  return names;
}

ir::type attr_type(const attr_info& attr) {
  if (attr.kind == attr_kind::single) return ir::type{attr.type, attr.target_entity};
  return ir::scalar_type(attr.type);
}

}  // namespace

ir::expr_ptr binder::bind_attribute(const ast::attribute& a) {
  if (ir::expr_ptr known = bind_known_object_path(a)) return known;
  // `Product.price` in order_by(desc(Product.price)): the loop variable over Product.
  if (const auto* n = a.object->try_as<ast::name>();
      n != nullptr && lookup(n->id) == nullptr && !m_args->contains(n->id)) {
    if (const entity_info* entity = m_reg.find(n->id)) {
      std::optional<std::size_t> found;
      for (std::size_t i = 0; i < m_visible; ++i) {
        const scope_entry& e = m_scope[i];
        if (!in_view(i) || e.is_alias || m_query.sources[e.source].entity != entity) continue;
        if (found) {
          fail(error_category::unsupported, "unsupported.ambiguous_entity",
               "entity " + n->id + " is iterated by several loop variables: name one of them",
               n->span);
        }
        found = e.source;
      }
      if (!found) {
        fail(error_category::unknown_name, "unknown_name.loop_variable",
             "no loop variable iterates over entity " + n->id, n->span);
      }
      return bind_entity_attribute(
          std::make_unique<ir::source_row>(ir::entity_type(*entity), n->span, *found), a);
    }
  }
  ir::expr_ptr object = bind(*a.object);
  if (object->type.collection) return bind_element_attribute(std::move(object), a);
  if (object->type.is_entity()) return bind_entity_attribute(std::move(object), a);
  const ir::type& t = object->type;
  if (t.is(value_type::date) || t.is(value_type::datetime) || t.is(value_type::time)) {
    return bind_date_part(std::move(object), a);
  }
  fail(error_category::unknown_name, "unknown_name.attribute",
       ir::type_text(object->type) + " has no attribute '" + a.attr + "'", a.attr_span);
}

ir::expr_ptr binder::bind_entity_attribute(ir::expr_ptr object, const ast::attribute& a) {
  const entity_info& entity = *object->type.entity;
  const attr_info* attr = entity.find(a.attr);
  if (attr == nullptr) {
    if (const computed_info* c = entity.find_computed(a.attr)) {
      return bind_computed(std::move(object), *c, nullptr, a.span);
    }
    attr = find_subclass_attr(entity, a.attr);
  }
  if (attr == nullptr) {
    fail(error_category::unknown_name, "unknown_name.attribute",
         "entity " + entity.name + " has no attribute '" + a.attr + "'" +
             did_you_mean(a.attr, attr_names(entity)),
         a.attr_span);
  }
  // (A part of a composite key is not the key: a reference reaches it through a join. Nor is a
  // key that is itself a reference, PonyORM's PrimaryKey(Person): the column holds Person's key,
  // but it is reached as the Single it is, through the entity that has it.)
  const bool reference_key = attr->kind == attr_kind::single;
  bool is_key = attr == &entity.pk() && !entity.composite_key() && !reference_key;
  switch (object->kind) {
    case ir::expr_kind::source_row: {
      std::size_t source = object->as<ir::source_row>().source;
      if (attr->kind == attr_kind::set) return bind_set(std::move(object), *attr, a.span);
      if (attr->key_in_reverse) return bind_reverse_single(source, *attr, a.span);
      return std::make_unique<ir::column>(attr_type(*attr), a.span, source, *attr);
    }
    case ir::expr_kind::subquery:
      // A reverse one-to-one (the only entity-typed subquery), read as its key: the key is at
      // hand, anything else joins.
      if (is_key) {
        object->type = ir::scalar_type(attr->type);
        object->span = a.span;
        return object;
      }
      return bind_entity_attribute(promote(std::move(object)), a);
    case ir::expr_kind::column:
      // The target's key is the foreign key itself: no join needed.
      if (is_key) {
        object->type = ir::scalar_type(attr->type);
        object->span = a.span;
        return object;
      }
      return bind_entity_attribute(join_reference(std::move(object)), a);
    default:  // an entity parameter's key (its other attributes: bind_known_object_path)
      object->type = ir::scalar_type(attr->type);
      object->span = a.span;
      return object;
  }
}

}  // namespace nextorm::analyze
