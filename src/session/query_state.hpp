// What a query<R> holds (include/nextorm/detail/raw_result.hpp's query_state_ptr): the
// database, the spec the compiler reads, the parameters and the paths to prefetch.
#pragma once

#include <nextorm/detail/member_ref.hpp>
#include <nextorm/params.hpp>

#include "ir/query_spec.hpp"
#include "session/database_impl.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm::detail {

class query_state {
 public:
  database_impl* db = nullptr;
  ir::query_spec spec;
  params args;
  std::vector<std::string> prefetch;  // paths, loaded after the rows (prefetch.hpp)
  // A query of typed result items (nextorm::select(col(...), ...)): its loop variable, which
  // typed conditions and orders added to it name (they are lambdas elsewhere).
  std::string typed_variable;
};

// make_query()'s state, still to be completed by its maker.
[[nodiscard]] std::shared_ptr<query_state> new_query_state(std::string text, std::string entity,
                                                           params args);

// The attribute (or computed attribute) name of `step` in `db`; `use` names the caller in the
// error for a member that is neither ("prefetch()").
[[nodiscard]] const std::string& member_name(const database_impl& db, const member_ref& step,
                                             std::string_view use);

}  // namespace nextorm::detail
