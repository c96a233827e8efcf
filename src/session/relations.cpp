// Single and Set: lazy loading, and both sides of a relation kept in step.
#include <nextorm/errors.hpp>
#include <nextorm/fields.hpp>

#include "materialize/materializer.hpp"
#include "materialize/object_access.hpp"
#include "session/relation_sql.hpp"
#include "session/session_impl.hpp"

#include <algorithm>
#include <cassert>

namespace nextorm::detail {

// `SELECT t.c1, t.c2, ... FROM <table> t` over every column the materializer reads for
// `entity` (in a hierarchy, every column of its table), then `joins`, then `WHERE`, and the
// discriminator criterion of a hierarchy's entity followed by AND: the caller's condition follows.
std::string select_all(const entity_info& entity, const lower::dialect& d, std::string_view joins) {
  std::string sql = "SELECT ";
  for (const attr_info* attr : entity.load_columns) {
    for (const auto& column : attr->column_names()) {
      if (sql.size() > 7) sql += ", ";
      sql += "t." + d.quote(column);
    }
  }
  sql += " FROM " + d.quote(entity.table) + " t" + std::string{joins} + " WHERE ";
  const std::string of_class = d.class_condition(entity, "t");
  return of_class.empty() ? sql : sql + of_class + " AND ";
}

// A many-to-many's join table joined to its items (`t`): `j.c = t.k` for each key column.
std::string join_items(const attr_info& attr, const lower::dialect& d) {
  const auto& keys = attr.target_entity->key_columns;
  std::string sql = " JOIN " + d.quote(attr.m2m_table) + " j ON ";
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (k != 0) sql += " AND ";
    sql += "j." + d.quote(attr.m2m_other_columns[k]) + " = t." + d.quote(keys[k].name);
  }
  return sql;
}

namespace {

attr_info relation_info(const char* name, attr_kind kind, const std::type_info& target,
                        attr_info options) {
  options.name = name;
  options.kind = kind;
  options.target = entity_name_of(target);
  return options;
}

// `t.c = ?`, or for a reference to an entity whose key has several attributes
// `t.c1 = ? AND t.c2 = ?`: where the columns hold the key that key_params() binds.
std::string refers_to_key(std::span<const std::string> columns, const lower::dialect& d,
                          std::string_view alias = "t") {
  std::string sql;
  std::size_t i = 0;
  for (const auto& column : columns) {
    if (i != 0) sql += " AND ";
    sql += std::string{alias} + "." + d.quote(column) + " = " + d.placeholder(i++);
  }
  return sql;
}

// The items of `attr` of `owner`, from the database (after a flush, so that it agrees).
std::vector<entity_base*> load_items(entity_base& owner, const attr_info& attr) {
  session_impl& session = session_of(owner);
  // A new object's collections were made loaded (and empty) by create().
  assert(owner.state() != object_state::created);
  std::vector<entity_base*> items;
  session.flush();
  const entity_info& target = *attr.target_entity;
  const auto& d = session.db().dialect();
  std::string sql;
  if (attr.is_many_to_many()) {
    sql = select_all(target, d, join_items(attr, d)) + refers_to_key(attr.m2m_own_columns, d, "j");
  } else {
    sql = select_all(target, d) + refers_to_key(attr.reverse_attr->column_names(), d);
  }
  const std::vector<value> key = key_params(owner);
  {
    auto rows = session.connection().query(sql, key);
    while (rows->next()) {
      items.push_back(materialize::materialize_object(*rows, 0, target, session.objects()));
    }
  }
  session.run_after_load();
  return items;
}

// The object of `attr.target_entity` whose reverse reference column holds `owner`'s key.
entity_base* find_by_reference(entity_base& owner, const attr_info& attr) {
  session_impl& session = session_of(owner);
  session.flush();
  const entity_info& target = *attr.target_entity;
  const auto& d = session.db().dialect();
  const std::string sql =
      select_all(target, d) + refers_to_key(attr.reverse_attr->column_names(), d);
  const std::vector<value> key = key_params(owner);
  entity_base* found = nullptr;
  {
    auto rows = session.connection().query(sql, key);
    if (!rows->next()) return nullptr;
    found = materialize::materialize_object(*rows, 0, target, session.objects());
  }
  session.run_after_load();
  return found;
}

// The typed API only lets objects of the target's C++ type through: one that is not the
// target entity belongs to another database's mapping of that type.
// Objects of one session only refer to each other: another session's object (live or ended)
// is another version of its row.
void check_same_session(const entity_base& self, const entity_base& other) {
  if (object_access::home(other) != object_access::home(self)) {
    (void)session_of(other);  // an ended session says so first
    throw usage_error("session.other_object",
                      object_label(other) + " belongs to another db_session than " +
                          object_label(self) + ": load it in this session (E::at(key))");
  }
}

[[noreturn]] void throw_wrong_entity(const attr_info& a, const char* relation) {
  throw usage_error("relation.wrong_entity", "attribute " + a.owner->name + "." + a.name + " " +
                                                 relation + " " + a.target +
                                                 " objects of its own database, not of another");
}

}  // namespace

