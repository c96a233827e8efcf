// PonyORM's LongStr, lazy and volatile attributes: a lazy attribute is not read with its object
// but on first use, updates leave a lazy column the object never read as it is, and a row read
// again refreshes the volatile attributes of an object the session has not changed. A change
// "by someone else" is made here through the session's own connection (as a trigger would make
// it, inside the transaction), which every provider shows to the session at once.
#include "session_fixture.hpp"

#include "session/session_impl.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

using namespace session_test;

namespace {

struct Post : entity<Post> {
  Req<std::string> title{"title"};
  Req<std::string> body{"body", long_str};              // LongStr: lazy by default
  Opt<std::string> notes{"notes", long_str, nullable};  // LongStr, NULL when missing
  Opt<std::string> abstract{"abstract", long_str, lazy(false)};
  Opt<std::int64_t> views{"views", lazy};       // any value can be lazy
  Opt<std::int64_t> likes{"likes", volatile_};  // counted by others
  Opt<std::string> status{"status", volatile_};
  Opt<std::int64_t> shares{"shares", lazy, volatile_};  // read on first use, then kept
};

// A hierarchy whose subclass has a lazy attribute of its own.
struct Document : entity<Document> {
  Req<std::string> name{"name"};
};
struct Manual : entity<Manual, Document> {
  Req<std::string> text{"text", long_str};
};

// A one-to-one whose key is in Account: a Profile has no column but its key and a lazy one.
struct Account;
struct Profile : entity<Profile> {
  Opt<std::string> bio{"bio", long_str};
  Single<Account> account{"account", optional};
};
struct Account : entity<Account> {
  Req<std::string> name{"name"};
  Single<Profile> profile{"profile", optional};
};

class posts : public fresh_database<Post, Document, Manual, Profile, Account> {
 public:
  posts() : fresh_database{"lazy"} {}

