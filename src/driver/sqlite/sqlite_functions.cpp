// Python's string semantics work on code points: these functions decode UTF-8, map or cut, and
// encode again. Case mapping uses the C.UTF-8 locale's tables (one code point to one), plus
// Python's 'ß'.upper() == 'SS'.
#include "driver/sqlite/sqlite_functions.hpp"

#include "common/utf8.hpp"

#include "driver/sqlite/sqlite_connection.hpp"

#include <locale.h>
#include <wctype.h>
#include <clocale>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm::driver {

namespace {

// Ill-formed UTF-8 (text written by another program) decodes byte by byte to U+DC80..U+DCFF,
// as Python's errors="surrogateescape", and encodes back to the same bytes: case mapping and
// slicing leave those bytes as they were and never join them with the characters after them.
constexpr char32_t escaped_byte = 0xDC00;

std::vector<char32_t> decode(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  while (!s.empty()) {
    const auto lead = static_cast<unsigned char>(s.front());
    const int length = utf8_sequence_length(s);
    if (length < 0) {
      out.push_back(escaped_byte + lead);
      s.remove_prefix(1);
      continue;
    }
    // The lead byte keeps 7, 5, 4 or 3 bits for sequences of 1, 2, 3 or 4 bytes.
    char32_t cp = lead & (0xFFu >> (length == 1 ? 1 : length + 1));
    for (int k = 1; k < length; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[static_cast<std::size_t>(k)]) & 0x3Fu);
    }
    out.push_back(cp);
    s.remove_prefix(static_cast<std::size_t>(length));
  }
  return out;
}

void encode(std::string& out, char32_t cp) {
  if (cp >= escaped_byte + 0x80 && cp <= escaped_byte + 0xFF) {
    out += static_cast<char>(cp - escaped_byte);
  } else {
    append_utf8(out, static_cast<std::uint32_t>(cp));
  }
}

// glibc's C.UTF-8 tables map every script's letters; without that locale, the C locale's.
locale_t utf8_locale() {
  static const locale_t l = [] {
    locale_t found = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    if (found == static_cast<locale_t>(nullptr)) {  // coverage-exempt: Debian always has C.UTF-8
      found = newlocale(LC_CTYPE_MASK, "C", static_cast<locale_t>(nullptr));
    }
    return found;
  }();
  return l;
}

// Null only for SQL NULL, which the callers handle first; a zero-length value is "".
std::string_view text_arg(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return {p, static_cast<std::size_t>(sqlite3_value_bytes(v))};
}

void change_case(sqlite3_context* ctx, int, sqlite3_value** argv, bool upper) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string_view s = text_arg(argv[0]);
  std::string out;
  out.reserve(s.size());
  locale_t loc = utf8_locale();
  for (char32_t cp : decode(s)) {
    if (upper && cp == U'\u00DF') {
      out += "SS";
      continue;
    }
    const auto c = static_cast<wint_t>(cp);
    encode(out, static_cast<char32_t>(upper ? towupper_l(c, loc) : towlower_l(c, loc)));
  }
  sqlite3_result_text64(ctx, out.data(), out.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void py_upper(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  change_case(ctx, argc, argv, true);
}
void py_lower(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  change_case(ctx, argc, argv, false);
}

void power(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    return sqlite3_result_null(ctx);
  }
  double r = std::pow(sqlite3_value_double(argv[0]), sqlite3_value_double(argv[1]));
  if (std::isnan(r)) return sqlite3_result_null(ctx);
  sqlite3_result_double(ctx, r);
}

// Python's s[start:stop] (NULL bounds are absent ones), on code points.
void py_string_slice(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::vector<char32_t> s = decode(text_arg(argv[0]));
  auto n = static_cast<std::int64_t>(s.size());
  auto bound = [&](sqlite3_value* v, std::int64_t absent) {
    if (sqlite3_value_type(v) == SQLITE_NULL) return absent;
    std::int64_t b = sqlite3_value_int64(v);
    if (b < 0) b += n;
    return b < 0 ? 0 : b > n ? n : b;
  };
  std::int64_t start = bound(argv[1], 0);
  std::int64_t stop = bound(argv[2], n);
  std::string out;
  for (std::int64_t i = start; i < stop; ++i) encode(out, s[static_cast<std::size_t>(i)]);
  sqlite3_result_text64(ctx, out.data(), out.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

// Python's `x in s`, s.startswith(x), s.endswith(x) on the bytes with their lengths, which a
// NUL character does not end (it ends SQLite's LIKE pattern and string). UTF-8 is
// self-synchronising, so byte matches are code point matches.
template <class Test>
void affix(sqlite3_context* ctx, sqlite3_value** argv, Test test) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    return sqlite3_result_null(ctx);
  }
  sqlite3_result_int(ctx, test(text_arg(argv[0]), text_arg(argv[1])) ? 1 : 0);
}
void py_contains(sqlite3_context* ctx, int, sqlite3_value** argv) {
  affix(ctx, argv,
        [](std::string_view s, std::string_view x) { return s.find(x) != std::string_view::npos; });
}
void py_startswith(sqlite3_context* ctx, int, sqlite3_value** argv) {
  affix(ctx, argv, [](std::string_view s, std::string_view x) { return s.starts_with(x); });
}
void py_endswith(sqlite3_context* ctx, int, sqlite3_value** argv) {
  affix(ctx, argv, [](std::string_view s, std::string_view x) { return s.ends_with(x); });
}

}  // namespace

void register_sqlite_functions(sqlite3* db) {
  struct entry {
    const char* name;
    int args;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
  };
  static constexpr entry functions[] = {
      {"py_upper", 1, &py_upper},
      {"py_lower", 1, &py_lower},
      {"power", 2, &power},
      {"py_string_slice", 3, &py_string_slice},
      {"py_contains", 2, &py_contains},
      {"py_startswith", 2, &py_startswith},
      {"py_endswith", 2, &py_endswith},
  };
  for (const entry& f : functions) {
    int rc = sqlite3_create_function_v2(db, f.name, f.args,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                        nullptr, f.fn, nullptr, nullptr, nullptr);
    // The names and arguments are fixed and the connection is new: only memory can run out.
    if (rc != SQLITE_OK) {  // coverage-exempt: sqlite3_create_function_v2 out of memory
      throw_sqlite_error(db, rc, std::string{"cannot register "} + f.name);
    }
  }
  register_decimal_aggregates(db);
  register_interval_functions(db);
  // PonyORM's LIKE (startswith, endswith, `in` of strings) is case-sensitive, as Python's.
  int rc = sqlite3_exec(db, "PRAGMA case_sensitive_like = ON", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {  // coverage-exempt: a fixed PRAGMA fails only out of memory
    throw_sqlite_error(db, rc, "cannot make LIKE case-sensitive");
  }
}

}  // namespace nextorm::driver
