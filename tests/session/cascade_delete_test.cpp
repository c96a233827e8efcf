// What remove() takes with it, as PonyORM's cascade_delete has it: a Set whose items require
// their owner cascades by default, `cascade_delete{true}` makes any Set or one-to-one side
// cascade, `cascade_delete{false}` (or a required partner with no cascade) refuses the removal
// with nothing changed; an item taken out of a cascading Set, and a cascading one-to-one partner
// replaced, are deleted.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

using namespace session_test;

namespace {

struct Dept;
struct Course;
struct Group;
struct Student;
struct Locker;

struct Dept : entity<Dept> {
  Req<std::string> name{"name"};
  Set<Group> groups{"groups"};  // Group.dept is required: cascades by default
  Set<Course> courses{"courses", cascade_delete{false}};
};

struct Course : entity<Course> {
  Req<std::string> title{"title"};
  Single<Dept> dept{"dept"};
  Single<Group> group{"group", optional};
};

struct Group : entity<Group> {
  Req<std::int64_t> number{"number"};
  Single<Dept> dept{"dept"};
  Set<Student> students{"students", cascade_delete{true}};  // although Student.group is optional
  Set<Course> courses{"courses", cascade_delete{true}};
};

struct Student : entity<Student> {
  Req<std::string> name{"name"};
  Single<Group> group{"group", optional};
  Single<Locker> locker{"locker", optional, cascade_delete{true}};
};

// Locker sorts before Student: its side of the one-to-one holds the column.
struct Locker : entity<Locker> {
  Req<std::int64_t> number{"number"};
  Single<Student> student{"student", optional};
};

// A tree whose nodes go with their parent.
struct Node : entity<Node> {
  Req<std::string> name{"name"};
  Single<Node> parent{"parent", optional, reverse{"children"}};
  Set<Node> children{"children", reverse{"parent"}, cascade_delete{true}};
};

class campus {
 public:
  campus() : m_url{nextorm::testing::fresh_database_url("cascade_" + std::to_string(++runs()))} {
    db.bind(m_url);
    db.generate_mapping<Dept, Course, Group, Student, Locker, Node>({.create_tables = true});
    db_session session{db};
    auto& physics = Dept::create({{"name", "Physics"}});
    auto& g101 = Group::create({{"number", 101}, {"dept", physics}});
    auto& g102 = Group::create({{"number", 102}, {"dept", physics}});
    auto& ann = Student::create({{"name", "Ann"}, {"group", g101}});
    (void)Student::create({{"name", "Bob"}, {"group", g101}});
    (void)Student::create({{"name", "Cid"}, {"group", g102}});
    (void)Locker::create({{"number", 7}, {"student", ann}});
    (void)Locker::create({{"number", 8}});
    (void)Dept::create({{"name", "Music"}});
  }
  ~campus() { nextorm::testing::discard_database(m_url); }
  campus(const campus&) = delete;
  campus& operator=(const campus&) = delete;

  // How many objects of E there are (for which `condition` holds), in a session of its own.
  template <class E>
  std::int64_t count(std::string_view condition = {}) {
    db_session session{db};
    return static_cast<std::int64_t>(E::select(condition).count());
  }

  database db;

