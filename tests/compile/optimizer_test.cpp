// Each optimizer rule: two queries that must compile to the same plan, and the rule switched off
// to show that it is the one doing the work.
#include "../golden/schema_fixture.hpp"

#include "optimize/optimizer.hpp"

#include <catch2/catch.hpp>

using namespace nextorm;

namespace {

std::string sql_of(const std::string& text, std::vector<std::string_view> disabled = {}) {
  compile::compile_options options{std::move(disabled)};
  return compile::compile_query(testing::spec_of(text), testing::schema(),
                                lower::sqlite_dialect(), {}, options)
      ->sql;
}

}  // namespace

TEST_CASE("the passes run in one named list") {
  auto passes = optimize::passes();
  REQUIRE(passes.size() == 3);
  CHECK(passes[0].name == "constant_folding");
  CHECK(passes[1].name == "boolean_simplification");
  CHECK(passes[2].name == "count_without_distinct");
}

TEST_CASE("constant_folding") {
  CHECK(sql_of("p for p in Product if p.price < 10 + 10") ==
        sql_of("p for p in Product if p.price < 20"));
  CHECK(sql_of("p for p in Product if p.price < 10 + 10", {"constant_folding"}) !=
        sql_of("p for p in Product if p.price < 20"));
  // Python's semantics: floor division and modulo round towards negative infinity, / is true
  // division, ** of integers stays an integer.
  CHECK(sql_of("p for p in Product if p.quantity == -7 // 2") ==
        sql_of("p for p in Product if p.quantity == -4"));
  CHECK(sql_of("p for p in Product if p.quantity == -7 % 3") ==
        sql_of("p for p in Product if p.quantity == 2"));
  CHECK(sql_of("p for p in Product if p.price < 10 / 4") ==
        sql_of("p for p in Product if p.price < 2.5"));
  CHECK(sql_of("p for p in Product if p.price < 2 ** 10 - 24") ==
        sql_of("p for p in Product if p.price < 1000"));
  CHECK(sql_of("p for p in Product if p.price < 2 ** -1") ==
        sql_of("p for p in Product if p.price < 0.5"));
  CHECK(sql_of("p for p in Product if p.price < 7.5 // 2 + 7.5 % 2 - -1.0 * 2") ==
        sql_of("p for p in Product if p.price < 6.5"));
  CHECK(sql_of("p for p in Product if p.price < -7.5 % 2 + 1.0 ** 2 + 3 / 1.5") ==
        sql_of("p for p in Product if p.price < 3.5"));
  CHECK(sql_of("p for p in Product if p.price < abs(-2) + abs(-0.5) + len('héllo')") ==
        sql_of("p for p in Product if p.price < 7.5"));
  CHECK(sql_of("p for p in Product if p.name == 'ab' + 'C'.lower() + 'd'.upper()") ==
        sql_of("p for p in Product if p.name == 'abcD'"));
  CHECK(sql_of("p for p in Product if p.active == (1 < 2) and p.active == ('a' < 'b') and "
               "p.active == (True == True) and p.active == (1.5 > 1)") ==
        sql_of("p for p in Product if p.active == True and p.active == True and "
               "p.active == True and p.active == True"));
}

