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

// The job's turn is over; the session's next calls get theirs once nothing of it runs.
void end_turn(async_scope& scope, const async_job& job) noexcept {
  if (job.shared_turn) {
    --scope.readers;
  } else {
    scope.busy = false;
  }
}

// Runs the job where its session's provider wants it; true when it is done already.
bool execute(async_job& job) {
  async_scope* scope = job.context.scope;
  if (scope != nullptr && scope->db.url.provider == "sqlite") {
    scope->session->set_call_on_worker(true);
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

// Whether `job` may run beside the reads of its session running now (or start them): a read,
// on PostgreSQL (which pipelines them; MariaDB's protocol and SQLite's worker take one
// statement at a time), while the session has nothing to write first. (A session's calls all
// come from the loop that runs its body.)
bool may_share(const async_scope& scope, const async_job& job) {
  return job.reads && scope.db.url.provider == "postgres" && scope.session->reads_may_share();
}

// Starts `job` in the turn it takes: beside the session's reads, or alone. True when it is done
// already (its turn is then over).
bool start_in_turn(async_scope& scope, async_job& job) {
  job.shared_turn = may_share(scope, job);
  if (job.shared_turn) {
    ++scope.readers;
  } else {
    scope.busy = true;
  }
  bool done = false;
  try {
    done = launch(job);
  } catch (...) {  // (no memory for a fiber's stack)
    end_turn(scope, job);
    throw;
  }
  if (done) end_turn(scope, job);
  return done;
}

// Whether `job` can start now rather than wait: nothing runs alone, and it runs beside the
// reads running now or there are none.
bool can_start(const async_scope& scope, const async_job& job) {
  return !scope.busy && (scope.readers == 0 || may_share(scope, job));
}

// The waiting calls of the session that can start now, in order: those that finish at once
// resume their waiters.
void pass_turn(async_scope& scope) {
  while (!scope.waiting.empty() && can_start(scope, *scope.waiting.front())) {
    async_job& next = *scope.waiting.front();
    scope.waiting.pop_front();
    bool done = true;
    try {
      done = start_in_turn(scope, next);
    } catch (...) {
      next.fail(std::current_exception());
    }
    if (done) next.context.loop->post([waiter = next.waiter] { waiter.resume(); });
  }
}

}  // namespace

void job_finished(async_job& job) {
  const std::coroutine_handle<> waiter = job.waiter;
  if (async_scope* scope = job.context.scope; scope != nullptr) {
    end_turn(*scope, job);
    pass_turn(*scope);
  }
  waiter.resume();
}

bool start_async(async_job& job) {
  if (job.context.loop == nullptr) {
    throw usage_error("async.no_loop",
                      "an awaited NextORM call needs a loop: await it from a nextorm::task run "
                      "by nextorm::run(), an event_loop, or the Asio adapter");
  }
  async_scope* scope = job.context.scope;
  if (scope == nullptr) return !launch(job);
  // Calls start in the order awaited: one waits behind those waiting before it.
  if (!scope->waiting.empty() || !can_start(*scope, job)) {
    scope->waiting.push_back(&job);
    return true;
  }
  const bool done = start_in_turn(*scope, job);
  if (done) pass_turn(*scope);
  return !done;
}

}  // namespace nextorm::detail
