// Writes beside the unit of work, and what the session reads again after them. After a bulk
// UPDATE (query::update) the objects the session holds of the updated entity, or of a class
// below it, read the columns it set again, so that they show what their rows hold, and a later
// change of theirs checks (optimistically) what the row holds now. An upsert (E::upsert) is an
// INSERT ... ON CONFLICT DO UPDATE (MariaDB: ON DUPLICATE KEY UPDATE) of an object checked as
// create() checks it, after which the object of the row reads what it holds.
#include <nextorm/errors.hpp>

#include "common/suggest.hpp"
#include "materialize/materializer.hpp"
#include "materialize/object_access.hpp"
#include "schema/key_values.hpp"
#include "session/object_columns.hpp"
#include "session/session_impl.hpp"

#include <algorithm>
#include <unordered_map>

namespace nextorm::detail {

namespace {

// Keys per SELECT: far below every provider's parameter limit.
constexpr std::size_t keys_per_statement = 1000;

// The value of `attr` at `column` of the row (a composite reference: its columns from there).
value read_column(const driver::cursor& row, std::size_t column, const attr_info& attr) {
  const std::size_t width = attr.column_names().size();
  if (width == 1) return row.is_null(column) ? value{} : row.get(column, attr.type);
  std::vector<value> columns;
  for (std::size_t i = 0; i < width; ++i) {
    if (row.is_null(column + i)) return value{};
    columns.push_back(row.get(column + i, attr.target_entity->key_columns[i].leaf->type));
  }
  return key_of_columns(*attr.target_entity, columns);
}

}  // namespace

void session_impl::forget_reverse_sides(std::span<const attr_info* const> attrs) {
  // A reference set anew changes the other side too: its loaded collections (or the column-less
  // side of a one-to-one) are read again when next used.
  for (const attr_info* attr : attrs) {
    const attr_info* reverse = attr->kind == attr_kind::single ? attr->reverse_attr : nullptr;
    if (reverse == nullptr) continue;
    objects().for_each_of(*reverse->owner, [&](entity_base& object) {
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
}

void session_impl::refresh_after_update(const entity_info& entity,
                                        const std::vector<const attr_info*>& attrs) {
  forget_reverse_sides(attrs);
  std::vector<entity_base*> held;
  objects().for_each_of(entity, [&](entity_base& object) {
    // (After the flush an object is clean, or deleted and gone from the map.)
    if (object_access::state(object) == object_state::clean) held.push_back(&object);
  });
  if (held.empty()) return;
  const lower::dialect& d = m_db.dialect();
  std::string columns;
  for (const key_column& key : entity.key_columns) {
    columns += (columns.empty() ? "" : ", ") + d.quote(key.name);
  }
  for (const attr_info* attr : attrs) {
    for (const auto& column : attr->column_names()) columns += ", " + d.quote(column);
  }
  const std::string select = "SELECT " + columns + " FROM " + d.quote(entity.table) + " WHERE ";
  const std::size_t key_width = entity.key_columns.size();
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
        one += (part == 0 ? "" : " AND ") + d.quote(entity.key_columns[part].name) + " = " +
               d.placeholder(keys.size());
        keys.push_back(key[part]);
      }
      where += (where.empty() ? "(" : " OR (") + one + ")";
    }
    auto rows = connection().query(select + where, keys);
    while (rows->next()) {
      std::vector<value> key_columns;
      for (std::size_t part = 0; part < key_width; ++part) {
        key_columns.push_back(rows->get(part, entity.key_columns[part].leaf->type));
      }
      const value key = key_of_columns(entity, key_columns);
      entity_base& object = *by_key.at(key);  // the SELECT asked for held keys only
      std::size_t column = key_width;
      for (const attr_info* attr : attrs) {
        void* field = object_access::field(object, *attr);
        attr->write(field, read_column(*rows, column, *attr));
        column += attr->column_names().size();
      }
    }
  }
}

namespace {

// `"a" = ? AND "b" = ?` over the columns of `attrs`, their values (from `object`) into `params`.
std::string columns_equal(const lower::dialect& d, std::span<const attr_info* const> attrs,
                          const entity_base& object, std::vector<value>& params) {
  std::string out;
  for (const attr_info* attr : attrs) {
    // (upsert() refused a None here; a composite reference: its key's columns.)
    const std::vector<value> values = key_column_values(object_access::read(object, *attr));
    const auto columns = attr->column_names();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      out +=
          (out.empty() ? "" : " AND ") + d.quote(columns[i]) + " = " + d.placeholder(params.size());
      params.push_back(values[i]);
    }
  }
  return out;
}

// Whether `attrs` are the key, a unique attribute or a composite key of `entity` or a base.
bool finds_one_row(const entity_info& entity, const std::vector<const attr_info*>& attrs) {
  auto same = [&](const auto& names) {
    if (names.size() != attrs.size()) return false;
    return std::all_of(attrs.begin(), attrs.end(), [&](const attr_info* attr) {
      return std::find(names.begin(), names.end(), attr->name) != names.end();
    });
  };
  std::vector<std::string> key;
  for (const attr_info* attr : entity.key_attrs) key.push_back(attr->name);
  if (same(key)) return true;
  if (attrs.size() == 1 && attrs.front()->unique) return true;
  for (const entity_info* e = &entity; e != nullptr; e = e->base_entity) {
    for (const composite_index_info& index : e->composite_indexes) {
      if (index.unique && same(index.attrs)) return true;
    }
  }
  return false;
}

}  // namespace

