// Parsing `nextorm` and `nextorm query` command lines: order, values, and every usage error.
#include "cli/args.hpp"
#include "cli/usage_failure.hpp"
#include "cli_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>

using namespace nextorm::cli;
using cli_test::run;

namespace {

query_options parse(std::vector<std::string_view> args) { return parse_query_args(args); }

std::string parse_error(std::vector<std::string_view> args) {
  try {
    (void)parse_query_args(args);
  } catch (const usage_failure& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("query options keep the order they were given in") {
  const auto o = parse({"--db", "sqlite:x.db", "--filter", "lambda s: s.gpa > 3", "--schema",
                        "s.json", "s for s in Student", "--order-by", "-2,1", "--distinct",
                        "--where", "s.id > 1", "--without-distinct"});
  CHECK(o.db == "sqlite:x.db");
  CHECK(o.schema == "s.json");
  CHECK(o.query == "s for s in Student");
  CHECK(o.steps == std::vector<step>{{step_kind::filter, "lambda s: s.gpa > 3"},
                                     {step_kind::order_by, "-2,1"},
                                     {step_kind::distinct, ""},
                                     {step_kind::where, "s.id > 1"},
                                     {step_kind::without_distinct, ""}});
  CHECK(o.end.kind == terminal_kind::fetch);
  CHECK(o.end.option.empty());
  CHECK(o.format == output_format::table);
  CHECK_FALSE(o.sql);
  CHECK_FALSE(o.params_json);
  CHECK_FALSE(o.help);
}

TEST_CASE("options take --name=value, and -- ends the options") {
  const auto o = parse({"--db=sqlite::memory:", "--schema=a=b.json", "--format=json",
                        "--params={\"a\":1}", "--sql", "--", "-q"});
  CHECK(o.db == "sqlite::memory:");
  CHECK(o.schema == "a=b.json");
  CHECK(o.format == output_format::json);
  CHECK(o.params_json == "{\"a\":1}");
  CHECK(o.sql);
  CHECK(o.query == "-q");
  // A lone '-' is a positional argument too.
  CHECK(parse({"--db", "d", "--schema", "s", "-"}).query == "-");
  CHECK(parse({"--db", "d", "--schema", "s", "--format", "table", "q"}).format ==
        output_format::table);
}

TEST_CASE("each terminal option is recorded with its numbers") {
  auto terminal_of = [](std::vector<std::string_view> extra) {
    std::vector<std::string_view> args{"--db", "d", "--schema", "s", "q"};
    args.insert(args.end(), extra.begin(), extra.end());
    return parse_query_args(args).end;
  };
  struct named {
    std::string_view option;
    terminal_kind kind;
  };
  const named flags[] = {
      {"--count", terminal_kind::count},   {"--count-distinct", terminal_kind::count_distinct},
      {"--sum", terminal_kind::sum},       {"--sum-distinct", terminal_kind::sum_distinct},
      {"--avg", terminal_kind::avg},       {"--avg-distinct", terminal_kind::avg_distinct},
      {"--min", terminal_kind::min},       {"--max", terminal_kind::max},
      {"--exists", terminal_kind::exists}, {"--first", terminal_kind::first},
      {"--get", terminal_kind::get},       {"--delete", terminal_kind::remove}};
  for (const auto& f : flags) {
    const terminal t = terminal_of({f.option});
    CHECK(t.kind == f.kind);
    CHECK(t.option == f.option);
  }
  terminal t = terminal_of({"--limit", "5"});
  CHECK((t.kind == terminal_kind::limit && t.first == 5 && t.second == 0));
  t = terminal_of({"--limit", " 5 ,10 "});
  CHECK((t.first == 5 && t.second == 10));
  t = terminal_of({"--page", "3"});
  CHECK((t.kind == terminal_kind::page && t.first == 3 && t.second == 10));
  t = terminal_of({"--page=2,25"});
  CHECK((t.first == 2 && t.second == 25));
}

TEST_CASE("--help stops parsing and prints the query usage") {
  CHECK(parse({"--count", "-h", "--bogus"}).help);
  const auto r = run({"query", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out == query_usage());
  CHECK(r.out.starts_with("Usage: nextorm query --db URL --schema FILE [options] QUERY\n"));
  CHECK(r.err.empty());
}

TEST_CASE("an unknown option exits 2 and suggests the nearest option") {
  const auto r = run({"query", "--fitler", "x"});
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "nextorm query: unknown option '--fitler'; did you mean '--filter'?\n"
        "Run 'nextorm query --help' for usage.\n");
  CHECK(parse_error({"--order_by=x"}) == "unknown option '--order_by'; did you mean '--order-by'?");
  CHECK(parse_error({"--frobnicate"}) == "unknown option '--frobnicate'");
}

TEST_CASE("usage errors name what is wrong") {
  CHECK(parse_error({}) == "missing --db URL, --schema FILE and QUERY");
  CHECK(parse_error({"--db", "d", "q"}) == "missing --schema FILE");
  CHECK(parse_error({"--schema", "s", "q"}) == "missing --db URL");
  CHECK(parse_error({"--db", "d", "--schema", "s"}) == "missing QUERY");
  CHECK(parse_error({"--db", "d", "--schema"}) == "option '--schema' needs a value: --schema FILE");
  CHECK(parse_error({"q", "--filter"}) == "option '--filter' needs a value: --filter TEXT");
  CHECK(parse_error({"--db", "a", "--db", "b"}) == "option '--db' given twice");
  CHECK(parse_error({"--schema", "a", "--schema=b"}) == "option '--schema' given twice");
  CHECK(parse_error({"--format", "json", "--format", "json"}) == "option '--format' given twice");
  CHECK(parse_error({"--params", "{}", "--params", "{}"}) == "option '--params' given twice");
  CHECK(parse_error({"--format", "jsno"}) ==
        "invalid value 'jsno' for --format: expected 'table' or 'json'; did you mean 'json'?");
  CHECK(parse_error({"--format", "csv"}) ==
        "invalid value 'csv' for --format: expected 'table' or 'json'");
  CHECK(parse_error({"--distinct=yes"}) == "option '--distinct' takes no value");
  CHECK(parse_error({"q1", "q2"}) ==
        "unexpected argument 'q2': QUERY was already given; quote the query as one argument");
  CHECK(parse_error({"--count", "--first"}) ==
        "only one terminal option may be given, got '--count' and '--first'");
  CHECK(parse_error({"--db", "d", "--schema", "s", "q", "--sql", "--count"}) ==
        "--sql prints the SQL of the fetch and cannot be combined with '--count'");
}

TEST_CASE("--limit and --page need whole numbers in range") {
  const char* limit_message =
      " for --limit: expected N[,OFFSET] with whole numbers, at least 0 and 0";
  CHECK(parse_error({"--limit", "ten"}) == "invalid value 'ten'" + std::string{limit_message});
  CHECK(parse_error({"--limit", ""}) == "invalid value ''" + std::string{limit_message});
  CHECK(parse_error({"--limit", "5,x"}) == "invalid value '5,x'" + std::string{limit_message});
  CHECK(parse_error({"--limit", "-1"}) == "invalid value '-1'" + std::string{limit_message});
  CHECK(parse_error({"--limit", "1,-1"}) == "invalid value '1,-1'" + std::string{limit_message});
  CHECK(parse_error({"--limit", "5x"}) == "invalid value '5x'" + std::string{limit_message});
  CHECK(parse_error({"--limit", "99999999999999999999"}) ==
        "invalid value '99999999999999999999'" + std::string{limit_message});
  CHECK(parse_error({"--page", "0"}) ==
        "invalid value '0' for --page: expected P[,SIZE] with whole numbers, at least 1 and 1");
  CHECK(parse_error({"--page", "1,0"}) ==
        "invalid value '1,0' for --page: expected P[,SIZE] with whole numbers, at least 1 and 1");
}

TEST_CASE("the top level lists the commands and rejects unknown ones") {
  auto r = run({});
  CHECK(r.code == 2);
  CHECK(r.err == "nextorm: missing COMMAND\nRun 'nextorm --help' for usage.\n");
  for (std::string help : {"--help", "-h", "help"}) {
    r = run({help});
    CHECK(r.code == 0);
    CHECK(r.out ==
          "Usage: nextorm COMMAND [options]\n\nCommands:\n"
          "  query           run a query and print its result\n"
          "  inspect         print the JSON schema of an existing database\n"
          "  makemigrations  write a migration from the schema's changes\n"
          "  migrate         apply migrations to the database\n"
          "  showmigrations  list migrations and whether they are applied\n"
          "  sqlmigrate      print a migration's SQL for a provider\n"
          "\nOptions:\n  -h, --help      prints this help\n"
          "  --version       prints the version\n"
          "\nRun 'nextorm COMMAND --help' for the options of a command.\n");
  }
  r = run({"--version"});
  CHECK(r.code == 0);
  CHECK(r.out == "nextorm " NEXTORM_VERSION "\n");
  r = run({"qeury"});
  CHECK(r.code == 2);
  CHECK(
      r.err ==
      "nextorm: unknown command 'qeury'; did you mean 'query'?\nRun 'nextorm --help' for usage.\n");
  r = run({"--verison"});
  CHECK(r.code == 2);
  CHECK(r.err ==
        "nextorm: unknown option '--verison'; did you mean '--version'?\n"
        "Run 'nextorm --help' for usage.\n");
}

TEST_CASE("the keyword, sort and locking methods are steps in the order given") {
  const auto o = parse({"--db", "d", "--schema", "s", "q", "--sort-by", "s.name", "--filter-kw",
                        R"({"name": "Ann"})", "--for-update", "--where-kw={\"id\": 1}"});
  CHECK(o.steps == std::vector<step>{{step_kind::sort_by, "s.name"},
                                     {step_kind::filter_kw, R"({"name": "Ann"})"},
                                     {step_kind::for_update, ""},
                                     {step_kind::where_kw, R"({"id": 1})"}});
  CHECK(parse_error({"--for-update=x"}) == "option '--for-update' takes no value");
  CHECK(parse_error({"q", "--where-kw"}) == "option '--where-kw' needs a value: --where-kw JSON");
}

TEST_CASE("--slice, --random, --group-concat and --len are terminals with their values") {
  auto terminal_of = [](std::vector<std::string_view> extra) {
    std::vector<std::string_view> args{"--db", "d", "--schema", "s", "q"};
    args.insert(args.end(), extra.begin(), extra.end());
    return parse_query_args(args).end;
  };
  terminal t = terminal_of({"--slice", "1:3"});
  CHECK((t.kind == terminal_kind::slice && t.first == 1 && t.stop == 3));
  t = terminal_of({"--slice", " : "});
  CHECK((t.first == 0 && !t.stop));
  t = terminal_of({"--slice=:2"});
  CHECK((t.first == 0 && t.stop == 2));
  t = terminal_of({"--slice", "2:"});
  CHECK((t.first == 2 && !t.stop));
  t = terminal_of({"--random", "3"});
  CHECK((t.kind == terminal_kind::random && t.first == 3 && t.option == "--random"));
  t = terminal_of({"--group-concat"});
  CHECK((t.kind == terminal_kind::group_concat && t.separator == ","));
  t = terminal_of({"--group-concat=; "});
  CHECK(t.separator == "; ");
  t = terminal_of({"--group-concat="});
  CHECK(t.separator.empty());
  // Without '=' the next argument is not a separator: here it is the query.
  CHECK(parse({"--db", "d", "--schema", "s", "--group-concat", "q"}).query == "q");
  t = terminal_of({"--len"});
  CHECK((t.kind == terminal_kind::len && t.option == "--len"));
  CHECK(parse_error({"--len=1"}) == "option '--len' takes no value");
  CHECK(parse_error({"--len", "--slice", "1:2"}) ==
        "only one terminal option may be given, got '--len' and '--slice'");
}

TEST_CASE("--slice and --random need whole numbers of at least 0") {
  const std::string slice_message =
      " for --slice: expected A:B with whole numbers, at least 0; either may be empty";
  CHECK(parse_error({"--slice", "1"}) == "invalid value '1'" + slice_message);
  CHECK(parse_error({"--slice", "-1:2"}) == "invalid value '-1:2'" + slice_message);
  CHECK(parse_error({"--slice", "1:-2"}) == "invalid value '1:-2'" + slice_message);
  CHECK(parse_error({"--slice", "a:2"}) == "invalid value 'a:2'" + slice_message);
  CHECK(parse_error({"--slice", "1:b"}) == "invalid value '1:b'" + slice_message);
  CHECK(parse_error({"--random", "x"}) ==
        "invalid value 'x' for --random: expected a whole number, at least 0");
  CHECK(parse_error({"--random", "-1"}) ==
        "invalid value '-1' for --random: expected a whole number, at least 0");
  CHECK(parse_error({"--db", "d", "--schema", "s", "q", "--sql", "--slice", "1:2"}) ==
        "--sql prints the SQL of the fetch and cannot be combined with '--slice'");
}

TEST_CASE("--distinct-agg goes with an aggregate terminal only") {
  const terminal_kind aggregates[] = {terminal_kind::count,
                                      terminal_kind::sum,
                                      terminal_kind::avg,
                                      terminal_kind::group_concat,
                                      terminal_kind::count_distinct,
                                      terminal_kind::sum_distinct,
                                      terminal_kind::avg_distinct};
  for (const std::string_view option : {"--count", "--sum", "--avg", "--group-concat",
                                        "--count-distinct", "--sum-distinct", "--avg-distinct"}) {
    const auto o = parse({"--db", "d", "--schema", "s", "q", "--distinct-agg", option});
    CHECK(o.distinct_aggregate);
    CHECK(std::find(std::begin(aggregates), std::end(aggregates), o.end.kind) !=
          std::end(aggregates));
  }
  CHECK_FALSE(parse({"--db", "d", "--schema", "s", "q", "--count"}).distinct_aggregate);
  const std::string needs = "--distinct-agg needs --count, --sum, --avg or --group-concat, got ";
  CHECK(parse_error({"--db", "d", "--schema", "s", "q", "--distinct-agg", "--min"}) ==
        needs + "'--min'");
  CHECK(parse_error({"--db", "d", "--schema", "s", "q", "--len", "--distinct-agg"}) ==
        needs + "'--len'");
  CHECK(parse_error({"--db", "d", "--schema", "s", "q", "--distinct-agg"}) ==
        needs + "the default fetch");
  CHECK(parse_error({"--distinct-agg=1"}) == "option '--distinct-agg' takes no value");
}

TEST_CASE("--left-join sets the query's left_join flag and takes no value") {
  CHECK(parse({"--db", "d", "--schema", "s", "q", "--left-join"}).left_join);
  CHECK_FALSE(parse({"--db", "d", "--schema", "s", "q"}).left_join);
  CHECK(parse_error({"--left-join=1"}) == "option '--left-join' takes no value");
}

TEST_CASE("misspelled new options suggest their right spelling") {
  CHECK(parse_error({"--sort_by", "x"}) == "unknown option '--sort_by'; did you mean '--sort-by'?");
  CHECK(parse_error({"--slcie", "1:2"}) == "unknown option '--slcie'; did you mean '--slice'?");
  CHECK(parse_error({"--group-conat"}) ==
        "unknown option '--group-conat'; did you mean '--group-concat'?");
  CHECK(parse_error({"--lenn"}) == "unknown option '--lenn'; did you mean '--len'?");
  CHECK(parse_error({"--randm", "2"}) == "unknown option '--randm'; did you mean '--random'?");
  CHECK(parse_error({"--for_update"}) ==
        "unknown option '--for_update'; did you mean '--for-update'?");
  CHECK(parse_error({"--filter-kwd", "{}"}) ==
        "unknown option '--filter-kwd'; did you mean '--filter-kw'?");
  CHECK(parse_error({"--where_kw", "{}"}) ==
        "unknown option '--where_kw'; did you mean '--where-kw'?");
  CHECK(parse_error({"--distinct-ag"}) ==
        "unknown option '--distinct-ag'; did you mean '--distinct-agg'?");
  CHECK(parse_error({"--left-jion"}) ==
        "unknown option '--left-jion'; did you mean '--left-join'?");
}
