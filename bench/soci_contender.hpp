// SOCI (4.0) doing the benchmark's jobs the way its documentation teaches: statements prepared
// once with into()/use() bound variables, execute() and fetch() row by row into plain structs.
#pragma once

#include "contender.hpp"
#include "raw_sql.hpp"

#include <memory>
#include <string>

namespace nextorm_bench {

// A SOCI contender for a NextORM URL, or null when SOCI (or its backend for the URL's provider)
// is not built in. `sql` must use colon placeholders.
[[nodiscard]] std::unique_ptr<contender> make_soci_contender(const std::string& provider,
                                                             const std::string& nextorm_url,
                                                             raw_sql sql);
// Whether SOCI with a backend for `provider` is built in.
[[nodiscard]] bool soci_available(const std::string& provider);

}  // namespace nextorm_bench
