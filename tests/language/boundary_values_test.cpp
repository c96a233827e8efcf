// Values at the edges, on each provider: order_by() and str indexes and slices at the int64
// limits (Python's answers), NUL characters in string parameters, NaN and infinite parameters,
// chains of queries passed as parameters, and a statement larger than MariaDB's
// max_allowed_packet.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>

using namespace session_test;

namespace {

constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

// A JSON-schema entity Person(name, score) with the given names, filled through a session.
class person_database {
 public:
  explicit person_database(const std::vector<std::string>& names, std::size_t pool_size = 8)
      : m_url{nextorm::testing::fresh_database_url("boundary_" + std::to_string(++counter()))} {
    db.schema().load_json_text(R"({"entities":[{"name":"Person","attrs":[
      {"name":"name","kind":"Req","type":"str"},
      {"name":"score","kind":"Req","type":"float"}]}]})");
    const auto parsed = driver::parse_url(m_url);
    db.impl().bind(parsed, pool_size);
    db.generate_mapping({.create_tables = true});
    auto connection = nextorm::testing::raw_connection(m_url);
    const auto& d = db.impl().dialect();
    double score = 1;
    for (const auto& name : names) {
      (void)connection->execute("INSERT INTO " + d.quote(db.schema().get("Person").table) + " (" +
                                    d.quote("name") + ", " + d.quote("score") + ") VALUES (" +
                                    d.placeholder(0) + ", " + d.placeholder(1) + ")",
                                std::vector<value>{value{name}, value{score++}});
    }
  }
  ~person_database() { nextorm::testing::discard_database(m_url); }
  person_database(const person_database&) = delete;
  person_database& operator=(const person_database&) = delete;

  // The first column of every row the query gives, as text, sorted.
  std::vector<std::string> texts(const std::string& query, params args = {}) {
    db_session session{db};
    std::vector<std::string> out;
    for (const row& r : select(query, std::move(args))) out.push_back(r[0].as_text());
    std::sort(out.begin(), out.end());
    return out;
  }

  database db;

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

using texts = std::vector<std::string>;

// Python's s[start:stop] on an ASCII string.
std::string py_slice(const std::string& s, std::optional<std::int64_t> start,
                     std::optional<std::int64_t> stop) {
  const auto n = static_cast<std::int64_t>(s.size());
  auto clamp = [&](std::optional<std::int64_t> b, std::int64_t absent) {
    if (!b) return absent;
    std::int64_t v = *b;
    if (v < 0) v = v < -n ? 0 : v + n;
    return std::min(v, n);
  };
  const std::int64_t a = clamp(start, 0);
  const std::int64_t b = clamp(stop, n);
  return a < b ? s.substr(static_cast<std::size_t>(a), static_cast<std::size_t>(b - a)) : "";
}

// Python's s[i], with '' where Python raises IndexError (NextORM's answer, as SQL's substr).
std::string py_index(const std::string& s, std::int64_t i) {
  const auto n = static_cast<std::int64_t>(s.size());
  if (i < -n || i >= n) return "";
  return std::string(1, s[static_cast<std::size_t>(i < 0 ? i + n : i)]);
}

std::string error_id(const std::function<void()>& f) {
  try {
    f();
  } catch (const nextorm::error& e) {
    return e.id();
  }
  return "no error";
}

}  // namespace

TEST_CASE("order_by positions at the int64 limits are out of range, not a crash", "[order_by]") {
  person_database t{{"Alice Smith"}};
  db_session session{t.db};
  for (const char* position :
       {"-9223372036854775808", "9223372036854775807", "-(-9223372036854775808)", "0", "2", "-2"}) {
    INFO(position);
    try {
      (void)select("p.name for p in Person").order_by(position).fetch();
      FAIL("no error");
    } catch (const query_error& e) {
      CHECK(e.id() == "unknown_name.column");
      CHECK(std::string{e.what()}.find("is out of range: the result has 1 column(s)") !=
            std::string::npos);
    }
  }
  CHECK(select("p.name for p in Person").order_by("-1").fetch().size() == 1);
}

