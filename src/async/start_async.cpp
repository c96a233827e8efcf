// Where an awaited call runs: the turns of a session's calls, the pool's places, and the
// choice of a fiber (servers) or a SQLite worker.
#include <nextorm/async.hpp>
#include <nextorm/errors.hpp>

#include <nextorm/detail/reactor.hpp>
#include "async/async_scope.hpp"
#include "async/fiber.hpp"
#include "async/sqlite_workers.hpp"
#include "common/unreachable.hpp"

namespace nextorm::detail {

namespace {

bool launch(async_job& job);

// Runs the job where its session's provider wants it; true when it is done already.
bool execute(async_job& job) {
  async_scope* scope = job.context.scope;
  if (scope != nullptr && scope->db.url.provider == "sqlite") {
    sqlite_workers::of(scope->db).submit(job);
    return false;
  }
  return run_on_fiber(job, *job.context.loop, job_finished);
}

// A session that has no connection yet takes its place in the pool first, waiting for one
// without blocking the loop; true when the job is done already.
bool launch(async_job& job) {
  async_scope* scope = job.context.scope;
  if (scope == nullptr) return execute(job);
  // (A session's calls all come before its end, the last of them.)
  if (!scope->session) detail::unreachable("launch: a call after its session's end");
  if (scope->session->has_connection()) return execute(job);
  reactor* loop = job.context.loop;
  const bool now = scope->db.reserve([loop, &job] {
    loop->post([&job] {
      job.context.scope->session->use_reserved_place();
      bool done = true;
      try {
        done = execute(job);
      } catch (...) {  // (no memory for a fiber's stack)
        job.fail(std::current_exception());
      }
      if (done) job_finished(job);
    });
  });
  if (!now) return false;
  scope->session->use_reserved_place();
  return execute(job);
}

// The next waiting calls of the session, until one runs on (its end passes the turn on).
void pass_turn(async_scope& scope) {
  while (!scope.waiting.empty()) {
    async_job& next = *scope.waiting.front();
    scope.waiting.pop_front();
    bool done = true;
    try {
      done = launch(next);
    } catch (...) {
      next.fail(std::current_exception());
    }
    if (!done) return;
    next.context.loop->post([waiter = next.waiter] { waiter.resume(); });
  }
  scope.busy = false;
}

}  // namespace

void job_finished(async_job& job) {
  const std::coroutine_handle<> waiter = job.waiter;
  if (job.context.scope != nullptr) pass_turn(*job.context.scope);
  waiter.resume();
}

bool start_async(async_job& job) {
  if (job.context.loop == nullptr) {
    throw usage_error("async.no_loop",
                      "an awaited NextORM call needs a loop: await it from a nextorm::task run "
                      "by nextorm::run(), an event_loop, or the Asio adapter");
  }
  async_scope* scope = job.context.scope;
  if (scope != nullptr) {
    if (scope->busy) {
      scope->waiting.push_back(&job);
      return true;
    }
    scope->busy = true;
  }
  bool done = false;
  try {
    done = launch(job);
  } catch (...) {
    if (scope != nullptr) scope->busy = false;  // coverage-exempt: no memory for a fiber's stack
    throw;
  }
  if (done && scope != nullptr) pass_turn(*scope);
  return !done;
}

}  // namespace nextorm::detail
