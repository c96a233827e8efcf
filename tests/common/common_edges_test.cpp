// Edges of the common helpers that the main common test leaves out: carets after tabs, windows
// that must not cut a UTF-8 character, ties between suggestions, Python's float spellings.
#include <nextorm/errors.hpp>
#include <nextorm/types.hpp>
#include <nextorm/value.hpp>

#include "common/suggest.hpp"
#include "common/unreachable.hpp"
#include "common/utf8.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <limits>
#include <string>

using namespace nextorm;

namespace {

std::string repeat(const std::string& piece, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += piece;
  return out;
}

}  // namespace

TEST_CASE("a tab before the span stays a tab in the caret line", "[errors]") {
  const query_error e{error_category::unknown_name, "unknown_name.attribute", "no attribute 'zz'",
                      "p.a\tp.zz", source_span{4, 8}};
  CHECK(e.column() == 5);
  CHECK(std::string{e.what()} ==
        "unknown_name.attribute: no attribute 'zz' (line 1, column 5)\n"
        "  p.a\tp.zz\n"
        "     \t^~~~");
}

TEST_CASE("the window around an error on a long line never cuts a UTF-8 character", "[errors]") {
  // 300 two-byte characters, " + ", 300 more: the window's left edge (60 bytes before the '+')
  // falls inside a character and moves back to its first byte.
  const std::string e_acute = "\xC3\xA9";
  const std::string text = repeat(e_acute, 300) + " + " + repeat(e_acute, 300);
  const query_error e{error_category::syntax, "syntax.x", "bad", text, source_span{601, 602}};
  CHECK(e.column() == 302);
  CHECK(std::string{e.what()}.ends_with("\n  ..." + repeat(e_acute, 30) + " + " +
                                        repeat(e_acute, 29) + "...\n" +
                                        std::string(2 + 3 + 31, ' ') + "^"));
}

TEST_CASE("the window's left edge stops at the line's start when it is all continuation bytes",
          "[errors]") {
  // Ill-formed UTF-8: 200 continuation bytes, no character start before the span on its line.
  const std::string line(200, '\x80');
  const query_error first{error_category::syntax, "syntax.x", "bad", line, source_span{150, 152}};
  CHECK(first.column() == 1);
  CHECK(std::string{first.what()} == "syntax.x: bad (line 1, column 1)\n  " + line + "\n  ^");
  // On a second line the window neither starts on the newline nor claims a cut with "...".
  const query_error second{error_category::syntax, "syntax.x", "bad", "ab\n" + line,
                           source_span{153, 155}};
  CHECK(second.line() == 2);
  CHECK(std::string{second.what()} == "syntax.x: bad (line 2, column 1)\n  " + line + "\n  ^");
}

TEST_CASE("an empty span at the start of a line has a lone caret", "[errors]") {
  const query_error e{error_category::syntax, "syntax.x", "bad", "a\n\nb", source_span{2, 2}};
  CHECK(e.line() == 2);
  CHECK(e.column() == 1);
  CHECK(std::string{e.what()} == "syntax.x: bad (line 2, column 1)\n  \n  ^");
}

TEST_CASE("nearest breaks ties in favour of the earlier candidate", "[suggest]") {
  // "prce" is one edit from both "price" and "pace".
  CHECK(nearest("prce", {"price", "pace"}) == "price");
  CHECK(nearest("prce", {"pace", "price"}) == "pace");
  // A closer candidate later in the list still wins.
  CHECK(nearest("prices", {"priced", "prices"}) == "prices");
  CHECK(did_you_mean("NAME", {"nam", "name"}) == "; did you mean 'name'?");
}

TEST_CASE("edit distance of a name to itself with a swap at the end is one", "[suggest]") {
  CHECK(edit_distance("ab", "ba") == 1);
  CHECK(edit_distance("abc", "acb") == 1);
  CHECK(edit_distance("abc", "") == 3);
}