 private:
  static int& runs() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

}  // namespace

TEST_CASE("a Set declared cascade_delete takes its items, and what they cascade to, along",
          "[cascade_delete]") {
  campus c;
  {
    db_session session{c.db};
    Group::get({{"number", 101}})->remove();
  }
  CHECK(c.count<Group>() == 1);
  // Ann and Bob went with group 101 although their group is optional; Ann's locker with her.
  CHECK(c.count<Student>() == 1);
  CHECK(c.count<Locker>() == 1);
  CHECK(c.count<Locker>("l.number == 8") == 1);
}

TEST_CASE("a Set whose items require their owner cascades by default", "[cascade_delete]") {
  campus c;
  {
    db_session session{c.db};
    Dept& physics = *Dept::get({{"name", "Physics"}});
    Student& ann = *Student::get({{"name", "Ann"}});
    Student& cid = *Student::get({{"name", "Cid"}});
    physics.remove();
    // At once, before the flush: each group, and each of its students, is deleted.
    CHECK(ann.state() == object_state::deleted);
    CHECK(cid.state() == object_state::deleted);
  }
  CHECK(c.count<Dept>() == 1);
  CHECK(c.count<Group>() == 0);
  CHECK(c.count<Student>() == 0);
}

TEST_CASE("a removal that would leave an object without its required owner is refused whole",
          "[cascade_delete]") {
  campus c;
  {
    db_session session{c.db};
    auto& physics = *Dept::get({{"name", "Physics"}});
    (void)Course::create({{"title", "Optics"}, {"dept", physics}});
  }
  db_session session{c.db};
  Dept& physics = *Dept::get({{"name", "Physics"}});
  CHECK_THROWS_WITH(physics.remove(),
                    "relation.delete_blocked: cannot remove Dept[1]: Course[1] requires it "
                    "(Course.dept is required) and Dept.courses does not cascade; remove "
                    "Course[1] first, or declare cascade_delete on Dept.courses");
  // Nothing changed, not even the groups the department would have taken along.
  CHECK(physics.state() == object_state::clean);
  for (Group& g : physics.groups) CHECK(g.state() == object_state::clean);
  // Nor may the course leave the department's Set: it requires one.
  Course& optics = *Course::get({{"title", "Optics"}});
  CHECK_THROWS_WITH(physics.courses.remove(optics),
                    "relation.required: cannot remove Course from Dept.courses: its attribute "
                    "dept is required; remove() the object instead");
  // Without the course, it goes.
  optics.remove();
  physics.remove();
  session.commit();
  CHECK(Group::select().count() == 0);
}

TEST_CASE("a required one-to-one partner blocks a removal that does not cascade to it",
          "[cascade_delete]") {
  temp_database t;
  {
    db_session session{t.db};
    auto& ann = Customer::create({{"email", "ann@example.com"}, {"vip", false}});
    (void)Card::create({{"number", "1111"}, {"holder", ann}});
  }
  {
    db_session session{t.db};
    Customer& ann = Customer::at("ann@example.com");
    CHECK_THROWS_WITH(ann.remove(),
                      "relation.delete_blocked: cannot remove Customer['ann@example.com']: "
                      "Card[1] requires it (Card.holder is required) and Customer.card does not "
                      "cascade; remove Card[1] first, or declare cascade_delete on Customer.card");
    CHECK(ann.state() == object_state::clean);
    ann.card->remove();
    ann.remove();
  }
  CHECK(t.count("Customer") == 0);
  CHECK(t.count("Card") == 0);
}

TEST_CASE("an item taken out of a cascading Set is deleted", "[cascade_delete]") {
  campus c;
  {
    db_session session{c.db};
    Group& g101 = *Group::get({{"number", 101}});
    Student& ann = *Student::get({{"name", "Ann"}});
    g101.students.remove(ann);
    CHECK(ann.state() == object_state::deleted);
    CHECK(g101.students.size() == 1);
  }
  CHECK(c.count<Student>("s.name == 'Ann'") == 0);
  CHECK(c.count<Locker>() == 1);  // her locker went with her
}

TEST_CASE("a one-to-one partner replaced on the cascading side is deleted", "[cascade_delete]") {
  campus c;
  {
    db_session session{c.db};
    Student& ann = *Student::get({{"name", "Ann"}});
    Locker& seven = *Locker::get({{"number", 7}});
    Locker& spare = *Locker::get({{"number", 8}});
    ann.locker = spare;
    CHECK(seven.state() == object_state::deleted);
    CHECK(spare.student.get() == &ann);
  }
  CHECK(c.count<Locker>() == 1);
  CHECK(c.count<Locker>("l.student.name == 'Ann' and l.number == 8") == 1);
}

TEST_CASE("a one-to-one partner on the side that does not cascade only loses its reference",
          "[cascade_delete]") {
  campus c;
  {
    db_session session{c.db};
    Student& ann = *Student::get({{"name", "Ann"}});
    Locker::get({{"number", 7}})->remove();
    CHECK(ann.locker.get() == nullptr);
  }
  CHECK(c.count<Student>() == 3);
}

TEST_CASE("an object that requires the removed one but goes along another way does not block it",
          "[cascade_delete]") {
  campus c;
  {
    db_session session{c.db};
    auto& physics = *Dept::get({{"name", "Physics"}});
    auto& g101 = *Group::get({{"number", 101}});
    // Dept.courses does not cascade, but the course goes with group 101, which goes with the
    // department (Dept.groups is declared first, as PonyORM would meet it first).
    auto& mechanics = Course::create({{"title", "Mechanics"}, {"dept", physics}, {"group", g101}});
    session.commit();
    physics.remove();
    CHECK(mechanics.state() == object_state::deleted);
  }
  CHECK(c.count<Course>() == 0);
  CHECK(c.count<Dept>() == 1);
}

TEST_CASE("a cycle of cascading objects is removed whole, each once", "[cascade_delete]") {
  campus c;
  {
    db_session session{c.db};
    auto& a = Node::create({{"name", "a"}});
    auto& b = Node::create({{"name", "b"}, {"parent", a}});
    (void)Node::create({{"name", "leaf"}, {"parent", b}});
    session.commit();
    a.parent = b;  // a and b are each other's parent now
    session.commit();
    a.remove();
    CHECK(b.state() == object_state::deleted);
  }
  CHECK(c.count<Node>() == 0);
}

TEST_CASE("the one-to-one partner a new partner replaces goes where its side cascades",
          "[cascade_delete]") {
  campus c;
  {
    db_session session{c.db};
    Student& ann = *Student::get({{"name", "Ann"}});
    Locker& seven = *Locker::get({{"number", 7}});
    Locker& spare = *Locker::get({{"number", 8}});
    CHECK(ann.locker.get() == &seven);  // loaded: the partner to replace is known
    spare.student = ann;                // from the Locker side: Ann's locker so far is replaced
    CHECK(seven.state() == object_state::deleted);
    CHECK(ann.locker.get() == &spare);
  }
  CHECK(c.count<Locker>() == 1);
  CHECK(c.count<Locker>("l.number == 8 and l.student.name == 'Ann'") == 1);
}
