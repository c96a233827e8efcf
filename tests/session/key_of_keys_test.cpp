// A key of keys, PonyORM's PrimaryKey(course, student) where Course has PrimaryKey(name,
// semester): the key part `course` has a column per column of Course's key (course_name,
// course_semester), a reference to Enrollment has all three (enrollment_course_name, ...), and
// so has a many-to-many's join table. Objects are made, found by their whole key (nested, as
// PonyORM's Enrollment[Course['Math',1], Student[1]], or by its columns' values), changed,
// removed, reached through their relations and queried. What a test checks after a commit it
// reads in a new session, from the database.
#include "session_fixture.hpp"

#include <nextorm/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using namespace session_test;

namespace {

struct Enrollment;
struct Remark;
struct Label;
struct Award;
struct Syllabus;
struct Reading;

struct Term : entity<Term> {
  Req<std::string> name{"name"};
  Req<std::int64_t> semester{"semester"};
  Opt<std::string> title{"title"};
  Set<Enrollment> enrollments{"enrollments"};
  Single<Syllabus> syllabus{"syllabus", optional};
  [[no_unique_address]] nextorm::primary_key pk{name, semester};
};

struct Pupil : entity<Pupil> {
  Req<std::string> name{"name"};
  Set<Enrollment> enrollments{"enrollments"};
};

struct Enrollment : entity<Enrollment> {
  Single<Term> course{"course"};
  Single<Pupil> student{"student"};
  Opt<std::int64_t> grade{"grade"};
  Set<Remark> remarks{"remarks"};
  Set<Label> labels{"labels"};
  Set<Award> awards{"awards"};
  [[no_unique_address]] nextorm::primary_key pk{course, student};
};

struct Remark : entity<Remark> {
  Single<Enrollment> enrollment{"enrollment"};
  Req<std::string> text{"text"};
};

// An optional reference: three nullable columns.
struct Award : entity<Award> {
  Req<std::string> name{"name"};
  Single<Enrollment> enrollment{"enrollment", optional};
};

struct Label : entity<Label> {
  Req<std::string> name{"name"};
  Set<Enrollment> enrollments{"enrollments"};
  Set<Syllabus> syllabi{"syllabi"};
};

// A key of one attribute that refers to an entity with a composite key (PonyORM's
// PrimaryKey(course) of a Course keyed by two): a Term's syllabus extends it, sharing its key.
struct Syllabus : entity<Syllabus> {
  Single<Term> term{"term"};
  Req<std::string> text{"text"};
  Set<Reading> readings{"readings"};
  Set<Label> labels{"labels"};
  [[no_unique_address]] nextorm::primary_key pk{term};
};

struct Reading : entity<Reading> {
  Req<std::string> title{"title"};
  Single<Syllabus> syllabus{"syllabus"};
};

class school {
 public:
  school()
      : m_url{nextorm::testing::fresh_database_url("key_of_keys_" + std::to_string(++runs()))} {
    db.bind(m_url);
    db.generate_mapping<Term, Pupil, Enrollment, Remark, Label, Award, Syllabus, Reading>(
        {.create_tables = true});
  }
  ~school() { nextorm::testing::discard_database(m_url); }
  school(const school&) = delete;
  school& operator=(const school&) = delete;

  // Terms Math/1 and Math/2, pupils Ann (1) and Bob (2); Ann in Math/1 (grade 5) and Math/2,
  // Bob in Math/1 (grade 3); a remark on Ann's Math/1 and one on Bob's; the label "hard" on
  // Ann's Math/1 and Bob's.
  void fill() {
    db_session session{db};
    Term& m1 = Term::create({{"name", "Math"}, {"semester", 1}, {"title", "Algebra"}});
    Term& m2 = Term::create({{"name", "Math"}, {"semester", 2}});
    Pupil& ann = Pupil::create({{"name", "Ann"}});
    Pupil& bob = Pupil::create({{"name", "Bob"}});
    Enrollment& a1 = Enrollment::create({{"course", m1}, {"student", ann}, {"grade", 5}});
    (void)Enrollment::create({{"course", m2}, {"student", ann}});
    Enrollment& b1 = Enrollment::create({{"course", m1}, {"student", bob}, {"grade", 3}});
    (void)Remark::create({{"enrollment", a1}, {"text", "well done"}});
    (void)Remark::create({{"enrollment", b1}, {"text", "try harder"}});
    Label& hard = Label::create({{"name", "hard"}});
    hard.enrollments.add(a1);
    hard.enrollments.add(b1);
  }

