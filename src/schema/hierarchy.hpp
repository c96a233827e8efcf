// Entity inheritance as PonyORM maps it: one table per hierarchy, named after its root, with the
// columns of every class and a discriminator column (`classtype`) that says which class each
// row is. These are the steps of registry::finalize() that only a hierarchy needs.
#pragma once

#include <nextorm/registry.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace nextorm::hierarchy {

using entity_list = std::vector<std::unique_ptr<entity_info>>;

// Whether the entity is stored as a class of a hierarchy (with a discriminator column): it has
// a base or subclasses, or declares a discriminator attribute or value (PonyORM makes the
// discriminator of a root without subclasses then too). After link_bases().
[[nodiscard]] bool in_hierarchy(const entity_info& entity) noexcept;

// Links each entity to its bases, root, ancestors and subclasses (schema.unknown_entity for an
// unknown base, schema.inheritance_cycle for a cycle, schema.multiple_inheritance for bases of
// different hierarchies) and returns the positions of the entities in an order where each base
// comes before its subclasses (otherwise the registry's order).
[[nodiscard]] std::vector<std::size_t> link_bases(entity_list& entities);

// Rebuilds the attributes of an entity in a hierarchy from `declared` (what add() was given):
// a subclass starts with copies of its first base's attributes (already rebuilt), then those of
// its other bases that it does not have yet (PonyORM's multiple inheritance: the attributes of
// their common bases once), then its own; the root gets the discriminator `classtype` after its
// own. Returns the declared column of each attribute, in the same order; `base_columns` are
// those of each of entity.bases.
[[nodiscard]] std::vector<std::string> build_attrs(
    entity_info& entity, const std::vector<attr_info>& declared,
    const std::vector<std::string>& declared_columns,
    const std::vector<const std::vector<std::string>*>& base_columns);

// The attribute of a base of `entity` that its inherited attribute `attr` copies.
[[nodiscard]] const attr_info& in_base(const entity_info& entity, const attr_info& attr) noexcept;

// Copies what finalize() resolved for a base's attributes (columns, targets, reverse sides, join
// tables) into each subclass's copies of them, bases first.
void sync_inherited(entity_list& entities, const std::vector<std::size_t>& order);

// Resolves every entity's table_columns, load_columns (lazy ones left out), load_positions,
// lazy_attrs, discriminator_attr and discriminator_value, and checks that the classes of a
// hierarchy do not share a column name (schema.duplicate_column) or a discriminator value
// (schema.duplicate_discriminator).
void resolve_tables(entity_list& entities);

}  // namespace nextorm::hierarchy
