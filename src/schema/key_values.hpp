// A primary key's value and the values of its columns. A key of several attributes is a tuple of
// a part per key attribute; a key of one attribute is that attribute's value. A part that refers
// to an entity with a composite key (a key of keys) is that entity's key, a tuple in the tuple,
// and has a column per column of it (entity_info::key_columns).
#pragma once

#include <nextorm/registry.hpp>
#include <nextorm/value.hpp>

#include <span>
#include <vector>

namespace nextorm::detail {

// Appends the values of the columns of `key` (a key or a key part) in order: a tuple gives its
// parts' columns, anything else is one column.
void append_key_columns(const value& key, std::vector<value>& out);
[[nodiscard]] std::vector<value> key_column_values(const value& key);

// The parts of `key`, a key of `entity`, one per key attribute: the tuple's items, or for a key
// of one attribute the key itself.
[[nodiscard]] std::span<const value> key_parts(const entity_info& entity, const value& key);
// The key of `entity` made of `parts`, one per key attribute.
[[nodiscard]] value key_of_parts(const entity_info& entity, std::vector<value> parts);

// Whether `key` has the shape of a key of `entity`: one value (not a tuple) for a key of one
// attribute that has one column; a part per key attribute (key_parts) for a composite key, a
// part that refers to an entity with a composite key being a key of that entity in turn.
[[nodiscard]] bool key_fits(const entity_info& entity, const value& key);

// The key of `entity` from the values of its key columns (as many as entity.key_columns).
[[nodiscard]] value key_of_columns(const entity_info& entity, std::span<const value> columns);

}  // namespace nextorm::detail
