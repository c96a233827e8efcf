// A per-thread bump allocator for the parse tree, which lives only while one query is parsed.
// PEGTL's parse_tree allocates a node for every rule it tries that may hold selected nodes
// (about twenty per operand, most of them discarded at once); with malloc that was three
// quarters of the parse time.
#pragma once

#include <cstddef>
#include <memory>

namespace nextorm::parse::detail {

// Memory for parse-tree nodes and their child lists; freed all at once by the arena_scope.
[[nodiscard]] void* arena_allocate(std::size_t bytes);

// Marks one parse: when it ends, everything allocated since it began is released. Scopes do not
// nest (a parse does not start another).
class arena_scope {
 public:
  arena_scope() noexcept = default;
  ~arena_scope();
  arena_scope(const arena_scope&) = delete;
  arena_scope& operator=(const arena_scope&) = delete;
};

template <class T>
struct arena_allocator {
  using value_type = T;
  arena_allocator() noexcept = default;
  template <class U>
  arena_allocator(const arena_allocator<U>& /*other*/) noexcept {}  // NOLINT: rebinding
  [[nodiscard]] T* allocate(std::size_t n) {
    return static_cast<T*>(arena_allocate(n * sizeof(T)));
  }
  void deallocate(T* /*p*/, std::size_t /*n*/) noexcept {}
  friend bool operator==(const arena_allocator&, const arena_allocator&) noexcept { return true; }
};

}  // namespace nextorm::parse::detail
