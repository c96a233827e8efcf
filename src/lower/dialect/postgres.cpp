// PostgreSQL: 64-bit integers, `$n` placeholders, real booleans, RETURNING.
#include "lower/dialect.hpp"
#include "lower/dialect_common.hpp"

#include "common/timedelta_parts.hpp"

namespace nextorm::lower {
namespace {

// PonyORM's: PostgreSQL has no 8- and 24-bit integers nor unsigned ones, so an int of a declared
// size gets the smallest type that holds its range.
const char* int_type(const attr_info& attr) {
  switch (attr.int_size) {
    case 8: return "SMALLINT";
    case 16: return attr.is_unsigned ? "INTEGER" : "SMALLINT";
    case 24: return "INTEGER";
    case 32: return attr.is_unsigned ? "BIGINT" : "INTEGER";
    default: return "BIGINT";  // 0 (NextORM's default) and 64
  }
}

class postgres final : public dialect {
 public:
  std::string_view name() const noexcept override { return "postgres"; }
  std::string quote(std::string_view identifier) const override {
    std::string out;
    append_quoted(out, identifier);
    return out;
  }
  std::string placeholder(std::size_t index) const override {
    std::string out;
    append_placeholder(out, index);
    return out;
  }
  std::string column_type(const attr_info& attr) const override {
    switch (attr.type) {
      case value_type::integer: return int_type(attr);
      case value_type::real: return "DOUBLE PRECISION";
      case value_type::boolean: return "BOOLEAN";
      case value_type::text:
        if (attr.max_len) return "VARCHAR(" + std::to_string(*attr.max_len) + ")";
        return "TEXT";
      case value_type::decimal: return "NUMERIC" + detail::decimal_args(attr);
      case value_type::date: return "DATE";
      case value_type::datetime: return "TIMESTAMP";
      case value_type::time: return "TIME";
      case value_type::bytes: return "BYTEA";
      case value_type::uuid: return "UUID";
      case value_type::json: return "JSONB";
      case value_type::interval: return "INTERVAL DAY TO SECOND";
      case value_type::null:
      case value_type::tuple: break;  // coverage-exempt: no attribute has these types
    }
    detail::throw_untyped(attr);
  }
  // BIGSERIAL so that the key matches the BIGINT foreign keys that reference it.
  std::string auto_increment_pk() const override { return "BIGSERIAL PRIMARY KEY"; }
  bool has_returning() const noexcept override { return true; }

