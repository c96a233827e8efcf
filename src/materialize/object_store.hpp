// A session's objects and what keeps them: shared by the session and by the results and
// entity_ptrs that refer to its objects, so that no object is destroyed while one of them can
// still reach it. The store also keeps the entity descriptions alive (the registry), which the
// objects' metadata points into, in case the database goes first.
#pragma once

#include <nextorm/entity_base.hpp>
#include <nextorm/registry.hpp>

#include "materialize/identity_map.hpp"

#include <memory>

namespace nextorm::materialize {

class object_store : public detail::object_home, public std::enable_shared_from_this<object_store> {
  // First, so that it is destroyed last: the objects' destructors read their entities.
  std::shared_ptr<const registry> m_schema;

 public:
  object_store(detail::session_impl& session, std::shared_ptr<const registry> schema)
      : m_schema{std::move(schema)}, objects{this} {
    this->session = &session;
  }
  object_store(const object_store&) = delete;
  object_store& operator=(const object_store&) = delete;

  // The store of an object that a session made.
  [[nodiscard]] static object_store& of(detail::object_home& home) noexcept {
    return static_cast<object_store&>(home);
  }

  identity_map objects;
};

}  // namespace nextorm::materialize
