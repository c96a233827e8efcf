// Entity objects and fields: construction, description, key access.
#include <nextorm/entity.hpp>
#include <nextorm/entity_ptr.hpp>
#include <nextorm/errors.hpp>

#include "common/suggest.hpp"
#include "common/unreachable.hpp"
#include "materialize/object_access.hpp"
#include "schema/key_values.hpp"
#include "session/session_impl.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <ostream>

namespace nextorm {

namespace detail {

construction_context& construction() noexcept {
  thread_local construction_context context;
  return context;
}

std::atomic<int> describers{0};

std::string entity_name_of(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> demangled{
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free};
  // __cxa_demangle fails only when it cannot allocate; the mangled name will do then.
  std::string name{status == 0 ? demangled.get() : type.name()};  // coverage-exempt: no memory
  // "shop::Product" -> "Product"; template arguments are not part of an entity name.
  name = name.substr(0, name.find('<'));
  const auto colon = name.rfind("::");
  return colon == std::string::npos ? name : name.substr(colon + 2);
}

describe_scope::describe_scope(entity_info& info) noexcept : m_previous{construction().describing} {
  construction().describing = &info;
  describers.fetch_add(1, std::memory_order_relaxed);
}

describe_scope::~describe_scope() {
  describers.fetch_sub(1, std::memory_order_relaxed);
  construction().describing = m_previous;
}

namespace {

value read_auto_id(const void* field) {
  const std::int64_t id = *static_cast<const std::int64_t*>(field);
  return id != object_access::no_auto_id ? value{id} : value{};
}

void write_auto_id(void* field, const value& v) {
  *static_cast<std::int64_t*>(field) = v.is_null() ? object_access::no_auto_id : v.as_int();
}

bool store_auto_id(const void* field, param_writer& out, std::size_t index) {
  const std::int64_t id = *static_cast<const std::int64_t*>(field);
  // An object without its id yet is inserted without the column (session_impl::insert).
  if (id == object_access::no_auto_id) detail::unreachable("store_auto_id: no id");
  out.set_int(index, id);
  return true;
}

void load_auto_id(void* field, const row_reader& row, std::size_t column) {
  *static_cast<std::int64_t*>(field) = row.get_int(column);
}

// The offset of entity_base's implicit key, measured on a real object.
struct offset_probe final : entity_base {};

}  // namespace

void finish_description(entity_info& info) {
  if (!info.primary_key.empty()) return;
  for (const auto& attr : info.attrs) {
    if (attr.kind == attr_kind::pk) return;
  }
  attr_info id;
  id.name = "id";
  id.kind = attr_kind::pk;
  id.type = value_type::integer;
  id.auto_increment = true;
  offset_probe probe;
  id.field_offset = reinterpret_cast<const char*>(&object_access::auto_id(probe)) -
                    reinterpret_cast<const char*>(static_cast<entity_base*>(&probe));
  id.read = &read_auto_id;
  id.write = &write_auto_id;
  id.load = &load_auto_id;
  id.store = &store_auto_id;
  info.attrs.insert(info.attrs.begin(), std::move(id));
}

[[noreturn]] void throw_missing_value(const attr_info& attr) {
  throw usage_error("object.no_value",
                    "attribute " + attr.owner->name + "." + attr.name +
                        " has no value; check has_value() or read it with value_or()");
}

[[noreturn]] void throw_missing_reference(const attr_info& attr) {
  throw usage_error("object.no_reference",
                    "attribute " + attr.owner->name + "." + attr.name +
                        " refers to no object; check get() for nullptr before dereferencing");
}

void throw_bad_enum(const std::string& shown, const std::type_info& type,
                    const std::string& names) {
  throw usage_error("value.bad_enum",
                    shown + " is not a " + entity_name_of(type) + " (its names: " + names + ")");
}

bool object_access::is_field(const attr_info& attr) noexcept {
  // (The implicit classtype has no field; a declared Discriminator<T> has one.)
  return attr.write != &write_auto_id && !(attr.discriminator && attr.read == nullptr);
}

[[noreturn]] void throw_unattached() {
  throw usage_error("object.detached",
                    "field of an object that no session made: create objects with create()");
}

const attr_info& field_base::attr() const {
  if (m_owner_offset == 0) throw_unattached();
  return owner().info().attrs[m_attr_index];
}

void check_key_unchanged(const entity_base& object, const attr_info& attr) {
  if (!attr.key_part || object.state() == object_state::created) return;
  throw usage_error("object.key_change",
                    object_label(object) + ": " + attr.owner->name + "." + attr.name +
                        " is part of the primary key, which cannot change once the object is "
                        "stored (PonyORM's rule); create an object with the new key instead");
}

void check_not_removed(const entity_base& object) {
  if (object.state() != object_state::deleted) return;
  throw usage_error("object.removed",
                    object_label(object) +
                        " was removed in this session: it cannot change, nor be added to a "
                        "collection (PonyORM's OperationWithDeletedObjectError)");
}

void field_base::record_change() const {
  if (m_owner_offset == 0) throw_unattached();
  entity_base& object = owner();
  const attr_info& attr = attr_unchecked();
  session_impl& session = session_of(object);  // (session.over before the object's own state)
  check_not_removed(object);
  check_key_unchanged(object, attr);
  session.touch(object, attr);
}

[[noreturn]] void throw_not_session_made() {
  throw usage_error("object.detached",
                    "an object that no db_session made: create objects with E::create()");
}

std::shared_ptr<void> keeper_of(const entity_base& object) {
  object_home* home = object_access::home(object);
  if (home == nullptr) {
    throw_not_session_made();
  }
  return materialize::object_store::of(*home).shared_from_this();
}

std::string key_label(const entity_info& entity, const value& key, std::string_view missing) {
  if (key.is_null()) return std::string{missing};
  if (!entity.composite_key()) {
    // A key that is a reference (PonyORM's PrimaryKey(Person)) shows as that object:
    // Profile[Person[1]].
    const attr_info& only = *entity.key_attrs.front();
    if (only.kind != attr_kind::single) return key.repr();
    return only.target + "[" + key_label(*only.target_entity, key, missing) + "]";
  }
  std::string out;
  const std::span<const value> parts = key_parts(entity, key);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].is_null())
      return std::string{missing};  // e.g. a reference to an object not inserted yet
    const attr_info& attr = *entity.key_attrs[i];
    out += i == 0 ? "" : ",";
    // (A part that refers to an entity with a composite key: Course['Math',1].)
    out += attr.kind == attr_kind::single
               ? attr.target + "[" + key_label(*attr.target_entity, parts[i], missing) + "]"
               : parts[i].repr();
  }
  return out;
}

