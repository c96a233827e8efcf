// What an object's INSERT and UPDATE write for each column (session/object_columns): the field's
// own value, or for a field without one its default, PonyORM's '' and {} for non-nullable
// optional strings and JSON, NULL, or an error naming the required attribute.
#include <nextorm/json.hpp>
#include <nextorm/nextorm.hpp>

#include "session/database_impl.hpp"
#include "test_databases.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

using namespace nextorm;

struct Gadget;
struct Part;

struct Shelf : entity<Shelf> {
  Req<std::string> label{"label"};
  Set<Gadget> gadgets{"gadgets"};
  Set<Part> parts{"parts"};
};

struct Gadget : entity<Gadget> {
  Req<std::string> name{"name"};
  Req<std::int64_t> level{"level", default_value{value{std::int64_t{3}}}};
  Opt<std::string> note{"note"};                               // not nullable: '' when missing
  Opt<nlohmann::json> extra{"extra"};                          // not nullable: {} when missing
  Opt<std::string> code{"code", nullable};                     // NULL when missing
  Opt<double> weight{"weight"};                                // NULL when missing
  Single<Shelf> shelf{"shelf", optional, reverse{"gadgets"}};  // NULL when missing
};

struct Part : entity<Part> {
  Req<std::string> name{"name"};
  Single<Shelf> shelf{"shelf", reverse{"parts"}};  // required
};

struct fixture {
  fixture() : url{testing::fresh_database_url("object_columns_" + std::to_string(++counter()))} {
    db.bind(url);
    db.generate_mapping<Shelf, Gadget, Part>({.create_tables = true});
  }
  ~fixture() { testing::discard_database(url); }
  // The column of the only Gadget row, as text ("<NULL>" for NULL).
  std::string column(const std::string& name) {
    auto connection = testing::raw_connection(url);
    const auto& d = db.impl().dialect();
    const auto& gadget = *db.schema().find("Gadget");
    const auto& attr = *gadget.find(name);
    auto rows =
        connection->query("SELECT " + d.quote(attr.column) + " FROM " + d.quote(gadget.table), {});
    REQUIRE(rows->next());
    const value v = rows->get(0, value_type::null);
    return v.is_null() ? "<NULL>" : v.repr();
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string url;
  database db;
};

}  // namespace

TEST_CASE_METHOD(fixture, "a new object without values stores defaults, '' and {} or NULL",
                 "[object_columns]") {
  {
    db_session session{db};
    Gadget::create().name = "g";
  }
  CHECK(column("name") == "'g'");
  CHECK(column("level") == "3");
  CHECK(column("note") == "''");
  CHECK(column("extra") == "'{}'");
  CHECK(column("code") == "<NULL>");
  CHECK(column("weight") == "<NULL>");
  CHECK(column("shelf") == "<NULL>");
}

TEST_CASE_METHOD(fixture, "an update writes every column from the fields, the key last",
                 "[object_columns]") {
  {
    db_session session{db};
    auto& shelf = Shelf::create();
    shelf.label = "top";
    auto& g = Gadget::create();
    g.name = "g";
    g.shelf = shelf;
  }
  {
    db_session session{db};
    auto& g = Gadget::at(1);
    g.name = "renamed";
    g.level = 7;
    g.code = "c-1";
    g.weight = 2.5;
    g.shelf = nullptr;
  }
  CHECK(column("name") == "'renamed'");
  CHECK(column("level") == "7");
  CHECK(column("code") == "'c-1'");
  CHECK(column("weight") == "2.5");
  CHECK(column("shelf") == "<NULL>");
}

TEST_CASE_METHOD(fixture, "a required reference without a target fails the commit and names it",
                 "[object_columns]") {
  auto missing = [&] {
    db_session session{db};
    Part::create().name = "bolt";
  };
  CHECK_THROWS_WITH(missing(),
                    "object.required: attribute Part.shelf is required but has no value; set it "
                    "before the session flushes");
}
