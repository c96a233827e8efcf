// PonyORM's select_by_sql and get_by_sql: the objects of a raw SELECT's rows, through the
// identity map, with `$name` parameters bound (never spliced into the SQL).
#include <nextorm/entity.hpp>
#include <nextorm/errors.hpp>

#include "materialize/materializer.hpp"
#include "session/relation_sql.hpp"
#include "session/session_impl.hpp"
#include "session/sql_parameters.hpp"

namespace nextorm::detail {

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
