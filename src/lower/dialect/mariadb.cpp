// MariaDB: backticks, `?` placeholders, CONCAT(), DIV, TINYINT(1) booleans.
#include "lower/dialect.hpp"
#include "lower/dialect_common.hpp"

#include <cstdio>

namespace nextorm::lower {
namespace {

class mariadb final : public dialect {
 public:
  std::string_view name() const noexcept override { return "mariadb"; }
  std::string quote(std::string_view identifier) const override {
    std::string out;
    append_quoted(out, identifier);
    return out;
  }
  std::string placeholder(std::size_t) const override { return "?"; }
  std::string column_type(const attr_info& attr) const override {
    switch (attr.type) {
      case value_type::integer: return attr.int_size == 0 ? "BIGINT" : detail::sized_int_type(attr);
      case value_type::real: return "DOUBLE";
      case value_type::boolean: return "TINYINT(1)";
      case value_type::text:
        // PonyORM's MySQL provider: a str without max_len is VARCHAR(255), so that it can be a
        // key, unique, indexed or a foreign key (a LONGTEXT key is error 1170); a LongStr is
        // LONGTEXT, as PonyORM has it.
        if (attr.long_str) return "LONGTEXT";
        return "VARCHAR(" + std::to_string(attr.max_len ? *attr.max_len : 255) + ")";
      case value_type::decimal: return "DECIMAL" + detail::decimal_args(attr);
      case value_type::date: return "DATE";
      case value_type::datetime: return "DATETIME(6)";
      case value_type::time: return "TIME(6)";
      case value_type::interval: return "TIME(6)";  // PonyORM's TIME, with microseconds
      case value_type::bytes: return "LONGBLOB";
      // PonyORM's MySQL provider: the 16 bytes (the driver binds and reads them).
      case value_type::uuid: return "BINARY(16)";
      // PonyORM's MySQL provider: JSON, which MariaDB keeps as a LONGTEXT with a CHECK
      // (json_valid) that tells it from a LongStr when the catalog is read back.
      case value_type::json: return "JSON";
      case value_type::null:
      case value_type::tuple: break;  // coverage-exempt: no attribute has these types
    }
    detail::throw_untyped(attr);
  }
  std::string auto_increment_pk() const override { return "BIGINT AUTO_INCREMENT PRIMARY KEY"; }
  bool has_returning() const noexcept override { return false; }

