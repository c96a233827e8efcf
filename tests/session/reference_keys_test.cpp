// A primary key that is a reference (PonyORM's `person = PrimaryKey(Person)`: an entity that
// extends another one-to-one, sharing its key). A Profile is keyed by its Person, a Badge by
// its Profile (a key that refers to a key); Profiles are linked to Tags (a many-to-many). The
// objects are stored, found by key, followed both ways, printed as PonyORM prints them, and
// queried. What a test checks after a commit it reads in a new session, from the database.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

using namespace session_test;

namespace {

struct Profile;
struct Badge;
struct Topic;

struct Person : entity<Person> {
  Req<std::string> name{"name"};
  Single<Profile> profile{"profile", nextorm::optional};
};

struct Profile : entity<Profile> {
  Single<Person> person{"person"};
  Opt<std::string> bio{"bio"};
  Set<Topic> tags{"tags"};
  Single<Badge> badge{"badge", nextorm::optional};
  [[no_unique_address]] nextorm::primary_key pk{person};
};

struct Badge : entity<Badge> {
  Single<Profile> holder{"holder"};
  Req<std::int64_t> level{"level"};
  [[no_unique_address]] nextorm::primary_key pk{holder};
};

struct Topic : entity<Topic> {
  PK<std::string> label{"label"};
  Set<Profile> profiles{"profiles"};
};

// One value as the whole primary_key: declared as the PK instead.
struct Numbered : entity<Numbered> {
  Req<std::int64_t> n{"n"};
  [[no_unique_address]] nextorm::primary_key pk{n};
};

class people : public fresh_database<Person, Profile, Badge, Topic> {
 public:
  people() : fresh_database{"reference_keys"} {}

