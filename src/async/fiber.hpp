// Fibers: the stacks on which the async API runs NextORM's synchronous code for PostgreSQL and
// MariaDB. Where a driver would block on its socket (driver::wait_for_socket), the fiber
// suspends instead, its loop watches the socket, and the fiber goes on once the socket is
// ready: the same code serves both APIs, and the loop's thread is never blocked.
#pragma once

#include <nextorm/detail/reactor.hpp>

namespace nextorm::detail {

class async_job;

// Runs job.run() on a fiber of `loop`'s thread, the job's session being the thread's current
// one while it runs. True when it is done already (it never had to wait); else `done(job)` is
// called on the loop's thread once it is.
[[nodiscard]] bool run_on_fiber(async_job& job, reactor& loop, void (*done)(async_job& job));

}  // namespace nextorm::detail
