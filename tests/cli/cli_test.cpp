// `nextorm query` end to end against the provider's database (NEXTORM_PROVIDER): outputs,
// terminals, parameters, errors. Cases tagged [sqlite] check SQLite's own SQL text, files or
// errors; meson runs them on SQLite only.
#include "cli_fixture.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

using cli_test::fixture;
using cli_test::outcome;

namespace {

// `nextorm query --db <fixture> --schema <fixture> ARGS...`
outcome query(const fixture& f, std::vector<std::string> args) {
  std::vector<std::string> all{"query", "--db", f.url(), "--schema", f.schema()};
  all.insert(all.end(), args.begin(), args.end());
  return cli_test::run(all);
}

// The output of a successful run; a failure shows its stderr.
std::string ok(const outcome& r) {
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  return r.out;
}

}  // namespace

TEST_CASE("a fetch prints a table by default and columns plus rows in JSON") {
  fixture f;
  CHECK(ok(query(f, {"s for s in Student"})) == "s\n-\n1\n2\n3\n4\n");
  CHECK(ok(query(f, {"(s.name, s.gpa, s.group) for s in Student"})) ==
        "s.name|s.gpa|s.group\n"
        "------+-----+-------\n"
        "Ann   |3.9  |101\n"
        "Bob   |3.1  |101\n"
        "Cid   |None |102\n"
        "Dée   |3.5  |None\n");
  CHECK(ok(query(f, {"--format", "json", "(s.name, s.gpa, s.group) for s in Student"})) ==
        R"({"columns":["s.name","s.gpa","s.group"],"rows":[["Ann",3.9,101],["Bob",3.1,101],)"
        R"(["Cid",null,102],["Dée",3.5,null]]})"
        "\n");
  CHECK(ok(query(f, {"--format=json", "s for s in Student if s.gpa > 5"})) ==
        "{\"columns\":[\"s\"],\"rows\":[]}\n");
}

TEST_CASE("an object with a composite key prints as its key: a list in JSON, a tuple in a table") {
  fixture f;
  CHECK(ok(query(f, {"--format", "json", "e for e in Enrollment"})) ==
        R"({"columns":["e"],"rows":[[[1,"CS101"]]]})"
        "\n");
  CHECK(ok(query(f, {"(e, e.grade) for e in Enrollment"})) ==
        "e         |e.grade\n"
        "----------+-------\n"
        "(1, CS101)|5\n");
  // A left join's missing object is None.
  CHECK(ok(query(f, {"--format", "json", "--order-by", "s.name",
                     "left_join((s.name, e) for s in Student for e in s.enrollments)"})) ==
        R"({"columns":["s.name","e"],"rows":[["Ann",[1,"CS101"]],["Bob",null],)"
        R"(["Cid",null],["Dée",null]]})"
        "\n");
}

TEST_CASE("an object with a composite key is a parameter by the list it prints as") {
  fixture f;
  const std::string enrollment = R"({"e": {"$entity": ["Enrollment", [1, "CS101"]]}})";
  CHECK(ok(query(f, {"--format", "json", "--params", enrollment,
                     "x.grade for x in Enrollment if x == e"})) ==
        R"({"columns":["x.grade"],"rows":[[5]]})"
        "\n");
  CHECK(ok(query(f, {"--format", "json", "--params",
                     R"({"e": {"$entity": ["Enrollment", [2, "CS101"]]}})",
                     "s.name for s in Student if e in s.enrollments"})) ==
        R"({"columns":["s.name"],"rows":[]})"
        "\n");
  CHECK(ok(query(f, {"--format", "json", "--params", enrollment,
                     "s.name for s in Student if e in s.enrollments"})) ==
        R"({"columns":["s.name"],"rows":[["Ann"]]})"
        "\n");
}

TEST_CASE("typed columns print as ISO text, exact decimals and hex bytes") {
  fixture f;
  const std::string q =
      "(s.born, s.seen, s.wakes, s.fee, s.photo, s.token) for s in Student "
      "if s.id == 1";
  CHECK(ok(query(f, {"--format", "json", q})) ==
        R"({"columns":["s.born","s.seen","s.wakes","s.fee","s.photo","s.token"],"rows":[[)"
        R"("2000-01-31","2020-05-01 08:30:00","07:15:00","12.50","00ff",)"
        R"("123e4567-e89b-12d3-a456-426614174000"]]})"
        "\n");
  CHECK(
      ok(query(f, {q})) ==
      "s.born    |s.seen             |s.wakes |s.fee|s.photo|s.token\n"
      "----------+-------------------+--------+-----+-------+------------------------------------\n"
      "2000-01-31|2020-05-01 08:30:00|07:15:00|12.50|00ff   "
      "|123e4567-e89b-12d3-a456-426614174000\n");
}

