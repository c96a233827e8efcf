#include "migrate/render.hpp"

#include <nextorm/errors.hpp>

#include "common/suggest.hpp"
#include "migrate/snapshot.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace nextorm::schema_change {
namespace {

using json = nlohmann::json;

bool is_sqlite(const lower::dialect& d) { return d.name() == "sqlite"; }

// Names as the databases compare them: the operations name tables and columns as PostgreSQL's
// description does, the provider's own may differ in case.
std::string key(std::string name) { return lower_case(std::move(name)); }
bool is_mariadb(const lower::dialect& d) { return d.name() == "mariadb"; }

// The parts of a column definition (ddl.cpp's column_definition writes them in this order).
struct column_parts {
  std::string type;
  std::string default_sql;  // "" for none
  bool not_null = false;
  bool unique = false;
  std::string check;  // "CHECK (...)" of an enumeration, or ""
};

column_parts parts_of(const std::string& definition) {
  column_parts p;
  auto cut = [&](std::size_t from) {
    std::size_t end = definition.size();
    for (const char* word : {" NOT NULL", " DEFAULT ", " UNIQUE", " CHECK ", " PRIMARY KEY"}) {
      const std::size_t at = definition.find(word, from);
      end = std::min(end, at);  // (npos when the word is not there)
    }
    return end;
  };
  p.type = definition.substr(0, cut(0));
  if (const std::size_t at = definition.find(" DEFAULT "); at != std::string::npos) {
    const std::size_t start = at + 9;
    p.default_sql = definition.substr(start, cut(start) - start);
  }
  p.not_null = definition.find(" NOT NULL") != std::string::npos;
  p.unique = definition.find(" UNIQUE") != std::string::npos;
  if (const std::size_t at = definition.find(" CHECK "); at != std::string::npos) {
    p.check = definition.substr(at + 1);
  }
  return p;
}

class renderer {
 public:
  renderer(const migration& m, const json& before, const lower::dialect& d)
      : m_migration{m},
        m_d{d},
        m_old{snapshot_tables(before, d)},
        m_new{snapshot_tables(m.snapshot, d)} {
    for (const json& op : m.operations) {
      const std::string kind = op["op"];
      if (kind == "rename_table") {
        m_table_renames[key(text(op, "to"))] = text(op, "from");
        m_renamed_to[key(text(op, "from"))] = text(op, "to");
      }
      if (kind == "create_table") m_created.insert(key(text(op, "table")));
      if (kind == "add_column")
        m_added.insert(key(text(op, "table")) + '\n' + key(text(op, "column")));
      if (kind == "rename_column") {
        m_column_renames[key(text(op, "table"))][key(text(op, "to"))] = text(op, "from");
      }
    }
    if (is_sqlite(d)) find_rebuilds();
  }

  std::vector<rendered_step> run() {
    for (std::size_t i = 0; i < m_migration.operations.size(); ++i) {
      // SQLite: a migration's own SQL finds the tables that the operations before it rebuild
      // already rebuilt (in their final shape).
      const json& kind = m_migration.operations[i]["op"];
      if (kind == "sql" || kind == "call" || kind == "update_discriminator" ||
          kind == "delete_class") {
        rebuild_before(i);
      }
      render(m_migration.operations[i]);
    }
    for (const table_def& t : m_new) rename_derived(t);
    rebuild_before(m_migration.operations.size());
    // The foreign keys of new tables, once every table exists (PostgreSQL, MariaDB).
    for (auto& step : m_deferred) m_out.push_back(std::move(step));
    return std::move(m_out);
  }

 private:
  std::string q(const std::string& name) const { return m_d.quote(name); }

