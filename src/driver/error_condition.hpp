// The conditions that mean the same on every provider. Each driver classifies its own codes into
// one of these, and throw_condition() turns it into the same NextORM error class everywhere, so
// that a user's `catch (const nextorm::unique_violation&)` works on SQLite, PostgreSQL and
// MariaDB alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nextorm::driver {

enum class condition : std::uint8_t {
  unique_violation,
  foreign_key_violation,
  not_null_violation,
  check_violation,
  deadlock_detected,
  serialization_failure,
  lock_timeout,
  connection_lost,
  syntax_error,
};

// The condition's name, the second half of its error id.
[[nodiscard]] std::string_view condition_name(condition c) noexcept;

// Throws the error class of `c` with id "<provider>.<condition name>".
[[noreturn]] void throw_condition(std::string_view provider, condition c,
                                  const std::string& message);

}  // namespace nextorm::driver
