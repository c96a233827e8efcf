// Python's string semantics work on code points: these functions decode UTF-8, map or cut, and
// encode again. Case mapping uses the C.UTF-8 locale's tables (one code point to one), plus
// Python's 'ß'.upper() == 'SS'.
#include "driver/sqlite/sqlite_functions.hpp"

#include "common/utf8.hpp"

#include "driver/sqlite/sqlite_connection.hpp"

#include <clocale>
#include <cmath>
#include <cstdint>
#include <locale.h>
#include <string>
#include <string_view>
#include <vector>
#include <wctype.h>

namespace nextorm::driver {

namespace {

// Decodes UTF-8 leniently: an invalid byte stands for itself (as U+FFFD would lose it).
std::vector<char32_t> decode(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (extra > 0 && i + static_cast<std::size_t>(extra) >= s.size()) extra = 0;  // truncated
    char32_t cp = extra == 0 ? c : c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += 1 + static_cast<std::size_t>(extra);
  }
  return out;
}

locale_t utf8_locale() {
  static const locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return l;
}

std::string_view text_arg(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return p == nullptr ? std::string_view{}
                      : std::string_view{p, static_cast<std::size_t>(sqlite3_value_bytes(v))};
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
    wint_t mapped = static_cast<wint_t>(cp);
    if (loc != static_cast<locale_t>(nullptr)) {
      mapped = upper ? towupper_l(mapped, loc) : towlower_l(mapped, loc);
    } else if (cp < 0x80) {
      mapped = upper ? towupper(mapped) : towlower(mapped);
    }
    append_utf8(out, static_cast<std::uint32_t>(mapped));
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
  for (std::int64_t i = start; i < stop; ++i) append_utf8(out, s[static_cast<std::size_t>(i)]);
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
    if (rc != SQLITE_OK) throw_sqlite_error(db, rc, std::string{"cannot register "} + f.name);
  }
  register_decimal_aggregates(db);
  // PonyORM's LIKE (startswith, endswith, `in` of strings) is case-sensitive, as Python's.
  int rc = sqlite3_exec(db, "PRAGMA case_sensitive_like = ON", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw_sqlite_error(db, rc, "cannot make LIKE case-sensitive");
}

}  // namespace nextorm::driver
