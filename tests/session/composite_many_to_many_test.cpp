// Many-to-many relations with entities whose primary key has several attributes: the join table
// has a column per key attribute of each side (PonyORM's <entity>_<key column>, or the Set's
// `columns`), one foreign key per side over its columns, and a primary key over all of them. A
// Room (keyed by building and number) hosts Courses (keyed by department and number); a Teacher
// (one-attribute key) teaches Courses; a Course requires other Courses (a self-reference); Rooms
// adjoin each other (a symmetric Set). Links are added, removed, loaded, removed with their
// objects, and queried as PonyORM queries them. What a test checks after a commit it reads in a
// new session, from the database.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

using namespace session_test;

namespace {

struct Course;
struct Room;

struct Teacher : entity<Teacher> {
  Req<std::string> name{"name"};
  Set<Course> courses{"courses"};
};

struct Course : entity<Course> {
  Req<std::string> dept{"dept"};
  Req<std::int64_t> number{"number"};
  Req<std::string> title{"title"};
  Set<Teacher> teachers{"teachers"};
  // The join table's columns of the rooms are named here (PonyORM's columns=[...]).
  Set<Room> rooms{"rooms", nextorm::table{"Timetable"}, nextorm::columns{"room_bldg", "room_no"}};
  Set<Course> requires_{"requires", nextorm::reverse{"required_by"}};
  Set<Course> required_by{"required_by", nextorm::reverse{"requires"}};
  [[no_unique_address]] nextorm::primary_key pk{dept, number};
};

struct Room : entity<Room> {
  Req<std::string> building{"building"};
  Req<std::int64_t> number{"number"};
  Opt<std::int64_t> seats{"seats"};
  Set<Course> courses{"courses"};
  Set<Room> adjoining{"adjoining", nextorm::reverse{"adjoining"}};
  [[no_unique_address]] nextorm::primary_key pk{building, number};
};

class campus : public fresh_database<Teacher, Course, Room> {
 public:
  campus() : fresh_database{"composite_m2m"} {}

