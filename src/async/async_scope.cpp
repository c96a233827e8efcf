#include "async/async_scope.hpp"

#include <nextorm/database.hpp>
#include <nextorm/errors.hpp>

namespace nextorm::detail {

void enter_scope(async_scope* scope) noexcept {
  (void)session_impl::exchange_current(scope != nullptr ? scope->session.get() : nullptr);
}

async_scope* open_scope(database& db, const session_options& options) {
  return new async_scope{db.impl(), options};
}

void end_scope(async_scope* scope, bool commit) {
  if (!commit) {
    scope->session.reset();  // rolls back, and gives the connection back
    return;
  }
  try {
    scope->session->commit();
  } catch (...) {
    scope->session.reset();
    throw;
  }
  scope->session.reset();
}

void destroy_scope(async_scope* scope) noexcept { delete scope; }

void throw_empty_task() {
  throw usage_error("async.empty_task",
                    "this task holds no coroutine (default-made, or moved from): await or run the "
                    "task that a coroutine returned");
}

}  // namespace nextorm::detail
