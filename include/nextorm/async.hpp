// The async API (docs/async.md): async sessions, awaited queries and loads, on an event loop.
//
//   nextorm::task<double> total(nextorm::database& db) {
//     co_return co_await nextorm::async_session(db, [&]() -> nextorm::task<double> {
//       double sum = 0;
//       for (Product& p : co_await Product::aselect("p.price < 20")) sum += p.price;
//       co_return sum;
//     });
//   }
//   double t = nextorm::run(total(db));
//
// Every awaited call runs the same code as its synchronous twin (one query compiler, session and
// materializer): on PostgreSQL and MariaDB on a fiber of the loop's thread that suspends where
// the driver would wait for the server, on SQLite on a worker thread of the database. The
// awaiting task resumes on its loop's thread.
#pragma once

#include <nextorm/query.hpp>
#include <nextorm/session.hpp>
#include <nextorm/task.hpp>

#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace nextorm {

class database;

namespace detail {

// One awaited call: what it runs, and who awaits it.
class async_job {
 public:
  // Runs the synchronous work, keeping its value or exception (never throws).
  virtual void run() noexcept = 0;
  // The call could not be started: `failure` is what awaiting it throws.
  virtual void fail(std::exception_ptr failure) noexcept = 0;
  std::coroutine_handle<> waiter;
  task_context context;
  // The call only reads (a query, a load): reads of one session may run together, their
  // statements pipelined on PostgreSQL. Set by the awaitable.
  bool reads = false;
  // It runs beside other reads of its session rather than alone (start_async's choice).
  bool shared_turn = false;

 protected:
  async_job() = default;
  ~async_job() = default;
  async_job(const async_job&) = delete;
  async_job& operator=(const async_job&) = delete;
};

// Starts `job` in its context's session: on a fiber of its loop (PostgreSQL, MariaDB, or no
// session), or on the SQLite worker of the session's database; a job of a session that is
// running another one waits for its turn. Resumes job.waiter on the loop's thread once done;
// returns false where the job finished at once (then the waiter goes on without suspending).
// usage_error async.no_loop when the awaiting coroutine runs on no loop.
[[nodiscard]] bool start_async(async_job& job);

// The awaitable of async_call: runs `work` as a job, gives back what it returns.
template <class F>
class async_call_awaiter final : public async_job {
  using result_type = std::invoke_result_t<F&>;
  using stored = std::conditional_t<std::is_void_v<result_type>, std::monostate, result_type>;

 public:
  explicit async_call_awaiter(F work, async_scope* scope = nullptr, bool reads_only = false)
      : m_work{std::move(work)}, m_scope{scope} {
    reads = reads_only;
  }
  bool await_ready() const noexcept { return false; }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> awaiting) {
    waiter = awaiting;
    context = context_of(awaiting);
    if (m_scope != nullptr) context.scope = m_scope;
    return start_async(*this);
  }
  result_type await_resume() {
    if (m_outcome.index() == 2) std::rethrow_exception(std::get<2>(m_outcome));
    if constexpr (!std::is_void_v<result_type>) return std::move(std::get<1>(m_outcome));
  }
  void run() noexcept override {
    try {
      if constexpr (std::is_void_v<result_type>) {
        m_work();
        m_outcome.template emplace<1>();
      } else {
        m_outcome.template emplace<1>(m_work());
      }
    } catch (...) {
      m_outcome.template emplace<2>(std::current_exception());
    }
  }
  void fail(std::exception_ptr failure) noexcept override {
    m_outcome.template emplace<2>(std::move(failure));
  }

 private:
  F m_work;
  async_scope* m_scope;
  std::variant<std::monostate, stored, std::exception_ptr> m_outcome;
};

// An async session's state, made and ended by async_session (src/async/async_scope.cpp).
[[nodiscard]] async_scope* open_scope(database& db, const session_options& options);
// Ends the session: commits it (flushing first) when `commit`, else rolls it back; its
// connection goes back to the pool either way. Runs as a job of the session.
void end_scope(async_scope* scope, bool commit);
void destroy_scope(async_scope* scope) noexcept;
// Destroys the scope at the end of async_session, however it ends.
struct scope_owner {
  explicit scope_owner(async_scope* s) noexcept : scope{s} {}
  async_scope* scope;
  scope_owner(const scope_owner&) = delete;
  scope_owner& operator=(const scope_owner&) = delete;
  ~scope_owner() { destroy_scope(scope); }
};

