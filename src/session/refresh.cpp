// After a bulk UPDATE (query::update): the objects the session holds of the updated entity, or
// of a class below it, read the columns it set again, so that they show what their rows hold,
// and a later change of theirs checks (optimistically) what the row holds now.
#include "materialize/object_access.hpp"
#include "session/session_impl.hpp"

#include <unordered_map>

namespace nextorm::detail {

namespace {

// Keys per SELECT: far below every provider's parameter limit.
constexpr std::size_t keys_per_statement = 1000;

bool is_a(const entity_info& entity, const entity_info& base) {
  for (const entity_info* e = &entity; e != nullptr; e = e->base_entity) {
    if (e == &base) return true;
  }
  return false;
}

// The value of `attr` at `column` of the row (a composite reference: its columns from there).
value read_column(const driver::cursor& row, std::size_t column, const attr_info& attr) {
  const std::size_t width = attr.column_names().size();
  if (width == 1) return row.is_null(column) ? value{} : row.get(column, attr.type);
  std::vector<value> parts;
  for (std::size_t i = 0; i < width; ++i) {
    if (row.is_null(column + i)) return value{};
    const attr_info& part = *attr.target_entity->key_attrs[i];
    parts.push_back(row.get(column + i, part.type));
  }
  return value::tuple(std::move(parts));
}

}  // namespace

void session_impl::refresh_after_update(const entity_info& entity,
                                        const std::vector<const attr_info*>& attrs) {
  // A reference set anew changes the other side too: its loaded collections (or the column-less
  // side of a one-to-one) are read again when next used.
  for (const attr_info* attr : attrs) {
    const attr_info* reverse = attr->kind == attr_kind::single ? attr->reverse_attr : nullptr;
    if (reverse == nullptr) continue;
    objects().for_each([&](entity_base& object) {
      if (!is_a(object.info(), *reverse->owner)) return;
      if (reverse->kind == attr_kind::set) {
        auto& collection = object_access::collection(object, *reverse);
        object_access::items(collection).clear();
        object_access::loaded(collection) = false;
      } else {
        auto& back = object_access::reference(object, *reverse);
        object_access::target(back) = nullptr;
        object_access::looked_up(back) = false;
      }
    });
  }
  std::vector<entity_base*> held;
  objects().for_each([&](entity_base& object) {
    const object_state state = object_access::state(object);
    if ((state == object_state::clean || state == object_state::modified) &&
        is_a(object.info(), entity)) {
      held.push_back(&object);
    }
  });
  if (held.empty()) return;
  const lower::dialect& d = m_db.dialect();
  std::string columns;
  for (const attr_info* key : entity.key_attrs) {
    columns += (columns.empty() ? "" : ", ") + d.quote(key->column);
  }
  for (const attr_info* attr : attrs) {
    for (const auto& column : attr->column_names()) columns += ", " + d.quote(column);
  }
  const std::string select = "SELECT " + columns + " FROM " + d.quote(entity.table) + " WHERE ";
  const std::size_t key_width = entity.key_attrs.size();
  std::unordered_map<value, entity_base*, value_hash> by_key;
  for (entity_base* object : held) by_key.emplace(object->key(), object);
  std::vector<value> keys;
  for (std::size_t first = 0; first < held.size(); first += keys_per_statement) {
    const std::size_t count = std::min(keys_per_statement, held.size() - first);
    keys.clear();
    std::string where;
    for (std::size_t i = first; i < first + count; ++i) {
      const std::vector<value> key = key_params(*held[i]);
      std::string one;
      for (std::size_t part = 0; part < key_width; ++part) {
        one += (part == 0 ? "" : " AND ") + d.quote(entity.key_attrs[part]->column) + " = " +
               d.placeholder(keys.size());
        keys.push_back(key[part]);
      }
      where += (where.empty() ? "(" : " OR (") + one + ")";
    }
    auto rows = connection().query(select + where, keys);
    while (rows->next()) {
      value key;
      if (key_width == 1) {
        key = rows->get(0, entity.key_attrs[0]->type);
      } else {
        std::vector<value> parts;
        for (std::size_t part = 0; part < key_width; ++part) {
          parts.push_back(rows->get(part, entity.key_attrs[part]->type));
        }
        key = value::tuple(std::move(parts));
      }
      const auto found = by_key.find(key);
      if (found == by_key.end()) continue;
      entity_base& object = *found->second;
      std::size_t column = key_width;
      for (const attr_info* attr : attrs) {
        void* field = object_access::field(object, *attr);
        attr->write(field, read_column(*rows, column, *attr));
        column += attr->column_names().size();
      }
    }
  }
}

}  // namespace nextorm::detail