  // Teachers Ada, Bo; courses MATH 101 (Ada, Bo; rooms N 1, N 2), MATH 201 (Ada; room N 1;
  // requires MATH 101), CS 101 (none; room S 1; requires MATH 101 and MATH 201); rooms N 1 (40
  // seats), N 2 (20), S 1 (none); N 1 adjoins N 2.
  void fill() {
    db_session session{db};
    Teacher& ada = Teacher::create({{"name", "Ada"}});
    Teacher& bo = Teacher::create({{"name", "Bo"}});
    Course& math1 = Course::create({{"dept", "MATH"}, {"number", 101}, {"title", "Algebra"}});
    Course& math2 = Course::create({{"dept", "MATH"}, {"number", 201}, {"title", "Analysis"}});
    Course& cs1 = Course::create({{"dept", "CS"}, {"number", 101}, {"title", "Programs"}});
    Room& n1 = Room::create({{"building", "N"}, {"number", 1}, {"seats", 40}});
    Room& n2 = Room::create({{"building", "N"}, {"number", 2}, {"seats", 20}});
    Room& s1 = Room::create({{"building", "S"}, {"number", 1}});
    ada.courses.add(math1);
    ada.courses.add(math2);
    math1.teachers.add(bo);
    math1.rooms.add(n1);
    n2.courses.add(math1);
    math2.rooms.add(n1);
    cs1.rooms.add(s1);
    math2.requires_.add(math1);
    cs1.requires_.add(math1);
    math2.required_by.add(cs1);
    n1.adjoining.add(n2);
  }
};

std::string label(const Course& c) { return c.dept.get() + " " + std::to_string(c.number.get()); }
std::string label(const Room& r) { return r.building.get() + " " + std::to_string(r.number.get()); }
std::string label(const Teacher& t) { return t.name.get(); }

template <class Range>
std::vector<std::string> labels(const Range& range) {
  std::vector<std::string> out;
  for (const auto& item : range) out.push_back(label(item));
  std::sort(out.begin(), out.end());
  return out;
}

using names = std::vector<std::string>;

std::vector<std::int64_t> sorted(const query<std::int64_t>& q) {
  std::vector<std::int64_t> out;
  for (std::int64_t n : q) out.push_back(n);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE(
    "a many-to-many with an entity with a composite key has a join column per key attribute, "
    "named as PonyORM names them",
    "[composite_many_to_many]") {
  campus c;
  c.fill();
  const entity_info& course = c.db.schema().get("Course");
  const attr_info& teachers = *course.find("teachers");
  CHECK(teachers.m2m_table == c.db.schema().get("Teacher").find("courses")->m2m_table);
  // On the servers PonyORM's default names are lower case.
  const bool lower_case = c.db.impl().dialect().name() != "sqlite";
  CHECK(teachers.m2m_table == (lower_case ? "course_teacher" : "Course_Teacher"));
  CHECK(teachers.m2m_own_columns == names{"course_dept", "course_number"});
  CHECK(teachers.m2m_other_columns == names{"teacher"});
  CHECK(course.find("rooms")->m2m_table == "Timetable");
  CHECK(course.find("rooms")->m2m_other_columns == names{"room_bldg", "room_no"});
  CHECK(course.find("rooms")->m2m_own_columns == names{"course_dept", "course_number"});
  // A self-reference: the second side's columns are the first's with _2.
  // (required_by sorts first: the first columns hold its items.)
  CHECK(course.find("required_by")->m2m_other_columns == names{"course_dept", "course_number"});
  CHECK(course.find("required_by")->m2m_own_columns == names{"course_dept_2", "course_number_2"});
  CHECK(course.find("requires")->m2m_own_columns == names{"course_dept", "course_number"});
  const attr_info& adjoining = *c.db.schema().get("Room").find("adjoining");
  CHECK(adjoining.m2m_own_columns == names{"room_building", "room_number"});
  CHECK(adjoining.m2m_other_columns == names{"room_building_2", "room_number_2"});
  // The rows hold the key parts.
  CHECK(c.count(teachers.m2m_table, c.quote("course_dept") + " = 'MATH' AND " +
                                        c.quote("course_number") + " = 101") == 2);
  CHECK(c.count("Timetable", c.quote("room_bldg") + " = 'N' AND " + c.quote("room_no") + " = 1") ==
        2);
  // Each side's foreign key holds its columns together: no link to a course that does not exist
  // (MATH 102), nor to a room that does not (N 3); the primary key refuses a second equal link.
  const std::string insert = "INSERT INTO " + c.quote("Timetable") + " (" + c.quote("course_dept") +
                             ", " + c.quote("course_number") + ", " + c.quote("room_bldg") + ", " +
                             c.quote("room_no") + ") VALUES ";
  CHECK_FALSE(c.execute(insert + "('MATH', 102, 'N', 1)").empty());
  CHECK_FALSE(c.execute(insert + "('MATH', 101, 'N', 3)").empty());
  CHECK_FALSE(c.execute(insert + "('MATH', 101, 'N', 1)").empty());
  CHECK(c.execute(insert + "('CS', 101, 'N', 2)").empty());
  CHECK(c.count("Timetable") == 5);
}

TEST_CASE("the items of a many-to-many with composite keys are loaded from either side",
          "[composite_many_to_many]") {
  campus c;
  c.fill();
  db_session session{c.db};
  Course& math1 = Course::at({"MATH", 101});
  CHECK(labels(math1.teachers) == names{"Ada", "Bo"});
  CHECK(labels(math1.rooms) == names{"N 1", "N 2"});
  CHECK(labels(math1.required_by) == names{"CS 101", "MATH 201"});
  CHECK(math1.requires_.is_empty());
  Course& cs1 = Course::at({"CS", 101});
  CHECK(labels(cs1.requires_) == names{"MATH 101", "MATH 201"});
  CHECK(labels(Course::at({"MATH", 201}).required_by) == names{"CS 101"});
  Teacher& ada = *Teacher::select("t.name == 'Ada'").first();
  CHECK(labels(ada.courses) == names{"MATH 101", "MATH 201"});
  // One object per row: the items are the objects the identity map holds.
  CHECK(&*std::find_if(ada.courses.begin(), ada.courses.end(),
                       [](const Course& course) { return course.number.get() == 101; }) == &math1);
  CHECK(labels(Room::at({"N", 1}).courses) == names{"MATH 101", "MATH 201"});
  CHECK(labels(Room::at({"S", 1}).courses) == names{"CS 101"});
  // A symmetric Set holds the link from both ends.
  CHECK(labels(Room::at({"N", 1}).adjoining) == names{"N 2"});
  CHECK(labels(Room::at({"N", 2}).adjoining) == names{"N 1"});
  CHECK(Room::at({"S", 1}).adjoining.is_empty());
  CHECK(cs1.rooms.contains(Room::at({"S", 1})));
  CHECK_FALSE(cs1.rooms.contains(Room::at({"N", 1})));
}

TEST_CASE("links between objects with composite keys are added and removed by either side",
          "[composite_many_to_many]") {
  campus c;
  c.fill();
  {
    db_session session{c.db};
    Course& math1 = Course::at({"MATH", 101});
    Course& cs1 = Course::at({"CS", 101});
    Room& n1 = Room::at({"N", 1});
    math1.rooms.remove(n1);
    CHECK_FALSE(n1.courses.contains(math1));  // both sides at once
    n1.courses.add(cs1);
    cs1.requires_.remove(Course::at({"MATH", 201}));
    Teacher& bo = *Teacher::select("t.name == 'Bo'").first();
    bo.courses.add(cs1);
    bo.courses.remove(math1);
    Room::at({"S", 1}).adjoining.add(Room::at({"N", 2}));
    Room::at({"N", 2}).adjoining.remove(n1);
    // A new object's links are written after it.
    Course& art = Course::create({{"dept", "ART"}, {"number", 1}, {"title", "Drawing"}});
    art.rooms.add(Room::at({"S", 1}));
    art.requires_.add(cs1);
  }
  db_session session{c.db};
  CHECK(labels(Room::at({"N", 1}).courses) == names{"CS 101", "MATH 201"});
  CHECK(labels(Course::at({"MATH", 101}).rooms) == names{"N 2"});
  CHECK(labels(Course::at({"CS", 101}).requires_) == names{"MATH 101"});
  CHECK(labels(Course::at({"CS", 101}).required_by) == names{"ART 1"});
  CHECK(labels(Course::at({"CS", 101}).teachers) == names{"Bo"});
  CHECK(labels(Course::at({"MATH", 101}).teachers) == names{"Ada"});
  CHECK(labels(Room::at({"S", 1}).adjoining) == names{"N 2"});
  CHECK(labels(Room::at({"N", 2}).adjoining) == names{"S 1"});
  CHECK(labels(Room::at({"S", 1}).courses) == names{"ART 1", "CS 101"});
  CHECK(c.count("Timetable") == 5);
}

TEST_CASE("removing an object with a composite key removes its links, not the linked objects",
          "[composite_many_to_many]") {
  campus c;
  c.fill();
  {
    db_session session{c.db};
    Course::at({"MATH", 101}).remove();
    Room::at({"N", 2}).remove();
  }
  db_session session{c.db};
  CHECK(Course::select().count() == 2);
  CHECK(Teacher::select().count() == 2);
  CHECK(Room::select().count() == 2);
  CHECK(labels(Teacher::select("t.name == 'Bo'").first()->courses).empty());
  CHECK(labels(Course::at({"CS", 101}).requires_) == names{"MATH 201"});
  CHECK(Course::at({"MATH", 201}).requires_.is_empty());
  CHECK(Room::at({"N", 1}).adjoining.is_empty());
  CHECK(c.count("Timetable") == 2);
  CHECK(c.count(c.db.schema().get("Course").find("teachers")->m2m_table) == 1);
}

TEST_CASE("queries navigate, test and count a many-to-many with composite keys as PonyORM does",
          "[composite_many_to_many]") {
  campus c;
  c.fill();
  db_session session{c.db};
  // Through the join table, on every key column.
  CHECK(labels(select<Course>("x for t in Teacher for x in t.courses if t.name == 'Bo'")) ==
        names{"MATH 101"});
  CHECK(labels(Teacher::select("'MATH' in t.courses.dept")) == names{"Ada", "Bo"});
  CHECK(labels(Course::select("max(c.rooms.seats) > 30")) == names{"MATH 101", "MATH 201"});
  CHECK(labels(Course::select("exists(r for r in c.rooms if r.seats > 30)")) ==
        names{"MATH 101", "MATH 201"});
  CHECK(
      labels(Room::select("exists(t for x in r.courses for t in x.teachers if t.name == 'Bo')")) ==
      names{"N 1", "N 2"});
  // Membership of an object, a parameter and a query.
  Room& n1 = Room::at({"N", 1});
  CHECK(labels(Course::select("r in c.rooms", {{"r", n1}})) == names{"MATH 101", "MATH 201"});
  CHECK(labels(Course::select("r not in c.rooms", {{"r", n1}})) == names{"CS 101"});
  CHECK(labels(select<Course>("c for c in Course for x in Course if x in c.requires and "
                              "x.number == 201")) == names{"CS 101"});
  // Counting and emptiness.
  CHECK(labels(Course::select("count(c.teachers) == 2")) == names{"MATH 101"});
  CHECK(labels(Course::select("not c.teachers")) == names{"CS 101"});
  CHECK(labels(Course::select("count(c.required_by) >= 1")) == names{"MATH 101", "MATH 201"});
  CHECK(labels(Room::select("count(r.adjoining) == 1")) == names{"N 1", "N 2"});
  // An aggregate of the whole query (PonyORM's): the distinct rooms of all MATH courses.
  CHECK(sorted(select<std::int64_t>("count(c.rooms) for c in Course if c.dept == 'MATH'")) ==
        std::vector<std::int64_t>{2});
  std::vector<std::string> counted;
  for (const auto& [x, n] :
       select<std::tuple<Course, std::int64_t>>("(x, count(x.rooms)) for x in Course")) {
    counted.push_back(label(*x) + ": " + std::to_string(n));
  }
  std::sort(counted.begin(), counted.end());
  CHECK(counted == names{"CS 101: 1", "MATH 101: 2", "MATH 201: 1"});
  CHECK(sorted(select<std::int64_t>(
            "sum(r.seats for r in c.rooms) for c in Course if c.number == 101")) ==
        std::vector<std::int64_t>{0, 60});
  // Results: the objects behind the links, and pairs of them.
  CHECK(labels(select<Room>("r for c in Course for r in c.rooms if c.dept == 'MATH'")) ==
        names{"N 1", "N 2"});
  std::vector<std::string> pairs;
  for (const auto& [x, y] :
       select<std::tuple<Course, Course>>("(x, y) for x in Course for y in x.requires")) {
    pairs.push_back(label(*x) + " < " + label(*y));
  }
  std::sort(pairs.begin(), pairs.end());
  CHECK(pairs == names{"CS 101 < MATH 101", "CS 101 < MATH 201", "MATH 201 < MATH 101"});
}

TEST_CASE("a symmetric Set stores each link both ways, and a link of an object to itself once",
          "[composite_many_to_many]") {
  campus c;
  c.fill();
  const std::string& table = c.db.schema().get("Room").find("adjoining")->m2m_table;
  CHECK(c.count(table) == 2);  // N 1 - N 2, as (N 1, N 2) and (N 2, N 1)
  {
    db_session session{c.db};
    Room& s1 = Room::at({"S", 1});
    s1.adjoining.add(s1);
    CHECK(s1.adjoining.contains(s1));
    CHECK(s1.adjoining.size() == 1);
  }
  CHECK(c.count(table) == 3);
  {
    db_session session{c.db};
    Room& s1 = Room::at({"S", 1});
    CHECK(labels(s1.adjoining) == names{"S 1"});
    s1.adjoining.remove(s1);
    Room::at({"N", 2}).adjoining.remove(Room::at({"N", 1}));
  }
  CHECK(c.count(table) == 0);
}
