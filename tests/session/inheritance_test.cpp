// Entity inheritance as PonyORM maps it: a hierarchy in one table with a `classtype` column,
// subclasses declared as `entity<Student, Person>`, objects loaded as their own class whatever
// the query asked for, queries over a subclass reading its rows only, isinstance() in queries,
// relations to and from subclasses, one object per row across the hierarchy.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <sstream>

using namespace session_test;

namespace {

struct Club;
struct Group;
struct Course;
struct Teacher;

struct Person : entity<Person> {
  Req<std::string> name{"name"};
  Opt<std::string> email{"email", unique};
  Single<Club> club{"club", optional};
};

struct Student : entity<Student, Person> {
  Opt<double> gpa{"gpa"};
  Single<Group> group{"group", optional};
  Single<Teacher> mentor{"mentor", optional};
  Set<Course> courses{"courses"};
};

struct Teacher : entity<Teacher, Person> {
  Req<std::int64_t> salary{"salary"};
  Set<Student> apprentices{"apprentices"};
  Set<Course> teaches{"teaches"};
  // Over a field of the base: a constraint of the hierarchy's table.
  [[no_unique_address]] composite_key one_pay_per_name{name, salary};
};

// A subclass of a subclass, with a discriminator value of its own (PonyORM's _discriminator_).
struct Professor : entity<Professor, Teacher> {
  static constexpr std::string_view discriminator = "Prof";
  Req<std::string> position{"position"};
  // Its own, beside the one it has from Teacher.
  [[no_unique_address]] composite_key one_per_position{name, position};
  [[no_unique_address]] composite_index by_position{position, salary};
};

struct Club : entity<Club> {
  Req<std::string> title{"title"};
  Set<Person> members{"members"};
};

struct Group : entity<Group> {
  Req<std::int64_t> number{"number"};
  Set<Student> students{"students"};
};

struct Course : entity<Course> {
  Req<std::string> title{"title"};
  Set<Student> students{"students"};
  Single<Teacher> teacher{"teacher", optional};
};

class school {
 public:
  school() : m_url{nextorm::testing::fresh_database_url("inherit_" + std::to_string(++runs()))} {
    db.bind(m_url);
    // Subclasses before their bases: the order of the list does not matter.
    db.generate_mapping<Professor, Student, Teacher, Person, Club, Group, Course>(
        {.create_tables = true});
    db_session session{db};
    auto& chess = Club::create({{"title", "chess"}});
    auto& g1 = Group::create({{"number", 1}});
    auto& smith = Teacher::create({{"name", "Smith"}, {"salary", 3000}});
    auto& jones = Professor::create(
        {{"name", "Jones"}, {"salary", 5000}, {"position", "chair"}, {"club", chess}});
    (void)Person::create({{"name", "Pat"}, {"email", "pat@x.org"}});
    auto& ann = Student::create(
        {{"name", "Ann"}, {"gpa", 3.9}, {"group", g1}, {"mentor", jones}, {"club", chess}});
    (void)Student::create({{"name", "Bob"}, {"gpa", 2.5}, {"group", g1}, {"mentor", smith}});
    auto& algebra = Course::create({{"title", "Algebra"}, {"teacher", jones}});
    algebra.students.add(ann);
  }
  ~school() { nextorm::testing::discard_database(m_url); }
  school(const school&) = delete;
  school& operator=(const school&) = delete;

  // The first column of the first row of `sql`, read without a session.
  value scalar(const std::string& sql, value_type type) const {
    auto connection = nextorm::testing::raw_connection(m_url);
    auto rows = connection->query(sql, {});
    return rows->next() ? rows->get(0, type) : value{};
  }
  // `sql` run without a session (autocommit).
  void execute(const std::string& sql) const {
    auto connection = nextorm::testing::raw_connection(m_url);
    (void)connection->execute(sql, {});
  }
  std::string table(const std::string& name) {
    return db.impl().dialect().quote(db.schema().get(name).table);
  }

  database db;

