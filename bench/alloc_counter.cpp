// The replaced global allocation functions. Counting is off outside a window, so the timed
// workloads pay one predictable branch per allocation and nothing else. Blocks are measured with
// malloc_usable_size, so a block freed inside a window is subtracted by what it really occupied,
// whichever window (or none) allocated it.
#include "alloc_counter.hpp"

#include <malloc.h>

#include <cstdlib>
#include <new>

namespace nextorm_bench {
namespace {

bool g_counting = false;
std::int64_t g_current = 0;
std::int64_t g_peak = 0;

void* allocate(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc{};
  if (g_counting) {
    g_current += static_cast<std::int64_t>(malloc_usable_size(p));
    if (g_current > g_peak) g_peak = g_current;
  }
  return p;
}

void* allocate_aligned(std::size_t size, std::align_val_t align) {
  const auto alignment = static_cast<std::size_t>(align);
  // aligned_alloc wants a size that is a multiple of the alignment.
  const std::size_t rounded = (size + alignment - 1) / alignment * alignment;
  void* p = std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded);
  if (p == nullptr) throw std::bad_alloc{};
  if (g_counting) {
    g_current += static_cast<std::int64_t>(malloc_usable_size(p));
    if (g_current > g_peak) g_peak = g_current;
  }
  return p;
}

void release(void* p) noexcept {
  if (p == nullptr) return;
  if (g_counting) g_current -= static_cast<std::int64_t>(malloc_usable_size(p));
  std::free(p);
}

}  // namespace

void heap_window_open() noexcept {
  g_current = 0;
  g_peak = 0;
  g_counting = true;
}

heap_usage heap_window_read() noexcept { return heap_usage{g_current, g_peak}; }

void heap_window_close() noexcept { g_counting = false; }

}  // namespace nextorm_bench

// The replaceable global allocation functions ([new.delete]); the array, sized and nothrow
// forms all route to the same three helpers.
void* operator new(std::size_t size) { return nextorm_bench::allocate(size); }
void* operator new[](std::size_t size) { return nextorm_bench::allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return nextorm_bench::allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return nextorm_bench::allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t size, std::align_val_t align) {
  return nextorm_bench::allocate_aligned(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return nextorm_bench::allocate_aligned(size, align);
}
void operator delete(void* p) noexcept { nextorm_bench::release(p); }
void operator delete[](void* p) noexcept { nextorm_bench::release(p); }
void operator delete(void* p, std::size_t) noexcept { nextorm_bench::release(p); }
void operator delete[](void* p, std::size_t) noexcept { nextorm_bench::release(p); }
void operator delete(void* p, std::align_val_t) noexcept { nextorm_bench::release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { nextorm_bench::release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  nextorm_bench::release(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  nextorm_bench::release(p);
}