TEST_CASE("query methods apply in the order given") {
  fixture f;
  CHECK(ok(query(f, {"--format", "json", "(s.name, s.gpa) for s in Student", "--filter",
                     "lambda name, gpa: gpa is not None", "--order-by", "-2,1"})) ==
        R"({"columns":["s.name","s.gpa"],"rows":[["Ann",3.9],["Dée",3.5],["Bob",3.1]]})"
        "\n");
  CHECK(ok(query(f, {"--format", "json", "s.name for s in Student", "--where", "s.id > 1",
                     "--order-by", "desc(s.name)"})) ==
        R"({"columns":["s.name"],"rows":[["Dée"],["Cid"],["Bob"]]})"
        "\n");
  // Entities in a result never come from a NULL reference (PonyORM joins them).
  CHECK(ok(query(f, {"--format", "json", "s.group for s in Student", "--without-distinct",
                     "--order-by", "1"})) == R"({"columns":["s.group"],"rows":[[101],[101],[102]]})"
                                             "\n");
  CHECK(ok(query(f, {"--format", "json", "s.group for s in Student", "--without-distinct",
                     "--distinct", "--order-by", "1"})) ==
        R"({"columns":["s.group"],"rows":[[101],[102]]})"
        "\n");
}

TEST_CASE("--limit and --page return slices of the fetch") {
  fixture f;
  CHECK(ok(query(f, {"--format", "json", "s for s in Student", "--order-by", "s.id", "--limit",
                     "2,1"})) == "{\"columns\":[\"s\"],\"rows\":[[2],[3]]}\n");
  CHECK(ok(query(f, {"--format", "json", "s for s in Student", "--order-by", "s.id", "--limit",
                     "3"})) == "{\"columns\":[\"s\"],\"rows\":[[1],[2],[3]]}\n");
  CHECK(ok(query(f, {"--format", "json", "s for s in Student", "--order-by", "s.id", "--page",
                     "2,3"})) == "{\"columns\":[\"s\"],\"rows\":[[4]]}\n");
  CHECK(ok(query(f, {"s for s in Student", "--order-by", "s.id", "--page", "1"})) ==
        "s\n-\n1\n2\n3\n4\n");
}

TEST_CASE("single-value terminals print {\"value\": ...} or the bare value") {
  fixture f;
  struct expectation {
    std::string query;
    std::string option;
    std::string json;
    std::string table;
  };
  const expectation cases[] = {
      {"s for s in Student", "--count", "4", "4"},
      {"s.group for s in Student", "--count", "2", "2"},
      {"s.group for s in Student", "--count-distinct", "2", "2"},
      {"s.gpa for s in Student", "--sum", "10.5", "10.5"},
      {"s.gpa for s in Student if s.id > 9", "--sum", "0.0", "0.0"},
      {"s.gpa for s in Student", "--avg", "3.5", "3.5"},
      {"s.gpa for s in Student if s.id > 9", "--avg", "null", "None"},
      {"s.fee for s in Student", "--min", "\"0.10\"", "0.10"},
      {"s.name for s in Student", "--max", "\"Dée\"", "Dée"},
      {"s for s in Student if s.gpa > 3.8", "--exists", "true", "True"},
      {"s for s in Student if s.gpa > 5", "--exists", "false", "False"},
      {"s for s in Student", "--first", "1", "s\n-\n1"},
      {"(s.name, s.gpa) for s in Student", "--first", "[\"Ann\",3.9]",
       "s.name|s.gpa\n------+-----\nAnn   |3.9"},
      {"s.name for s in Student if s.gpa > 5", "--first", "null", "None"},
      {"s for s in Student if s.name == 'Bob'", "--get", "2", "s\n-\n2"},
      {"s for s in Student if s.name == 'Zed'", "--get", "null", "None"},
  };
  for (const auto& c : cases) {
    INFO(c.query << " " << c.option);
    CHECK(ok(query(f, {"--format", "json", c.query, c.option})) == "{\"value\":" + c.json + "}\n");
    CHECK(ok(query(f, {c.query, c.option})) == c.table + "\n");
  }
}