TEST_CASE("append_utf8 encodes one to four bytes", "[utf8]") {
  std::string out;
  append_utf8(out, 0x41);
  CHECK(out == "A");
  out.clear();
  append_utf8(out, 0xE9);
  CHECK(out == "\xC3\xA9");
  out.clear();
  append_utf8(out, 0x20AC);
  CHECK(out == "\xE2\x82\xAC");
  out.clear();
  append_utf8(out, 0x1F600);
  CHECK(out == "\xF0\x9F\x98\x80");
  out.clear();
  append_utf8(out, 0x7FF);
  append_utf8(out, 0xFFFF);
  CHECK(out == "\xDF\xBF\xEF\xBF\xBF");
}

TEST_CASE("floats print like Python's repr, exponents and infinities included", "[value]") {
  CHECK(value{1e300}.repr() == "1e+300");
  CHECK(value{-0.0}.repr() == "-0.0");
  CHECK(value{std::numeric_limits<double>::infinity()}.repr() == "inf");
  CHECK(value{-std::numeric_limits<double>::infinity()}.repr() == "-inf");
  CHECK(value{std::numeric_limits<double>::quiet_NaN()}.repr() == "nan");
  CHECK(value{std::int64_t{-5}}.repr() == "-5");
}

TEST_CASE("booleans and strings print like Python's repr", "[value]") {
  CHECK(value{false}.repr() == "False");
  CHECK(value{true}.repr() == "True");
  // A backslash is escaped like a quote: 'C:\\dir'.
  CHECK(value{"C:\\dir"}.repr() == "'C:\\\\dir'");
  CHECK(value{""}.repr() == "''");
}

TEST_CASE("text-carried values print as quoted text and compare by type", "[value]") {
  const value amount = value::typed(value_type::decimal, "1.50");
  CHECK(amount.repr() == "'1.50'");
  CHECK(amount.as_text() == "1.50");
  CHECK_THROWS_WITH(amount.as_real(), "value.wrong_type: value of type decimal used as float");
  CHECK_THROWS_WITH(value{}.as_int(), "value.wrong_type: value of type None used as int");
  CHECK_THROWS_WITH(value{2.5}.as_text(), "value.wrong_type: value of type float used as str");
  CHECK_THROWS_WITH(value{"x"}.as_bool(), "value.wrong_type: value of type str used as bool");
}

TEST_CASE("hashes follow equality across every kind of value", "[value]") {
  CHECK(value{}.hash() == value{nullptr}.hash());
  CHECK(value{2.5}.hash() == value{2.5}.hash());
  CHECK(value{true}.hash() == value{true}.hash());
  CHECK(value{true}.hash() != value{false}.hash());
  // The same text under another type is another value, with another hash.
  CHECK(value::typed(value_type::date, "2020-01-31").hash() != value{"2020-01-31"}.hash());
  value_hash h;
  CHECK(h(value{7}) == value{7}.hash());
}

namespace {

// The id of the usage_error that parsing `text` throws, or "parsed".
template <class F>
std::string refusal(F&& parse, const char* text) {
  try {
    (void)parse(text);
  } catch (const usage_error& e) {
    return e.id();
  }
  return "parsed";
}

}  // namespace

TEST_CASE("a time is refused when any part of HH:MM:SS[.ffffff] is missing or out of range",
          "[types]") {
  auto time = [](const char* t) { return time_from_text(t); };
  for (const char* bad : {"1000:00:00", "10-00:00", "10:0:00", "10:00-00", "10:00:0", "10:00:60",
                          "10:00:00,5", "-", "-1:00:00"}) {
    INFO(bad);
    CHECK(refusal(time, bad) == "value.bad_time");
  }
  CHECK(to_text(time_from_text("10:00:00.25")) == "10:00:00.25");
  CHECK(to_text(time_from_text("-01:02:03")) == "-01:02:03");
}