std::string object_label(const entity_base& object) {
  return object.info().name + "[" + key_label(object.info(), object.key()) + "]";
}

session_impl& session_of(const entity_base& object) {
  if (object_access::home(object) == nullptr) {
    throw_not_session_made();
  }
  session_impl* session = object_access::home(object)->session;  // null once it has ended
  if (session == nullptr && object_access::home(object)->forgotten) {
    throw usage_error("session.over",
                      object_label(object) +
                          " belongs to a strict db_session that has ended: its values were "
                          "forgotten with it (session_options::strict); read what you need "
                          "inside the session, or load the object again in a new db_session");
  }
  if (session == nullptr) {
    throw usage_error("session.over",
                      object_label(object) +
                          " belongs to a db_session that has ended: its loaded attributes stay "
                          "readable, but changes, lazy loads and remove() need a session (load "
                          "the object again in a new db_session)");
  }
  return *session;
}

void field_base::load_lazy() const {
  entity_base& object = owner();
  session_of(object).load_lazy(object, attr_unchecked());
}

void field_base::describe(attr_info info) {
  m_owner_offset = static_cast<std::uint32_t>(reinterpret_cast<const char*>(this) -
                                              reinterpret_cast<const char*>(construction().owner));
  info.field_offset = m_owner_offset;
  m_attr_index = static_cast<std::uint16_t>(construction().describing->attrs.size());
  construction().describing->attrs.push_back(std::move(info));
}