TEST_CASE("constant_folding leaves to the database what it cannot compute exactly") {
  // Overflow, division by zero and non-ASCII case mapping stay in the SQL.
  CHECK(sql_of("p for p in Product if p.quantity < 9223372036854775807 + 1")
            .ends_with("< (9223372036854775807 + 1)"));
  CHECK(sql_of("p for p in Product if p.quantity < 4611686018427387904 * 2")
            .ends_with("< (4611686018427387904 * 2)"));
  CHECK(sql_of("p for p in Product if p.quantity < -9223372036854775807 - 2")
            .ends_with("< (-9223372036854775807 - 2)"));
  CHECK(sql_of("p for p in Product if p.quantity < 2 ** 64").ends_with("< power(2, 64)"));
  CHECK(sql_of("p for p in Product if p.quantity < 1 // 0").ends_with("< (1 / 0)"));
  CHECK(sql_of("p for p in Product if p.quantity < 1 % -1").ends_with("< (1 % -1)"));
  CHECK(sql_of("p for p in Product if p.price < 1 / 0").ends_with("< (1 / 0)"));
  CHECK(sql_of("p for p in Product if p.price < 1.5 / 0").ends_with("< (1.5 / 0)"));
  CHECK(sql_of("p for p in Product if p.price < 1.5 // 0").ends_with("< floor(1.5 / 0)"));
  CHECK(sql_of("p for p in Product if p.price < 1.5 % 0").ends_with("< (1.5 % 0)"));
  CHECK(sql_of("p for p in Product if p.name == 'é'.upper()").ends_with("= py_upper(?)"));
  CHECK(sql_of("p for p in Product if p.quantity < abs(-9223372036854775807 - 1)")
            .ends_with("< abs(-9223372036854775808)"));
  CHECK(sql_of("p for p in Product if p.quantity < -(-9223372036854775807 - 1)")
            .ends_with("< -(-9223372036854775808)"));
  CHECK(sql_of("p for p in Product if p.quantity < 1 + p.quantity").ends_with(
      "< (1 + \"p\".\"quantity\")"));
  CHECK(sql_of("p for p in Product if p.active == (p.name == 'a')").ends_with(
      "= (\"p\".\"name\" = ?)"));
}

TEST_CASE("boolean_simplification") {
  CHECK(sql_of("p for p in Product if p.price > 1 and True") ==
        sql_of("p for p in Product if p.price > 1"));
  CHECK(sql_of("p for p in Product if p.price > 1 and True", {"boolean_simplification"}) !=
        sql_of("p for p in Product if p.price > 1"));
  CHECK(sql_of("p for p in Product if not (p.price > 3 and p.name == 'x')") ==
        sql_of("p for p in Product if p.price <= 3 or p.name != 'x'"));
  CHECK(sql_of("p for p in Product if not (p.price < 3 or p.quantity >= 2)") ==
        sql_of("p for p in Product if p.price >= 3 and p.quantity < 2"));
  CHECK(sql_of("p for p in Product if not not p.active") ==
        sql_of("p for p in Product if p.active"));
  CHECK(sql_of("p for p in Product if not p.description is None") ==
        sql_of("p for p in Product if p.description is not None"));
  CHECK(sql_of("p for p in Product if not p.quantity in (1, 2)") ==
        sql_of("p for p in Product if p.quantity not in (1, 2)"));
  CHECK(sql_of("p for p in Product if not p.name.startswith('a')")
            .ends_with("WHERE \"p\".\"name\" NOT LIKE ?"));
  CHECK(sql_of("p for p in Product if not 'a' not in p.name")
            .ends_with("WHERE \"p\".\"name\" LIKE ?"));
  CHECK(sql_of("p for p in Product if (p.price > 1 and p.quantity > 1) and p.active") ==
        sql_of("p for p in Product if p.price > 1 if p.quantity > 1 if p.active"));
  CHECK(sql_of("p for p in Product if p.price > 1 or (p.quantity > 1 or p.active)") ==
        sql_of("p for p in Product if p.price > 1 or p.quantity > 1 or p.active"));
  CHECK(sql_of("p for p in Product if p.price > 1 or False") ==
        sql_of("p for p in Product if p.price > 1"));
  CHECK(sql_of("p for p in Product if p.price > 1 or True") == sql_of("p for p in Product"));
  CHECK(sql_of("p for p in Product if p.price > 1 and False") ==
        sql_of("p for p in Product if False"));
  CHECK(sql_of("p for p in Product if True and True") == sql_of("p for p in Product"));
  CHECK(sql_of("p for p in Product if False or False") == sql_of("p for p in Product if False"));
  CHECK(sql_of("p for p in Product if not True") == sql_of("p for p in Product if False"));
  CHECK(sql_of("p for p in Product if p.price > 1 if not (p.active or False)") ==
        sql_of("p for p in Product if p.price > 1 and not p.active"));
  CHECK(sql_of("p for p in Product if p.price > 1 and p.quantity in ()") ==
        sql_of("p for p in Product if False"));
}

