// How results and errors look: a table for people, JSON for programs.
#pragma once

#include <nextorm/query.hpp>
#include <nextorm/value.hpp>

#include <nlohmann/json.hpp>

#include <exception>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace nextorm::cli {

// For tables: None, True/False, 3, 2.5 (Python's repr), strings and dates as they are, decimals
// with their exact digits, bytes as lower-case hex. Newlines become spaces, as in PonyORM.
[[nodiscard]] std::string render_text(const value& v);

// For JSON: null, true/false, numbers; strings, dates, times, uuids and decimals (exact) as
// strings; bytes as a lower-case hex string; a json value as the JSON it holds.
[[nodiscard]] nlohmann::ordered_json to_json(const value& v);

// PonyORM's show(): a header, a '+'-joined line of dashes, then the rows, with '|' between
// columns padded to the widest cell (counted in UTF-8 characters). A row shorter than the header
// leaves its last cells empty.
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

// A fetched result: a table, or {"columns":[...],"rows":[[...],...]}.
void print_rows_table(std::ostream& out, const result<row>& rows);
void print_rows_json(std::ostream& out, const result<row>& rows);

// The result of --first and --get: nothing (None / null), or the row: a table of one row under
// the result's column names / the value of one item or a JSON list of several.
void print_row_table(std::ostream& out, const std::vector<std::string>& header,
                     const std::optional<row>& r);
void print_row_json(std::ostream& out, const std::optional<row>& r);

// A single value: as in a table cell, or {"value": ...}.
void print_value_table(std::ostream& out, const value& v);
void print_value_json(std::ostream& out, const value& v);

// {"error":{"id":..,"category":..,"message":..[,"line":..,"column":..]}} for any exception;
// ids and categories of exceptions that are not nextorm::error are "internal".
[[nodiscard]] std::string error_json(const std::exception& e);

}  // namespace nextorm::cli
