#include "driver/postgres/postgres_error.hpp"

#include <nextorm/errors.hpp>

#include "driver/error_condition.hpp"

#include <array>
#include <optional>

namespace nextorm::driver {

namespace {

struct pg_condition {
  std::string_view state;
  std::string_view name;
  error_category category;
  // The provider-independent condition, when the state is one (its name is then the id's).
  std::optional<condition> common = std::nullopt;
};

// The SQLSTATEs NextORM users meet and handle by name; the rest fall back to their class below.
const std::array known_conditions{
    pg_condition{"23505", "", error_category::integrity, condition::unique_violation},
    pg_condition{"23503", "", error_category::integrity, condition::foreign_key_violation},
    pg_condition{"23502", "", error_category::integrity, condition::not_null_violation},
    pg_condition{"23514", "", error_category::integrity, condition::check_violation},
    pg_condition{"40001", "", error_category::transaction, condition::serialization_failure},
    pg_condition{"40P01", "", error_category::transaction, condition::deadlock_detected},
    // lock_timeout expired, or NOWAIT found the row locked.
    pg_condition{"55P03", "", error_category::transaction, condition::lock_timeout},
    // A statement after a failed one in the same transaction: only a rollback helps.
    pg_condition{"25P02", "in_failed_sql_transaction", error_category::transaction},
    // The server ended the session (pg_terminate_backend, shutdown, crash): the connection is
    // gone as surely as when the network fails.
    pg_condition{"57P01", "", error_category::connection, condition::connection_lost},
    pg_condition{"57P02", "", error_category::connection, condition::connection_lost},
    pg_condition{"57P03", "cannot_connect_now", error_category::connection},
    // Class 08, but the connection is fine: e.g. a statement given fewer parameters than it has.
    pg_condition{"08P01", "protocol_violation", error_category::database},
    pg_condition{"42601", "", error_category::database, condition::syntax_error},
    pg_condition{"42P01", "undefined_table", error_category::database},
    pg_condition{"42703", "undefined_column", error_category::database},
};

struct condition_class {
  std::string_view prefix;
  std::string_view name;
  error_category category;
};

constexpr std::array known_classes{
    condition_class{"23", "integrity_constraint_violation", error_category::integrity},
    condition_class{"40", "transaction_rollback", error_category::transaction},
    condition_class{"08", "connection_exception", error_category::connection},
    condition_class{"22", "data_exception", error_category::database},
    condition_class{"42", "syntax_error_or_access_rule_violation", error_category::database},
};

pg_condition classify(std::string_view state) {
  for (const pg_condition& c : known_conditions) {
    if (c.state == state) return c;
  }
  for (const condition_class& c : known_classes) {
    if (state.starts_with(c.prefix)) return {state, c.name, c.category};
  }
  return {state, "error", error_category::database};
}

[[noreturn]] void throw_error(error_category category, std::string id, const std::string& message) {
  switch (category) {
    case error_category::integrity: throw integrity_error(std::move(id), message);
    case error_category::transaction: throw transaction_error(std::move(id), message);
    case error_category::connection: throw connection_error(std::move(id), message);
    default: throw database_error(category, std::move(id), message);
  }
}

// libpq's messages end with a newline. `text` is never null: libpq gives "" for no message, and
// a server's error always has its primary message.
std::string trimmed(const char* text) {
  std::string out{text};
  out.erase(out.find_last_not_of("\n ") + 1);  // npos + 1: all of a blank text
  return out;
}

}  // namespace

std::string pg_error_message(const PGconn* conn) { return trimmed(PQerrorMessage(conn)); }

void throw_connection_lost(const PGconn* conn, std::string_view context) {
  throw_condition("postgres", condition::connection_lost,
                  std::string{context} + ": " + pg_error_message(conn));
}

void throw_postgres_error(const PGconn* conn, const PGresult* result, std::string_view context) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  // libpq's own errors carry no SQLSTATE: a connection that broke, or a protocol failure. The
  // driver's reads report a broken connection before any result can say so.
  if (state == nullptr) {                    // coverage-exempt: libpq's own errors
    if (PQstatus(conn) == CONNECTION_BAD) {  // coverage-exempt: libpq's own errors
      throw_connection_lost(conn, context);
    }
    throw database_error(error_category::database, "postgres.error",
                         std::string{context} + ": " + trimmed(PQresultErrorMessage(result)));
  }
  const pg_condition found = classify(state);
  std::string message =
      std::string{context} + ": " + trimmed(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY));
  if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) {
    message += " DETAIL: " + trimmed(detail);
  }
  if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT)) {
    message += " HINT: " + trimmed(hint);
  }
  message += " (SQLSTATE " + std::string{state} + ")";
  if (found.common) throw_condition("postgres", *found.common, message);
  throw_error(found.category, "postgres." + std::string{found.name}, message);
}

}  // namespace nextorm::driver