TEST_CASE("--sum-distinct and --avg-distinct aggregate distinct values") {
  fixture f;
  // As in PonyORM, an aggregate ignores the query's own DISTINCT.
  CHECK(ok(query(f, {"s.group.number for s in Student", "--sum"})) == "304\n");
  CHECK(ok(query(f, {"s.group.number for s in Student", "--sum-distinct"})) == "203\n");
  CHECK(ok(query(f, {"s.group.number for s in Student", "--avg-distinct"})) == "101.5\n");
}

TEST_CASE("decimal sums and averages print exact digits on every provider") {
  fixture f;
  // 12.50 + 7.00 + 0.10, which SQLite's own SUM would add as doubles.
  CHECK(ok(query(f, {"sum(s.fee) for s in Student"})) == "sum(s.fee)\n----------\n19.60\n");
  CHECK(ok(query(f, {"s.fee for s in Student", "--sum"})) == "19.60\n");
  CHECK(ok(query(f, {"--format", "json", "s.fee for s in Student", "--sum"})) ==
        "{\"value\":\"19.60\"}\n");
  CHECK(ok(query(f, {"s.fee for s in Student if s.id > 9", "--avg"})) == "None\n");
  // A grouped result column. (A group of no fees sums to 0, 0.00 on MariaDB, whose coalesce
  // keeps the column's type.)
  CHECK(ok(query(f, {"(s.group.number, sum(s.fee)) for s in Student if s.group.number == 101"})) ==
        "s.group.number|sum(s.fee)\n"
        "--------------+----------\n"
        "101           |19.50\n");
}

TEST_CASE("--delete removes the selected objects and prints how many") {
  fixture f;
  CHECK(ok(query(f, {"s for s in Student if s.gpa < 3.6", "--delete"})) == "2\n");
  CHECK(ok(query(f, {"s.name for s in Student", "--order-by", "s.id", "--group-concat"})) ==
        "Ann,Cid\n");
  CHECK(ok(query(f, {"--format", "json", "s for s in Student if s.gpa < 3.6", "--delete"})) ==
        "{\"value\":0}\n");
}

TEST_CASE("--sql prints the SQL with the parameters as placeholders", "[sqlite]") {
  fixture f;
  CHECK(ok(query(f, {"--sql", "s.name for s in Student if s.gpa > g", "--params", R"({"g": 3})",
                     "--order-by", "s.name"})) ==
        "SELECT DISTINCT \"s\".\"name\" FROM \"Student\" \"s\" WHERE \"s\".\"gpa\" > ? "
        "ORDER BY \"s\".\"name\"\n");
}

TEST_CASE("--params passes plain and typed values to the query's free names") {
  fixture f;
  auto names = [&](const std::string& q, const std::string& params) {
    return ok(query(f, {"--format", "json", "--params", params, q, "--order-by", "1"}));
  };
  auto rows = [](const std::string& inner) {
    return "{\"columns\":[\"s.name\"],\"rows\":[" + inner + "]}\n";
  };
  CHECK(names("s.name for s in Student if s.gpa > g and s.name != n",
              R"({"g": 3.2, "n": "Dée"})") == rows(R"(["Ann"])"));
  CHECK(names("s.name for s in Student if s.id in ids", R"({"ids": [1, 3]})") ==
        rows(R"(["Ann"],["Cid"])"));
  CHECK(names("s.name for s in Student if s.id in ids", R"({"ids": {"$tuple": [2, 4]}})") ==
        rows(R"(["Bob"],["Dée"])"));
  CHECK(names("s.name for s in Student if s.born < d", R"({"d": {"$date": "2000-06-01"}})") ==
        rows(R"(["Ann"],["Dée"])"));
  CHECK(names("s.name for s in Student if s.seen > t",
              R"({"t": {"$datetime": "2020-05-01T12:00:00"}})") == rows(R"(["Bob"])"));
  CHECK(names("s.name for s in Student if s.wakes < t", R"({"t": {"$time": "07:00:00"}})") ==
        rows(R"(["Bob"])"));
  CHECK(names("s.name for s in Student if s.fee == x", R"({"x": {"$decimal": "7.00"}})") ==
        rows(R"(["Bob"])"));
  CHECK(names("s.name for s in Student if s.photo == b", R"({"b": {"$bytes": "00ff"}})") ==
        rows(R"(["Ann"])"));
  CHECK(names("s.name for s in Student if s.token == u",
              R"({"u": {"$uuid": "123e4567-e89b-12d3-a456-426614174000"}})") == rows(R"(["Ann"])"));
  CHECK(names("s.name for s in Student if s.group == g", R"({"g": {"$entity": ["Group", 102]}})") ==
        rows(R"(["Cid"])"));
  CHECK(names("s.name for s in Student if s.gpa is None or s.gpa == g", R"({"g": null})") ==
        rows(R"(["Cid"])"));
  CHECK(names("s.name for s in Student if (s.gpa > 3.4) == b", R"({"b": true})") ==
        rows(R"(["Ann"],["Dée"])"));
}

