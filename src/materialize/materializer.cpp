#include "materialize/materializer.hpp"

#include "materialize/object_access.hpp"
#include "schema/key_values.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/types.hpp>

#include <algorithm>

namespace nextorm::materialize {

using detail::object_access;

namespace {

// What a reader throws when the column does not hold its declared type: SQLite's storage class
// check, the servers' parses, and the text forms of dates, times, decimals, uuids and JSON. A
// column's reader throws nothing else; the rows' cursor may (SQLite reports some errors, such as
// malformed JSON given to json_extract, while stepping to a row).
bool is_type_mismatch(const error& e) {
  static constexpr std::string_view ids[] = {
      "value.type_mismatch", "postgres.bad_value", "mariadb.conversion", "value.bad_date",
      "value.bad_datetime",  "value.bad_time",     "decimal.invalid",    "uuid.invalid",
      "value.bad_json",      "value.bad_enum"};
  for (std::string_view id : ids) {
    if (e.id() == id) return true;
  }
  return false;
}

// `subject` ("entity Student, attribute gpa (column "gpa")") is declared `declared`.
[[noreturn]] void throw_type_mismatch(const error& e, const std::string& subject,
                                      value_type declared) {
  const auto* c = dynamic_cast<const driver::column_type_error*>(&e);
  throw database_error(error_category::type, "value.type_mismatch",
                       subject + " is declared " + std::string{type_name(declared)} +
                           " in the schema, but the database " +
                           (c != nullptr ? "holds " + c->found : "gives " + e.message()) +
                           ": the schema does not match the table");
}

std::string attribute_subject(const entity_info& entity, const attr_info& attr) {
  return "entity " + entity.name + ", attribute " + attr.name + " (column \"" + attr.column + "\")";
}

// A row read as an object whose key is NULL: only a SQLite table made without NextORM can hold
// one (SQLite lets a PRIMARY KEY that is not INTEGER PRIMARY KEY be NULL). No object stands for
// it, and a null one in a result would be dereferenced.
[[noreturn]] void throw_null_key(const entity_info& entity, const attr_info& key) {
  throw database_error(error_category::type, "value.null_key",
                       attribute_subject(entity, key) + " is NULL in a row of table " +
                           entity.table +
                           ": a row without its key cannot be an object; give the row a key");
}

// Text of a date, datetime, time or decimal must have its form (servers hand any column's text
// to get(), and a text column declared a date would print as it is).
void check_form(const value& v) {
  switch (v.type()) {
    case value_type::date: (void)date_from_text(v.as_text()); break;
    case value_type::datetime: (void)datetime_from_text(v.as_text()); break;
    case value_type::time: (void)time_from_text(v.as_text()); break;
    case value_type::decimal: (void)decimal{v.as_text()}; break;
    default: break;
  }
}

// One column into its field: typed getters straight into the field, a NULL check only where
// the column may hold NULL, and a `value` only for what has no direct reader.
void read_column(entity_base& object, const column_reader& r, const driver::cursor& row,
                 std::size_t column) {
  void* field = reinterpret_cast<char*>(&object) + r.field_offset;
  if (r.nullable && row.is_null(column)) {
    r.write(field, value{});
    return;
  }
  switch (r.how) {
    case column_reader::method::load: r.load(field, row, column); break;
    case column_reader::method::int_key:
      object_access::set_int_key(*static_cast<detail::reference_field*>(field),
                                 row.get_int(column));
      break;
    case column_reader::method::write: r.write(field, row.get(column, r.type)); break;
    case column_reader::method::skip: break;
    case column_reader::method::lazy: object_access::unloaded(field) = true; break;
    case column_reader::method::parts: {
      // (Its foreign key keeps the columns all NULL or none.)
      const entity_info& target = *r.attr->target_entity;
      std::vector<value> columns;
      for (const key_column& key : target.key_columns) {
        columns.push_back(row.get(column + columns.size(), key.leaf->type));
      }
      r.write(field, detail::key_of_columns(target, columns));
      break;
    }
  }
}

// A new object from the row, its key already read: `int_key`, or `*other_key` if not null.
entity_base& load_object(const driver::cursor& row, std::size_t first_column,
                         entity_objects& objects, std::int64_t int_key, const value* other_key) {
  entity_base& object = objects.make(object_state::clean);
  const std::size_t pk_position = objects.pk_position();
  const auto& readers = objects.readers();
  std::size_t i = 0;
  try {
    for (; i < readers.size(); ++i) {
      if (i == pk_position) {
        void* field = reinterpret_cast<char*>(&object) + readers[i].field_offset;
        if (objects.implicit_id()) {
          *static_cast<std::int64_t*>(field) = int_key;
        } else {
          readers[i].write(field, other_key != nullptr ? *other_key : value{int_key});
        }
      } else {
        read_column(object, readers[i], row, first_column + readers[i].position);
      }
    }
  } catch (const error& e) {
    // Costs nothing until thrown; only then is the attribute looked up for the message. (Only
    // the columns' readers run here: the error is a type mismatch.)
    const attr_info& attr = *objects.entity().columns[i];
    throw_type_mismatch(e, attribute_subject(objects.entity(), attr), attr.type);
  }
  if (objects.entity().hooks.after_load != nullptr) {
    objects.map().awaiting_after_load.push_back(&object);
  }
  return object;
}

// An object of the hierarchy of `asked` that is not of its class: the session has the row as an
// object of another class (the table changed under it, or the discriminator did).
[[noreturn]] void throw_wrong_class(const entity_info& asked, const value& key,
                                    const entity_info& actual) {
  throw database_error(error_category::type, "value.wrong_class",
                       "the row of table " + asked.table + " with key " + key.repr() + " is a " +
                           actual.name + ", not a " + asked.name +
                           ": its discriminator changed, or the table was changed under the "
                           "session");
}

// An object of `actual` read as one of `asked`: it must be of that class or below it.
void require_class(const entity_info& asked, const value& key, const entity_info& actual) {
  if (!asked.is_same_or_base_of(actual)) throw_wrong_class(asked, key, actual);
}

// The class of a hierarchy that a row is, by its discriminator column (a NULL names none).
const entity_info& row_class(const driver::cursor& row, std::size_t first_column,
                             const entity_objects& objects, const value& key) {
  const entity_info& asked = objects.entity();
  const value stored =
      row.get(first_column + objects.discriminator_column(), asked.discriminator_attr->type);
  const entity_info& root = *asked.root;
  const entity_info* actual = stored == root.discriminator_value ? &root : nullptr;
  for (const entity_info* sub : root.subclasses) {
    if (stored == sub->discriminator_value) actual = sub;
  }
  if (actual == nullptr) {
    throw database_error(error_category::type, "value.unknown_discriminator",
                         "the row of table " + root.table + " with key " + key.repr() + " has " +
                             asked.discriminator_attr->column + " " + stored.repr() +
                             ", which names no class of the hierarchy of " + root.name +
                             ": give the row a class's discriminator, or declare its class");
  }
  return *actual;
}

// One column of the key of `entity` as a value of `type`; a NULL throws value.null_key.
value read_key_column(const driver::cursor& row, std::size_t column, const entity_info& entity,
                      const attr_info& attr, value_type type) {
  value part;
  try {
    part = row.get(column, type);
  } catch (const error& e) {  // the key's reader: a type mismatch
    throw_type_mismatch(e, attribute_subject(entity, attr), type);
  }
  if (part.is_null()) throw_null_key(entity, attr);
  return part;
}

// One key attribute's value from its columns (a key of keys: the referred key, from several).
value read_key_part(const driver::cursor& row, std::size_t column, const entity_info& entity,
                    const attr_info& attr) {
  if (attr.reference_columns.empty()) return read_key_column(row, column, entity, attr, attr.type);
  const entity_info& target = *attr.target_entity;
  std::vector<value> columns;
  for (std::size_t i = 0; i < target.key_columns.size(); ++i) {
    columns.push_back(
        read_key_column(row, column + i, entity, attr, target.key_columns[i].leaf->type));
  }
  return detail::key_of_columns(target, columns);
}

// The key of the row as a value (any key type; a tuple for a composite key).
value read_key(const driver::cursor& row, std::size_t first_column, const entity_objects& objects) {
  const entity_info& entity = objects.entity();
  const auto& columns = objects.key_columns();
  // (A key of one attribute is its value, even where it refers to an entity with a composite key.)
  if (entity.key_attrs.size() == 1) {
    return read_key_part(row, first_column + columns[0], entity, entity.pk());
  }
  std::vector<value> parts;
  parts.reserve(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    parts.push_back(read_key_part(row, first_column + columns[i], entity, *entity.key_attrs[i]));
  }
  return value::tuple(std::move(parts));
}

// An object the session has, read again: its volatile attributes take the row's values. (Every
// read flushes first: the session's own changes are in the row.)
void refresh_volatile(entity_base& object, const driver::cursor& row, std::size_t first_column,
                      const entity_objects& objects) {
  if (objects.volatile_readers().empty()) return;
  const auto& readers = objects.readers();
  for (std::size_t i : objects.volatile_readers()) {
    try {
      read_column(object, readers[i], row, first_column + readers[i].position);
    } catch (const error& e) {  // the column's reader: a type mismatch
      throw_type_mismatch(e, attribute_subject(objects.entity(), *readers[i].attr),
                          readers[i].attr->type);
    }
  }
}

// A row of an inheritance hierarchy: the object of the class its discriminator names, made in
// that class's storage and filed under the root's keys.
entity_base* materialize_polymorphic(const driver::cursor& row, std::size_t first_column,
                                     entity_objects& objects) {
  const entity_info& asked = objects.entity();
  const value key = read_key(row, first_column, objects);
  entity_objects& all = objects.map().objects_of(*asked.root);
  entity_base* known = all.find(key);
  const entity_info& actual =
      known != nullptr ? known->info() : row_class(row, first_column, objects, key);
  // The statements that read a subclass's objects keep to its classes' rows; a row the session
  // holds as another class changed its discriminator since.
  require_class(asked, key, actual);
  if (known != nullptr) {
    refresh_volatile(*known, row, first_column, objects.map().objects_of(actual));
    return known;
  }
  entity_objects& storage = objects.map().objects_of(actual);
  const bool int_key = key.type() == value_type::integer;
  entity_base& object =
      load_object(row, first_column, storage, int_key ? key.as_int() : 0, int_key ? nullptr : &key);
  storage.file(key, object);
  return &object;
}

}  // namespace

entity_base* materialize_object(const driver::cursor& row, std::size_t first_column,
                                entity_objects& objects) {
  if (objects.entity().in_hierarchy()) return materialize_polymorphic(row, first_column, objects);
  // The key first: an object the session already has is not read again.
  if (objects.integer_keys()) {
    const std::size_t key_column = first_column + objects.pk_position();
    std::int64_t key = 0;
    try {
      key = row.get_int(key_column);
    } catch (const error& e) {  // the key's reader: a type mismatch
      const entity_info& entity = objects.entity();
      throw_type_mismatch(e, attribute_subject(entity, entity.pk()), entity.pk().type);
    }
    // NULL reads as 0: only then is the column type worth asking for.
    if (key == 0 && row.is_null(key_column))
      throw_null_key(objects.entity(), objects.entity().pk());
    bool made = false;
    entity_base* object = objects.find_or_add(key, [&] {
      made = true;
      return &load_object(row, first_column, objects, key, nullptr);
    });
    if (!made) refresh_volatile(*object, row, first_column, objects);
    return object;
  }
  // Otherwise a str or uuid key (schema.pk_type), or a composite one.
  bool made = false;
  entity_base* object =
      objects.find_or_add(read_key(row, first_column, objects), [&](const value& key) {
        made = true;
        return &load_object(row, first_column, objects, 0, &key);
      });
  if (!made) refresh_volatile(*object, row, first_column, objects);
  return object;
}

namespace {

// The key among an entity's load_columns read from `first_column` on (a tuple for a composite
// key), without an object: for entities that have no C++ type.
// With `key_only`, the key's columns alone were selected, in its order (NULL for a missing
// object of a LEFT JOIN).
value key_of_row(const driver::cursor& rows, std::size_t first_column, const entity_info& entity,
                 bool key_only) {
  const auto& columns = entity.load_columns;
  std::vector<value> values;  // the key's columns
  for (const attr_info* key : entity.key_attrs) {
    // (By column: in a hierarchy, load_columns are the root's attributes.)
    const std::size_t at =
        key_only ? values.size()
                 : entity.load_offsets[static_cast<std::size_t>(
                       std::find_if(columns.begin(), columns.end(),
                                    [&](const attr_info* c) { return c->column == key->column; }) -
                       columns.begin())];
    for (std::size_t i = 0; i < key->column_names().size(); ++i) {
      values.push_back(
          rows.get(first_column + at + i, entity.key_columns[values.size()].leaf->type));
    }
  }
  if (values.front().is_null()) return value{};
  return detail::key_of_columns(entity, values);
}

// The rows as cells; `at` is the item being read.
void read_cells(driver::cursor& rows, const lower::result_shape& shape, identity_map& objects,
                detail::raw_result& out, std::size_t max_rows, std::size_t& at) {
  for (std::size_t row = 0; row < max_rows && rows.next(); ++row) {
    for (at = 0; at < shape.items.size(); ++at) {
      const auto& item = shape.items[at];
      detail::result_cell& cell = out.cells.emplace_back();
      if (item.entity == nullptr) {
        cell.v = rows.get(item.first_column, item.type);
        check_form(cell.v);
      } else if (item.entity->construct == nullptr || item.key_only) {
        // No C++ type (a JSON-schema entity), or only the key was selected: the key stands in.
        cell.v = item.key_only && !item.entity->composite_key()
                     ? rows.get(item.first_column, item.entity->pk().type)
                     : key_of_row(rows, item.first_column, *item.entity, item.key_only);
        if (item.entity->construct != nullptr && !cell.v.is_null()) {
          cell.object = objects.find(*item.entity, cell.v);
        }
      } else {
        cell.object = materialize_object(rows, item.first_column, *item.entity, objects);
      }
    }
  }
}

}  // namespace

void materialize(driver::cursor& rows, const lower::result_shape& shape, identity_map& objects,
                 detail::raw_result& out, std::size_t max_rows, const detail::object_sink* sink) {
  if (shape.items.size() == 1 && shape.items[0].entity != nullptr &&
      shape.items[0].entity->construct != nullptr && !shape.items[0].key_only) {
    // One typed entity: objects straight into the result, no cells.
    out.objects_only = true;
    entity_objects& table = objects.objects_of(*shape.items[0].entity);
    const std::size_t first_column = shape.items[0].first_column;
    for (std::size_t row = 0; row < max_rows && rows.next(); ++row) {
      entity_base* object = materialize_object(rows, first_column, table);
      if (sink != nullptr) {
        sink->push(sink->out, object);
      } else {
        out.objects.push_back(object);
      }
    }
    return;
  }
  std::size_t at = 0;  // the item being read, for a type mismatch's message
  try {
    read_cells(rows, shape, objects, out, max_rows, at);
  } catch (const error& e) {
    if (!is_type_mismatch(e)) throw;
    // An entity item's own attributes were named where they were read: only values, and keys
    // standing in for objects, are named here.
    const auto& item = shape.items[at];
    if (item.entity != nullptr && item.entity->construct != nullptr && !item.key_only) throw;
    if (item.entity != nullptr) {
      throw_type_mismatch(e, attribute_subject(*item.entity, item.entity->pk()),
                          item.entity->pk().type);
    }
    throw_type_mismatch(e, "result column '" + shape.column_names[at] + "'", item.type);
  }
}

}  // namespace nextorm::materialize
