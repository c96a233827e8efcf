// libFuzzer target: the whole compile pipeline. One input describes a query as the session would
// hand it to the compiler: its text, its method chain, its terminal, its limit and offset, and
// its parameters. It is compiled through the plan cache for SQLite, PostgreSQL and MariaDB (each
// with its own names; the latter two unless SQLite refused it for a reason no dialect changes),
// and its values bound as a run would bind them. Every text that parses is
// also printed with ast::to_string and parsed again: the trees must be equal.
//
// The input is lines. A line starting with one of the keys below is that part of the query; any
// other line is (more of) the query text, so a file holding just a query is an input too.
//
//   query: TEXT            more of the query text (a generator, or a condition with `entity:`)
//   entity: NAME           Product.select(...) form: the text is a condition or a lambda
//   filter: TEXT  where: TEXT  order_by: TEXT  separator: TEXT  for_update: nowait
//   assign: ATTR=TEXT      a column the update terminal sets
//   distinct:  without_distinct:
//   repeat N: TEXT         TEXT N times more (up to 4 KB), after the query text or the last
//                          method's text
//   terminal: count        fetch count sum avg min max exists first get remove group_concat
//                          update
//   distinct_aggregate:    count/sum/avg of distinct values
//   limit: N  offset: N    64-bit integers, as query::limit(n, offset) passes them
//   disable: PASS          an optimizer pass to leave out (a second compile without it)
//   param NAME: VALUE      a parameter:
//     none | int N | float X | str TEXT | bool true | decimal T | date T | datetime T | time T
//     | uuid T | bytes HEX | json T | entity ENTITY VALUE | seq VALUE, VALUE, ...
//     | nest N VALUE (a sequence in a sequence ... N deep, N <= 300) | wide N VALUE (N elements)
//     | query TEXT | equery ENTITY (a query passed as a parameter; its parameters are the
//       ones given before it)
//   qfilter: T  qwhere: T  qorder_by: T  qdistinct:   a method of the last query parameter
//
// Findings: an exception other than query_error and usage_error, a plan cache that compiles
// twice, bound values that do not match the plan's slots, a round trip that changes the tree,
// a crash, a sanitizer report, or a hang.
#include <nextorm/database.hpp>
#include <nextorm/errors.hpp>
#include <nextorm/json.hpp>
#include <nextorm/query.hpp>
#include <nextorm/session.hpp>
#include <nextorm/types.hpp>

#include "ast/ast.hpp"
#include "compile/compiler.hpp"
#include "compile/plan_cache.hpp"
#include "exec/bind_values.hpp"
#include "fuzz_schema.hpp"
#include "parse/parser.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace nextorm;
using ir::modifier_kind;

// nest N: three times the session's limit (param.too_deep at 100). Not 10,000: param_value's
// copy and destructor recurse (include/nextorm/params.hpp), about 22 frames and 8 KB of stack a
// level in the debug ASan build, so a value 1,000 deep already overflows the stack in the
// caller's own copy, before NextORM sees it. (The gcc debugoptimized build copes with 10,000.)
constexpr std::size_t max_nest = 300;
constexpr std::size_t max_wide = 10'000;  // wide N: as many elements as `IN (...)` takes
// repeat N: the longest text it makes. The parser's own limit (100,000 bytes) is a length check;
// what takes time is parsing: about 0.3 ms a byte in the instrumented debug build (the gcc
// debugoptimized build is 500 times faster), so 80 KB of `+ 1` took 22 s, a false hang.
constexpr std::size_t max_text = 4'096;
constexpr std::size_t max_params = 64;  // param lines used

struct param_def {
  std::string name;
  std::string value;  // "int 5", "seq int 1, str a", ...
  std::vector<std::pair<modifier_kind, std::string>> query_modifiers;  // qfilter: ...
};

struct input {
  ir::query_spec spec;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  std::vector<param_def> params;
  std::vector<std::string> disabled;  // optimizer passes
};

