// One provider's database as the bench uses it: where empty databases come from, and the
// hand-written contender for it.
#pragma once

#include "contender.hpp"

#include <nextorm/registry.hpp>

#include <memory>
#include <string>

namespace nextorm_bench {

class target {
 public:
  virtual ~target() = default;
  // "sqlite", "postgres", "mariadb": NextORM's provider names.
  [[nodiscard]] virtual std::string provider() const = 0;
  // The NextORM URL of a database without the bench's tables, named after `tag` where that
  // matters (SQLite: a new file; servers: the tables are dropped in the one database).
  [[nodiscard]] virtual std::string fresh(const std::string& tag) = 0;
  // Done with a database made by fresh() (SQLite: the file is removed).
  virtual void discard(const std::string& url) = 0;
  // The dialect's identifier quote: '"' or '`'.
  [[nodiscard]] virtual char quote() const = 0;
  // The hand-written C API contender, connected to `url`.
  [[nodiscard]] virtual std::unique_ptr<contender> raw(const std::string& url) = 0;
};

// `names` is a finalized registry of the bench's entities: the raw SQL uses its table and
// column names.
// SQLite files in `dir` (made if missing; "" = a new directory under $TMPDIR or /tmp, removed
// with the target).
[[nodiscard]] std::unique_ptr<target> make_sqlite_target(const std::string& dir,
                                                         const nextorm::registry& names);
// These return null when the bench was built without libpq / libmariadb.
[[nodiscard]] std::unique_ptr<target> make_postgres_target(const std::string& url,
                                                           const nextorm::registry& names);
[[nodiscard]] std::unique_ptr<target> make_mariadb_target(const std::string& url,
                                                          const nextorm::registry& names);

}  // namespace nextorm_bench
