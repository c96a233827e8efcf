#include "exec/bind_values.hpp"

#include <nextorm/errors.hpp>

#include <nextorm/types.hpp>

#include "ir/expr.hpp"
#include "schema/key_values.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

namespace nextorm::exec {

namespace {

// A value the provider can take, or a usage_error naming the parameter.
// `name` is empty for a constant of the query text.
const value& checked(const value& v, std::string_view name, value_limits limits) {
  auto what = [&] {
    return name.empty() ? std::string{"a constant of the query"}
                        : "parameter '" + std::string{name} + "'";
  };
  if (v.type() == value_type::real) {
    const double d = v.as_real();
    if (std::isnan(d)) {
      throw usage_error("param.nan", what() +
                                         " is NaN, which no provider compares as Python does; "
                                         "test for it in C++ before the query");
    }
    if (std::isinf(d) && !limits.infinity) {
      throw usage_error("param.infinity", what() + " is " + (d > 0 ? "inf" : "-inf") + ", which " +
                                              std::string{limits.provider} +
                                              " cannot store or compare");
    }
  } else if (!limits.nul_in_text && v.type() != value_type::null && v.type() != value_type::bytes &&
             v.type() != value_type::integer && v.type() != value_type::boolean &&
             v.type() != value_type::interval && v.as_text().find('\0') != std::string::npos) {
    throw usage_error("param.nul", what() + " holds a NUL character, which " +
                                       std::string{limits.provider} +
                                       " cannot store in text (so no stored text could match "
                                       "it)");
  }
  return v;
}

// Python's clock for date.today(), datetime.now() (local time) and datetime.utcnow().
value clock_value(std::string_view which) {
  using namespace std::chrono;
  const auto now = time_point_cast<microseconds>(system_clock::now());
  if (which.ends_with("utcnow()"))
    return value::typed(value_type::datetime, to_string(datetime{now}));
  const std::time_t whole_seconds = system_clock::to_time_t(now);
  std::tm local{};
  ::localtime_r(&whole_seconds, &local);
  const date day{local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                 static_cast<unsigned>(local.tm_mday)};
  if (which.starts_with("date.")) return value::typed(value_type::date, to_string(day));
  const auto micros = static_cast<int>((now.time_since_epoch() % seconds{1}).count());
  const time_of_day clock{local.tm_hour, local.tm_min, std::min(local.tm_sec, 59), micros};
  return value::typed(value_type::datetime, to_string(datetime{day, clock}));
}

[[noreturn]] void throw_changed(const std::string& name) {
  throw usage_error("param.changed",
                    "parameter '" + name + "' changed shape since the query was compiled");
}

// An entity parameter binds its key; a scalar itself.
value scalar_of(const param_value& p, const std::string& name, value_limits limits) {
  if (p.is_entity()) return checked(p.entity().key, name, limits);
  if (p.is_scalar()) return checked(p.scalar(), name, limits);
  throw usage_error("param.sequence",
                    "parameter '" + name + "' is a sequence or a query where a value is needed");
}

// Column `part` of the key of an object whose key has several attributes (a key of keys: the
// columns of its parts, in order). (The binder typed the parameter as such an object: it is one,
// though an entity_ref may hold any key.)
value key_part_of(const param_value& p, std::size_t part, const std::string& name,
                  value_limits limits) {
  const value& whole = p.entity().key;
  if (whole.type() == value_type::tuple) {
    const std::vector<value>& parts = whole.as_tuple();
    // (Flattened only for a key of keys, which nests the referred key: every execution binds
    // these.)
    const bool nested = std::any_of(parts.begin(), parts.end(),
                                    [](const value& v) { return v.type() == value_type::tuple; });
    if (!nested && part < parts.size()) return checked(parts[part], name, limits);
    if (nested) {
      const std::vector<value> columns = detail::key_column_values(whole);
      if (part < columns.size()) return checked(columns[part], name, limits);
    }
  }
  throw usage_error("param.key_shape",
                    "parameter '" + name +
                        "' stands for an object whose key has several attributes: pass the "
                        "object itself (or an entity_ref with its whole key), not " +
                        whole.repr());
}

// The parameter `name` of `args`; `q.x` is the parameter x of the query passed as q.
const param_value* find_param(const params& args, std::string_view name) {
  if (auto found = args.find(name); found != args.end()) return &found->second;
  const std::size_t dot = name.find('.');
  if (dot == std::string_view::npos) return nullptr;
  auto outer = args.find(name.substr(0, dot));
  if (outer == args.end() || !outer->second.is_query()) return nullptr;
  return find_param(outer->second.query().args, name.substr(dot + 1));
}

// The 16 bytes of a uuid's text (32 hex digits, dashes and braces ignored); a text that is not
// a uuid stays as it is, as does a value of another type. (Text never gets here: a plan is made
// for its parameters' types, and only a uuid parameter has a slot for the bytes.)
value uuid_bytes(const value& v) {
  if (v.type() != value_type::uuid) return v;
  std::string bytes;
  int high = -1;
  for (char c : v.as_text()) {
    if (c == '-' || c == '{' || c == '}') continue;
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0) return v;
    if (high < 0) {
      high = digit;
    } else {
      bytes += static_cast<char>(high * 16 + digit);
      high = -1;
    }
  }
  if (bytes.size() != 16 || high >= 0) return v;
  return value::typed(value_type::bytes, std::move(bytes));
}

}  // namespace

std::vector<value> bind_values(const lower::plan& plan, const params& args,
                               std::optional<std::int64_t> limit,
                               std::optional<std::int64_t> offset, value_limits limits) {
  std::vector<value> out;
  out.reserve(plan.params.size());
  for (const auto& slot : plan.params) {
    switch (slot.from) {
      case lower::param_slot::source::constant:
        out.push_back(checked(slot.constant, {}, limits));
        break;
      case lower::param_slot::source::limit:
        // No limit with an offset: the dialects need some number; the largest is "all".
        out.emplace_back(limit.value_or(INT64_MAX));
        break;
      case lower::param_slot::source::offset: out.emplace_back(offset.value_or(0)); break;
      case lower::param_slot::source::named: {
        const param_value* found = find_param(args, slot.name);
        if (found == nullptr && slot.name.starts_with(ir::clock_parameter_prefix)) {
          out.push_back(
              clock_value(std::string_view{slot.name}.substr(ir::clock_parameter_prefix.size())));
          break;
        }
        if (found == nullptr) {
          throw usage_error("param.missing", "no value passed for parameter '" + slot.name +
                                                 "'; pass it with the query's parameters");
        }
        const param_value& item =
            slot.element && found->is_sequence() && *slot.element < found->sequence().size()
                ? found->sequence()[*slot.element]
                : *found;
        // (An element past the sequence's end: the sequence is shorter than when compiled.)
        if (slot.element && &item == found) throw_changed(slot.name);
        if (slot.key_part) {
          out.push_back(key_part_of(item, *slot.key_part, slot.name, limits));
          break;
        }
        out.push_back(scalar_of(item, slot.name, limits));
        if (slot.uuid_bytes) out.back() = uuid_bytes(out.back());
        // (The plan was made for an interval parameter: a None one is the literal NULL.)
        if (slot.interval_micros) out.back() = value{out.back().as_microseconds()};
        break;
      }
    }
  }
  return out;
}

}  // namespace nextorm::exec
