// Entity objects and fields: construction, description, key access.
#include <nextorm/entity.hpp>
#include <nextorm/errors.hpp>

#include "materialize/object_access.hpp"
#include "session/session_impl.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

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
  std::string name = status == 0 ? demangled.get() : type.name();
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
  if (id == object_access::no_auto_id) return false;
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

bool object_access::is_field(const attr_info& attr) noexcept {
  return attr.field_offset >= 0 && attr.write != &write_auto_id;
}

[[noreturn]] void throw_unattached() {
  throw usage_error("object.detached",
                    "field of an object that no session made: create objects with create()");
}

const attr_info& field_base::attr() const {
  if (m_owner_offset == 0) throw_unattached();
  return owner().info().attrs[m_attr_index];
}

void field_base::record_change() const {
  if (m_owner_offset == 0) throw_unattached();
  entity_base& object = owner();
  if (object_access::session(object) == nullptr) {
    throw usage_error("object.detached", "an object can only change inside its db_session");
  }
  object_access::session(object)->touch(object);
}

void field_base::describe(attr_info info) {
  m_owner_offset = static_cast<std::uint32_t>(reinterpret_cast<const char*>(this) -
                                              reinterpret_cast<const char*>(construction().owner));
  info.field_offset = m_owner_offset;
  m_attr_index = static_cast<std::uint16_t>(construction().describing->attrs.size());
  construction().describing->attrs.push_back(std::move(info));
}

}  // namespace detail

entity_base::entity_base() noexcept {
  // Only a prototype being described needs to be found by its fields (see field_base::describe).
  if (detail::describers.load(std::memory_order_relaxed) != 0) detail::construction().owner = this;
}

value entity_base::key() const {
  if (m_info == nullptr) detail::throw_unattached();
  return detail::object_access::read(*this, m_info->pk());
}

void entity_base::remove() {
  if (m_session == nullptr) {
    throw usage_error("object.detached", "an object can only be removed inside its db_session");
  }
  m_session->remove(*this);
}

}  // namespace nextorm
