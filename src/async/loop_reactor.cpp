#include "async/loop_reactor.hpp"

#include <nextorm/errors.hpp>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace nextorm::detail {

namespace {

// The loop whose run_once() runs on this thread (one inside another's callbacks: the inner).
thread_local loop_reactor* t_running_loop = nullptr;

[[noreturn]] void throw_loop_failed(const char* what) {
  throw connection_error("async.loop_failed", std::string{"the event loop cannot "} + what + ": " +
                                                  std::strerror(errno));
}

std::uint32_t events_of(io_bits interest) {
  std::uint32_t events = EPOLLONESHOT;
  if ((interest & io_read) != 0) events |= EPOLLIN;
  if ((interest & io_write) != 0) events |= EPOLLOUT;
  return events;
}

}  // namespace

loop_reactor::loop_reactor() {
  m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
  if (m_epoll < 0) throw_loop_failed("create an epoll instance");  // coverage-exempt: kernel limit
  m_wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (m_wake < 0) {  // coverage-exempt: kernel limit
    ::close(m_epoll);
    throw_loop_failed("create an eventfd");
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = m_wake;
  (void)::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &event);
}

loop_reactor::~loop_reactor() {
  ::close(m_wake);
  ::close(m_epoll);
}

void loop_reactor::post(std::function<void()> work) {
  // All under the lock: once the loop can take the work, it may run it, end what it runs for
  // and be destroyed, so a post from another thread (a SQLite worker) must touch nothing of the
  // reactor after that (it wrote the eventfd of a destroyed loop, under load: UBSan found it).
  const std::lock_guard lock{m_mutex};
  m_posted.push_back(std::move(work));
  // Posted by what the loop runs (a fiber resuming another, a place in the pool handed over):
  // the loop looks at its posted work before it waits again, no wake needed.
  if (t_running_loop == this) return;
  const std::uint64_t one = 1;
  // A full counter (never: it is read on every wake) would only mean a wake is pending anyway.
  (void)::write(m_wake, &one, sizeof one);
}

void loop_reactor::watch(int socket, io_bits interest,
                         std::optional<std::chrono::milliseconds> timeout,
                         std::function<void(io_bits)> ready) {
  auto [found, added] = m_watchers.try_emplace(socket);
  watcher& w = found->second;
  epoll_event event{};
  event.events = events_of(interest);
  event.data.fd = socket;
  // A socket watched before is re-armed (EPOLLONESHOT left it registered, disabled); one that
  // was closed since (and maybe its number reused) is no longer registered: added again.
  int rc = ::epoll_ctl(m_epoll, added ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, socket, &event);
  if (rc < 0 && errno == ENOENT) rc = ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, socket, &event);
  if (rc < 0) {
    if (added) m_watchers.erase(found);
    throw_loop_failed("watch the connection's socket");
  }
  if (w.has_deadline) m_deadlines.erase(w.deadline);  // (a watch replaced: one per socket)
  w.ready = std::move(ready);
  w.interest = interest;
  w.has_deadline = timeout.has_value();
  if (timeout) w.deadline = m_deadlines.emplace(clock::now() + *timeout, socket);
}

void loop_reactor::fire(int socket, io_bits what) {
  // (Every socket registered and every deadline has its watcher: none is ever dropped.)
  watcher& w = m_watchers.at(socket);
  if (!w.ready) return;  // a late event of a timed-out watch
  if (w.has_deadline) m_deadlines.erase(w.deadline);
  w.has_deadline = false;
  auto ready = std::move(w.ready);
  w.ready = nullptr;
  ready(what);
}

bool loop_reactor::run_posted() {
  {
    const std::lock_guard lock{m_mutex};
    m_running.swap(m_posted);
  }
  const bool ran = !m_running.empty();
  for (auto& work : m_running) work();
  m_running.clear();
  return ran;
}

int loop_reactor::wait_timeout() {
  // (Called when no posted work ran: work posted since came from another thread, whose post
  // wrote the eventfd, which ends the wait at once.)
  if (m_deadlines.empty()) return -1;
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(m_deadlines.begin()->first - clock::now());
  return static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count(), 0));
}

void loop_reactor::run_once() {
  loop_reactor* const outer = std::exchange(t_running_loop, this);
  struct restore {
    loop_reactor* outer;
    ~restore() { t_running_loop = outer; }
  } const restored{outer};
  // Work that ran may have done what the caller runs the loop for (the last step of its task):
  // the caller must see that before the loop waits, for nothing else may ever come (a post from
  // the loop's own callbacks writes no eventfd). So no waiting after work, only a look.
  const bool ran = run_posted();
  std::array<epoll_event, 64> events{};
  const int n = ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()),
                             ran ? 0 : wait_timeout());
  if (n < 0 && errno != EINTR) throw_loop_failed("wait");  // coverage-exempt: kernel failure
  for (int i = 0; i < n; ++i) {
    const int socket = events[static_cast<std::size_t>(i)].data.fd;
    std::uint32_t got = events[static_cast<std::size_t>(i)].events;
    if (socket == m_wake) {
      std::uint64_t count = 0;
      (void)::read(m_wake, &count, sizeof count);
      continue;
    }
    // A hang-up or an error counts as ready for what was asked: the next read or write says it.
    if ((got & (EPOLLHUP | EPOLLERR)) != 0) got |= EPOLLIN | EPOLLOUT;
    // (Every socket registered has its watcher: none is ever dropped.)
    const io_bits interest = m_watchers.at(socket).interest;
    io_bits what = 0;
    if ((got & EPOLLIN) != 0) what |= interest & io_read;
    if ((got & EPOLLOUT) != 0) what |= interest & io_write;
    fire(socket, what);
  }
  const auto now = clock::now();
  while (!m_deadlines.empty() && m_deadlines.begin()->first <= now) {
    fire(m_deadlines.begin()->second, io_timeout);  // (takes the deadline with it)
  }
  run_posted();
}

}  // namespace nextorm::detail
