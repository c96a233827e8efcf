#include "driver/wait.hpp"

#include <nextorm/errors.hpp>

#include <poll.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace nextorm::driver {

namespace {
thread_local wait_hook t_hook = nullptr;
fiber_switch g_fibers{};  // set once, before any fiber runs
}  // namespace

wait_hook exchange_wait_hook(wait_hook hook) noexcept { return std::exchange(t_hook, hook); }

void install_fiber_switch(const fiber_switch& functions) noexcept { g_fibers = functions; }
fiber_id running_fiber() noexcept {
  // (Installed by the async API's fibers, which a shared libnextorm always has; a static program
  // that does not use the async API has none.)
  return g_fibers.running != nullptr ? g_fibers.running() : nullptr;  // coverage-exempt: see above
}
void suspend_fiber() { g_fibers.suspend(); }
void resume_fiber(fiber_id fiber) { g_fibers.resume(fiber); }

io wait_for_socket(const wait_request& request) {
  if (t_hook != nullptr) return t_hook(request);
  pollfd descriptor{request.socket, 0, 0};
  if (has(request.interest, io::read)) descriptor.events |= POLLIN;
  if (has(request.interest, io::write)) descriptor.events |= POLLOUT;
  const int timeout = request.timeout ? static_cast<int>(request.timeout->count()) : -1;
  int ready = 0;
  while ((ready = ::poll(&descriptor, 1, timeout)) < 0) {
    if (errno != EINTR) {
      throw connection_error("driver.wait_failed",
                             std::string{"cannot wait for the server: "} + std::strerror(errno));
    }
  }
  if (ready == 0) return io::timeout;
  // A hang-up or an error counts as ready for what was asked: the next read or write reports it.
  const bool failed = (descriptor.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
  io out = io::none;
  if ((descriptor.revents & POLLIN) != 0 || failed) out = out | (request.interest & io::read);
  if ((descriptor.revents & POLLOUT) != 0 || failed) out = out | (request.interest & io::write);
  return out;
}

}  // namespace nextorm::driver
