// Why integers, floats and booleans declare their types: a parameter whose type the server
// infers takes the type of its context, and that loses Python's semantics or fails outright:
//   bigint_column < $1      with 2.5   -> invalid input syntax for type bigint: "2.5"
//   $1 + 1                  (unknown + int4 -> int4) with 3000000000 -> out of range
//   abs($1), -($1), $1 + $2 -> function/operator is not unique
// Declared int8/float8/bool, PostgreSQL promotes as Python does (bigint < float8 compares as
// float8). Text and the text-carried types stay inferred, so that '2020-01-31' can become a
// date, a uuid or a jsonb where the column says so.
#include "driver/postgres/postgres_params.hpp"

#include "common/timedelta_parts.hpp"

#include <nextorm/errors.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace nextorm::driver {

namespace {

// float8_text into `out`, reusing its capacity.
void assign_float8(double v, std::string& out) {
  if (std::isnan(v)) {
    out.assign("NaN");
  } else if (std::isinf(v)) {
    out.assign(v > 0 ? "Infinity" : "-Infinity");
  } else {
    std::array<char, 32> buffer;
    // The shortest text that reads back as the same double.
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
    out.assign(buffer.data(), result.ptr);
  }
}

}  // namespace

std::string float8_text(double v) {
  std::string out;
  assign_float8(v, out);
  return out;
}

void infer_types(pg_params& params) noexcept {
  std::fill(params.types.begin(), params.types.end(), Oid{0});
  params.signature.clear();
}

void encode_params(std::span<const value> params, pg_params& out) {
  const std::size_t n = params.size();
  // Strings that held a long value go, so that one large parameter is not kept for good.
  constexpr std::size_t kept_capacity = 4096;
  for (std::string& text : out.storage) {
    if (text.capacity() > kept_capacity) std::string{}.swap(text);
  }
  out.storage.resize(n);
  out.values.assign(n, nullptr);
  out.lengths.assign(n, 0);
  out.formats.assign(n, 0);
  out.types.assign(n, 0);
  bool declared = false;
  std::string& signature = out.signature;
  signature.assign(n, '-');
  for (std::size_t i = 0; i < n; ++i) {
    const value& v = params[i];
    std::string& text = out.storage[i];
    switch (v.type()) {
      case value_type::null: text.clear(); continue;
      case value_type::integer: {
        std::array<char, 24> buffer;
        const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v.as_int());
        text.assign(buffer.data(), result.ptr);
        out.types[i] = pg_oid::int8;
        signature[i] = 'i';
        break;
      }
      case value_type::real:
        assign_float8(v.as_real(), text);
        out.types[i] = pg_oid::float8;
        signature[i] = 'r';
        break;
      case value_type::boolean:
        text.assign(1, v.as_bool() ? 't' : 'f');
        out.types[i] = pg_oid::boolean;
        signature[i] = 'b';
        break;
      case value_type::interval:
        // Python's normalized form, as psycopg2 sends a timedelta: days (floored) and the
        // rest of the day, "-1 days +23:59:59.999999".
        text = detail::interval_input_text(v.as_microseconds());
        out.types[i] = pg_oid::interval;
        signature[i] = 'd';
        break;
      case value_type::bytes:
        // Binary bytea is the bytes themselves: no escaping, NUL and 0xff included.
        text = v.as_text();
        out.formats[i] = 1;
        out.types[i] = pg_oid::bytea;
        signature[i] = 'x';
        break;
      default:
        text = v.as_text();
        if (text.find('\0') != std::string::npos) {
          throw database_error(
              error_category::database, "postgres.nul_in_text",
              "parameter $" + std::to_string(i + 1) + " (" + std::string{type_name(v.type())} +
                  ") holds a NUL character, which PostgreSQL cannot store in text");
        }
        break;
    }
    declared = declared || out.types[i] != 0;
    out.values[i] = text.c_str();
    out.lengths[i] = static_cast<int>(text.size());
  }
  if (!declared) signature.clear();
}

pg_params encode_params(std::span<const value> params) {
  pg_params out;
  encode_params(params, out);
  return out;
}

void statement_key(const std::string& sql, const pg_params& params, std::string& out) {
  out.assign(sql);
  if (!params.signature.empty()) {
    out += '\0';
    out += params.signature;
  }
}

}  // namespace nextorm::driver