entity_base& session_impl::upsert(const entity_info& entity, const params& values,
                                  std::span<const std::string_view> conflict_names) {
  if (entity.base_entity != nullptr) {
    throw usage_error("upsert.subclass",
                      "upsert(): " + entity.name + " is a subclass of " + entity.base_entity->name +
                          ": the row a key or unique value finds may be of another class of the "
                          "hierarchy; upsert the root entity, or create() the object");
  }
  flush();
  // The attributes that find the row: those named, or the key.
  std::vector<const attr_info*> conflict;
  for (const std::string_view name : conflict_names) {
    const attr_info* attr = entity.find(name);
    if (attr == nullptr || !attr->has_column()) {
      std::vector<std::string> names;
      for (const attr_info& a : entity.attrs) {
        if (a.has_column()) names.push_back(a.name);
      }
      throw usage_error("upsert.conflict", "upsert(): " + entity.name + " has no attribute '" +
                                               std::string{name} + "' with a column" +
                                               did_you_mean(name, names));
    }
    conflict.push_back(attr);
  }
  if (conflict.empty()) conflict.assign(entity.key_attrs.begin(), entity.key_attrs.end());
  // The row must be found by a unique constraint (else MariaDB would insert a second row).
  if (!finds_one_row(entity, conflict)) {
    std::string names;
    for (const attr_info* attr : conflict) names += (names.empty() ? "" : ", ") + attr->name;
    throw usage_error("upsert.conflict",
                      "upsert(): no unique constraint of " + entity.name + " is (" + names +
                          "): the row to update is found by the key, a unique attribute or a "
                          "composite_key");
  }
  // Given, and not None (no row is found by a NULL: a unique column holds several).
  auto given = [&](const attr_info& attr) {
    const auto found = values.find(attr.name);
    return found != values.end() &&
           !(found->second.is_scalar() && found->second.scalar().is_null());
  };
  for (const attr_info* attr : conflict) {
    if (!given(*attr)) {
      throw usage_error("upsert.conflict",
                        "upsert(): " + entity.name + "." + attr->name +
                            " finds the row to update, so it needs a value (not None); give it, "
                            "or name the unique attributes that find the row "
                            "(upsert(values, {\"sku\"}))");
    }
  }
  // What a row found is updated with: the values given, but those that find it.
  std::vector<const attr_info*> updated;
  for (const auto& [name, v] : values) {
    const attr_info* attr = entity.find(name);
    if (attr == nullptr) continue;  // create_object names it
    // A collection, or a side of a one-to-one: setting it moves other objects' references,
    // which the row's object (found only after the statement) would not carry.
    if (attr->kind == attr_kind::set ||
        (attr->kind == attr_kind::single && attr->reverse_attr->kind == attr_kind::single)) {
      throw usage_error(
          "upsert.value",
          "upsert(): " + entity.name + "." + attr->name + " is " +
              (attr->kind == attr_kind::set ? "a collection" : "a side of a one-to-one") +
              ", which upsert() cannot set; set it on the object upsert() returns");
    }
    if (!attr->key_part && std::find(conflict.begin(), conflict.end(), attr) == conflict.end()) {
      updated.push_back(attr);
    }
  }
  // The row as an object, checked as create() checks it; never inserted by the flush.
  entity_base& made = create_object_of(*this, entity, values);
  std::erase(m_created, &made);
  start_version(made);
  const lower::dialect& d = m_db.dialect();
  const attr_info& pk = entity.pk();
  const bool generated = pk.auto_increment && object_access::read(made, pk).is_null();
  std::string columns;
  std::string placeholders;
  std::size_t count = 0;
  for (const attr_info* attr : entity.columns) {
    if (generated && attr->key_part) continue;
    for (const auto& column : attr->column_names()) {
      columns += (count == 0 ? "" : ", ") + d.quote(column);
      placeholders += (count == 0 ? "" : ", ") + d.placeholder(count);
      ++count;
    }
  }
  std::string sql =
      "INSERT INTO " + d.quote(entity.table) + " (" + columns + ") VALUES (" + placeholders + ")";
  const bool mariadb = d.name() == "mariadb";
  std::string sets;
  auto set = [&](const std::string& column, const std::string& to) {
    sets += (sets.empty() ? "" : ", ") + d.quote(column) + " = " + to;
  };
  for (const attr_info* attr : updated) {
    if (attr == entity.version_attr) continue;
    for (const auto& column : attr->column_names()) {
      set(column, mariadb ? "VALUES(" + d.quote(column) + ")" : "excluded." + d.quote(column));
    }
  }
  // A row updated moves its version on, as every UPDATE does.
  if (const attr_info* version = entity.version_attr; version != nullptr && !sets.empty()) {
    // (Qualified: PostgreSQL's DO UPDATE also sees the proposed row's columns.)
    set(version->column, d.quote(entity.table) + "." + d.quote(version->column) + " + 1");
    updated.push_back(version);
  }
  if (mariadb) {
    // (ON DUPLICATE KEY fires on any unique key; with nothing to set, the row stays.)
    const std::string& key = entity.key_attrs.front()->column_names().front();
    sql +=
        " ON DUPLICATE KEY UPDATE " + (sets.empty() ? d.quote(key) + " = " + d.quote(key) : sets);
  } else {
    std::string targets;
    for (const attr_info* attr : conflict) {
      for (const auto& column : attr->column_names()) {
        targets += (targets.empty() ? "" : ", ") + d.quote(column);
      }
    }
    sql += " ON CONFLICT (" + targets + ") DO " + (sets.empty() ? "NOTHING" : "UPDATE SET " + sets);
  }
  entity_base* found = nullptr;
  try {
    (void)connection().execute_from(
        sql, object_columns{made, generated ? object_columns::key_position::skip
                                            : object_columns::key_position::in_place});
    // The row as it is now: the object the session has for it reads what the statement set.
    std::vector<value> params;
    const std::string where = columns_equal(d, conflict, made, params);
    m_row_key = params;
    auto rows = connection().query(statements(entity).select_where + where, m_row_key);
    if (!rows->next()) {
      throw object_not_found(
          "upsert(): no row of " + entity.name +
          " holds the values that find it after the statement: on MariaDB, ON DUPLICATE KEY "
          "UPDATE fires on any unique key, and the values gave another unique key that a row "
          "already holds (that row may have been updated: let the session roll back)");
    }
    materialize::entity_objects& objects = this->objects().objects_of(entity);
    found = materialize::materialize_object(*rows, 0, objects);
    for (const attr_info* attr : updated) {
      const auto at = std::find(entity.load_columns.begin(), entity.load_columns.end(), attr);
      if (at == entity.load_columns.end()) {
        // A lazy one: read again on use (the object may hold what it read before).
        void* field = object_access::field(*found, *attr);
        attr->write(field, value{});
        object_access::unloaded(field) = true;
        continue;
      }
      const std::size_t column =
          entity.load_offsets[static_cast<std::size_t>(at - entity.load_columns.begin())];
      attr->write(object_access::field(*found, *attr), read_column(*rows, column, *attr));
    }
  } catch (...) {
    remove(made);
    throw;
  }
  remove(made);
  std::vector<const attr_info*> references;
  for (const auto& [name, v] : values) {
    references.push_back(entity.find(name));  // (create_object_of refused unknown names)
  }
  forget_reverse_sides(references);
  run_after_load();
  return *found;
}

}  // namespace nextorm::detail
