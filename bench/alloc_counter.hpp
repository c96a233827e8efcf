// Heap accounting for the memory comparison: the bench binary replaces the global operator
// new/delete, and while a window is open it adds up the usable size of every block allocated and
// subtracts every block freed, tracking the peak. Single-threaded by design (the bench is).
#pragma once

#include <cstdint>

namespace nextorm_bench {

struct heap_usage {
  std::int64_t current = 0;  // bytes allocated minus bytes freed since the window opened
  std::int64_t peak = 0;     // the highest `current` seen since the window opened
};

// Opens a window: counts start at zero. Windows do not nest.
void heap_window_open() noexcept;
// What the open window has seen so far.
[[nodiscard]] heap_usage heap_window_read() noexcept;
// Closes the window; allocations are no longer counted.
void heap_window_close() noexcept;

}  // namespace nextorm_bench
