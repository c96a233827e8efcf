// The analyzer's type rules: which types compare, what arithmetic yields, and how operators are
// spelled in type errors (checked on the rules and in the messages of real queries).
#include "../golden/schema_fixture.hpp"

#include "analyze/type_rules.hpp"

#include <nextorm/errors.hpp>

#include <catch2/catch.hpp>

using namespace nextorm;
using analyze::arithmetic_result;
using analyze::comparable;

namespace {

ir::type t(value_type v) { return ir::scalar_type(v); }

ir::type entity(const char* name) { return ir::entity_type(*testing::schema().find(name)); }

ir::type set_of(ir::type element) {
  element.collection = true;
  return element;
}

std::string error_of(const std::string& text) {
  try {
    (void)testing::compile_text(text);
  } catch (const query_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("equal types, numbers, and bool with numbers compare; collections never do",
          "[type_rules]") {
  CHECK(comparable(t(value_type::text), t(value_type::text)));
  CHECK(comparable(t(value_type::integer), t(value_type::real)));
  CHECK(comparable(t(value_type::decimal), t(value_type::integer)));
  CHECK(comparable(t(value_type::boolean), t(value_type::integer)));
  CHECK(comparable(t(value_type::integer), t(value_type::boolean)));
  CHECK(comparable(t(value_type::boolean), t(value_type::real)));
  CHECK_FALSE(comparable(t(value_type::boolean), t(value_type::text)));
  CHECK_FALSE(comparable(t(value_type::text), t(value_type::boolean)));
  CHECK_FALSE(comparable(t(value_type::real), t(value_type::text)));
  CHECK_FALSE(comparable(t(value_type::text), t(value_type::integer)));
  CHECK_FALSE(comparable(t(value_type::date), t(value_type::text)));
  CHECK_FALSE(comparable(set_of(t(value_type::integer)), t(value_type::integer)));
  CHECK_FALSE(comparable(t(value_type::integer), set_of(t(value_type::integer))));
}

TEST_CASE("objects compare only with objects of the same entity", "[type_rules]") {
  CHECK(comparable(entity("Product"), entity("Product")));
  CHECK_FALSE(comparable(entity("Product"), entity("Category")));
  // An object is not its key: Product (int key) and int do not compare.
  CHECK_FALSE(comparable(entity("Product"), t(value_type::integer)));
  CHECK_FALSE(comparable(t(value_type::integer), entity("Product")));
  CHECK_FALSE(comparable(set_of(entity("Product")), set_of(entity("Product"))));
}

TEST_CASE("arithmetic keeps one number type, widens mixed ones, and ** is float", "[type_rules]") {
  using op = ir::binary_op;
  CHECK(arithmetic_result(op::add, t(value_type::integer), t(value_type::integer)) ==
        t(value_type::integer));
  CHECK(arithmetic_result(op::div, t(value_type::integer), t(value_type::integer)) ==
        t(value_type::integer));
  CHECK(arithmetic_result(op::pow, t(value_type::integer), t(value_type::integer)) ==
        t(value_type::real));
  CHECK(arithmetic_result(op::mul, t(value_type::integer), t(value_type::real)) ==
        t(value_type::real));
  CHECK(arithmetic_result(op::mul, t(value_type::real), t(value_type::decimal)) ==
        t(value_type::real));
  CHECK(arithmetic_result(op::sub, t(value_type::decimal), t(value_type::real)) ==
        t(value_type::real));
  CHECK(arithmetic_result(op::sub, t(value_type::integer), t(value_type::decimal)) ==
        t(value_type::decimal));
  CHECK(arithmetic_result(op::mod, t(value_type::decimal), t(value_type::integer)) ==
        t(value_type::decimal));
  CHECK(arithmetic_result(op::add, t(value_type::decimal), t(value_type::decimal)) ==
        t(value_type::decimal));
  CHECK_FALSE(arithmetic_result(op::add, t(value_type::text), t(value_type::integer)));
  CHECK_FALSE(arithmetic_result(op::add, t(value_type::integer), t(value_type::text)));
  CHECK_FALSE(arithmetic_result(op::add, t(value_type::boolean), t(value_type::integer)));
  CHECK_FALSE(arithmetic_result(op::add, entity("Product"), t(value_type::integer)));
}

TEST_CASE("every operator has its Python spelling for messages", "[type_rules]") {
  using analyze::op_text;
  CHECK(op_text(ir::binary_op::add) == "+");
  CHECK(op_text(ir::binary_op::sub) == "-");
  CHECK(op_text(ir::binary_op::mul) == "*");
  CHECK(op_text(ir::binary_op::div) == "/");
  CHECK(op_text(ir::binary_op::floordiv) == "//");
  CHECK(op_text(ir::binary_op::mod) == "%");
  CHECK(op_text(ir::binary_op::pow) == "**");
  CHECK(op_text(ir::binary_op::concat) == "+");
  CHECK(op_text(ir::compare_op::eq) == "==");
  CHECK(op_text(ir::compare_op::ne) == "!=");
  CHECK(op_text(ir::compare_op::lt) == "<");
  CHECK(op_text(ir::compare_op::le) == "<=");
  CHECK(op_text(ir::compare_op::gt) == ">");
  CHECK(op_text(ir::compare_op::ge) == ">=");
}

TEST_CASE("type errors of queries name the operator as written", "[type_rules]") {
  CHECK_THAT(error_of("p for p in Product if p.name - 1 > 0"),
             Catch::StartsWith("type.mismatch: operator - needs numbers, got str and int"));
  CHECK_THAT(error_of("p for p in Product if p.name ** 2 > 0"),
             Catch::StartsWith("type.mismatch: operator ** needs numbers, got str and int"));
  CHECK_THAT(error_of("p for p in Product if p.price // p.name > 0"),
             Catch::StartsWith("type.mismatch: operator // needs numbers, got float and str"));
  CHECK_THAT(error_of("p for p in Product for q in Product if p >= q"),
             Catch::StartsWith("type.mismatch: operator >= cannot order objects of Product"));
  CHECK_THAT(error_of("p for p in Product if p.name == 1"),
             Catch::StartsWith("type.mismatch: cannot compare str with int"));
  CHECK_THAT(error_of("p for p in Product if p == p.category"),
             Catch::StartsWith("type.mismatch: cannot compare Product with Category"));
}
