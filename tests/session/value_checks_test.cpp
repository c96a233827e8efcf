// The checks of assigned values beyond the common cases of lifetime_test.cpp: every whitespace
// character that autostrip removes (Python's str.isspace()) and the neighbours it keeps, empty
// keys, and bounds of another numeric type than the field's.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace session_test;

namespace {

struct Reading : entity<Reading> {
  Req<std::string> label{"label", autostrip{false}};
  Opt<int> level{"level", min_value{0.5}};                // an int field, a float bound
  Opt<double> ratio{"ratio", max_value{decimal{"1.5"}}};  // a float field, a decimal bound
  Opt<decimal> share{"share", min_value{1}};              // a decimal field, an int bound
  Opt<double> load{"load", max_value{2.5}};               // only a maximum
  Opt<std::int64_t> floor{"floor", max_value{10}};        // only a maximum, of an int
  Opt<decimal> fee{"fee", max_value{2.5}};                // a decimal field, a float bound
  Opt<int> even{"even", check{[](const int& n) { return n % 2 == 0; }}};  // only a check
  Opt<decimal> cap{"cap", min_value{-std::numeric_limits<double>::infinity()},
                   max_value{std::numeric_limits<double>::infinity()}};  // unbounded bounds
};

// Integer fields narrower than their column (an int without int_size is a 64-bit column).
struct Gauge : entity<Gauge> {
  Req<std::string> name{"name"};
  Opt<int> small{"small"};
  Opt<std::uint8_t> tiny{"tiny"};
  Opt<std::int16_t> short_one{"short_one"};
  Opt<std::int64_t> wide{"wide"};
};

struct reading_database {
  reading_database()
      : url{nextorm::testing::fresh_database_url("readings_" + std::to_string(++counter()))} {
    db.bind(url);
    db.generate_mapping<Reading, Gauge>({.create_tables = true});
  }
  ~reading_database() { nextorm::testing::discard_database(url); }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string url;
  database db;
};

}  // namespace

TEST_CASE("autostrip removes every whitespace character of Python's str.isspace()", "[checks]") {
  temp_database t;
  db_session session{t.db};
  auto& p = Product::create();
  const std::pair<const char*, const char*> spaces[] = {
      {"\x1c", "U+001C"},         {"\x1f", "U+001F"},         {"\xc2\x85", "U+0085"},
      {"\xc2\xa0", "U+00A0"},     {"\xe1\x9a\x80", "U+1680"}, {"\xe2\x80\x80", "U+2000"},
      {"\xe2\x80\x8a", "U+200A"}, {"\xe2\x80\xa8", "U+2028"}, {"\xe2\x80\xa9", "U+2029"},
      {"\xe2\x80\xaf", "U+202F"}, {"\xe2\x81\x9f", "U+205F"}, {"\xe3\x80\x80", "U+3000"},
  };
  for (const auto& [space, name] : spaces) {
    INFO(name);
    p.name = std::string{space} + "Kite" + space + space;
    CHECK(p.name == "Kite");
  }
  session.rollback();
}

TEST_CASE("autostrip keeps characters that share a whitespace character's first bytes",
          "[checks]") {
  temp_database t;
  db_session session{t.db};
  auto& p = Product::create();
  const std::pair<const char*, const char*> kept[] = {
      {"\xc2\xa9", "U+00A9 copyright sign"},
      {"\xe1\x9a\x81", "U+1681 Ogham letter beith"},
      {"\xe1\x80\x80", "U+1000 Myanmar letter ka"},
      {"\xe2\x80\x8b", "U+200B zero width space (not whitespace in Python)"},
      {"\xe2\x80\x94", "U+2014 em dash"},
      {"\xe2\x82\xac", "U+20AC euro sign"},
      {"\xe2\x81\xa0", "U+2060 word joiner"},
      {"\xe3\x80\x81", "U+3001 ideographic comma"},
      {"\xe3\x81\x82", "U+3042 hiragana a"},
  };
  for (const auto& [character, name] : kept) {
    INFO(name);
    const std::string text = std::string{character} + "Kite" + character;
    p.name = text;
    CHECK(p.name == text);
  }
  // Bytes that are no UTF-8 (a sequence cut short, continuation bytes alone) are kept as they
  // are: the strip looks at characters and gives up where there is none.
  const std::string cut = "Kite\xe2\x80";
  p.name = cut;
  CHECK(p.name == cut);
  const std::string stray = "K\x80\x80\x80\x80";
  p.name = stray;
  CHECK(p.name == stray);
  session.rollback();
}