  std::string table(const std::string& entity) {
    return db.impl().dialect().quote(db.schema().get(entity).table);
  }
  std::string quote(const std::string& name) { return db.impl().dialect().quote(name); }
  // The first column of the first row of `sql`, read without a session; "<no row>" when none.
  value scalar(const std::string& sql, value_type type) const {
    auto connection = nextorm::testing::raw_connection(m_url);
    auto rows = connection->query(sql, {});
    return rows->next() ? rows->get(0, type) : value{"<no row>"};
  }

  database db;

 private:
  static int& runs() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

std::string printed(const entity_base& object) {
  std::ostringstream out;
  out << object;
  return out.str();
}

// An enrollment as "<pupil> <course name>/<semester>", sorted.
std::vector<std::string> listed(const query<Enrollment>& q) {
  std::vector<std::string> out;
  for (Enrollment& e : q) {
    out.push_back(e.student->name.get() + " " + e.course->name.get() + "/" +
                  std::to_string(e.course->semester.get()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

value math(std::int64_t semester) { return value::tuple({"Math", semester}); }

}  // namespace

TEST_CASE(
    "a key part that refers to an entity with a composite key has a column per its key's "
    "columns, named as PonyORM names them",
    "[key_of_keys]") {
  school s;
  const entity_info& enrollment = s.db.schema().get("Enrollment");
  std::vector<std::string> key_columns;
  for (const key_column& k : enrollment.key_columns) key_columns.push_back(k.name);
  CHECK(key_columns == std::vector<std::string>{"course_name", "course_semester", "student"});
  const auto remark_columns = s.db.schema().get("Remark").find("enrollment")->column_names();
  CHECK(std::vector<std::string>(remark_columns.begin(), remark_columns.end()) ==
        std::vector<std::string>{"enrollment_course_name", "enrollment_course_semester",
                                 "enrollment_student"});
  s.fill();
  CHECK(s.scalar("SELECT grade FROM " + s.table("Enrollment") +
                     " WHERE course_name = 'Math' AND course_semester = 1 AND student = 2",
                 value_type::integer) == value{3});
  CHECK(s.scalar("SELECT text FROM " + s.table("Remark") +
                     " WHERE enrollment_course_name = 'Math' AND enrollment_course_semester = 1 "
                     "AND enrollment_student = 1",
                 value_type::text) == value{"well done"});
  const attr_info& labels = *s.db.schema().get("Enrollment").find("labels");
  CHECK(s.scalar("SELECT COUNT(*) FROM " + s.quote(labels.m2m_table) + " WHERE " +
                     s.quote(labels.m2m_own_columns[1]) + " = 1",
                 value_type::integer) == value{2});
}

TEST_CASE("an object with a key of keys is found by its nested key or by its columns' values",
          "[key_of_keys]") {
  school s;
  s.fill();
  db_session session{s.db};
  Enrollment& a1 = Enrollment::at({math(1), 1});
  CHECK(a1.grade.get() == 5);
  CHECK(a1.key() == value::tuple({math(1), 1}));
  CHECK(printed(a1) == "Enrollment[Term['Math',1],Pupil[1]]");
  // One object per key: by the columns' values, through its relations, from a query.
  CHECK(&Enrollment::at({"Math", 1, 1}) == &a1);
  CHECK(&Enrollment::at(value::tuple({Term::at({"Math", 1}).key(), Pupil::at(1).key()})) == &a1);
  CHECK(select<Remark>("r for r in Remark if r.text == 'well done'").first()->enrollment.get() ==
        &a1);
  CHECK(&Term::at({"Math", 1}) == a1.course.get());
  CHECK(a1.course->title.get() == "Algebra");
  CHECK(a1.student->name.get() == "Ann");
  CHECK(Enrollment::at({math(2), 1}).grade.has_value() == false);
  CHECK_THROWS_WITH(Enrollment::at({math(2), 2}),
                    "lookup.not_found: Enrollment[Term['Math',2],Pupil[2]] does not exist");
  CHECK_THROWS_AS(Enrollment::at({"Math", 2, 2}), object_not_found);
  // Values at their extremes are bound like any other: no such object (a NUL in text is
  // postgres.nul_in_text on PostgreSQL, which cannot store it).
  constexpr auto int64_min = std::numeric_limits<std::int64_t>::min();
  constexpr auto int64_max = std::numeric_limits<std::int64_t>::max();
  CHECK_THROWS_AS(Enrollment::at({math(int64_min), int64_max}), object_not_found);
  CHECK_THROWS_AS(Enrollment::at({value::tuple({std::string("Ma\0th", 5), 1}), 1}), nextorm::error);
  CHECK_THROWS_AS(Enrollment::at({"", 0, -1}), object_not_found);
  // A key of the wrong shape says what the key is made of.
  CHECK_THROWS_WITH(Enrollment::at({"Math", 1}),
                    Catch::Contains("object.key_shape: Enrollment's key is made of 2 attributes "
                                    "(course, student)") &&
                        Catch::Contains("course refers to Term, whose key has 2 attributes"));
  CHECK_THROWS_AS(Enrollment::at({1, math(1)}), usage_error);
  CHECK_THROWS_AS(Enrollment::at({"Math", 1, 1, 1}), usage_error);
  CHECK_THROWS_AS(Enrollment::at({math(1), 1, 1}), usage_error);
  CHECK_THROWS_AS(Enrollment::at({math(1), value::tuple({1})}), usage_error);
  CHECK_THROWS_AS(Enrollment::at({value::tuple({"Math"}), 1}), usage_error);
  CHECK_THROWS_AS(Enrollment::at(7), usage_error);
}

TEST_CASE("objects with a key of keys are changed, removed and reached through their relations",
          "[key_of_keys]") {
  school s;
  s.fill();
  {
    db_session session{s.db};
    Enrollment& b1 = Enrollment::at({math(1), 2});
    b1.grade = 4;
    CHECK(b1.remarks.size() == 1);
    CHECK(b1.labels.size() == 1);
    CHECK(Pupil::at(1).enrollments.size() == 2);
    CHECK(Term::at({"Math", 1}).enrollments.size() == 2);
    Label& hard = *select<Label>("l for l in Label").first();
    CHECK(hard.enrollments.size() == 2);
    hard.enrollments.remove(b1);
    Enrollment::at({math(2), 1}).remove();
    (void)Remark::create({{"enrollment", Enrollment::at({math(1), 1})}, {"text", "again"}});
    // A key part of a stored object does not change, as in PonyORM.
    CHECK_THROWS_AS(b1.course = Term::at({"Math", 2}), usage_error);
  }
  {
    // An upsert finds the row by the key's columns; a bulk update reads the held objects again
    // by them.
    db_session session{s.db};
    Enrollment& a1 = Enrollment::at({math(1), 1});
    Enrollment& same = Enrollment::upsert(
        {{"course", Term::at({"Math", 1})}, {"student", Pupil::at(1)}, {"grade", 6}}, {});
    CHECK(&same == &a1);
    CHECK(a1.grade.get() == 6);
    CHECK(select<Enrollment>("e for e in Enrollment if e.student.name == 'Ann'")
              .update({{"grade", "e.grade + 1"}}) == 1);
    CHECK(a1.grade.get() == 7);
  }
  db_session session{s.db};
  CHECK(Enrollment::at({math(1), 1}).grade.get() == 7);
  CHECK(Enrollment::at({math(1), 2}).grade.get() == 4);
  CHECK(Enrollment::at({math(1), 2}).labels.size() == 0);
  CHECK_THROWS_AS(Enrollment::at({math(2), 1}), object_not_found);
  CHECK(Enrollment::at({math(1), 1}).remarks.size() == 2);
  CHECK(Enrollment::select().count() == 2);
  // Removing a Term removes its enrollments (PonyORM's cascade of a required reference) and
  // theirs.
  Term::at({"Math", 1}).remove();
  session.commit();
  CHECK(Enrollment::select().count() == 0);
  CHECK(Remark::select().count() == 0);
}

TEST_CASE("queries compare, navigate and return objects with a key of keys", "[key_of_keys]") {
  school s;
  s.fill();
  db_session session{s.db};
  Enrollment& a1 = Enrollment::at({math(1), 1});
  CHECK(listed(select<Enrollment>("e for e in Enrollment if e.course.semester == 1")) ==
        std::vector<std::string>{"Ann Math/1", "Bob Math/1"});
  CHECK(listed(select<Enrollment>("e for e in Enrollment if e.student.name == 'Ann'")) ==
        std::vector<std::string>{"Ann Math/1", "Ann Math/2"});
  CHECK(listed(select<Enrollment>("e for e in Enrollment if e == x", {{"x", a1}})) ==
        std::vector<std::string>{"Ann Math/1"});
  CHECK(listed(select<Enrollment>("e for e in Enrollment if e != x", {{"x", a1}})) ==
        std::vector<std::string>{"Ann Math/2", "Bob Math/1"});
  // An entity_ref whose key lacks a column is refused when the query runs.
  CHECK_THROWS_WITH(
      select<Enrollment>("e for e in Enrollment if e == x",
                         {{"x", entity_ref{&a1.info(), value::tuple({value::tuple({"Math"}), 1})}}})
          .count(),
      Catch::Contains("param.key_shape"));
  CHECK(select<Remark>("r for r in Remark if r.enrollment == x", {{"x", a1}}).first()->text.get() ==
        "well done");
  CHECK(select<std::string>("r.enrollment.course.title for r in Remark if "
                            "r.enrollment.student.name == 'Bob'")
            .first() == "Algebra");
  CHECK(listed(select<Enrollment>("r.enrollment for r in Remark")) ==
        std::vector<std::string>{"Ann Math/1", "Bob Math/1"});
  CHECK(listed(select<Enrollment>("e for e in Enrollment if count(e.remarks) == 0")) ==
        std::vector<std::string>{"Ann Math/2"});
  CHECK(listed(select<Enrollment>("e for e in Enrollment if e in l.enrollments",
                                  {{"l", *Label::select().first()}})) ==
        std::vector<std::string>{"Ann Math/1", "Bob Math/1"});
  CHECK(select<std::string>("l.name for l in Label if x in l.enrollments", {{"x", a1}}).first() ==
        "hard");
  CHECK(listed(select<Enrollment>("e for e in Enrollment if e.course == Term['Math', 2]")) ==
        std::vector<std::string>{"Ann Math/2"});
  CHECK(listed(select<Enrollment>("e for e in Enrollment if Term['Math', 2] != e.course")) ==
        std::vector<std::string>{"Ann Math/1", "Bob Math/1"});
  // The object by its key in the query's text: a part that refers to an entity is that object,
  // or its key where it is one value, as in PonyORM.
  CHECK(select<std::int64_t>("e.grade for e in Enrollment if e == Enrollment[Term['Math', 1], 2]")
            .first() == 3);
  CHECK(select<std::int64_t>(
            "e.grade for e in Enrollment if e == Enrollment[Term['Math', 1], Pupil[1]]")
            .first() == 5);
  CHECK(select<std::int64_t>("r.enrollment.grade for r in Remark if r.enrollment == "
                             "Enrollment[Term[n, 1], p]",
                             {{"n", "Math"}, {"p", 2}})
            .first() == 3);
  CHECK_THROWS_WITH(
      select<Enrollment>("e for e in Enrollment if e == Enrollment[Term['Math', 1], 'x']").count(),
      Catch::Contains("type.mismatch: cannot compare int with str"));
  // Or by the key's columns, each a value (PonyORM's raw key, Enrollment['Math', 1, 2]).
  CHECK(select<std::int64_t>("e.grade for e in Enrollment if e == Enrollment['Math', 1, 2]")
            .first() == 3);
  CHECK(select<std::int64_t>("r.enrollment.grade for r in Remark if r.enrollment == "
                             "Enrollment[n, 1, p]",
                             {{"n", "Math"}, {"p", 1}})
            .first() == 5);
  CHECK(
      select<std::string>("Enrollment['Math', 1, 1].student.name for t in Term if t.semester == 2")
          .first() == "Ann");
  CHECK(select<Enrollment>("e for e in Enrollment if e == Enrollment['Math', 2, 2]").count() == 0);
  CHECK_THROWS_WITH(
      select<Enrollment>("e for e in Enrollment if e == Enrollment['Math', 'x', 2]").count(),
      Catch::Contains("type.mismatch: cannot compare int with str"));
  CHECK_THROWS_WITH(
      select<Enrollment>("e for e in Enrollment if e == Enrollment['Math', Term['Math', 1], 2]")
          .count(),
      Catch::Contains("type.mismatch"));
  // Two values are the two key attributes: a Term is no str.
  CHECK_THROWS_WITH(
      select<Enrollment>("e for e in Enrollment if e == Enrollment['Math', 1]").count(),
      Catch::Contains("type.mismatch: cannot compare Term with str"));
  // Ordered by the object: by its key's columns, PonyORM's order.
  std::vector<std::string> ordered;
  for (Enrollment& e : select<Enrollment>("e for e in Enrollment").order_by("desc(e)")) {
    ordered.push_back(e.student->name.get() + std::to_string(e.course->semester.get()));
  }
  CHECK(ordered == std::vector<std::string>{"Ann2", "Bob1", "Ann1"});
  CHECK(select<Enrollment>("e for e in Enrollment if e.grade > 4").count() == 1);
  // Bulk removal by the key's columns.
  CHECK(select<Enrollment>("e for e in Enrollment if e.grade == None").remove() == 1);
  CHECK(Enrollment::select().count() == 2);
}

TEST_CASE("an optional reference to an object with a key of keys may be missing", "[key_of_keys]") {
  school s;
  s.fill();
  {
    db_session session{s.db};
    (void)Award::create({{"name", "best"}, {"enrollment", Enrollment::at({math(1), 1})}});
    (void)Award::create({{"name", "none"}});
  }
  CHECK(s.scalar("SELECT COUNT(*) FROM " + s.table("Award") +
                     " WHERE enrollment_course_name IS NULL AND enrollment_course_semester IS "
                     "NULL AND enrollment_student IS NULL",
                 value_type::integer) == value{1});
  db_session session{s.db};
  CHECK(select<std::string>("a.name for a in Award if a.enrollment is None").first() == "none");
  CHECK(select<std::string>("a.name for a in Award if a.enrollment.grade == 5").first() == "best");
  std::vector<std::string> pairs;
  for (auto [award, enrollment] :
       left_join<std::tuple<Award, Enrollment>>("(a, a.enrollment) for a in Award")) {
    pairs.push_back(award->name.get() + (enrollment ? " " + printed(*enrollment) : " -"));
  }
  std::sort(pairs.begin(), pairs.end());
  CHECK(pairs == std::vector<std::string>{"best Enrollment[Term['Math',1],Pupil[1]]", "none -"});
  Award& none = *select<Award>("a for a in Award if a.name == 'none'").first();
  CHECK(none.enrollment.get() == nullptr);
  none.enrollment = Enrollment::at({math(2), 1});
  session.commit();
  CHECK(select<Award>("a for a in Award if a.enrollment.course.semester == 2").count() == 1);
}

TEST_CASE(
    "a key of one attribute that refers to an entity with a composite key is that entity's key, "
    "in a column per its columns",
    "[key_of_keys]") {
  school s;
  const entity_info& syllabus = s.db.schema().get("Syllabus");
  CHECK(syllabus.composite_key());
  std::vector<std::string> key_columns;
  for (const key_column& k : syllabus.key_columns) key_columns.push_back(k.name);
  CHECK(key_columns == std::vector<std::string>{"term_name", "term_semester"});
  const auto reading = s.db.schema().get("Reading").find("syllabus")->column_names();
  CHECK(std::vector<std::string>(reading.begin(), reading.end()) ==
        std::vector<std::string>{"syllabus_term_name", "syllabus_term_semester"});
  s.fill();
  {
    db_session session{s.db};
    Syllabus& algebra = Syllabus::create({{"term", Term::at({"Math", 1})}, {"text", "groups"}});
    (void)Syllabus::create({{"term", Term::at({"Math", 2})}, {"text", "rings"}});
    (void)Reading::create({{"title", "Artin"}, {"syllabus", algebra}});
    (void)Reading::create({{"title", "Lang"}, {"syllabus", algebra}});
    Label::select().first()->syllabi.add(algebra);
  }
  CHECK(s.scalar("SELECT text FROM " + s.table("Syllabus") +
                     " WHERE term_name = 'Math' AND term_semester = 2",
                 value_type::text) == value{"rings"});
  CHECK(s.scalar("SELECT COUNT(*) FROM " + s.table("Reading") +
                     " WHERE syllabus_term_name = 'Math' AND syllabus_term_semester = 1",
                 value_type::integer) == value{2});
  db_session session{s.db};
  // Its key is the referred key, as in PonyORM (Syllabus[Term['Math',1]]): found by it, one
  // object per key, reached both ways.
  Syllabus& algebra = Syllabus::at({"Math", 1});
  CHECK(algebra.key() == math(1));
  CHECK(algebra.text.get() == "groups");
  CHECK(printed(algebra) == "Syllabus[Term['Math',1]]");
  CHECK(&Syllabus::at(Term::at({"Math", 1}).key()) == &algebra);
  CHECK(Term::at({"Math", 1}).syllabus.get() == &algebra);
  CHECK(algebra.term.get() == &Term::at({"Math", 1}));
  CHECK(algebra.readings.size() == 2);
  CHECK(select<Reading>("r for r in Reading if r.title == 'Lang'").first()->syllabus.get() ==
        &algebra);
  CHECK(Label::select().first()->syllabi.size() == 1);
  CHECK_THROWS_WITH(Syllabus::at({"Math", 3}),
                    "lookup.not_found: Syllabus[Term['Math',3]] does not exist");
  CHECK_THROWS_WITH(Syllabus::at(7), Catch::Contains("object.key_shape: Syllabus's key is the "
                                                     "one attribute term"));
  CHECK_THROWS_AS(Syllabus::at({"Math"}), usage_error);
  CHECK_THROWS_AS(Syllabus::at({"Math", 1, 1}), usage_error);
  // Values at their extremes are bound like any other: no such object (a NUL in text is
  // postgres.nul_in_text on PostgreSQL, which cannot store it).
  CHECK_THROWS_AS(Syllabus::at({"", std::numeric_limits<std::int64_t>::min()}), object_not_found);
  CHECK_THROWS_AS(Syllabus::at({"Math", std::numeric_limits<std::int64_t>::max()}),
                  object_not_found);
  CHECK_THROWS_AS(Syllabus::at({std::string("Ma\0th", 5), 1}), nextorm::error);
  // In queries: compared with objects and by key, navigated, returned, ordered, counted.
  auto texts = [](const query<Syllabus>& q) {
    std::vector<std::string> out;
    for (Syllabus& y : q) out.push_back(y.text.get());
    return out;
  };
  CHECK(texts(select<Syllabus>("y for y in Syllabus if y.term.semester == 2")) ==
        std::vector<std::string>{"rings"});
  CHECK(texts(select<Syllabus>("y for y in Syllabus if y == x", {{"x", algebra}})) ==
        std::vector<std::string>{"groups"});
  CHECK(texts(select<Syllabus>("y for y in Syllabus if y == Syllabus[Term['Math', 2]]")) ==
        std::vector<std::string>{"rings"});
  // Or by its key's columns, as PonyORM takes them (Syllabus['Math', 2]), literals or parameters.
  CHECK(texts(select<Syllabus>("y for y in Syllabus if y == Syllabus['Math', 2]")) ==
        std::vector<std::string>{"rings"});
  CHECK(texts(select<Syllabus>("y for y in Syllabus if y != Syllabus[n, s]",
                               {{"n", "Math"}, {"s", 2}})) == std::vector<std::string>{"groups"});
  CHECK(select<std::string>("Syllabus['Math', 1].text for t in Term if t.semester == 2").first() ==
        "groups");
  CHECK(texts(select<Syllabus>("y for y in Syllabus if y == Syllabus['Math', 3]")).empty());
  CHECK_THROWS_WITH(
      select<Syllabus>("y for y in Syllabus if y == Syllabus['Math', 1, 2]").count(),
      Catch::Contains("type.key: Syllabus[...] takes its primary key: 1 value(s) (or its 2 "
                      "columns), got 3"));
  CHECK_THROWS_WITH(select<Syllabus>("y for y in Syllabus if y == Syllabus['Math']").count(),
                    Catch::Contains("type.mismatch: cannot compare Term with str"));
  CHECK(texts(select<Syllabus>("r.syllabus for r in Reading if r.title == 'Artin'")) ==
        std::vector<std::string>{"groups"});
  CHECK(texts(select<Syllabus>("y for y in Syllabus if count(y.readings) == 0")) ==
        std::vector<std::string>{"rings"});
  CHECK(texts(select<Syllabus>("y for y in Syllabus").order_by("desc(y)")) ==
        std::vector<std::string>{"rings", "groups"});
  CHECK(texts(select<Syllabus>("t.syllabus for t in Term if t.title == 'Algebra'")) ==
        std::vector<std::string>{"groups"});
  // As JSON: a reference to it is its key's array (the referred key), read back from one.
  Reading& rudin = nextorm::create_from_json<Reading>(
      nlohmann::json::parse(R"({"title": "Rudin", "syllabus": ["Math", 2]})"));
  CHECK(rudin.syllabus.get() == &Syllabus::at({"Math", 2}));
  CHECK(nextorm::to_json(rudin)["syllabus"] == nlohmann::json::parse(R"(["Math", 2])"));
  CHECK(nextorm::to_json(algebra)["term"] == nlohmann::json::parse(R"(["Math", 1])"));
  CHECK_THROWS_WITH(nextorm::create_from_json<Reading>(
                        nlohmann::json::parse(R"({"title": "x", "syllabus": "Math"})")),
                    Catch::Contains("value.wrong_type: Syllabus.term takes the key of a Term"));
  rudin.remove();
  // Its Term's side of the one-to-one (no column: a subquery of the key's columns).
  (void)Term::create({{"name", "Art"}, {"semester", 1}});
  CHECK(select<std::string>("t.name for t in Term if t.syllabus is None").first() == "Art");
  CHECK(select<Term>("t for t in Term if t.syllabus is not None").count() == 2);
  CHECK(select<Term>("t for t in Term if t.syllabus == x", {{"x", algebra}}).first().get() ==
        &Term::at({"Math", 1}));
  std::vector<std::string> pairs;
  for (auto [term, syllabus] :
       select<std::tuple<Term, Syllabus>>("(t, t.syllabus) for t in Term")) {
    pairs.push_back(term->name.get() + (syllabus ? " " + syllabus->text.get() : " -"));
  }
  std::sort(pairs.begin(), pairs.end());
  CHECK(pairs == std::vector<std::string>{"Art -", "Math groups", "Math rings"});
  std::vector<std::string> titles;
  for (const std::string& title :
       select<std::string>("r.title for r in Reading if r.syllabus == x", {{"x", algebra}})
           .order_by("r.title")) {
    titles.push_back(title);
  }
  CHECK(titles == std::vector<std::string>{"Artin", "Lang"});
  CHECK(select<std::string>("l.name for l in Label if x in l.syllabi", {{"x", algebra}}).first() ==
        "hard");
  // Changed and removed by its key's columns; removing it removes its readings (the reverse of
  // a required reference), and as in PonyORM its Term's optional side does not cascade.
  algebra.text = "fields";
  session.commit();
  CHECK(s.scalar("SELECT text FROM " + s.table("Syllabus") + " WHERE term_semester = 1",
                 value_type::text) == value{"fields"});
  CHECK_THROWS_WITH(Term::at({"Math", 1}).remove(),
                    Catch::Contains("relation.delete_blocked: cannot remove Term['Math',1]: "
                                    "Syllabus[Term['Math',1]] requires it"));
  algebra.remove();
  Term::at({"Math", 1}).remove();
  session.commit();
  CHECK(Syllabus::select().count() == 1);
  CHECK(Reading::select().count() == 0);
  CHECK(Enrollment::select().count() == 1);
  Syllabus::at({"Math", 2}).remove();
  session.commit();
  CHECK(Syllabus::select().count() == 0);
  CHECK(s.scalar("SELECT COUNT(*) FROM " + s.table("Syllabus"), value_type::integer) == value{0});
}
