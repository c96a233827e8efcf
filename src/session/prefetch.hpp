// PonyORM's prefetch (query<R>::prefetch): relations and lazy attributes loaded for all of a
// result's objects at once.
#pragma once

#include <nextorm/detail/raw_result.hpp>
#include <nextorm/entity_base.hpp>

#include <string>
#include <vector>

namespace nextorm::detail {

class session_impl;

// Loads `path` ("tags", "p.tags", "p.category.dept": attributes from the objects' entity, after
// the loop variable's name if it is given) for `objects`, of `entity`: one statement per level
// and few thousand objects. query.prefetch for an unknown name or a plain value.
void prefetch(session_impl& session, const entity_info& entity,
              const std::vector<entity_base*>& objects, const std::string& path);
// Every path, applied to each object item of `result` whose entity has its first attribute;
// `objects` are the result's objects where it holds only objects.
void prefetch_result(session_impl& session, const raw_result& result,
                     const std::vector<entity_base*>& objects,
                     const std::vector<std::string>& paths);

}  // namespace nextorm::detail
