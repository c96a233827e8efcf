// NextORM's tables are PonyORM's tables on every provider: PonyORM (pony_schema.py) creates the
// tables of naming_schema.json in one fresh database, NextORM's generate_mapping() in another,
// and the server's catalog of both must name the same tables, columns (in order, with their
// nullability), foreign keys (constraint name, columns, referenced table and column, ON DELETE)
// and indexes, and the column types, except the size of an integer (PonyORM's INTEGER is
// NextORM's BIGINT) and the fraction of MariaDB's DATETIME and TIME.
//
// naming_schema.json holds what the names depend on: CamelCase entity and attribute names,
// names longer than PostgreSQL's 63 and MariaDB's 64 characters (table, column, index, foreign
// key), a many-to-many, a self-referencing and a symmetric one, a one-to-one, an indexed and a
// unique attribute, composite keys and a composite index (an Opt, a Single and an int in them),
// a declared table and declared columns (kept as given), and a many-to-many with a declared join
// table and columns, a symmetric one with both columns declared, and composite primary keys
// (PonyORM's PrimaryKey(a, b)): one of two scalars listed in another order than declared, one of
// two references (no index for the key's first column, one for its second), a composite key over
// a reference of two columns (all its columns in the constraint), and composite ones that start
// with a reference (which then gets no index of its own, as in PonyORM); a key of keys (a key
// part referring to RoomBooking, its columns named after that key's, referred to and joined in
// turn: three columns each). A second case checks that C++ entities are named for the provider
// too and that their tables work.
#include <nextorm/nextorm.hpp>

#include <catch2/catch.hpp>

#include "test_databases.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

// C++ entities take the same path: generate_mapping<...>() names them for the bound provider.
struct ShopTag;
struct ShopItem : nextorm::entity<ShopItem> {
  nextorm::Req<std::string> Title{"Title"};
  nextorm::Req<std::string> Sku{"Sku", nextorm::column{"Item_SKU"}};
  nextorm::Set<ShopTag> Tags{"Tags"};
};
struct ShopTag : nextorm::entity<ShopTag> {
  nextorm::Req<std::string> Label{"Label"};
  nextorm::Set<ShopItem> Items{"Items"};
};

// PonyORM's composite_key and composite_index, and a many-to-many with a declared join table
// and columns, declared in C++.
struct Course;
struct Exam : nextorm::entity<Exam> {
  nextorm::Req<std::string> subject{"subject"};
  nextorm::Req<int> sitting{"sitting"};
  nextorm::Opt<std::string> room{"room"};
  [[no_unique_address]] nextorm::composite_key one_per_sitting{subject, sitting};
  [[no_unique_address]] nextorm::composite_index by_room{room, sitting};
  nextorm::Set<Course> courses{"courses", nextorm::table{"exam_courses"},
                               nextorm::column{"course_ref"}};
};
struct Course : nextorm::entity<Course> {
  nextorm::Req<std::string> title{"title"};
  nextorm::Set<Exam> exams{"exams", nextorm::column{"exam_ref"}};
};

