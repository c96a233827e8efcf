// PonyORM's select_by_sql and get_by_sql: the objects of a raw SELECT's rows, through the
// identity map, with `$name` parameters bound (never spliced into the SQL).
#include <nextorm/entity.hpp>
#include <nextorm/errors.hpp>

#include "materialize/materializer.hpp"
#include "session/relation_sql.hpp"
#include "session/session_impl.hpp"

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

// `sql` with each `$name` outside quotes made a placeholder, its value appended to `values`.
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

}  // namespace

objects_by_sql_result objects_by_sql(const void* type_tag, std::string_view sql,
                                     const params& args) {
  session_impl& session = session_impl::current();
  const entity_info& entity = session.db().entity_of(type_tag);
  session.flush();  // the SQL sees the session's changes, as a query does
  const lower::dialect& d = session.db().dialect();
  std::vector<value> values;
  // The entity's columns by name from the user's rows, whatever their order: the statement
  // is a derived table.
  std::string wrapped = select_all(entity, d);
  wrapped.replace(wrapped.find(" FROM ") + 6, std::string::npos,
                  // (Lines of their own: a `--` comment at the end stays the SQL's.)
                  "(\n" + bind_sql_parameters(sql, args, d, values) + "\n) t");
  const std::string of_class = d.class_condition(entity, "t");
  if (!of_class.empty()) wrapped += " WHERE " + of_class;
  objects_by_sql_result out;
  {
    auto rows = session.connection().query(wrapped, values);
    auto& objects = session.objects().objects_of(entity);
    while (rows->next()) out.objects.push_back(materialize::materialize_object(*rows, 0, objects));
  }
  session.run_after_load();
  out.keeper = session.keeper();
  return out;
}

}  // namespace nextorm::detail
