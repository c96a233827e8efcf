// Named enums as field values: stored as their names (a str, as PonyORM keeps such values), a
// column that accepts only the names (MariaDB's ENUM, a CHECK elsewhere), queried as strings or
// with enum parameters, read back as the enum.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

using namespace session_test;

enum class Color { red, green, blue };
NEXTORM_ENUM(Color, red, green, blue)

namespace paint {
// Names of the program's own choosing, without the macro.
enum class Finish : unsigned char { matte, gloss };
constexpr auto nextorm_enum_names(Finish) {
  return std::array{nextorm::enum_entry<Finish>{Finish::matte, "M"},
                    nextorm::enum_entry<Finish>{Finish::gloss, "G"}};
}
}  // namespace paint

static_assert(nextorm::enum_name(Color::blue) == "blue");
static_assert(nextorm::enum_from_name<paint::Finish>("G") == paint::Finish::gloss);
static_assert(!nextorm::enum_from_name<Color>("purple").has_value());
static_assert(!nextorm::named_enum<int>);

namespace {

struct Car : entity<Car> {
  Req<std::string> name{"name"};
  Req<Color> color{"color"};
  Opt<paint::Finish> finish{"finish"};
  Opt<Color> roof{"roof", default_value{"red"}};
};

class garage {
 public:
  garage() : m_url{nextorm::testing::fresh_database_url("enums_" + std::to_string(++runs()))} {
    db.bind(m_url);
    db.generate_mapping<Car>({.create_tables = true});
    db_session session{db};
    (void)Car::create({{"name", "a"}, {"color", Color::green}, {"finish", paint::Finish::gloss}});
    (void)Car::create({{"name", "b"}, {"color", "blue"}});
  }
  ~garage() { nextorm::testing::discard_database(m_url); }
  garage(const garage&) = delete;
  garage& operator=(const garage&) = delete;

  std::unique_ptr<nextorm::driver::connection> raw() const {
    return nextorm::testing::raw_connection(m_url);
  }
  std::string text(const std::string& sql) const {
    const auto connection = raw();  // outlives its rows
    auto rows = connection->query(sql, {});
    return rows->next() ? rows->get(0, value_type::text).repr() : "<no row>";
  }
  std::string table() { return db.impl().dialect().quote(db.schema().get("Car").table); }

  database db;

 private:
  static int& runs() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

}  // namespace

TEST_CASE("an enum field stores its name and reads back as the enum", "[enums]") {
  garage g;
  CHECK(g.text("SELECT color FROM " + g.table() + " WHERE name = 'a'") == "'green'");
  CHECK(g.text("SELECT finish FROM " + g.table() + " WHERE name = 'a'") == "'G'");
  CHECK(g.text("SELECT finish FROM " + g.table() + " WHERE name = 'b'") == "None");
  CHECK(g.text("SELECT roof FROM " + g.table() + " WHERE name = 'b'") == "'red'");
  db_session session{g.db};
  Car& a = *Car::get({{"name", "a"}});
  CHECK(a.color.get() == Color::green);
  CHECK(a.finish.get() == paint::Finish::gloss);
  CHECK_FALSE(Car::get({{"name", "b"}})->finish.has_value());
  a.color = Color::red;
  session.commit();
  CHECK(g.text("SELECT color FROM " + g.table() + " WHERE name = 'a'") == "'red'");
}

TEST_CASE("queries compare enum attributes with names and enum parameters", "[enums]") {
  garage g;
  db_session session{g.db};
  CHECK(Car::select("c.color == 'blue'").count() == 1);
  CHECK(Car::select("c.color == wanted", {{"wanted", Color::green}}).count() == 1);
  CHECK(Car::select("c.color in colors",
                    {{"colors", std::vector<param_value>{Color::green, Color::blue}}})
            .count() == 2);
  std::vector<Color> colors;
  for (Color c : select<Color>("c.color for c in Car").order_by("1")) colors.push_back(c);
  CHECK(colors == std::vector<Color>{Color::blue, Color::green});
  CHECK(select<paint::Finish>("c.finish for c in Car if c.finish is not None").first() ==
        paint::Finish::gloss);
}

TEST_CASE("a name that is no enumerator is refused by NextORM and by the column", "[enums]") {
  garage g;
  {
    db_session session{g.db};
    CHECK_THROWS_WITH(Car::create({{"name", "c"}, {"color", "purple"}}),
                      Catch::Contains("value.bad_enum") &&
                          Catch::Contains("'purple' is not a Color (its names: red, green, blue)"));
    auto& odd = Car::create({{"name", "d"}});
    odd.color = static_cast<Color>(7);
    CHECK_THROWS_WITH(session.commit(), Catch::Contains("7 is not a Color"));
    session.rollback();
  }
  // The column itself takes only the names.
  CHECK_THROWS(g.raw()->execute(
      "INSERT INTO " + g.table() + " (name, color, roof) VALUES ('e', 'purple', 'red')", {}));
  // A typed result refuses a value that is not a name.
  db_session session{g.db};
  CHECK_THROWS_WITH(select<Color>("c.name for c in Car").fetch(),
                    Catch::Contains("value.bad_enum"));
}
