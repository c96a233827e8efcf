// nextorm::task<T>: the coroutine type of the async API (docs/async.md). A task starts when it
// is awaited (or run by an event_loop) and hands its value, or its exception, to whoever awaits
// it. It carries the async session it works in: a task awaited by another inherits its session
// and its loop, and each time it resumes, that session is the thread's current one, so that many
// sessions interleaved on one thread each see only their own objects.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace nextorm {

template <class T = void>
class task;
class event_loop;

namespace detail {

class async_scope;  // an async session: its session, its connection's turn (src/async/)
class reactor;      // where awaited operations wait: event_loop, or the Asio adapter

// What a task works in, inherited from the task that awaits it.
struct task_context {
  async_scope* scope = nullptr;
  reactor* loop = nullptr;
};

// Makes the session of `scope` (none when null) the thread's current session.
void enter_scope(async_scope* scope) noexcept;

// Makes `body` (not started yet) run in `scope`, as async_session's body does.
template <class T>
void give_scope(task<T>& body, async_scope* scope) noexcept;

// The awaiter of an awaitable: its operator co_await, member or free, or itself.
template <class A>
decltype(auto) awaiter_of(A&& awaitable) {
  if constexpr (requires { std::forward<A>(awaitable).operator co_await(); }) {
    return std::forward<A>(awaitable).operator co_await();
  } else if constexpr (requires { operator co_await(std::forward<A>(awaitable)); }) {
    return operator co_await(std::forward<A>(awaitable));
  } else {
    return std::forward<A>(awaitable);
  }
}

struct promise_base;

// Every co_await inside a task goes through this: the task's session is the thread's current
// one only while the task's own code runs. It stops being current when the task suspends (what
// runs meanwhile on the thread, another library's code on an Asio loop, sees none), and is made
// current again when the awaited thing resumes the task, whoever resumes it.
template <class Awaiter>
struct scope_restoring_awaiter {
  Awaiter inner;
  promise_base* promise;
  bool await_ready() { return inner.await_ready(); }
  template <class Handle>
  auto await_suspend(Handle handle);
  decltype(auto) await_resume();
};

struct promise_base {
  task_context context;
  std::coroutine_handle<> continuation;  // the awaiting coroutine; none for a root task

  struct initial_awaiter {
    promise_base* promise;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    void await_resume() const noexcept { enter_scope(promise->context.scope); }
  };
  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> done) const noexcept {
      auto next = done.promise().continuation;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };

  initial_awaiter initial_suspend() noexcept { return {this}; }
  final_awaiter final_suspend() noexcept { return {}; }
  template <class A>
  auto await_transform(A&& awaitable) {
    using awaiter = decltype(awaiter_of(std::forward<A>(awaitable)));
    return scope_restoring_awaiter<awaiter>{awaiter_of(std::forward<A>(awaitable)), this};
  }
};

template <class Awaiter>
template <class Handle>
auto scope_restoring_awaiter<Awaiter>::await_suspend(Handle handle) {
  enter_scope(nullptr);
  try {
    return inner.await_suspend(handle);
  } catch (...) {
    enter_scope(promise->context.scope);  // the task goes on at once, with the exception
    throw;
  }
}

template <class Awaiter>
decltype(auto) scope_restoring_awaiter<Awaiter>::await_resume() {
  enter_scope(promise->context.scope);
  return inner.await_resume();
}

// The context of the coroutine behind `handle`: a task's, or none for another coroutine type.
template <class Promise>
task_context context_of(std::coroutine_handle<Promise> handle) noexcept {
  if constexpr (std::is_base_of_v<promise_base, Promise>) {
    return handle.promise().context;
  } else {
    (void)handle;
    return {};
  }
}

template <class T>
struct task_promise : promise_base {
  std::variant<std::monostate, T, std::exception_ptr> outcome;
  task<T> get_return_object() noexcept;
  template <class U>
  void return_value(U&& v) {
    outcome.template emplace<1>(std::forward<U>(v));
  }
  void unhandled_exception() noexcept { outcome.template emplace<2>(std::current_exception()); }
  T take() {
    if (outcome.index() == 2) std::rethrow_exception(std::get<2>(outcome));
    return std::move(std::get<1>(outcome));
  }
};

template <>
struct task_promise<void> : promise_base {
  std::exception_ptr failure;
  task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void unhandled_exception() noexcept { failure = std::current_exception(); }
  void take() {
    if (failure) std::rethrow_exception(failure);
  }
};

}  // namespace detail

template <class T>
class [[nodiscard]] task {
  static_assert(!std::is_reference_v<T>, "a task returns a value: task<T&> is not supported");

 public:
  using promise_type = detail::task_promise<T>;
  using value_type = T;

