#include "migrate/catalog.hpp"

#include "common/suggest.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <span>

namespace nextorm::schema_change {

const catalog_column* catalog_table::find(std::string_view column) const noexcept {
  for (const catalog_column& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

namespace {

// Every catalog query reads text (numbers cast in SQL), so one reader serves all providers.
std::string text_at(driver::cursor& rows, std::size_t i) {
  return rows.is_null(i) ? std::string{} : std::string{rows.get_text(i)};
}

using text_rows = std::vector<std::vector<std::string>>;

text_rows rows_of(driver::connection& c, const std::string& sql, std::vector<value> params = {}) {
  text_rows out;
  auto rows = c.query(sql, params);
  while (rows->next()) {
    std::vector<std::string> row;
    for (std::size_t i = 0; i < rows->column_count(); ++i) row.push_back(text_at(*rows, i));
    out.push_back(std::move(row));
  }
  return out;
}

int number_or(const std::string& text, int otherwise) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  (void)end;  // (a catalog's numbers are whole: what follows one is not read)
  return ec == std::errc{} ? v : otherwise;
}

// "DECIMAL(10, 2)" -> {10, 2}; "VARCHAR(64)" -> {64, -1}; no arguments -> {-1, -1}.
std::pair<int, int> type_arguments(const std::string& type) {
  const auto open = type.find('(');
  if (open == std::string::npos) return {-1, -1};
  std::string inside = type.substr(open + 1);
  std::erase(inside, ' ');
  const auto comma = inside.find(',');
  // (number_or stops at the ')' or ',' that ends a number: it takes the text before them.)
  const auto upto = [](const std::string& text) {
    return text.substr(0, text.find_first_of(",)"));
  };
  return {number_or(upto(inside), -1),
          comma == std::string::npos ? -1 : number_or(upto(inside.substr(comma + 1)), -1)};
}

// MariaDB's "enum('red','it''s')": the quoted names, '' a quote inside one.
std::vector<std::string> enum_names(const std::string& column_type) {
  std::vector<std::string> out;
  std::string current;
  bool quoted = false;
  for (std::size_t i = 0; i < column_type.size(); ++i) {
    const char ch = column_type[i];
    if (ch != '\'') {
      if (quoted) current += ch;
    } else if (quoted && column_type.compare(i, 2, "''") == 0) {
      current += '\'';
      ++i;
    } else {
      if (quoted) out.push_back(current);
      quoted = !quoted;
      current.clear();
    }
  }
  return out;
}

// A type as a catalog names it, and what it is in the JSON schema (with an int's size).
struct type_rule {
  std::string_view name;
  std::string_view type;
  int size = 0;
};

const type_rule* rule_for(std::span<const type_rule> rules, std::string_view name) {
  const auto found =
      std::find_if(rules.begin(), rules.end(), [&](const type_rule& r) { return r.name == name; });
  return found == rules.end() ? nullptr : &*found;
}

// The rule's type, and the options the catalog's arguments give: a string's length, a decimal's
// precision and scale (the JSON schema's defaults when it gives none).
void apply_rule(catalog_column& c, const type_rule* rule, int length, int precision, int scale) {
  if (rule == nullptr) return;
  c.type = rule->type;
  c.size = rule->size;
  if (c.type == "str" && length > 0) c.max_len = static_cast<std::uint32_t>(length);
  if (c.type == "decimal") {
    c.precision = std::max(precision, 0);
    c.scale = std::max(scale, 0);
  }
}

// SQLite keeps the text CREATE TABLE gave: NextORM's and PonyORM's type names.
constexpr type_rule sqlite_types[] = {
    {"tinyint", "int", 8},     {"smallint", "int", 16}, {"mediumint", "int", 24},
    {"bigint", "int", 64},     {"integer", "int"},      {"int", "int"},
    {"text", "str"},           {"varchar", "str"},      {"real", "float"},
    {"double", "float"},       {"float", "float"},      {"decimal", "decimal"},
    {"numeric", "decimal"},    {"boolean", "bool"},     {"blob", "bytes"},
    {"interval", "timedelta"}, {"date", "date"},        {"datetime", "datetime"},
    {"time", "time"},          {"uuid", "uuid"},        {"json", "json"}};

void classify_sqlite(catalog_column& c) {
  std::string name = lower_case(c.sql_type);
  c.is_unsigned = name.ends_with(" unsigned");
  const auto [first, second] = type_arguments(name);
  name = name.substr(0, name.find_first_of("( "));
  const type_rule* rule = rule_for(sqlite_types, name);
  if (rule == nullptr && name.find("int") != std::string::npos)
    rule = rule_for(sqlite_types, "int");
  apply_rule(c, rule, first, first, second);
}

std::vector<catalog_table> read_sqlite(driver::connection& db) {
  std::vector<catalog_table> out;
  for (const auto& row : rows_of(db,
                                 "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND "
                                 "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) {
    catalog_table t;
    t.name = row[0];
    const bool autoincrement = lower_case(row[1]).find("autoincrement") != std::string::npos;
    std::vector<std::pair<int, std::string>> key;
    // An INTEGER PRIMARY KEY is the rowid, which SQLite fills in when no value is given; PonyORM
    // declares a key the program sets NOT NULL (and an auto one AUTOINCREMENT).
    std::string rowid_alias;
    for (const auto& col : rows_of(db,
                                   "SELECT name, type, CAST(\"notnull\" AS TEXT), dflt_value, "
                                   "CAST(pk AS TEXT) FROM pragma_table_info(?) ORDER BY cid",
                                   {value{t.name}})) {
      catalog_column c;
      c.name = col[0];
      c.sql_type = col[1];
      classify_sqlite(c);
      const int pk = number_or(col[4], 0);
      c.nullable = col[2] == "0" && pk == 0;
      if (!col[3].empty()) c.default_sql = col[3];
      if (pk > 0) key.emplace_back(pk, c.name);
      if (pk == 1 && lower_case(c.sql_type) == "integer" && col[2] == "0") rowid_alias = c.name;
      t.columns.push_back(std::move(c));
    }
    std::sort(key.begin(), key.end());
    for (auto& [place, name] : key) t.primary_key.push_back(name);
    if (t.primary_key.size() == 1 && (autoincrement || rowid_alias == t.primary_key.front())) {
      for (catalog_column& c : t.columns) {
        // (SQLite's AUTOINCREMENT and rowid keys are INTEGER: an int.)
        if (c.name == t.primary_key.front()) c.auto_increment = true;
      }
    }
    for (const auto& index : rows_of(db,
                                     "SELECT name, CAST(\"unique\" AS TEXT), origin, "
                                     "CAST(partial AS TEXT) FROM pragma_index_list(?) "
                                     "ORDER BY name",
                                     {value{t.name}})) {
      if (index[2] == "pk") continue;
      catalog_key k;
      k.name = index[2] == "u" ? std::string{} : index[0];  // sqlite_autoindex_*: unnamed
      k.partial = index[3] == "1";
      for (const auto& part :
           rows_of(db, "SELECT name FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno",
                   {value{index[0]}})) {
        if (part[0].empty()) k.partial = true;  // an expression
        k.columns.push_back(part[0]);
      }
      (index[1] == "1" ? t.unique_keys : t.indexes).push_back(std::move(k));
    }
    std::map<int, catalog_foreign_key> keys;
    for (const auto& fk : rows_of(db,
                                  "SELECT CAST(id AS TEXT), \"table\", \"from\", \"to\", "
                                  "on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq",
                                  {value{t.name}})) {
      catalog_foreign_key& k = keys[number_or(fk[0], 0)];
      k.parent_table = fk[1];
      k.columns.push_back(fk[2]);
      k.parent_columns.push_back(fk[3]);  // "" = the parent's primary key
      k.on_delete = fk[4] == "NO ACTION" ? std::string{} : fk[4];
    }
    for (auto& [id, k] : keys) t.foreign_keys.push_back(std::move(k));
    out.push_back(std::move(t));
  }
  return out;
}

// PostgreSQL's information_schema data_type (and its arguments) in the schema's vocabulary.
constexpr type_rule postgres_types[] = {
    // PonyORM's int is INTEGER, NextORM's BIGINT: either is the default.
    {"smallint", "int", 16},
    {"integer", "int"},
    {"bigint", "int"},
    {"text", "str"},
    {"character varying", "str"},
    {"numeric", "decimal"},
    {"double precision", "float"},
    {"real", "float"},
    {"boolean", "bool"},
    {"date", "date"},
    {"uuid", "uuid"},
    {"timestamp without time zone", "datetime"},
    {"time without time zone", "time"},
    {"interval", "timedelta"},
    {"bytea", "bytes"},
    {"jsonb", "json"},
    {"json", "json"}};

// Joined to a query's pg_class `cl`; its WHERE then starts with `postgres_current_schema`.
constexpr std::string_view postgres_tables =
    " JOIN pg_catalog.pg_namespace ns ON ns.oid = cl.relnamespace ";
constexpr std::string_view postgres_current_schema = " WHERE ns.nspname = current_schema() ";

std::vector<catalog_table> read_postgres(driver::connection& db) {
  std::map<std::string, catalog_table> tables;
  for (const auto& row :
       rows_of(db, "SELECT cl.relname FROM pg_catalog.pg_class cl" + std::string{postgres_tables} +
                       std::string{postgres_current_schema} +
                       "AND cl.relkind IN ('r', 'p') AND NOT cl.relispartition")) {
    tables[row[0]].name = row[0];
  }
  for (const auto& col :
       rows_of(db,
               "SELECT table_name, column_name, data_type, "
               "character_maximum_length::text, numeric_precision::text, "
               "numeric_scale::text, column_default, is_nullable, is_identity, "
               "CASE WHEN character_maximum_length IS NOT NULL THEN data_type "
               "|| '(' || character_maximum_length || ')' WHEN data_type = "
               "'numeric' AND numeric_precision IS NOT NULL THEN 'numeric(' || "
               "numeric_precision || ',' || numeric_scale || ')' WHEN data_type = 'ARRAY' THEN "
               "substr(udt_name, 2) || '[]' WHEN data_type = 'USER-DEFINED' "
               "THEN udt_name ELSE data_type END FROM "
               "information_schema.columns WHERE "
               "table_schema = current_schema() ORDER BY table_name, "
               "ordinal_position")) {
    auto found = tables.find(col[0]);
    if (found == tables.end()) continue;  // a view's
    catalog_column c;
    c.name = col[1];
    c.sql_type = col[9];
    apply_rule(c, rule_for(postgres_types, col[2]), number_or(col[3], -1), number_or(col[4], -1),
               number_or(col[5], -1));
    c.nullable = col[7] == "YES";
    c.auto_increment = col[8] == "YES" || col[6].starts_with("nextval(");
    if (!col[6].empty() && !c.auto_increment) c.default_sql = col[6];
    found->second.columns.push_back(std::move(c));
  }
  std::map<std::pair<std::string, std::string>, catalog_foreign_key> keys;
  std::vector<std::pair<std::string, std::string>> key_order;
  for (const auto& part :
       rows_of(db,
               "SELECT cl.relname, con.conname, con.contype::text, a.attname, "
               "CASE WHEN fcl.relnamespace = cl.relnamespace THEN COALESCE(fcl.relname, '') ELSE "
               "'' END, COALESCE(fa.attname, ''), con.confdeltype::text "
               "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class cl "
               "ON cl.oid = con.conrelid" +
                   std::string{postgres_tables} +
                   "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, n) "
                   "JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = "
                   "k.attnum LEFT JOIN pg_catalog.pg_class fcl ON fcl.oid = con.confrelid "
                   "LEFT JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND "
                   "fa.attnum = con.confkey[k.n]" +
                   std::string{postgres_current_schema} +
                   "AND con.contype IN ('p', 'u', 'f') ORDER BY cl.relname, con.conname, k.n")) {
    auto found = tables.find(part[0]);
    if (found == tables.end()) continue;
    catalog_table& t = found->second;
    if (part[2] == "p") {
      t.primary_key.push_back(part[3]);
    } else if (part[2] == "u") {
      if (t.unique_keys.empty() || t.unique_keys.back().name != part[1]) {
        t.unique_keys.push_back({part[1], {}});
      }
      t.unique_keys.back().columns.push_back(part[3]);
    } else {
      const std::pair<std::string, std::string> id{part[0], part[1]};
      if (keys.count(id) == 0) key_order.push_back(id);
      catalog_foreign_key& k = keys[id];
      k.name = part[1];
      k.columns.push_back(part[3]);
      k.parent_table = part[4];
      k.parent_columns.push_back(part[5]);
      static const std::map<std::string, std::string> actions{
          {"c", "CASCADE"}, {"n", "SET NULL"}, {"r", "RESTRICT"}, {"d", "SET DEFAULT"}};
      const auto action = actions.find(part[6]);
      k.on_delete = action == actions.end() ? std::string{} : action->second;
    }
  }
  for (const auto& id : key_order) tables[id.first].foreign_keys.push_back(keys[id]);
  // Indexes that no PRIMARY KEY or UNIQUE constraint made.
  for (const auto& part :
       rows_of(db,
               "SELECT cl.relname, i.relname, CASE WHEN ix.indisunique THEN '1' ELSE '0' END, "
               "COALESCE(a.attname, ''), CASE WHEN ix.indpred IS NULL AND ix.indexprs IS NULL THEN "
               "'0' ELSE '1' END FROM pg_catalog.pg_index ix JOIN pg_catalog.pg_class i ON i.oid = "
               "ix.indexrelid JOIN pg_catalog.pg_class cl ON cl.oid = ix.indrelid" +
                   std::string{postgres_tables} +
                   "CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) "
                   "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = cl.oid "
                   "AND a.attnum = k.attnum" +
                   std::string{postgres_current_schema} +
                   "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = "
                   "ix.indexrelid AND c.contype IN ('p', 'u', 'x')) AND k.n <= ix.indnkeyatts "
                   "ORDER BY cl.relname, i.relname, k.n")) {
    auto found = tables.find(part[0]);
    if (found == tables.end()) continue;
    auto& list = part[2] == "1" ? found->second.unique_keys : found->second.indexes;
    if (list.empty() || list.back().name != part[1]) list.push_back({part[1], {}});
    list.back().columns.push_back(part[3]);
    if (part[3].empty() || part[4] == "1") list.back().partial = true;
  }
  std::vector<catalog_table> out;
  for (auto& [name, t] : tables) out.push_back(std::move(t));
  return out;
}

// MariaDB's data_type; its column_type ("int(11) unsigned", "tinyint(1)", "enum('a','b')")
// tells the rest.
constexpr type_rule mariadb_types[] = {
    {"tinyint", "int", 8},    {"smallint", "int", 16}, {"mediumint", "int", 24},
    {"int", "int", 32},       {"bigint", "int", 64},   {"varchar", "str"},
    {"char", "str"},          {"text", "str"},         {"mediumtext", "str"},
    {"tinytext", "str"},      {"longtext", "LongStr"}, {"decimal", "decimal"},
    {"double", "float"},      {"float", "float"},      {"date", "date"},
    {"datetime", "datetime"}, {"time", "time"},        {"longblob", "bytes"},
    {"blob", "bytes"},        {"mediumblob", "bytes"}, {"varbinary", "bytes"},
    {"enum", "enum"}};

void classify_mariadb(catalog_column& c, const std::string& data_type, int length, int precision,
                      int scale) {
  const std::string& t = c.sql_type;
  c.is_unsigned = t.ends_with(" unsigned");
  // A length of VARCHAR and CHAR only (TEXT's is its limit), and PonyORM's str without max_len
  // is VARCHAR(255): no max_len.
  const bool sized = (data_type == "varchar" || data_type == "char") && length != 255;
  apply_rule(c, rule_for(mariadb_types, data_type), sized ? length : -1, precision, scale);
  // int and bigint are the default (PonyORM's and NextORM's); an unsigned one says its size.
  if (c.size >= 32 && !c.is_unsigned) c.size = 0;
  if (t == "tinyint(1)" || t == "binary(16)") {
    c.type = t == "binary(16)" ? "uuid" : "bool";
    c.size = 0;
  }
  if (c.type == "time") c.or_type = "timedelta";  // PonyORM's timedelta is a TIME column
  c.enum_values = enum_names(c.type == "enum" ? t : std::string{});
}

std::vector<catalog_table> read_mariadb(driver::connection& db) {
  std::map<std::string, catalog_table> tables;
  for (const auto& row : rows_of(db,
                                 "SELECT table_name FROM information_schema.tables WHERE "
                                 "table_schema = DATABASE() AND table_type = 'BASE TABLE'")) {
    tables[row[0]].name = row[0];
  }
  std::map<std::pair<std::string, std::string>, bool> json_columns;
  for (const auto& check : rows_of(db,
                                   "SELECT table_name, check_clause FROM "
                                   "information_schema.check_constraints WHERE "
                                   "constraint_schema = DATABASE()")) {
    // MariaDB's JSON is a LONGTEXT with CHECK (json_valid(`column`)).
    const std::string& clause = check[1];
    if (clause.starts_with("json_valid(`")) {
      json_columns[{check[0], clause.substr(12, clause.find('`', 12) - 12)}] = true;
    }
  }
  for (const auto& col : rows_of(db,
                                 "SELECT table_name, column_name, data_type, column_type, "
                                 "CAST(character_maximum_length AS CHAR), "
                                 "CAST(numeric_precision AS CHAR), CAST(numeric_scale AS CHAR), "
                                 "column_default, is_nullable, extra FROM "
                                 "information_schema.columns WHERE table_schema = DATABASE() "
                                 "ORDER BY table_name, ordinal_position")) {
    auto found = tables.find(col[0]);
    if (found == tables.end()) continue;
    catalog_column c;
    c.name = col[1];
    c.sql_type = col[3];
    classify_mariadb(c, col[2], number_or(col[4], -1), number_or(col[5], -1),
                     number_or(col[6], -1));
    if (json_columns.count({col[0], col[1]}) != 0) c.type = "json";
    c.nullable = col[8] == "YES";
    c.auto_increment = col[9].find("auto_increment") != std::string::npos;
    if (!col[7].empty() && col[7] != "NULL") c.default_sql = col[7];
    found->second.columns.push_back(std::move(c));
  }
  for (const auto& part : rows_of(db,
                                  "SELECT table_name, index_name, CAST(non_unique AS CHAR), "
                                  "column_name FROM information_schema.statistics WHERE "
                                  "table_schema = DATABASE() ORDER BY table_name, index_name, "
                                  "seq_in_index")) {
    // (Statistics and keys are of base tables only: every table is known.)
    catalog_table& t = tables[part[0]];
    if (part[1] == "PRIMARY") {
      t.primary_key.push_back(part[3]);
      continue;
    }
    auto& list = part[2] == "0" ? t.unique_keys : t.indexes;
    if (list.empty() || list.back().name != part[1]) list.push_back({part[1], {}});
    list.back().columns.push_back(part[3]);  // (MariaDB has no indexes over expressions)
  }
  for (const auto& part :
       rows_of(db,
               "SELECT k.table_name, k.constraint_name, k.column_name, k.referenced_table_name, "
               "k.referenced_column_name, r.delete_rule FROM information_schema.key_column_usage k "
               "JOIN information_schema.referential_constraints r ON r.constraint_schema = "
               "k.constraint_schema AND r.constraint_name = k.constraint_name AND r.table_name = "
               "k.table_name WHERE k.table_schema = DATABASE() AND k.referenced_table_name IS NOT "
               "NULL ORDER BY k.table_name, k.constraint_name, k.ordinal_position")) {
    auto& keys = tables[part[0]].foreign_keys;
    if (keys.empty() || keys.back().name != part[1]) keys.push_back({part[1], {}, part[3], {}, {}});
    keys.back().columns.push_back(part[2]);
    keys.back().parent_columns.push_back(part[4]);
    const std::string& rule = part[5];
    // MariaDB's default, which it reports for a key declared without ON DELETE, is RESTRICT.
    keys.back().on_delete = rule == "NO ACTION" || rule == "RESTRICT" ? std::string{} : rule;
  }
  std::vector<catalog_table> out;
  for (auto& [name, t] : tables) out.push_back(std::move(t));
  return out;
}

bool is_history_table(const std::string& name) {
  const std::string lower = lower_case(name);
  return lower == "nextorm_migrations" || lower == "nextorm_migrations_lock";
}

}  // namespace

std::vector<catalog_table> read_catalog(driver::connection& connection,
                                        const lower::dialect& dialect) {
  std::vector<catalog_table> tables;
  if (dialect.name() == "sqlite") {
    tables = read_sqlite(connection);
  } else if (dialect.name() == "postgres") {
    tables = read_postgres(connection);
  } else {
    tables = read_mariadb(connection);
  }
  std::erase_if(tables, [](const catalog_table& t) { return is_history_table(t.name); });
  for (catalog_table& t : tables) {
    // A key that names no parent column refers to the parent's primary key (SQLite).
    for (catalog_foreign_key& k : t.foreign_keys) {
      const bool implicit = std::all_of(k.parent_columns.begin(), k.parent_columns.end(),
                                        [](const std::string& c) { return c.empty(); });
      if (!implicit) continue;
      for (const catalog_table& parent : tables) {
        if (parent.name == k.parent_table) k.parent_columns = parent.primary_key;
      }
    }
    const catalog_column* classtype = nullptr;
    for (const catalog_column& c : t.columns) {
      if (lower_case(c.name) == "classtype" && c.type == "str") classtype = &c;
    }
    if (classtype == nullptr) continue;
    for (const auto& row :
         rows_of(connection, "SELECT DISTINCT " + dialect.quote(classtype->name) + " FROM " +
                                 dialect.quote(t.name) + " WHERE " +
                                 dialect.quote(classtype->name) + " IS NOT NULL")) {
      t.classtypes.push_back(row[0]);
    }
    std::sort(t.classtypes.begin(), t.classtypes.end());
  }
  return tables;
}

}  // namespace nextorm::schema_change
