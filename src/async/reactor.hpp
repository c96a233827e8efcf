// What the async API waits on: a loop that runs callbacks on its thread when a socket is ready,
// a time limit passes, or another thread posts work. event_loop is one (loop_reactor.cpp); the
// Asio adapter is another.
#pragma once

#include <nextorm/task.hpp>

#include "driver/wait.hpp"

#include <chrono>
#include <functional>
#include <optional>

namespace nextorm::detail {

class reactor {
 public:
  virtual ~reactor() = default;
  // Runs `work` on the loop's thread soon; callable from any thread.
  virtual void post(std::function<void()> work) = 0;
  // Calls `ready` once `socket` is ready for `interest` (with what is ready), or with
  // driver::io::timeout once `timeout` has passed. One watch per socket at a time; from the
  // loop's thread only.
  virtual void watch(int socket, driver::io interest,
                     std::optional<std::chrono::milliseconds> timeout,
                     std::function<void(driver::io)> ready) = 0;

 protected:
  reactor() = default;
  reactor(const reactor&) = delete;
  reactor& operator=(const reactor&) = delete;
};

}  // namespace nextorm::detail
