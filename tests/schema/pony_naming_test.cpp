// pony_naming per provider: PonyORM's provider.normalize_name() lower-cases default names on
// PostgreSQL and MariaDB and cuts them to 63 / 64 characters (SQLite: 1024, case kept); declared
// names stay as given. tests/schema/pony_tables_test.cpp checks the same against PonyORM's
// tables on the servers.
#include <nextorm/errors.hpp>
#include <nextorm/registry.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace nextorm;

namespace {

constexpr const char* schema_json = R"({"entities": [
  {"name": "StudentRecord", "attrs": [
    {"name": "FullName", "kind": "Req", "type": "str"},
    {"name": "Courses", "kind": "Set", "type": "Course"},
    {"name": "Follows", "kind": "Set", "type": "StudentRecord", "reverse": "Followers"},
    {"name": "Followers", "kind": "Set", "type": "StudentRecord", "reverse": "Follows"},
    {"name": "HomeGroup", "kind": "Single", "type": "Group", "optional": true}]},
  {"name": "Course", "attrs": [
    {"name": "Students", "kind": "Set", "type": "StudentRecord"}]},
  {"name": "Group", "table": "Study_Groups", "attrs": [
    {"name": "Label", "kind": "Req", "type": "str", "column": "Label_Text"},
    {"name": "Members", "kind": "Set", "type": "StudentRecord"}]}]})";

const attr_info& attr(const registry& r, const char* entity, const char* name) {
  return *r.get(entity).find(name);
}

}  // namespace

TEST_CASE("PostgreSQL and MariaDB names are lower case; SQLite's keep the entity's case") {
  for (const char* provider : {"postgres", "mariadb"}) {
    INFO(provider);
    registry r;
    r.load_json_text(schema_json);
    r.finalize(pony_naming{provider});
    CHECK(r.get("StudentRecord").table == "studentrecord");
    CHECK(attr(r, "StudentRecord", "FullName").column == "fullname");
    CHECK(attr(r, "StudentRecord", "HomeGroup").column == "homegroup");
    CHECK(attr(r, "StudentRecord", "Courses").m2m_table == "course_studentrecord");
    CHECK(attr(r, "StudentRecord", "Courses").m2m_own_columns ==
          std::vector<std::string>{"studentrecord"});
    CHECK(attr(r, "StudentRecord", "Follows").m2m_table == "studentrecord_studentrecord");
    CHECK(attr(r, "StudentRecord", "Follows").m2m_own_columns ==
          std::vector<std::string>{"studentrecord"});
    CHECK(attr(r, "StudentRecord", "Followers").m2m_own_columns ==
          std::vector<std::string>{"studentrecord_2"});
    // Declared names are the user's: PonyORM does not normalize _table_ or column=.
    CHECK(r.get("Group").table == "Study_Groups");
    CHECK(attr(r, "Group", "Label").column == "Label_Text");
  }
  registry r;
  r.load_json_text(schema_json);
  r.finalize(pony_naming{"sqlite"});
  CHECK(r.get("StudentRecord").table == "StudentRecord");
  CHECK(attr(r, "StudentRecord", "FullName").column == "FullName");
  CHECK(attr(r, "StudentRecord", "Courses").m2m_table == "Course_StudentRecord");
  CHECK(attr(r, "StudentRecord", "Courses").m2m_own_columns ==
        std::vector<std::string>{"studentrecord"});
}

TEST_CASE("finalize() with another provider's names names everything anew") {
  registry r;
  r.load_json_text(schema_json);
  r.finalize(pony_naming{"postgres"});
  REQUIRE(r.get("Course").table == "course");
  r.finalize();  // SQLite's
  CHECK(r.get("Course").table == "Course");
  CHECK(attr(r, "Course", "Students").m2m_table == "Course_StudentRecord");
  CHECK(r.get("Group").table == "Study_Groups");
}

TEST_CASE("default names are cut to the provider's identifier length, declared ones are not") {
  const std::string long_entity(70, 'E');
  const std::string long_attr = "A" + std::string(69, 'b');
  const std::string declared = "Declared_" + std::string(70, 'x');
  registry r;
  entity_info e;
  e.name = long_entity;
  attr_info a;
  a.name = long_attr;
  a.kind = attr_kind::req;
  a.type = value_type::integer;
  e.attrs.push_back(a);
  a.name = "other";
  a.column = declared;
  e.attrs.push_back(a);
  r.add(std::move(e));

  r.finalize(pony_naming{"postgres"});
  const entity_info& pg = *r.entities().front();
  CHECK(pg.table == std::string(63, 'e'));
  CHECK(pg.find(long_attr)->column == "a" + std::string(62, 'b'));
  CHECK(pg.find("other")->column == declared);

  r.finalize(pony_naming{"mariadb"});
  const entity_info& maria = *r.entities().front();
  CHECK(maria.table == std::string(64, 'e'));
  CHECK(maria.find(long_attr)->column == "a" + std::string(63, 'b'));

  r.finalize(pony_naming{"sqlite"});
  CHECK(r.entities().front()->table == long_entity);
}

TEST_CASE("index and foreign-key names are lower case and cut like the other names") {
  const pony_naming sqlite{"sqlite"};
  const pony_naming pg{"postgres"};
  const pony_naming maria{"mariadb"};
  CHECK(sqlite.index("Student", "Group") == "idx_student__group");
  CHECK(sqlite.join_index("Course_Student") == "idx_course_student");
  CHECK(sqlite.foreign_key("Student", "Group") == "fk_student__group");
  CHECK(pg.foreign_key("Student", "Group") == "fk_student__group");
  const std::string table(40, 'T');
  const std::string column(40, 'C');
  CHECK(pg.index(table, column) == "idx_" + std::string(40, 't') + "__" + std::string(17, 'c'));
  CHECK(maria.index(table, column) == "idx_" + std::string(40, 't') + "__" + std::string(18, 'c'));
  CHECK(pg.foreign_key(table, column) ==
        "fk_" + std::string(40, 't') + "__" + std::string(18, 'c'));
  CHECK(pg.join_index(table + "_" + column).size() == 63);
  CHECK(sqlite.index(table, column).size() == 86);
  CHECK(pg.lower_case());
  CHECK_FALSE(sqlite.lower_case());
  CHECK(pg.max_name_length() == 63);
  CHECK(maria.max_name_length() == 64);
  CHECK(sqlite.max_name_length() == 1024);
  CHECK(pony_naming{}.max_name_length() == 1024);
}

TEST_CASE("a provider without naming rules is refused") {
  try {
    (void)pony_naming{"oracle"};
    FAIL("no error");
  } catch (const schema_error& e) {
    CHECK(std::string{e.id()} == "schema.unknown_provider");
    CHECK(std::string{e.what()} ==
          "schema.unknown_provider: no naming rules for provider 'oracle' (use sqlite, postgres "
          "or mariadb)");
  }
}
