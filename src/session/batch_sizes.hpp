// How large the session's multi-row statements get. Every batch is cut into powers of two, so
// that an entity has few statement shapes (each is prepared once per connection).
#pragma once

#include <cstddef>

namespace nextorm::detail {

// Rows per multi-row INSERT, and parameters per statement (the protocols count them in 16 bits).
inline constexpr std::size_t max_batch_rows = 1024;
inline constexpr std::size_t max_batch_params = 32766;
// Keys per `WHERE key IN (...)`.
inline constexpr std::size_t max_batch_keys = 256;

// The largest power of two not above `n` (n > 0).
[[nodiscard]] constexpr std::size_t power_of_two_below(std::size_t n) noexcept {
  std::size_t p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

}  // namespace nextorm::detail