  void append_quoted(std::string& out, std::string_view identifier) const override {
    detail::append_quoted_with(out, identifier, '`');
  }
  void append_placeholder(std::string& out, std::size_t) const override { out += '?'; }
  std::string_view bool_literal(bool v) const noexcept override { return v ? "1" : "0"; }
  bool concat_is_function() const noexcept override { return true; }
  // `/` is exact division in MariaDB; DIV truncates like the other dialects' integer `/`.
  std::string_view int_div_operator() const noexcept override { return " DIV "; }
  std::string_view length_function() const noexcept override { return "char_length"; }
  bool has_real_modulo() const noexcept override { return true; }
  bool has_limit_in_subquery() const noexcept override { return false; }
  // MariaDB has no OFFSET without LIMIT: the largest unsigned 64-bit number stands for none.
  void append_limit(std::string& out, std::string_view limit,
                    std::string_view offset) const override {
    out += "LIMIT ";
    out += limit.empty() ? std::string_view{"18446744073709551615"} : limit;
    if (!offset.empty()) {
      out += " OFFSET ";
      out += offset;
    }
  }
  affixes date_part(std::string_view part, value_type) const override {
    return {std::string{part} + "(", ")"};
  }
  affixes date_of() const override { return {"DATE(", ")"}; }
  // CAST(x AS SIGNED) rounds a number; Python's int() truncates.
  affixes cast(value_type to, value_type from) const override {
    bool number = from == value_type::real || from == value_type::decimal;
    if (to == value_type::integer && number) return {"CAST(TRUNCATE(", ", 0) AS SIGNED)"};
    if (to == value_type::integer) return {"CAST(", " AS SIGNED)"};
    if (to == value_type::real) return {"CAST(", " AS DOUBLE)"};
    return {"CAST(", " AS CHAR)"};
  }
  // Microseconds: TIME, PonyORM's column, is read as its seconds; a difference is counted by
  // TIMESTAMPDIFF, which has no TIME's ±838 hours.
  std::string interval_literal(std::int64_t micros) const override {
    // (Unsigned: the magnitude of the most negative interval is no int64.)
    const std::uint64_t magnitude =
        micros < 0 ? 0 - static_cast<std::uint64_t>(micros) : static_cast<std::uint64_t>(micros);
    char text[48];
    std::snprintf(text, sizeof text, "%s%llu:%02llu:%02llu.%06llu", micros < 0 ? "-" : "",
                  static_cast<unsigned long long>(magnitude / 3'600'000'000),
                  static_cast<unsigned long long>(magnitude / 60'000'000 % 60),
                  static_cast<unsigned long long>(magnitude / 1'000'000 % 60),
                  static_cast<unsigned long long>(magnitude % 1'000'000));
    return text_literal(text);
  }
  std::string interval_constant(std::int64_t micros) const override {
    return std::to_string(micros);
  }
  affixes interval_column() const override {
    return {"CAST(TIME_TO_SEC(", ") * 1000000 AS SIGNED)"};
  }
  bool interval_parameter_as_micros() const noexcept override { return true; }
  // (`= 1`: MariaDB 10.11 lets a NULL of JSON_EQUALS through a WHERE as true.)
  infixes json_equals() const override { return {"(JSON_EQUALS(", ", ", ") = 1)"}; }
  // PonyORM's list, on the compact text (JSON_COMPACT); 0.0 too, which is Python's false.
  affixes json_truth() const override {
    return {"coalesce(JSON_COMPACT(",
            "), 'null') NOT IN ('null', 'false', '0', '0.0', '\"\"', '[]', '{}')"};
  }
  infixes interval_between(bool is_date) const override {
    if (is_date) return {"(DATEDIFF(", ", ", ") * 86400000000)"};
    return {"(-TIMESTAMPDIFF(MICROSECOND, ", ", ", "))"};
  }
  // DATE() of the moved datetime: the floored day.
  infixes add_interval(bool subtract, bool is_date) const override {
    std::string middle = subtract ? " - INTERVAL (" : " + INTERVAL (";
    return {is_date ? "DATE(" : "(", std::move(middle), ") MICROSECOND)"};
  }
  std::string_view least_function(bool greatest) const noexcept override {
    return greatest ? "greatest" : "least";
  }
  std::string_view case_function(bool upper) const noexcept override {
    return upper ? "upper" : "lower";
  }
  std::string_view random_expression() const noexcept override { return "rand()"; }
  bool has_py_slice() const noexcept override { return false; }
  bool stores_infinity() const noexcept override { return false; }
  lower::group_concat_style group_concat_style() const noexcept override {
    return lower::group_concat_style::separator_clause;
  }
  std::string_view null_safe_equal() const noexcept override { return " <=> "; }
  bool has_for_update() const noexcept override { return true; }
  bool has_for_update_of_distinct() const noexcept override { return true; }
  // JSON_VALUE gives a scalar's text (NULL for JSON null, an array or an object).
  std::string_view json_template(json_op op) const noexcept override {
    switch (op) {
      case json_op::get: return "JSON_EXTRACT({x}, {p})";
      case json_op::value_int: return "CAST(JSON_VALUE({x}, {p}) AS SIGNED)";
      case json_op::value_real: return "CAST(JSON_VALUE({x}, {p}) AS DOUBLE)";
      case json_op::value_text: return "JSON_VALUE({x}, {p})";
      // JSON true and false, else the number (1 == True, as in Python and PonyORM).
      case json_op::value_bool:
        return "CASE JSON_EXTRACT({x}, {p}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 ELSE "
               "CAST(JSON_VALUE({x}, {p}) AS SIGNED) END";
      case json_op::is_null: return "coalesce(JSON_TYPE(JSON_EXTRACT({x}, {p})), 'NULL') = 'NULL'";
      case json_op::contains: break;
      // (JSON_LENGTH counts an object's keys too, as PonyORM's json_length does.)
      case json_op::length: return "JSON_LENGTH({x}, {p})";
    }
    return "JSON_CONTAINS(CASE JSON_TYPE(JSON_EXTRACT({x}, {p})) WHEN 'OBJECT' THEN "
           "JSON_KEYS({x}, {p}) WHEN 'ARRAY' THEN JSON_EXTRACT({x}, {p}) END, JSON_QUOTE({n}))";
  }
  std::string json_path(const std::vector<value>& path) const override {
    return detail::dollar_json_path(path);
  }  // MariaDB's TRIM removes a string, not a set of characters (PonyORM's translation, wrong
  // for two characters or more): a regular expression whose class quotes the characters
  // (\Q...\E, a \E among them written as \E\\\QE), case-sensitive whatever the collation, and
  // anchored at the very start and end (\A, \z: `$` would stop before a final newline). An empty
  // set strips nothing, as in Python.
  std::string_view trim_template(int side) const noexcept override {
    switch (side) {
      case 0:
        return "CASE WHEN {c} = '' THEN {x} ELSE REGEXP_REPLACE({x}, CONCAT('(?-i)\\\\A[\\\\Q', "
               "REPLACE({c}, '\\\\E', '\\\\E\\\\\\\\\\\\QE'), '\\\\E]+|[\\\\Q', REPLACE({c}, "
               "'\\\\E', '\\\\E\\\\\\\\\\\\QE'), '\\\\E]+\\\\z'), '') END";
      case 1:
        return "CASE WHEN {c} = '' THEN {x} ELSE REGEXP_REPLACE({x}, CONCAT('(?-i)\\\\A[\\\\Q', "
               "REPLACE({c}, '\\\\E', '\\\\E\\\\\\\\\\\\QE'), '\\\\E]+'), '') END";
      default:
        return "CASE WHEN {c} = '' THEN {x} ELSE REGEXP_REPLACE({x}, CONCAT('(?-i)[\\\\Q', "
               "REPLACE({c}, '\\\\E', '\\\\E\\\\\\\\\\\\QE'), '\\\\E]+\\\\z'), '') END";
    }
  }
};

// Constant-initialized (no guard on each call, no construction-order question): the dialect is
// stateless.
constinit const mariadb instance{};

}  // namespace

const dialect& mariadb_dialect() noexcept { return instance; }

}  // namespace nextorm::lower
