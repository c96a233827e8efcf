// PonyORM's hooks as member functions of an entity: when the session calls each (before and
// after the INSERT, UPDATE and DELETE it writes, after a row is read), what a hook may do
// (change its object, make or change others: written in the same transaction), and what an
// exception in a hook does (the session is rolled back).
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using namespace session_test;

namespace {

std::vector<std::string>& calls() {
  static std::vector<std::string> log;
  return log;
}

struct Audit : entity<Audit> {
  Req<std::string> text{"text"};
};

struct Note : entity<Note> {
  Req<std::string> title{"title"};
  Opt<std::string> slug{"slug"};
  Opt<std::int64_t> edits{"edits"};
  Opt<std::string> body{"body", long_str};

  void before_insert() {
    calls().push_back("before_insert " + title.get());
    // A hook may change its own object before it is written.
    if (!slug.has_value()) slug = title.get() + "-slug";
  }
  void after_insert() {
    calls().push_back("after_insert " + title.get());
    // What a hook makes is written in the same transaction.
    (void)Audit::create({{"text", "inserted " + title.get()}});
  }
  void before_update() {
    calls().push_back("before_update " + title.get());
    if (title.get() == "refuse") throw std::runtime_error("no updates here");
    // A query inside a hook does not flush (PonyORM's rule): the note's change waits.
    calls().push_back("audits " + std::to_string(Audit::select().count()));
    edits = edits.value_or(0) + 1;
  }
  void after_update() { calls().push_back("after_update " + title.get()); }
  void before_delete() { calls().push_back("before_delete " + title.get()); }
  void after_delete() { calls().push_back("after_delete " + title.get()); }
  void after_load() {
    // A hook runs after the rows' cursor: it may read lazily (a statement of its own).
    calls().push_back("after_load " + title.get() + " " + body.value_or("-"));
  }
};

// An after_load hook that refuses what it reads.
struct Picky : entity<Picky> {
  Req<std::string> name{"name"};
  void after_load() {
    if (name.get() == "bad") throw std::runtime_error("bad row");
  }
};

// A hook that never stops changing its object.
struct Restless : entity<Restless> {
  Req<std::int64_t> n{"n"};
  void after_update() { n = n.get() + 1; }
};

class notes : public fresh_database<Audit, Note, Restless, Picky> {
 public:
  notes() : fresh_database{"hooks"} { calls().clear(); }
};

}  // namespace

TEST_CASE_METHOD(notes, "hooks run around each write, in PonyORM's order", "[hooks]") {
  {
    db_session session{db};
    (void)Note::create({{"title", "a"}});
    CHECK(calls().empty());  // nothing before the flush
    session.flush();
    CHECK(calls() == std::vector<std::string>{"before_insert a", "after_insert a"});
  }
  CHECK(count("Audit") == 1);
  CHECK(scalar("SELECT " + quote("slug") + " FROM " + table("Note")) == value{"a-slug"});
  calls().clear();
  {
    db_session session{db};
    Note& n = *Note::get({{"title", "a"}});
    CHECK(calls() == std::vector<std::string>{"after_load a "});
    n.slug = "changed";
  }
  CHECK(calls() ==
        std::vector<std::string>{"after_load a ", "before_update a", "audits 1", "after_update a"});
  CHECK(scalar("SELECT " + quote("edits") + " FROM " + table("Note"), value_type::integer) ==
        value{1});
  calls().clear();
  {
    db_session session{db};
    Note::get({{"title", "a"}})->remove();
  }
  CHECK(calls() == std::vector<std::string>{"after_load a ", "before_delete a", "after_delete a"});
  CHECK(count("Note") == 0);
}

TEST_CASE_METHOD(notes, "an exception in a hook rolls the whole session back", "[hooks]") {
  {
    db_session session{db};
    (void)Note::create({{"title", "refuse"}});
  }
  auto run = [&] {
    db_session session{db};
    (void)Note::create({{"title", "b"}});
    Note::get({{"title", "refuse"}})->slug = "x";
  };
  CHECK_THROWS_WITH(run(), "no updates here");
  CHECK(count("Note") == 1);
  CHECK(count("Audit") == 1);  // the first note's only
  CHECK(scalar("SELECT " + quote("slug") + " FROM " + table("Note")) == value{"refuse-slug"});
}

TEST_CASE_METHOD(notes, "a hook that keeps changing objects is stopped", "[hooks]") {
  {
    db_session session{db};
    (void)Restless::create({{"n", 1}});
  }
  auto run = [&] {
    db_session session{db};
    Restless::at(1).n = 2;
  };
  CHECK_THROWS_WITH(run(), Catch::StartsWith("session.hook_rounds"));
  CHECK(scalar("SELECT " + quote("n") + " FROM " + table("Restless"), value_type::integer) ==
        value{1});
}

TEST_CASE_METHOD(notes, "after_load sees lazy attributes and every object of a result", "[hooks]") {
  {
    db_session session{db};
    for (const char* t : {"x", "y", "z"}) (void)Note::create({{"title", t}, {"body", "long"}});
  }
  calls().clear();
  db_session session{db};
  CHECK(select<Note>("n for n in Note").order_by("n.title").fetch().size() == 3);
  CHECK(calls() ==
        std::vector<std::string>{"after_load x long", "after_load y long", "after_load z long"});
  calls().clear();
  (void)select<Note>("n for n in Note").fetch();  // objects the session has are not loaded again
  CHECK(calls().empty());
}

TEST_CASE_METHOD(notes, "an object changed then removed gets the delete's hooks only", "[hooks]") {
  {
    db_session session{db};
    (void)Note::create({{"title", "c"}});
  }
  calls().clear();
  {
    db_session session{db};
    Note& n = *Note::get({{"title", "c"}});
    n.slug = "gone soon";
    n.remove();
  }
  CHECK(calls() == std::vector<std::string>{"after_load c ", "before_delete c", "after_delete c"});
  CHECK(count("Note") == 0);
}

TEST_CASE_METHOD(notes, "an exception in after_load rolls the session back", "[hooks]") {
  {
    db_session session{db};
    (void)Picky::create({{"name", "bad"}});
  }
  db_session session{db};
  (void)Note::create({{"title", "unsaved"}});
  session.flush();
  CHECK_THROWS_WITH(select<Picky>("p for p in Picky").fetch(), "bad row");
  session.commit();
  CHECK(count("Note") == 0);
}