TEST_CASE("--params passes a query as a parameter with $query", "[sqlite]") {
  fixture f;
  auto json = [&](const std::string& q, const std::string& params) {
    return ok(query(f, {"--format", "json", "--params", params, q, "--order-by", "1"}));
  };
  CHECK(json("s.name for s in q if s.name != 'Ann'",
             R"({"q": {"$query": "s for s in Student if s.gpa > 3.4"}})") ==
        "{\"columns\":[\"s.name\"],\"rows\":[[\"Dée\"]]}\n");
  CHECK(
      json(
          "s.name for s in q",
          R"({"q": {"$query": {"text": "s for s in Student if s.gpa > g", "params": {"g": 3.4}}}})") ==
      "{\"columns\":[\"s.name\"],\"rows\":[[\"Ann\"],[\"Dée\"]]}\n");
  // The inner query's errors point into its own text.
  const auto bad =
      query(f, {"--params", R"({"q": {"$query": "s for s in Studnet"}})", "s.name for s in q"});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("Student") != std::string::npos);
}

TEST_CASE("a failing query exits 1 with what() on stderr, or a JSON error") {
  fixture f;
  auto r = query(f, {"s for s in Student if s.gpa >"});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "syntax.expected_expression: expected an expression after '>' (line 1, column 30)\n"
        "  s for s in Student if s.gpa >\n"
        "                               ^\n");
  r = query(f, {"--format", "json", "s for s in Student if s.gpa >"});
  CHECK(r.code == 1);
  CHECK(r.err == R"({"error":{"id":"syntax.expected_expression","category":"syntax",)"
                 R"("message":"expected an expression after '>'","line":1,"column":30}})"
                 "\n");
  r = query(f, {"--format", "json", "s for s in Student if s.gpaa > 1"});
  CHECK(r.code == 1);
  CHECK(r.err == R"({"error":{"id":"unknown_name.attribute","category":"unknown name",)"
                 R"("message":"entity Student has no attribute 'gpaa'; did you mean 'gpa'?",)"
                 R"("line":1,"column":25}})"
                 "\n");
  r = query(f, {"--format", "json", "s.gpa for s in Student", "--get"});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == R"({"error":{"id":"lookup.multiple_found","category":"multiple found",)"
                 R"("message":"get() found more than one row for query 's.gpa for s in Student'"}})"
                 "\n");
}

