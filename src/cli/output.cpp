#include "cli/output.hpp"

#include <nextorm/errors.hpp>

#include <algorithm>

namespace nextorm::cli {
namespace {

using json = nlohmann::ordered_json;  // keys in the order written

std::string to_hex(const std::string& bytes) {
  constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4];
    out += digits[b & 0xf];
  }
  return out;
}

// Invalid UTF-8 from the database becomes U+FFFD rather than an exception.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::size_t display_width(const std::string& text) {
  // Count every byte that does not continue a UTF-8 sequence.
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

}  // namespace

std::string render_text(const value& v) {
  std::string text;
  switch (v.type()) {
    case value_type::null:
    case value_type::integer:
    case value_type::real:
    case value_type::boolean: return v.repr();
    case value_type::bytes: return to_hex(v.as_text());
    default: text = v.as_text(); break;
  }
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

json to_json(const value& v) {
  switch (v.type()) {
    case value_type::null: return nullptr;
    case value_type::integer: return v.as_int();
    case value_type::real: return v.as_real();  // NaN and infinities dump as null
    case value_type::boolean: return v.as_bool();
    case value_type::bytes: return to_hex(v.as_text());
    case value_type::json: {
      json parsed = json::parse(v.as_text(), nullptr, false);
      return parsed.is_discarded() ? json(v.as_text()) : parsed;
    }
    default: return v.as_text();
  }
}

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& name : header) widths.push_back(display_width(name));
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < widths.size() && i < r.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(r[i]));
    }
  }
  // The last column is not padded: no trailing spaces.
  auto line = [&](const auto& cell_at, char separator, char pad) {
    for (std::size_t i = 0; i < widths.size(); ++i) {
      if (i != 0) out << separator;
      const std::string cell = cell_at(i);
      out << cell;
      if (i + 1 < widths.size()) out << std::string(widths[i] - display_width(cell), pad);
    }
    out << '\n';
  };
  line([&](std::size_t i) { return header[i]; }, '|', ' ');
  line([&](std::size_t i) { return std::string(widths[i], '-'); }, '+', '-');
  for (const auto& r : rows) {
    line([&](std::size_t i) { return i < r.size() ? r[i] : std::string{}; }, '|', ' ');
  }
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

void print_row_table(std::ostream& out, const std::optional<row>& r) {
  if (!r) {
    out << "None\n";
    return;
  }
  for (std::size_t i = 0; i < r->size(); ++i) out << (i == 0 ? "" : "|") << render_text((*r)[i]);
  out << '\n';
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
