#include "session/object_columns.hpp"

#include <nextorm/errors.hpp>

#include "materialize/object_access.hpp"
#include "schema/key_values.hpp"
#include "session/database_impl.hpp"

namespace nextorm::detail {

namespace {

void write_missing(const attr_info& attr, param_writer& out, std::size_t index) {
  if (attr.default_value) {
    out.set(index, *attr.default_value);
  } else if (attr.kind == attr_kind::opt && !attr.column_nullable()) {
    // Pony stores a missing Optional(str) as '' and a missing Optional(Json) as {}.
    if (attr.type == value_type::json) {
      out.set(index, value::typed(value_type::json, "{}"));
    } else {
      out.set_text(index, "");
    }
  } else if (attr.kind == attr_kind::req || attr.kind == attr_kind::pk ||
             (attr.kind == attr_kind::single && !attr.optional)) {
    throw usage_error("object.required",
                      "attribute " + attr.owner->name + "." + attr.name +
                          " is required but has no value; set it before the session flushes");
  } else {
    out.set_null(index);
  }
}

// A reference to an entity whose key has several attributes: the parts of the key it holds, a
// column each.
void write_reference(const entity_base& object, const attr_info& attr, param_writer& out,
                     std::size_t index) {
  const value key = object_access::read(object, attr);
  if (key.is_null()) {
    write_missing(attr, out, index);  // (throws for a required one)
    for (std::size_t i = 1; i < attr.reference_columns.size(); ++i) out.set_null(index + i);
    return;
  }
  const std::vector<value> columns = key_column_values(key);  // (a key of keys: nested)
  for (std::size_t i = 0; i < columns.size(); ++i) out.set(index + i, columns[i]);
}

}  // namespace

std::size_t object_columns::count() const noexcept {
  // (Only a generated key, a single attribute, is skipped; a lazy attribute has one column.)
  return m_object.info().column_width - (m_key == key_position::skip ? 1 : 0);
}

void object_columns::write(param_writer& out) const {
  const entity_info& entity = m_object.info();
  std::size_t index = 0;
  for (const attr_info* attr : entity.columns) {
    if (attr->key_part && m_key == key_position::skip) continue;
    if (!attr->reference_columns.empty()) {
      write_reference(m_object, *attr, out, index);
      index += attr->reference_columns.size();
      continue;
    }
    if (attr->discriminator) {
      out.set(index, entity.discriminator_value);
    } else if (!attr->store(object_access::field(m_object, *attr), out, index)) {
      write_missing(*attr, out, index);
    }
    ++index;
  }
}

namespace {

// Writes one row's parameters at their place among the rows': numbered from `first`.
class shifted_writer final : public param_writer {
 public:
  shifted_writer(param_writer& out, std::size_t first) noexcept : m_out{out}, m_first{first} {}
  void set_null(std::size_t index) override { m_out.set_null(m_first + index); }
  void set_int(std::size_t index, std::int64_t v) override { m_out.set_int(m_first + index, v); }
  void set_real(std::size_t index, double v) override { m_out.set_real(m_first + index, v); }
  void set_text(std::size_t index, std::string_view v) override {
    m_out.set_text(m_first + index, v);
  }
  void set(std::size_t index, const value& v) override { m_out.set(m_first + index, v); }

 private:
  param_writer& m_out;
  std::size_t m_first;
};

}  // namespace

std::size_t object_rows::count() const noexcept {
  if (m_objects.empty()) return 0;  // coverage-exempt: a batch is never empty
  return m_objects.size() * object_columns{*m_objects.front(), m_key}.count();
}

void object_rows::write(param_writer& out) const {
  std::size_t first = 0;
  for (const entity_base* object : m_objects) {
    const object_columns row{*object, m_key};
    shifted_writer shifted{out, first};
    row.write(shifted);
    first += row.count();
  }
}

std::size_t checked_write_params::count() const noexcept {
  const entity_info& entity = m_object.info();
  std::size_t n = entity.key_columns.size();
  for (std::size_t i = 0; i < entity.columns.size(); ++i) {
    if ((m_shape[i] & write_shape::set) != 0) n += entity.columns[i]->column_names().size();
  }
  return n + m_checks.size();
}

void checked_write_params::write(param_writer& out) const {
  const entity_info& entity = m_object.info();
  std::size_t index = 0;
  for (std::size_t i = 0; i < entity.columns.size(); ++i) {
    if ((m_shape[i] & write_shape::set) == 0) continue;
    const attr_info& attr = *entity.columns[i];
    if (!attr.reference_columns.empty()) {
      write_reference(m_object, attr, out, index);
      index += attr.reference_columns.size();
      continue;
    }
    if (&attr == entity.version_attr) {
      out.set(index, m_next_version);
    } else if (!attr.store(object_access::field(m_object, attr), out, index)) {
      write_missing(attr, out, index);
    }
    ++index;
  }
  for (const attr_info* key : entity.key_attrs) {
    if (key->reference_columns.empty()) {
      out.set(index++, object_access::read(m_object, *key));
      continue;
    }
    // A key of keys: the columns of the referred key.
    for (const value& column : key_column_values(object_access::read(m_object, *key))) {
      out.set(index++, column);
    }
  }
  for (const value& v : m_checks) out.set(index++, v);
}

}  // namespace nextorm::detail
