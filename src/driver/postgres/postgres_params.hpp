// Parameters in the shape libpq's PQsendPrepare / PQsendQueryPrepared take them.
#pragma once

#include <nextorm/value.hpp>

#include <libpq-fe.h>

#include <span>
#include <string>
#include <vector>

namespace nextorm::driver {

// Type OIDs of PostgreSQL's built-in types (pg_type.oid; fixed since PostgreSQL 7).
namespace pg_oid {
inline constexpr Oid boolean = 16;
inline constexpr Oid bytea = 17;
inline constexpr Oid name = 19;
inline constexpr Oid int8 = 20;
inline constexpr Oid int2 = 21;
inline constexpr Oid int4 = 23;
inline constexpr Oid text = 25;
inline constexpr Oid oid = 26;
inline constexpr Oid json = 114;
inline constexpr Oid float4 = 700;
inline constexpr Oid float8 = 701;
inline constexpr Oid bpchar = 1042;
inline constexpr Oid varchar = 1043;
inline constexpr Oid date = 1082;
inline constexpr Oid time = 1083;
inline constexpr Oid timestamp = 1114;
inline constexpr Oid timestamptz = 1184;
inline constexpr Oid interval = 1186;
inline constexpr Oid timetz = 1266;
inline constexpr Oid numeric = 1700;
inline constexpr Oid uuid = 2950;
inline constexpr Oid jsonb = 3802;
}  // namespace pg_oid

// The parameters of one execution. Every value is copied, so that the values the caller passed
// need not outlive a non-blocking operation.
struct pg_params {
  pg_params() = default;
  // `values` points into `storage`: moving keeps the strings in place, copying would not.
  pg_params(pg_params&&) noexcept = default;
  pg_params& operator=(pg_params&&) noexcept = default;
  pg_params(const pg_params&) = delete;
  pg_params& operator=(const pg_params&) = delete;

  std::vector<std::string> storage;
  std::vector<const char*> values;  // nullptr for SQL NULL
  std::vector<int> lengths;
  std::vector<int> formats;  // 0 text, 1 binary
  std::vector<Oid> types;    // 0: the server infers the type from the statement
  // One letter per parameter type, empty when every type is inferred: part of the key of a
  // prepared statement, whose parameter types are fixed when it is prepared.
  std::string signature;
};

// Integers, floats and booleans go as text with their type declared (int8, float8, bool); bytes
// as binary bytea; every other type as its text, with its type inferred by the server from the
// statement. Throws database_error("postgres.nul_in_text") for text that holds a NUL, which
// PostgreSQL cannot store and libpq would silently cut short.
[[nodiscard]] pg_params encode_params(std::span<const value> params);
// The same into `out`, whose vectors and strings keep their capacity: a connection encodes every
// execution's parameters into one pg_params, allocating nothing once it has grown.
void encode_params(std::span<const value> params, pg_params& out);

// No parameter declares its type: the server takes each from the statement (an INSERT's
// columns).
void infer_types(pg_params& params) noexcept;

// The key of a prepared statement in a connection's cache: its SQL and, when some parameter
// declares its type, the types (a statement's parameter types are fixed when it is prepared).
void statement_key(const std::string& sql, const pg_params& params, std::string& out);

// A double as PostgreSQL's float8 input reads it back to the same double.
[[nodiscard]] std::string float8_text(double v);

}  // namespace nextorm::driver