TEST_CASE("a date or datetime is refused unless every separator and field is in place", "[types]") {
  auto date = [](const char* t) { return date_from_text(t); };
  auto datetime = [](const char* t) { return datetime_from_text(t); };
  for (const char* bad : {"2020/01/31", "2020-01/31", "2020-01-3", "202a-01-31", ""}) {
    INFO(bad);
    CHECK(refusal(date, bad) == "value.bad_date");
  }
  for (const char* bad : {"2020-01-31X10:00:00", "2020-01-31 ", "2020-13-01 10:00:00"}) {
    INFO(bad);
    CHECK(refusal(datetime, bad) == "value.bad_datetime");
  }
  CHECK(to_text(datetime_from_text("2020-01-31 23:59:59.999999")) == "2020-01-31 23:59:59.999999");
}

TEST_CASE("a decimal's exponent moves the point within bounds", "[types]") {
  CHECK(decimal{"1e+2"}.text() == "100");
  CHECK(decimal{"1.25e1"}.text() == "12.5");
  CHECK(decimal{"12e-5"}.text() == "0.00012");
  CHECK(decimal{"1e1000"}.text().size() == 1001);
  auto parse = [](const char* t) { return decimal{t}; };
  for (const char* bad : {"1e1001", "1e-1001", "1e2x", "1e++2", "."}) {
    INFO(bad);
    CHECK(refusal(parse, bad) == "decimal.invalid");
  }
}

TEST_CASE("a uuid is refused for any character that is not a hex digit", "[types]") {
  auto parse = [](const char* t) { return uuid{t}; };
  for (const char* bad :
       {"!0eebc999c0b4ef8bb6d6bb9bd380a11", "a!eebc999c0b4ef8bb6d6bb9bd380a11",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1G", "a0eebc99-9c0b-4ef8-bb6d06bb9bd380a11"}) {
    INFO(bad);
    CHECK(refusal(parse, bad) == "uuid.invalid");
  }
  CHECK(uuid{"A0EEBC999C0B4EF8BB6D6BB9BD380A11"}.text() == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
}

TEST_CASE("reaching unreachable code names the place on stderr and aborts", "[unreachable]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], STDERR_FILENO);
    std::signal(SIGABRT, SIG_DFL);  // not Catch2's handler: the child must really abort
    detail::unreachable("the test");
  }
  ::close(fds[1]);
  std::string text;
  char buffer[256];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGABRT);
  CHECK(text == "nextorm: internal error: unreachable code reached in the test\n");
}

TEST_CASE("a tuple value (a composite key) compares, hashes and prints by its items", "[value]") {
  using nextorm::value;
  const value a = value::tuple({1, "x"});
  const value same = value::tuple({value{1}, value{"x"}});
  CHECK(a.type() == nextorm::value_type::tuple);
  CHECK(nextorm::type_name(a.type()) == "tuple");
  CHECK(a == same);
  CHECK(a.hash() == same.hash());
  CHECK_FALSE(a == value::tuple({1, "y"}));
  CHECK_FALSE(a == value::tuple({1, "x", 2}));
  CHECK_FALSE(a == value{1});
  CHECK(a.repr() == "(1, 'x')");
  CHECK(value::tuple({7}).repr() == "(7,)");  // Python's one-item tuple
  CHECK(value::tuple({}).repr() == "()");
  REQUIRE(a.as_tuple().size() == 2);
  CHECK(a.as_tuple()[1] == value{"x"});
  CHECK_THROWS_WITH(value{1}.as_tuple(), "value.wrong_type: value of type int used as tuple");
  CHECK_THROWS_WITH(a.as_text(), "value.wrong_type: value of type tuple used as str");
  // Copies share the items: a copy stays equal after the original is gone.
  value copy;
  {
    const value original = value::tuple({value::tuple({1, 2}), nullptr});
    copy = original;
  }
  CHECK(copy.repr() == "((1, 2), None)");
}
