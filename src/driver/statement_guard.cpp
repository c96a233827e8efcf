#include "driver/statement_guard.hpp"

#include <nextorm/errors.hpp>

#include <algorithm>
#include <string>
#include <utility>

namespace nextorm::driver {

statement_guard::statement_guard(std::function<void()> cancel, guard_periods periods)
    : m_cancel{std::move(cancel)}, m_periods{periods} {}

// (The stop callback goes first: it may be running on another thread, and its destruction
// waits for it.)
statement_guard::~statement_guard() { m_stop_callback.reset(); }

void statement_guard::set(const statement_limits& limits) {
  m_stop_callback.reset();
  m_timeout = limits.timeout;
  m_stop = limits.stop;
  m_active = limits.any();
  m_armed = false;
  // The callback runs at once here when the stop was requested already: no statement runs, so
  // it finds nothing to cancel, and the next statement refuses to begin.
  if (m_stop.stop_possible()) m_stop_callback.emplace(m_stop, on_stop{this});
}

void statement_guard::start(std::string_view sql) {
  m_sql.assign(sql);
  m_ended = none;
  m_grace = false;
  if (m_timeout.count() > 0) m_deadline = clock::now() + m_timeout;
  // (A cancel sent for the last statement is out: its run() waited for it.)
  m_reason.store(none, std::memory_order_relaxed);
  m_state.store(running, std::memory_order_release);
  // A stop requested before the state said running found nothing to cancel: this statement
  // must not begin (a callback running now may send a cancel meanwhile, which the server
  // ignores on an idle connection). One requested after sees running, and cancels it.
  if (m_stop.stop_requested()) {
    (void)end();
    m_ended = stopped;
    throw_cancelled();
  }
  m_in_run = true;
}

std::optional<std::chrono::milliseconds> statement_guard::wait_limit(
    std::optional<std::chrono::milliseconds> wanted) noexcept {
  m_limited_wait = false;
  if (!m_in_run) return wanted;
  // (In run() the guard has a deadline, or a stop that another thread may request: that one is
  // looked for in slices, as a cancel once out is sent again.)
  clock::duration limit = m_periods.check;
  if (m_timeout.count() > 0 || m_grace) {
    limit = m_deadline - clock::now();
    if ((m_grace || m_stop.stop_possible()) && limit > m_periods.check) limit = m_periods.check;
  }
  const auto left =
      std::max(std::chrono::ceil<std::chrono::milliseconds>(limit), std::chrono::milliseconds{0});
  if (wanted && *wanted <= left) return wanted;
  m_limited_wait = true;
  return left;
}

bool statement_guard::expired() {
  if (!m_limited_wait) return false;
  const auto now = clock::now();
  if (!m_grace) {
    const bool due = m_timeout.count() > 0 && now >= m_deadline;
    if (due) cancel(deadline);
    // A cancel is out (sent now, or by a stop on another thread): the grace begins.
    if (m_state.load(std::memory_order_acquire) == running) return true;
    m_grace = true;
    m_deadline = now + m_periods.grace;
    m_sent = now;
    return true;
  }
  if (now >= m_deadline) {
    // The server never answered the cancel: the statement is left unfinished.
    (void)end();
    throw_cancelled();
  }
  // (Alongside a stop's cancel another thread may still be sending: both are harmless.)
  if (now - m_sent >= m_periods.resend) {
    m_sent = now;
    send_cancel();
  }
  return true;
}

void statement_guard::arm(std::string_view sql) {
  m_armed = true;
  m_ended = none;
  m_sql.assign(sql);
  if (m_timeout.count() > 0) m_deadline = clock::now() + m_timeout;
  if (m_stop.stop_requested()) {
    m_ended = stopped;
    throw_cancelled();
  }
}

bool statement_guard::should_stop() noexcept {
  if (!m_armed) return false;
  if (m_stop.stop_requested()) {
    m_ended = stopped;
  } else if (m_timeout.count() > 0 && clock::now() >= m_deadline) {
    m_ended = deadline;
  }
  return m_ended != none;
}

void statement_guard::cancel(reason why) noexcept {
  std::uint8_t expected = running;
  if (!m_state.compare_exchange_strong(expected, cancelling, std::memory_order_acq_rel)) return;
  m_reason.store(why, std::memory_order_relaxed);
  send_cancel();
  m_state.store(cancel_sent, std::memory_order_release);
  m_state.notify_all();
}

void statement_guard::send_cancel() noexcept {
  if (!m_cancel) return;
  try {
    m_cancel();
  } catch (...) {  // (a cancel function swallows its own failures)
  }
}

bool statement_guard::end() noexcept {
  m_in_run = false;
  std::uint8_t now = m_state.load(std::memory_order_acquire);
  // A cancel that another thread is sending must be out before the next statement can be.
  while (now == cancelling) {
    m_state.wait(now, std::memory_order_acquire);
    now = m_state.load(std::memory_order_acquire);
  }
  m_state.store(idle, std::memory_order_relaxed);
  if (now != cancel_sent) return false;
  m_ended = static_cast<reason>(m_reason.load(std::memory_order_relaxed));
  return true;
}

void throw_transaction_cancelled() {
  throw transaction_error(
      "session.cancelled",
      "a statement of this session was cancelled (statement_timeout, or its stop), so its "
      "transaction cannot go on: roll the session back (db_session::rollback(), or let the "
      "exception end the session)");
}

void statement_guard::throw_cancelled() {
  m_transaction_cancelled = true;
  const std::string statement = "'" + m_sql + "'";
  if (m_ended == deadline) {
    throw statement_cancelled("statement.timeout",
                              "cancelled " + statement + ": it ran past the session's " +
                                  "statement_timeout of " + std::to_string(m_timeout.count()) +
                                  " ms; roll the session back");
  }
  throw statement_cancelled(
      "statement.cancelled",
      "cancelled " + statement + ": the session's stop was requested; roll the session back");
}

}  // namespace nextorm::driver
