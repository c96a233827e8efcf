// PonyORM's prefetch: what a result's objects will use, loaded for all of them at once. The SQL
// capture counts the statements: one per level, never one per object.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace session_test;

namespace {

struct Shelf;
struct Item;
struct Badge;
struct Manual;
struct Dept : entity<Dept> {
  Req<std::string> name{"name"};
  Set<Shelf> shelves{"shelves"};
};
struct Shelf : entity<Shelf> {
  Req<std::string> name{"name"};
  Single<Dept> dept{"dept"};
  Set<Item> items{"items"};
};
struct Item : entity<Item> {
  Req<std::string> name{"name"};
  Opt<std::string> notes{"notes", long_str};
  Single<Shelf> shelf{"shelf", optional};
  Set<Badge> badges{"badges"};
  Single<Manual> manual{"manual", optional};            // one-to-one: the key is in Manual
  Opt<std::string> extra{"extra", long_str, nullable};  // lazy, NULL
  int scratch = 0;                                      // a member of the program's, no column
};
struct Bin;
struct Badge : entity<Badge> {
  Req<std::string> name{"name"};
  Set<Item> items{"items"};
  Set<Bin> bins{"bins"};
};
// A composite key: its collections and lazy attributes are loaded object by object.
struct Part;
struct Bin : entity<Bin> {
  Req<std::string> row{"row"};
  Req<std::int64_t> col{"col"};
  Opt<std::string> memo{"memo", long_str, nullable};
  Set<Part> parts{"parts"};
  Set<Badge> badges{"badges"};
  [[no_unique_address]] nextorm::primary_key pk{row, col};
};
struct Part : entity<Part> {
  Req<std::string> name{"name"};
  Single<Bin> bin{"bin"};
};
struct Manual : entity<Manual> {
  Req<std::string> title{"title"};
  Single<Item> item{"item"};
};

class store : public fresh_database<Dept, Shelf, Item, Badge, Manual, Bin, Part> {
 public:
  store() : fresh_database{"prefetch"} {
    db_session session{db};
    Badge& red = Badge::create({{"name", "red"}});
    Badge& blue = Badge::create({{"name", "blue"}});
    for (int d = 0; d < 3; ++d) {
      Dept& dept = Dept::create({{"name", "d" + std::to_string(d)}});
      for (int s = 0; s < 2; ++s) {
        Shelf& shelf = Shelf::create({{"name", "s" + std::to_string(d * 2 + s)}, {"dept", &dept}});
        for (int i = 0; i < 3; ++i) {
          const int n = (d * 2 + s) * 3 + i;
          Item& item = Item::create({{"name", "i" + std::to_string(n)},
                                     {"notes", "note " + std::to_string(n)},
                                     {"shelf", &shelf}});
          if (n % 2 == 0) item.badges.add(red);
          if (n % 3 == 0) item.badges.add(blue);
          if (n % 4 == 0)
            (void)Manual::create({{"title", "m" + std::to_string(n)}, {"item", &item}});
        }
      }
    }
    (void)Item::create({{"name", "loose"}});
    for (std::int64_t col = 1; col <= 2; ++col) {
      Bin& bin = Bin::create({{"row", "r"}, {"col", col}, {"memo", col == 1 ? "first" : nullptr}});
      (void)Part::create({{"name", "p" + std::to_string(col)}, {"bin", &bin}});
      bin.badges.add(red);
    }
  }
};

}  // namespace

TEST_CASE_METHOD(store, "prefetch loads a path's objects one statement per level", "[prefetch]") {
  db_session session{db};
  sql_capture sql{db};
  const auto items = select<Item>("i for i in Item")
                         .prefetch("i.shelf.dept", "i.badges", "notes", "i.manual")
                         .fetch();
  REQUIRE(items.size() == 19);
  // The items, their shelves, the shelves' departments, the badges, the notes, the manuals.
  CHECK(sql.count("SELECT") == 6);
  sql.clear();
  int red = 0;
  int manuals = 0;
  for (const Item& item : items) {
    if (item.shelf.get() != nullptr) CHECK_FALSE(item.shelf->dept->name.get().empty());
    for (const Badge& b : item.badges) red += b.name.get() == "red" ? 1 : 0;
    CHECK(item.notes.get().starts_with("note ") == (item.name.get() != "loose"));
    manuals += item.manual.get() != nullptr ? 1 : 0;
  }
  CHECK(red == 9);
  CHECK(manuals == 5);
  CHECK(sql.count() == 0);  // everything was there
}

