#include "common/unreachable.hpp"

#include <cstdio>
#include <cstdlib>

namespace nextorm::detail {

void unreachable(const char* where) noexcept {
  std::fprintf(stderr, "nextorm: internal error: unreachable code reached in %s\n", where);
  std::abort();
}

}  // namespace nextorm::detail
