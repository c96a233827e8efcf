#include "session/sql_observer.hpp"

#include <nextorm/database.hpp>

#include "session/database_impl.hpp"

#include <algorithm>
#include <ostream>

namespace nextorm {

namespace detail {

void sql_observer::update_active() {
  const bool timing = m_timing.load(std::memory_order_relaxed);
  m_active.store(m_debug != nullptr || !m_captures.empty() || timing, std::memory_order_relaxed);
}

void sql_observer::set_debug(std::ostream* out, bool show_values) {
  const std::lock_guard lock{m_mutex};
  m_debug = out;
  m_show_values = show_values;
  update_active();
}

void sql_observer::add(sql_capture& capture) {
  const std::lock_guard lock{m_mutex};
  m_captures.push_back(&capture);
  update_active();
}

void sql_observer::remove(sql_capture& capture) noexcept {
  const std::lock_guard lock{m_mutex};
  std::erase(m_captures, &capture);
  update_active();
}

void sql_observer::set_stats(bool on) {
  const std::lock_guard lock{m_mutex};
  m_timing.store(on, std::memory_order_relaxed);
  update_active();
}

std::map<std::string, statement_stats> sql_observer::stats() const {
  const std::lock_guard lock{m_mutex};
  return {m_stats.begin(), m_stats.end()};
}

void sql_observer::clear_stats() {
  const std::lock_guard lock{m_mutex};
  m_stats.clear();
}

void sql_observer::before(std::string_view sql, std::span<const value> params) {
  const std::lock_guard lock{m_mutex};
  if (m_debug != nullptr) {
    std::ostream& out = *m_debug;
    out << sql;
    if (m_show_values && !params.empty()) {
      out << "\n  [";
      for (std::size_t i = 0; i < params.size(); ++i)
        out << (i == 0 ? "" : ", ") << params[i].repr();
      out << ']';
    }
    out << '\n';
  }
  for (sql_capture* capture : m_captures) {
    capture->record(captured_statement{std::string{sql}, {params.begin(), params.end()}});
  }
}

void sql_observer::after(std::string_view sql, std::chrono::nanoseconds elapsed,
                         std::uint64_t rows) {
  const std::lock_guard lock{m_mutex};
  if (!m_timing.load(std::memory_order_relaxed)) return;  // turned off meanwhile
  statement_stats& s = m_stats[std::string{sql}];
  ++s.count;
  s.total += elapsed;
  s.max = std::max(s.max, elapsed);
  s.rows += rows;
}

}  // namespace detail

sql_capture::sql_capture(database& db) : m_db{db} { m_db.impl().observer.add(*this); }

sql_capture::~sql_capture() { m_db.impl().observer.remove(*this); }

std::size_t sql_capture::count(std::string_view text) const {
  return static_cast<std::size_t>(std::count_if(
      m_statements.begin(), m_statements.end(),
      [&](const captured_statement& s) { return s.sql.find(text) != std::string::npos; }));
}

}  // namespace nextorm
