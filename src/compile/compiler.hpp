// The query compiler: text -> parse -> analyze -> optimize -> lower -> plan, and the plan cache.
#pragma once

#include "lower/plan.hpp"
#include "compile/plan_cache.hpp"
#include "lower/dialect.hpp"

#include <nextorm/params.hpp>
#include <nextorm/registry.hpp>

#include <memory>
#include <string_view>
#include <vector>

namespace nextorm::compile {

struct compile_options {
  // Optimizer passes to skip, by name (tests compare plans with and without a rule).
  std::vector<std::string_view> disabled_passes;
};

// Compiles one query for one dialect. `args` decides what free names mean (parameters) and
// their types; their values are bound at run time through plan::params. Throws query_error for
// a bad query: syntax (parser), unknown_name, type and unsupported (analyzer, dialect); throws
// usage_error when the registry is not finalized.
[[nodiscard]] std::shared_ptr<const plan> compile_query(const query_spec& spec,
                                                        const registry& reg,
                                                        const lower::dialect& d,
                                                        const params& args);
[[nodiscard]] std::shared_ptr<const plan> compile_query(const query_spec& spec,
                                                        const registry& reg,
                                                        const lower::dialect& d,
                                                        const params& args,
                                                        const compile_options& options);

}  // namespace nextorm::compile