TEST_CASE("an empty string primary key, or an empty required string without autostrip, is no value",
          "[checks]") {
  temp_database t;
  reading_database r;
  {
    db_session session{t.db};
    auto& c = Customer::create();
    CHECK_THROWS_WITH(c.email = " ",
                      "value.required: Customer.email is required: an empty string "
                      "is no value (nor is one of whitespace only: autostrip)");
    CHECK_FALSE(c.email.has_value());
    session.rollback();
  }
  db_session session{r.db};
  auto& x = Reading::create();
  CHECK_THROWS_WITH(x.label = "",
                    "value.required: Reading.label is required: an empty string is no value");
  x.label = " ";  // whitespace is a value when it is kept
  CHECK(x.label == " ");
}

TEST_CASE("bounds of another numeric type than the field's compare as numbers", "[checks]") {
  reading_database r;
  {
    db_session session{r.db};
    auto& x = Reading::create();
    x.label = "first";
    CHECK_THROWS_WITH(x.level = 0,
                      "value.too_small: Reading.level cannot be 0: its minimum is 0.5");
    x.level = 1;
    CHECK_THROWS_WITH(x.ratio = 1.75,
                      "value.too_large: Reading.ratio cannot be 1.75: its maximum is 1.5");
    x.ratio = 1.5;  // 1.5 as a float is exactly the decimal 1.5
    CHECK_THROWS_WITH(x.share = decimal{"0.99"},
                      "value.too_small: Reading.share cannot be 0.99: its minimum is 1");
    x.share = decimal{"1.00"};
    CHECK_THROWS_WITH(x.load = 3.0,
                      "value.too_large: Reading.load cannot be 3.0: its maximum is 2.5");
    x.load = -1e9;  // no minimum
    CHECK_THROWS_WITH(x.even = 3, "value.check_failed: the check of Reading.even refused 3");
    x.even = 4;
    x.cap = decimal{"12345.67"};  // below an infinite bound
    CHECK_THROWS_WITH(x.floor = 11,
                      "value.too_large: Reading.floor cannot be 11: its maximum is 10");
    x.floor = std::numeric_limits<std::int64_t>::min();  // no minimum
    CHECK_THROWS_WITH(x.fee = decimal{"2.51"},
                      "value.too_large: Reading.fee cannot be 2.51: its maximum is 2.5");
    x.fee = decimal{"2.50"};  // the float 2.5 is exactly 2.50
  }
  db_session session{r.db};
  Reading& stored = Reading::at(1);
  CHECK(stored.level == 1);
  CHECK(stored.ratio == 1.5);
  CHECK(stored.share == decimal{"1"});
  CHECK(stored.load == -1e9);
  CHECK(stored.even == 4);
  CHECK(stored.cap == decimal{"12345.67"});
  CHECK(stored.floor == std::numeric_limits<std::int64_t>::min());
  CHECK(stored.fee == decimal{"2.5"});
}

TEST_CASE("a NaN float is refused when assigned, the same on every provider", "[checks]") {
  reading_database r;
  db_session session{r.db};
  auto& x = Reading::create();
  x.label = "nan";
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(x.load = nan,
                    "value.nan: Reading.load cannot be NaN: no provider stores it as itself "
                    "(SQLite would store NULL, MariaDB refuses it)");
  CHECK(!x.load.has_value());  // the refused value was not kept
  CHECK_THROWS_WITH(x.ratio = -nan, Catch::Contains("value.nan: Reading.ratio"));
  x.load = 1.25;
  session.commit();
  CHECK(Reading::at(1).load == 1.25);
}

