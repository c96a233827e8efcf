// The value types of include/nextorm/types.hpp without a database: decimal arithmetic and
// rounding at the extremes, the chrono conversions, printing, refusals, and how each becomes a
// query parameter (params.hpp).
#include <nextorm/params.hpp>
#include <nextorm/types.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

using namespace nextorm;
using namespace std::chrono_literals;

namespace {

// The id of the usage_error `f()` throws, or "no error".
template <class F>
std::string refusal(F&& f) {
  try {
    (void)f();
  } catch (const usage_error& e) {
    return e.id();
  }
  return "no error";
}

template <class T>
std::string printed(const T& v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

decimal d(const char* text) { return decimal{text}; }

}  // namespace

TEST_CASE("a decimal keeps its digits and scale, without leading zeros or a sign on zero",
          "[decimal]") {
  CHECK(d("12.50").text() == "12.50");
  CHECK(d("0012.50").text() == "12.50");
  CHECK(d("-0").text() == "0");
  CHECK(d("-0.00").text() == "0.00");
  CHECK(d("+.5").text() == "0.5");
  CHECK(d("5.").text() == "5");
  CHECK(d("1e-30").text() == "0.000000000000000000000000000001");
  CHECK(d("1e-30").scale() == 30);
  CHECK(d("-1.5E3").text() == "-1500");
  CHECK(decimal{}.text() == "0");
  CHECK(decimal{-42}.text() == "-42");
  CHECK(decimal{std::numeric_limits<std::int64_t>::min()}.text() == "-9223372036854775808");
  CHECK(decimal{std::numeric_limits<std::uint64_t>::max()}.text() == "18446744073709551615");
  CHECK(d("-0.00").is_zero());
  CHECK_FALSE(d("-0.00").is_negative());
}

TEST_CASE("a decimal refuses text that is not a number, with decimal.invalid", "[decimal]") {
  for (std::string_view bad :
       {std::string_view{""}, std::string_view{"-"}, std::string_view{"+"}, std::string_view{"."},
        std::string_view{"1.2.3"}, std::string_view{"nan"}, std::string_view{"NaN"},
        std::string_view{"inf"}, std::string_view{"-Infinity"}, std::string_view{" 1"},
        std::string_view{"1 "}, std::string_view{"--1"}, std::string_view{"1e"},
        std::string_view{"e5"}, std::string_view{"0x10"}, std::string_view{"1,5"},
        std::string_view{"1\0", 2},
        std::string_view{"\0"
                         "1",
                         2}}) {
    INFO(std::string{bad});
    CHECK(refusal([&] { return decimal{bad}; }) == "decimal.invalid");
  }
  try {
    (void)decimal{std::string_view{"1\0", 2}};
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()} == "decimal.invalid: '1\\x00' is not a decimal number");
  }
  CHECK(refusal([] { return decimal::from_double(std::numeric_limits<double>::quiet_NaN()); }) ==
        "decimal.invalid");
  CHECK(refusal([] { return decimal::from_double(-std::numeric_limits<double>::infinity()); }) ==
        "decimal.invalid");
}

TEST_CASE("decimals compare as numbers: 12.5 == 12.50, -0 == 0, signs and lengths", "[decimal]") {
  CHECK(d("12.5") == d("12.50"));
  CHECK(d("-0") == d("0.000"));
  CHECK(d("12.5") == d("0012.5000"));
  CHECK(d("-1") < d("0"));
  CHECK(d("-2") < d("-1.99999"));
  CHECK(d("0.1") > d("0.09999999999999999999999"));
  CHECK(d("100") > d("99.999"));
  CHECK(d("1e30") > d("999999999999999999999999999999.9"));
  CHECK(d("-1e30") < d("-999999999999999999999999999999.9"));
  CHECK(d("20") == 20);
  CHECK(d("19.99") < 20);
  CHECK((d("3") <=> d("3.0")) == std::weak_ordering::equivalent);
}

