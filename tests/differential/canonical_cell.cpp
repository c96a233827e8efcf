// The canonical text of a value, as pony_run.py and roundtrip.py write PonyORM's values.
#include "canonical_cell.hpp"

#include <nextorm/types.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

namespace differential {

namespace {

using json = nlohmann::json;
using nextorm::value;
using nextorm::value_type;

std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string number_text(double d, int digits) {
  if (d == 0) d = 0;  // -0 prints as 0, as in Python's side
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, d);
  return buffer;
}

std::string decimal_text(std::string text) {
  if (text.find('.') != std::string::npos) {
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
  }
  if (text.empty() || text == "-0") return "0";
  return text;
}

// Python's str(datetime) and str(time): a space between date and time, and a fraction of six
// digits or none at all when it is zero. PostgreSQL and MariaDB print only the digits that are
// not trailing zeros (.783), SQLite what was stored.
std::string fraction_text(std::string text) {
  const std::size_t dot = text.rfind('.');
  if (dot == std::string::npos || text.find(':') == std::string::npos || dot < text.rfind(':')) {
    return text;
  }
  const std::string digits = text.substr(dot + 1);
  if (digits.find_first_not_of('0') == std::string::npos) return text.substr(0, dot);
  return text.substr(0, dot + 1) +
         (digits + "000000").substr(0, std::max<std::size_t>(6, digits.size()));
}

std::string datetime_text(std::string text) {
  if (text.size() > 10 && text[10] == 'T') text[10] = ' ';
  return fraction_text(text);
}

std::string uuid_text(const std::string& stored) {
  if (stored.size() != 16) {
    std::string lower = stored;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
  }
  const std::string h = hex(stored);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string json_text(const std::string& stored) {
  try {
    return json::parse(stored).dump();
  } catch (const json::exception&) {
    return stored;
  }
}

}  // namespace

std::string canonical(const value& v, int float_digits) {
  switch (v.type()) {
    case value_type::null: return "None";
    case value_type::integer: return "i:" + std::to_string(v.as_int());
    case value_type::real: return "f:" + number_text(v.as_real(), float_digits);
    case value_type::boolean: return v.as_bool() ? "b:True" : "b:False";
    case value_type::text: return "s:" + v.as_text();
    case value_type::decimal: return "dec:" + decimal_text(v.as_text());
    case value_type::date: return "d:" + v.as_text();
    case value_type::datetime: return "dt:" + datetime_text(v.as_text());
    case value_type::time: return "t:" + fraction_text(v.as_text());
    case value_type::bytes: return "x:" + hex(v.as_text());
    case value_type::uuid: return "u:" + uuid_text(v.as_text());
    case value_type::json: return "j:" + json_text(v.as_text());
    case value_type::interval:
      return "td:" + nextorm::timedelta_text(std::chrono::microseconds{v.as_microseconds()});
    case value_type::tuple: {
      // A key of keys is flat, as PonyORM's get_pk() gives it: ((A1, 9), 2) is (A1, 9, 2).
      std::string out = "(";
      for (const value& part : v.as_tuple()) {
        std::string text = canonical(part, float_digits);
        if (part.type() == value_type::tuple) text = text.substr(1, text.size() - 2);
        out += (out.size() == 1 ? "" : ",") + text;
      }
      return out + ")";
    }
  }
  return "unknown";
}

}  // namespace differential