  void append_quoted(std::string& out, std::string_view identifier) const override {
    detail::append_quoted_with(out, identifier, '"');
  }
  void append_placeholder(std::string& out, std::size_t index) const override {
    out += '$';
    detail::append_number(out, index + 1);
  }
  std::string_view bool_literal(bool v) const noexcept override { return v ? "true" : "false"; }
  bool concat_is_function() const noexcept override { return false; }
  std::string_view int_div_operator() const noexcept override { return " / "; }
  std::string_view length_function() const noexcept override { return "length"; }
  bool has_real_modulo() const noexcept override { return false; }
  bool has_limit_in_subquery() const noexcept override { return true; }
  void append_limit(std::string& out, std::string_view limit,
                    std::string_view offset) const override {
    if (!limit.empty()) {
      out += "LIMIT ";
      out += limit;
      if (!offset.empty()) out += ' ';
    }
    if (!offset.empty()) {
      out += "OFFSET ";
      out += offset;
    }
  }
  // EXTRACT gives a numeric (with the fraction of a second): Python's parts are ints.
  affixes date_part(std::string_view part, value_type) const override {
    std::string upper;
    for (char c : part) upper += static_cast<char>(c - 'a' + 'A');
    return {"CAST(floor(EXTRACT(" + upper + " FROM ", ")) AS INTEGER)"};
  }
  affixes date_of() const override { return {"CAST(", " AS DATE)"}; }
  affixes cast(value_type to, value_type from) const override {
    if (from == value_type::boolean && to != value_type::text) {
      // PostgreSQL casts a boolean to INTEGER only.
      affixes through = cast(to, value_type::integer);
      return {through.before + "CAST(", " AS INTEGER)" + through.after};
    }
    bool number = from == value_type::real || from == value_type::decimal;
    if (to == value_type::integer && number) return {"CAST(trunc(", ") AS BIGINT)"};
    if (to == value_type::integer) return {"CAST(", " AS BIGINT)"};
    if (to == value_type::real) return {"CAST(", " AS DOUBLE PRECISION)"};
    return {"CAST(", " AS TEXT)"};
  }
  // Its own INTERVAL; a parameter declares its type (postgres_params.cpp).
  std::string interval_literal(std::int64_t micros) const override {
    return text_literal(nextorm::detail::interval_input_text(micros));
  }
  std::string interval_constant(std::int64_t micros) const override {
    return "INTERVAL " + interval_literal(micros);
  }
  // jsonb compares numbers as numbers (0.0 is 0) and ignores whitespace.
  affixes json_truth() const override {
    return {"coalesce(",
            ", 'null'::jsonb) NOT IN ('null'::jsonb, 'false'::jsonb, '0'::jsonb, '\"\"'::jsonb, "
            "'[]'::jsonb, '{}'::jsonb)"};
  }
  infixes interval_between(bool is_date) const override {
    if (is_date) return {"((", " - ", ") * INTERVAL '1 day')"};  // date - date is an integer
    return {"(", " - ", ")"};
  }
  // A date plus an interval is a timestamp: its date is the floored day.
  affixes typed_date_parameter(value_type type) const override {
    return {"CAST(", type == value_type::date ? " AS DATE)" : " AS TIMESTAMP)"};
  }
  infixes add_interval(bool subtract, bool is_date) const override {
    std::string middle = subtract ? " - " : " + ";
    if (is_date) return {"CAST(", std::move(middle), " AS DATE)"};
    return {"(", std::move(middle), ")"};
  }
  std::string_view least_function(bool greatest) const noexcept override {
    return greatest ? "greatest" : "least";
  }
  std::string_view case_function(bool upper) const noexcept override {
    return upper ? "upper" : "lower";
  }
  std::string_view random_expression() const noexcept override { return "random()"; }
  bool has_py_slice() const noexcept override { return false; }
  bool stores_nul_in_text() const noexcept override { return false; }
  lower::group_concat_style group_concat_style() const noexcept override {
    return lower::group_concat_style::string_agg;
  }
  affixes substr_argument() const override { return {"CAST(", " AS INTEGER)"}; }
  std::string_view null_safe_equal() const noexcept override { return " IS NOT DISTINCT FROM "; }
  bool has_for_update() const noexcept override { return true; }
  bool has_for_update_of_distinct() const noexcept override { return false; }
  // jsonb operators with a text[] path: #> gives jsonb, #>> text (NULL for JSON null).
  std::string_view json_template(json_op op) const noexcept override {
    switch (op) {
      case json_op::get: return "({x} #> {p})";
      case json_op::value_int: return "CAST(({x} #>> {p}) AS bigint)";
      case json_op::value_real: return "CAST(({x} #>> {p}) AS double precision)";
      case json_op::value_text: return "({x} #>> {p})";
      case json_op::value_bool: return "CAST(({x} #>> {p}) AS boolean)";
      case json_op::is_null: return "({x} #>> {p}) IS NULL";
      case json_op::contains: break;
      // (An element that is no array is an error, as in PonyORM.)
      case json_op::length: return "jsonb_array_length({x} #> {p})";
    }
    return "jsonb_exists({x} #> {p}, {n})";
  }
  // A text[] literal: {"tags","0"}, with `"` and `\` escaped.
  std::string json_path(const std::vector<value>& path) const override {
    std::string out{"{"};
    for (const value& step : path) {
      if (out.size() > 1) out += ',';
      out += '"';
      const std::string text =
          step.type() == value_type::integer ? std::to_string(step.as_int()) : step.as_text();
      for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    }
    return out + "}";
  }  // PostgreSQL's btrim, ltrim and rtrim take a set of characters, as Python's do.
  std::string_view trim_template(int side) const noexcept override {
    return side == 0 ? "btrim({x}, {c})" : side == 1 ? "ltrim({x}, {c})" : "rtrim({x}, {c})";
  }
};

// Constant-initialized (no guard on each call, no construction-order question): the dialect is
// stateless.
constinit const postgres instance{};

}  // namespace

const dialect& postgres_dialect() noexcept { return instance; }

}  // namespace nextorm::lower
