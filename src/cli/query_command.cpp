#include "cli/query_command.hpp"

#include "cli/args.hpp"
#include "cli/cli.hpp"
#include "cli/open_database.hpp"
#include "cli/output.hpp"
#include "cli/params_json.hpp"
#include "cli/usage_failure.hpp"
#include "driver/connection.hpp"
#include "session/database_impl.hpp"

#include <nextorm/database.hpp>
#include <nextorm/entity.hpp>
#include <nextorm/errors.hpp>
#include <nextorm/query.hpp>
#include <nextorm/session.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

namespace nextorm::cli {
namespace {

bool is_name(std::string_view text) {
  auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  if (text.empty() || !letter(text.front())) return false;
  return std::all_of(text.begin(), text.end(), [&](char c) {
    return letter(c) || std::isdigit(static_cast<unsigned char>(c));
  });
}

// --filter-kw / --where-kw: {"a": 1, "b": "x"} becomes `lambda x_: x_.a == a and x_.b == b`
// with the values bound to the names, as PonyORM's filter(a=1, b="x") does.
std::pair<std::string, params> keyword_filter(const step& s, const registry& schema) {
  const std::string_view option = s.kind == step_kind::filter_kw ? "--filter-kw" : "--where-kw";
  params keywords = parse_params(s.text, schema, option);
  if (keywords.empty()) {
    throw usage_failure{std::string{option} + ": expected at least one attribute"};
  }
  for (const auto& entry : keywords) {
    const std::string& name = entry.first;
    if (!is_name(name) || name == "x_") {
      throw usage_failure{std::string{option} + ": '" + name + "' is not an attribute name"};
    }
  }
  // The same condition as Entity::get(keywords) builds.
  std::string text = detail::keyword_condition(keywords);
  return {std::move(text), std::move(keywords)};
}

query<row> add_step(const query<row>& q, const step& s, const registry& schema) {
  switch (s.kind) {
    case step_kind::filter: return q.filter(s.text);
    case step_kind::where: return q.where(s.text);
    case step_kind::order_by: return q.order_by(s.text);
    case step_kind::sort_by: return q.sort_by(s.text);
    case step_kind::distinct: return q.distinct();
    case step_kind::without_distinct: return q.without_distinct();
    case step_kind::for_update: return q.for_update();
    case step_kind::filter_kw: {
      auto [text, args] = keyword_filter(s, schema);
      return q.filter(text, std::move(args));
    }
    case step_kind::where_kw: break;
  }
  auto [text, args] = keyword_filter(s, schema);
  return q.where(text, std::move(args));
}

// Runs the terminal and prints its result.
void finish(const query<row>& q, const query_options& o, std::ostream& out) {
  const bool json = o.format == output_format::json;
  auto rows = [&](const result<row>& r) {
    json ? print_rows_json(out, r) : print_rows_table(out, r);
  };
  auto single = [&](const value& v) {
    json ? print_value_json(out, v) : print_value_table(out, v);
  };
  auto one_row = [&](const std::optional<row>& r) {
    json ? print_row_json(out, r) : print_row_table(out, q.columns(), r);
  };
  switch (o.end.kind) {
    case terminal_kind::fetch: return rows(q.fetch());
    case terminal_kind::limit: return rows(q.limit(o.end.first, o.end.second));
    case terminal_kind::page: return rows(q.page(o.end.first, o.end.second));
    case terminal_kind::count: return single(value{q.count(o.distinct_aggregate)});
    // PonyORM's len(q) is len(q.fetch()): the rows, not COUNT(...), which may differ.
    case terminal_kind::len: return single(value{static_cast<std::int64_t>(q.fetch().size())});
    case terminal_kind::count_distinct: return single(value{q.count(true)});
    case terminal_kind::sum: return single(q.sum(o.distinct_aggregate));
    case terminal_kind::sum_distinct: return single(q.sum(true));
    case terminal_kind::avg: return single(q.avg(o.distinct_aggregate));
    case terminal_kind::avg_distinct: return single(q.avg(true));
    case terminal_kind::min: return single(q.min());
    case terminal_kind::max: return single(q.max());
    case terminal_kind::exists: return single(value{q.exists()});
    case terminal_kind::first: return one_row(q.first());
    case terminal_kind::get: return one_row(q.get());
    case terminal_kind::slice: return rows(q.slice(o.end.first, o.end.stop));
    case terminal_kind::random: return rows(q.random(o.end.first));
    case terminal_kind::group_concat:
      return single(q.group_concat(o.end.separator, o.distinct_aggregate));
    case terminal_kind::remove: break;
  }
  single(value{q.remove()});
}

// Everything that talks to the database. The output is held back until the session has
// committed, so that a --delete whose commit fails prints only the error.
std::string run(const query_options& o) {
  check_sqlite_file(o.db, "nextorm query");
  database db;
  db.schema().load_json_file(o.schema);
  bind_without_creating(db, o.db, "nextorm query");
  db.generate_mapping();
  const params args = o.params_json ? parse_params(*o.params_json, db.schema()) : params{};
  std::ostringstream out;
  {
    db_session session{db};
    query<row> q = o.left_join ? left_join<row>(o.query, args) : select<row>(o.query, args);
    for (const step& s : o.steps) q = add_step(q, s, db.schema());
    if (o.sql) {
      out << q.get_sql() << '\n';
    } else {
      finish(q, o, out);
    }
  }
  return out.str();
}

}  // namespace

int run_query_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err,
                      std::istream* /*in*/) {
  query_options options;
  try {
    options = parse_query_args(args);
    if (options.help) {
      out << query_usage();
      return exit_ok;
    }
    out << run(options);
    return exit_ok;
  } catch (const usage_failure& e) {
    err << "nextorm query: " << e.what() << "\nRun 'nextorm query --help' for usage.\n";
    return exit_usage;
  } catch (const std::exception& e) {
    if (options.format == output_format::json) {
      err << error_json(e) << '\n';
    } else {
      err << e.what() << '\n';
    }
    return exit_failed;
  }
}

}  // namespace nextorm::cli