  std::string text(const json& op, const char* key) const {
    // (load_migrations checked that every field but "columns" and "reverse" is a string.)
    if (!op.contains(key)) {
      fail("operation " + op.dump() + " needs a \"" + key + "\"");
    }
    return op[key].get<std::string>();
  }
  // A discriminator value of update_discriminator or delete_class as a literal: its text, or
  // with "type": "int" its digits. (A hand-edited file holds anything: only a 64-bit integer, or
  // text that is neither empty nor holds a NUL.)
  std::string discriminator_literal(const json& op, const std::string& v,
                                    const char* type = "type") const {
    // (load_migrations checked that a "type" is a string.)
    const bool number = op.value(type, std::string{}) == "int";
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    const bool integer = ec == std::errc{} && end == v.data() + v.size();
    if (number ? !integer : v.empty() || v.find('\0') != std::string::npos) {
      fail("operation " + op.dump() + " needs discriminator values that are " +
           (number ? "64-bit integers" : "text, not empty and without a NUL character"));
    }
    return number ? std::to_string(n) : m_d.text_literal(v);
  }
  // A list of strings (load_migrations checked that one given is).
  std::vector<std::string> strings(const json& op, const char* key) const {
    if (!op.contains(key)) fail("operation " + op.dump() + " needs a list \"" + key + "\"");
    return op[key].get<std::vector<std::string>>();
  }
  std::vector<std::string> columns(const json& op) const {
    if (!op.contains("columns")) {
      fail("operation " + op.dump() + " needs \"columns\"");
    }
    return op["columns"].get<std::vector<std::string>>();
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw schema_error("migrate.operation", "migration " + m_migration.name + ": " + why);
  }

  const table_def& old_table(const std::string& name) const {
    const table_def* t = find_table(m_old, name);
    if (t == nullptr) fail("there is no table " + name + " before it");
    return *t;
  }
  const table_def& new_table(const std::string& name) const {
    const table_def* t = find_table(m_new, name);
    if (t == nullptr) fail("there is no table " + name + " in its snapshot");
    return *t;
  }
  const column_def& new_column(const table_def& t, const std::string& name) const {
    const column_def* c = find_column(t, name);
    if (c == nullptr) fail("there is no column " + t.name + "." + name + " in its snapshot");
    return *c;
  }
  template <class Def>
  const Def& by_columns(const std::vector<Def>& defs, const std::vector<std::string>& cols,
                        const std::string& table, const char* what) const {
    for (const Def& def : defs) {
      if (std::equal(def.columns.begin(), def.columns.end(), cols.begin(), cols.end(),
                     [](const auto& a, const auto& b) { return equal_ignoring_case(a, b); })) {
        return def;
      }
    }
    std::string list;
    for (const auto& c : cols) list += (list.empty() ? "" : ", ") + c;
    fail(std::string{"there is no "} + what + " of " + table + " on (" + list + ")");
  }
  // The name a table of the new snapshot had before this migration.
  std::string old_name(const std::string& table) const {
    const auto found = m_table_renames.find(key(table));
    return found != m_table_renames.end() ? found->second : table;
  }
  // The name a column of a table that stays had before this migration ("" for one it adds).
  std::string old_column(const std::string& table, const std::string& column) const {
    const auto renames = m_column_renames.find(key(table));
    if (renames != m_column_renames.end()) {
      const auto found = renames->second.find(key(column));
      if (found != renames->second.end()) return found->second;
    }
    return find_column(old_table(old_name(table)), column) != nullptr ? column : "";
  }

  void emit(std::string sql, std::string empty_table = {}) {
    m_out.push_back({std::move(sql), std::move(empty_table), {}, {}});
  }
  void create_index(const table_def& t, const index_def& index) {
    emit("CREATE INDEX " + q(index.name) + " ON " + q(t.name) + " " +
         column_list(index.columns, m_d));
  }