 private:
  static int& runs() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

template <class E>
std::vector<std::string> names(query<E> q) {
  std::vector<std::string> out;
  for (E& e : q) out.push_back(e.name.get());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> strings(const query<std::string>& q) {
  std::vector<std::string> out;
  for (const std::string& v : q) out.push_back(v);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("a hierarchy is one table named after its root, with a classtype column",
          "[inheritance]") {
  school s;
  const registry& schema = s.db.schema();
  CHECK(schema.get("Student").table == schema.get("Person").table);
  CHECK(schema.get("Professor").table == schema.get("Person").table);
  CHECK(s.scalar("SELECT COUNT(*) FROM " + s.table("Person"), value_type::integer) == value{5});
  CHECK(s.scalar("SELECT classtype FROM " + s.table("Person") + " WHERE name = 'Jones'",
                 value_type::text) == value{"Prof"});
  CHECK(s.scalar("SELECT classtype FROM " + s.table("Person") + " WHERE name = 'Pat'",
                 value_type::text) == value{"Person"});
  // A subclass's attributes are columns of the root's table, NULL for the other classes' rows.
  CHECK(s.scalar("SELECT salary FROM " + s.table("Person") + " WHERE name = 'Ann'",
                 value_type::integer)
            .is_null());
}

TEST_CASE("a query over the base returns each object as its own class", "[inheritance]") {
  school s;
  db_session session{s.db};
  std::map<std::string, std::string> classes;
  for (Person& p : select<Person>("x for x in Person")) {
    const char* kind = dynamic_cast<Professor*>(&p) != nullptr ? "Professor"
                       : dynamic_cast<Teacher*>(&p) != nullptr ? "Teacher"
                       : dynamic_cast<Student*>(&p) != nullptr ? "Student"
                                                               : "Person";
    classes[p.name.get()] = kind;
    CHECK(p.info().name == kind);
  }
  CHECK(classes == std::map<std::string, std::string>{{"Ann", "Student"},
                                                      {"Bob", "Student"},
                                                      {"Jones", "Professor"},
                                                      {"Pat", "Person"},
                                                      {"Smith", "Teacher"}});
  // The subclass's attributes were read with the row.
  auto* jones = dynamic_cast<Professor*>(Person::get({{"name", "Jones"}}).get());
  REQUIRE(jones != nullptr);
  CHECK(jones->position.get() == "chair");
  CHECK(jones->salary.get() == 5000);
  CHECK(jones->club.get()->title.get() == "chess");
}

TEST_CASE("a query over a subclass reads the rows of it and of the classes below it",
          "[inheritance]") {
  school s;
  db_session session{s.db};
  CHECK(names(Teacher::select()) == std::vector<std::string>{"Jones", "Smith"});
  CHECK(names(Professor::select()) == std::vector<std::string>{"Jones"});
  CHECK(names(Student::select("x.gpa > 3")) == std::vector<std::string>{"Ann"});
  CHECK(names(Person::select()).size() == 5);
  CHECK(Teacher::select().count() == 2);
  CHECK(select<std::int64_t>("count(t for t in Teacher) for g in Group").first() == 2);
  CHECK(strings(select<std::string>("t.name for t in Teacher if t.salary > 4000")) ==
        std::vector<std::string>{"Jones"});
  // Relations to a subclass, from it, and inherited ones.
  CHECK(strings(select<std::string>("s.name for s in Student if s.mentor.salary > 4000")) ==
        std::vector<std::string>{"Ann"});
  CHECK(strings(select<std::string>("c.title for c in Course if c.teacher.name == 'Jones'")) ==
        std::vector<std::string>{"Algebra"});
  CHECK(select<std::int64_t>("count(g.students) for g in Group").first() == 2);
  CHECK(strings(select<std::string>("p.name for p in Person if p.club.title == 'chess'")) ==
        std::vector<std::string>{"Ann", "Jones"});
  CHECK(strings(select<std::string>("t.name for t in Teacher if exists(t.apprentices)")) ==
        std::vector<std::string>{"Jones", "Smith"});
  // A nested query over a subclass keeps to its rows.
  CHECK(strings(select<std::string>(
            "p.name for p in Person if p.name in (t.name for t in Teacher if t.salary < 4000)")) ==
        std::vector<std::string>{"Smith"});
  // The attributes of subclasses read through the base (NULL in other classes' rows), and objects
  // of one hierarchy compare, as in PonyORM.
  CHECK(names(Person::select("x.salary > 4000")) == std::vector<std::string>{"Jones"});
  CHECK(strings(select<std::string>(
            "p.name for p in Person if exists(s for s in Student if s.mentor == p)")) ==
        std::vector<std::string>{"Jones", "Smith"});
  // The discriminator is an attribute of every class.
  CHECK(strings(select<std::string>("p.name for p in Person if p.classtype == 'Prof'")) ==
        std::vector<std::string>{"Jones"});
}

TEST_CASE("isinstance() tests the class of an object in a query", "[inheritance]") {
  school s;
  db_session session{s.db};
  auto names_where = [](const std::string& condition) {
    return strings(select<std::string>("p.name for p in Person if " + condition));
  };
  CHECK(names_where("isinstance(p, Teacher)") == std::vector<std::string>{"Jones", "Smith"});
  CHECK(names_where("not isinstance(p, Student)") ==
        std::vector<std::string>{"Jones", "Pat", "Smith"});
  CHECK(names_where("isinstance(p, (Student, Professor))") ==
        std::vector<std::string>{"Ann", "Bob", "Jones"});
  CHECK(names_where("isinstance(p, Person)").size() == 5);
  // A class and one below it: each discriminator value once.
  CHECK(names_where("isinstance(p, (Teacher, Professor))") ==
        std::vector<std::string>{"Jones", "Smith"});
  // Of a reference, and where the answer is known from the types alone.
  CHECK(
      strings(select<std::string>("s.name for s in Student if isinstance(s.mentor, Professor)")) ==
      std::vector<std::string>{"Ann"});
  CHECK(Teacher::select("isinstance(t, Person)").count() == 2);
  CHECK(Teacher::select("isinstance(t, Student)").count() == 0);
  CHECK(Group::select("isinstance(g, Group)").count() == 1);
  // Its arguments are an object and entities.
  CHECK_THROWS_WITH(
      strings(select<std::string>("p.name for p in Person if isinstance(p.name, Student)")),
      Catch::Contains("isinstance() needs an object"));
  CHECK_THROWS_WITH(strings(select<std::string>("p.name for p in Person if isinstance(p, Studnt)")),
                    Catch::Contains("did you mean 'Student'"));
}

TEST_CASE("one object per row across the hierarchy; a key of another class is not found",
          "[inheritance]") {
  school s;
  db_session session{s.db};
  Student& ann = *Student::get({{"name", "Ann"}});
  const value key = ann.key();
  CHECK(&Person::at(key) == &ann);
  CHECK(&Student::at(key) == &ann);
  CHECK(Person::select("x.name == 'Ann'").first().get() == &ann);
  CHECK_THROWS_AS(Teacher::at(key), object_not_found);
  CHECK(Teacher::get({{"name", "Ann"}}) == nullptr);
  // Loaded as a Person first, the object is the Student it is.
  db_session other{s.db};
  Person& bob = *Person::get({{"name", "Bob"}});
  REQUIRE(dynamic_cast<Student*>(&bob) != nullptr);
  CHECK(&Student::at(bob.key()) == &bob);
  CHECK_THROWS_AS(Professor::at(bob.key()), object_not_found);
  // A typed result of the base holds subclass objects; one of a subclass refuses the base.
  CHECK(select<Person>("s for s in Student").count() == 2);
  CHECK_THROWS_WITH(select<Student>("p for p in Person").fetch(), Catch::Contains("Person"));
}

TEST_CASE("objects of a subclass are created, changed and removed in the root's table",
          "[inheritance]") {
  school s;
  value key;
  {
    db_session session{s.db};
    auto& kim = Professor::create();
    kim.name = "Kim";
    kim.salary = 7000;
    kim.position = "dean";
    Group& g1 = *Group::get({{"number", 1}});
    Student& ann = *Student::get({{"name", "Ann"}});
    ann.gpa = 4.0;
    ann.mentor = kim;
    g1.students.add(*Student::get({{"name", "Bob"}}));
    session.commit();
    key = kim.key();
  }
  {
    db_session session{s.db};
    auto* kim = dynamic_cast<Professor*>(&Person::at(key));
    REQUIRE(kim != nullptr);
    CHECK(kim->position.get() == "dean");
    CHECK(kim->apprentices.size() == 1);
    CHECK(kim->apprentices.begin()->name.get() == "Ann");
    CHECK(Student::get({{"name", "Ann"}})->gpa.get() == 4.0);
    kim->remove();
  }
  db_session session{s.db};
  CHECK(Teacher::select().count() == 2);
  CHECK(Student::get({{"name", "Ann"}})->mentor.get() == nullptr);
}

TEST_CASE("a subclass's Req is required of its objects although its column takes NULL",
          "[inheritance]") {
  school s;
  {
    db_session session{s.db};
    auto& t = Teacher::create();
    t.name = "Lee";  // no salary
    CHECK_THROWS_WITH(session.commit(), Catch::Contains("Teacher.salary is required"));
    session.rollback();
  }
  db_session session{s.db};
  CHECK(Teacher::select().count() == 2);
  // The discriminator is the class's: it cannot be given.
  CHECK_THROWS_WITH(Student::create({{"name", "Zoe"}, {"classtype", "Teacher"}}),
                    Catch::Contains("discriminator"));
}

TEST_CASE("relations declared by the base hold objects of every class", "[inheritance]") {
  school s;
  {
    db_session session{s.db};
    Club& chess = *Club::get({{"title", "chess"}});
    CHECK(chess.members.size() == 2);
    chess.members.add(*Person::get({{"name", "Bob"}}));
    chess.members.add(*Teacher::get({{"name", "Smith"}}));
  }
  db_session session{s.db};
  Club& chess = *Club::get({{"title", "chess"}});
  std::vector<std::string> members;
  for (Person& p : chess.members) members.push_back(p.info().name + " " + p.name.get());
  std::sort(members.begin(), members.end());
  CHECK(members ==
        std::vector<std::string>{"Professor Jones", "Student Ann", "Student Bob", "Teacher Smith"});
}

TEST_CASE("the registry of C++ entities is written as a JSON schema that maps the same way",
          "[inheritance][to_json]") {
  school s;
  const registry& typed = s.db.schema();
  registry loaded;
  loaded.load_json_text(typed.to_json());
  loaded.finalize(pony_naming{s.db.provider()});
  REQUIRE(loaded.entities().size() == typed.entities().size());
  for (const auto& entity : typed.entities()) {
    const entity_info& other = loaded.get(entity->name);
    CHECK(other.table == entity->table);
    CHECK(other.base == entity->base);
    CHECK(other.discriminator_value == entity->discriminator_value);
    std::vector<std::string> columns, other_columns;
    for (const attr_info* attr : entity->load_columns) columns.push_back(attr->column);
    for (const attr_info* attr : other.load_columns) other_columns.push_back(attr->column);
    CHECK(other_columns == columns);
  }
  // A subclass writes only its own attributes and composite keys.
  const std::string json = typed.to_json();
  const auto professor = json.find(R"("name": "Professor",
      "base": "Teacher",
      "discriminator": "Prof",)");
  REQUIRE(professor != std::string::npos);
  const std::string block = json.substr(professor, json.find(R"("name": "Student")") - professor);
  CHECK_THAT(block, Catch::Contains(R"("name": "position")") &&
                        !Catch::Contains(R"("name": "salary")") && Catch::Contains(R"("position",
          "salary")") && !Catch::Contains(R"("name",
          "salary")"));
}

TEST_CASE("what a query cannot say about classes is refused with the reason", "[inheritance]") {
  school s;
  db_session session{s.db};
  CHECK_THROWS_WITH(Person::select("exists(p.apprentices)").count(),
                    Catch::Contains("entity Person has no attribute 'apprentices'"));
  CHECK_THROWS_WITH(Person::select("x.salry > 1").count(),
                    Catch::Contains("did you mean 'salary'"));
  CHECK_THROWS_WITH(Person::select("isinstance(p, 1)").count(),
                    Catch::Contains("isinstance() needs an entity (or a tuple of entities)"));
  Person& pat = *Person::get({{"name", "Pat"}});
  CHECK_THROWS_WITH(
      select<Person>("p for p in Person if isinstance(a, Student)", {{"a", pat}}).count(),
      Catch::Contains("isinstance() of this object"));
  // A subquery over a subclass, its NULLs left out of NOT IN: its WHERE has the class condition.
  CHECK(Person::select("x.name not in (t.email for t in Teacher)").count() == 5);
  CHECK(Person::select("x.name not in (t.email for t in Teacher if t.salary > 0)").count() == 5);
}

TEST_CASE("show() prints each object's class in the discriminator column", "[inheritance]") {
  school s;
  db_session session{s.db};
  std::ostringstream out;
  Person::select("x.name == 'Jones'").show(out);
  CHECK_THAT(out.str(), Catch::Contains("classtype") && Catch::Contains("Prof"));
}

TEST_CASE("a row whose discriminator names no class is no object; one of another class is refused",
          "[inheritance]") {
  school s;
  s.execute("UPDATE " + s.table("Person") + " SET classtype = 'Alien' WHERE name = 'Pat'");
  {
    // As in PonyORM: every query over the hierarchy reads its classes' rows only.
    db_session session{s.db};
    CHECK(Person::select().count() == 4);
    CHECK(Person::select().fetch().size() == 4);
    CHECK(nextorm::select<std::string>("p.name for p in Person if p.email == 'pat@x.org'")
              .fetch()
              .empty());
    CHECK(Club::get({{"title", "chess"}})->members.size() == 2);
  }
  if (s.db.provider() == "mariadb") {
    // MariaDB's IN compares text by its collation: 'STUDENT' passes for 'Student', and the
    // object's class is asked for by the exact value.
    s.execute("UPDATE " + s.table("Person") + " SET classtype = 'STUDENT' WHERE name = 'Pat'");
    db_session session{s.db};
    CHECK_THROWS_WITH(
        Person::select().fetch(),
        Catch::Contains("value.unknown_discriminator") &&
            Catch::Contains("'STUDENT', which names no class of the hierarchy of Person"));
  }
  // A session sees another's commit in its next statement on PostgreSQL (READ COMMITTED); a
  // reader's transaction keeps SQLite's writers out, and MariaDB reads its snapshot
  // (REPEATABLE READ).
  if (s.db.provider() != "postgres") return;
  db_session session{s.db};
  Student& bob = *Student::get({{"name", "Bob"}});
  s.execute("UPDATE " + s.table("Person") +
            " SET classtype = 'Teacher', salary = 1 WHERE name = 'Bob'");
  CHECK_THROWS_WITH(Teacher::select().fetch(), Catch::Contains("value.wrong_class") &&
                                                   Catch::Contains("is a Student, not a Teacher"));
  CHECK(bob.name.get() == "Bob");
}

namespace {

// A hierarchy keyed by a str.
struct Vehicle : entity<Vehicle> {
  static constexpr std::string_view discriminator = "V";  // a Truck has its own: "Truck"
  PK<std::string> plate{"plate"};
};
struct Truck : entity<Truck, Vehicle> {
  Req<std::int64_t> axles{"axles"};
};

// A subclass with a field named like the discriminator.
struct Oddity : entity<Oddity, Vehicle> {
  Opt<std::string> classtype{"classtype"};
};

}  // namespace

TEST_CASE("a hierarchy keyed by a str loads its objects as their classes", "[inheritance]") {
  const std::string url = nextorm::testing::fresh_database_url("inherit_str_key");
  {
    database db{url};
    db.generate_mapping<Vehicle, Truck>({.create_tables = true});
    {
      db_session session{db};
      (void)Truck::create({{"plate", "T-1"}, {"axles", 3}});
      (void)Vehicle::create({{"plate", "V-1"}});
    }
    db_session session{db};
    auto* truck = dynamic_cast<Truck*>(&Vehicle::at("T-1"));
    REQUIRE(truck != nullptr);
    CHECK(truck->axles.get() == 3);
    CHECK(dynamic_cast<Truck*>(&Vehicle::at("V-1")) == nullptr);
    CHECK(&Truck::at("T-1") == truck);
    CHECK(db.schema().get("Vehicle").discriminator_value == "V");
    CHECK(db.schema().get("Truck").discriminator_value == "Truck");
  }
  nextorm::testing::discard_database(url);
  registry odd;
  odd.add(describe_entity<Vehicle>());
  odd.add(describe_entity<Oddity>());
  CHECK_THROWS_WITH(odd.finalize(), Catch::Contains("schema.hides_base"));
}
