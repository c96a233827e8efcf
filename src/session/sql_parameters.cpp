// `$name` parameters of raw SQL (select_by_sql, migration steps): bound, never spliced in.
#include "session/sql_parameters.hpp"

#include <nextorm/errors.hpp>

#include <cctype>

namespace nextorm::detail {

namespace {

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool name_char(char c) { return name_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0; }

// The value a `$name` binds: a scalar, or an object's key.
value bound_value(const params& args, const std::string& name) {
  const auto found = args.find(name);
  if (found == args.end()) {
    throw usage_error("param.missing", "no value passed for parameter '" + name +
                                           "' of the SQL; pass it with its parameters");
  }
  const param_value& v = found->second;
  if (v.is_entity())
    return v.entity().object != nullptr ? v.entity().object->key() : v.entity().key;
  if (!v.is_scalar()) {
    throw usage_error("param.sequence",
                      "parameter '" + name + "' is a sequence or a query where a value is needed");
  }
  return v.scalar();
}

}  // namespace

std::string bind_sql_parameters(std::string_view sql, const params& args, const lower::dialect& d,
                                std::vector<value>& values) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;  // inside '...', "..." or `...`: nothing is a parameter
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;  // (a doubled quote closes and opens again)
      out += c;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      quote = c;
    } else if (c == '$' && i + 1 < sql.size() && name_start(sql[i + 1])) {
      std::size_t end = i + 1;
      while (end < sql.size() && name_char(sql[end])) ++end;
      values.push_back(bound_value(args, std::string{sql.substr(i + 1, end - i - 1)}));
      d.append_placeholder(out, values.size() - 1);
      i = end - 1;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace nextorm::detail
