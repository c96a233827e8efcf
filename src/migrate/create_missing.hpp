// generate_mapping's create_tables on a database that may already hold (some of) the schema:
// PonyORM's create_tables, which looks each table, index and foreign key up by name and creates
// only what is missing, then its check_tables.
#pragma once

#include <nextorm/registry.hpp>

#include "driver/connection.hpp"
#include "lower/dialect.hpp"

namespace nextorm::schema_change {

// Creates the objects of schema_objects() that the database lacks, in order. A name is looked
// up without regard to letter case; one found with another case throws
// schema_error("migrate.name_case"), as PonyORM refuses it. Returns how many statements ran.
std::size_t create_missing(driver::connection& connection, const registry& schema,
                           const lower::dialect& dialect);

// Reads no rows but names every column of every table, so that a table made for another version
// of the entities throws schema_error("migrate.table_mismatch") with the database's message.
void check_tables(driver::connection& connection, const registry& schema,
                  const lower::dialect& dialect);

}  // namespace nextorm::schema_change
