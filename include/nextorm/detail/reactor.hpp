// What the async API waits on: a loop that runs callbacks on its thread when a socket is ready,
// a time limit passes, or another thread posts work. event_loop has one (src/async/
// loop_reactor.cpp); the Asio adapter (nextorm/asio.hpp) is another. Public only so that the
// adapter, a header of the program's, can implement it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace nextorm::detail {

// What to wait for on a socket, and what happened: bits (driver::io's values).
using io_bits = std::uint8_t;
inline constexpr io_bits io_read = 1;     // readable (or hung up: the next read reports it)
inline constexpr io_bits io_write = 2;    // writable
inline constexpr io_bits io_timeout = 4;  // only as a result: the time limit passed first

class reactor {
 public:
  virtual ~reactor() = default;
  // Runs `work` on the loop's thread soon; callable from any thread.
  virtual void post(std::function<void()> work) = 0;
  // Calls `ready` once `socket` is ready for `interest` (with what is ready), or with io_timeout
  // once `timeout` has passed. One watch per socket at a time; from the loop's thread only.
  virtual void watch(int socket, io_bits interest, std::optional<std::chrono::milliseconds> timeout,
                     std::function<void(io_bits)> ready) = 0;

 protected:
  reactor() = default;
  reactor(const reactor&) = delete;
  reactor& operator=(const reactor&) = delete;
};

}  // namespace nextorm::detail