  // Ann (1, a profile "maths", tags red and blue, a badge of level 3), Bob (2, a profile
  // without a bio, tag red), Cid (3, no profile).
  void fill() {
    db_session session{db};
    Person& ann = Person::create({{"name", "Ann"}});
    Person& bob = Person::create({{"name", "Bob"}});
    (void)Person::create({{"name", "Cid"}});
    Topic& red = Topic::create({{"label", "red"}});
    Topic& blue = Topic::create({{"label", "blue"}});
    Profile& a = Profile::create({{"person", ann}, {"bio", "maths"}});
    Profile& b = Profile::create({{"person", bob}});
    a.tags.add(red);
    a.tags.add(blue);
    b.tags.add(red);
    (void)Badge::create({{"holder", a}, {"level", 3}});
  }
};

template <class T>
std::string printed(const T& field) {
  std::ostringstream out;
  out << field;
  return out.str();
}

template <class Range>
std::vector<std::string> names(const Range& range) {
  std::vector<std::string> out;
  for (const auto& item : range) out.push_back(item.person->name.get());
  std::sort(out.begin(), out.end());
  return out;
}

using strings = std::vector<std::string>;

std::string error_id(const std::function<void()>& f) {
  try {
    f();
  } catch (const nextorm::error& e) {
    return e.id();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a primary key that is a reference is its target's key, stored in one column",
          "[reference_keys]") {
  people p;
  p.fill();
  const entity_info& profile = p.db.schema().get("Profile");
  CHECK(profile.find("id") == nullptr);  // no implicit id
  CHECK(&profile.pk() == profile.find("person"));
  CHECK(profile.pk().type == value_type::integer);  // Person's key
  // A key that refers to such a key has the type at the end of the chain.
  CHECK(p.db.schema().get("Badge").pk().type == value_type::integer);
  // The column is the primary key and a foreign key: no profile of a person that does not
  // exist, and no second profile of a person.
  // (Table and column names as the provider has them: lower case on the servers.)
  const std::string insert = "INSERT INTO " + p.quote(profile.table) + " (" +
                             p.quote(profile.find("person")->column) + ", " +
                             p.quote(profile.find("bio")->column) + ") VALUES ";
  CHECK(profile.table == (p.db.impl().dialect().name() == "sqlite" ? "Profile" : "profile"));
  CHECK_FALSE(p.execute(insert + "(9, 'x')").empty());
  CHECK_FALSE(p.execute(insert + "(1, 'again')").empty());
  CHECK(p.execute(insert + "(3, 'cid')").empty());
}

TEST_CASE("an object keyed by a reference is found by its key and followed both ways",
          "[reference_keys]") {
  people p;
  p.fill();
  db_session session{p.db};
  Profile& a = Profile::at(1);
  CHECK(a.bio.get() == "maths");
  CHECK(a.key() == value{1});
  CHECK(a.person->name.get() == "Ann");
  CHECK(&Person::at(1).profile.get()[0] == &a);  // the one object of the row
  CHECK_FALSE(Person::at(3).profile);
  // PonyORM's repr: the key shows as the object it refers to, a chain as a chain.
  CHECK(printed(a) == "Profile[Person[1]]");
  CHECK(printed(Person::at(1).profile) == "Profile[Person[1]]");
  CHECK(printed(Person::at(3).profile) == "None");
  Badge& badge = Badge::at(1);
  CHECK(printed(badge) == "Badge[Profile[Person[1]]]");
  CHECK(&*badge.holder == &a);
  CHECK(a.badge->level.get() == 3);
  CHECK_FALSE(Profile::at(2).badge);
  CHECK(error_id([] { (void)Profile::at(3); }) == "lookup.not_found");
  // The many-to-many of such an entity: its join column holds the key.
  CHECK(a.tags.size() == 2);
  CHECK(names(Topic::at("red").profiles) == strings{"Ann", "Bob"});
}

TEST_CASE("an object keyed by a reference is created, changed and removed", "[reference_keys]") {
  people p;
  p.fill();
  {
    db_session session{p.db};
    Person& cid = *Person::select("p.name == 'Cid'").first();
    Profile& c = Profile::create({{"person", cid}, {"bio", "art"}});
    c.tags.add(Topic::at("blue"));
    Profile::at(2).bio = "biology";
    // The key cannot change once the object is stored (PonyORM: "Cannot change value of
    // primary key").
    CHECK(error_id([] { Profile::at(2).person = Person::at(1); }) == "object.key_change");
    Badge::at(1).remove();
  }
  {
    db_session session{p.db};
    // Printed before it is read: the column-less side looks its object up.
    CHECK(printed(Person::at(3).profile) == "Profile[Person[3]]");
    CHECK(Profile::at(3).bio.get() == "art");
    CHECK(Person::at(3).profile->bio.get() == "art");
    CHECK(Profile::at(2).bio.get() == "biology");
    CHECK(Badge::select().count() == 0);
    CHECK_FALSE(Profile::at(1).badge);
    Profile::at(1).remove();
  }
  db_session session{p.db};
  CHECK(Profile::select().count() == 2);
  CHECK_FALSE(Person::at(1).profile);
  CHECK(names(Topic::at("red").profiles) == strings{"Bob"});
}

TEST_CASE("queries over an entity keyed by a reference", "[reference_keys]") {
  people p;
  p.fill();
  db_session session{p.db};
  CHECK(names(Profile::select("x.person.name == 'Ann'")) == strings{"Ann"});
  CHECK(names(Profile::select("x.bio == ''")) == strings{"Bob"});
  CHECK(names(select<Profile>("x for x in Profile if x == y", {{"y", Profile::at(2)}})) ==
        strings{"Bob"});
  CHECK(names(select<Profile>("x for x in Profile if x.person == y", {{"y", Person::at(1)}})) ==
        strings{"Ann"});
  CHECK(names(select<Profile>("x.profile for x in Person if x.name < 'C'")) ==
        strings{"Ann", "Bob"});
  std::vector<std::string> without;
  for (Person& x : select<Person>("x for x in Person if x.profile is None")) {
    without.push_back(x.name);
  }
  CHECK(without == strings{"Cid"});
  CHECK(names(select<Profile>("x for x in Profile if count(x.tags) == 2")) == strings{"Ann"});
  CHECK(names(select<Profile>(
            "x for x in Profile if exists(t for t in x.tags if t.label == 'blue')")) ==
        strings{"Ann"});
  CHECK(names(select<Profile>("b.holder for b in Badge if b.level > 2")) == strings{"Ann"});
  CHECK(select<std::int64_t>("b.level for b in Badge if b.holder.person.name == 'Ann'").first() ==
        3);
  CHECK(select<std::string>("x.person.name for x in Profile").order_by("1").first() == "Ann");
  // The attributes of an object passed as a parameter are read inside the query.
  CHECK(names(select<Profile>("x for x in Profile if x.person.name == y.person.name",
                              {{"y", Profile::at(1)}})) == strings{"Ann"});
  CHECK(names(select<Profile>("x for x in Profile if x.badge == y.badge",
                              {{"y", Profile::at(1)}})) == strings{"Ann"});
  CHECK(names(select<Profile>("x for x in Profile if x.badge != y.badge",
                              {{"y", Profile::at(1)}})) == strings{});
  // Its key is the reference to a Person, read as the attribute it is.
  CHECK(names(select<Profile>("x for x in Profile if x.person == y.person",
                              {{"y", Profile::at(2)}})) == strings{"Bob"});
}

TEST_CASE("a C++ primary_key of one attribute must be a Single", "[reference_keys]") {
  database db{"sqlite://:memory:"};
  CHECK_THAT(error_id([&] { db.generate_mapping<Numbered>(); }),
             Catch::Contains("schema.primary_key"));
  try {
    database again{"sqlite://:memory:"};
    again.generate_mapping<Numbered>();
  } catch (const nextorm::error& e) {
    CHECK_THAT(e.what(), Catch::Contains("needs at least two attributes, or one Single"));
  }
}
