// The non-blocking seam of the server drivers: every time a PostgreSQL or MariaDB connection
// must wait for the server, it calls one wait function with its socket, what it waits for and
// for how long at most. The default blocks in poll(2); the async API (coroutines) replaces it to
// suspend instead, and resumes the connection once its event loop sees the socket ready.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace nextorm::driver {

// What to wait for on a socket, and what happened: bits.
enum class io : std::uint8_t {
  none = 0,
  read = 1,     // readable (or hung up: the next read reports it)
  write = 2,    // writable
  timeout = 4,  // only as a result: the time limit passed first
};
[[nodiscard]] constexpr io operator|(io a, io b) noexcept {
  return static_cast<io>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
[[nodiscard]] constexpr io operator&(io a, io b) noexcept {
  return static_cast<io>(static_cast<std::uint8_t>(a) & static_cast<std::uint8_t>(b));
}
[[nodiscard]] constexpr bool has(io bits, io flag) noexcept { return (bits & flag) != io::none; }

struct wait_request {
  int socket = -1;
  io interest = io::read;  // read, write, or both: ready as soon as either is
  std::optional<std::chrono::milliseconds> timeout;  // none: wait as long as it takes
};

// Waits as `request` says and returns what is ready (io::timeout when the time limit passed).
// May throw to give up (a cancelled task, a deadline): the connection's operation then stays
// unfinished, and the connection refuses further statements, so that its pool drops it.
using wait_function = std::function<io(const wait_request& request)>;

// The default wait function: poll(2), resumed after signals. Throws
// connection_error("driver.wait_failed") when poll(2) fails. On a thread that has a wait hook
// (a fiber of the async API is running), the hook waits instead.
io wait_for_socket(const wait_request& request);

// What waits in wait_for_socket's place on this thread (none: poll(2)); returns the one before.
using wait_hook = io (*)(const wait_request& request);
wait_hook exchange_wait_hook(wait_hook hook) noexcept;

// Fibers that share a connection: the reads of one async session that the async API runs
// together, which PostgreSQL's driver pipelines. Where one must wait for another (to read its
// answers after those sent before it, or for the connection's turn), it suspends until that
// one resumes it. The async API installs these; outside a fiber running_fiber() is null and a
// connection is never shared.
using fiber_id = void*;
struct fiber_switch {
  fiber_id (*running)() noexcept;  // the fiber running on this thread, or null
  void (*suspend)();               // the running fiber, until resume() of it
  void (*resume)(fiber_id fiber);  // runs `fiber` again soon, on its loop's thread
};
void install_fiber_switch(const fiber_switch& functions) noexcept;
[[nodiscard]] fiber_id running_fiber() noexcept;
void suspend_fiber();
void resume_fiber(fiber_id fiber);

}  // namespace nextorm::driver