TEST_CASE("a missing database or schema file is an error, and no file is created", "[sqlite]") {
  fixture f;
  const std::string missing = f.dir() + "/nope.db";
  auto r = cli_test::run(
      {"query", "--db", "sqlite:" + missing, "--schema", f.schema(), "s for s in Student"});
  CHECK(r.code == 1);
  CHECK(r.err == "cli.no_database: there is no SQLite database file '" + missing +
                     "' (nextorm query does not create databases)\n");
  CHECK_FALSE(std::filesystem::exists(missing));
  r = cli_test::run({"query", "--db", f.url(), "--schema", f.dir() + "/nope.json", "--format",
                     "json", "s for s in Student"});
  CHECK(r.code == 1);
  CHECK(r.err == R"({"error":{"id":"schema.file","category":"schema","message":)"
                 R"("cannot read the schema file ')" +
                     f.dir() + "/nope.json'\"}}\n");
  // SQLite URIs are passed on unchecked: mode=ro refuses to create the file itself.
  r = cli_test::run({"query", "--db", "sqlite:file:" + f.db_path() + "?mode=ro", "--schema",
                     f.schema(), "--count", "s for s in Student"});
  CHECK(r.err == "");
  CHECK(r.out == "4\n");
  r = cli_test::run(
      {"query", "--db", "sqlite::memory:", "--schema", f.schema(), "s for s in Student"});
  CHECK(r.code == 1);  // an empty in-memory database has no tables
  // Other providers are not checked for files: the connection itself fails.
  r = cli_test::run({"query", "--db", "postgresql://nobody@127.0.0.1:1/x", "--schema", f.schema(),
                     "--format", "json", "s for s in Student"});
  CHECK(r.code == 1);
  CHECK(r.err.find(R"("category":"connection")") != std::string::npos);
  r = cli_test::run({"query", "--db", "oracle://x", "--schema", f.schema(), "q"});
  CHECK(r.code == 1);
  CHECK(r.err ==
        "url.provider: unknown database provider 'oracle' in connection URL; expected sqlite, "
        "postgresql or mariadb\n");
}

TEST_CASE("bad --params exit 2 with the parameter named") {
  fixture f;
  auto r = query(
      f, {"--params", R"({"g": {"$entity": ["Grup", 1]}})", "s for s in Student if s.group == g"});
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "nextorm query: --params: 'g': unknown entity 'Grup' in $entity; did you mean 'Group'?\n"
        "Run 'nextorm query --help' for usage.\n");
}

TEST_CASE("the built executable passes argv through and returns the exit code") {
  const char* exe = std::getenv("NEXTORM_CLI");
  REQUIRE(exe != nullptr);
  fixture f;
  auto shell = [](const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 256> buffer{};
    while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
    const int status = ::pclose(pipe);
    return std::pair{WEXITSTATUS(status), out};
  };
  auto [code, out] = shell(std::string{exe} + " query --db '" + f.url() + "' --schema '" +
                           f.schema() + "' --count 's for s in Student' 2>&1");
  CHECK(code == 0);
  CHECK(out == "4\n");
  std::tie(code, out) = shell(std::string{exe} + " query --fitler 2>&1");
  CHECK(code == 2);
  CHECK(out.starts_with("nextorm query: unknown option '--fitler'; did you mean '--filter'?\n"));
}

TEST_CASE("--sort-by orders like --order-by") {
  fixture f;
  CHECK(ok(query(f, {"--format", "json", "s.name for s in Student", "--sort-by",
                     "desc(s.name)"})) == R"({"columns":["s.name"],"rows":[["Dée"],["Cid"],)"
                                          R"(["Bob"],["Ann"]]})"
                                          "\n");
}

TEST_CASE("--left-join writes a LEFT JOIN", "[sqlite]") {
  fixture f;
  const std::string q = "(g.number, s.name) for g in Group for s in g.students";
  CHECK(ok(query(f, {"--left-join", "--sql", q})) ==
        "SELECT DISTINCT \"g\".\"number\", \"s\".\"name\" FROM \"Group\" \"g\" LEFT JOIN "
        "\"Student\" \"s\" ON \"g\".\"number\" = \"s\".\"group\"\n");
}

TEST_CASE("--left-join runs the query as left_join(...)") {
  fixture f;
  CHECK(ok(query(f, {"--left-join", "--format", "json", "--order-by", "1, 2",
                     "(g.number, count(s)) for g in Group for s in g.students if s.gpa > 3.2"})) ==
        R"x({"columns":["g.number","count(s)"],"rows":[[101,1]]})x"
        "\n");
  // A loop over an entity cannot be LEFT JOINed.
  const outcome r = query(f, {"--left-join", "(g, s) for g in Group for s in Student"});
  CHECK(r.code == 1);
  CHECK(r.err.starts_with("unsupported.left_join_source: "));
}

