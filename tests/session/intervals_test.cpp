// PonyORM's timedelta: std::chrono durations as fields and parameters, stored as PonyORM stores
// them (SQLite: days in a REAL, PostgreSQL: INTERVAL, MariaDB: TIME), and the date and time
// arithmetic of queries: datetime - datetime, date - date, date or datetime plus or minus an
// interval, comparisons of intervals. What a test checks after a commit it reads in a new
// session, from the database.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using namespace session_test;
using namespace std::chrono_literals;
using std::chrono::microseconds;
using strings = std::vector<std::string>;

namespace {

struct Trip : entity<Trip> {
  Req<std::string> name{"name"};
  Req<nextorm::datetime> start{"start"};
  Opt<nextorm::datetime> finish{"finish"};
  Req<nextorm::date> day{"day"};
  Req<microseconds> planned{"planned"};
  Opt<std::chrono::seconds> pause{"pause"};
};

// MariaDB's TIME holds this much and no more.
constexpr microseconds longest_time = 838h + 59min + 59s + 999999us;

class trips : public fresh_database<Trip> {
 public:
  trips() : fresh_database{"intervals"} {}

  // A: 10 days and half a second long, planned 9 days, paused 90 s. B: 12 hours, planned -1 µs,
  // no pause. C: not finished, planned as long as MariaDB's TIME holds, paused 0 s.
  void fill() {
    db_session session{db};
    (void)Trip::create({{"name", "A"},
                        {"start", datetime{"2024-03-01 10:00:00"}},
                        {"finish", datetime{"2024-03-11 10:00:00.5"}},
                        {"day", date{"2024-03-01"}},
                        {"planned", microseconds{24h * 9}},
                        {"pause", std::chrono::seconds{90}}});
    (void)Trip::create({{"name", "B"},
                        {"start", datetime{"2024-03-05 08:00:00"}},
                        {"finish", datetime{"2024-03-05 20:00:00"}},
                        {"day", date{"2024-03-05"}},
                        {"planned", -1us}});
    (void)Trip::create({{"name", "C"},
                        {"start", datetime{"2024-02-28 23:30:00"}},
                        {"day", date{"2024-02-28"}},
                        {"planned", longest_time},
                        {"pause", std::chrono::seconds{0}}});
  }

