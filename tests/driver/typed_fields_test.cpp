// Every registry type as a C++ field, written by one session and read back by the next, on each
// provider (NEXTORM_PROVIDER), extremes included.
#include <nextorm/json.hpp>
#include <nextorm/nextorm.hpp>

#include "session/database_impl.hpp"
#include "test_databases.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace nextorm;
using namespace std::chrono_literals;

namespace {

struct Sample : entity<Sample> {
  Req<std::int64_t> whole{"whole"};
  Req<double> real{"real"};
  Req<bool> flag{"flag"};
  // Opt: the smallest value is the empty string, which a Req str refuses (PonyORM's rule).
  Opt<std::string> words{"words", autostrip{false}};
  Req<decimal> price{"price", decimal_digits{15, 6}};
  Opt<date> day{"day"};
  Opt<datetime> moment{"moment"};
  Opt<time_of_day> clock{"clock"};
  Opt<bytes> blob{"blob"};
  Opt<uuid> tag{"tag"};
  Opt<nlohmann::json> doc{"doc"};
};

class fixture {
 public:
  fixture() : m_url{testing::fresh_database_url("types_" + std::to_string(++counter()))} {
    db.bind(m_url);
    db.generate_mapping<Sample>({.create_tables = true});
  }
  ~fixture() { testing::discard_database(m_url); }
  database db;

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

bytes raw(std::string_view text) {
  bytes out;
  for (char c : text) out.push_back(static_cast<std::byte>(c));
  return out;
}

datetime at(date d, std::chrono::microseconds since_midnight) {
  return datetime{std::chrono::sys_days{d}} + since_midnight;
}

struct sample_row {
  std::int64_t whole;
  double real;
  bool flag;
  std::string words;
  decimal price;
  date day;
  datetime moment;
  time_of_day clock;
  bytes blob;
  uuid tag;
  nlohmann::json doc;
};

// Writes `r` in one session and compares what a new session reads.
void round_trip(fixture& f, const sample_row& r) {
  value key;
  {
    db_session session{f.db};
    auto& s = Sample::create();
    s.whole = r.whole;
    s.real = r.real;
    s.flag = r.flag;
    s.words = r.words;
    s.price = r.price;
    s.day = r.day;
    s.moment = r.moment;
    s.clock = r.clock;
    s.blob = r.blob;
    s.tag = r.tag;
    s.doc = r.doc;
    session.flush();
    key = s.key();
  }
  db_session session{f.db};
  const Sample& s = Sample::at(key);
  CHECK(s.whole.get() == r.whole);
  CHECK(std::signbit(s.real.get()) == std::signbit(r.real));
  CHECK(s.real.get() == r.real);
  CHECK(s.flag.get() == r.flag);
  CHECK(s.words.get() == r.words);
  CAPTURE(s.price.get().text(), r.price.text());
  CHECK(s.price.get() == r.price);
  CHECK(s.day.get() == r.day);
  CHECK(to_text(s.moment.get()) == to_text(r.moment));
  CHECK(to_text(s.clock.get()) == to_text(r.clock));
  CHECK(s.blob.get() == r.blob);
  CHECK(s.tag.get() == r.tag);
  CHECK(s.doc.get() == r.doc);
}

}  // namespace

TEST_CASE("the largest values of each type round-trip exactly", "[types]") {
  fixture f;
  round_trip(
      f, sample_row{std::numeric_limits<std::int64_t>::max(), std::numeric_limits<double>::max(),
                    true, "Grüße, 世界 🎉 \"quoted\" 'single' \\back", decimal{"999999999.999999"},
                    date{std::chrono::year{9999}, std::chrono::December, std::chrono::day{31}},
                    at(date{std::chrono::year{9999}, std::chrono::December, std::chrono::day{31}},
                       23h + 59min + 59s + 999999us),
                    23h + 59min + 59s + 999999us, raw(std::string_view{"\0\xff\0\x01zero\0", 9}),
                    uuid{"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"},
                    nlohmann::json::parse(R"({"b": [1, 2.5, null, true], "a": {"é": "✓"}})")});
}

TEST_CASE("the smallest values of each type round-trip exactly", "[types]") {
  fixture f;
  round_trip(
      f,
      sample_row{std::numeric_limits<std::int64_t>::min(), -std::numeric_limits<double>::min(),
                 false, "", decimal{"-999999999.999999"},
                 date{std::chrono::year{1000}, std::chrono::January, std::chrono::day{1}},
                 at(date{std::chrono::year{1000}, std::chrono::January, std::chrono::day{1}}, 1us),
                 0us, bytes{}, uuid{}, nlohmann::json::array()});
}

TEST_CASE("ordinary values round-trip exactly: fractions, scales, leap days", "[types]") {
  fixture f;
  round_trip(
      f,
      sample_row{0, 0.1 + 0.2, true, "plain", decimal{"12.5"},
                 date{std::chrono::year{2024}, std::chrono::February, std::chrono::day{29}},
                 at(date{std::chrono::year{2024}, std::chrono::February, std::chrono::day{29}},
                    12h + 30min + 0s + 500000us),
                 12h + 34min + 56s + 100us, raw(std::string_view{"\0", 1}),
                 uuid{"a0eebc999c0b4ef8bb6d6bb9bd380a11"}, nlohmann::json::parse(R"({"n": 3})")});
}

TEST_CASE("the C++ value types parse and print their canonical texts", "[types]") {
  CHECK(decimal{"1.5e3"}.text() == "1500");
  CHECK(decimal{"-2.5E-3"}.text() == "-0.0025");
  CHECK(decimal{"+.5"}.text() == "0.5");
  CHECK(decimal{"007.10"}.normalized() == "7.1");
  CHECK(decimal{"-0.00"}.normalized() == "0");
  CHECK(decimal{"12.50"} == decimal{"12.5"});
  CHECK(decimal{"12.50"}.to_double() == 12.5);
  CHECK(decimal{}.text() == "0");
  for (const char* bad : {"", "-", "1.2.3", "1e", "1ex", "abc", "1e99999"}) {
    INFO(bad);
    CHECK_THROWS_AS(decimal{bad}, usage_error);
  }
  CHECK(uuid{"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"}.text() ==
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  CHECK(uuid{}.text() == "00000000-0000-0000-0000-000000000000");
  for (const char* bad :
       {"", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "a0eebc99x9c0b-4ef8-bb6d-6bb9bd380a11",
        "g0eebc999c0b4ef8bb6d6bb9bd380a11"}) {
    INFO(bad);
    CHECK_THROWS_AS(uuid{bad}, usage_error);
  }
  CHECK(to_text(date_from_text("2020-01-31")) == "2020-01-31");
  CHECK(to_text(datetime_from_text("2020-01-31T10:00:00.5")) == "2020-01-31 10:00:00.5");
  CHECK(to_text(datetime_from_text("2020-01-31 10:00:00")) == "2020-01-31 10:00:00");
  CHECK(to_text(time_from_text("-838:59:59")) == "-838:59:59");
  CHECK(to_text(time_from_text("100:00:01.000001")) == "100:00:01.000001");
  for (const char* bad : {"2020-02-30", "2020-1-31", "2020-01-31x"}) {
    INFO(bad);
    CHECK_THROWS_AS(date_from_text(bad), usage_error);
  }
  for (const char* bad :
       {"2020-01-31", "2020-01-31 25:00:00", "2020-01-31 10:00:00.", "2020-01-31 10:00:00.1234567",
        "2020-01-31 10:60:00", "2020-01-31 10:00:00x"}) {
    INFO(bad);
    CHECK_THROWS_AS(datetime_from_text(bad), usage_error);
  }
  for (const char* bad : {"", "1:00:00", "10:00", "10:00:00.x"}) {
    INFO(bad);
    CHECK_THROWS_AS(time_from_text(bad), usage_error);
  }
  CHECK_THROWS_AS(detail::value_traits<nlohmann::json>::from_value(value{"{"}), usage_error);
}
