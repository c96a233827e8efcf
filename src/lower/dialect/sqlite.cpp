// SQLite: PonyORM's own column types, `?` placeholders, integers for booleans.
#include "lower/dialect.hpp"
#include "lower/dialect_common.hpp"

#include "common/timedelta_parts.hpp"

namespace nextorm::lower {
namespace {

class sqlite final : public dialect {
 public:
  std::string_view name() const noexcept override { return "sqlite"; }
  std::string quote(std::string_view identifier) const override {
    std::string out;
    append_quoted(out, identifier);
    return out;
  }
  std::string placeholder(std::size_t) const override { return "?"; }
  std::string column_type(const attr_info& attr) const override {
    switch (attr.type) {
      case value_type::integer:
        return attr.int_size == 0 ? "INTEGER" : detail::sized_int_type(attr);
      case value_type::real: return "REAL";
      case value_type::boolean: return "BOOLEAN";
      case value_type::text:
        if (attr.max_len) return "VARCHAR(" + std::to_string(*attr.max_len) + ")";
        return "TEXT";
      case value_type::decimal: return "DECIMAL" + detail::decimal_args(attr);
      case value_type::date: return "DATE";
      case value_type::datetime: return "DATETIME";
      case value_type::time: return "TIME";
      case value_type::bytes: return "BLOB";
      case value_type::uuid: return "UUID";
      case value_type::json: return "JSON";
      case value_type::interval: return "INTERVAL";
      case value_type::null:
      case value_type::tuple: break;  // coverage-exempt: no attribute has these types
    }
    detail::throw_untyped(attr);
  }
  // AUTOINCREMENT needs exactly INTEGER (an alias of the rowid).
  std::string auto_increment_pk() const override { return "INTEGER PRIMARY KEY AUTOINCREMENT"; }
  bool has_returning() const noexcept override { return false; }