void field_base::describe_computed(computed_info info) {
  m_owner_offset = static_cast<std::uint32_t>(reinterpret_cast<const char*>(this) -
                                              reinterpret_cast<const char*>(construction().owner));
  info.field_offset = m_owner_offset;
  construction().describing->computed.push_back(std::move(info));
}

void describe_composite(composite_kind kind, std::initializer_list<const void*> fields) {
  const construction_context& c = construction();
  if (c.describing == nullptr) return;  // an object made while another thread describes
  const char* what = kind == composite_kind::unique_key ? "composite_key"
                     : kind == composite_kind::index    ? "composite_index"
                                                        : "primary_key";
  std::vector<std::string> names;
  for (const void* field : fields) {
    const std::ptrdiff_t offset =
        static_cast<const char*>(field) - reinterpret_cast<const char*>(c.owner);
    // Fields are described as they are constructed: one declared after the composite, or a
    // field of another object, is not among the attributes yet.
    auto found = std::find_if(c.describing->attrs.begin(), c.describing->attrs.end(),
                              [&](const attr_info& a) { return a.field_offset == offset; });
    if (found == c.describing->attrs.end()) {
      const std::string message = "entity " + c.describing->name + ": a " + what +
                                  " names a field that is not one of the entity's fields "
                                  "declared before it; declare it after the fields it names";
      if (kind == composite_kind::primary_key) throw schema_error{"schema.primary_key", message};
      throw schema_error{"schema.composite_index", message};
    }
    names.push_back(found->name);
  }
  if (kind == composite_kind::primary_key) {
    if (!c.describing->primary_key.empty()) {
      throw schema_error{"schema.primary_key",
                         "entity " + c.describing->name +
                             ": declares two primary_key members (a subclass has its root's "
                             "key); keep one"};
    }
    c.describing->primary_key = std::move(names);
    return;
  }
  c.describing->composite_indexes.push_back({std::move(names), kind == composite_kind::unique_key});
}

namespace {

[[noreturn]] void throw_keyword_type(const attr_info& attr, const char* wanted) {
  throw usage_error("value.wrong_type", attr.owner->name + "." + attr.name + " takes " + wanted);
}

// The object a keyword value names for a reference: the object itself, or the one with its key.
entity_base* keyword_target(session_impl& session, const attr_info& attr, const param_value& v) {
  if (v.is_entity() && v.entity().object != nullptr) return v.entity().object;
  if (v.is_entity() && v.entity().entity != attr.target_entity) {
    throw_keyword_type(attr, ("a " + attr.target).c_str());
  }
  if (!v.is_entity() && !v.is_scalar()) {
    throw_keyword_type(attr, ("a " + attr.target + " or its key").c_str());
  }
  const value& key = v.is_entity() ? v.entity().key : v.scalar();
  if (key.is_null()) return nullptr;
  const entity_info& target = *attr.target_entity;
  entity_base* found = session.load(target, key);
  if (found == nullptr) {
    throw object_not_found(target.name + "[" + key.repr() + "] does not exist (given for " +
                           attr.owner->name + "." + attr.name + ")");
  }
  return found;
}

void assign_keyword(session_impl& session, entity_base& object, const attr_info& attr,
                    const param_value& v) {
  switch (attr.kind) {
    case attr_kind::single:
      object_access::assign(object_access::reference(object, attr),
                            keyword_target(session, attr, v));
      return;
    case attr_kind::set:
      if (!v.is_sequence()) throw_keyword_type(attr, ("a list of " + attr.target).c_str());
      for (const param_value& item : v.sequence()) {
        entity_base* target = keyword_target(session, attr, item);
        if (target == nullptr) throw_keyword_type(attr, ("a list of " + attr.target).c_str());
        object_access::add(object_access::collection(object, attr), *target);
      }
      return;
    default:
      if (!v.is_scalar()) {
        throw_keyword_type(attr, ("a " + std::string{type_name(attr.type)} + " value").c_str());
      }
      if (attr.discriminator) {
        throw usage_error("object.discriminator",
                          attr.owner->name + "." + attr.name +
                              " is the discriminator of the hierarchy: the class of the object "
                              "sets it; create an object of the class you want instead");
      }
      if (attr.assign == nullptr) {  // the implicit id
        object_access::write(object, attr, v.scalar());
        return;
      }
      try {
        attr.assign(object_access::field(object, attr), v.scalar());
      } catch (const usage_error& e) {
        // (Named after the attribute: the value's own error does not know it.)
        if (e.id() != "value.wrong_type" && e.id() != "value.too_large" &&
            e.id() != "value.too_small") {
          throw;
        }
        throw usage_error(e.id(), attr.owner->name + "." + attr.name + ": " + e.message());
      }
  }
}

}  // namespace