void reference_field::describe_reference(const char* name, const std::type_info& target,
                                         attr_info options) {
  attr_info info = relation_info(name, attr_kind::single, target, std::move(options));
  info.read = &read;
  info.write = &write;
  info.store = &store;
  describe(std::move(info));
}

value reference_field::key() const {
  switch (m_key_kind) {
    case key_kind::integer: return value{m_int_key};
    case key_kind::other: return *m_other_key;
    default: return value{};
  }
}

void reference_field::set_key(const value& key) {
  if (m_key_kind == key_kind::other) {
    // A key on the heap is followed by another of the same type (the target's key type), or by
    // none.
    if (!key.is_null()) {
      *m_other_key = key;
      return;
    }
    delete m_other_key;
    m_key_kind = key_kind::none;
  } else if (key.type() == value_type::integer) {
    set_int_key(key.as_int());
  } else if (key.is_null()) {
    m_key_kind = key_kind::none;
  } else {
    m_other_key = new value{key};
    m_key_kind = key_kind::other;
  }
}

value reference_field::read(const void* field) {
  const auto& self = *static_cast<const reference_field*>(field);
  return self.m_target != nullptr ? self.m_target->key() : self.key();
}

bool reference_field::store(const void* field, param_writer& out, std::size_t index) {
  const auto& self = *static_cast<const reference_field*>(field);
  if (self.m_target != nullptr) {
    // The target's key, as the target stores it: given to it when it was inserted, which may
    // be after this assignment.
    entity_base& target = *self.m_target;
    const attr_info& key = object_access::info(target)->pk();
    return key.store(object_access::field(target, key), out, index);
  }
  if (self.m_key_kind == key_kind::none) return false;
  if (self.m_key_kind == key_kind::integer) {
    out.set_int(index, self.m_int_key);
  } else {
    out.set(index, *self.m_other_key);
  }
  return true;
}

void reference_field::write(void* field, const value& v) {
  auto& self = *static_cast<reference_field*>(field);
  self.set_key(v);
  self.m_target = nullptr;
}

entity_base* reference_field::target() const {
  if (m_target != nullptr) return m_target;
  // A reference a strict session forgot refuses to say it is empty.
  if (m_unloaded) (void)session_of(owner());
  if (m_key_kind != key_kind::none) {
    m_target = session_of(owner()).load(*attr().target_entity, key());
  } else if (const attr_info& a = attr();
             a.key_in_reverse && !m_engaged && owner().state() != object_state::created) {
    // The column-less side of a one-to-one: the other side's column points here. Looked up
    // once (m_engaged): a partner made later sets this side itself.
    m_target = find_by_reference(owner(), a);
    m_engaged = true;
  }
  return m_target;
}

std::string reference_field::label() const {
  if (m_target != nullptr) return object_label(*m_target);
  // The column-less side of a one-to-one holds no key: what it refers to is looked up (a lazy
  // load, as reading it would be).
  if (m_key_kind == key_kind::none && attr().key_in_reverse) {
    const entity_base* found = target();
    return found != nullptr ? object_label(*found) : "None";
  }
  const value k = key();
  if (k.is_null()) return "None";
  return attr().target + "[" + key_label(*attr().target_entity, k) + "]";
}

