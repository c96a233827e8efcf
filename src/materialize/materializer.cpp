#include "materialize/materializer.hpp"

#include "materialize/object_access.hpp"

namespace nextorm::materialize {

using detail::object_access;

entity_base* materialize_object(const driver::cursor& row, std::size_t first_column,
                                const entity_info& entity, identity_map& objects,
                                detail::session_impl* session) {
  const auto& columns = entity.columns;
  // The key first: an object the session already has is not read again.
  std::size_t pk_position = 0;
  while (columns[pk_position] != &entity.pk()) ++pk_position;
  value key = row.get(first_column + pk_position, entity.pk().type);
  if (entity_base* known = objects.find(entity, key)) return known;

  auto object = entity.factory();
  object_access::info(*object) = &entity;
  object_access::session(*object) = session;
  object_access::state(*object) = object_state::clean;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const attr_info& attr = *columns[i];
    object_access::write(*object, attr, i == pk_position ? key : row.get(first_column + i, attr.type));
  }
  entity_base& owned = objects.adopt(std::move(object));
  objects.file(entity, key, owned);
  return &owned;
}

void materialize(driver::cursor& rows, const compile::result_shape& shape, identity_map& objects,
                 detail::session_impl* session, detail::raw_result& out, std::size_t max_rows) {
  out.width = shape.items.size();
  out.item_entities.clear();
  for (const auto& item : shape.items) out.item_entities.push_back(item.entity);
  for (std::size_t row = 0; row < max_rows && rows.next(); ++row) {
    for (const auto& item : shape.items) {
      detail::result_cell& cell = out.cells.emplace_back();
      if (item.entity == nullptr) {
        cell.v = rows.get(item.first_column, item.type);
      } else if (item.entity->factory == nullptr || item.key_only) {
        // No C++ type (a JSON-schema entity), or only the key was selected: the key stands in.
        std::size_t pk_position = 0;
        if (!item.key_only) {
          while (item.entity->columns[pk_position] != &item.entity->pk()) ++pk_position;
        }
        cell.v = rows.get(item.first_column + pk_position, item.entity->pk().type);
        if (item.entity->factory != nullptr && !cell.v.is_null()) {
          cell.object = objects.find(*item.entity, cell.v);
        }
      } else {
        cell.object = materialize_object(rows, item.first_column, *item.entity, objects, session);
      }
    }
  }
}

}  // namespace nextorm::materialize
