#include "schema/key_values.hpp"

namespace nextorm::detail {

void append_key_columns(const value& key, std::vector<value>& out) {
  if (key.type() != value_type::tuple) {
    out.push_back(key);
    return;
  }
  for (const value& part : key.as_tuple()) append_key_columns(part, out);
}

std::vector<value> key_column_values(const value& key) {
  std::vector<value> out;
  append_key_columns(key, out);
  return out;
}

std::span<const value> key_parts(const entity_info& entity, const value& key) {
  if (entity.key_attrs.size() == 1) return {&key, 1};
  return key.as_tuple();
}

value key_of_parts(const entity_info& entity, std::vector<value> parts) {
  if (entity.key_attrs.size() == 1) return std::move(parts.front());
  return value::tuple(std::move(parts));
}

bool key_fits(const entity_info& entity, const value& key) {
  const bool tuple = key.type() == value_type::tuple;
  if (!entity.composite_key()) return !tuple;
  if (!tuple) return false;
  const std::span<const value> parts = key_parts(entity, key);
  if (parts.size() != entity.key_attrs.size()) return false;
  for (std::size_t i = 0; i < entity.key_attrs.size(); ++i) {
    const attr_info& attr = *entity.key_attrs[i];
    const value& part = parts[i];
    const bool fits = attr.reference_columns.empty() ? part.type() != value_type::tuple
                                                     : key_fits(*attr.target_entity, part);
    if (!fits) return false;
  }
  return true;
}

namespace {

// The key of `entity` from `columns`, from `next` on; `next` moves past the columns taken.
value take_key(const entity_info& entity, std::span<const value> columns, std::size_t& next) {
  if (!entity.composite_key()) return columns[next++];
  std::vector<value> parts;
  parts.reserve(entity.key_attrs.size());
  for (const attr_info* key : entity.key_attrs) {
    parts.push_back(key->reference_columns.empty() ? columns[next++]
                                                   : take_key(*key->target_entity, columns, next));
  }
  return key_of_parts(entity, std::move(parts));
}

}  // namespace

value key_of_columns(const entity_info& entity, std::span<const value> columns) {
  std::size_t next = 0;
  return take_key(entity, columns, next);
}

}  // namespace nextorm::detail