  task() = default;
  explicit task(std::coroutine_handle<promise_type> handle) noexcept : m_handle{handle} {}
  task(task&& other) noexcept : m_handle{std::exchange(other.m_handle, {})} {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      if (m_handle) m_handle.destroy();
      m_handle = std::exchange(other.m_handle, {});
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() {
    if (m_handle) m_handle.destroy();
  }

  // Whether this holds a coroutine (a moved-from or default task holds none).
  [[nodiscard]] bool valid() const noexcept { return static_cast<bool>(m_handle); }

  struct awaiter {
    std::coroutine_handle<promise_type> handle;
    bool await_ready() const noexcept { return !handle || handle.done(); }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> awaiting) noexcept {
      const detail::task_context inherited = detail::context_of(awaiting);
      // A task given a session of its own (an async session's body) keeps it.
      if (handle.promise().context.scope == nullptr) {
        handle.promise().context.scope = inherited.scope;
      }
      handle.promise().context.loop = inherited.loop;
      handle.promise().continuation = awaiting;
      return handle;
    }
    T await_resume() {
      if (!handle) throw_empty();
      return handle.promise().take();
    }
  };
  awaiter operator co_await() && noexcept { return awaiter{m_handle}; }
  awaiter operator co_await() & noexcept { return awaiter{m_handle}; }
  // Awaits the end of the task without taking its value or exception (co_await it after).
  struct completion_awaiter : awaiter {
    void await_resume() const noexcept {}
  };
  completion_awaiter completion() & noexcept { return completion_awaiter{{m_handle}}; }

 private:
  friend class event_loop;
  template <class U>
  friend struct detail::task_promise;
  template <class U>
  friend void detail::give_scope(task<U>& body, detail::async_scope* scope) noexcept;
  [[noreturn]] static void throw_empty();
  std::coroutine_handle<promise_type> m_handle;
};

namespace detail {
[[noreturn]] void throw_empty_task();
template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
  return task<T>{std::coroutine_handle<task_promise<T>>::from_promise(*this)};
}
inline task<void> task_promise<void>::get_return_object() noexcept {
  return task<void>{std::coroutine_handle<task_promise<void>>::from_promise(*this)};
}
}  // namespace detail

namespace detail {
template <class T>
void give_scope(task<T>& body, async_scope* scope) noexcept {
  if (body.m_handle) body.m_handle.promise().context.scope = scope;
}

// The awaiter of a task that it owns: for an awaitable that makes its task when awaited.
template <class T>
struct owning_task_awaiter {
  task<T> owned;
  typename task<T>::awaiter inner{};
  bool await_ready() {
    inner = owned.operator co_await();
    return inner.await_ready();
  }
  template <class Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> awaiting) noexcept {
    return inner.await_suspend(awaiting);
  }
  T await_resume() { return inner.await_resume(); }
};
}  // namespace detail

template <class T>
void task<T>::throw_empty() {
  detail::throw_empty_task();
}

namespace detail {

// when_all's bookkeeping: how many tasks are still running (plus one while they are started),
// and who waits for them all.
struct join_counter {
  std::size_t remaining = 0;
  std::coroutine_handle<> waiter;
};

// A coroutine per task of when_all: awaits it, then counts it done; the last one done resumes
// the waiter.
struct join_helper {
  struct promise_type : promise_base {
    join_counter* counter = nullptr;
    join_helper get_return_object() noexcept {
      return join_helper{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    struct final_awaiter {
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> done) noexcept {
        join_counter& counter = *done.promise().counter;
        return --counter.remaining == 0 ? counter.waiter : std::noop_coroutine();
      }
      void await_resume() const noexcept {}
    };
    final_awaiter final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    // The task's own exception stays in the task, read when its value is taken.
    void unhandled_exception() noexcept {}
  };
  explicit join_helper(std::coroutine_handle<promise_type> h) noexcept : handle{h} {}
  join_helper(join_helper&& other) noexcept : handle{std::exchange(other.handle, {})} {}
  join_helper(const join_helper&) = delete;
  join_helper& operator=(const join_helper&) = delete;
  join_helper& operator=(join_helper&&) = delete;
  ~join_helper() {
    if (handle) handle.destroy();
  }
  std::coroutine_handle<promise_type> handle;
};

template <class T>
join_helper join_one(task<T>& t) {
  co_await t.completion();  // its value or exception stays in it, for when_all to take
}

// Starts every task, interleaved on the loop of the awaiting task, and resumes it once all
// have finished.
template <class T>
struct join_all {
  std::vector<task<T>>& tasks;
  std::vector<join_helper> helpers{};
  join_counter counter{};
  bool await_ready() const noexcept { return tasks.empty(); }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> waiter) {
    const task_context context = context_of(waiter);
    counter.remaining = tasks.size() + 1;
    counter.waiter = waiter;
    helpers.reserve(tasks.size());
    for (auto& t : tasks) {
      helpers.push_back(join_one(t));
      auto& promise = helpers.back().handle.promise();
      promise.context = context;
      promise.counter = &counter;
    }
    for (auto& helper : helpers) helper.handle.resume();
    return --counter.remaining != 0;
  }
  void await_resume() const noexcept {}
};

}  // namespace detail

// Runs the tasks together (interleaved on one thread: each runs while the others wait for
// their databases) and gives their values in order once all are done; the first failed task's
// exception (in order) after all are done. A task in an async session of its own (each one an
// async_session) is isolated from the others; tasks that share their session share its
// connection: their reads run together (on PostgreSQL, pipelined: one round trip), other calls
// take turns.
template <class T>
task<std::vector<T>> when_all(std::vector<task<T>> tasks) {
  co_await detail::join_all<T>{tasks};
  std::vector<T> values;
  values.reserve(tasks.size());
  for (auto& t : tasks) values.push_back(co_await t);
  co_return values;
}

inline task<void> when_all(std::vector<task<void>> tasks) {
  co_await detail::join_all<void>{tasks};
  for (auto& t : tasks) co_await t;
}

}  // namespace nextorm
