// The Asio adapter of the async API (docs/async.md, "Asio"): NextORM's tasks awaited inside
// asio::awaitable coroutines, their database waits on the awaiting coroutine's io_context.
//   asio::awaitable<void> handle(nextorm::database& db) {
//     auto n = co_await nextorm::asio_await(count_products(db));   // a nextorm::task<T>
//   }
// Needs standalone Asio (Debian: libasio-dev); NextORM itself does not: include this header
// only in programs that use Asio.
#pragma once

#include <nextorm/detail/reactor.hpp>
#include <nextorm/errors.hpp>
#include <nextorm/task.hpp>

#include <asio.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace nextorm {

namespace detail {

// The reactor of one Asio executor: posts are asio::post, a watch is an async_wait of the socket
// (a descriptor assigned for the wait and released after: the connection keeps its socket) raced
// against a steady_timer.
template <class Executor>
class asio_reactor final : public reactor {
 public:
  explicit asio_reactor(Executor executor) : m_executor{std::move(executor)} {}
  [[nodiscard]] const Executor& executor() const noexcept { return m_executor; }

  void post(std::function<void()> work) override { asio::post(m_executor, std::move(work)); }

  void watch(int socket, io_bits interest, std::optional<std::chrono::milliseconds> timeout,
             std::function<void(io_bits)> ready) override {
    auto w = std::make_shared<waiter>(m_executor, interest, std::move(ready));
    asio::error_code refused;
    w->descriptor.assign(socket, refused);
    if (refused) {
      throw connection_error(
          "async.loop_failed",
          "the Asio loop cannot watch the connection's socket: " + refused.message());
    }
    // Read and write together (a TLS handshake): whichever comes first.
    if ((interest & io_read) != 0) {
      w->descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                               [w](const asio::error_code& e) { w->finish(e, io_read); });
    }
    if ((interest & io_write) != 0) {
      w->descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                               [w](const asio::error_code& e) { w->finish(e, io_write); });
    }
    if (timeout) {
      w->timer.expires_after(*timeout);
      w->timer.async_wait([w](const asio::error_code&) { w->finish({}, io_timeout); });
    }
  }

 private:
  // One watch: the socket's descriptor (assigned for the wait, released after it: the
  // connection keeps its socket) raced against the time limit.
  struct waiter {
    waiter(const Executor& executor, io_bits interest_, std::function<void(io_bits)> ready_)
        : descriptor{executor}, timer{executor}, interest{interest_}, ready{std::move(ready_)} {}
    // The first completion answers; the others (cancelled by it, or done in the same turn)
    // find nothing left to answer.
    void finish(const asio::error_code& e, io_bits what) {
      if (!ready) return;
      auto call = std::move(ready);
      ready = nullptr;
      asio::error_code ignored;
      timer.cancel();
      descriptor.cancel(ignored);
      (void)descriptor.release();
      // An error on the socket: ready for what was asked, whose next call reports it.
      call(e ? interest : what);  // coverage-exempt: a socket failing while it is waited for
    }
    asio::posix::stream_descriptor descriptor;
    asio::steady_timer timer;
    io_bits interest;
    std::function<void(io_bits)> ready;
  };
  Executor m_executor;
};

}  // namespace detail

namespace detail {

// The root of a task awaited from Asio: it awaits the task on the reactor, then hands the
// outcome to Asio's completion handler (on the handler's executor) and ends, freeing itself.
struct asio_root {
  struct promise_type : promise_base {
    asio_root get_return_object() noexcept {
      return asio_root{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }  // (its body catches everything)
  };
  std::coroutine_handle<promise_type> handle;
};

template <class T>
using asio_value = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

template <class T, class Executor, class Handler>
asio_root run_for_asio(task<T> t, std::shared_ptr<asio_reactor<Executor>> reactor,
                       Handler handler) {
  std::exception_ptr failure;
  asio_value<T> value{};
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(t);
    } else {
      value = co_await std::move(t);
    }
  } catch (...) {
    failure = std::current_exception();
  }
  auto executor = asio::get_associated_executor(handler, reactor->executor());
  asio::post(executor, [handler = std::move(handler), failure, value = std::move(value)]() mutable {
    std::move(handler)(failure, std::move(value));
  });
}

}  // namespace detail

// Awaits a NextORM task inside an asio::awaitable: the task, and every database wait it makes,
// runs on the awaiting coroutine's executor (a one-thread io_context, or a strand: the task's
// steps must not run on two threads at once); its value, or its exception, comes back to the
// awaiting coroutine. The value of a task<void> is std::monostate.
template <class T>
asio::awaitable<detail::asio_value<T>> asio_await(task<T> t) {
  auto executor = co_await asio::this_coro::executor;
  using executor_type = decltype(executor);
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                          void(std::exception_ptr, detail::asio_value<T>)>(
      [&t, executor](auto handler) {
        auto reactor = std::make_shared<detail::asio_reactor<executor_type>>(executor);
        detail::asio_root root = detail::run_for_asio(std::move(t), reactor, std::move(handler));
        root.handle.promise().context.loop = reactor.get();
        root.handle.resume();
      },
      asio::use_awaitable);
}

}  // namespace nextorm
