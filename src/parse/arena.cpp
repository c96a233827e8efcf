#include "parse/arena.hpp"

#include <vector>

namespace nextorm::parse::detail {
namespace {

constexpr std::size_t block_size = 64 * 1024;
constexpr std::size_t blocks_kept = 4;  // what a thread keeps between parses: 256 KiB
constexpr std::size_t alignment = alignof(std::max_align_t);

struct block {
  std::unique_ptr<std::byte[]> data;
  std::size_t size;
};

// The blocks of one thread; touched only when a block is full and when a parse ends.
struct block_list {
  std::vector<block> blocks;
  std::size_t current = 0;  // index of the block being filled
};

// The bump pointer: trivially constructible and destructible, so that reaching it from the
// allocation fast path costs no thread_local initialisation check.
struct bump {
  std::byte* next = nullptr;
  std::byte* end = nullptr;
};

thread_local block_list t_blocks;
constinit thread_local bump t_bump;

// Moves to the next block that holds `bytes`, creating it if needed.
[[gnu::noinline]] void* allocate_slow(std::size_t bytes) {
  block_list& list = t_blocks;
  if (t_bump.next != nullptr) ++list.current;  // before the first allocation no block is in use
  while (list.current < list.blocks.size() && list.blocks[list.current].size < bytes) {
    ++list.current;
  }
  if (list.current >= list.blocks.size()) {
    const std::size_t size = bytes > block_size ? bytes : block_size;
    list.blocks.push_back({std::make_unique<std::byte[]>(size), size});
    list.current = list.blocks.size() - 1;
  }
  std::byte* p = list.blocks[list.current].data.get();
  t_bump = {p + bytes, p + list.blocks[list.current].size};
  return p;
}

}  // namespace

void* arena_allocate(std::size_t bytes) {
  bytes = (bytes + alignment - 1) & ~(alignment - 1);
  bump& b = t_bump;
  if (static_cast<std::size_t>(b.end - b.next) < bytes) {
    return allocate_slow(bytes);
  }
  void* p = b.next;
  b.next += bytes;
  return p;
}

arena_scope::~arena_scope() {
  block_list& list = t_blocks;
  if (list.blocks.size() > blocks_kept) list.blocks.resize(blocks_kept);
  list.current = 0;
  t_bump = {};
}

}  // namespace nextorm::parse::detail
