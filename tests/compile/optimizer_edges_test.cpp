// Optimizer rules at their edges, each shown as two queries that compile to the same SQL, or as
// SQL that keeps what the rule must not fold.
#include "../golden/schema_fixture.hpp"

#include <catch2/catch.hpp>

using namespace nextorm;

namespace {

std::string sql_of(const std::string& text) {
  return compile::compile_query(testing::spec_of(text), testing::schema(), lower::sqlite_dialect(),
                                {})
      ->sql;
}

std::string where(const std::string& condition) {
  return sql_of("p for p in Product if " + condition);
}

}  // namespace

TEST_CASE("constant_folding multiplies and divides integers as Python does", "[constant_folding]") {
  CHECK(where("p.quantity == 3 * 4") == where("p.quantity == 12"));
  CHECK(where("p.quantity == 7 // 2") == where("p.quantity == 3"));
  CHECK(where("p.quantity == 7 % 3") == where("p.quantity == 1"));
  CHECK(where("p.quantity == 6 // -3") == where("p.quantity == -2"));
  CHECK(where("p.quantity == 7 % -3") == where("p.quantity == -2"));
  CHECK(where("p.quantity == 2 ** 0") == where("p.quantity == 1"));
}

TEST_CASE("constant_folding keeps a float remainder of zero and floors float division",
          "[constant_folding]") {
  CHECK(where("p.price == 4.0 % 2") == where("p.price == 0.0"));
  CHECK(where("p.price == 7.5 % -2") == where("p.price == -0.5"));
  CHECK(where("p.price == -7.5 // 2") == where("p.price == -4.0"));
  CHECK(where("p.price == 2.5 - 1") == where("p.price == 1.5"));
}

TEST_CASE("constant_folding compares constants with every operator", "[constant_folding]") {
  const std::string always = where("p.active == True");
  const std::string never = where("p.active == False");
  CHECK(where("p.active == (1 != 2)") == always);
  CHECK(where("p.active == (2 <= 2)") == always);
  CHECK(where("p.active == (1 >= 2)") == never);
  CHECK(where("p.active == (3 > 2)") == always);
  CHECK(where("p.active == (1 == 1.0)") == always);
  CHECK(where("p.active == (1 < 0.5)") == never);
  CHECK(where("p.active == ('b' <= 'a')") == never);
  CHECK(where("p.active == ('a' != 'a')") == never);
  CHECK(where("p.active == (True != False)") == always);
  CHECK(where("p.active == (False < True)") == always);
}

TEST_CASE("constant_folding computes abs, len and ASCII case of constants", "[constant_folding]") {
  CHECK(where("p.quantity == abs(3)") == where("p.quantity == 3"));
  CHECK(where("p.quantity == abs(-3)") == where("p.quantity == 3"));
  CHECK(where("p.quantity == len('')") == where("p.quantity == 0"));
  CHECK(where("p.name == 'a1{z'.upper()") == where("p.name == 'A1{Z'"));
  CHECK(where("p.name == 'Z@[A'.lower()") == where("p.name == 'z@[a'"));
  CHECK(where("p.price == -(2.5)") == where("p.price == -2.5"));
}

TEST_CASE("boolean_simplification turns not-in-subquery and not-not-exists around",
          "[boolean_simplification]") {
  CHECK(where("not (p.category in (c for c in Category if c.name == 'x'))") ==
        where("p.category not in (c for c in Category if c.name == 'x')"));
  CHECK(where("not (p.category not in (c for c in Category if c.name == 'x'))") ==
        where("p.category in (c for c in Category if c.name == 'x')"));
  CHECK(where("not (not exists(t for t in p.tags))") == where("exists(t for t in p.tags)"));
}

TEST_CASE("boolean_simplification keeps `not` before a bool value of a nested query",
          "[boolean_simplification]") {
  // max() of bools is a value, not a condition it could turn around: NOT stays in front of it.
  CHECK(sql_of("c for c in Category if not max(p.active for p in c.products)")
            .ends_with("WHERE NOT ((SELECT MAX(\"p\".\"active\") FROM \"Product\" \"p\" WHERE "
                       "\"c\".\"id\" = \"p\".\"category\"))"));
}

TEST_CASE("truthy and falsy constants in conditions simplify away; truth tests of values stay",
          "[boolean_simplification]") {
  // `1` is true in Python: `p.active and 1` is `p.active`, `p.price > 1 or 0` is the comparison.
  CHECK(where("p.active and 1") == where("p.active"));
  CHECK(where("p.price > 1 or 0") == where("p.price > 1"));
  CHECK(where("p.active and 0") == where("False"));
  // `not 1` and `not -x` are truth tests of non-boolean values: false for 1, and zero or NULL for
  // a number, checked by the database.
  CHECK(where("not 1").ends_with("WHERE 1 IS NULL"));
  CHECK(where("not -p.quantity")
            .ends_with("WHERE (-(\"p\".\"quantity\") = 0 OR -(\"p\".\"quantity\") IS NULL)"));
  CHECK(where("not ''") == sql_of("p for p in Product"));
}

TEST_CASE("constant_folding leaves functions it does not compute to the database",
          "[constant_folding]") {
  // strip(), slices and casts of constants are the database's: Python and SQL agree on them.
  CHECK(where("p.name == ' a '.strip()").ends_with("WHERE \"p\".\"name\" = trim(?)"));
  CHECK(where("p.name == str(3)").ends_with("WHERE \"p\".\"name\" = CAST(3 AS text)"));
}

TEST_CASE("constant_folding leaves the negation and abs() of the lowest int to the database",
          "[constant_folding]") {
  // Python's answer, 2**63, is no int64: the database computes it (or reports the overflow).
  CHECK(where("p.quantity > -(-9223372036854775807 - 1)")
            .ends_with("WHERE \"p\".\"quantity\" > -(-9223372036854775808)"));
  CHECK(where("p.quantity > abs(-9223372036854775807 - 1)")
            .ends_with("WHERE \"p\".\"quantity\" > abs(-9223372036854775808)"));
}

// PostgreSQL has neither `boolean = integer` nor `boolean < integer`: the bool is folded away.
TEST_CASE("constant_folding compares a bool with a number as Python's 0 or 1",
          "[constant_folding]") {
  CHECK(where("p.active == (True == 1)") == where("p.active == True"));
  CHECK(where("p.active == (True < 2)") == where("p.active == True"));
  CHECK(where("p.active == (1.5 < True)") == where("p.active == False"));
  CHECK(where("p.active == (True == 1.0)") == where("p.active == True"));
}