std::optional<std::int64_t> to_int(std::string_view text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<std::size_t> to_count(std::string_view text, std::size_t max) {
  std::size_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return std::min(v, max);
}

// "word rest" -> {"word", "rest"}
std::pair<std::string_view, std::string_view> split_word(std::string_view text) {
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return {text, {}};
  return {text.substr(0, space), text.substr(space + 1)};
}

std::optional<ir::terminal> terminal_named(std::string_view name) {
  using terminal_kind = ir::terminal;
  static constexpr std::pair<std::string_view, terminal_kind> names[] = {
      {"fetch", terminal_kind::fetch},
      {"count", terminal_kind::count},
      {"sum", terminal_kind::sum},
      {"avg", terminal_kind::avg},
      {"min", terminal_kind::min},
      {"max", terminal_kind::max},
      {"exists", terminal_kind::exists},
      {"first", terminal_kind::first},
      {"get", terminal_kind::get},
      {"remove", terminal_kind::remove},
      {"group_concat", terminal_kind::group_concat},
      {"update", terminal_kind::update}};
  for (const auto& [n, t] : names) {
    if (n == name) return t;
  }
  return std::nullopt;
}

std::optional<modifier_kind> modifier_named(std::string_view name) {
  static constexpr std::pair<std::string_view, modifier_kind> names[] = {
      {"filter", modifier_kind::filter},
      {"where", modifier_kind::where},
      {"order_by", modifier_kind::order_by},
      {"distinct", modifier_kind::distinct},
      {"without_distinct", modifier_kind::without_distinct},
      {"for_update", modifier_kind::for_update},
      {"separator", modifier_kind::separator},
      {"assign", modifier_kind::assign}};
  for (const auto& [n, k] : names) {
    if (n == name) return k;
  }
  return std::nullopt;
}

input read_input(std::string_view data) {
  input in;
  std::string* last_text = &in.spec.text;
  bool first_text_line = true;
  auto add_text = [&](std::string_view line) {
    if (!first_text_line) in.spec.text += '\n';
    first_text_line = false;
    in.spec.text += line;
    last_text = &in.spec.text;
  };
  while (!data.empty()) {
    const auto newline = data.find('\n');
    const std::string_view line = data.substr(0, newline);
    data = newline == std::string_view::npos ? std::string_view{} : data.substr(newline + 1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      add_text(line);
      continue;
    }
    const std::string_view key = line.substr(0, colon);
    std::string_view text = line.substr(colon + 1);
    if (text.starts_with(' ')) text.remove_prefix(1);
    const auto [word, rest] = split_word(key);
    if (key == "query") {
      add_text(text);
    } else if (key == "entity") {
      in.spec.entity = std::string{text};
    } else if (auto kind = modifier_named(key)) {
      in.spec.modifiers.push_back({*kind, std::string{text}});
      last_text = &in.spec.modifiers.back().text;
    } else if (word == "repeat" && !text.empty()) {
      if (auto n = to_count(rest, max_text)) {
        for (std::size_t i = 0; i < *n && last_text->size() + text.size() <= max_text; ++i) {
          *last_text += text;
        }
      }
    } else if (key == "terminal") {
      if (auto t = terminal_named(text)) in.spec.terminal = *t;
    } else if (key == "distinct_aggregate") {
      in.spec.distinct_aggregate = true;
    } else if (key == "limit") {
      in.limit = to_int(text);
    } else if (key == "offset") {
      in.offset = to_int(text);
    } else if (key == "disable") {
      in.disabled.emplace_back(text);
    } else if (word == "param" && !rest.empty()) {
      if (in.params.size() < max_params) {
        in.params.push_back(param_def{std::string{rest}, std::string{text}, {}});
      }
    } else if (auto qkind = key.starts_with('q') && !in.params.empty()
                                ? modifier_named(key.substr(1))
                                : std::nullopt) {
      in.params.back().query_modifiers.emplace_back(*qkind, std::string{text});
    } else {
      add_text(line);
    }
  }
  in.spec.has_limit = in.limit.has_value();
  in.spec.has_offset = in.offset.has_value() && *in.offset != 0;
  return in;
}

// The database whose session queries passed as parameters are made in (make_query needs a
// current session; as_nested applies the session's rules, such as param.too_deep).
void ensure_session() {
  static database* db = [] {
    auto* d = new database{"sqlite::memory:"};  // lives for the process, as does its session
    d->schema().load_json_text(fuzz::schema_json);
    d->generate_mapping();
    return d;
  }();
  static db_session* session = new db_session{*db};
  (void)session;
}

constexpr std::size_t max_parameter_depth = 100;  // src/session/query_state.cpp

std::size_t depth(const params& args);

// Levels of sequences and queries in `p` (a scalar is 0), as the session counts them.
std::size_t depth(const param_value& p) {
  if (p.is_query()) return 1 + depth(p.query().args);
  if (!p.is_sequence()) return 0;
  std::size_t deepest = 0;
  for (const param_value& element : p.sequence()) deepest = std::max(deepest, depth(element));
  return 1 + deepest;
}

std::size_t depth(const params& args) {
  std::size_t deepest = 0;
  for (const auto& entry : args) deepest = std::max(deepest, depth(entry.second));
  return deepest;
}

// Values all parameters of one input may hold: nest and wide make many from a short text, and
// a million would only make the input slow (a false hang).
constexpr std::size_t max_values = 200'000;
std::size_t values_left = max_values;

bool spend(std::size_t n) {
  if (n > values_left) return false;
  values_left -= n;
  return true;
}

// The values `p` holds (sequences count as one each), counting no further than max_values.
std::size_t values_in(const param_value& p) {
  if (!p.is_sequence()) return 1;
  std::size_t n = 1;
  for (const param_value& element : p.sequence()) {
    n += values_in(element);
    if (n > max_values) break;
  }
  return n;
}

// A parameter value from its text; nothing when the text is not one (a bad date, ...).
std::optional<param_value> build(std::string_view text, const registry& reg, const params& before,
                                 const param_def* def);

std::optional<param_value> build_scalar(std::string_view type, std::string_view v) {
  if (type == "none") return param_value{};
  if (type == "int") {
    if (auto n = to_int(v)) return param_value{*n};
    return std::nullopt;
  }
  if (type == "float") {
    const std::string s{v};
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end == s.c_str()) return std::nullopt;
    return param_value{d};
  }
  if (type == "str") return param_value{std::string{v}};
  if (type == "bool") return param_value{v == "true" || v == "True" || v == "1"};
  if (type == "decimal") return param_value{decimal{v}};
  if (type == "date") return param_value{date{v}};
  if (type == "datetime") return param_value{datetime{v}};
  if (type == "time") return param_value{time_of_day{v}};
  if (type == "uuid") return param_value{uuid{v}};
  if (type == "bytes") return param_value{bytes::from_hex(v)};
  if (type == "json") {
    nlohmann::json j = nlohmann::json::parse(v.begin(), v.end(), nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return param_value{j};
  }
  return std::nullopt;
}

std::optional<param_value> build(std::string_view text, const registry& reg, const params& before,
                                 const param_def* def) {
  const auto [type, rest] = split_word(text);
  if (type == "entity") {
    const auto [name, key_text] = split_word(rest);
    const entity_info* e = reg.find(name);
    auto key = build(key_text, reg, before, nullptr);
    if (e == nullptr || !key || !key->is_scalar()) return std::nullopt;
    return param_value{entity_ref{e, key->scalar()}};
  }
  if (type == "seq") {
    std::vector<param_value> items;
    std::string_view left = rest;
    while (!left.empty() && items.size() < max_wide) {
      const auto comma = left.find(", ");
      if (auto item = build(left.substr(0, comma), reg, before, nullptr)) {
        items.push_back(std::move(*item));
      }
      left = comma == std::string_view::npos ? std::string_view{} : left.substr(comma + 2);
    }
    return param_value{std::move(items)};
  }
  if (type == "nest" || type == "wide") {
    const auto [count, inner] = split_word(rest);
    const auto n = to_count(count, type == "nest" ? max_nest : max_wide);
    auto item = build(inner, reg, before, nullptr);
    // Copies of `item` (wide) or levels (nest) within the input's budget of values.
    if (!n || !item || !spend(type == "wide" ? *n * values_in(*item) : *n)) return std::nullopt;
    if (type == "wide") return param_value{std::vector<param_value>(*n, *item)};
    param_value out = std::move(*item);
    for (std::size_t i = 0; i < *n; ++i) {
      std::vector<param_value> level;  // not {std::move(out)}: an initializer_list copies
      level.push_back(std::move(out));
      out = param_value{std::move(level)};
    }
    return out;
  }
  if (type == "query" || type == "equery") {
    ensure_session();
    auto q = type == "query" ? detail::make_query(std::string{rest}, {}, before)
                             : detail::make_query({}, std::string{rest}, before);
    if (def != nullptr) {
      for (const auto& [kind, t] : def->query_modifiers) {
        q = detail::add_modifier(q, static_cast<int>(kind), t, {});
      }
    }
    auto nested = detail::as_nested(q);
    // The session's rule (param.too_deep): a query passed as a parameter nests less than 100
    // levels of sequences and queries.
    if (depth(nested->args) >= max_parameter_depth) __builtin_trap();
    return param_value{std::move(nested)};
  }
  return build_scalar(type, rest);
}

params build_params(const input& in, const registry& reg) {
  values_left = max_values;
  params out;
  for (const param_def& def : in.params) {
    try {
      if (auto p = build(def.value, reg, out, &def)) out.insert_or_assign(def.name, std::move(*p));
    } catch (const usage_error&) {
      // a value its type refuses (value.bad_date, ...), or param.too_deep
    }
  }
  return out;
}

// Parses, prints, parses again: the trees must be equal and print alike.
void check_round_trip(const std::string& text, bool generator) {
  auto parse = [generator](std::string_view t) {
    return generator ? parse::parse_generator(t) : parse::parse_expression(t);
  };
  ast::node_ptr first;
  try {
    first = parse(text);
  } catch (const query_error&) {
    return;
  }
  const std::string printed = ast::to_string(*first);
  ast::node_ptr second;
  try {
    second = parse(printed);
  } catch (const query_error&) {
    __builtin_trap();  // the printed text of a tree does not parse
  }
  if (!ast::equals(*first, *second) || ast::hash(*first) != ast::hash(*second)) __builtin_trap();
  if (ast::to_string(*second) != printed) __builtin_trap();
  const ast::node_ptr copy = ast::clone(*first);
  if (!ast::equals(*copy, *first)) __builtin_trap();
}

// Compiles for one dialect; false when the query is refused for a reason that is not the
// dialect's (a syntax, name or type error: the other dialects would only repeat it).
bool compile_for(const input& in, const registry& reg, const lower::dialect& d) {
  const params args = build_params(in, reg);
  // The parameters pass the session's check when the query is made (param.too_deep), as
  // select() passes them.
  ensure_session();
  try {
    (void)detail::make_query({}, {}, args);
  } catch (const usage_error&) {
    return false;
  }
  compile::plan_cache cache;
  std::shared_ptr<const lower::plan> plan;
  try {
    plan = cache.get(in.spec, reg, d, args);
  } catch (const query_error& e) {
    return e.category() == error_category::unsupported;
  } catch (const usage_error&) {
    return false;
  }
  if (cache.get(in.spec, reg, d, args) != plan || cache.misses() != 1) __builtin_trap();
  try {
    const std::vector<value> values =
        exec::bind_values(*plan, args, in.limit, in.spec.has_offset ? in.offset : std::nullopt,
                          {d.stores_infinity(), d.stores_nul_in_text(), d.name()});
    if (values.size() != plan->params.size()) __builtin_trap();
  } catch (const usage_error&) {
    // param.nan, param.infinity, param.nul, param.missing
  }
  if (!in.disabled.empty()) {
    compile::compile_options options;
    options.disabled_passes.assign(in.disabled.begin(), in.disabled.end());
    try {
      (void)compile::compile_query(in.spec, reg, d, args, options);
    } catch (const query_error&) {
    } catch (const usage_error&) {
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto sqlite_schema = fuzz::make_schema("sqlite");
  static const auto postgres_schema = fuzz::make_schema("postgres");
  static const auto mariadb_schema = fuzz::make_schema("mariadb");

  const input in = read_input({reinterpret_cast<const char*>(data), size});

  check_round_trip(in.spec.text, in.spec.entity.empty());
  for (const auto& m : in.spec.modifiers) {
    if (m.kind == modifier_kind::filter || m.kind == modifier_kind::where ||
        m.kind == modifier_kind::order_by) {
      check_round_trip(m.text, false);
    }
  }

  if (compile_for(in, *sqlite_schema, lower::sqlite_dialect())) {
    (void)compile_for(in, *postgres_schema, lower::postgres_dialect());
    (void)compile_for(in, *mariadb_schema, lower::mariadb_dialect());
  }
  return 0;
}
