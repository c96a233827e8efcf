// IR expressions: deep copies are equal to their originals, and a change anywhere is seen.
#include "../golden/schema_fixture.hpp"

#include "ir/expr.hpp"

#include <catch2/catch.hpp>

using namespace nextorm;

namespace {

ir::expr_ptr column(const char* entity, const char* attr) {
  const entity_info& e = *testing::schema().find(entity);
  const attr_info& a = *e.find(attr);
  return std::make_unique<ir::column>(ir::scalar_type(a.type), source_span{}, 0, a);
}

ir::expr_ptr constant(value v) {
  return std::make_unique<ir::constant>(source_span{}, std::move(v));
}

// One expression of every kind, varied by `n`.
ir::expr_ptr sample(int n) {
  const entity_info& product = *testing::schema().find("Product");
  auto all = std::make_unique<ir::logical>(source_span{}, ir::logical_op::and_);
  all->operands.push_back(std::make_unique<ir::compare>(
      source_span{}, ir::compare_op::lt,
      std::make_unique<ir::binary>(ir::scalar_type(value_type::real), source_span{},
                                   ir::binary_op::add, column("Product", "price"), constant(n)),
      std::make_unique<ir::unary>(ir::scalar_type(value_type::integer), source_span{},
                                  ir::unary_op::neg, constant(2))));
  all->operands.push_back(
      std::make_unique<ir::is_null>(source_span{}, column("Product", "description"), n > 1));
  auto in = std::make_unique<ir::in_list>(source_span{}, column("Product", "quantity"), false);
  in->items.push_back(
      std::make_unique<ir::param>(ir::scalar_type(value_type::integer), source_span{}, "ids", 0));
  all->operands.push_back(std::move(in));
  all->operands.push_back(std::make_unique<ir::like>(
      source_span{}, ir::like_mode::prefix,
      std::make_unique<ir::function>(ir::scalar_type(value_type::text), source_span{},
                                     ir::function_kind::upper, column("Product", "name")),
      constant("a"), false));
  all->operands.push_back(std::make_unique<ir::compare>(
      source_span{}, ir::compare_op::gt,
      std::make_unique<ir::aggregate>(
          ir::scalar_type(value_type::integer), source_span{}, ir::aggregate_kind::count,
          std::make_unique<ir::source_row>(ir::entity_type(product), source_span{}, 0), true),
      std::make_unique<ir::aggregate>(ir::scalar_type(value_type::integer), source_span{},
                                      ir::aggregate_kind::count, nullptr, false)));
  return all;
}

}  // namespace

TEST_CASE("a clone of every kind of expression equals the original") {
  ir::expr_ptr e = sample(1);
  ir::expr_ptr copy = ir::clone(*e);
  CHECK(ir::equals(*e, *copy));
  CHECK(ir::has_aggregate(*copy));
  CHECK_FALSE(ir::equals(*e, *sample(2)));  // a constant and a negation differ
  CHECK_FALSE(ir::equals(*column("Product", "name"), *column("Product", "price")));
  CHECK_FALSE(ir::equals(*constant(1), *constant(2)));
  CHECK_FALSE(ir::has_aggregate(*column("Product", "name")));
}

TEST_CASE("negated comparisons are their complements") {
  CHECK(ir::negate(ir::compare_op::eq) == ir::compare_op::ne);
  CHECK(ir::negate(ir::compare_op::ne) == ir::compare_op::eq);
  CHECK(ir::negate(ir::compare_op::lt) == ir::compare_op::ge);
  CHECK(ir::negate(ir::compare_op::le) == ir::compare_op::gt);
  CHECK(ir::negate(ir::compare_op::gt) == ir::compare_op::le);
  CHECK(ir::negate(ir::compare_op::ge) == ir::compare_op::lt);
}

TEST_CASE("types print as Python names or entity names") {
  CHECK(ir::type_text(ir::scalar_type(value_type::text)) == "str");
  CHECK(ir::type_text(ir::entity_type(*testing::schema().find("Order"))) == "Order");
  CHECK(ir::entity_type(*testing::schema().find("Group")).scalar == value_type::integer);
}
