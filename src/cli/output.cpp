#include "cli/output.hpp"

#include "common/utf8.hpp"
#include "session/show.hpp"

#include <nextorm/errors.hpp>

#include <algorithm>
#include <cmath>

namespace nextorm::cli {
namespace {

using json = nlohmann::ordered_json;  // keys in the order written

// Invalid UTF-8 from the database becomes U+FFFD rather than an exception.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

// The table forms print text as text: bytes that are not UTF-8 become U+FFFD.
std::string render_text(const value& v) { return valid_utf8(detail::render_text(v)); }

json to_json(const value& v) {
  switch (v.type()) {
    case value_type::null: return nullptr;
    case value_type::integer: return v.as_int();
    case value_type::real: {
      // JSON has no infinity nor NaN (they would dump as null, which is None): Python's repr.
      const double d = v.as_real();
      if (std::isfinite(d)) return d;
      return std::isnan(d) ? "nan" : d > 0 ? "inf" : "-inf";
    }
    case value_type::boolean: return v.as_bool();
    case value_type::bytes:
    case value_type::interval: return detail::render_text(v);
    case value_type::json: {
      json parsed = json::parse(v.as_text(), nullptr, false);
      return parsed.is_discarded() ? json(v.as_text()) : parsed;
    }
    case value_type::tuple: {  // a composite key: a list, as PonyORM's tuple in JSON
      json parts = json::array();
      for (const value& part : v.as_tuple()) parts.push_back(to_json(part));
      return parts;
    }
    default: return v.as_text();
  }
}

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  // Column names come from the query text and cells from render_text(), both valid UTF-8 unless
  // a caller passes its own: checked here once more, it is only text for people.
  std::vector<std::string> names;
  for (const std::string& name : header) names.push_back(valid_utf8(name));
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows.size());
  for (const auto& line : rows) {
    auto& copy = cells.emplace_back();
    for (const std::string& cell : line) copy.push_back(valid_utf8(cell));
  }
  detail::print_table(out, names, cells);
}

void print_rows_table(std::ostream& out, const result<row>& rows) {
  std::vector<std::vector<std::string>> cells;
  for (const row& r : rows) {
    std::vector<std::string> line;
    for (const value& v : r) line.push_back(render_text(v));
    cells.push_back(std::move(line));
  }
  print_table(out, rows.columns(), cells);
}

void print_rows_json(std::ostream& out, const result<row>& rows) {
  json items = json::array();
  for (const row& r : rows) {
    json line = json::array();
    for (const value& v : r) line.push_back(to_json(v));
    items.push_back(std::move(line));
  }
  out << dump(json{{"columns", rows.columns()}, {"rows", std::move(items)}}) << '\n';
}

void print_row_table(std::ostream& out, const std::vector<std::string>& header,
                     const std::optional<row>& r) {
  if (!r) {
    out << "None\n";
    return;
  }
  std::vector<std::string> line;
  for (const value& v : *r) line.push_back(render_text(v));
  print_table(out, header, {line});
}

void print_row_json(std::ostream& out, const std::optional<row>& r) {
  json v;  // null
  if (r && r->size() == 1) {
    v = to_json(r->front());
  } else if (r) {
    v = json::array();
    for (const value& item : *r) v.push_back(to_json(item));
  }
  out << dump(json{{"value", std::move(v)}}) << '\n';
}

void print_value_table(std::ostream& out, const value& v) { out << render_text(v) << '\n'; }

void print_value_json(std::ostream& out, const value& v) {
  out << dump(json{{"value", to_json(v)}}) << '\n';
}

std::string error_json(const std::exception& e) {
  json body;
  if (const auto* error = dynamic_cast<const nextorm::error*>(&e)) {
    body = {{"id", error->id()},
            {"category", category_name(error->category())},
            {"message", error->message()}};
    if (const auto* located = dynamic_cast<const query_error*>(&e)) {
      body["line"] = located->line();
      body["column"] = located->column();
    }
  } else {
    body = {{"id", "internal"}, {"category", "internal"}, {"message", e.what()}};
  }
  return dump(json{{"error", std::move(body)}});
}

}  // namespace nextorm::cli
