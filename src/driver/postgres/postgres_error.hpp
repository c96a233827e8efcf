// The one place where PostgreSQL's SQLSTATEs become NextORM's error classes.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <string_view>

namespace nextorm::driver {

// Throws the NextORM error for a failed result: integrity_error for class 23, transaction_error
// for class 40 (and a statement in an aborted transaction), connection_error for class 08, the
// shutdown states and a connection that is gone, database_error for everything else. The id is
// "postgres.<condition name>" (PostgreSQL's names, appendix A of its manual); the message is
// "<context>: <server message>[ DETAIL: ...][ HINT: ...]".
[[noreturn]] void throw_postgres_error(const PGconn* conn, const PGresult* result,
                                       std::string_view context);

// Throws connection_error("postgres.connection_lost") with libpq's message for `conn`.
[[noreturn]] void throw_connection_lost(const PGconn* conn, std::string_view context);

// libpq's last error message for `conn`, without its trailing newline.
[[nodiscard]] std::string pg_error_message(const PGconn* conn);

}  // namespace nextorm::driver