  // SQLite: the tables whose changes ALTER TABLE cannot make there.
  void find_rebuilds() {
    // A table that a class's rows move out of is rebuilt after the move, which reads its old
    // columns (by the last move out of it).
    std::map<std::string, std::size_t> moved_out;
    for (std::size_t index = 0; index < m_migration.operations.size(); ++index) {
      const json& op = m_migration.operations[index];
      if (op["op"] == "move_class") moved_out[key(new_table_name(text(op, "from")))] = index;
    }
    for (std::size_t index = 0; index < m_migration.operations.size(); ++index) {
      const json& op = m_migration.operations[index];
      const std::string kind = op["op"];
      std::string table;
      if (kind == "alter_column" || kind == "add_unique" || kind == "add_primary_key") {
        table = text(op, "table");
      } else if (kind == "drop_column" || kind == "drop_foreign_key" || kind == "drop_unique" ||
                 kind == "drop_primary_key") {
        // (Named by the old table: the rebuild makes the new one.)
        table = new_table_name(text(op, "table"));
      } else if (kind == "add_foreign_key") {
        table = text(op, "table");
        if (m_created.count(key(table)) != 0) continue;
        // A foreign key of a column this migration adds goes with it (ADD COLUMN ... REFERENCES).
        const auto cols = columns(op);
        if (cols.size() == 1 && m_added.count(key(table) + '\n' + key(cols.front())) != 0) {
          continue;
        }
      } else if (kind == "add_column") {
        table = text(op, "table");
        const column_parts p =
            parts_of(new_column(new_table(table), text(op, "column")).definition);
        if (!p.unique && !(p.not_null && p.default_sql.empty())) continue;
      } else {
        continue;
      }
      // (The first operation that needs it.)
      if (m_rebuilt.emplace(new_table(table).name, m_rebuild_at.size()).second) {
        const auto moved = moved_out.find(key(new_table(table).name));
        m_rebuild_at.push_back(moved != moved_out.end() ? std::max(index, moved->second) : index);
      }
    }
  }
  bool rebuilt(const std::string& table) const {
    for (const auto& [t, entry] : m_rebuilt) {
      if (equal_ignoring_case(t, table)) return true;
    }
    return false;
  }
  // The rebuilds that operations before `index` need, not made yet.
  void rebuild_before(std::size_t index) {
    for (const auto& [table, entry] : m_rebuilt) {
      if (m_rebuild_at[entry] < index && m_done_rebuilds.insert(table).second) rebuild(table);
    }
  }
  // The name a table of the old snapshot has after this migration's renames.
  std::string new_table_name(const std::string& old) const {
    const auto found = m_renamed_to.find(key(old));
    return found != m_renamed_to.end() ? found->second : old;
  }
  bool rebuilt_old(const std::string& old) const { return rebuilt(new_table_name(old)); }