// The task type a callable returns (async_session's body).
template <class F>
using body_task = std::invoke_result_t<F&>;

}  // namespace detail

// Runs synchronous NextORM code of the current async session as an awaited call: on the
// session's connection without blocking the loop (a lazy load, a flush, several statements):
//   auto name = co_await nextorm::async_call([&] { return order->customer->name; });
// `work` runs while the awaiting task is suspended, so it may refer to the task's locals.
template <class F>
[[nodiscard]] auto async_call(F work) {
  return detail::async_call_awaiter<F>{std::move(work)};
}

namespace detail {
// The task of an awaited call of `work` (kept in the task's frame).
template <class F>
task<std::invoke_result_t<F&>> call_as_task(F work) {
  co_return co_await async_call(std::move(work));
}
// The same for work that only reads: a query or a load, which other reads of its session may
// run beside (on PostgreSQL, sent together in one round trip).
template <class F>
task<std::invoke_result_t<F&>> read_as_task(F work) {
  co_return co_await async_call_awaiter<F>{std::move(work), nullptr, true};
}
}  // namespace detail

// flush(), commit() and rollback() of the current async session, awaited: the session's
// statements run without blocking the loop. After rollback() the session goes on with no
// objects, in a new transaction (and, until its next statement, without a connection).
[[nodiscard]] inline task<void> aflush() {
  return detail::call_as_task([] { flush(); });
}
[[nodiscard]] inline task<void> acommit() {
  return detail::call_as_task([] { commit(); });
}
[[nodiscard]] inline task<void> arollback() {
  return detail::call_as_task([] { rollback(); });
}

// An awaited query: the query methods of query<R>, those that run it awaited (co_await the
// query itself to fetch it).
template <class R = row>
class async_query {
 public:
  using element = typename query<R>::element;
  using maybe = typename query<R>::maybe;

  explicit async_query(query<R> q) : m_query{std::move(q)} {}

  [[nodiscard]] async_query filter(std::string_view text, params args = {}) const {
    return async_query{m_query.filter(text, std::move(args))};
  }
  [[nodiscard]] async_query where(std::string_view text, params args = {}) const {
    return async_query{m_query.where(text, std::move(args))};
  }
  [[nodiscard]] async_query order_by(std::string_view text) const {
    return async_query{m_query.order_by(text)};
  }
  [[nodiscard]] async_query sort_by(std::string_view text) const { return order_by(text); }
  // Typed conditions and orders (expr.hpp), as query<R>'s.
  template <class C>
  requires detail::condition_for<C, R>
  [[nodiscard]] async_query filter(const C& condition) const {
    return async_query{m_query.filter(condition)};
  }
  template <class C>
  requires detail::condition_for<C, R>
  [[nodiscard]] async_query where(const C& condition) const {
    return async_query{m_query.where(condition)};
  }
  template <class... O>
  requires(sizeof...(O) > 0 && (detail::order_for<O, R> && ...)) [[nodiscard]] async_query
      order_by(const O&... orders) const {
    return async_query{m_query.order_by(orders...)};
  }
  [[nodiscard]] async_query distinct() const { return async_query{m_query.distinct()}; }
  [[nodiscard]] async_query without_distinct() const {
    return async_query{m_query.without_distinct()};
  }
  [[nodiscard]] async_query for_update(bool nowait = false, bool skip_locked = false) const {
    return async_query{m_query.for_update(nowait, skip_locked)};
  }
  template <class... Paths>
  requires(sizeof...(Paths) > 0 && (detail::prefetch_path_arg<Paths> && ...))
      [[nodiscard]] async_query prefetch(const Paths&... paths) const {
    return async_query{m_query.prefetch(paths...)};
  }

