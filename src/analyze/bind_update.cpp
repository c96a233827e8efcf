// The columns of a bulk update: `query.update({{"price", "p.price * 1.1"}})`. Each value is an
// expression over the updated object's own attributes, parameters and constants: the UPDATE
// sets it row by row, with no join (a value from another object would need one per dialect).
#include "analyze/analyzer.hpp"
#include "analyze/type_rules.hpp"
#include "common/suggest.hpp"

namespace nextorm::analyze {

namespace {

ir::type column_type(const attr_info& attr) {
  if (attr.kind == attr_kind::single) return ir::type{attr.type, attr.target_entity};
  return ir::scalar_type(attr.type);
}

// Whether None is a value of the attribute (a column of a subclass takes NULL for rows of other
// classes, which does not make its attribute optional).
bool nullable(const attr_info& attr) {
  return attr.kind == attr_kind::single ? attr.optional
                                        : attr.kind == attr_kind::opt && attr.nullable;
}

// The part of `e` that reads something other than the updated object's own row (`source`),
// or null.
const ir::expr* foreign_part(const ir::expr& e, std::size_t source) {
  switch (e.kind) {
    case ir::expr_kind::column: return e.as<ir::column>().source == source ? nullptr : &e;
    case ir::expr_kind::source_row: return e.as<ir::source_row>().source == source ? nullptr : &e;
    case ir::expr_kind::subquery:
    case ir::expr_kind::aggregate: return &e;
    case ir::expr_kind::in_list:
      for (const auto& item : e.as<ir::in_list>().items) {
        if (const ir::expr* found = foreign_part(*item, source)) return found;
      }
      break;
    default: break;
  }
  const ir::expr* found = nullptr;
  ir::for_each_operand(const_cast<ir::expr&>(e), [&](ir::expr_ptr& operand) {
    if (found == nullptr) found = foreign_part(*operand, source);
  });
  return found;
}

}  // namespace

void analyzer::assign(std::string_view attr_name, const ast::node& value, std::string_view text) {
  m_binder.set_text(text);
  const auto& items = m_query.result.items;
  if (items.size() != 1 || items.front().expr->kind != ir::expr_kind::source_row) {
    m_binder.fail(error_category::type, "type.update_result",
                  "update() needs a query whose result is objects of one entity (p for p in "
                  "Product if ...)",
                  value.span);
  }
  const std::size_t source = items.front().expr->as<ir::source_row>().source;
  const entity_info& entity = *m_query.sources[source].entity;
  const attr_info* attr = entity.find(attr_name);
  if (attr == nullptr) {
    std::vector<std::string> names;
    for (const attr_info& a : entity.attrs) {
      if (a.has_column()) names.push_back(a.name);
    }
    m_binder.fail(error_category::unknown_name, "unknown_name.attribute",
                  "update(): " + entity.name + " has no attribute '" + std::string{attr_name} +
                      "'" + did_you_mean(attr_name, names),
                  value.span);
  }
  const std::string label = entity.name + "." + attr->name;
  if (!attr->has_column() || attr->key_part || attr->discriminator || attr->check) {
    const char* why =
        attr->kind == attr_kind::set ? " is a collection: add() and remove() change it"
        : attr->key_part             ? " is part of the key, which never changes"
        : attr->discriminator        ? " is the class of the row, which never changes"
        : attr->check ? " has a check{} function, which runs on the C++ value of an assignment "
                        "and cannot run on values the database computes; assign the objects "
                        "one by one"
                      : " has no column of its own";
    m_binder.fail(error_category::type, "type.update_attribute",
                  "update() cannot set " + label + ": it" + why, value.span);
  }
  ir::expr_ptr bound = m_binder.bind(value);
  if (const ir::expr* foreign = foreign_part(*bound, source)) {
    m_binder.fail(error_category::unsupported, "unsupported.update_value",
                  "the value of " + label +
                      " may read only the updated object's own attributes, parameters and "
                      "constants: this part reads another object or a collection",
                  foreign->span);
  }
  const ir::type wanted = column_type(*attr);
  const ir::type& got = bound->type;
  const bool fits = got.is_none() ? nullable(*attr)
                    : wanted.is_entity()
                        ? got.is_entity() && got.entity->root == wanted.entity->root
                        : !got.is_entity() && comparable(wanted, got);  // (no collection: above)
  if (!fits) {
    m_binder.fail(error_category::type, "type.update_value",
                  label + " is " + ir::type_text(wanted) + (got.is_none() ? " and required" : "") +
                      ": cannot set it to " + ir::type_text(got),
                  bound->span);
  }
  for (const auto& done : m_query.assignments) {
    if (done.attr == attr) {
      m_binder.fail(error_category::type, "type.update_twice", "update() sets " + label + " twice",
                    value.span);
    }
  }
  m_query.assignments.push_back({attr, std::move(bound)});
}

}  // namespace nextorm::analyze
