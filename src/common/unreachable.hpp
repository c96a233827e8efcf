// The end of a code path that cannot be reached: after a switch that handles every enumerator
// (g++ -Wswitch checks that it does, as long as the switch has no default), or where an earlier
// stage has already ruled a case out.
#pragma once

namespace nextorm::detail {

// Reports `where` on stderr and aborts. Not an exception: reaching it means memory corruption
// or a broken invariant inside NextORM, which no caller can handle, and a catch-all in user code
// must not turn it into an ordinary error. Not __builtin_unreachable either: an enum value out
// of range (a cast, a corrupted byte) would be undefined behaviour instead of a clear stop.
[[noreturn]] void unreachable(const char* where) noexcept;

}  // namespace nextorm::detail
