// Generated UUIDs (RFC 9562): version 4 (random) and version 7 (Unix milliseconds, then random).
#include <nextorm/errors.hpp>
#include <nextorm/types.hpp>

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>

namespace nextorm {

namespace {

[[noreturn]] void throw_no_randomness() {
  throw usage_error("uuid.no_randomness", "the kernel gives no random bytes (getrandom: " +
                                              std::string{std::strerror(errno)} + ")");
}

// Random bytes from the kernel (getrandom), drawn 256 at a time per thread: one system call per
// 16 UUIDs rather than one per UUID.
class random_pool {
 public:
  void fill(std::uint8_t* out, std::size_t size) {
    while (size > 0) {
      if (m_used == m_bytes.size()) refill();
      const std::size_t n = std::min(size, m_bytes.size() - m_used);
      std::memcpy(out, m_bytes.data() + m_used, n);
      m_used += n;
      out += n;
      size -= n;
    }
  }

 private:
  void refill() {
    std::size_t got = 0;
    while (got < m_bytes.size()) {
      const ssize_t n = getrandom(m_bytes.data() + got, m_bytes.size() - got, 0);
      // A signal during the call: try again (n is -1, nothing was read).
      if (n < 0 && errno != EINTR) throw_no_randomness();  // coverage-exempt: before Linux 3.17
      got += static_cast<std::size_t>(std::max<ssize_t>(n, 0));
    }
    m_used = 0;
  }

  std::array<std::uint8_t, 256> m_bytes{};
  std::size_t m_used = m_bytes.size();
};

random_pool& pool() {
  thread_local random_pool p;
  return p;
}

// The version in the high nibble of octet 6, the variant 10 in the high bits of octet 8.
void stamp(std::array<std::uint8_t, 16>& octets, std::uint8_t version) {
  octets[6] = static_cast<std::uint8_t>((octets[6] & 0x0f) | (version << 4));
  octets[8] = static_cast<std::uint8_t>((octets[8] & 0x3f) | 0x80);
}

}  // namespace

uuid uuid::v4() {
  std::array<std::uint8_t, 16> octets{};
  pool().fill(octets.data(), octets.size());
  stamp(octets, 4);
  return uuid{octets};
}

uuid uuid::v7() {
  // RFC 9562's method 1 for order within a millisecond: the 12 bits after the version are a
  // counter that starts at a random value below 2048 each millisecond and goes on while the
  // clock does not (in the same millisecond, or when it goes back).
  thread_local std::uint64_t last_ms = 0;
  thread_local std::uint16_t counter = 0;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  std::array<std::uint8_t, 16> octets{};
  pool().fill(octets.data() + 6, 10);
  if (ms > last_ms) {
    counter = static_cast<std::uint16_t>(((octets[6] << 8) | octets[7]) & 0x07ff);
  } else {
    // Past 0xfff the carry moves the time on by a millisecond and the counter starts at 0.
    ++counter;
    ms = last_ms + (counter >> 12);
    counter &= 0x0fff;
  }
  last_ms = ms;
  for (int i = 0; i < 6; ++i)
    octets[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  octets[6] = static_cast<std::uint8_t>(counter >> 8);
  octets[7] = static_cast<std::uint8_t>(counter & 0xff);
  stamp(octets, 7);
  return uuid{octets};
}

}  // namespace nextorm
