#include "driver/error_condition.hpp"

#include <nextorm/errors.hpp>

#include "common/unreachable.hpp"

namespace nextorm::driver {

std::string_view condition_name(condition c) noexcept {
  switch (c) {
    case condition::unique_violation: return "unique_violation";
    case condition::foreign_key_violation: return "foreign_key_violation";
    case condition::not_null_violation: return "not_null_violation";
    case condition::check_violation: return "check_violation";
    case condition::deadlock_detected: return "deadlock_detected";
    case condition::serialization_failure: return "serialization_failure";
    case condition::lock_timeout: return "lock_timeout";
    case condition::connection_lost: return "connection_lost";
    case condition::syntax_error: return "syntax_error";
  }
  detail::unreachable("condition_name");
}

void throw_condition(std::string_view provider, condition c, const std::string& message) {
  std::string id = std::string{provider} + "." + std::string{condition_name(c)};
  switch (c) {
    case condition::unique_violation: throw unique_violation(std::move(id), message);
    case condition::foreign_key_violation: throw foreign_key_violation(std::move(id), message);
    case condition::not_null_violation: throw not_null_violation(std::move(id), message);
    case condition::check_violation: throw check_violation(std::move(id), message);
    case condition::deadlock_detected: throw deadlock_detected(std::move(id), message);
    case condition::serialization_failure: throw serialization_failure(std::move(id), message);
    case condition::lock_timeout: throw lock_timeout(std::move(id), message);
    case condition::connection_lost:
      throw connection_lost(std::move(id), message +
                                               "; the connection is closed, and the server has "
                                               "rolled back the transaction that was open on it");
    case condition::syntax_error: throw sql_syntax_error(std::move(id), message);
  }
  detail::unreachable("throw_condition");
}

}  // namespace nextorm::driver
