// Every error NextORM throws: a stable id, a category, and a message people can act on.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace nextorm {

enum class error_category : std::uint8_t {
  syntax,        // the query text does not parse
  unknown_name,  // an entity, attribute, function or parameter that does not exist
  type,          // operands whose types do not fit together
  unsupported,   // valid Python that the query language (or a dialect) does not support
  schema,        // an entity declaration or JSON schema that is inconsistent
  usage,         // the API used out of order (no session, wrong value type, ...)
  not_found,     // a lookup that must find an object found none
  multiple_found,
  integrity,    // unique, not-null or foreign-key violation reported by the database
  connection,   // cannot connect, or the connection was lost
  transaction,  // deadlock, serialization failure, commit failure
  database,     // any other error the database reports
};

std::string_view category_name(error_category category) noexcept;

// A byte range [begin, end) in a query text.
struct source_span {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  friend bool operator==(const source_span&, const source_span&) = default;
};

class error : public std::runtime_error {
 public:
  // `what()` is "<id>: <message>".
  error(error_category category, std::string id, const std::string& message);
  [[nodiscard]] error_category category() const noexcept { return m_category; }
  [[nodiscard]] const std::string& id() const noexcept { return m_id; }
  [[nodiscard]] const std::string& message() const noexcept { return m_message; }

 private:
  error_category m_category;
  std::string m_id;
  std::string m_message;
};

// An error located in a query text. `what()` is
//   <id>: <message> (line L, column C)
//     <the line of the query>
//     <spaces>^~~~
class query_error : public error {
 public:
  query_error(error_category category, std::string id, const std::string& message,
              std::string query, source_span span);
  [[nodiscard]] const std::string& query() const noexcept { return m_query; }
  [[nodiscard]] source_span span() const noexcept { return m_span; }
  [[nodiscard]] std::uint32_t line() const noexcept { return m_line; }  // 1-based
  [[nodiscard]] std::uint32_t column() const noexcept {
    return m_column;
  }  // 1-based, in characters
  [[nodiscard]] const char* what() const noexcept override { return m_rendered.c_str(); }

 private:
  std::string m_query;
  source_span m_span;
  std::uint32_t m_line = 1;
  std::uint32_t m_column = 1;
  std::string m_rendered;
};

class schema_error : public error {
 public:
  schema_error(std::string id, const std::string& message)
      : error{error_category::schema, std::move(id), message} {}
};

class usage_error : public error {
 public:
  usage_error(std::string id, const std::string& message)
      : error{error_category::usage, std::move(id), message} {}
};

class object_not_found : public error {
 public:
  explicit object_not_found(const std::string& message)
      : error{error_category::not_found, "lookup.not_found", message} {}
};

class multiple_objects_found : public error {
 public:
  explicit multiple_objects_found(const std::string& message)
      : error{error_category::multiple_found, "lookup.multiple_found", message} {}
};

// Errors reported by a database server or library, mapped by category in the drivers.
class database_error : public error {
 public:
  database_error(error_category category, std::string id, const std::string& message)
      : error{category, std::move(id), message} {}
};

class integrity_error : public database_error {
 public:
  integrity_error(std::string id, const std::string& message)
      : database_error{error_category::integrity, std::move(id), message} {}
};

class connection_error : public database_error {
 public:
  connection_error(std::string id, const std::string& message)
      : database_error{error_category::connection, std::move(id), message} {}
};

class transaction_error : public database_error {
 public:
  transaction_error(std::string id, const std::string& message)
      : database_error{error_category::transaction, std::move(id), message} {}
};

// The conditions every provider reports the same way, whatever its own codes: catch these to
// handle a condition on SQLite, PostgreSQL and MariaDB alike. Their ids are
// "<provider>.<condition>" with the same condition name on each (e.g. "mariadb.unique_violation").

// A UNIQUE or PRIMARY KEY constraint refused a duplicate.
class unique_violation : public integrity_error {
 public:
  using integrity_error::integrity_error;
};

// A row refers to a missing parent, or a parent still has children that block its delete.
class foreign_key_violation : public integrity_error {
 public:
  using integrity_error::integrity_error;
};

// A NOT NULL column got NULL, or no value and no default.
class not_null_violation : public integrity_error {
 public:
  using integrity_error::integrity_error;
};

// A CHECK constraint refused the row.
class check_violation : public integrity_error {
 public:
  using integrity_error::integrity_error;
};

// Two transactions waited for each other; the database rolled this one back. Retry it.
class deadlock_detected : public transaction_error {
 public:
  using transaction_error::transaction_error;
};

// The transaction's snapshot conflicts with a concurrent commit. Retry it.
class serialization_failure : public transaction_error {
 public:
  using transaction_error::transaction_error;
};

// An UPDATE or DELETE of an object found its row changed (or deleted) by another transaction
// since the session read the values it relied on (PonyORM's OptimisticCheckError): the session
// was rolled back, nothing of it written. Rerun the unit of work (nextorm::transact retries it).
class optimistic_check_error : public transaction_error {
 public:
  using transaction_error::transaction_error;
};

// A lock was not granted within the database's time limit.
class lock_timeout : public transaction_error {
 public:
  using transaction_error::transaction_error;
};

// A statement was cancelled before its end: it ran past its session's statement_timeout
// (statement.timeout), or its session's stop was requested (statement.cancelled). The server
// was asked to cancel it; the session's transaction cannot go on and must roll back.
class statement_cancelled : public transaction_error {
 public:
  using transaction_error::transaction_error;
  [[nodiscard]] bool timed_out() const noexcept { return id() == "statement.timeout"; }
};

// The connection broke (the server closed it, was shut down, or the network failed); the
// transaction in progress is lost and the connection is dropped from the pool.
class connection_lost : public connection_error {
 public:
  using connection_error::connection_error;
};

// The database could not parse an SQL statement.
class sql_syntax_error : public database_error {
 public:
  sql_syntax_error(std::string id, const std::string& message)
      : database_error{error_category::database, std::move(id), message} {}
};

}  // namespace nextorm
