// What differs between SQL dialects: a short list of overrides on one shared SQL builder.
#pragma once

#include <nextorm/registry.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm::lower {

// The SQL written before and after an operand: `cast(substr(` x `, 1, 4) as integer)`.
struct affixes {
  std::string before;
  std::string after;
};

// The SQL written before, between and after two operands: `(` a ` - ` b `)`.
struct infixes {
  std::string before;
  std::string middle;
  std::string after;
};

// How group_concat is written.
enum class group_concat_style : std::uint8_t {
  comma_argument,   // GROUP_CONCAT(x, sep) (SQLite)
  string_agg,       // string_agg(CAST(x AS TEXT), sep) (PostgreSQL)
  separator_clause  // GROUP_CONCAT(x SEPARATOR 'sep') (MariaDB: the separator must be a literal)
};

// The json operations a dialect writes (ir::function_kind::json_*).
enum class json_op : std::uint8_t {
  get,        // the element as json
  value_int,  // the element as an int, float, str or bool, to compare with one
  value_real,
  value_text,
  value_bool,
  is_null,   // the element is JSON null or missing
  contains,  // the object has the key / the array holds the str {n}
  length,    // len(): the array's length, as PonyORM reads it on the provider
};

class dialect {
 public:
  virtual ~dialect() = default;
  // "sqlite", "postgres", "mariadb": used in messages and in the plan-cache key.
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  // An identifier quoted so that any name (Order, Group, names with spaces) is safe.
  [[nodiscard]] virtual std::string quote(std::string_view identifier) const = 0;
  // The placeholder of the 0-based parameter `index`: `?` or `$1`.
  [[nodiscard]] virtual std::string placeholder(std::size_t index) const = 0;
  // The column type for an attribute with a column (for Single, the target key's type).
  [[nodiscard]] virtual std::string column_type(const attr_info& attr) const = 0;
  // The column definition of an auto-increment integer primary key, after the quoted name.
  [[nodiscard]] virtual std::string auto_increment_pk() const = 0;
  // True when INSERT ... RETURNING gives generated keys (else the driver's last insert id).
  [[nodiscard]] virtual bool has_returning() const noexcept = 0;
  // A string literal of `text` (which holds no NUL), for SQL that binds no parameters (DDL, and
  // the schema's own constants in a session's fixed statements).
  [[nodiscard]] std::string text_literal(std::string_view text) const;
  // A class's discriminator value (an int, or a str) as a literal, for the same statements.
  [[nodiscard]] std::string discriminator_literal(const value& v) const;
  // PonyORM's discriminator criterion: the rows of `entity` and of the classes below it in their
  // hierarchy's table, `"classtype" IN ('Student', 'Assistant')` (each column after `alias.`
  // when an alias is given), the root's too (a row naming no class is no object); "" for an
  // entity outside a hierarchy.
  [[nodiscard]] std::string class_condition(const entity_info& entity,
                                            std::string_view alias = {}) const;

  // --- Query lowering: what the shared SQL builder (lower/sql_builder.hpp) asks of a dialect.
  // The append_ forms write into the caller's buffer so that lowering allocates once.

  // `quote(identifier)` appended to `out`.
  virtual void append_quoted(std::string& out, std::string_view identifier) const = 0;
  // `placeholder(index)` appended to `out`.
  virtual void append_placeholder(std::string& out, std::size_t index) const = 0;
  // A boolean constant: `1`/`0` where booleans are integers, `true`/`false` otherwise.
  [[nodiscard]] virtual std::string_view bool_literal(bool v) const noexcept = 0;
  // String concatenation: true for `concat(a, b)`, false for `(a || b)`.
  [[nodiscard]] virtual bool concat_is_function() const noexcept = 0;
  // The operator of `//` between integers, spaces included: " / " truncates on SQLite and
  // PostgreSQL; MariaDB needs " DIV ".
  [[nodiscard]] virtual std::string_view int_div_operator() const noexcept = 0;
  // The function counting the characters of a string: `length`, or `char_length` where
  // `length` counts bytes.
  [[nodiscard]] virtual std::string_view length_function() const noexcept = 0;
  // False where `%` is undefined for floating-point operands (PostgreSQL).
  [[nodiscard]] virtual bool has_real_modulo() const noexcept = 0;
  // False where DELETE ... WHERE k IN (SELECT ... LIMIT ...) is refused (MariaDB).
  [[nodiscard]] virtual bool has_limit_in_subquery() const noexcept = 0;
  // The tail `LIMIT ... OFFSET ...` given the placeholders of the limit and offset, either of
  // which may be empty (absent). At least one is present.
  virtual void append_limit(std::string& out, std::string_view limit,
                            std::string_view offset) const = 0;