TEST_CASE("constant str slices and indexes at the int64 limits answer as Python", "[slice]") {
  const std::string name = "Alice Smith";
  person_database t{{name}};
  struct bound {
    const char* text;
    std::optional<std::int64_t> v;
  };
  const bound bounds[] = {{"", std::nullopt},
                          {"-9223372036854775808", int64_min},
                          {"9223372036854775807", int64_max},
                          {"-9223372036854775807", int64_min + 1},
                          {"2147483647", 2147483647},
                          {"-2147483648", -2147483648LL},
                          {"-20", -20},
                          {"-3", -3},
                          {"0", 0},
                          {"3", 3},
                          {"11", 11},
                          {"20", 20}};
  for (const bound& a : bounds) {
    for (const bound& b : bounds) {
      const std::string query =
          "p.name[" + std::string{a.text} + ":" + b.text + "] for p in Person";
      INFO(query);
      CHECK(t.texts(query) == texts{py_slice(name, a.v, b.v)});
    }
    if (a.v) {
      const std::string query = "p.name[" + std::string{a.text} + "] for p in Person";
      INFO(query);
      CHECK(t.texts(query) == texts{py_index(name, *a.v)});
    }
  }
  // The reported case: a start past the end is the empty string, which matches no name.
  CHECK(t.texts("p.name for p in Person if p.name[9223372036854775807:] == 'Alice Smith'").empty());
  CHECK(t.texts("p.name[-(-9223372036854775808):] for p in Person") == texts{""});
}

TEST_CASE("str slices and indexes with parameter bounds at the int64 limits answer as Python",
          "[slice]") {
  const std::string name = "Alice Smith";
  person_database t{{name}};
  const std::int64_t values[] = {
      int64_min,  int64_min + 1, -2147483648LL, -20,      -12, -11, -3, -1, 0, 1, 3, 10, 11, 20,
      2147483646, 2147483647,    int64_max - 1, int64_max};
  for (std::int64_t a : values) {
    for (std::int64_t b : values) {
      INFO("a = " << a << ", b = " << b);
      CHECK(t.texts("p.name[a:b] for p in Person", {{"a", a}, {"b", b}}) ==
            texts{py_slice(name, a, b)});
    }
    INFO("a = " << a);
    CHECK(t.texts("p.name[a:] for p in Person", {{"a", a}}) == texts{py_slice(name, a, {})});
    CHECK(t.texts("p.name[:a] for p in Person", {{"a", a}}) == texts{py_slice(name, {}, a)});
    CHECK(t.texts("p.name[a] for p in Person", {{"a", a}}) == texts{py_index(name, a)});
  }
}

TEST_CASE("a NUL character in a str parameter matches only the strings that hold it", "[nul]") {
  const std::string with_nul{"nul\0here", 8};
  const bool postgres = nextorm::testing::current_provider() == "postgres";
  // PostgreSQL's text cannot hold a NUL: there, no row can, and the parameter is refused.
  std::vector<std::string> names{"Alice Smith", "nul", "here"};
  if (!postgres) names.push_back(with_nul);
  person_database t{names};
  struct probe {
    const char* condition;
    std::string x;
  };
  const probe probes[] = {
      {"x in p.name", std::string{"l\0h", 3}},
      {"x in p.name", std::string{"\0", 1}},
      {"p.name.startswith(x)", std::string{"nul\0", 4}},
      {"p.name.endswith(x)", std::string{"\0here", 5}},
      {"p.name == x", with_nul},
  };
  for (const probe& p : probes) {
    INFO(p.condition);
    const std::string query = "p.name for p in Person if " + std::string{p.condition};
    if (postgres) {
      CHECK(error_id([&] { (void)t.texts(query, {{"x", p.x}}); }) == "param.nul");
    } else {
      CHECK(t.texts(query, {{"x", p.x}}) == texts{with_nul});
      CHECK(t.texts("p.name for p in Person if not (" + std::string{p.condition} + ")",
                    {{"x", p.x}}) == texts{"Alice Smith", "here", "nul"});
    }
  }
  if (!postgres) {
    // A needle without a NUL still finds the string that has one after it.
    CHECK(t.texts("p.name for p in Person if x in p.name", {{"x", "here"}}) ==
          texts{"here", with_nul});
    CHECK(t.texts("p.name for p in Person if p.name.endswith(x)", {{"x", "ere"}}) ==
          texts{"here", with_nul});
  }
}

