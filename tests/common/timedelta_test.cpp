// PonyORM's timedelta as std::chrono durations: Python's str() and repr(), the servers' forms read
// back, the extremes of a 64-bit count, and fields of a coarser duration.
#include <nextorm/params.hpp>
#include <nextorm/types.hpp>
#include <nextorm/value.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>

using namespace std::chrono_literals;
using nextorm::timedelta_from_text;
using nextorm::timedelta_text;
using nextorm::value;
using std::chrono::microseconds;

TEST_CASE("a timedelta prints as Python's str(timedelta)") {
  CHECK(timedelta_text(0us) == "0:00:00");
  CHECK(timedelta_text(24h) == "1 day, 0:00:00");
  CHECK(timedelta_text(24h * 2 + 3h + 4min + 5s + 6us) == "2 days, 3:04:05.000006");
  CHECK(timedelta_text(-1us) == "-1 day, 23:59:59.999999");
  CHECK(timedelta_text(-24h * 3) == "-3 days, 0:00:00");
  CHECK(timedelta_text(838h + 59min + 59s) == "34 days, 22:59:59");
  CHECK(timedelta_text(microseconds::max()) == "106751991 days, 4:00:54.775807");
  CHECK(timedelta_text(microseconds::min()) == "-106751992 days, 19:59:05.224192");
}

TEST_CASE("a timedelta's repr is Python's") {
  CHECK(value::interval(0).repr() == "datetime.timedelta(0)");
  CHECK(value::interval(-1).repr() ==
        "datetime.timedelta(days=-1, seconds=86399, microseconds=999999)");
  CHECK(value::interval(90'000'000).repr() == "datetime.timedelta(seconds=90)");
  CHECK(value::interval(86'400'000'005).repr() == "datetime.timedelta(days=1, microseconds=5)");
  CHECK(nextorm::type_name(nextorm::value_type::interval) == "timedelta");
  CHECK(value::interval(5) != value{5});  // an interval is no int
  CHECK(value::interval(5).hash() != value{5}.hash());
  CHECK_THROWS_WITH(value{5}.as_microseconds(),
                    Catch::Contains("value of type int used as timedelta"));
}

TEST_CASE("timedelta texts read back: Python's, PostgreSQL's and MariaDB's") {
  for (microseconds d : {0us, 1us, -1us, microseconds{24h + 30min}, microseconds{-24h * 400 + 5s},
                         microseconds::max(), microseconds::min()}) {
    CHECK(timedelta_from_text(timedelta_text(d)) == d);
  }
  CHECK(timedelta_from_text("1 day 02:03:04.5") == 24h + 2h + 3min + 4s + 500ms);
  CHECK(timedelta_from_text("-1 days +23:00:00") == -1h);
  CHECK(timedelta_from_text("-1 days -02:00:00") == -26h);
  CHECK(timedelta_from_text("1 year 2 mons 3 days") == 24h * (365 + 60 + 3));
  CHECK(timedelta_from_text("-838:59:59.000001") == -(838h + 59min + 59s + 1us));
  CHECK(timedelta_from_text("+00:00:01") == 1s);
  CHECK(timedelta_from_text("1000:00:00") == 1000h);
  CHECK(timedelta_from_text("2 days") == 48h);
  CHECK(timedelta_from_text("0:00:00.1") == 100ms);
  CHECK(timedelta_from_text("+1 day") == 24h);
  CHECK(timedelta_from_text("2 years 1 mon") == 24h * (730 + 30));
}

TEST_CASE("timedelta texts that are none are refused by name") {
  for (const char* text : {"",
                           " ",
                           ",",
                           "1",
                           "1 fortnight",
                           "day",
                           "1:2",
                           "1:60:00",
                           "1:00:60",
                           "1:00:00.",
                           "1:00:00.1234567",
                           "1:00:00x",
                           "a:00:00",
                           "1 day 1",
                           "1:00:0",
                           "x days",
                           "9223372036854775807 days",
                           "2562047789:00:00 2562047789:00:00",
                           "1:00:00.12a",
                           "1000000000:00:00",
                           "1:00",
                           "1:00x00",
                           "1x day",
                           "106751992 days",
                           "-106751993 days",
                           "-9223372036854775807 days"}) {
    INFO(text);
    CHECK_THROWS_AS(timedelta_from_text(text), nextorm::usage_error);
  }
  std::string clocks;
  for (int i = 0; i < 25; ++i) clocks += "999999999:00:00 ";
  CHECK_THROWS_AS(timedelta_from_text(clocks), nextorm::usage_error);
  CHECK_THROWS_WITH(
      timedelta_from_text("1 fortnight"),
      "value.bad_timedelta: '1 fortnight' is not a timedelta: a number without a unit "
      "(day, days)");
  CHECK_THROWS_WITH(
      timedelta_from_text(std::string(100, '9')),
      Catch::StartsWith("value.bad_timedelta: '" + std::string(64, '9') + "' is not a timedelta"));
}

TEST_CASE("a coarser duration field holds whole units only") {
  using traits = nextorm::detail::value_traits<std::chrono::seconds>;
  CHECK(traits::to_value(90s) == value::interval(90'000'000));
  CHECK(traits::from_value(value::interval(90'000'000)) == 90s);
  CHECK_THROWS_WITH(traits::from_value(value::interval(1'500'000)),
                    Catch::Contains("the timedelta 0:00:01.500000 does not fit the field's "
                                    "std::chrono duration"));
  using hours = nextorm::detail::value_traits<std::chrono::hours>;
  CHECK_THROWS_WITH(hours::to_value(std::chrono::hours{INT64_MAX / 1000}),
                    Catch::Contains("is beyond the ±292,000 years a timedelta holds"));
  using small = nextorm::detail::value_traits<std::chrono::duration<std::int32_t>>;
  CHECK_THROWS_AS(small::from_value(value::interval(INT64_MAX / 1'000'000 * 1'000'000)),
                  nextorm::usage_error);
  // Any duration is a parameter.
  const nextorm::param_value p{std::chrono::minutes{2}};
  CHECK(p.scalar() == value::interval(120'000'000));
}