  void render(const json& op) {
    const std::string kind = op["op"];
    if (kind == "sql") {
      const std::string provider{m_d.name()};
      if (!op.contains(provider)) {
        throw schema_error("migrate.sql_missing", "migration " + m_migration.name +
                                                      ": a data migration has no SQL for " +
                                                      provider + " (give \"" + provider + "\")");
      }
      emit(op[provider].get<std::string>());
    } else if (kind == "update_discriminator") {
      // The rows of classes whose discriminator values changed, all at once (so that values
      // that swap do not collide): schema constants, written as literals.
      const table_def& t = new_table(text(op, "table"));
      const std::string c = q(new_column(t, text(op, "column")).name);
      const std::vector<std::string> from = strings(op, "from");
      const std::vector<std::string> to = strings(op, "to");
      if (from.empty() || from.size() != to.size()) {
        fail("operation " + op.dump() + " needs \"from\" and \"to\" of the same length");
      }
      std::string cases;
      std::string old;
      for (std::size_t i = 0; i < from.size(); ++i) {
        const std::string was = discriminator_literal(op, from[i]);
        cases += " WHEN " + was + " THEN " + discriminator_literal(op, to[i]);
        old += (i == 0 ? "" : ", ") + was;
      }
      emit("UPDATE " + q(t.name) + " SET " + c + " = CASE " + c + cases + " END WHERE " + c +
           " IN (" + old + ")");
    } else if (kind == "delete_class") {
      // The rows of classes the schema no longer has (a destructive change).
      const table_def& t = new_table(text(op, "table"));
      const std::string c = q(new_column(t, text(op, "column")).name);
      std::string values;
      for (const std::string& v : strings(op, "values")) {
        values += (values.empty() ? "" : ", ") + discriminator_literal(op, v);
      }
      emit("DELETE FROM " + q(t.name) + " WHERE " + c + " IN (" + values + ")");
    } else if (kind == "call") {
      const std::string name = text(op, "name");
      rendered_step step;
      step.sql = "-- the C++ step '" + name + "' (run by the program that registers it)";
      step.call = name;
      m_out.push_back(std::move(step));
    } else if (kind == "create_table") {
      const table_def& t = new_table(text(op, "table"));
      const bool inlined = inline_keys(m_d);
      std::vector<const index_def*> indexes;
      for (const auto& index : t.indexes) indexes.push_back(&index);
      emit(create_table(t, m_d, inlined ? indexes : std::vector<const index_def*>{}, {}));
      if (!inlined) {
        for (const index_def* index : indexes) create_index(t, *index);
      }
    } else if (kind == "drop_table") {
      emit("DROP TABLE " + q(old_table(text(op, "table")).name));
    } else if (kind == "rename_table") {
      emit("ALTER TABLE " + q(old_table(text(op, "from")).name) + " RENAME TO " +
           q(new_table(text(op, "to")).name));
    } else if (kind == "rename_column") {
      const std::string table = text(op, "table");
      if (rebuilt(table)) return;
      emit("ALTER TABLE " + q(new_table(table).name) + " RENAME COLUMN " + q(text(op, "from")) +
           " TO " + q(text(op, "to")));
    } else if (kind == "add_column") {
      const table_def& t = new_table(text(op, "table"));
      if (rebuilt(t.name)) return;
      const column_def& c = new_column(t, text(op, "column"));
      std::string sql =
          "ALTER TABLE " + q(t.name) + " ADD COLUMN " + q(c.name) + " " + c.definition;
      if (is_sqlite(m_d)) {
        for (const foreign_key& fk : t.foreign_keys) {
          if (fk.columns == std::vector<std::string>{c.name}) {
            sql.append(" ").append(references(fk, m_d));
          }
        }
      }
      const column_parts p = parts_of(c.definition);
      if (p.not_null && p.default_sql.empty() && !c.fill.empty()) {
        // Added nullable, filled, then made NOT NULL: a fresh table's definition, no default left.
        std::string nullable = c.definition;
        nullable.erase(nullable.find(" NOT NULL"), 9);
        emit("ALTER TABLE " + q(t.name) + " ADD COLUMN " + q(c.name) + " " + nullable);
        emit("UPDATE " + q(t.name) + " SET " + q(c.name) + " = " + c.fill);
        not_null(t, c);
        return;
      }
      emit(std::move(sql), p.not_null && p.default_sql.empty() ? t.name : "");
    } else if (kind == "drop_column") {
      if (rebuilt_old(text(op, "table"))) return;
      emit("ALTER TABLE " + q(old_table(text(op, "table")).name) + " DROP COLUMN " +
           q(text(op, "column")));
    } else if (kind == "move_class") {
      move_class(op);
    } else if (kind == "drop_primary_key") {
      drop_primary_key(old_table(text(op, "table")));
    } else if (kind == "add_primary_key") {
      const table_def& t = new_table(text(op, "table"));
      if (rebuilt(t.name)) return;
      const auto cols = columns(op);
      // A key column added by this migration was added as the key (BIGSERIAL PRIMARY KEY: a
      // key of one column is declared in its column's definition).
      const bool added_as_key =
          cols.size() == 1 && m_added.count(key(t.name) + '\n' + key(cols.front())) != 0;
      if (!added_as_key) {
        emit("ALTER TABLE " + q(t.name) + " ADD PRIMARY KEY " + column_list(cols, m_d));
      }
    } else if (kind == "alter_column") {
      alter_column(op);
    } else if (kind == "create_index") {
      const table_def& t = new_table(text(op, "table"));
      if (rebuilt(t.name)) return;
      create_index(t, by_columns(t.indexes, columns(op), t.name, "index"));
    } else if (kind == "drop_index") {
      const table_def& t = old_table(text(op, "table"));
      if (rebuilt_old(t.name)) return;
      const index_def& index = by_columns(t.indexes, columns(op), t.name, "index");
      emit("DROP INDEX " + q(index.name) + (is_mariadb(m_d) ? " ON " + q(t.name) : ""));
    } else if (kind == "add_unique") {
      const table_def& t = new_table(text(op, "table"));
      if (rebuilt(t.name)) return;
      const index_def& key = by_columns(t.unique_keys, columns(op), t.name, "unique key");
      emit("ALTER TABLE " + q(t.name) + " ADD CONSTRAINT " + q(key.name) + " UNIQUE " +
           column_list(key.columns, m_d));
    } else if (kind == "drop_unique") {
      const table_def& t = old_table(text(op, "table"));
      if (rebuilt_old(t.name)) return;
      const index_def& key = by_columns(t.unique_keys, columns(op), t.name, "unique key");
      emit("ALTER TABLE " + q(t.name) + (is_mariadb(m_d) ? " DROP INDEX " : " DROP CONSTRAINT ") +
           q(key.name));
    } else if (kind == "add_foreign_key") {
      const table_def& t = new_table(text(op, "table"));
      const foreign_key& fk = by_columns(t.foreign_keys, columns(op), t.name, "foreign key");
      if (is_sqlite(m_d)) return;  // inline, or made by the rebuild (find_rebuilds)
      m_deferred.push_back({add_foreign_key(t, fk, m_d), {}, {}, {}});
    } else if (kind == "drop_foreign_key") {
      const table_def& t = old_table(text(op, "table"));
      if (is_sqlite(m_d)) return;  // the rebuild (or the table's drop) drops it
      const foreign_key& fk = by_columns(t.foreign_keys, columns(op), t.name, "foreign key");
      emit("ALTER TABLE " + q(t.name) +
           (is_mariadb(m_d) ? " DROP FOREIGN KEY " : " DROP CONSTRAINT ") + q(fk.name));
    } else {
      fail("unknown operation \"" + kind + "\"");
    }
  }

