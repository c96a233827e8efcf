// What a database's statements are watched by: set_sql_debug's stream, sql_capture objects and
// the statistics. Off (one relaxed load per statement) unless one of them is on.
#pragma once

#include <nextorm/sql_log.hpp>

#include <atomic>
#include <chrono>
#include <iosfwd>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nextorm::detail {

class sql_observer {
 public:
  [[nodiscard]] bool active() const noexcept { return m_active.load(std::memory_order_relaxed); }
  // Whether statements are timed (statistics on).
  [[nodiscard]] bool timing() const noexcept { return m_timing.load(std::memory_order_relaxed); }

  void set_debug(std::ostream* out, bool show_values);
  void add(sql_capture& capture);
  void remove(sql_capture& capture) noexcept;
  void set_stats(bool on);
  [[nodiscard]] std::map<std::string, statement_stats> stats() const;
  void clear_stats();

  // A statement about to be sent: written to the debug stream and given to the captures.
  void before(std::string_view sql, std::span<const value> params);
  // A statement done: counted in the statistics.
  void after(std::string_view sql, std::chrono::nanoseconds elapsed, std::uint64_t rows);

 private:
  void update_active();  // (under the lock)

  std::atomic<bool> m_active{false};
  std::atomic<bool> m_timing{false};
  mutable std::mutex m_mutex;
  std::ostream* m_debug = nullptr;
  bool m_show_values = true;
  std::vector<sql_capture*> m_captures;
  std::unordered_map<std::string, statement_stats> m_stats;
};

}  // namespace nextorm::detail