  strings names(const std::string& condition, const params& args = {}) {
    strings out;
    for (const Trip& t : select<Trip>("t for t in Trip if " + condition, args)) {
      out.push_back(t.name.get());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

}  // namespace

TEST_CASE_METHOD(trips, "a timedelta field keeps microseconds, signs and TIME's limit",
                 "[intervals]") {
  fill();
  db_session session{db};
  const Trip& a = *Trip::get({{"name", "A"}});
  const Trip& b = *Trip::get({{"name", "B"}});
  const Trip& c = *Trip::get({{"name", "C"}});
  CHECK(a.planned.get() == 216h);
  // SQLite holds datetimes as text, written as PonyORM writes them (Python's str()).
  if (db.impl().dialect().name() == "sqlite") {
    CHECK(scalar("SELECT finish FROM Trip WHERE name = 'A'") ==
          value{"2024-03-11 10:00:00.500000"});
  }
  CHECK(b.planned.get() == -1us);
  CHECK(c.planned.get() == longest_time);
  CHECK(a.pause.get() == std::chrono::seconds{90});
  CHECK_FALSE(b.pause.has_value());
  CHECK(c.pause.get() == std::chrono::seconds{0});
  // PonyORM's storage, so that PonyORM reads these rows and NextORM PonyORM's.
  const std::string stored = "SELECT " + quote("planned") + " FROM " + table("Trip") + " WHERE " +
                             quote("name") + " = 'A'";
  const std::string provider = nextorm::testing::current_provider();
  if (provider == "sqlite") CHECK(scalar(stored, value_type::real) == value{9.0});
  if (provider == "postgres") CHECK(scalar(stored) == value{"9 days"});
  if (provider == "mariadb") CHECK(scalar(stored) == value{"216:00:00"});
}

TEST_CASE_METHOD(trips, "queries compare intervals and compute them from dates and datetimes",
                 "[intervals]") {
  fill();
  db_session session{db};
  CHECK(names("t.finish - t.start > timedelta(days=9)") == strings{"A"});
  CHECK(names("t.finish - t.start == timedelta(days=10, milliseconds=500)") == strings{"A"});
  CHECK(names("t.finish - t.start > t.planned") == strings{"A", "B"});
  CHECK(names("t.start + t.planned < t.finish") == strings{"A", "B"});
  CHECK(names("t.finish - t.planned > t.start") == strings{"A", "B"});
  CHECK(names("timedelta(hours=12) + t.start == t.finish") == strings{"B"});
  // A date moves by the interval's floored days, as in Python.
  CHECK(names("t.day + timedelta(hours=25) == date(2024, 3, 2)") == strings{"A"});
  CHECK(names("t.day - timedelta(microseconds=1) == date(2024, 2, 29)") == strings{"A"});
  CHECK(names("t.day - date(2024, 2, 28) == timedelta(days=2)") == strings{"A"});
  CHECK(names("t.planned < p", {{"p", std::chrono::hours{1}}}) == strings{"B"});
  CHECK(names("t.planned >= p", {{"p", longest_time}}) == strings{"C"});
  // Beyond MariaDB's TIME: a query computes in microseconds there.
  CHECK(names("t.finish - t.start < p", {{"p", microseconds{24h * 40}}}) == strings{"A", "B"});
  CHECK(names("t.pause is None") == strings{"B"});
  CHECK(names("not t.pause") == strings{"B"});  // PonyORM: a timedelta is true when not None
  CHECK(names("t.pause == timedelta(0)") == strings{"C"});
  CHECK(select<microseconds>("t.finish - t.start for t in Trip if t.name == 'A'").first() ==
        microseconds{24h * 10 + 500ms});
  CHECK(select<microseconds>("t.planned for t in Trip if t.name == 'B'").first() == -1us);
  CHECK(select<nextorm::datetime>("t.start + t.planned for t in Trip if t.name == 'B'").first() ==
        datetime{"2024-03-05 07:59:59.999999"});
  CHECK(select<nextorm::date>("t.day - timedelta(days=1) for t in Trip if t.name == 'A'").first() ==
        date{"2024-02-29"});
  std::vector<std::string> order;
  for (const Trip& t : select<Trip>("t for t in Trip").order_by("t.planned"))
    order.push_back(t.name.get());
  CHECK(order == strings{"B", "A", "C"});
  CHECK(select<microseconds>("t.planned for t in Trip").max() ==
        value::interval(longest_time.count()));
  CHECK(select<microseconds>("t.finish - t.start for t in Trip").min() ==
        value::interval(microseconds{12h}.count()));
  CHECK(select<microseconds>("max(t.planned) for t in Trip if t.name < 'C'").first() == 216h);
}

TEST_CASE_METHOD(trips, "an interval MariaDB's TIME cannot hold is refused before it is sent",
                 "[intervals]") {
  if (nextorm::testing::current_provider() != "mariadb") return;
  for (const microseconds planned : {longest_time + 1us, -longest_time - 1us}) {
    try {
      {
        db_session session{db};
        (void)Trip::create({{"name", "D"},
                            {"start", datetime{"2024-03-01 10:00:00"}},
                            {"day", date{"2024-03-01"}},
                            {"planned", planned}});
      }
      FAIL("stored");
    } catch (const nextorm::usage_error& e) {
      CHECK(std::string{e.id()} == "value.interval_range");
      CHECK_THAT(e.what(), Catch::Contains(nextorm::timedelta_text(planned)) &&
                               Catch::Contains("±838:59:59.999999"));
    }
  }
  CHECK(count("Trip") == 0);
}

TEST_CASE_METHOD(trips, "date arithmetic past the year 9999 is an error, not a NULL",
                 "[intervals]") {
  fill();
  db_session session{db};
  // Python raises OverflowError; MariaDB's answer, a NULL, would drop rows without a word.
  // PostgreSQL's timestamps reach the year 294276: it computes them (its dates start at 4713
  // BC). SQLite (NextORM's functions) and MariaDB (asked after the statement) raise.
  const bool postgres = db.impl().dialect().name() == "postgres";
  const auto fails = [&](const std::string& query) {
    try {
      (void)select<Trip>(query).fetch();
    } catch (const database_error&) {
      session.rollback();  // (PostgreSQL's transaction is over after an error)
      return true;
    }
    return false;
  };
  const std::string far = "timedelta(days=3000000)";  // 8213 years
  CHECK(fails("t for t in Trip if t.start + " + far + " > t.start") == !postgres);
  CHECK(fails("t for t in Trip if t.day - " + far + " < t.day"));
  CHECK(fails("t for t in (x for x in Trip if x.start + " + far + " > x.start)") == !postgres);
  CHECK(fails("t for t in Trip if t.start - " + far + " < t.start"));
  CHECK(names("t.start + timedelta(days=3) > datetime(2024, 3, 7)") == strings{"B"});
  CHECK(names("t.finish == datetime(2024, 3, 11, 10, 0, 0, 500000)") == strings{"A"});
  // A delete whose condition overflows deletes nothing and says so.
  try {
    (void)select<Trip>("t for t in Trip if t.day - " + far + " < t.day").remove();
    FAIL("no error");
  } catch (const database_error&) {
  }
  session.rollback();
  CHECK(select<Trip>("t for t in Trip if t.day + timedelta(days=1) > date(2024, 3, 2)").remove() ==
        1);
  CHECK(names("True") == strings{"A", "C"});
}