  // The rows of a class that changes tables: copied to the new table (its discriminator
  // set there) and deleted from the old one (by its discriminator there).
  void move_class(const json& op) {
    const table_def& from = old_table(text(op, "from"));
    const table_def& to = new_table(text(op, "to"));
    // SQLite: the table the rows go to takes them in its final shape; the one they leave is
    // rebuilt after (find_rebuilds).
    if (rebuilt(to.name) && m_done_rebuilds.insert(to.name).second) rebuild(to.name);
    std::string into;
    std::string taken;
    for (const std::string& c : columns(op)) {
      into += (into.empty() ? "" : ", ") + q(new_column(to, c).name);
      const column_def* was = find_column(from, c);
      if (was == nullptr) fail("there is no column " + from.name + "." + c + " in its snapshot");
      taken += (taken.empty() ? "" : ", ") + q(was->name);
    }
    if (op.contains("to_column")) {
      into += ", " + q(new_column(to, text(op, "to_column")).name);
      taken += ", " + discriminator_literal(op, text(op, "to_value"), "to_type");
    }
    std::string where;
    if (op.contains("from_column")) {
      const column_def* was = find_column(from, text(op, "from_column"));
      if (was == nullptr)
        fail("there is no column " + from.name + " discriminator in its snapshot");
      where = " WHERE " + q(was->name) + " = " +
              discriminator_literal(op, text(op, "from_value"), "from_type");
    }
    emit("INSERT INTO " + q(to.name) + " (" + into + ") SELECT " + taken + " FROM " + q(from.name) +
         where);
    emit("DELETE FROM " + q(from.name) + where);
    if (op.contains("sequence") && m_d.name() == "postgres") {
      const std::string& key = new_column(to, text(op, "sequence")).name;
      emit("SELECT setval(pg_get_serial_sequence(" + m_d.text_literal(q(to.name)) + ", " +
           m_d.text_literal(key) + "), COALESCE(MAX(" + q(key) + "), 0) + 1, false) FROM " +
           q(to.name));
    }
  }

  // The old primary key of table `t` (by its old name), before its columns change.
  void drop_primary_key(const table_def& t) {
    if (rebuilt_old(t.name)) return;
    const std::string table = "ALTER TABLE " + q(t.name);
    if (is_mariadb(m_d)) {
      // MariaDB keeps an AUTO_INCREMENT column a key: it loses that first.
      // (Only a generated key is AUTO_INCREMENT.)
      for (const column_def& c : t.columns) {
        std::string type = parts_of(c.definition).type;
        const auto automatic = type.find(" AUTO_INCREMENT");
        if (automatic == std::string::npos) continue;
        type.erase(automatic, 15);
        emit(table + " MODIFY COLUMN " + q(c.name) + " " + type + " NOT NULL");
      }
      emit(table + " DROP PRIMARY KEY");
      return;
    }
    // PostgreSQL named it (<table>_pkey, kept through renames): found by its table.
    drop_pg_constraints(t, "", " AND k.contype = 'p'");
  }

  // SET NOT NULL of a column whose rows hold a value each.
  void not_null(const table_def& t, const column_def& c) {
    if (is_mariadb(m_d)) {
      emit("ALTER TABLE " + q(t.name) + " MODIFY COLUMN " + q(c.name) + " " +
           without_unique(c.definition));
    } else {
      emit("ALTER TABLE " + q(t.name) + " ALTER COLUMN " + q(c.name) + " SET NOT NULL");
    }
  }
  // (MariaDB's MODIFY COLUMN ... UNIQUE would add a second unique index.)
  static std::string without_unique(std::string definition) {
    if (const auto at = definition.find(" UNIQUE"); at != std::string::npos)
      definition.erase(at, 7);
    return definition;
  }
  // The value that rows holding NULL get when the column becomes NOT NULL: its default, else
  // its fill; "" for none.
  static std::string null_value(const column_def& c) {
    const column_parts p = parts_of(c.definition);
    return !p.default_sql.empty() ? p.default_sql : c.fill;
  }

