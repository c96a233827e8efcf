#include "async/fiber_context.hpp"

#include <cstdint>
#include <cstring>

#ifdef NEXTORM_OWN_FIBER_SWITCH

// nextorm_switch_stacks(save, restore): pushes the callee-saved registers of the System V
// x86-64 ABI (rbx, rbp, r12-r15, and the control words of SSE and x87) on the running stack,
// stores the stack pointer in *save, takes `restore` as the stack pointer, pops the registers
// saved there and returns to the code that saved them. The caller-saved registers are the
// compiler's to save around the call, as around any call.
asm(R"(
  .text
  .p2align 4
  .globl nextorm_switch_stacks
  .hidden nextorm_switch_stacks
  .type nextorm_switch_stacks, @function
nextorm_switch_stacks:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size nextorm_switch_stacks, .-nextorm_switch_stacks
)");

extern "C" void nextorm_switch_stacks(void** save, void* restore) noexcept;

namespace nextorm::detail {

void make_fiber_context(fiber_context& context, void* bottom, std::size_t size, void (*entry)()) {
  // The stack as nextorm_switch_stacks leaves one, to be "returned" into `entry`: from the top
  // (16-byte aligned), a null return address of `entry`'s (which never returns: unwinders stop
  // there), `entry` itself, six registers (zero), then the control words (their defaults).
  // Entered by that return, `entry` finds the stack as after a call: 8 below a multiple of 16.
  const auto top = (reinterpret_cast<std::uintptr_t>(bottom) + size) & ~std::uintptr_t{15};
  auto* slots = reinterpret_cast<std::uint64_t*>(top);
  slots[-1] = 0;
  slots[-2] = reinterpret_cast<std::uint64_t>(entry);
  for (int reg = 3; reg <= 8; ++reg) slots[-reg] = 0;
  const std::uint32_t mxcsr = 0x1F80;  // all exceptions masked, round to nearest
  const std::uint16_t x87 = 0x037F;    // the same, extended precision
  std::memcpy(&slots[-9], &mxcsr, sizeof mxcsr);
  std::memcpy(reinterpret_cast<char*>(&slots[-9]) + 4, &x87, sizeof x87);
  context.stack_pointer = &slots[-9];
}

void switch_fiber_context(fiber_context& from, fiber_context& to) noexcept {
  nextorm_switch_stacks(&from.stack_pointer, to.stack_pointer);
}

}  // namespace nextorm::detail

#else

namespace nextorm::detail {

void make_fiber_context(fiber_context& context, void* bottom, std::size_t size, void (*entry)()) {
  ::getcontext(&context.context);
  context.context.uc_stack.ss_sp = bottom;
  context.context.uc_stack.ss_size = size;
  context.context.uc_link = nullptr;
  ::makecontext(&context.context, entry, 0);
}

void switch_fiber_context(fiber_context& from, fiber_context& to) noexcept {
  ::swapcontext(&from.context, &to.context);
}

}  // namespace nextorm::detail

#endif