  [[nodiscard]] task<result<R>> fetch() const {
    return run([](const query<R>& q) { return q.fetch(); });
  }
  [[nodiscard]] task<result<R>> limit(std::int64_t n, std::int64_t offset = 0) const {
    return run([n, offset](const query<R>& q) { return q.limit(n, offset); });
  }
  [[nodiscard]] task<result<R>> page(std::int64_t number, std::int64_t size = 10) const {
    return run([number, size](const query<R>& q) { return q.page(number, size); });
  }
  [[nodiscard]] task<result<R>> slice(std::int64_t start,
                                      std::optional<std::int64_t> stop = {}) const {
    return run([start, stop](const query<R>& q) { return q.slice(start, stop); });
  }
  [[nodiscard]] task<result<R>> random(std::int64_t n) const {
    return run([n](const query<R>& q) { return q.random(n); });
  }
  [[nodiscard]] task<std::int64_t> count(bool distinct_values = false) const {
    return run([distinct_values](const query<R>& q) { return q.count(distinct_values); });
  }
  [[nodiscard]] task<bool> exists() const {
    return run([](const query<R>& q) { return q.exists(); });
  }
  [[nodiscard]] task<maybe> first() const {
    return run([](const query<R>& q) { return q.first(); });
  }
  [[nodiscard]] task<maybe> get() const {
    return run([](const query<R>& q) { return q.get(); });
  }
  [[nodiscard]] task<value> sum(bool distinct_values = false) const {
    return run([distinct_values](const query<R>& q) { return q.sum(distinct_values); });
  }
  [[nodiscard]] task<value> avg(bool distinct_values = false) const {
    return run([distinct_values](const query<R>& q) { return q.avg(distinct_values); });
  }
  [[nodiscard]] task<value> min() const {
    return run([](const query<R>& q) { return q.min(); });
  }
  [[nodiscard]] task<value> max() const {
    return run([](const query<R>& q) { return q.max(); });
  }
  [[nodiscard]] task<value> group_concat(std::string sep = ",",
                                         bool distinct_values = false) const {
    return run([sep = std::move(sep), distinct_values](const query<R>& q) {
      return q.group_concat(sep, distinct_values);
    });
  }
  task<std::int64_t> remove() const {
    return detail::call_as_task([q = m_query] { return q.remove(); });
  }
  // The query's SQL (no statement runs).
  [[nodiscard]] std::string get_sql() const { return m_query.get_sql(); }
  // The synchronous query, for use inside async_call.
  [[nodiscard]] const query<R>& sync() const noexcept { return m_query; }

  // co_await q: fetch().
  auto operator co_await() const { return detail::owning_task_awaiter<result<R>>{fetch()}; }

 private:
  // A task of its own, holding a copy of the query: valid after this async_query is gone.
  template <class F>
  auto run(F f) const {
    return detail::read_as_task([q = m_query, f = std::move(f)] { return f(q); });
  }

  query<R> m_query;
};

// `co_await aselect<Product>("p for p in Product if p.price < limit", {{"limit", 20}})`.
template <class R = row>
[[nodiscard]] async_query<R> aselect(std::string_view text, params args = {}) {
  return async_query<R>{select<R>(text, std::move(args))};
}
// Typed result items (expr.hpp): `co_await aselect(col(&Product::name)).fetch()`. Conditions
// and orders over E go on the query before it is awaited:
// `async_query{select(col(&Product::name)).where(col(&Product::price) < 20)}`.
template <class E, class... Ts>
requires(sizeof...(Ts) > 0 && (!detail::collection_value<Ts> && ...))
    [[nodiscard]] auto aselect(const expr<Ts, E>&... items) {
  return async_query{query{select(items...)}};
}

// The async db_session: runs the task that `body` returns in a session of its own (its own
// identity map and transaction, isolated from every other task's), then flushes and commits
// it; an exception out of the body rolls it back and propagates. Returns what the body returns.
//   co_await nextorm::async_session(db, [&]() -> nextorm::task<> { ... });
// `body` is kept (moved) in the session's coroutine, so a lambda's captures live as long as it.
template <class F>
task<typename detail::body_task<F>::value_type> async_session(database& db, session_options options,
                                                              F body) {
  using value_type = typename detail::body_task<F>::value_type;
  const detail::scope_owner owner{detail::open_scope(db, options)};
  detail::async_scope* scope = owner.scope;
  std::exception_ptr failure;
  std::optional<std::conditional_t<std::is_void_v<value_type>, int, value_type>> out;
  try {
    auto work = body();
    detail::give_scope(work, scope);
    if constexpr (std::is_void_v<value_type>) {
      co_await std::move(work);
      out.emplace(0);
    } else {
      out.emplace(co_await std::move(work));
    }
  } catch (...) {
    failure = std::current_exception();
  }
  // The end is awaited whether the body failed or not; the scope goes with it.
  const bool commit = failure == nullptr;
  co_await detail::async_call_awaiter{[scope, commit] { detail::end_scope(scope, commit); }, scope};
  if (failure) std::rethrow_exception(failure);
  if constexpr (!std::is_void_v<value_type>) co_return std::move(*out);
}
template <class F>
task<typename detail::body_task<F>::value_type> async_session(database& db, F body) {
  return async_session(db, session_options{}, std::move(body));
}

}  // namespace nextorm