  // PostgreSQL: drops the constraints of kind `kind` ('u' unique, 'c' check) on column `c` alone.
  void drop_column_constraints(const table_def& t, const column_def& c, char kind) {
    drop_pg_constraints(
        t, " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]",
        " AND k.contype = '" + std::string(1, kind) +
            "' AND cardinality(k.conkey) = 1 AND a.attname = " + m_d.text_literal(c.name));
  }
  // PostgreSQL: drops the constraints of table `t` that `joins` and `conditions` (on
  // pg_constraint k) find, whatever PostgreSQL named them.
  void drop_pg_constraints(const table_def& t, const std::string& joins,
                           const std::string& conditions) {
    const std::string relation = m_d.text_literal(q(t.name));
    emit("DO $$ DECLARE n name; BEGIN FOR n IN SELECT k.conname FROM pg_constraint k" + joins +
         " WHERE k.conrelid = " + relation + "::regclass" + conditions +
         " LOOP EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', " + relation +
         ", n); END LOOP; END $$");
  }

  void alter_column(const json& op) {
    const table_def& t = new_table(text(op, "table"));
    if (rebuilt(t.name)) return;
    const column_def& c = new_column(t, text(op, "column"));
    const std::string was_name = old_column(t.name, c.name);
    if (was_name.empty()) fail("there is no column " + t.name + "." + c.name + " before it");
    const column_def* was = find_column(old_table(old_name(t.name)), was_name);
    const column_parts from = parts_of(was->definition);
    const column_parts to = parts_of(c.definition);
    const std::string table = "ALTER TABLE " + q(t.name);
    // Rows holding NULL get the default (or the fill), in the new type, before the column
    // refuses NULL.
    const bool fill = !from.not_null && to.not_null && !null_value(c).empty();
    const std::string fill_nulls = "UPDATE " + q(t.name) + " SET " + q(c.name) + " = " +
                                   null_value(c) + " WHERE " + q(c.name) + " IS NULL";
    if (is_mariadb(m_d)) {
      // MODIFY restates the whole column; a UNIQUE it no longer has is an index to drop.
      const std::string definition = from.unique ? without_unique(c.definition) : c.definition;
      if (fill) {
        std::string nullable = definition;
        nullable.erase(nullable.find(" NOT NULL"), 9);
        emit(table + " MODIFY COLUMN " + q(c.name) + " " + nullable);
        emit(fill_nulls);
      }
      // MariaDB does not hold the rows to a CHECK that MODIFY restates: a constraint of the
      // table's, added for the while, does (ADD CONSTRAINT checks every row).
      const bool checked = from.check != to.check && !to.check.empty();
      if (checked) emit(table + " ADD CONSTRAINT `nextorm_values_check` " + to.check);
      emit(table + " MODIFY COLUMN " + q(c.name) + " " + definition);
      if (checked) emit(table + " DROP CONSTRAINT `nextorm_values_check`");
      if (from.unique && !to.unique) emit(table + " DROP INDEX " + q(c.name));
      return;
    }
    const std::string column = table + " ALTER COLUMN " + q(c.name);
    // (An old default may not convert to the new type: it goes first, the new one comes after.)
    const bool retyped = from.type != to.type;
    if (!from.default_sql.empty() && (retyped || to.default_sql != from.default_sql)) {
      emit(column + " DROP DEFAULT");
    }
    if (retyped) {
      // PostgreSQL casts an integer to a boolean only from int4: what is not zero is true.
      const bool int_to_bool = to.type == "BOOLEAN" && from.type.find("INT") != std::string::npos;
      emit(column + " TYPE " + to.type + " USING " +
           (int_to_bool ? "(" + q(c.name) + " <> 0)" : q(c.name) + "::" + to.type));
    }
    if (fill) emit(fill_nulls);
    if (!to.default_sql.empty() && (retyped || to.default_sql != from.default_sql)) {
      emit(column + " SET DEFAULT " + to.default_sql);
    }
    if (from.not_null != to.not_null)
      emit(column + (to.not_null ? " SET NOT NULL" : " DROP NOT NULL"));
    if (!from.unique && to.unique) emit(table + " ADD UNIQUE (" + q(c.name) + ")");
    // The constraints PostgreSQL named (<table>_<column>_key, cut to 63 bytes, and kept through
    // renames) are found by what they constrain.
    if (from.unique && !to.unique) drop_column_constraints(t, c, 'u');
    if (from.check != to.check) {
      if (!from.check.empty()) drop_column_constraints(t, c, 'c');
      if (!to.check.empty()) emit(table + " ADD " + to.check);
    }
  }

