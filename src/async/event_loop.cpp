#include <nextorm/event_loop.hpp>

#include "async/loop_reactor.hpp"
#include "session/session_impl.hpp"

namespace nextorm {

event_loop::event_loop() : m_reactor{std::make_unique<detail::loop_reactor>()} {}

event_loop::~event_loop() = default;

void event_loop::drive(std::coroutine_handle<> root, detail::promise_base& promise) {
  // The thread's db_session, if any, is not the tasks'; it is current again afterwards.
  struct restore_current {
    detail::session_impl* outer = detail::session_impl::exchange_current(nullptr);
    restore_current() = default;
    restore_current(const restore_current&) = delete;
    restore_current& operator=(const restore_current&) = delete;
    ~restore_current() { (void)detail::session_impl::exchange_current(outer); }
  } const restore;
  promise.context.loop = m_reactor.get();
  root.resume();
  while (!root.done()) m_reactor->run_once();
}

}  // namespace nextorm
