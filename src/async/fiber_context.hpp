// The switch between a fiber's stack and its loop's. glibc's swapcontext saves and restores the
// signal mask with a system call each way (rt_sigprocmask): two per awaited statement, more
// system calls than the statement's own send and receive. On x86-64 the switch is the
// callee-saved registers and the stack pointer, a dozen instructions of its own
// (fiber_context.cpp); elsewhere, and where the compiler keeps a shadow stack (-fcf-protection),
// it is ucontext (NEXTORM_PORTABLE_FIBER_SWITCH asks for it anywhere: tests/async checks both).
#pragma once

#include <cstddef>

#if defined(__x86_64__) && !defined(__CET__) && !defined(NEXTORM_PORTABLE_FIBER_SWITCH)
#define NEXTORM_OWN_FIBER_SWITCH 1
#else
#include <ucontext.h>
#endif

namespace nextorm::detail {

struct fiber_context {
#ifdef NEXTORM_OWN_FIBER_SWITCH
  void* stack_pointer = nullptr;  // where the registers were saved
#else
  ucontext_t context{};
#endif
};

// Makes `context` start `entry`, which never returns, on the stack of `size` bytes at `bottom`
// (its lowest address) when it is first switched to.
void make_fiber_context(fiber_context& context, void* bottom, std::size_t size, void (*entry)());

// Saves the running code's registers in `from` and goes on where `to` was saved (or at its
// entry); returns once something switches back to `from`.
void switch_fiber_context(fiber_context& from, fiber_context& to) noexcept;

}  // namespace nextorm::detail
