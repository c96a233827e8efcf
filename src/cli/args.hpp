// The options of `nextorm query`, parsed by hand because their order is the order of the query's
// method chain.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm::cli {

enum class output_format { table, json };

// A method of the chain that returns a new query.
enum class step_kind {
  filter,
  where,
  order_by,
  sort_by,
  distinct,
  without_distinct,
  for_update,
  filter_kw,  // text: a JSON object of attributes and values
  where_kw,
};

struct step {
  step_kind kind;
  std::string text;  // empty for distinct, without_distinct and for_update
  friend bool operator==(const step&, const step&) = default;
};

// The method that runs the query.
enum class terminal_kind {
  fetch,
  limit,
  page,
  count,
  count_distinct,
  sum,
  sum_distinct,
  avg,
  avg_distinct,
  min,
  max,
  exists,
  first,
  get,
  remove,
  slice,
  random,
  group_concat,
  len,
};

struct terminal {
  terminal_kind kind = terminal_kind::fetch;
  std::string option;                // as written ("--count"), empty for the default fetch
  std::int64_t first = 0;            // --limit N, --page P
  std::int64_t second = 0;           // --limit ,OFFSET, --page ,SIZE
  std::optional<std::int64_t> stop;  // --slice :B; none reads to the end
  std::string separator = ",";       // --group-concat=SEP
};

struct query_options {
  bool help = false;
  std::string db;
  std::string schema;
  std::string query;
  std::optional<std::string> params_json;
  output_format format = output_format::table;
  bool sql = false;
  std::vector<step> steps;
  terminal end;
  bool distinct_aggregate = false;  // --distinct-agg
  bool left_join = false;           // --left-join
};

// Parses the arguments after `query`. Throws usage_failure for anything wrong. At --help it
// stops and returns with `help` set: what follows is not checked.
[[nodiscard]] query_options parse_query_args(std::span<const std::string_view> args);

// The text of `nextorm query --help`.
[[nodiscard]] std::string_view query_usage() noexcept;

}  // namespace nextorm::cli
