#include <nextorm/errors.hpp>
#include <nextorm/value.hpp>

#include "common/suggest.hpp"

#include <catch2/catch.hpp>

using namespace nextorm;

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps", "[suggest]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("price", "price") == 0);
  CHECK(edit_distance("prise", "price") == 1);
  CHECK(edit_distance("pirce", "price") == 1);  // adjacent swap
  CHECK(edit_distance("pric", "price") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("nearest suggests only plausible typos, preferring the closest", "[suggest]") {
  const std::vector<std::string> names{"name", "price", "sku", "summary"};
  CHECK(nearest("prise", names) == "price");
  CHECK(nearest("PRICE", names) == "price");
  CHECK(nearest("sky", names) == "sku");
  CHECK_FALSE(nearest("weight", names));
  CHECK_FALSE(nearest("x", std::vector<std::string>{}));
  CHECK(did_you_mean("nmae", names) == "; did you mean 'name'?");
  CHECK(did_you_mean("zzzzzz", names).empty());
}

TEST_CASE("a fixed table of names suggests as a list of strings does", "[suggest]") {
  static constexpr std::string_view table[] = {"name", "price", "sku", "summary"};
  CHECK(nearest("prise", table) == "price");
  CHECK(nearest("PRICE", table) == "price");
  CHECK_FALSE(nearest("weight", table));
  CHECK_FALSE(nearest("x", std::span<const std::string_view>{}));
  CHECK(did_you_mean("nmae", table) == "; did you mean 'name'?");
  CHECK(did_you_mean("zzzzzz", table).empty());
}

TEST_CASE("a query error renders its line, column and a caret under the span", "[errors]") {
  const query_error e{error_category::syntax, "syntax.test", "expected a name after 'for'",
                      "p for  in Product", source_span{7, 9}};
  CHECK(e.line() == 1);
  CHECK(e.column() == 8);
  CHECK(std::string{e.what()} ==
        "syntax.test: expected a name after 'for' (line 1, column 8)\n"
        "  p for  in Product\n"
        "         ^~");
  CHECK(e.category() == error_category::syntax);
  CHECK(e.message() == "expected a name after 'for'");
}

TEST_CASE("a query error on a later line shows that line only", "[errors]") {
  const query_error e{error_category::unknown_name, "unknown_name.attribute", "no attribute 'x'",
                      "p for p in Product\n  if p.x > 1", source_span{24, 25}};
  CHECK(e.line() == 2);
  CHECK(e.column() == 6);
  CHECK(std::string{e.what()} ==
        "unknown_name.attribute: no attribute 'x' (line 2, column 6)\n"
        "    if p.x > 1\n"
        "       ^");
}

TEST_CASE("a span past the end points just after the text", "[errors]") {
  const query_error e{error_category::syntax, "syntax.end", "expected an expression", "p <",
                      source_span{10, 12}};
  CHECK(e.column() == 4);
  CHECK(std::string{e.what()}.ends_with("\n  p <\n     ^"));
}

TEST_CASE("every error category has a name", "[errors]") {
  for (int c = 0; c <= static_cast<int>(error_category::database); ++c) {
    CHECK(category_name(static_cast<error_category>(c)) != "?");
  }
  const integrity_error e{"x.y", "duplicate"};
  CHECK(std::string{e.what()} == "x.y: duplicate");
  CHECK(e.category() == error_category::integrity);
}

TEST_CASE("values keep their type, compare by type and value, and print like Python", "[value]") {
  CHECK(value{}.is_null());
  CHECK(value{nullptr}.repr() == "None");
  CHECK(value{1}.as_int() == 1);
  CHECK(value{1}.as_real() == 1.0);
  CHECK(value{2.0}.repr() == "2.0");
  CHECK(value{0.5}.repr() == "0.5");
  CHECK(value{true}.repr() == "True");
  CHECK(value{false}.as_bool() == false);
  CHECK(value{"it's"}.repr() == "'it\\'s'");
  CHECK(value{1} != value{1.0});
  CHECK(value{"a"} == value{std::string_view{"a"}});
  CHECK(value{"a"}.hash() == value{std::string{"a"}}.hash());
  CHECK(value{1}.hash() != value{true}.hash());
  const value day = value::typed(value_type::date, "2020-01-31");
  CHECK(day.type() == value_type::date);
  CHECK(day.as_text() == "2020-01-31");
  CHECK(day != value{"2020-01-31"});
  CHECK_THROWS_WITH(value{"x"}.as_int(), "value.wrong_type: value of type str used as int");
  CHECK_THROWS_AS(value{1}.as_bool(), usage_error);
  CHECK_THROWS_AS(value{1}.as_text(), usage_error);
  CHECK_THROWS_AS(value{"1"}.as_real(), usage_error);
  for (int t = 0; t <= static_cast<int>(value_type::json); ++t) {
    CHECK(type_name(static_cast<value_type>(t)) != "?");
  }
}

TEST_CASE("columns and carets count characters, not bytes", "[errors]") {
  const query_error e{error_category::unknown_name, "unknown_name.attribute", "no attribute",
                      "s for s in Étudiant if s.prénom == 1", source_span{26, 33}};
  CHECK(e.column() == 26);
  CHECK(std::string{e.what()}.ends_with("\n  s for s in Étudiant if s.prénom == 1\n" +
                                        std::string(2 + 25, ' ') + "^~~~~~"));
}

TEST_CASE("a carriage return is not part of the shown line", "[errors]") {
  const query_error e{error_category::syntax, "syntax.x", "bad", "p for p\r\nin",
                      source_span{9, 11}};
  CHECK(e.line() == 2);
  CHECK(std::string{e.what()}.ends_with("(line 2, column 1)\n  in\n  ^~"));
  const query_error first{error_category::syntax, "syntax.x", "bad", "p for\r\nq",
                          source_span{2, 5}};
  CHECK(std::string{first.what()}.ends_with("\n  p for\n    ^~~"));
}

TEST_CASE("a very long line is shown as a window around the error", "[errors]") {
  const std::string text = std::string(300, 'a') + " + " + std::string(300, 'b');
  const query_error middle{error_category::syntax, "syntax.x", "bad", text, source_span{301, 302}};
  const std::string shown = middle.what();
  CHECK(middle.column() == 302);
  CHECK(shown.ends_with("\n  ..." + std::string(59, 'a') + " + " + std::string(58, 'b') + "...\n" +
                        std::string(2 + 3 + 60, ' ') + "^"));
  const query_error start{error_category::syntax, "syntax.x", "bad", text, source_span{0, 400}};
  CHECK(std::string{start.what()}.ends_with("\n  " + std::string(60, 'a') + "...\n  ^" +
                                            std::string(59, '~')));
  const query_error end{error_category::syntax, "syntax.x", "bad", text, source_span{603, 603}};
  CHECK(std::string{end.what()}.ends_with(std::string(60, 'b') + "\n" +
                                          std::string(2 + 3 + 60, ' ') + "^"));
}
