// The SQL that reads related objects (relations.cpp, prefetch.cpp).
#pragma once

#include <nextorm/registry.hpp>

#include "lower/dialect.hpp"

#include <span>
#include <string>
#include <string_view>

namespace nextorm::detail {

// `SELECT t.c1, t.c2, ... FROM <table> t` over every column the materializer reads for
// `entity` (in a hierarchy, every column of its table), then `joins`, then `WHERE`, and the
// discriminator criterion of a subclass followed by AND: the caller's condition follows.
[[nodiscard]] std::string select_all(const entity_info& entity, const lower::dialect& d,
                                     std::string_view joins = {});
// A many-to-many's join table joined to its items (`t`): ` JOIN <table> j ON j.c = t.k ...`.
[[nodiscard]] std::string join_items(const attr_info& attr, const lower::dialect& d);

}  // namespace nextorm::detail