TEST_CASE("without the boolean rules, constants and nesting reach the SQL intact") {
  std::vector<std::string_view> off{"boolean_simplification"};
  CHECK(sql_of("p for p in Product if False", off).ends_with("WHERE 0 = 1"));
  CHECK(sql_of("p for p in Product if p.active and (p.price > 1 and True)", off)
            .ends_with("WHERE \"p\".\"active\" AND \"p\".\"price\" > 1 AND 1 = 1"));
  CHECK(sql_of("p for p in Product if not p.active", off).ends_with("WHERE NOT (\"p\".\"active\")"));
}

TEST_CASE("count_without_distinct") {
  // One loop variable: each row is another object, so counting rows counts objects.
  CHECK(sql_of("count(p) for p in Product") == sql_of("count() for p in Product"));
  CHECK(sql_of("count(p) for p in Product", {"count_without_distinct"}) !=
        sql_of("count() for p in Product"));
  CHECK(sql_of("(p.category, count(p)) for p in Product") ==
        sql_of("(p.category, count()) for p in Product"));
  CHECK(sql_of("p for p in Product if count(p) > 1") ==
        sql_of("p for p in Product if count() > 1"));
  // Joins along a to-one reference (p.category) give each product one row at most.
  CHECK(sql_of("(p.category.name, count(p)) for p in Product") ==
        sql_of("(p.category.name, count()) for p in Product"));
  // In a nested query, the nested query's own sources decide.
  const std::string nested =
      "s for s in Student if count(m for m in Student if m.mentor == s) >= 3";
  CHECK(sql_of(nested).find("(SELECT COUNT(*) FROM") != std::string::npos);
  CHECK(sql_of(nested, {"count_without_distinct"}).find("(SELECT COUNT(DISTINCT \"m\".\"id\")") !=
        std::string::npos);
}

TEST_CASE("count_without_distinct keeps DISTINCT where a row can repeat an object") {
  const std::vector<std::string_view> off{"count_without_distinct"};
  // A second loop variable: every product appears once per category.
  const std::string two_loops = "(c, count(p)) for c in Category for p in Product";
  CHECK(sql_of(two_loops) == sql_of(two_loops, off));
  CHECK(sql_of(two_loops).find("COUNT(DISTINCT \"p\".\"id\")") != std::string::npos);
  // A collection: a student appears once per course.
  const std::string collection = "(s, count(s.courses)) for s in Student";
  CHECK(sql_of(collection) == sql_of(collection, off));
  const std::string through = "count(s) for s in Student for c in s.courses";
  CHECK(sql_of(through) == sql_of(through, off));
  // Counting values, not objects: DISTINCT is what was asked for.
  CHECK(sql_of("count(p.name) for p in Product") == sql_of("count(p.name) for p in Product", off));
  // A LEFT JOINed loop: a category without products has one row, whose product is NULL.
  const std::string left = "left_join((c, count(p)) for c in Category for p in c.products)";
  CHECK(sql_of(left) == sql_of(left, off));
  CHECK(sql_of(left).find("COUNT(DISTINCT \"p\".\"id\")") != std::string::npos);
  // A join along the keyless side of a one-to-one (the key is in Passport.owner).
  const std::string keyless = "count(s) for s in Student if s.passport.country == 'x'";
  CHECK(sql_of(keyless) == sql_of(keyless, off));
  CHECK(sql_of(keyless).find("COUNT(DISTINCT \"s\".\"id\")") != std::string::npos);
}