TEST_CASE("--slice prints rows A to B - 1 like a fetch") {
  fixture f;
  auto sliced = [&](const std::string& bounds) {
    return ok(query(
        f, {"--format", "json", "s for s in Student", "--sort-by", "s.id", "--slice", bounds}));
  };
  CHECK(sliced("1:3") == "{\"columns\":[\"s\"],\"rows\":[[2],[3]]}\n");
  CHECK(sliced(":2") == "{\"columns\":[\"s\"],\"rows\":[[1],[2]]}\n");
  CHECK(sliced("2:") == "{\"columns\":[\"s\"],\"rows\":[[3],[4]]}\n");
  CHECK(sliced(":") == "{\"columns\":[\"s\"],\"rows\":[[1],[2],[3],[4]]}\n");
  CHECK(sliced("3:1") == "{\"columns\":[\"s\"],\"rows\":[]}\n");
  CHECK(ok(query(f, {"s.name for s in Student", "--sort-by", "s.id", "--slice", "1:2"})) ==
        "s.name\n------\nBob\n");
}

TEST_CASE("--random prints N rows in some order") {
  fixture f;
  CHECK(ok(query(f, {"--format", "json", "s for s in Student if s.id == 2", "--random", "3"})) ==
        "{\"columns\":[\"s\"],\"rows\":[[2]]}\n");
  CHECK(ok(query(f, {"--format", "json", "s for s in Student", "--random", "0"})) ==
        "{\"columns\":[\"s\"],\"rows\":[]}\n");
  // Four rows drawn from four: all of them, in an order that may change.
  const std::string table = ok(query(f, {"s for s in Student", "--random", "4"}));
  CHECK(table.starts_with("s\n-\n"));
  std::string ids = table.substr(4);
  std::sort(ids.begin(), ids.end());
  CHECK(ids == "\n\n\n\n1234");
  const std::string two = ok(query(f, {"s for s in Student", "--random", "2"}));
  CHECK(std::count(two.begin(), two.end(), '\n') == 4);
}

TEST_CASE("--group-concat joins the values with a separator, or prints None") {
  fixture f;
  CHECK(ok(query(f, {"--format", "json", "s.name for s in Student", "--sort-by", "s.id",
                     "--group-concat"})) == "{\"value\":\"Ann,Bob,Cid,Dée\"}\n");
  CHECK(ok(query(f, {"s.name for s in Student", "--sort-by", "s.id", "--group-concat=; "})) ==
        "Ann; Bob; Cid; Dée\n");
  CHECK(ok(query(f, {"s.group.number for s in Student", "--group-concat"})) == "101,101,102\n");
  CHECK(ok(query(f, {"s.group.number for s in Student", "--group-concat", "--distinct-agg"})) ==
        "101,102\n");
  CHECK(ok(query(f, {"--format", "json", "s.name for s in Student if s.id > 9",
                     "--group-concat"})) == "{\"value\":null}\n");
  CHECK(ok(query(f, {"s.name for s in Student if s.id > 9", "--group-concat"})) == "None\n");
}

TEST_CASE("SQLite refuses a separator with a distinct --group-concat", "[sqlite]") {
  fixture f;
  // SQLite takes no separator with DISTINCT; PonyORM fails the same way there.
  const auto r =
      query(f, {"s.group.number for s in Student", "--group-concat=|", "--distinct-agg"});
  CHECK(r.code == 1);
  CHECK(r.err ==
        "sqlite.error: cannot prepare 'SELECT GROUP_CONCAT(DISTINCT \"s\".\"group\", ?) FROM "
        "\"Student\" \"s\"': DISTINCT aggregates must have exactly one argument\n");
}

TEST_CASE("--len counts the fetched rows, and --distinct-agg makes aggregates distinct") {
  fixture f;
  CHECK(ok(query(f, {"--format", "json", "s for s in Student", "--len"})) == "{\"value\":4}\n");
  CHECK(ok(query(f, {"s for s in Student if s.gpa > 3.4", "--len"})) == "2\n");
  // As PonyORM's len(q): the rows of the fetch, the NULL one included, distinct or not.
  CHECK(ok(query(f, {"s.group.number for s in Student", "--len"})) == "3\n");
  CHECK(ok(query(f, {"s.group.number for s in Student", "--without-distinct", "--len"})) == "4\n");
  CHECK(ok(query(f, {"s.group for s in Student", "--count", "--distinct-agg"})) == "2\n");
  CHECK(ok(query(f, {"s.group.number for s in Student", "--distinct-agg", "--sum"})) == "203\n");
  CHECK(ok(query(f, {"--format", "json", "s.group.number for s in Student", "--avg",
                     "--distinct-agg"})) == "{\"value\":101.5}\n");
}

