// SOCI (4.0) doing the benchmark's jobs the way its documentation teaches: statements prepared
// once with into()/use() bound variables, execute() and fetch() row by row into plain structs.
#pragma once

#include "contender.hpp"
#include "raw_sql.hpp"

#include <memory>
#include <string>

namespace nextorm_bench {

// How the SOCI contender reads the one row of a primary-key lookup.
enum class soci_single_row {
  // `st.execute(true)` and nothing more, as SOCI's documentation shows for a prepared statement.
  // SOCI's SQLite backend steps the statement once and leaves it there, un-reset, until the next
  // execute(): SQLite keeps the read transaction, and the file's SHARED lock, across COMMIT.
  execute_only,
  // `st.execute(true)`, then `st.fetch()`, which returns false: that step reaches SQLITE_DONE, so
  // the statement is finished before COMMIT and the lock goes with the transaction. What a SOCI
  // user on SQLite must write not to block other connections' writers.
  fetch_to_end,
};

// A SOCI contender for a NextORM URL, or null when SOCI (or its backend for the URL's provider)
// is not built in. `sql` must use colon placeholders. `lookups` applies to lookup_each (the
// one-transaction lookup workload reads the same way in both modes: execute_only).
[[nodiscard]] std::unique_ptr<contender> make_soci_contender(
    const std::string& provider, const std::string& nextorm_url, raw_sql sql,
    soci_single_row lookups = soci_single_row::execute_only);
// Whether SOCI with a backend for `provider` is built in.
[[nodiscard]] bool soci_available(const std::string& provider);

}  // namespace nextorm_bench
