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

describe_scope::describe_scope(entity_info& info) noexcept
    : m_previous{construction().describing} {
  construction().describing = &info;
}

describe_scope::~describe_scope() { construction().describing = m_previous; }

namespace {

value read_auto_id(const void* field) {
  const auto& id = *static_cast<const std::optional<std::int64_t>*>(field);
  return id ? value{*id} : value{};
}

void write_auto_id(void* field, const value& v) {
  auto& id = *static_cast<std::optional<std::int64_t>*>(field);
  if (v.is_null()) {
    id.reset();
  } else {
    id = v.as_int();
  }
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
  info.attrs.insert(info.attrs.begin(), std::move(id));
}

[[noreturn]] void throw_missing_value(const attr_info& attr) {
  throw usage_error("object.no_value", "attribute " + attr.owner->name + "." + attr.name +
                                           " has no value");
}

[[noreturn]] void throw_missing_reference(const attr_info& attr) {
  throw usage_error("object.no_reference",
                    "attribute " + attr.owner->name + "." + attr.name + " refers to no object");
}

field_base::field_base() noexcept
    : m_owner_offset{static_cast<std::uint32_t>(reinterpret_cast<const char*>(this) -
                                                reinterpret_cast<const char*>(construction().owner))} {}

entity_base& field_base::owner() const noexcept {
  return *reinterpret_cast<entity_base*>(const_cast<char*>(reinterpret_cast<const char*>(this)) -
                                         m_owner_offset);
}

const attr_info& field_base::attr() const {
  const entity_base& object = owner();
  for (const auto& attr : object.info().attrs) {
    if (attr.field_offset == static_cast<std::ptrdiff_t>(m_owner_offset)) return attr;
  }
  throw usage_error("object.detached", "field of an object that no session manages");
}

void field_base::touch() const {
  entity_base& object = owner();
  if (object_access::session(object) == nullptr) {
    throw usage_error("object.detached", "an object can only change inside its db_session");
  }
  object_access::session(object)->touch(object);
}

void field_base::describe(attr_info info) const {
  info.field_offset = m_owner_offset;
  construction().describing->attrs.push_back(std::move(info));
}

}  // namespace detail

entity_base::entity_base() noexcept { detail::construction().owner = this; }

value entity_base::key() const {
  return detail::object_access::read(*this, m_info->pk());
}

void entity_base::remove() {
  if (m_session == nullptr) {
    throw usage_error("object.detached", "an object can only be removed inside its db_session");
  }
  m_session->remove(*this);
}

}  // namespace nextorm