TEST_CASE("decimal + - * are exact at any size, a sum has the larger scale", "[decimal]") {
  decimal total;
  for (int i = 0; i < 100; ++i) total += d("0.10");
  CHECK(total.text() == "10.00");
  CHECK((d("0.1") + d("0.2")).text() == "0.3");
  CHECK((d("1.5") - d("2.75")).text() == "-1.25");
  CHECK((d("1.0") - d("1.00")).text() == "0.00");  // no negative zero
  CHECK((d("-1.5") + d("1.5")).text() == "0.0");
  CHECK((d("1.5") * d("2.50")).text() == "3.750");
  CHECK((d("-0.5") * d("0")).text() == "0.0");
  CHECK((-d("2.5")).text() == "-2.5");
  CHECK((-d("0.0")).text() == "0.0");
  CHECK((d("3884.19") + d("0.01")).text() == "3884.20");
  // Huge digit counts: 200 nines plus one, (10^50 + 1)^2, many fraction digits.
  const std::string nines(200, '9');
  CHECK((decimal{nines} + 1).text() == "1" + std::string(200, '0'));
  CHECK((decimal{"1" + std::string(200, '0')} - 1).text() == nines);
  const decimal big = decimal{"1e50"} + 1;
  CHECK((big * big).text() == "1" + std::string(49, '0') + "2" + std::string(49, '0') + "1");
  CHECK((d("123456789012345678901234567890") * d("-987654321098765432109876543210.5")).text() ==
        "-121932631137021795226185032733684651726743636640561880810845.0");
  CHECK((d("1e-30") + d("1e-30")).text() == "0." + std::string(29, '0') + "2");
  CHECK((d("1e-30") * d("1e-30")).scale() == 60);
  decimal x = d("10");
  x -= d("0.5");
  x *= d("2");
  CHECK(x.text() == "19.0");
}

TEST_CASE("decimal divide needs a scale and rounds by the mode; zero and negative scales refused",
          "[decimal]") {
  CHECK(d("1").divide(d("3"), 5).text() == "0.33333");
  CHECK(d("2").divide(d("3"), 5).text() == "0.66667");
  CHECK(d("-2").divide(d("3"), 5).text() == "-0.66667");
  CHECK(d("10").divide(d("4"), 0).text() == "2");  // 2.5: half-even
  CHECK(d("1").divide(d("0.001"), 2).text() == "1000.00");
  CHECK(d("1e40").divide(d("7"), 3).text() == "1428571428571428571428571428571428571428.571");
  CHECK(d("0.000001").divide(d("3"), 2).text() == "0.00");
  CHECK(refusal([] { return d("1").divide(d("0.00"), 2); }) == "decimal.division_by_zero");
  CHECK(refusal([] { return d("1").divide(d("3"), -1); }) == "decimal.bad_scale");
  try {
    (void)d("12.5").divide(d("0"), 2);
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()} == "decimal.division_by_zero: cannot divide 12.5 by zero");
  }
}

TEST_CASE("decimal round follows each rounding mode, ties included", "[decimal]") {
  struct row {
    const char* value;
    const char* half_even;
    const char* half_up;
    const char* half_down;
    const char* down;
    const char* up;
    const char* floor;
    const char* ceiling;
  };
  for (const row& r : {row{"2.5", "2", "3", "2", "2", "3", "2", "3"},
                       row{"3.5", "4", "4", "3", "3", "4", "3", "4"},
                       row{"-2.5", "-2", "-3", "-2", "-2", "-3", "-3", "-2"},
                       row{"2.4", "2", "2", "2", "2", "3", "2", "3"},
                       row{"2.6", "3", "3", "3", "2", "3", "2", "3"},
                       row{"-2.6", "-3", "-3", "-3", "-2", "-3", "-3", "-2"},
                       row{"7", "7", "7", "7", "7", "7", "7", "7"}}) {
    INFO(r.value);
    CHECK(d(r.value).round(0, rounding::half_even).text() == r.half_even);
    CHECK(d(r.value).round(0, rounding::half_up).text() == r.half_up);
    CHECK(d(r.value).round(0, rounding::half_down).text() == r.half_down);
    CHECK(d(r.value).round(0, rounding::down).text() == r.down);
    CHECK(d(r.value).round(0, rounding::up).text() == r.up);
    CHECK(d(r.value).round(0, rounding::floor).text() == r.floor);
    CHECK(d(r.value).round(0, rounding::ceiling).text() == r.ceiling);
  }
  CHECK(d("12.345").round(2).text() == "12.34");
  CHECK(d("12.345").round(2, rounding::half_up).text() == "12.35");
  CHECK(d("12.3").round(4).text() == "12.3000");
  CHECK(d("-0.004").round(2).text() == "0.00");
  CHECK(d("0.5e-30").round(30, rounding::half_up).text() == "0." + std::string(29, '0') + "1");
  CHECK(d("999.999").round(2).text() == "1000.00");
}