  void append_quoted(std::string& out, std::string_view identifier) const override {
    detail::append_quoted_with(out, identifier, '"');
  }
  void append_placeholder(std::string& out, std::size_t) const override { out += '?'; }
  std::string_view bool_literal(bool v) const noexcept override { return v ? "1" : "0"; }
  bool concat_is_function() const noexcept override { return false; }
  std::string_view int_div_operator() const noexcept override { return " / "; }
  std::string_view length_function() const noexcept override { return "length"; }
  bool has_real_modulo() const noexcept override { return true; }
  bool has_limit_in_subquery() const noexcept override { return true; }
  // SQLite needs a LIMIT before OFFSET; -1 means no limit.
  void append_limit(std::string& out, std::string_view limit,
                    std::string_view offset) const override {
    out += "LIMIT ";
    out += limit.empty() ? std::string_view{"-1"} : limit;
    if (!offset.empty()) {
      out += " OFFSET ";
      out += offset;
    }
  }
  // Dates are ISO text: the parts are substrings, as PonyORM reads them.
  affixes date_part(std::string_view part, value_type type) const override {
    std::string_view range = ", 1, 4";
    if (part == "month") range = ", 6, 2";
    if (part == "day") range = ", 9, 2";
    bool time = type == value_type::time;
    if (part == "hour") range = time ? ", 1, 2" : ", 12, 2";
    if (part == "minute") range = time ? ", 4, 2" : ", 15, 2";
    if (part == "second") range = time ? ", 7, 2" : ", 18, 2";
    return {"cast(substr(", std::string{range} + ") as integer)"};
  }
  affixes date_of() const override { return {"date(", ")"}; }
  affixes cast(value_type to, value_type) const override {
    if (to == value_type::integer) return {"CAST(", " AS integer)"};
    if (to == value_type::real) return {"CAST(", " AS real)"};
    return {"CAST(", " AS text)"};
  }
  // Days in a double, as PonyORM stores a timedelta; the arithmetic is the driver's own
  // functions (src/driver/sqlite/sqlite_intervals.cpp), exact to the microsecond.
  std::string interval_literal(std::int64_t micros) const override {
    return interval_constant(micros);
  }
  std::string interval_constant(std::int64_t micros) const override {
    return real_literal(nextorm::detail::days_of(micros));
  }
  infixes interval_between(bool) const override { return {"py_timedelta_between(", ", ", ")"}; }
  // PonyORM's list, on the minified text (json()); 0.0 too, which is Python's false.
  affixes json_truth() const override {
    return {"coalesce(json(",
            "), 'null') NOT IN ('null', 'false', '0', '0.0', '\"\"', '[]', '{}')"};
  }
  infixes add_interval(bool subtract, bool is_date) const override {
    std::string before = is_date ? "py_date_add(" : "py_datetime_add(";
    if (subtract) return {std::move(before), ", -(", "))"};
    return {std::move(before), ", ", ")"};
  }
  std::string_view least_function(bool greatest) const noexcept override {
    return greatest ? "max" : "min";
  }
  std::string_view case_function(bool upper) const noexcept override {
    return upper ? "py_upper" : "py_lower";
  }
  // random() is a 64-bit integer: scaled into [0, 1).
  std::string_view random_expression() const noexcept override {
    return "(random() / 18446744073709551616.0 + 0.5)";
  }
  bool has_py_slice() const noexcept override { return true; }
  bool has_py_affix() const noexcept override { return true; }
  lower::group_concat_style group_concat_style() const noexcept override {
    return lower::group_concat_style::comma_argument;
  }
  std::string_view null_safe_equal() const noexcept override { return " IS "; }
  bool has_for_update() const noexcept override { return false; }
  bool has_for_update_of_distinct() const noexcept override { return true; }
  bool uuid_is_blob() const noexcept override { return true; }
  std::string_view decimal_aggregate(bool average) const noexcept override {
    return average ? "decimal_avg" : "decimal_sum";
  }
  bool decimal_parameter_needs_cast() const noexcept override { return true; }
  std::string_view decimal_arithmetic(char op) const noexcept override {
    return op == '+' ? "decimal_add" : op == '-' ? "decimal_sub" : "decimal_mul";
  }
  // json_extract gives SQL values for JSON scalars; `->` gives JSON text (SQLite 3.38).
  std::string_view json_template(json_op op) const noexcept override {
    switch (op) {
      case json_op::get: return "({x} -> {p})";
      case json_op::value_int:
      case json_op::value_bool: return "CAST(json_extract({x}, {p}) AS INTEGER)";
      case json_op::value_real: return "CAST(json_extract({x}, {p}) AS REAL)";
      case json_op::value_text: return "CAST(json_extract({x}, {p}) AS TEXT)";
      case json_op::is_null: return "json_extract({x}, {p}) IS NULL";
      case json_op::contains: break;
      // As PonyORM reads it: 0 for an element that is no array or is missing, NULL only for
      // a NULL value.
      case json_op::length:
        return "CASE WHEN {x} IS NULL THEN NULL ELSE coalesce(json_array_length({x}, {p}), 0) END";
    }
    // Object keys are text, array keys integers; a scalar has none and contains nothing.
    return "EXISTS (SELECT 1 FROM json_each({x}, {p}) \"json-each\" WHERE CASE "
           "typeof(\"json-each\".\"key\") WHEN 'text' THEN \"json-each\".\"key\" WHEN 'integer' "
           "THEN \"json-each\".\"value\" END = {n})";
  }
  std::string json_path(const std::vector<value>& path) const override {
    return detail::dollar_json_path(path);
  }
  // SQLite's trim functions take a set of characters, as Python's do.
  std::string_view trim_template(int side) const noexcept override {
    return side == 0 ? "trim({x}, {c})" : side == 1 ? "ltrim({x}, {c})" : "rtrim({x}, {c})";
  }
};

// Constant-initialized (no guard on each call, no construction-order question): the dialect is
// stateless.
constinit const sqlite instance{};

}  // namespace

const dialect& sqlite_dialect() noexcept { return instance; }

}  // namespace nextorm::lower
