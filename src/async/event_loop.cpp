#include <nextorm/event_loop.hpp>

#include "async/loop_reactor.hpp"
#include "session/session_impl.hpp"

namespace nextorm {

event_loop::event_loop() : m_reactor{std::make_unique<detail::loop_reactor>()} {}

event_loop::~event_loop() = default;

void event_loop::drive(std::coroutine_handle<> root, detail::promise_base& promise) {
  // The thread's db_session, if any, is not the tasks'; it is current again afterwards.
  detail::session_impl* const outer = detail::session_impl::exchange_current(nullptr);
  promise.context.loop = m_reactor.get();
  try {
    root.resume();
    while (!root.done()) m_reactor->run_once();
  } catch (...) {
    (void)detail::session_impl::exchange_current(outer);
    throw;
  }
  (void)detail::session_impl::exchange_current(outer);
}

}  // namespace nextorm