TEST_CASE("decimal from_double gives the shortest text that reads back", "[decimal]") {
  CHECK(decimal::from_double(0.1).text() == "0.1");
  CHECK(decimal::from_double(3884.2).text() == "3884.2");
  CHECK(decimal::from_double(-1e-7).text() == "-0.0000001");
  CHECK(decimal::from_double(0.1 + 0.2).text() == "0.30000000000000004");
  CHECK(decimal::from_double(1e300).text().size() == 301);
  CHECK(decimal::from_double(-0.0).text() == "0");
}

TEST_CASE("each value type prints its canonical text with << and to_string", "[types]") {
  CHECK(printed(d("-12.50")) == "-12.50");
  CHECK(to_string(d("1e2")) == "100");
  CHECK(printed(date{2020, 1, 31}) == "2020-01-31");
  CHECK(printed(datetime{date{2020, 1, 31}, 10h + 500ms}) == "2020-01-31 10:00:00.5");
  CHECK(printed(time_of_day{-(838h + 59min + 59s)}) == "-838:59:59");
  CHECK(to_string(time_of_day{1, 2, 3, 4}) == "01:02:03.000004");
  CHECK(printed(bytes::from_hex("00FF10")) == "00ff10");
  CHECK(to_string(uuid{"A0EEBC999C0B4EF8BB6D6BB9BD380A11"}) ==
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  CHECK(printed(uuid{}) == "00000000-0000-0000-0000-000000000000");
}

TEST_CASE("a date converts to and from the chrono types and refuses days that do not exist",
          "[date]") {
  const date leap = std::chrono::year{2024} / 2 / 29;
  CHECK(leap == date{2024, 2, 29});
  CHECK(leap.year() == 2024);
  CHECK(leap.month() == 2);
  CHECK(leap.day() == 29);
  const std::chrono::year_month_day ymd = leap;
  CHECK(ymd == std::chrono::year{2024} / 2 / 29);
  CHECK(leap == ymd);
  CHECK(std::chrono::sys_days{leap} + std::chrono::days{1} ==
        std::chrono::sys_days{date{2024, 3, 1}});
  CHECK(leap + std::chrono::days{1} == date{2024, 3, 1});
  CHECK(date{2024, 3, 1} - leap == std::chrono::days{1});
  CHECK(date{2020, 1, 31} < leap);
  CHECK(date{} == date{1970, 1, 1});
  CHECK(date{"0001-01-01"} < date{"9999-12-31"});
  for (std::string_view bad : {"2021-02-29", "2020-13-01", "2020-00-10", "2020-1-1", "20200131"}) {
    INFO(std::string{bad});
    CHECK(refusal([&] { return date{bad}; }) == "value.bad_date");
  }
  CHECK(refusal([] { return date{2021, 2, 29}; }) == "value.bad_date");
  CHECK(refusal([] { return date{10000, 1, 1}; }) == "value.bad_date");
  CHECK(refusal([] { return date{std::chrono::year{2021} / 2 / 30}; }) == "value.bad_date");
  try {
    (void)date{2021, 2, 29};
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()} == "value.bad_date: '2021-02-29' is not a date");
  }
}

TEST_CASE("a datetime converts from any sys_time and splits into a date and a time", "[date]") {
  const date day{2020, 1, 31};
  const datetime t = std::chrono::sys_days{day} + 10h + 30min;
  CHECK(to_string(t) == "2020-01-31 10:30:00");
  CHECK(t.date_part() == day);
  CHECK(t.time_part() == time_of_day{10h + 30min});
  CHECK(t == datetime{day, time_of_day{10, 30}});
  CHECK(t + 1h == datetime{"2020-01-31T11:30:00"});
  CHECK(t - datetime{day} == 10h + 30min);
  CHECK(t < t + 1us);
  const std::chrono::sys_time<std::chrono::microseconds> back = t;
  CHECK(back == std::chrono::sys_days{day} + 10h + 30min);
  CHECK(datetime{"1969-12-31 23:59:59.999999"}.date_part() == date{1969, 12, 31});
  CHECK(refusal([&] { return datetime{day, time_of_day{24h}}; }) == "value.bad_datetime");
  CHECK(refusal([&] { return datetime{day, time_of_day{-1s}}; }) == "value.bad_datetime");
  CHECK(refusal([] { return datetime{std::string_view{"2020-01-31 10:00"}}; }) ==
        "value.bad_datetime");
}