void reference_field::assign(entity_base* new_target) {
  entity_base& self = owner();
  const attr_info& a = attr();
  (void)session_of(self);
  if (new_target != nullptr && !a.target_entity->is_same_or_base_of(new_target->info())) {
    throw_wrong_entity(a, "refers to");
  }
  if (new_target != nullptr) check_same_session(self, *new_target);
  entity_base* old_target = target();
  if (old_target == new_target) return;
  check_not_removed(self);
  if (new_target != nullptr) check_not_removed(*new_target);
  check_key_unchanged(self, a);
  const attr_info& reverse = *a.reverse_attr;
  if (reverse.kind == attr_kind::set) {
    // Keep loaded collections on both ends in step.
    if (old_target != nullptr) {
      auto& old_items = object_access::collection(*old_target, reverse);
      std::erase(object_access::items(old_items), &self);
    }
    if (new_target != nullptr) {
      // A loaded collection holds exactly the objects whose reference points at its owner, and
      // this one pointed elsewhere: no search for a duplicate (which made inserting n children
      // of one parent quadratic).
      auto& new_items = object_access::collection(*new_target, reverse);
      if (object_access::loaded(new_items)) object_access::items(new_items).push_back(&self);
    }
  } else {
    // One-to-one: the other side points back; whichever side holds the column is changed.
    if (old_target != nullptr && a.cascades) {
      // PonyORM: the partner this side cascades to is deleted when replaced (which unlinks it).
      session_of(self).remove(*old_target);
    } else if (old_target != nullptr) {
      // (A change is recorded before it is made: the session keeps the value it replaces.)
      if (a.key_in_reverse) session_of(self).touch(*old_target, reverse);
      auto& back = object_access::reference(*old_target, reverse);
      object_access::target(back) = nullptr;
      object_access::set_key(back, value{});
    }
    if (new_target != nullptr) {
      auto& back = object_access::reference(*new_target, reverse);
      // The new target's partner so far loses it: a one-to-one pairs two objects. Found by the
      // key where the new target holds the column; otherwise only if loaded, since a lookup
      // would flush objects the user may not have finished.
      entity_base* partner = a.key_in_reverse ? back.target() : back.m_target;
      // Never `self`: self's target is not new_target, and the two sides agree.
      if (partner != nullptr && reverse.cascades) {
        session_of(self).remove(*partner);  // PonyORM: a replaced partner it cascades to goes
      } else if (partner != nullptr) {
        if (!a.key_in_reverse) session_of(self).touch(*partner, a);  // its column changes
        auto& lost = object_access::reference(*partner, a);
        lost.m_target = nullptr;
        lost.set_key(value{});
      }
      if (a.key_in_reverse) session_of(self).touch(*new_target, reverse);
      object_access::target(back) = &self;
      object_access::set_key(back, self.key());
    }
  }
  touch();
  m_target = new_target;
  set_key(new_target != nullptr ? new_target->key() : value{});
}

void collection_field::describe_collection(const char* name, const std::type_info& target,
                                           attr_info options) {
  describe(relation_info(name, attr_kind::set, target, std::move(options)));
}

const std::vector<entity_base*>& collection_field::items() const {
  if (!m_engaged) {
    entity_base& self = owner();
    std::vector<entity_base*> loaded = load_items(self, attr());
    // Objects removed in this session but not yet flushed do not come back.
    std::erase_if(loaded, [](entity_base* o) { return o->state() == object_state::deleted; });
    m_items = std::move(loaded);
    m_engaged = true;
  }
  return m_items;
}

void collection_field::add(entity_base& item) {
  entity_base& self = owner();
  const attr_info& a = attr();
  (void)session_of(self);
  if (!a.target_entity->is_same_or_base_of(item.info())) {
    throw_wrong_entity(a, "holds");
  }
  check_same_session(self, item);
  check_not_removed(self);
  check_not_removed(item);
  if (!a.is_many_to_many()) {
    // One-to-many: the item's reference decides; assign keeps this collection in step.
    object_access::reference(item, *a.reverse_attr).assign(&self);
    return;
  }
  if (contains(item)) return;
  // Both sides are kept in step: the item's loaded collection lacks this object too.
  m_items.push_back(&item);
  auto& reverse = object_access::collection(item, *a.reverse_attr);
  // (An object added to its own symmetric Set is that collection itself: once.)
  if (reverse.m_engaged && &reverse != this) reverse.m_items.push_back(&self);
  session_of(self).link(a, self, item, true);
}

void collection_field::remove(entity_base& item) {
  entity_base& self = owner();
  const attr_info& a = attr();
  (void)session_of(self);
  if (!contains(item)) return;
  if (!a.is_many_to_many()) {
    if (a.cascades) {
      // PonyORM: an item taken out of a cascading Set is deleted.
      session_of(self).remove(item);
      return;
    }
    if (!a.reverse_attr->optional) {
      throw usage_error("relation.required", "cannot remove " + item.info().name + " from " +
                                                 a.owner->name + "." + a.name + ": its attribute " +
                                                 a.reverse_attr->name +
                                                 " is required; remove() the object instead");
    }
    object_access::reference(item, *a.reverse_attr).assign(nullptr);
    return;
  }
  std::erase(m_items, &item);
  auto& reverse = object_access::collection(item, *a.reverse_attr);
  std::erase(reverse.m_items, &self);
  session_of(self).link(a, self, item, false);
}

std::string collection_field::label() const {
  std::string out = "[";
  for (const entity_base* item : items()) {
    if (out.size() > 1) out += ", ";
    out += object_label(*item);
  }
  return out + "]";
}

bool collection_field::contains(const entity_base& item) const {
  const auto& all = items();
  return std::find(all.begin(), all.end(), &item) != all.end();
}

}  // namespace nextorm::detail
