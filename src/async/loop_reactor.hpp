// The reactor of event_loop: epoll(7) for sockets, an eventfd for work posted from other
// threads (SQLite's workers), an ordered map of time limits.
#pragma once

#include <nextorm/detail/reactor.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace nextorm::detail {

class loop_reactor final : public reactor {
 public:
  // Throws database_error async.loop_failed when the kernel refuses an epoll or eventfd.
  loop_reactor();
  ~loop_reactor() override;

  void post(std::function<void()> work) override;
  void watch(int socket, io_bits interest, std::optional<std::chrono::milliseconds> timeout,
             std::function<void(io_bits)> ready) override;

  // Runs what is due (posted work, ready sockets, passed time limits), waiting for something to
  // be due first unless posted work ran already: the caller's condition is looked at again
  // between any work and a wait.
  void run_once();

 private:
  using clock = std::chrono::steady_clock;
  struct watcher {
    std::function<void(io_bits)> ready;  // empty: no watch pending (the socket stays known)
    io_bits interest = 0;
    std::multimap<clock::time_point, int>::iterator deadline;
    bool has_deadline = false;
  };
  // Runs the work posted so far; true when there was some.
  bool run_posted();
  // Takes the watch of `socket` and calls it with `what`.
  void fire(int socket, io_bits what);
  [[nodiscard]] int wait_timeout();

  int m_epoll = -1;
  int m_wake = -1;  // eventfd: post() from another thread wakes epoll_wait
  std::mutex m_mutex;
  std::vector<std::function<void()>> m_posted;  // under m_mutex
  std::vector<std::function<void()>> m_running;
  std::unordered_map<int, watcher> m_watchers;
  std::multimap<clock::time_point, int> m_deadlines;
};

}  // namespace nextorm::detail