TEST_CASE("a time of day converts from durations and checks its fields", "[date]") {
  const time_of_day t = 10h + 30min + 5s;
  CHECK(t == time_of_day{10, 30, 5});
  CHECK(t.since_midnight() == 10h + 30min + 5s);
  const std::chrono::microseconds back = t;
  CHECK(back == 10h + 30min + 5s);
  CHECK(time_of_day{"-01:00:00"} < time_of_day{});
  CHECK(time_of_day{"100:00:00"} > time_of_day{23h});
  CHECK(refusal([] { return time_of_day{24, 60}; }) == "value.bad_time");
  CHECK(refusal([] { return time_of_day{839, 0}; }) == "value.bad_time");
  CHECK(refusal([] { return time_of_day{1, 0, 0, 1'000'000}; }) == "value.bad_time");
  CHECK(refusal([] { return time_of_day{std::string_view{"10:00"}}; }) == "value.bad_time");
}

TEST_CASE("bytes hold any byte, read hex and refuse what is not hex", "[types]") {
  const bytes b = bytes::from_hex("00ff7A");
  REQUIRE(b.size() == 3);
  CHECK(b[0] == std::byte{0});
  CHECK(b[2] == std::byte{0x7a});
  CHECK(b.hex() == "00ff7a");
  CHECK(bytes{"\0a", 2}.hex() == "0061");
  CHECK(bytes{} < b);
  CHECK(b == bytes{std::vector<std::byte>{std::byte{0}, std::byte{0xff}, std::byte{0x7a}}});
  for (std::string_view bad : {"0", "0g", "g0", "00 ff"}) {
    INFO(std::string{bad});
    CHECK(refusal([&] { return bytes::from_hex(bad); }) == "value.bad_bytes");
  }
}

TEST_CASE("uuids order by their octets", "[types]") {
  CHECK(uuid{} < uuid{"00000000-0000-0000-0000-000000000001"});
  CHECK(uuid{"ff000000000000000000000000000000"} > uuid{"0fffffffffffffffffffffffffffffff"});
}

TEST_CASE("each value type and std::optional of it is a query parameter of its type", "[params]") {
  auto scalar = [](param_value p) { return p.scalar(); };
  CHECK(scalar(d("20.50")) == value::typed(value_type::decimal, "20.50"));
  CHECK(scalar(date{2020, 1, 31}) == value::typed(value_type::date, "2020-01-31"));
  CHECK(scalar(datetime{date{2020, 1, 31}, 10h}) ==
        value::typed(value_type::datetime, "2020-01-31 10:00:00"));
  CHECK(scalar(time_of_day{10h}) == value::typed(value_type::time, "10:00:00"));
  CHECK(scalar(bytes::from_hex("00ff")) ==
        value::typed(value_type::bytes, std::string{"\0\xff", 2}));
  CHECK(scalar(uuid{"a0eebc999c0b4ef8bb6d6bb9bd380a11"}) ==
        value::typed(value_type::uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
  CHECK(scalar(std::optional<decimal>{d("1.5")}) == value::typed(value_type::decimal, "1.5"));
  CHECK(scalar(std::optional<decimal>{}).is_null());
  CHECK(scalar(std::optional<date>{}).is_null());
  CHECK(scalar(std::optional<int>{3}) == value{3});
  CHECK(scalar(std::optional<double>{2.5}) == value{2.5});
  CHECK(scalar(std::optional<std::string>{"x"}) == value{"x"});
  CHECK(scalar(std::optional<std::string>{}).is_null());
  CHECK(scalar(std::nullopt).is_null());
  const params p{{"price", d("20")}, {"day", date{2020, 1, 31}}, {"none", std::nullopt}};
  CHECK(p.at("price").scalar().type() == value_type::decimal);
}

TEST_CASE(
    "a time's text has 2 or 3 hour digits, two-digit minutes and seconds, 1 to 6 fraction "
    "digits",
    "[date]") {
  CHECK(time_of_day{"838:59:59.999999"} == time_of_day{838, 59, 59, 999'999});
  CHECK(time_of_day{"00:00:00.5"} == time_of_day{0, 0, 0, 500'000});
  for (std::string_view bad : {"1000:00:00", "1:00:00", "10:00:5x", "10:00:00.", "10:00:00.1234567",
                               "10:00:00.1a", "10:00:00,5", "10:60:00", "10:00:60", "", "-"}) {
    INFO(std::string{bad});
    CHECK(refusal([&] { return time_of_day{bad}; }) == "value.bad_time");
  }
  try {
    (void)time_of_day{std::string_view{"10:00:00.1234567"}};
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()} == "value.bad_time: '10:00:00.1234567' is not a time");
  }
}

TEST_CASE("a time of day refuses each field out of its range, negative ones included", "[date]") {
  for (const std::array<int, 4>& f :
       {std::array{-1, 0, 0, 0}, std::array{0, -1, 0, 0}, std::array{0, 60, 0, 0},
        std::array{0, 0, -1, 0}, std::array{0, 0, 60, 0}, std::array{0, 0, 0, -1}}) {
    INFO(f[0] << ":" << f[1] << ":" << f[2] << "." << f[3]);
    CHECK(refusal([&] { return time_of_day{f[0], f[1], f[2], f[3]}; }) == "value.bad_time");
  }
  try {
    (void)time_of_day{0, 0, 0, -1};
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()} == "value.bad_time: '0:0:0.-1' is not a time");
  }
}

TEST_CASE("a date's text is exactly YYYY-MM-DD, and a year is 0 to 9999", "[date]") {
  CHECK(date{"0000-01-01"} == date{0, 1, 1});
  CHECK(refusal([] { return date{std::string_view{"2020-01-31x"}}; }) == "value.bad_date");
  CHECK(refusal([] { return date{std::string_view{"2020-01-31 "}}; }) == "value.bad_date");
  try {
    (void)date{-1, 1, 1};
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()} == "value.bad_date: '-001-01-01' is not a date");
  }
  // Bytes that are not printable ASCII show as \xNN in the message: DEL, UTF-8, a NUL.
  try {
    (void)date{std::string_view{"2020-01-3\x7f\xc3\xa9\0", 13}};
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()} == "value.bad_date: '2020-01-3\\x7f\\xc3\\xa9\\x00' is not a date");
  }
}

