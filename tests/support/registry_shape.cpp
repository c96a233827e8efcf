#include "registry_shape.hpp"

#include <algorithm>

namespace nextorm::testing {

// A registry as lines a person can compare: every entity with its table, base, discriminator
// and key, every attribute with what the database and the queries see of it (kind, type,
// target, reverse, columns, join table, optional, nullable).
std::string text_of(const value& v) {
  return v.is_null() ? std::string{} : v.type() == value_type::text ? v.as_text() : v.repr();
}

std::vector<std::string> shape_of(const registry& r) {
  std::vector<std::string> out;
  for (const auto& e : r.entities()) {
    std::string line = e->name + " table=" + e->table +
                       " base=" + (e->base_entity != nullptr ? e->base_entity->name : "") +
                       " discriminator=" + text_of(e->discriminator_value) + " key=";
    for (const attr_info* k : e->key_attrs) line += k->name + ",";
    for (const auto& c : e->composite_indexes) {
      line += c.unique ? " composite_key=" : " composite_index=";
      for (const std::string& a : c.attrs) line += a + ",";
    }
    out.push_back(line);
    for (const attr_info& a : e->attrs) {
      if (a.inherited) continue;
      std::string columns;
      for (const auto& c : a.reference_columns) columns += c + ",";
      for (const auto& c : a.m2m_own_columns) columns += c + ",";
      for (const auto& c : a.m2m_other_columns) columns += c + ",";
      out.push_back(e->name + "." + a.name + " " + std::string{kind_name(a.kind)} +
                    " type=" + std::to_string(static_cast<int>(a.type)) + " target=" + a.target +
                    " reverse=" + (a.reverse_attr != nullptr ? a.reverse_attr->name : "") +
                    " column=" + a.column + " columns=" + columns + " m2m=" + a.m2m_table +
                    " optional=" + std::to_string(a.optional) + " nullable=" +
                    std::to_string(a.nullable) + " long_str=" + std::to_string(a.long_str) +
                    " max_len=" + (a.max_len ? std::to_string(*a.max_len) : "") +
                    " decimal=" + std::to_string(a.precision) + "," + std::to_string(a.scale) +
                    " size=" + std::to_string(a.int_size) + (a.is_unsigned ? " unsigned" : "") +
                    (a.unique ? " unique" : "") + (a.indexed ? " index" : "") +
                    (a.auto_increment ? " auto" : "") + " sql_type=" + a.sql_type +
                    " values=" + std::to_string(a.enum_values.size()));
    }
    for (const auto& c : e->computed) out.push_back(e->name + "." + c.name + " = " + c.text);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace nextorm::testing