TEST_CASE("a NUL character in a str literal matches only the strings that hold it", "[nul]") {
  const std::string with_nul{"nul\0here", 8};
  const bool postgres = nextorm::testing::current_provider() == "postgres";
  std::vector<std::string> names{"Alice Smith", "nul", "here"};
  if (!postgres) names.push_back(with_nul);
  person_database t{names};
  // SQLite's LIKE would end the pattern at the NUL ('l' in s): its own functions compare whole.
  for (const char* condition : {R"('l\x00h' in p.name)", R"(p.name.startswith('nul\x00'))",
                                R"(p.name.endswith('\x00here'))"}) {
    INFO(condition);
    const std::string query = "p.name for p in Person if " + std::string{condition};
    if (postgres) {
      CHECK(error_id([&] { (void)t.texts(query); }) == "param.nul");
    } else {
      CHECK(t.texts(query) == texts{with_nul});
      CHECK(t.texts("p.name for p in Person if not (" + std::string{condition} + ")") ==
            texts{"Alice Smith", "here", "nul"});
    }
  }
}

TEST_CASE("a NaN parameter is refused on every provider, an infinity where it cannot be stored",
          "[float]") {
  person_database t{{"a", "b"}};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const char* condition : {"p.score == x", "p.score < x", "p.score != x"}) {
    INFO(condition);
    CHECK(error_id([&] {
            (void)t.texts("p.name for p in Person if " + std::string{condition}, {{"x", nan}});
          }) == "param.nan");
  }
  CHECK(error_id([&] {
          (void)t.texts("p.name for p in Person if p.score in xs",
                        {{"xs", std::vector<param_value>{1.0, nan}}});
        }) == "param.nan");
  if (nextorm::testing::current_provider() == "mariadb") {
    CHECK(error_id([&] {
            (void)t.texts("p.name for p in Person if p.score < x", {{"x", inf}});
          }) == "param.infinity");
    CHECK(error_id([&] {
            (void)t.texts("p.name for p in Person if p.score > x", {{"x", -inf}});
          }) == "param.infinity");
  } else {
    CHECK(t.texts("p.name for p in Person if p.score < x", {{"x", inf}}) == texts{"a", "b"});
    CHECK(t.texts("p.name for p in Person if p.score < x", {{"x", -inf}}).empty());
  }
}

TEST_CASE("queries passed as parameters nest up to 100 deep, quickly, and no deeper",
          "[query_source]") {
  person_database t{{"a", "b"}};
  db_session session{t.db};
  auto started = std::chrono::steady_clock::now();
  query<row> q = select("p for p in Person if p.score > s", {{"s", 1.5}});
  std::size_t depth = 1;
  for (; depth < 100; ++depth) q = select("p for p in q", {{"q", q}});
  CHECK(q.fetch().size() == 1);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{10});
  try {
    (void)select("p for p in q", {{"q", q}});
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(e.id() == "param.too_deep");
    CHECK(std::string{e.what()}.find("more than 100 levels deep") != std::string::npos);
  }
}

// Found by tests/fuzz (fuzz_compile): only a query passed as a parameter was checked, so a
// sequence 10,000 deep reached the plan cache's recursive walks (and a stack overflow).
TEST_CASE("sequences in sequences nest about 100 deep in any query's parameters, no deeper",
          "[query_source]") {
  person_database t{{"a", "b"}};
  db_session session{t.db};
  auto nest = [](std::size_t depth) {
    param_value v{1};
    for (std::size_t i = 0; i < depth; ++i) {
      std::vector<param_value> level;
      level.push_back(std::move(v));
      v = param_value{std::move(level)};
    }
    return v;
  };
  CHECK_NOTHROW((void)select("p for p in Person", {{"xs", nest(99)}}));
  for (std::size_t depth : {101, 300}) {
    try {
      (void)select("p for p in Person", {{"xs", nest(depth)}});
      FAIL("no error");
    } catch (const usage_error& e) {
      CHECK(e.id() == "param.too_deep");
    }
  }
  const auto q = select("p for p in Person");
  CHECK_THROWS_AS((void)q.filter("lambda p: p.score > 0", {{"xs", nest(101)}}), usage_error);
}

