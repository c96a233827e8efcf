#include "lower/dialect.hpp"

#include "lower/dialect_common.hpp"

#include <nextorm/errors.hpp>

#include <charconv>

namespace nextorm::lower {

namespace detail {

void append_quoted_with(std::string& out, std::string_view identifier, char quote_char) {
  out.push_back(quote_char);
  for (char c : identifier) {
    if (c == quote_char) out.push_back(quote_char);
    out.push_back(c);
  }
  out.push_back(quote_char);
}

void append_number(std::string& out, std::size_t n) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, n);
  (void)ec;  // 24 bytes hold any 64-bit number
  out.append(buffer, end);
}

std::string sized_int_type(const attr_info& attr) {
  std::string out;
  switch (attr.int_size) {
    case 8: out = "TINYINT"; break;
    case 16: out = "SMALLINT"; break;
    case 24: out = "MEDIUMINT"; break;
    case 32: out = "INTEGER"; break;
    default: out = "BIGINT"; break;  // 64: the registry allows no other size
  }
  if (attr.is_unsigned) out += " UNSIGNED";
  return out;
}

std::string decimal_args(const attr_info& attr) {
  std::string out{"("};
  append_number(out, attr.precision == 0 ? 12 : attr.precision);
  out += ", ";
  append_number(out, attr.precision == 0 ? 2 : attr.scale);
  out += ')';
  return out;
}

std::string dollar_json_path(const std::vector<value>& path) {
  std::string out{"$"};
  for (const value& step : path) {
    if (step.type() == value_type::integer) {
      out += '[' + std::to_string(step.as_int()) + ']';
      continue;
    }
    out += ".\"";
    for (char c : step.as_text()) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out;
}

void throw_untyped(const attr_info& attr) {
  std::string owner = attr.owner != nullptr ? attr.owner->name + "." : std::string{};
  throw schema_error{"schema.untyped_attribute",
                     "attribute " + owner + attr.name + " has no type, so it has no column type"};
}

}  // namespace detail

std::string real_literal(double v) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  std::string out{buffer, result.ptr};
  // A float literal stays one: `3` would make `x / 3` an integer division.
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

std::string dialect::text_literal(std::string_view text) const {
  // MariaDB reads backslash escapes in string literals unless NO_BACKSLASH_ESCAPES is set.
  const bool escape_backslash = name() == "mariadb";
  std::string out{"'"};
  for (char c : text) {
    if (c == '\'' || (c == '\\' && escape_backslash)) out.push_back(c);
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string dialect::discriminator_literal(const value& v) const {
  return v.type() == value_type::integer ? std::to_string(v.as_int()) : text_literal(v.as_text());
}

std::string dialect::class_condition(const entity_info& entity, std::string_view alias) const {
  if (!entity.in_hierarchy()) return {};
  std::string out;
  if (!alias.empty()) out += std::string{alias} + ".";
  out += quote(entity.discriminator_attr->column) + " IN (" +
         discriminator_literal(entity.discriminator_value);
  for (const entity_info* sub : entity.subclasses)
    out += ", " + discriminator_literal(sub->discriminator_value);
  return out + ")";
}

const dialect* find_dialect(std::string_view name) noexcept {
  for (const dialect* d : {&sqlite_dialect(), &postgres_dialect(), &mariadb_dialect()}) {
    if (d->name() == name) return d;
  }
  return nullptr;
}

}  // namespace nextorm::lower
