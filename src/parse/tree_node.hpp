// The parse-tree node that tao::pegtl::parse_tree builds for the rules the grammar's selector
// picks: the node id, the matched text, the children.
//
// Why not parse_tree's basic_node: parse_tree makes a node for every rule it tries that may
// contain selected rules (about twenty per operand, most dropped at once), and with malloc'd
// nodes and child vectors that was three quarters of the parse time. These nodes come from the
// parse arena (parse/arena.hpp), are trivially destructible, and keep up to four children in
// place; everything is released at once when the parse ends.
#pragma once

#include "grammar/query_grammar.hpp"
#include "parse/arena.hpp"

#include <cstdint>
#include <cstring>
#include <memory>

namespace nextorm::parse::detail {

struct tree_node;

// The children of a node: raw pointers, since the arena owns every node.
class child_list {
 public:
  child_list() noexcept = default;
  child_list(const child_list&) = delete;
  child_list& operator=(const child_list&) = delete;

  [[nodiscard]] std::size_t size() const noexcept { return m_size; }
  [[nodiscard]] bool empty() const noexcept { return m_size == 0; }
  [[nodiscard]] tree_node* const* begin() const noexcept { return m_data; }
  [[nodiscard]] tree_node* const* end() const noexcept { return m_data + m_size; }
  [[nodiscard]] tree_node** begin() noexcept { return m_data; }
  [[nodiscard]] tree_node** end() noexcept { return m_data + m_size; }
  [[nodiscard]] tree_node* front() const noexcept { return m_data[0]; }
  [[nodiscard]] tree_node* back() const noexcept { return m_data[m_size - 1]; }
  [[nodiscard]] tree_node* operator[](std::size_t i) const noexcept { return m_data[i]; }

  void emplace_back(tree_node* n) {
    if (m_size == m_capacity) grow();
    m_data[m_size++] = n;
  }

 private:
  void grow() {
    m_capacity *= 2;
    auto** data = static_cast<tree_node**>(arena_allocate(m_capacity * sizeof(tree_node*)));
    std::memcpy(data, m_data, m_size * sizeof(tree_node*));
    m_data = data;
  }

  tree_node* m_inline[4];
  tree_node** m_data = m_inline;  // nodes never move (parse_tree holds them by pointer)
  std::uint32_t m_size = 0;
  std::uint32_t m_capacity = 4;
};

struct tree_node {
  child_list children;
  const char* begin = nullptr;  // the matched text, including the whitespace after its last token
  const char* end = nullptr;
  grammar::node_id id = grammar::node_id::root;

  static void* operator new(std::size_t size) { return arena_allocate(size); }
  static void operator delete(void* /*p*/) noexcept {}  // the arena_scope frees everything

  // The interface parse_tree expects of a node.
  template <class Rule, class ParseInput, class... States>
  void start(const ParseInput& in, States&&... /*st*/) noexcept {
    id = Rule::node;
    begin = in.current();
  }
  template <class Rule, class ParseInput, class... States>
  void success(const ParseInput& in, States&&... /*st*/) noexcept {
    end = in.current();
  }
  template <class Rule, class ParseInput, class... States>
  void failure(const ParseInput& /*in*/, States&&... /*st*/) noexcept {}
  template <class... States>
  void emplace_back(std::unique_ptr<tree_node>&& child, States&&... /*st*/) {
    children.emplace_back(child.release());
  }
};

}  // namespace nextorm::parse::detail