TEST_CASE("an infinite float is kept where the provider stores it and refused on MariaDB",
          "[checks]") {
  reading_database r;
  const double inf = std::numeric_limits<double>::infinity();
  const bool mariadb = nextorm::testing::current_provider() == "mariadb";
  {
    db_session session{r.db};
    auto& x = Reading::create();
    x.label = "inf";
    if (mariadb) {
      CHECK_THROWS_WITH(x.load = -inf,
                        "value.infinity: Reading.load cannot be -inf: MariaDB stores no infinity");
      CHECK_THROWS_WITH(x.ratio = inf, Catch::Contains("cannot be inf"));
      CHECK(!x.load.has_value());
    } else {
      x.load = -inf;   // max_value 2.5 only
      x.ratio = -inf;  // below its decimal maximum
      CHECK_THROWS_WITH(x.ratio = inf,
                        "value.too_large: Reading.ratio cannot be inf: its maximum is 1.5");
    }
  }
  db_session session{r.db};
  Reading& stored = Reading::at(1);
  if (mariadb) {
    CHECK(!stored.load.has_value());
  } else {
    CHECK(stored.load == -inf);
    CHECK(stored.ratio == -inf);
  }
}

namespace {

// PonyORM's int size and unsigned, and a column type given as SQL.
struct Counter : entity<Counter> {
  Req<std::string> name{"name", sql_type{"VARCHAR(8)"}};
  Opt<int> tiny{"tiny", int_size{8}};
  Opt<int> small_unsigned{"small_unsigned", int_size{16}, unsigned_int};
  Opt<std::int64_t> word{"word", unsigned_int};  // 32 bits, as PonyORM's unsigned alone
  Opt<int> percent{"percent", int_size{8}, min_value{0}, max_value{100}};
  Opt<std::int64_t> big{"big", int_size{64}};
};

}  // namespace

TEST_CASE("an int of a declared size stores its whole range and refuses values beyond it",
          "[checks]") {
  const std::string url = nextorm::testing::fresh_database_url("counters");
  {
    database db;
    db.bind(url);
    db.generate_mapping<Counter>({.create_tables = true});
    {
      db_session session{db};
      auto& low = Counter::create({{"name", "low"}});
      low.tiny = -128;
      low.small_unsigned = 0;
      low.word = 0;
      low.big = std::numeric_limits<std::int64_t>::min();
      auto& high = Counter::create({{"name", "high"}});
      high.tiny = 127;
      high.small_unsigned = 65535;
      high.word = 4294967295;
      high.percent = 100;
      high.big = std::numeric_limits<std::int64_t>::max();

      CHECK_THROWS_WITH(high.tiny = 128,
                        "value.too_large: Counter.tiny cannot be 128: its maximum is 127");
      CHECK_THROWS_WITH(low.tiny = -129,
                        "value.too_small: Counter.tiny cannot be -129: its minimum is -128");
      CHECK_THROWS_WITH(low.small_unsigned = -1,
                        "value.too_small: Counter.small_unsigned cannot be -1: its minimum is 0");
      CHECK_THROWS_WITH(high.small_unsigned = 65536,
                        "value.too_large: Counter.small_unsigned cannot be 65536: its maximum "
                        "is 65535");
      CHECK_THROWS_WITH(high.word = std::int64_t{4294967296},
                        "value.too_large: Counter.word cannot be 4294967296: its maximum is "
                        "4294967295");
      CHECK_THROWS_WITH(high.percent = 101,
                        "value.too_large: Counter.percent cannot be 101: its maximum is 100");
      CHECK(high.tiny == 127);  // a refused assignment changes nothing
    }
    db_session session{db};
    const auto rows = select<std::tuple<int, int, std::int64_t, std::int64_t>>(
                          "(c.tiny, c.small_unsigned, c.word, c.big) for c in Counter")
                          .order_by("c.name")
                          .fetch();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] == std::tuple{127, 65535, std::int64_t{4294967295},
                                std::numeric_limits<std::int64_t>::max()});
    CHECK(rows[1] ==
          std::tuple{-128, 0, std::int64_t{0}, std::numeric_limits<std::int64_t>::min()});
  }
  nextorm::testing::discard_database(url);
}