  void fill() {
    db_session session{db};
    (void)Post::create({{"title", "first"},
                        {"body", std::string(100'000, 'b')},
                        {"abstract", "short"},
                        {"views", 7},
                        {"likes", 1},
                        {"status", "draft"}});
    (void)Post::create({{"title", "second"}, {"body", "two"}, {"notes", "n"}});
    (void)Manual::create({{"name", "guide"}, {"text", "read me"}});
  }

  // A statement inside the session's transaction, as a trigger or another program's change
  // that the session has not seen.
  void behind_the_session(const std::string& sql) {
    (void)nextorm::detail::session_impl::current().connection().execute(sql, {});
  }
  std::string column(const std::string& name) const { return quote(name); }
  std::string post_table() const { return table("Post"); }
};

Post& post(const std::string& title) { return *Post::get({{"title", title}}); }

}  // namespace

TEST_CASE_METHOD(posts, "a lazy attribute is read on first use, not with its object", "[lazy]") {
  fill();
  db_session session{db};
  Post& first = post("first");
  // Changed after the object was read: the lazy attributes see it, the others do not.
  behind_the_session("UPDATE " + post_table() + " SET " + column("body") + " = 'changed', " +
                     column("views") + " = 8, " + column("abstract") + " = 'other', " +
                     column("title") + " = 'renamed' WHERE " + column("title") + " = 'first'");
  CHECK(first.body.get() == "changed");
  CHECK(first.views.value_or(-1) == 8);
  CHECK(first.abstract.get() == "short");  // lazy(false): read with the object
  CHECK(first.title.get() == "first");
  // Once loaded, it stays: a later change is not seen.
  behind_the_session("UPDATE " + post_table() + " SET " + column("body") + " = 'again'");
  CHECK(first.body.get() == "changed");
}

TEST_CASE_METHOD(posts, "a LongStr holds long text on every provider, and NULL when nullable",
                 "[lazy]") {
  fill();
  db_session session{db};
  CHECK(post("first").body.get() == std::string(100'000, 'b'));
  CHECK_FALSE(post("first").notes.has_value());
  CHECK(post("second").notes.get() == "n");
  CHECK(post("second").body == "two");
  CHECK(post("second").views.value_or(-1) == -1);
  CHECK(post("second").body.optional() == std::optional<std::string>{"two"});
}

TEST_CASE_METHOD(posts, "an update leaves a lazy column that the object never read as it is",
                 "[lazy]") {
  fill();
  {
    db_session session{db};
    post("first").title = "first, edited";  // body (required) and views never read
    post("second").title = "second, edited";
  }
  {
    db_session session{db};
    Post& p = post("first, edited");
    CHECK(p.body.get() == std::string(100'000, 'b'));
    CHECK(p.views.get() == 7);
    // Assigned without being read: written.
    p.body = "new body";
    p.views.reset();
  }
  db_session session{db};
  CHECK(post("first, edited").body.get() == "new body");
  CHECK_FALSE(post("first, edited").views.has_value());
  CHECK(post("second, edited").body.get() == "two");
}

TEST_CASE_METHOD(posts, "an object whose only column is an unread lazy one changes no column",
                 "[lazy]") {
  {
    db_session session{db};
    Profile::create().bio = "hello";
    (void)Account::create({{"name", "ann"}});
  }
  {
    db_session session{db};
    Profile& p = *select<Profile>("p for p in Profile").first();
    p.account = Account::get({{"name", "ann"}});  // the column is Account's; bio never read
  }
  db_session session{db};
  const Profile& p = *select<Profile>("p for p in Profile").first();
  CHECK(p.bio.get() == "hello");
  REQUIRE(p.account.get() != nullptr);
  CHECK(p.account->name.get() == "ann");
}

TEST_CASE_METHOD(posts, "after its session a lazy attribute that was read stays readable",
                 "[lazy]") {
  fill();
  entity_ptr<Post> read;
  entity_ptr<Post> unread;
  {
    db_session session{db};
    read = Post::get({{"title", "first"}});
    unread = Post::get({{"title", "second"}});
    (void)read->body.get();
  }
  CHECK(read->body.get().size() == 100'000);
  CHECK(unread->title.get() == "second");
  try {
    (void)unread->body.get();
    FAIL("a lazy load after the session");
  } catch (const usage_error& e) {
    CHECK(std::string{e.id()} == "session.over");
  }
  CHECK_THROWS_AS(unread->views.has_value(), usage_error);
}

TEST_CASE_METHOD(posts, "a lazy load of a row deleted meanwhile says the object is gone",
                 "[lazy]") {
  fill();
  db_session session{db};
  Post& second = post("second");
  behind_the_session("DELETE FROM " + post_table() + " WHERE " + column("title") + " = 'second'");
  try {
    (void)second.body.get();
    FAIL("a lazy load of a deleted row");
  } catch (const object_not_found& e) {
    CHECK_THAT(e.what(), Catch::Contains("no longer exists") && Catch::Contains("body"));
  }
}

TEST_CASE_METHOD(posts, "queries read, compare and return lazy attributes", "[lazy]") {
  fill();
  db_session session{db};
  auto titles = select<std::string>("p.title for p in Post if 'tw' in p.body").fetch();
  CHECK(titles.size() == 1);
  CHECK(titles[0] == "second");
  auto bodies = select<std::string>("p.body for p in Post if p.title == 'second'").fetch();
  CHECK(bodies.size() == 1);
  CHECK(bodies[0] == "two");
  // A lone object shows its attributes without the lazy ones, as PonyORM's show().
  std::ostringstream out;
  select<Post>("p for p in Post if p.title == 'second'").show(out);
  CHECK_THAT(out.str(), Catch::Contains("title") && Catch::Contains("abstract") &&
                            !Catch::Contains("body") && !Catch::Contains("views"));
}

TEST_CASE_METHOD(posts, "a subclass's lazy attribute loads for an object read through its base",
                 "[lazy]") {
  fill();
  {
    db_session session{db};
    Document& d = *Document::get({{"name", "guide"}});
    auto* manual = dynamic_cast<Manual*>(&d);
    REQUIRE(manual != nullptr);
    CHECK(manual->text.get() == "read me");
    manual->name = "user guide";
  }
  db_session session{db};
  CHECK(Manual::get({{"name", "user guide"}})->text.get() == "read me");
}

TEST_CASE_METHOD(posts, "a row read again refreshes volatile attributes of an unchanged object",
                 "[volatile]") {
  fill();
  db_session session{db};
  Post& first = post("first");
  CHECK(first.likes.get() == 1);
  behind_the_session("UPDATE " + post_table() + " SET " + column("likes") + " = 5, " +
                     column("status") + " = 'published', " + column("abstract") +
                     " = 'not volatile' WHERE " + column("title") + " = 'first'");
  (void)select<Post>("p for p in Post").fetch();
  CHECK(first.likes.get() == 5);
  CHECK(first.status.get() == "published");
  CHECK(first.abstract.get() == "short");  // not volatile: the session's value stays
  // (The session read it: a change of the object below checks the row still holds it.)
  behind_the_session("UPDATE " + post_table() + " SET " + column("abstract") + " = 'short' WHERE " +
                     column("title") + " = 'first'");
  // Lazy and volatile: a row read again does not read it; once read, it is not refreshed.
  CHECK_FALSE(first.shares.has_value());
  behind_the_session("UPDATE " + post_table() + " SET " + column("shares") + " = 3");
  (void)select<Post>("p for p in Post").fetch();
  CHECK_FALSE(first.shares.has_value());
  // A changed object is written before a query reads it again: the session's value is what
  // the row holds then.
  first.likes = 6;
  (void)select<Post>("p for p in Post").fetch();
  CHECK(first.likes.get() == 6);
  // A volatile column that no longer holds its type (SQLite lets a column hold any) says so.
  if (db.impl().dialect().name() == "sqlite") {
    behind_the_session("UPDATE " + post_table() + " SET " + column("likes") + " = 'many'");
    CHECK_THROWS_WITH(select<Post>("p for p in Post").fetch(),
                      Catch::Contains("value.type_mismatch") && Catch::Contains("likes"));
  }
}

TEST_CASE_METHOD(posts, "the columns of LongStr are the provider's large text type", "[lazy]") {
  const std::string provider{db.impl().dialect().name()};
  const std::string expected = provider == "mariadb" ? "longtext" : "text";
  std::string found;
  if (provider == "sqlite") {
    found =
        scalar("SELECT lower(type) FROM pragma_table_info('Post') WHERE name = 'body'").as_text();
  } else {
    found = scalar(
                "SELECT lower(data_type) FROM information_schema.columns WHERE "
                "lower(table_name) = 'post' AND lower(column_name) = 'body' AND " +
                std::string{provider == "mariadb" ? "table_schema = DATABASE()"
                                                  : "table_schema = current_schema()"})
                .as_text();
  }
  CHECK(found == expected);
}