namespace {

namespace fs = std::filesystem;

using catalog = std::map<std::string, std::vector<std::string>>;

// One text per row, built by the server; the queries order their rows.
std::vector<std::string> rows_of(nextorm::driver::connection& db, const std::string& sql) {
  std::vector<std::string> out;
  auto rows = db.query(sql, {});
  while (rows->next()) {
    std::string row;
    for (std::size_t i = 0; i < rows->column_count(); ++i) {
      row += (i == 0 ? "" : " ") +
             (rows->is_null(i) ? std::string{"NULL"} : std::string{rows->get_text(i)});
    }
    out.push_back(row);
  }
  return out;
}

catalog read_catalog(const std::string& url) {
  const std::string provider = nextorm::testing::current_provider();
  auto db = nextorm::testing::raw_connection(url);
  catalog c;
  if (provider == "postgres") {
    c["columns"] = rows_of(*db,
                           "SELECT table_name, column_name, is_nullable FROM "
                           "information_schema.columns WHERE table_schema = 'public' "
                           "ORDER BY table_name, ordinal_position");
    c["column types"] = rows_of(*db,
                                "SELECT table_name, column_name, CASE WHEN data_type IN "
                                "('smallint', 'integer', 'bigint') THEN 'int' ELSE data_type END, "
                                "character_maximum_length, CASE WHEN data_type = 'numeric' THEN "
                                "numeric_precision || ',' || numeric_scale END FROM "
                                "information_schema.columns WHERE table_schema = 'public' "
                                "ORDER BY table_name, ordinal_position");
    c["foreign keys"] = rows_of(*db,
                                "SELECT conrelid::regclass::text, conname, "
                                "pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' "
                                "ORDER BY 1, 2");
    c["indexes"] = rows_of(*db,
                           "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' "
                           "ORDER BY 1");
  } else if (provider == "mariadb") {
    c["columns"] = rows_of(*db,
                           "SELECT table_name, column_name, is_nullable FROM "
                           "information_schema.columns WHERE table_schema = DATABASE() "
                           "ORDER BY table_name, ordinal_position");
    // NextORM's DATETIME(6) and TIME(6) keep the microseconds that PonyORM's DATETIME and TIME
    // drop (docs/pony-differences.md, "Fractions of seconds on MariaDB").
    c["column types"] = rows_of(*db,
                                "SELECT table_name, column_name, CASE WHEN data_type IN "
                                "('smallint', 'mediumint', 'int', 'bigint') OR (data_type = "
                                "'tinyint' AND column_type NOT LIKE 'tinyint(1)%') THEN 'int' "
                                "WHEN data_type IN ('datetime', 'time') THEN data_type "
                                "ELSE column_type END FROM information_schema.columns WHERE "
                                "table_schema = DATABASE() ORDER BY table_name, ordinal_position");
    c["foreign keys"] = rows_of(
        *db,
        "SELECT k.table_name, k.constraint_name, k.column_name, k.referenced_table_name, "
        "k.referenced_column_name, r.delete_rule FROM information_schema.key_column_usage k "
        "JOIN information_schema.referential_constraints r ON r.constraint_schema = "
        "k.constraint_schema AND r.constraint_name = k.constraint_name AND r.table_name = "
        "k.table_name WHERE k.table_schema = DATABASE() ORDER BY 1, 2, 3");
    c["indexes"] = rows_of(*db,
                           "SELECT table_name, index_name, seq_in_index, column_name, non_unique "
                           "FROM information_schema.statistics WHERE table_schema = DATABASE() "
                           "ORDER BY 1, 2, 3");
  } else {
    const std::string tables =
        "FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name "
        "NOT LIKE 'sqlite_%' ";
    // p.pk: the column's place in the primary key (0 for none). Without it a PRIMARY KEY of
    // several columns and a UNIQUE constraint look alike here: each is a sqlite_autoindex.
    c["columns"] = rows_of(
        *db, "SELECT m.name, p.name, p.\"notnull\", p.pk " + tables + "ORDER BY m.name, p.cid");
    c["column types"] = rows_of(*db,
                                "SELECT m.name, p.name, CASE WHEN upper(p.type) LIKE "
                                "'%INT%' THEN 'int' ELSE upper(p.type) END " +
                                    tables + "ORDER BY m.name, p.cid");
    c["foreign keys"] = rows_of(*db,
                                "SELECT m.name, f.\"from\", f.\"table\", f.\"to\", f.on_delete "
                                "FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
                                "WHERE m.type = 'table' ORDER BY 1, 2");
    c["indexes"] = rows_of(*db,
                           "SELECT m.name, i.name, i.\"unique\", ii.seqno, ii.name FROM "
                           "sqlite_master m, pragma_index_list(m.name) i, "
                           "pragma_index_info(i.name) ii WHERE m.type = 'table' ORDER BY 1, 2, 4");
  }
  return c;
}

std::string read_text(const fs::path& path) {
  std::ifstream in{path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string joined(const std::vector<std::string>& rows) {
  std::string out;
  for (const auto& row : rows) out += "\n  " + row;
  return out;
}

}  // namespace

TEST_CASE("generate_mapping makes the tables, columns, keys and indexes PonyORM makes") {
  const char* root = std::getenv("NEXTORM_SOURCE_ROOT");
  REQUIRE(root != nullptr);
  const fs::path here = fs::path{root} / "tests" / "schema";
  const std::string provider = nextorm::testing::current_provider();
  const char* python = "/usr/bin/python3";
  if (!fs::exists(python)) {
    std::cout << "NEXTORM-SKIP: pony_tables: " << python << " is missing" << std::endl;
    std::exit(77);
  }
  const std::string pony_url = nextorm::testing::fresh_database_url("pony_tables_pony");
  const std::string our_url = nextorm::testing::fresh_database_url("pony_tables_ours");
  const fs::path log =
      fs::temp_directory_path() / ("nextorm-pony-tables-" + std::to_string(::getpid()) + ".log");
  // PonyORM takes the SQLite file's path, or the server URL as NextORM does.
  const std::string pony_database = pony_url.starts_with("sqlite:") ? pony_url.substr(7) : pony_url;
  const std::string command = std::string{python} + " '" + (here / "pony_schema.py").string() +
                              "' '" + (here / "naming_schema.json").string() + "' '" +
                              pony_database + "' > '" + log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  const std::string output = read_text(log);
  fs::remove(log);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    std::cout << "NEXTORM-SKIP: pony_tables: PonyORM or the " << provider
              << " driver is not importable by " << python << ": " << output << std::endl;
    std::exit(77);
  }
  INFO("pony_schema.py failed:\n" << output);
  REQUIRE(status == 0);

  {
    nextorm::database db;
    db.schema().load_json_file(here / "naming_schema.json");
    db.bind(our_url);
    db.generate_mapping({.create_tables = true});
  }
  const catalog theirs = read_catalog(pony_url);
  const catalog ours = read_catalog(our_url);
  for (const auto& [what, rows] : theirs) {
    INFO(provider << ", " << what << "\nPonyORM:" << joined(rows)
                  << "\nNextORM:" << joined(ours.at(what)));
    CHECK_FALSE(rows.empty());
    CHECK(ours.at(what) == rows);
  }
  nextorm::testing::discard_database(pony_url);
  nextorm::testing::discard_database(our_url);
}

TEST_CASE("C++ entities get the provider's names, and the tables they make work") {
  const std::string provider = nextorm::testing::current_provider();
  const bool lower = provider != "sqlite";
  const std::string url = nextorm::testing::fresh_database_url("pony_tables_cpp");
  {
    nextorm::database db{url};
    db.generate_mapping<ShopItem, ShopTag>({.create_tables = true});
    const nextorm::registry& r = db.schema();
    CHECK(r.get("ShopItem").table == (lower ? "shopitem" : "ShopItem"));
    CHECK(r.get("ShopItem").find("Title")->column == (lower ? "title" : "Title"));
    CHECK(r.get("ShopItem").find("Sku")->column == "Item_SKU");  // declared: kept
    CHECK(r.get("ShopItem").find("Tags")->m2m_table ==
          (lower ? "shopitem_shoptag" : "ShopItem_ShopTag"));
    {
      nextorm::db_session session{db};
      auto& item = ShopItem::create();
      item.Title = "Lamp";
      item.Sku = "L-1";
      auto& tag = ShopTag::create();
      tag.Label = "light";
      item.Tags.add(tag);
    }
    nextorm::db_session session{db};
    auto found = nextorm::select<ShopItem>("i for i in ShopItem if 'light' in i.Tags.Label");
    std::vector<std::string> titles;
    for (ShopItem& i : found) titles.push_back(i.Title);
    CHECK(titles == std::vector<std::string>{"Lamp"});
  }
  nextorm::testing::discard_database(url);
}

TEST_CASE("a composite_key refuses a second row with the same values, on every provider") {
  const std::string provider = nextorm::testing::current_provider();
  const std::string url = nextorm::testing::fresh_database_url("pony_tables_composite");
  {
    nextorm::database db{url};
    db.generate_mapping<Exam, Course>({.create_tables = true});
    const nextorm::entity_info& exam = db.schema().get("Exam");
    REQUIRE(exam.composite_indexes.size() == 2);
    CHECK(exam.composite_indexes[0].attrs == std::vector<std::string>{"subject", "sitting"});
    CHECK(exam.composite_indexes[0].unique);
    CHECK_FALSE(exam.composite_indexes[1].unique);
    CHECK(exam.find("room")->column_nullable());  // an Opt in a composite index, as in PonyORM
    {
      nextorm::db_session session{db};
      auto& a = Exam::create();
      a.subject = "Maths";
      a.sitting = 1;
      auto& b = Exam::create();  // no room: NULL, so it does not collide with a
      b.subject = "Maths";
      b.sitting = 2;
      auto& algebra = Course::create();
      algebra.title = "Algebra";
      a.courses.add(algebra);
      b.courses.add(algebra);
    }
    {
      nextorm::db_session session{db};
      auto found = nextorm::select<Exam>(
          "e for e in Exam if 'Algebra' in e.courses.title and e.room is None");
      CHECK(found.count() == 2);
      CHECK(nextorm::select<Course>("c for c in Course if count(c.exams) == 2").count() == 1);
    }
    bool refused = false;
    try {
      nextorm::db_session session{db};
      auto& again = Exam::create();
      again.subject = "Maths";
      again.sitting = 1;
      session.commit();
    } catch (const nextorm::integrity_error& e) {
      refused = true;
      INFO(e.what());
      CHECK(std::string{e.id()} == provider + ".unique_violation");
    }
    CHECK(refused);
    nextorm::db_session session{db};
    CHECK(Exam::select().count() == 2);  // nothing of the refused session was kept
  }
  auto raw = nextorm::testing::raw_connection(url);
  const std::string names_sql =
      provider == "postgres"
          ? "SELECT indexname FROM pg_indexes WHERE tablename = 'exam' ORDER BY 1"
      : provider == "mariadb"
          ? "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = "
            "DATABASE() AND table_name = 'exam' ORDER BY 1"
          : "SELECT name FROM sqlite_master WHERE tbl_name = 'Exam' AND type = 'index' AND sql "
            "IS NOT NULL ORDER BY 1";
  const auto names = rows_of(*raw, names_sql);
  CHECK(std::find(names.begin(), names.end(), "idx_exam__room_sitting") != names.end());
  if (provider != "sqlite") {  // SQLite names the index of a UNIQUE constraint itself
    CHECK(std::find(names.begin(), names.end(), "unq_exam__subject_sitting") != names.end());
  }
  CHECK(rows_of(*raw, "SELECT course_ref, exam_ref FROM exam_courses ORDER BY 2") ==
        std::vector<std::string>{"1 1", "1 2"});
  raw.reset();
  nextorm::testing::discard_database(url);
}