  // `x.year` ... `x.second` (part = "year", ...) of a date, datetime or time value.
  [[nodiscard]] virtual affixes date_part(std::string_view part, value_type type) const = 0;
  // `x.date()` of a datetime.
  [[nodiscard]] virtual affixes date_of() const = 0;
  // The truth of a json value (an attribute, or an element as json), PonyORM's: false for
  // NULL (a missing element), null, false, 0, "", [] and {}.
  [[nodiscard]] virtual affixes json_truth() const = 0;
  // int(x), float(x), str(x): `to` is integer, real or text; `from` the operand's type.
  [[nodiscard]] virtual affixes cast(value_type to, value_type from) const = 0;
  // --- Intervals (PonyORM's timedelta). In a query an interval is the dialect's own value: days
  // in a double (SQLite, as PonyORM stores it), an INTERVAL (PostgreSQL), an integer of
  // microseconds (MariaDB: its TIME column, PonyORM's storage, holds ±838 hours only, so that a
  // query computes in microseconds and reads a column through interval_column()).
  // The literal of an interval column's default (DDL).
  [[nodiscard]] virtual std::string interval_literal(std::int64_t micros) const = 0;
  // An interval constant of a query (timedelta(days=1)).
  [[nodiscard]] virtual std::string interval_constant(std::int64_t micros) const = 0;
  // Around an interval column read in an expression.
  [[nodiscard]] virtual affixes interval_column() const { return {}; }
  // True where an interval parameter of a query binds its microseconds as an integer.
  [[nodiscard]] virtual bool interval_parameter_as_micros() const noexcept { return false; }
  // a - b of two dates (`is_date`) or two datetimes: an interval.
  [[nodiscard]] virtual infixes interval_between(bool is_date) const = 0;
  // x + i (x - i when `subtract`) of a datetime, or of a date (`is_date`) as Python moves one:
  // by the interval's days, floored (date(2024, 1, 2) - timedelta(hours=1) is January 1st).
  [[nodiscard]] virtual infixes add_interval(bool subtract, bool is_date) const = 0;
  // Around a parameter (or bound constant) of a date or datetime that date arithmetic uses,
  // where the server cannot infer its type from the other operand (PostgreSQL reads `$1 -
  // INTERVAL '1 day'` as interval minus interval).
  [[nodiscard]] virtual affixes typed_date_parameter(value_type) const { return {}; }
  // Python's min/max of several values: `least`/`greatest`, or SQLite's scalar min/max.
  [[nodiscard]] virtual std::string_view least_function(bool greatest) const noexcept = 0;
  // upper/lower: Unicode-aware, as Python's str methods (SQLite: registered functions).
  [[nodiscard]] virtual std::string_view case_function(bool upper) const noexcept = 0;
  // A float in [0, 1).
  [[nodiscard]] virtual std::string_view random_expression() const noexcept = 0;
  // True when the database has py_string_slice(s, start, stop) (registered on SQLite).
  [[nodiscard]] virtual bool has_py_slice() const noexcept = 0;
  // True where LIKE stops at a NUL character, in the pattern and in the string (SQLite): a needle
  // that is not a NUL-free constant is matched by the registered py_contains(s, x),
  // py_startswith(s, x) and py_endswith(s, x) instead, which compare the bytes as Python does.
  [[nodiscard]] virtual bool has_py_affix() const noexcept { return false; }
  // False where a float column cannot hold ±inf (MariaDB) / a text column a NUL (PostgreSQL):
  // such a parameter is refused by name before it is sent (exec::bind_values).
  [[nodiscard]] virtual bool stores_infinity() const noexcept { return true; }
  [[nodiscard]] virtual bool stores_nul_in_text() const noexcept { return true; }
  [[nodiscard]] virtual lower::group_concat_style group_concat_style() const noexcept = 0;
  // False where SELECT ... FOR UPDATE is not written (SQLite locks the whole database; PonyORM
  // drops the clause there too).
  // ` IS NOT DISTINCT FROM `, with the spaces: equality that holds between two NULLs (the
  // optimistic checks of an UPDATE compare a column with what the session read).
  [[nodiscard]] virtual std::string_view null_safe_equal() const noexcept = 0;
  [[nodiscard]] virtual bool has_for_update() const noexcept = 0;
  // False where FOR UPDATE refuses DISTINCT, GROUP BY and aggregates (PostgreSQL).
  [[nodiscard]] virtual bool has_for_update_of_distinct() const noexcept = 0;
  // Around an integer argument of substr() (PostgreSQL has no substr(text, bigint, bigint)).
  // Used only without has_py_slice(): SQLite slices with its own function instead.
  [[nodiscard]] virtual affixes substr_argument() const { return {"", ""}; }
  // True where PonyORM stores a uuid as its 16 bytes (a BLOB on SQLite): a uuid parameter is
  // compared in both forms, so that rows written by PonyORM (bytes) and by NextORM's text
  // match.
  [[nodiscard]] virtual bool uuid_is_blob() const noexcept { return false; }
  // Around and between two json values compared by their content (key order and spaces aside),
  // or empty where `=` does so already (PostgreSQL's jsonb) or where PonyORM compares the text
  // (SQLite, whose json PonyORM writes sorted and compact). MariaDB's JSON is text, and
  // PonyORM's CAST(... AS JSON) of MySQL does not exist there.
  [[nodiscard]] virtual infixes json_equals() const { return {}; }
  // The function that sums (`average`: averages) decimals exactly, written instead of SUM/AVG of
  // a decimal: "" where those are exact already; SQLite's add doubles, so it has decimal_sum and
  // decimal_avg (registered by the driver: src/driver/sqlite/sqlite_decimal.cpp).
  [[nodiscard]] virtual std::string_view decimal_aggregate(bool) const noexcept { return {}; }
  // The function that adds ('+'), subtracts ('-') or multiplies ('*') two numbers of which one
  // is a decimal exactly, giving its text: "" where the operators are exact already (SQLite's
  // double arithmetic makes 35.40 * 3 106.19999999999999; decimal_add/_sub/_mul are registered
  // by the driver).
  [[nodiscard]] virtual std::string_view decimal_arithmetic(char) const noexcept { return {}; }
  // True where a decimal parameter, bound as its text, compares as text with an expression that
  // is not a column (SQLite: any number is less than any text), so that it is written as
  // CAST(? AS NUMERIC) there; a column's NUMERIC affinity converts it already.
  [[nodiscard]] virtual bool decimal_parameter_needs_cast() const noexcept { return false; }
  // The SQL of a json operation, with {x} for the json value, {p} for the path (a bound
  // json_path()) and {n} for the needle of `in`; each may appear several times.
  [[nodiscard]] virtual std::string_view json_template(json_op op) const noexcept = 0;
  // Python's s.strip(chars) (side 0), lstrip (1) and rstrip (2): {x} the string, {c} the
  // characters (a set, as in Python; each may appear several times).
  [[nodiscard]] virtual std::string_view trim_template(int side) const noexcept = 0;
  // The path of a subscript chain as the dialect's functions take it: `$."tags"[0]`, `{tags,0}`.
  [[nodiscard]] virtual std::string json_path(const std::vector<value>& path) const = 0;
};

// A finite double as a float literal: the shortest text that reads back as it, with a '.'.
[[nodiscard]] std::string real_literal(double v);

// The dialects; each object is immutable and lives for the program.
const dialect& sqlite_dialect() noexcept;
const dialect& postgres_dialect() noexcept;
const dialect& mariadb_dialect() noexcept;
// By name ("sqlite", "postgres", "mariadb"); null when unknown.
const dialect* find_dialect(std::string_view name) noexcept;

}  // namespace nextorm::lower
