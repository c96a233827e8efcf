#include "cli/args.hpp"

#include "cli/usage_failure.hpp"
#include "common/suggest.hpp"

#include <charconv>
#include <iterator>

namespace nextorm::cli {
namespace {

enum class option_id {
  db,
  schema,
  params,
  format,
  sql,
  help,
  step,
  terminal,
  distinct_agg,
  left_join,
};

struct option_spec {
  std::string_view name;
  std::string_view metavar;  // empty: a flag; "[=...]": a value only after '='
  option_id id;
  step_kind step = step_kind::filter;             // for option_id::step
  terminal_kind terminal = terminal_kind::fetch;  // for option_id::terminal
};

constexpr option_spec option_table[] = {
    {"--db", "URL", option_id::db},
    {"--schema", "FILE", option_id::schema},
    {"--params", "JSON", option_id::params},
    {"--format", "table|json", option_id::format},
    {"--sql", "", option_id::sql},
    {"--filter", "TEXT", option_id::step, step_kind::filter},
    {"--where", "TEXT", option_id::step, step_kind::where},
    {"--order-by", "TEXT", option_id::step, step_kind::order_by},
    {"--sort-by", "TEXT", option_id::step, step_kind::sort_by},
    {"--filter-kw", "JSON", option_id::step, step_kind::filter_kw},
    {"--where-kw", "JSON", option_id::step, step_kind::where_kw},
    {"--distinct", "", option_id::step, step_kind::distinct},
    {"--without-distinct", "", option_id::step, step_kind::without_distinct},
    {"--for-update", "", option_id::step, step_kind::for_update},
    {"--left-join", "", option_id::left_join},
    {"--limit", "N[,OFFSET]", option_id::terminal, {}, terminal_kind::limit},
    {"--page", "P[,SIZE]", option_id::terminal, {}, terminal_kind::page},
    {"--count", "", option_id::terminal, {}, terminal_kind::count},
    {"--count-distinct", "", option_id::terminal, {}, terminal_kind::count_distinct},
    {"--sum", "", option_id::terminal, {}, terminal_kind::sum},
    {"--sum-distinct", "", option_id::terminal, {}, terminal_kind::sum_distinct},
    {"--avg", "", option_id::terminal, {}, terminal_kind::avg},
    {"--avg-distinct", "", option_id::terminal, {}, terminal_kind::avg_distinct},
    {"--min", "", option_id::terminal, {}, terminal_kind::min},
    {"--max", "", option_id::terminal, {}, terminal_kind::max},
    {"--exists", "", option_id::terminal, {}, terminal_kind::exists},
    {"--first", "", option_id::terminal, {}, terminal_kind::first},
    {"--get", "", option_id::terminal, {}, terminal_kind::get},
    {"--delete", "", option_id::terminal, {}, terminal_kind::remove},
    {"--slice", "A:B", option_id::terminal, {}, terminal_kind::slice},
    {"--random", "N", option_id::terminal, {}, terminal_kind::random},
    {"--group-concat", "[=SEP]", option_id::terminal, {}, terminal_kind::group_concat},
    {"--len", "", option_id::terminal, {}, terminal_kind::len},
    {"--distinct-agg", "", option_id::distinct_agg},
    {"--help", "", option_id::help},
    {"-h", "", option_id::help},
};

constexpr std::string_view usage_text =
    R"(Usage: nextorm query --db URL --schema FILE [options] QUERY

Runs QUERY, a generator such as "s for s in Student if s.gpa > 3", against an existing database
and prints the result.

Database:
  --db URL              sqlite:PATH, sqlite::memory:, postgresql://user:pass@host:port/db,
                        mariadb://user:pass@host:port/db
  --schema FILE         the JSON schema of the entities
  --params JSON         values of the query's free names, e.g. {"n": 3, "d": {"$date": "2020-01-31"}}

Query methods, applied in the order given:
  --filter TEXT         .filter(TEXT): a condition on the result
  --where TEXT          .where(TEXT): a condition on the loop variables
  --order-by TEXT       .order_by(TEXT): "desc(s.gpa), s.id", or result columns "-2,1"
  --sort-by TEXT        .sort_by(TEXT), the same as --order-by
  --filter-kw JSON      .filter(attr=value, ...): {"name": "Ann", "gpa": 3.9} keeps the rows
                        whose attributes equal the values (typed values as in --params)
  --where-kw JSON       .where(attr=value, ...): the same on the first loop variable
  --distinct            .distinct()
  --without-distinct    .without_distinct()
  --for-update          .for_update(): SELECT ... FOR UPDATE (not written on SQLite)
  --left-join           left_join(...) instead of select(...)

At most one terminal (default: fetch every row):
  --limit N[,OFFSET]    N rows after skipping OFFSET
  --page P[,SIZE]       page P (from 1) of SIZE rows (default 10)
  --count               the number of rows
  --count-distinct      the number of distinct rows
  --sum, --avg          the sum or average of a one-column result
  --sum-distinct, --avg-distinct
                        the same over distinct values
  --min, --max          the smallest or largest value of a one-column result
  --exists              True when there is at least one row
  --first               the first row (by primary key when unordered), or None
  --get                 the only row, or None; more than one row is an error
  --delete              deletes the selected objects and prints how many
  --slice A:B           rows A to B - 1 (from 0) as Python's q[A:B]; either may be empty
  --random N            N rows in random order
  --group-concat[=SEP]  the values of a one-column result joined by SEP (default ',')
  --len                 the number of rows fetched, as len(q)
  --distinct-agg        makes --count, --sum, --avg or --group-concat use distinct values

Output:
  --format table|json   a table for people (default), or JSON for programs
  --sql                 prints the SQL of the query instead of running it
  -h, --help            prints this help

Exit status: 0 success, 1 the query or the database failed, 2 a wrong command line.
)";

const option_spec* find_option(std::string_view name) {
  for (const auto& spec : option_table) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

[[noreturn]] void unknown_option(std::string_view name) {
  std::vector<std::string> names;
  for (const auto& spec : option_table) names.emplace_back(spec.name);
  throw usage_failure{"unknown option '" + std::string{name} + "'" + did_you_mean(name, names)};
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  text = trim(text);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// "N[,M]" with N >= min_first and M >= min_second; M defaults to `second_default`.
void parse_pair(const option_spec& spec, std::string_view text, std::int64_t min_first,
                std::int64_t min_second, std::int64_t second_default, terminal& out) {
  const auto comma = text.find(',');
  const auto first = parse_int(text.substr(0, comma));
  const auto second = comma == std::string_view::npos ? std::optional{second_default}
                                                      : parse_int(text.substr(comma + 1));
  if (!first || !second || *first < min_first || *second < min_second) {
    throw usage_failure{"invalid value '" + std::string{text} + "' for " + std::string{spec.name} +
                        ": expected " + std::string{spec.metavar} +
                        " with whole numbers, at least " + std::to_string(min_first) + " and " +
                        std::to_string(min_second)};
  }
  out.first = *first;
  out.second = *second;
}

void set_once(std::string& field, bool& seen, const option_spec& spec, std::string_view v) {
  if (seen) throw usage_failure{"option '" + std::string{spec.name} + "' given twice"};
  seen = true;
  field = std::string{v};
}

// "A:B" for --slice: whole numbers of at least 0; an empty A is 0, an empty B the end.
void parse_slice(std::string_view text, terminal& out) {
  const auto colon = text.find(':');
  std::optional<std::int64_t> start = 0;
  std::optional<std::int64_t> stop;
  bool valid = colon != std::string_view::npos;
  if (valid) {
    const std::string_view a = trim(text.substr(0, colon));
    const std::string_view b = trim(text.substr(colon + 1));
    if (!a.empty()) start = parse_int(a);
    if (!b.empty()) {
      stop = parse_int(b);
      valid = stop && *stop >= 0;
    }
    valid = valid && start && *start >= 0;
  }
  if (!valid) {
    throw usage_failure{"invalid value '" + std::string{text} +
                        "' for --slice: expected A:B with whole numbers, at least 0; either may "
                        "be empty"};
  }
  out.first = *start;
  out.stop = stop;
}

void parse_count(const option_spec& spec, std::string_view text, terminal& out) {
  const auto n = parse_int(text);
  if (!n || *n < 0) {
    throw usage_failure{"invalid value '" + std::string{text} + "' for " + std::string{spec.name} +
                        ": expected a whole number, at least 0"};
  }
  out.first = *n;
}

// --distinct-agg changes an aggregate terminal; anywhere else it would silently do nothing.
void check_distinct_aggregate(const query_options& o) {
  switch (o.end.kind) {
    case terminal_kind::count:
    case terminal_kind::count_distinct:
    case terminal_kind::sum:
    case terminal_kind::sum_distinct:
    case terminal_kind::avg:
    case terminal_kind::avg_distinct:
    case terminal_kind::group_concat: return;
    default: break;
  }
  throw usage_failure{
      "--distinct-agg needs --count, --sum, --avg or --group-concat, got " +
      (o.end.option.empty() ? std::string{"the default fetch"} : "'" + o.end.option + "'")};
}

output_format parse_format(std::string_view text) {
  static constexpr std::string_view formats[] = {"table", "json"};
  if (text == "table") return output_format::table;
  if (text == "json") return output_format::json;
  throw usage_failure{"invalid value '" + std::string{text} +
                      "' for --format: expected 'table' or 'json'" + did_you_mean(text, formats)};
}

}  // namespace

std::string_view query_usage() noexcept { return usage_text; }

query_options parse_query_args(std::span<const std::string_view> args) {
  query_options out;
  bool seen_db = false;
  bool seen_schema = false;
  bool seen_format = false;
  bool seen_query = false;
  bool only_positional = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (!only_positional && arg == "--") {
      only_positional = true;
      continue;
    }
    if (only_positional || arg.size() < 2 || arg[0] != '-') {
      if (seen_query) {
        throw usage_failure{"unexpected argument '" + std::string{arg} +
                            "': QUERY was already given; quote the query as one argument"};
      }
      seen_query = true;
      out.query = std::string{arg};
      continue;
    }
    const auto equals = arg.find('=');
    const std::string_view name = arg.substr(0, equals);
    const option_spec* spec = find_option(name);
    if (spec == nullptr) unknown_option(name);
    std::string_view v;
    if (spec->metavar.starts_with("[=")) {
      if (equals != std::string_view::npos) v = arg.substr(equals + 1);
    } else if (spec->metavar.empty()) {
      if (equals != std::string_view::npos) {
        throw usage_failure{"option '" + std::string{name} + "' takes no value"};
      }
    } else if (equals != std::string_view::npos) {
      v = arg.substr(equals + 1);
    } else if (i + 1 < args.size()) {
      v = args[++i];
    } else {
      throw usage_failure{"option '" + std::string{name} + "' needs a value: " + std::string{name} +
                          " " + std::string{spec->metavar}};
    }
    switch (spec->id) {
      case option_id::db: set_once(out.db, seen_db, *spec, v); break;
      case option_id::schema: set_once(out.schema, seen_schema, *spec, v); break;
      case option_id::params: {
        if (out.params_json) throw usage_failure{"option '--params' given twice"};
        out.params_json = std::string{v};
        break;
      }
      case option_id::format: {
        std::string ignored;
        set_once(ignored, seen_format, *spec, v);
        out.format = parse_format(v);
        break;
      }
      case option_id::sql: out.sql = true; break;
      case option_id::help: out.help = true; return out;
      case option_id::distinct_agg: out.distinct_aggregate = true; break;
      case option_id::left_join: out.left_join = true; break;
      case option_id::step: out.steps.push_back(step{spec->step, std::string{v}}); break;
      case option_id::terminal: {
        if (!out.end.option.empty()) {
          throw usage_failure{"only one terminal option may be given, got '" + out.end.option +
                              "' and '" + std::string{name} + "'"};
        }
        out.end.kind = spec->terminal;
        out.end.option = std::string{name};
        if (spec->terminal == terminal_kind::limit) parse_pair(*spec, v, 0, 0, 0, out.end);
        if (spec->terminal == terminal_kind::page) parse_pair(*spec, v, 1, 1, 10, out.end);
        if (spec->terminal == terminal_kind::slice) parse_slice(v, out.end);
        if (spec->terminal == terminal_kind::random) parse_count(*spec, v, out.end);
        if (spec->terminal == terminal_kind::group_concat && equals != std::string_view::npos) {
          out.end.separator = std::string{v};
        }
        break;
      }
    }
  }
  std::vector<std::string> missing;
  if (!seen_db) missing.emplace_back("--db URL");
  if (!seen_schema) missing.emplace_back("--schema FILE");
  if (!seen_query) missing.emplace_back("QUERY");
  if (!missing.empty()) {
    std::string text = "missing ";
    for (std::size_t k = 0; k < missing.size(); ++k) {
      if (k != 0) text += k + 1 == missing.size() ? " and " : ", ";
      text += missing[k];
    }
    throw usage_failure{text};
  }
  if (out.distinct_aggregate) check_distinct_aggregate(out);
  if (out.sql && !out.end.option.empty()) {
    throw usage_failure{"--sql prints the SQL of the fetch and cannot be combined with '" +
                        out.end.option + "'"};
  }
  return out;
}

}  // namespace nextorm::cli
