// Runs tests/errors/syntax.txt: each malformed query must fail with exactly the expected what()
// text (id, message, line and column, the query line and the caret line). A failing case
// prints its file and line.
#include "parse/parser.hpp"

#include <nextorm/errors.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct error_case {
  std::size_t line = 0;   // where the case starts in the file
  bool generator = true;  // parse_generator, or parse_expression for `expr>`
  std::string query;
  std::string expected;
};

std::string rtrim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

// Trailing whitespace is not significant (editors strip it), so each line is trimmed on both
// sides of the comparison.
std::string normalize(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (start > 0) out += '\n';
    out += rtrim(text.substr(start, end - start));
    start = end + 1;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// The format: a case starts with `gen> query` or `expr> query` on one line; or with `gen>` (or
// `expr>`) alone, the query's lines, and a line `---`. The expected what() text follows, up to
// the next case. Lines starting with '#' between cases are comments.
std::vector<error_case> read_cases(const std::string& path) {
  std::ifstream in{path};
  REQUIRE(in.good());
  std::vector<error_case> cases;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const bool gen = starts_with(line, "gen>");
    const bool expr = starts_with(line, "expr>");
    if (gen || expr) {
      error_case c;
      c.line = number;
      c.generator = gen;
      const std::string rest = line.substr(gen ? 4 : 5);
      if (rest.empty()) {
        std::string body;
        while (std::getline(in, line) && (++number, line != "---")) body += line + "\n";
        if (!body.empty()) body.pop_back();  // the last newline belongs to the file
        c.query = body;
      } else {
        REQUIRE(rest[0] == ' ');
        c.query = rest.substr(1);
      }
      cases.push_back(std::move(c));
    } else if (!cases.empty() && !starts_with(line, "#")) {
      cases.back().expected += line + "\n";
    }
  }
  return cases;
}

}  // namespace

TEST_CASE("malformed queries fail with the exact message and caret of tests/errors/syntax.txt",
          "[errors]") {
  const char* root = std::getenv("NEXTORM_SOURCE_ROOT");
  REQUIRE(root != nullptr);
  const std::string path = std::string{root} + "/tests/errors/syntax.txt";
  const auto cases = read_cases(path);
  CHECK(cases.size() >= 25);
  for (const auto& c : cases) {
    INFO(path << ":" << c.line);
    std::string actual = "(no error)";
    try {
      if (c.generator) {
        (void)nextorm::parse::parse_generator(c.query);
      } else {
        (void)nextorm::parse::parse_expression(c.query);
      }
    } catch (const nextorm::query_error& e) {
      CHECK(e.category() == nextorm::error_category::syntax);
      actual = e.what();
    }
    CHECK(normalize(actual) == normalize(c.expected));
  }
}