TEST_CASE("an integer field narrower than its value refuses it, given or read, never cut",
          "[checks]") {
  reading_database r;
  {
    db_session session{r.db};
    // Given as a value (a keyword create, JSON): too large or too small for the C++ type.
    CHECK_THROWS_WITH(Gauge::create({{"name", "a"}, {"small", std::int64_t{5'000'000'000}}}),
                      Catch::StartsWith("value.too_large: Gauge.small: 5000000000 does not fit "
                                        "the C++ integer type it is read into (-2147483648 to "
                                        "2147483647)"));
    CHECK_THROWS_WITH(Gauge::create({{"name", "a"}, {"tiny", 256}}),
                      Catch::StartsWith("value.too_large: Gauge.tiny: 256 does not fit"));
    CHECK_THROWS_WITH(Gauge::create({{"name", "a"}, {"tiny", -1}}),
                      Catch::StartsWith("value.too_small: Gauge.tiny: -1 does not fit"));
    CHECK_THROWS_WITH(Gauge::create({{"name", "a"}, {"short_one", -32769}}),
                      Catch::Contains("(-32768 to 32767)"));
    // The limits themselves fit.
    auto& edge = Gauge::create({{"name", "edge"},
                                {"small", std::numeric_limits<int>::min()},
                                {"tiny", 255},
                                {"short_one", 32767},
                                {"wide", std::numeric_limits<std::int64_t>::min()}});
    CHECK(edge.small == std::numeric_limits<int>::min());
    CHECK(edge.tiny == 255);
    (void)Gauge::create({{"name", "b"}, {"small", 1}, {"tiny", 1}, {"short_one", 1}});
  }
  {
    // Another program (here a bulk update) stores what the fields cannot hold.
    db_session session{r.db};
    CHECK(select<Gauge>("g for g in Gauge if g.name == 'b'")
              .update({{"small", "g.small * 1099511627776"}, {"tiny", "g.tiny + 511"}}) == 1);
  }
  db_session session{r.db};
  // Read as an object: the attribute and what the database holds are named.
  CHECK_THROWS_WITH(Gauge::get({{"name", "b"}}),
                    Catch::Contains("attribute small (column \"small\") is declared int in the "
                                    "schema, but the database holds int 1099511627776, beyond "
                                    "the field's C++ type (-2147483648 to 2147483647)"));
  // Read as a result of that type; a wider one reads it.
  CHECK_THROWS_WITH(select<int>("g.small for g in Gauge if g.name == 'b'").fetch(),
                    Catch::Contains("1099511627776 does not fit the C++ integer type"));
  CHECK_THROWS_WITH(select<std::uint8_t>("g.tiny for g in Gauge if g.name == 'b'").fetch(),
                    Catch::Contains("512 does not fit"));
  CHECK(select<std::int64_t>("g.small for g in Gauge if g.name == 'b'").first() == 1099511627776);
  const Gauge& edge = *Gauge::get({{"name", "edge"}});
  CHECK(edge.small == std::numeric_limits<int>::min());
  CHECK(edge.tiny == 255);
  CHECK(edge.short_one == 32767);
  CHECK(edge.wide == std::numeric_limits<std::int64_t>::min());
  CHECK(Gauge::select().count() == 2);  // the refused creates left nothing behind
}
