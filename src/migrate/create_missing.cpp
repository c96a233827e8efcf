#include "migrate/create_missing.hpp"

#include <nextorm/errors.hpp>

#include "migrate/ddl.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nextorm::schema_change {
namespace {

// The catalog query that finds an object of `what` by name, whatever its letter case, in the
// current database (or schema); its parameters are the name, and for an index or a key the
// table's name as the database spells it.
std::string lookup_sql(schema_object::kind what, const lower::dialect& d) {
  const std::string name = d.placeholder(0);
  const std::string table = d.placeholder(1);
  if (d.name() == "sqlite") {
    if (what == schema_object::kind::table) {
      return "SELECT name FROM sqlite_master WHERE type = 'table' AND upper(name) = upper(" + name +
             ")";
    }
    return "SELECT name FROM sqlite_master WHERE type = 'index' AND upper(name) = upper(" + name +
           ") AND tbl_name = " + table;
  }
  if (d.name() == "postgres") {
    switch (what) {
      case schema_object::kind::table:
        return "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
               "AND lower(tablename) = lower(" +
               name + ")";
      case schema_object::kind::index:
        return "SELECT indexname FROM pg_catalog.pg_indexes WHERE schemaname = current_schema() "
               "AND lower(indexname) = lower(" +
               name + ") AND tablename = " + table;
      case schema_object::kind::foreign_key:
        return "SELECT con.conname FROM pg_catalog.pg_constraint con "
               "JOIN pg_catalog.pg_class cls ON con.conrelid = cls.oid "
               "WHERE cls.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace "
               "WHERE nspname = current_schema()) AND con.contype = 'f' "
               "AND lower(con.conname) = lower(" +
               name + ") AND cls.relname = " + table;
    }
  }
  switch (what) {
    case schema_object::kind::table:
      return "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
             "AND UPPER(table_name) = UPPER(" +
             name + ")";
    case schema_object::kind::index:
      return "SELECT index_name FROM information_schema.statistics WHERE table_schema = "
             "DATABASE() AND UPPER(index_name) = UPPER(" +
             name + ") AND table_name = " + table;
    case schema_object::kind::foreign_key: break;
  }
  return "SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = "
         "DATABASE() AND constraint_type = 'FOREIGN KEY' AND UPPER(constraint_name) = UPPER(" +
         name + ") AND table_name = " + table;
}

std::optional<std::string> existing_name(driver::connection& connection,
                                         const schema_object& object,
                                         const lower::dialect& dialect) {
  std::vector<value> params{value{object.name}};
  if (object.what != schema_object::kind::table) params.emplace_back(object.table);
  auto rows = connection.query(lookup_sql(object.what, dialect), params);
  if (!rows->next()) return std::nullopt;
  return std::string{rows->get_text(0)};
}

std::string_view type_name(schema_object::kind what) {
  switch (what) {
    case schema_object::kind::table: return "table";
    case schema_object::kind::index: return "index";
    case schema_object::kind::foreign_key: break;
  }
  return "foreign key";
}

}  // namespace

std::size_t create_missing(driver::connection& connection, const registry& schema,
                           const lower::dialect& dialect) {
  std::size_t statements = 0;
  std::set<std::string> created_now;
  for (const schema_object& object : schema_objects(schema, dialect)) {
    // An index or key that its table's CREATE TABLE made needs no look-up.
    if (object.with_table && created_now.count(object.table) != 0) continue;
    const std::optional<std::string> found = existing_name(connection, object, dialect);
    if (!found) {
      connection.execute_script(object.sql);
      ++statements;
      if (object.what == schema_object::kind::table) created_now.insert(object.table);
      continue;
    }
    if (*found != object.name) {
      const std::string_view type = type_name(object.what);
      throw schema_error("migrate.name_case",
                         std::string{type} + " " + dialect.quote(object.name) +
                             " cannot be created, because " + std::string{type} + " " +
                             dialect.quote(*found) +
                             " (with a different letter case) already exists in the database; "
                             "rename or delete it first");
    }
  }
  return statements;
}

void check_tables(driver::connection& connection, const registry& schema,
                  const lower::dialect& dialect) {
  for (const schema_object& object : schema_objects(schema, dialect)) {
    if (object.what != schema_object::kind::table) continue;
    // Qualified names: SQLite reads an unknown "name" alone as a string, not as an error.
    const std::string table = dialect.quote(object.name);
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < object.columns.size(); ++i) {
      sql += (i == 0 ? "" : ", ") + table + "." + dialect.quote(object.columns[i]);
    }
    sql += " FROM " + table + " WHERE 0 = 1";
    try {
      auto rows = connection.query(sql, {});
      (void)rows->next();
    } catch (const connection_error&) {
      throw;  // not the table's fault
    } catch (const database_error& e) {
      throw schema_error("migrate.table_mismatch",
                         "table " + dialect.quote(object.name) +
                             " does not have the columns its entity needs: " + e.message());
    }
  }
}

}  // namespace nextorm::schema_change