TEST_CASE_METHOD(store, "prefetch takes typed paths: members, and attr_path for several levels",
                 "[prefetch]") {
  db_session session{db};
  sql_capture sql{db};
  const auto items = select<Item>("i for i in Item")
                         .prefetch(attr_path(&Item::shelf, &Shelf::dept), &Item::badges, "notes")
                         .fetch();
  CHECK(sql.count("SELECT") == 5);
  sql.clear();
  for (const Item& item : items) {
    if (item.shelf.get() != nullptr) CHECK_FALSE(item.shelf->dept->name.get().empty());
    (void)item.badges.size();
  }
  CHECK(sql.count() == 0);
  // A member that is no attribute.
  CHECK_THROWS_WITH(
      select<Item>("i for i in Item").prefetch(&Item::scratch).fetch(),
      Catch::StartsWith("query.prefetch") && Catch::Contains("not one of its attributes"));
  // A member of another entity than the level's: named as a string would be.
  CHECK_THROWS_WITH(
      select<Item>("i for i in Item").prefetch(&Shelf::items).fetch(),
      Catch::StartsWith("query.prefetch") && Catch::Contains("Item has no attribute 'items'"));
}

TEST_CASE_METHOD(store, "prefetch of collections fills each owner's, and follows them",
                 "[prefetch]") {
  db_session session{db};
  sql_capture sql{db};
  const auto depts = select<Dept>("d for d in Dept").prefetch("d.shelves.items.badges").fetch();
  CHECK(sql.count("SELECT") == 4);
  sql.clear();
  std::size_t items = 0;
  for (const Dept& d : depts) {
    CHECK(d.shelves.size() == 2);
    for (const Shelf& s : d.shelves) {
      items += s.items.size();
      for (const Item& i : s.items) (void)i.badges.size();
    }
  }
  CHECK(items == 18);
  CHECK(sql.count() == 0);
  // In a tuple result, the path applies to the items whose entity has it.
  sql.clear();
  session.rollback();
  const auto pairs =
      select<std::tuple<Shelf, Dept>>("(s, s.dept) for s in Shelf").prefetch("items").fetch();
  CHECK(pairs.size() == 6);
  CHECK(sql.count("SELECT") == 3);  // the shelves, their departments (by key), the items
}

TEST_CASE_METHOD(store, "prefetch names what it cannot load", "[prefetch]") {
  db_session session{db};
  CHECK_THROWS_WITH(select<Item>("i for i in Item").prefetch("i.shelff").fetch(),
                    Catch::StartsWith("query.prefetch") && Catch::Contains("did you mean 'shelf'"));
  CHECK_THROWS_WITH(select<Item>("i for i in Item").prefetch("i.shelf.nme").fetch(),
                    Catch::Contains("Shelf has no attribute 'nme'"));
  CHECK_THROWS_WITH(select<Item>("i for i in Item").prefetch("i.name").fetch(),
                    Catch::Contains("is read with its object already"));
  CHECK_THROWS_WITH(select<Item>("i for i in Item").prefetch("notes.x").fetch(),
                    Catch::Contains("is a value: nothing follows it"));
  CHECK_THROWS_WITH(select<std::string>("i.name for i in Item").prefetch("shelf").fetch(),
                    Catch::Contains("holds no objects"));
  // first() and get() prefetch too.
  sql_capture sql{db};
  auto item = select<Item>("i for i in Item if i.name == 'i0'").prefetch("badges").get();
  REQUIRE(item);
  sql.clear();
  CHECK(item->badges.size() == 2);
  CHECK(sql.count() == 0);
}

TEST_CASE_METHOD(store, "prefetch loads only what is missing", "[prefetch]") {
  db_session session{db};
  // A manual given from its own side: the item knows it without a lookup.
  Item& loose = *Item::get({{"name", "loose"}});
  (void)Manual::create({{"title", "loose's"}, {"item", &loose}});
  session.flush();
  auto q = select<Item>("i for i in Item")
               .prefetch("i.shelf.dept", "i.badges", "notes", "i.manual", "extra");
  (void)q.fetch();
  sql_capture sql{db};
  const auto again = q.fetch();
  CHECK(sql.count("SELECT") == 1);  // the items only: every path is loaded already
  for (const Item& item : again) CHECK_FALSE(item.extra.has_value());
  CHECK(loose.manual->title.get() == "loose's");
  // first(), get() prefetch; count() has no objects to prefetch for.
  CHECK(q.count() == 19);
  CHECK(q.first());
}

TEST_CASE_METHOD(store, "objects with a composite key are prefetched one by one", "[prefetch]") {
  db_session session{db};
  const auto bins = select<Bin>("b for b in Bin").prefetch("parts", "badges", "memo").fetch();
  REQUIRE(bins.size() == 2);
  sql_capture sql{db};
  for (const Bin& bin : bins) {
    CHECK(bin.parts.size() == 1);
    CHECK(bin.badges.size() == 1);
    CHECK(bin.memo.has_value() == (bin.col.get() == 1));
  }
  CHECK(sql.count() == 0);
  // A path of one name that no item has; a tuple with a value beside the object.
  CHECK_THROWS_WITH(select<Bin>("b for b in Bin").prefetch("partz").fetch(),
                    Catch::Contains("Bin has no attribute 'partz'"));
  const auto named = select<std::tuple<Shelf, std::string>>("(s, s.name) for s in Shelf")
                         .prefetch("items")
                         .fetch();
  CHECK(named.size() == 6);
}