TEST_CASE("a datetime's text is a date, a space or T, and a time of day below 24:00", "[date]") {
  CHECK(datetime{"2020-01-31T23:59:59.999999"} ==
        datetime{date{2020, 1, 31}, time_of_day{23, 59, 59, 999'999}});
  for (std::string_view bad : {"2020-01-31", "2020-01-31 24:00:00", "2020-01-31_10:00:00",
                               "2020-01-31 100:00:00", "2020-02-30 10:00:00"}) {
    INFO(std::string{bad});
    CHECK(refusal([&] { return datetime{bad}; }) == "value.bad_datetime");
  }
}

TEST_CASE("the negative of a decimal flips its sign, and zero stays unsigned", "[decimal]") {
  CHECK((-d("-1.50")).text() == "1.50");
  CHECK((-d("1.50")).text() == "-1.50");
  CHECK((-d("-0.00")).text() == "0.00");
  CHECK((d("1") - d("-1.5")).text() == "2.5");
}

TEST_CASE("a decimal's normalized text drops leading and trailing zeros", "[decimal]") {
  CHECK(d("12.50").normalized() == "12.5");
  CHECK(d("-12.500").normalized() == "-12.5");
  CHECK(d("100").normalized() == "100");
  CHECK(d("100.00").normalized() == "100");
  CHECK(d("0.000").normalized() == "0");
  CHECK(d("-0.0").normalized() == "0");
  CHECK(d("0.010").normalized() == "0.01");
}

TEST_CASE("uuid::v4() and v7() make RFC 9562 UUIDs; v7 ones increase strictly", "[types]") {
  const uuid a = uuid::v4();
  const uuid b = uuid::v4();
  CHECK(a != b);
  CHECK((a.octets()[6] >> 4) == 4);
  CHECK((a.octets()[8] >> 6) == 2);  // the variant 10
  // Many in one millisecond: the counter runs out and the time goes on, still in order.
  uuid previous = uuid::v7();
  CHECK((previous.octets()[6] >> 4) == 7);
  CHECK((previous.octets()[8] >> 6) == 2);
  bool increasing = true;
  for (int i = 0; i < 10000; ++i) {
    const uuid next = uuid::v7();
    increasing = increasing && previous < next;
    previous = next;
  }
  CHECK(increasing);
  // The first 48 bits are the Unix time in milliseconds (within a second of now, or ahead by
  // the milliseconds the counter ran out).
  std::uint64_t ms = 0;
  const uuid now = uuid::v7();
  for (int i = 0; i < 6; ++i) ms = ms << 8 | now.octets()[static_cast<std::size_t>(i)];
  const auto clock = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  CHECK(static_cast<std::int64_t>(ms) > clock - 1000);
  CHECK(static_cast<std::int64_t>(ms) < clock + 1000);
}
