// The event loop of the async API for programs that have none (docs/async.md): it runs a task
// and everything that task awaits on the calling thread, waiting in epoll(7) for the database
// servers' sockets and for SQLite's worker threads.
//   nextorm::event_loop loop;
//   auto names = loop.run(list_names(db));   // or nextorm::run(list_names(db))
#pragma once

#include <nextorm/task.hpp>

#include <coroutine>
#include <memory>

namespace nextorm {

namespace detail {
class loop_reactor;
}

class event_loop {
 public:
  event_loop();
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  // Runs `t` to its end and returns its value, or throws its exception. Tasks run by one loop
  // (here and in what they await) stay on its thread. The thread's db_session, if any, is not
  // the tasks': they use async sessions.
  template <class T>
  T run(task<T> t) {
    if (!t.m_handle) task<T>::throw_empty();
    drive(t.m_handle, t.m_handle.promise());
    return t.m_handle.promise().take();
  }

 private:
  void drive(std::coroutine_handle<> root, detail::promise_base& promise);
  std::unique_ptr<detail::loop_reactor> m_reactor;
};

// Runs `t` on an event loop of its own, on this thread, and returns its value.
template <class T>
T run(task<T> t) {
  event_loop loop;
  return loop.run(std::move(t));
}

}  // namespace nextorm