  // After a rename of table `t` or of its columns: the indexes, foreign keys and unique keys
  // named after them take the names a fresh table has, which later migrations use.
  void rename_derived(const table_def& t) {
    if (m_created.count(key(t.name)) != 0 || rebuilt(t.name)) return;
    const table_def& was = old_table(old_name(t.name));
    const bool table_renamed = !equal_ignoring_case(was.name, t.name);
    const bool columns_renamed = m_column_renames.count(key(t.name)) != 0;
    if (!table_renamed && !columns_renamed) return;
    const std::string table = q(t.name);
    for (const auto& [from, to] : renamed_objects(t, named(was.indexes), named(t.indexes))) {
      if (is_sqlite(m_d)) {
        emit("DROP INDEX " + q(from));
        create_index(t, by_name(t.indexes, to));
      } else if (is_mariadb(m_d)) {
        emit("ALTER TABLE " + table + " RENAME INDEX " + q(from) + " TO " + q(to));
      } else {
        emit("ALTER INDEX " + q(from) + " RENAME TO " + q(to));
      }
    }
    if (is_sqlite(m_d)) return;  // (SQLite's constraints are not named objects)
    // MariaDB names a column's UNIQUE index after the column.
    if (is_mariadb(m_d) && columns_renamed) {
      for (const auto& [to, from] : m_column_renames.at(key(t.name))) {
        const column_def* old = find_column(was, from);
        if (old == nullptr) fail("there is no column " + was.name + "." + from + " before it");
        if (parts_of(old->definition).unique) {
          emit("ALTER TABLE " + table + " RENAME INDEX " + q(old->name) + " TO " + q(to));
        }
      }
    }
    for (const auto& [from, to] :
         renamed_objects(t, named(was.unique_keys), named(t.unique_keys))) {
      emit("ALTER TABLE " + table + (is_mariadb(m_d) ? " RENAME INDEX " : " RENAME CONSTRAINT ") +
           q(from) + " TO " + q(to));
    }
    std::vector<named_columns> old_keys;
    std::vector<named_columns> new_keys;
    for (const foreign_key& fk : was.foreign_keys) old_keys.emplace_back(fk.name, fk.columns);
    for (const foreign_key& fk : t.foreign_keys) new_keys.emplace_back(fk.name, fk.columns);
    for (const auto& [from, to] : renamed_objects(t, old_keys, new_keys)) {
      if (is_mariadb(m_d)) {
        // MariaDB renames no foreign key: it is made again under its new name.
        emit("ALTER TABLE " + table + " DROP FOREIGN KEY " + q(from));
        const std::string& name = to;  // (clang 14 cannot capture a structured binding)
        const auto fk = std::find_if(t.foreign_keys.begin(), t.foreign_keys.end(),
                                     [&](const foreign_key& k) { return k.name == name; });
        m_deferred.push_back({add_foreign_key(t, *fk, m_d), {}, {}, {}});
      } else {
        emit("ALTER TABLE " + table + " RENAME CONSTRAINT " + q(from) + " TO " + q(to));
      }
    }
    if (!is_mariadb(m_d) && table_renamed) {
      // PostgreSQL's own names: the key's index and the serial key's sequence.
      emit("ALTER INDEX IF EXISTS " + q(was.name + "_pkey") + " RENAME TO " + q(t.name + "_pkey"));
      for (const column_def& c : t.columns) {
        if (c.definition.find("SERIAL") == std::string::npos) continue;
        emit("ALTER SEQUENCE IF EXISTS " + q(was.name + "_" + c.name + "_seq") + " RENAME TO " +
             q(t.name + "_" + c.name + "_seq"));
      }
    }
  }

