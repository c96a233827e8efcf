// A connection's statement limits (session_options::statement_timeout and ::stop): each
// statement's deadline, the server-side cancel once it passes or a stop is requested, and what
// the statement then throws. One guard per connection; the server drivers call it around every
// wait, SQLite from its progress handler.
//
// A stop is requested on any thread, while the statement runs on its own: the guard's state is
// atomic, and the cancel is sent only while the statement is in flight (inside run()), and
// run() returns only once a cancel being sent is out, so that it never reaches the next one.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>

namespace nextorm::driver {

struct statement_limits {
  std::chrono::milliseconds timeout{0};  // zero: none
  std::stop_token stop{};
  [[nodiscard]] bool any() const noexcept { return timeout.count() > 0 || stop.stop_possible(); }
};

// The guard's times (the drivers use these defaults; tests shorten them).
struct guard_periods {
  // How long the server has to answer a cancelled statement before the connection is given up.
  std::chrono::milliseconds grace{10'000};
  // A cancel that reaches the server before it has begun the statement is lost (PostgreSQL and
  // MariaDB ignore one for an idle connection): while the answer has not come, it is sent again
  // this often.
  std::chrono::milliseconds resend{250};
  // A statement that a stop may cancel from another thread waits in slices this long, to see
  // that a cancel was sent (and resend it).
  std::chrono::milliseconds check{100};
};

// transaction_error session.cancelled: a statement of the transaction was cancelled, so it
// cannot go on (the session checks before each statement, the drivers after a wait for their
// turn).
[[noreturn]] void throw_transaction_cancelled();

class statement_guard {
 public:
  using clock = std::chrono::steady_clock;

  // `cancel` asks the server to cancel the statement in flight. It may run on another thread (a
  // stop requested there), so it must use nothing of the connection but what it captured; a
  // failure is its own to swallow (the grace period covers a server that never answers). Empty
  // (SQLite): the driver stops the statement itself when should_stop() says so.
  explicit statement_guard(std::function<void()> cancel = {}, guard_periods periods = {});
  ~statement_guard();
  statement_guard(const statement_guard&) = delete;
  statement_guard& operator=(const statement_guard&) = delete;

  // The limits of the statements from now on (none: statement_limits{}).
  void set(const statement_limits& limits);
  [[nodiscard]] bool active() const noexcept { return m_active; }

  // Runs one statement within the limits: `send` sends it and reads its answer, waiting
  // through wait_limit() and expired(). Its deadline runs from now. Throws statement_cancelled
  // (before anything is sent) when the stop was requested already, and, where the server was
  // asked to cancel it, whatever `send` returned or threw.
  template <class Send>
  auto run(std::string_view sql, Send&& send) -> decltype(send()) {
    if (!m_active || m_in_run) return send();  // (a statement within a statement: one deadline)
    start(sql);
    bool ended = false;
    try {
      if constexpr (std::is_void_v<decltype(send())>) {
        send();
        ended = true;
        if (end()) throw_cancelled();
      } else {
        decltype(auto) out = send();
        ended = true;
        if (end()) throw_cancelled();
        return out;
      }
    } catch (...) {
      if (!ended && end()) throw_cancelled();
      throw;
    }
  }
  // run() in two halves, for a statement whose answer outlives the call that sent it (MariaDB's
  // streamed rows): start() as run() begins; end() once the answer is in (its state back to
  // idle, after a cancel that another thread is sending), true when it was cancelled: the
  // driver then calls throw_cancelled() instead of returning or throwing the server's error.
  void start(std::string_view sql);
  [[nodiscard]] bool end() noexcept;
  // end(), then throw_cancelled() where the statement was cancelled.
  void finish() {
    if (end()) throw_cancelled();
  }
  // How long the next wait may last, given what the driver wants (outside run(): that).
  [[nodiscard]] std::optional<std::chrono::milliseconds> wait_limit(
      std::optional<std::chrono::milliseconds> wanted) noexcept;
  // After a wait that timed out: true when the time was the guard's (the driver waits again),
  // false when it was the driver's own. Once the deadline has passed the cancel is sent, and
  // sent again while no answer comes; once the grace after the first has passed too, throws
  // statement_cancelled with the statement unfinished (the connection is then broken).
  bool expired();

  // SQLite, which has no server to cancel on and steps a query's rows after query() returned:
  // arm() starts a statement's deadline (throwing statement_cancelled when the stop was
  // requested already); should_stop(), its progress handler, says whether to interrupt it (the
  // deadline passed or the stop was requested); an interrupted step then throws
  // throw_cancelled(). disarm(): no statement (a rollback is never interrupted).
  void arm(std::string_view sql);
  void disarm() noexcept { m_armed = false; }
  [[nodiscard]] bool should_stop() noexcept;
  [[nodiscard]] bool interrupted() const noexcept { return m_ended != none; }
  // Marks the transaction cancelled and throws what ended the statement.
  [[noreturn]] void throw_cancelled();

  // A statement of the transaction was cancelled: the transaction cannot go on.
  [[nodiscard]] bool cancelled() const noexcept { return m_transaction_cancelled; }
  // Throws session.cancelled when cancelled(): a statement that waited for its turn on the
  // connection while another of its session was cancelled does not go out.
  void check_not_cancelled() const {
    if (m_transaction_cancelled) throw_transaction_cancelled();
  }
  // The transaction was rolled back (or the connection is given up).
  void rolled_back() noexcept { m_transaction_cancelled = false; }

 private:
  enum state : std::uint8_t { idle, running, cancelling, cancel_sent };
  enum reason : std::uint8_t { none, deadline, stopped };
  struct on_stop {
    statement_guard* guard;
    void operator()() const noexcept { guard->cancel_from_stop(); }
  };
  // Sends the cancel if the statement is still running (and nobody sent it yet).
  void cancel(reason why) noexcept;
  void cancel_from_stop() noexcept { cancel(stopped); }
  void send_cancel() noexcept;

  std::function<void()> m_cancel;
  guard_periods m_periods;
  bool m_active = false;
  std::chrono::milliseconds m_timeout{0};
  std::stop_token m_stop;
  std::optional<std::stop_callback<on_stop>> m_stop_callback;
  clock::time_point m_deadline{};  // of the statement in flight (or of its grace)
  bool m_grace = false;            // m_deadline is the grace's
  bool m_limited_wait = false;     // wait_limit() shortened the last wait
  clock::time_point m_sent{};      // when this thread last sent the cancel
  bool m_in_run = false;           // inside run()
  bool m_armed = false;            // SQLite: arm() was called since the last disarm()
  std::string m_sql;               // of the statement in flight, for its error
  std::atomic<std::uint8_t> m_state{idle};
  std::atomic<std::uint8_t> m_reason{none};
  reason m_ended = none;  // what stopped the statement that ended last
  bool m_transaction_cancelled = false;
};

}  // namespace nextorm::driver
