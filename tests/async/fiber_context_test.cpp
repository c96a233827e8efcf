// The switch between a fiber's stack and its caller's (src/async/fiber_context.cpp), built
// twice: the switch of its own (x86-64) and ucontext (NEXTORM_PORTABLE_FIBER_SWITCH). Both
// must come back where they left, with the callee-saved registers, the stack's alignment and
// the floating-point control words as they were.
#include <catch2/catch.hpp>

#include "async/fiber_context.hpp"

#include <cfenv>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

using nextorm::detail::fiber_context;
using nextorm::detail::make_fiber_context;
using nextorm::detail::switch_fiber_context;

namespace {

fiber_context g_caller;
fiber_context g_fiber;
std::vector<int> g_steps;
std::uintptr_t g_alignment = 1;
int g_rounding = -1;

// A frame whose locals live across the switches in callee-saved registers (or on the stack).
[[gnu::noinline]] double keep_across(int round) {
  volatile double local = round * 1.5;
  const long long kept = round * 1000003LL;
  switch_fiber_context(g_fiber, g_caller);
  return local + static_cast<double>(kept % 7);
}

void fiber_entry() {
  // (A 16-byte aligned object: the stack must be aligned as the ABI says at entry.)
  alignas(16) volatile unsigned char probe[16] = {};
  g_alignment = reinterpret_cast<std::uintptr_t>(&probe[0]) % 16;
  // The fiber starts with the default rounding, whatever its caller uses.
  g_rounding = std::fegetround();
  for (int round = 0;; ++round) {
    const double got = keep_across(round);
    g_steps.push_back(static_cast<int>(got * 2));
  }
}

}  // namespace

TEST_CASE("a fiber context switches in and out, keeping both sides' state", "[fiber]") {
  auto stack = std::make_unique<std::byte[]>(256 * 1024);
  make_fiber_context(g_fiber, stack.get(), 256 * 1024, fiber_entry);
  double caller_value = 0.25;
  const long long caller_kept = 123456789;
  for (int i = 0; i < 5; ++i) {
    switch_fiber_context(g_caller, g_fiber);
    caller_value *= 2;
  }
  CHECK(g_alignment == 0);
  CHECK(g_rounding == FE_TONEAREST);
  CHECK(caller_value == 8.0);
  CHECK(caller_kept == 123456789);
  // Rounds 0..3 came back: (1.5r + (1000003r mod 7)) * 2.
  std::vector<int> expected;
  for (int r = 0; r < 4; ++r)
    expected.push_back(static_cast<int>((r * 1.5 + (r * 1000003LL) % 7) * 2));
  CHECK(g_steps == expected);
}

TEST_CASE("the caller's floating-point rounding survives a switch into a fiber and back",
          "[fiber]") {
  auto stack = std::make_unique<std::byte[]>(256 * 1024);
  make_fiber_context(g_fiber, stack.get(), 256 * 1024, fiber_entry);
  REQUIRE(std::fesetround(FE_UPWARD) == 0);
  switch_fiber_context(g_caller, g_fiber);
  const int after = std::fegetround();
  std::fesetround(FE_TONEAREST);
  CHECK(after == FE_UPWARD);
  CHECK(g_rounding == FE_TONEAREST);
}