  using named_columns = std::pair<std::string, std::vector<std::string>>;
  static std::vector<named_columns> named(const std::vector<index_def>& defs) {
    std::vector<named_columns> out;
    for (const index_def& d : defs) out.emplace_back(d.name, d.columns);
    return out;
  }
  static const index_def& by_name(const std::vector<index_def>& defs, const std::string& name) {
    return *std::find_if(defs.begin(), defs.end(),
                         [&](const index_def& d) { return d.name == name; });
  }
  // The objects of table `t` (indexes, keys) on the same columns, renamed columns followed,
  // whose names changed: (old name, new name).
  std::vector<std::pair<std::string, std::string>> renamed_objects(
      const table_def& t, const std::vector<named_columns>& old,
      const std::vector<named_columns>& now) const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [old_name, old_columns] : old) {
      std::vector<std::string> columns;
      for (const auto& c : old_columns) columns.push_back(new_column_name(t.name, c));
      for (const auto& [name, now_columns] : now) {
        const bool same =
            std::equal(columns.begin(), columns.end(), now_columns.begin(), now_columns.end(),
                       [](const auto& x, const auto& y) { return equal_ignoring_case(x, y); });
        if (same && old_name != name) out.emplace_back(old_name, name);
      }
    }
    return out;
  }
  // The name column `old` of the table now named `table` has after this migration.
  std::string new_column_name(const std::string& table, const std::string& old) const {
    const auto renames = m_column_renames.find(key(table));
    if (renames != m_column_renames.end()) {
      for (const auto& [to, from] : renames->second) {
        if (equal_ignoring_case(from, old)) return to;
      }
    }
    return old;
  }

  // SQLite's rebuild of `table` into its new shape, its rows copied column by column.
  void rebuild(const std::string& name) {
    const table_def& t = new_table(name);
    table_def staged = t;
    staged.name = "nextorm_new_" + t.name;
    std::string into;
    std::string from;
    std::string must_be_empty;
    for (const column_def& c : t.columns) {
      const std::string source = old_column(t.name, c.name);
      const column_parts p = parts_of(c.definition);
      std::string value;
      if (source.empty()) {
        // A new column: its default, else its fill, else (NOT NULL) only on an empty table.
        if (!p.not_null || !p.default_sql.empty()) continue;
        if (c.fill.empty()) {
          must_be_empty = t.name;
          continue;
        }
        value = c.fill;
      } else if (p.not_null && !null_value(c).empty()) {
        value = "COALESCE(" + q(source) + ", " + null_value(c) + ")";
      } else {
        value = q(source);
      }
      into += (into.empty() ? "" : ", ") + q(c.name);
      from += (from.empty() ? "" : ", ") + value;
    }
    emit(create_table(staged, m_d, {}, {}));
    // (Renamed already, if this migration renames the table: renames run before the rebuild.)
    // (The key is always copied: `into` is never empty.)
    emit("INSERT INTO " + q(staged.name) + " (" + into + ") SELECT " + from + " FROM " + q(t.name),
         must_be_empty);
    if (std::any_of(t.columns.begin(), t.columns.end(), [](const column_def& c) {
          return c.definition.find("AUTOINCREMENT") != std::string::npos;
        })) {
      // AUTOINCREMENT's high-water mark goes along: keys of deleted rows are not given again.
      emit("DELETE FROM sqlite_sequence WHERE name = " + m_d.text_literal(staged.name));
      emit("INSERT INTO sqlite_sequence (name, seq) SELECT " + m_d.text_literal(staged.name) +
           ", seq FROM sqlite_sequence WHERE name = " + m_d.text_literal(t.name));
    }
    m_out.push_back({"DROP TABLE " + q(t.name), {}, t.name, {}});
    // (legacy_alter_table: the rename neither checks nor rewrites the views and triggers that
    // name the table, which refer to the new one under the old name once it is renamed.)
    emit("PRAGMA legacy_alter_table = ON");
    emit("ALTER TABLE " + q(staged.name) + " RENAME TO " + q(t.name));
    emit("PRAGMA legacy_alter_table = OFF");
    for (const index_def& index : t.indexes) create_index(t, index);
  }

  const migration& m_migration;
  const lower::dialect& m_d;
  std::vector<table_def> m_old;
  std::vector<table_def> m_new;
  std::map<std::string, std::string> m_table_renames;  // new -> old
  std::set<std::string> m_created;
  std::map<std::string, std::string> m_renamed_to;  // old -> new
  std::set<std::string> m_added;                    // the columns it adds, "table\ncolumn"
  std::map<std::string, std::map<std::string, std::string>> m_column_renames;  // new -> old
  std::map<std::string, std::size_t> m_rebuilt;  // table -> its entry in m_rebuild_at
  std::vector<std::size_t> m_rebuild_at;         // the first operation needing each rebuild
  std::set<std::string> m_done_rebuilds;
  std::vector<rendered_step> m_out;
  std::vector<rendered_step> m_deferred;
};

}  // namespace

std::vector<rendered_step> render(const migration& m, const json& before, const lower::dialect& d) {
  return renderer{m, before, d}.run();
}

}  // namespace nextorm::schema_change