TEST_CASE("a statement larger than max_allowed_packet loses only its own connection", "[mariadb]") {
  if (nextorm::testing::current_provider() != "mariadb") return;
  // The server's limit is 16 MiB by default; just above it the server answers 1153 and hangs
  // up, far above it the client finds the connection gone while it still writes.
  for (std::size_t size : {std::size_t{16} * 1024 * 1024 + 1024, std::size_t{40} * 1024 * 1024}) {
    INFO("size " << size);
    person_database t{{"a"}, 1};  // one connection: the next session would get it back
    const std::string huge(size, 'x');
    auto fetch_huge = [&] {
      (void)select("p for p in Person if p.name == x", {{"x", huge}}).fetch();
    };
    // The error leaves the session, which rolls back.
    CHECK_THROWS_AS(([&] {
                      db_session session{t.db};
                      fetch_huge();
                    }()),
                    nextorm::database_error);
    CHECK(t.texts("p.name for p in Person") == texts{"a"});
    // The error is caught inside the session: its end cannot commit, and says so.
    try {
      db_session session{t.db};
      CHECK_THROWS_AS(fetch_huge(), nextorm::database_error);
    } catch (const nextorm::connection_lost& e) {
      CHECK(e.id() == "mariadb.connection_lost");
    }
    CHECK(t.texts("p.name for p in Person") == texts{"a"});
    CHECK(t.texts("p.name for p in Person") == texts{"a"});
  }
}

// Python's s.strip(chars) / lstrip / rstrip on ASCII: any of the characters, from the ends.
namespace {
std::string py_strip(const std::string& s, const std::string& chars, int side) {
  std::size_t begin = 0;
  std::size_t end = s.size();
  if (side != 2) {
    while (begin < end && chars.find(s[begin]) != std::string::npos) ++begin;
  }
  if (side != 1) {
    while (end > begin && chars.find(s[end - 1]) != std::string::npos) --end;
  }
  return s.substr(begin, end - begin);
}
}  // namespace

TEST_CASE("strip(chars) removes a set of characters as Python does, whatever they are", "[strip]") {
  const std::vector<std::string> names = {"Ann", "eAnne", "]x-y^[", "a\\Eb\\E", "xx\n",
                                          "AaA", "--a--", "q.*q",   "Q\\QE",    ""};
  person_database people{names};
  // Regular-expression and quoting characters, a set given as one string, case, a newline.
  const std::vector<std::string> sets = {"Ae", "]-^[", "\\E", "x", "a", "-", ".*", "\\Q", "Eq"};
  for (const std::string& chars : sets) {
    for (int side = 0; side < 3; ++side) {
      const char* method = side == 0 ? "strip" : side == 1 ? "lstrip" : "rstrip";
      CAPTURE(chars, method);
      texts expected;
      for (const auto& n : names) expected.push_back(py_strip(n, chars, side));
      std::sort(expected.begin(), expected.end());
      const std::string query = std::string{"(p.name."} + method + "(c), p.id) for p in Person";
      texts got;
      {
        db_session session{people.db};
        for (const row& r : select(query, {{"c", chars}})) got.push_back(r[0].as_text());
      }
      std::sort(got.begin(), got.end());
      CHECK(got == expected);
    }
  }
  // An empty set strips nothing; a constant set is the same as a parameter.
  CHECK(people.texts("p.name.strip('') for p in Person if p.name == 'eAnne'") == texts{"eAnne"});
  CHECK(people.texts("p.name.strip('Ae') for p in Person if p.name == 'eAnne'") == texts{"nn"});
}