namespace {

// Every name first: a typo changes nothing.
void check_names(const entity_info& entity, const params& values) {
  for (const auto& [name, v] : values) {
    if (entity.find(name) != nullptr) continue;
    std::vector<std::string> names;
    for (const attr_info& attr : entity.attrs) names.push_back(attr.name);
    throw usage_error("object.unknown_attribute",
                      entity.name + " has no attribute '" + name + "'" + did_you_mean(name, names));
  }
}

}  // namespace

const entity_info& entity_in_session(const void* type_tag) {
  return session_impl::current().db().entity_of(type_tag);
}

void set_object(entity_base& object, const params& values) {
  session_impl& session = session_of(object);
  const entity_info& entity = object.info();
  check_names(entity, values);
  for (const auto& [name, v] : values) {
    const attr_info& attr = *entity.find(name);
    if (attr.kind != attr_kind::set) {
      assign_keyword(session, object, attr, v);
      continue;
    }
    // A collection is given its new items: the others leave it.
    if (!v.is_sequence()) throw_keyword_type(attr, ("a list of " + attr.target).c_str());
    std::vector<entity_base*> wanted;
    for (const param_value& item : v.sequence()) {
      entity_base* target = keyword_target(session, attr, item);
      if (target == nullptr) throw_keyword_type(attr, ("a list of " + attr.target).c_str());
      wanted.push_back(target);
    }
    auto& collection = object_access::collection(object, attr);
    const std::vector<entity_base*> current = object_access::loaded_items(collection);
    for (entity_base* item : current) {
      if (std::find(wanted.begin(), wanted.end(), item) == wanted.end()) {
        object_access::remove(collection, *item);
      }
    }
    for (entity_base* item : wanted) object_access::add(collection, *item);
  }
}

entity_base& create_object(const void* type_tag, const params& values) {
  session_impl& session = session_impl::current();
  return create_object_of(session, session.db().entity_of(type_tag), values);
}

entity_base& upsert_object(const void* type_tag, const params& values,
                           std::initializer_list<std::string_view> conflict) {
  session_impl& session = session_impl::current();
  return session.upsert(session.db().entity_of(type_tag), values,
                        std::span{conflict.begin(), conflict.size()});
}

entity_base& create_object_of(session_impl& session, const entity_info& entity,
                              const params& values) {
  check_names(entity, values);
  entity_base& object = session.create(entity);
  try {
    for (const auto& [name, v] : values) assign_keyword(session, object, *entity.find(name), v);
  } catch (...) {
    session.remove(object);  // a new object: forgotten, never written
    throw;
  }
  return object;
}

}  // namespace detail

entity_base::entity_base() noexcept {
  // Only a prototype being described needs to be found by its fields (see field_base::describe).
  if (detail::describers.load(std::memory_order_relaxed) != 0) detail::construction().owner = this;
}

value entity_base::key() const {
  if (m_info == nullptr) detail::throw_unattached();
  // (A key of one attribute is its value, even where it refers to an entity with a composite key.)
  if (m_info->key_attrs.size() == 1) return detail::object_access::read(*this, m_info->pk());
  std::vector<value> parts;
  parts.reserve(m_info->key_attrs.size());
  for (const attr_info* attr : m_info->key_attrs) {
    parts.push_back(detail::object_access::read(*this, *attr));
  }
  return value::tuple(std::move(parts));
}

std::ostream& operator<<(std::ostream& out, const entity_base& object) {
  return out << detail::object_label(object);
}

void entity_base::remove() { detail::session_of(*this).remove(*this); }

}  // namespace nextorm
