// The parse arena: aligned blocks, allocations larger than a block, reuse after a scope ends.
#include "parse/arena.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <vector>

using nextorm::parse::detail::arena_allocate;
using nextorm::parse::detail::arena_scope;

namespace {

bool aligned(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p) % alignof(std::max_align_t) == 0;
}

}  // namespace

TEST_CASE("arena allocations are aligned, distinct and writable", "[arena]") {
  const arena_scope scope;
  std::vector<char*> blocks;
  for (std::size_t size : {1, 7, 16, 100, 3000, 70000, 5, 200000, 64}) {
    auto* p = static_cast<char*>(arena_allocate(size));
    CHECK(aligned(p));
    std::memset(p, static_cast<int>(size & 0xFF), size);
    blocks.push_back(p);
  }
  // Nothing overlapped: every allocation still holds what was written into it.
  CHECK(blocks[1][6] == 7);
  CHECK(blocks[5][69999] == static_cast<char>(70000 & 0xFF));
  CHECK(blocks[7][0] == static_cast<char>(200000 & 0xFF));
}

TEST_CASE("a new scope reuses the blocks, skipping those too small for a large request",
          "[arena]") {
  {
    const arena_scope scope;
    (void)arena_allocate(100);
    (void)arena_allocate(100000);  // a block of its own, after the first
  }
  {
    const arena_scope scope;
    auto* p = static_cast<char*>(arena_allocate(90000));  // the first block is too small
    std::memset(p, 1, 90000);
    CHECK(aligned(p));
  }
  {
    const arena_scope scope;
    for (int i = 0; i < 10; ++i) {  // more blocks than a thread keeps between scopes
      std::memset(arena_allocate(60000), 2, 60000);
    }
  }
  const arena_scope scope;
  CHECK(aligned(arena_allocate(8)));
}