TEST_CASE("--for-update runs the query") {
  fixture f;
  CHECK(ok(query(f, {"--format", "json", "s for s in Student if s.gpa > 3.4", "--for-update"})) ==
        "{\"columns\":[\"s\"],\"rows\":[[1],[4]]}\n");
}

TEST_CASE("SQLite writes no FOR UPDATE", "[sqlite]") {
  fixture f;
  CHECK(ok(query(f, {"--sql", "s.name for s in Student", "--for-update"})) ==
        ok(query(f, {"--sql", "s.name for s in Student"})));
}

TEST_CASE("--filter-kw and --where-kw keep rows whose attributes equal the values") {
  fixture f;
  CHECK(ok(query(f, {"--format", "json", "s for s in Student", "--filter-kw",
                     R"({"name": "Bob"})"})) == "{\"columns\":[\"s\"],\"rows\":[[2]]}\n");
  CHECK(ok(query(f, {"--format", "json", "s for s in Student", "--where-kw",
                     R"({"gpa": 3.5, "name": "Dée"})"})) ==
        "{\"columns\":[\"s\"],\"rows\":[[4]]}\n");
  CHECK(ok(query(f, {"--format", "json", "s for s in Student", "--filter-kw",
                     R"({"name": "Bob", "gpa": 3.9})"})) == "{\"columns\":[\"s\"],\"rows\":[]}\n");
  // Typed values as in --params; the values are bound, not written into the SQL.
  CHECK(ok(query(f, {"s for s in Student", "--filter-kw",
                     R"({"born": {"$date": "2000-01-31"}})"})) == "s\n-\n1\n");
  CHECK(ok(query(f, {"s for s in Student", "--where-kw",
                     R"({"group": {"$entity": ["Group", 102]}})"})) == "s\n-\n3\n");
  // None compares as IS NULL, as in PonyORM's filter(gpa=None).
  CHECK(ok(query(f, {"s for s in Student", "--filter-kw", R"({"gpa": null})"})) == "s\n-\n3\n");
  CHECK(ok(query(f, {"--sql", "s for s in Student", "--filter-kw", R"({"name": "x'y"})"}))
            .find("x'y") == std::string::npos);
}

TEST_CASE("bad --filter-kw and --where-kw exit 2, unknown attributes exit 1") {
  fixture f;
  auto usage = [&](const std::string& option, const std::string& json) {
    const auto r = query(f, {"s for s in Student", option, json});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    return r.err;
  };
  const std::string hint = "\nRun 'nextorm query --help' for usage.\n";
  CHECK(usage("--filter-kw", "{}") ==
        "nextorm query: --filter-kw: expected at least one attribute" + hint);
  CHECK(usage("--where-kw", "[1]") ==
        "nextorm query: --where-kw: expected a JSON object of names and values, got array" + hint);
  CHECK(usage("--filter-kw", R"({"a b": 1})") ==
        "nextorm query: --filter-kw: 'a b' is not an attribute name" + hint);
  CHECK(usage("--filter-kw", R"({"": 1})") ==
        "nextorm query: --filter-kw: '' is not an attribute name" + hint);
  CHECK(usage("--filter-kw", R"({"1a": 1})") ==
        "nextorm query: --filter-kw: '1a' is not an attribute name" + hint);
  CHECK(usage("--where-kw", R"({"x_": 1})") ==
        "nextorm query: --where-kw: 'x_' is not an attribute name" + hint);
  CHECK(usage("--filter-kw", R"({"born": {"$date": 1}})") ==
        "nextorm query: --filter-kw: 'born': $date expects \"2020-01-31\", got 1" + hint);
  CHECK(usage("--where-kw", "{") ==
        "nextorm query: --where-kw: parse error at line 1, column 2: syntax error while parsing "
        "object key - unexpected "
        "end of input; expected string literal" +
            hint);
  const auto r = query(f, {"s for s in Student", "--filter-kw", R"({"nmae": "Bob"})"});
  CHECK(r.code == 1);
  CHECK(r.err ==
        "unknown_name.attribute: entity Student has no attribute 'nmae'; did you mean 'name'? "
        "(line 1, column 15)\n"
        "  lambda x_: x_.nmae == nmae\n"
        "                ^~~~\n");
  // Digits are name characters after the first.
  const auto digits = query(f, {"s for s in Student", "--filter-kw", R"({"gpa2": 3})"});
  CHECK(digits.code == 1);
  CHECK(digits.err ==
        "unknown_name.attribute: entity Student has no attribute 'gpa2'; did you mean 'gpa'? "
        "(line 1, column 15)\n"
        "  lambda x_: x_.gpa2 == gpa2\n"
        "                ^~~~\n");
}

TEST_CASE("--order-by at the int64 limits is a query error, not a crash") {
  fixture f;
  for (const char* position : {"-9223372036854775808", "9223372036854775807"}) {
    const outcome r = query(f, {"s.name for s in Student", "--order-by", position});
    CHECK(r.code == 1);
    CHECK(r.err.starts_with("unknown_name.column: order_by column " + std::string{position} +
                            " is out of range: the result has 1 column(s), numbered from 1"));
  }
}

TEST_CASE("--params beyond int64, beyond a double or nested too deep exit 2") {
  fixture f;
  const std::string q = "s.name for s in Student if s.id == x";
  const std::pair<std::string, std::string> cases[] = {
      {R"({"x": 18446744073709551616})",
       "the integer 18446744073709551616 does not fit in 64 bits"},
      {R"({"x": 1e400})", "the number 1e400 is beyond the range of a float"},
      {"{\"x\": " + std::string(10'000, '[') + std::string(10'000, ']') + "}",
       "the JSON is nested more than 100 levels deep"},
  };
  for (const auto& [params, message] : cases) {
    const outcome r = query(f, {"--params", params, q});
    CHECK(r.code == 2);
    CHECK(r.err.starts_with("nextorm query: --params: " + message + "\n"));
  }
  const outcome r = query(
      f, {"--filter-kw", "{\"id\": " + std::string(5'000, '[') + std::string(5'000, ']') + "}",
          "s for s in Student"});
  CHECK(r.code == 2);
  CHECK(
      r.err.starts_with("nextorm query: --filter-kw: the JSON is nested more than 100 levels "
                        "deep\n"));
}

TEST_CASE("SQLite URIs of a missing file are not created either", "[sqlite]") {
  fixture f;
  const std::string missing = f.dir() + "/new.db";
  for (const std::string& url :
       {"sqlite:file:" + missing, "sqlite:file:" + missing + "?mode=rwc"}) {
    INFO(url);
    const outcome r =
        cli_test::run({"query", "--db", url, "--schema", f.schema(), "s for s in Student"});
    CHECK(r.code == 1);
    CHECK(r.err.starts_with("cli.no_database: there is no SQLite database file 'file:" + missing));
    CHECK(r.err.find("nextorm query does not create databases") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(missing));
  }
  // An existing file through a URI still opens.
  CHECK(ok(cli_test::run({"query", "--db", "sqlite:file:" + f.db_path(), "--schema", f.schema(),
                          "s for s in Student if s.id == 1"})) == "s\n-\n1\n");
}

namespace {
void sqlite_exec(const fixture& f, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(f.db_path().c_str(), &db);
  REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}
}  // namespace

TEST_CASE("tables print U+FFFD for invalid UTF-8 from the database", "[sqlite]") {
  fixture f;
  sqlite_exec(f, R"(UPDATE "Student" SET "name" = CAST(x'41ff42e282' AS TEXT) WHERE "id" = 1)");
  CHECK(ok(query(f, {"s.name for s in Student if s.id == 1"})) ==
        "s.name\n------\nA\xef\xbf\xbd"
        "B\xef\xbf\xbd\n");
}

TEST_CASE("text where the schema declares a float or a decimal is an error naming both types",
          "[sqlite]") {
  fixture f;
  sqlite_exec(f, R"(UPDATE "Student" SET "gpa" = 'abc', "fee" = 'x1' WHERE "id" = 1)");
  outcome r = query(f, {"s.gpa for s in Student"});
  CHECK(r.code == 1);
  CHECK(r.err ==
        "value.type_mismatch: result column 's.gpa' is declared float in the schema, "
        "but the database holds text 'abc': the schema does not match the table\n");
  r = query(f, {"s.fee for s in Student"});
  CHECK(r.code == 1);
  CHECK(r.err ==
        "value.type_mismatch: result column 's.fee' is declared decimal in the schema, "
        "but the database holds text 'x1': the schema does not match the table\n");
  CHECK(ok(query(f, {"s.name for s in Student if s.id == 2"})) == "s.name\n------\nBob\n");
}
