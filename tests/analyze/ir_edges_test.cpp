// IR structural equality, deep copy and aggregate search, field by field: two expressions that
// differ in one field only are different, and every kind (conditionals and subqueries included)
// survives a clone.
#include "../golden/schema_fixture.hpp"

#include "ir/expr.hpp"

#include <catch2/catch.hpp>

using namespace nextorm;
using ir::expr_ptr;

namespace {

const attr_info& attr(const char* entity, const char* name) {
  return *testing::schema().find(entity)->find(name);
}

expr_ptr column(const char* name, std::size_t source = 0) {
  const attr_info& a = attr("Product", name);
  return std::make_unique<ir::column>(ir::scalar_type(a.type), source_span{}, source, a);
}

expr_ptr constant(value v) { return std::make_unique<ir::constant>(source_span{}, std::move(v)); }

expr_ptr count_all() {
  return std::make_unique<ir::aggregate>(ir::scalar_type(value_type::integer), source_span{},
                                         ir::aggregate_kind::count, nullptr, false);
}

expr_ptr neg(expr_ptr x, ir::unary_op op = ir::unary_op::neg) {
  return std::make_unique<ir::unary>(ir::scalar_type(value_type::integer), source_span{}, op,
                                     std::move(x));
}

expr_ptr binary(ir::binary_op op, expr_ptr l, expr_ptr r) {
  return std::make_unique<ir::binary>(ir::scalar_type(value_type::real), source_span{}, op,
                                      std::move(l), std::move(r));
}

expr_ptr compare(ir::compare_op op, expr_ptr l, expr_ptr r) {
  return std::make_unique<ir::compare>(source_span{}, op, std::move(l), std::move(r));
}

expr_ptr is_null(expr_ptr x, bool negated) {
  return std::make_unique<ir::is_null>(source_span{}, std::move(x), negated);
}

expr_ptr logical(ir::logical_op op, std::vector<expr_ptr> operands) {
  auto out = std::make_unique<ir::logical>(source_span{}, op);
  out->operands = std::move(operands);
  return out;
}

expr_ptr in_list(expr_ptr x, bool negated, std::vector<expr_ptr> items) {
  auto out = std::make_unique<ir::in_list>(source_span{}, std::move(x), negated);
  out->items = std::move(items);
  return out;
}

expr_ptr like(ir::like_mode mode, expr_ptr x, expr_ptr needle, bool negated) {
  return std::make_unique<ir::like>(source_span{}, mode, std::move(x), std::move(needle), negated);
}

expr_ptr function(ir::function_kind fn, std::vector<expr_ptr> args, std::string text = {}) {
  auto out = std::make_unique<ir::function>(ir::scalar_type(value_type::text), source_span{}, fn);
  out->args = std::move(args);
  out->text = std::move(text);
  return out;
}

expr_ptr aggregate(ir::aggregate_kind fn, expr_ptr arg, bool distinct, std::string sep = ",") {
  auto out = std::make_unique<ir::aggregate>(ir::scalar_type(value_type::text), source_span{}, fn,
                                             std::move(arg), distinct);
  out->separator = std::move(sep);
  return out;
}

expr_ptr conditional(expr_ptr c, expr_ptr a, expr_ptr b) {
  return std::make_unique<ir::conditional>(ir::scalar_type(value_type::integer), source_span{},
                                           std::move(c), std::move(a), std::move(b));
}

struct subquery_parts {
  ir::subquery_mode mode = ir::subquery_mode::in;
  std::size_t scope = 1;
  bool from_path = false;
  bool known_before = false;
  int filter_value = 1;  // the filter is price > filter_value; 0: no filter
  bool item = true;      // the item is the name column
  bool operand = true;   // the operand is the description column
};

expr_ptr subquery(const subquery_parts& p) {
  auto out =
      std::make_unique<ir::subquery>(ir::scalar_type(value_type::boolean), source_span{}, p.scope);
  out->mode = p.mode;
  out->from_path = p.from_path;
  out->known_before = p.known_before;
  if (p.filter_value != 0) {
    out->filter.push_back(
        compare(ir::compare_op::gt, column("price", p.scope), constant(p.filter_value)));
  }
  if (p.item) out->item = column("name", p.scope);
  if (p.operand) out->operand = column("description");
  return out;
}

// Both differ, and each equals its own deep copy.
void check_differ(const expr_ptr& a, const expr_ptr& b) {
  CHECK_FALSE(ir::equals(*a, *b));
  CHECK_FALSE(ir::equals(*b, *a));
  CHECK(ir::equals(*a, *ir::clone(*a)));
  CHECK(ir::equals(*b, *ir::clone(*b)));
}

}  // namespace

TEST_CASE("columns differ by source and by attribute", "[ir]") {
  check_differ(column("name", 0), column("name", 1));
  check_differ(column("name", 0), column("description", 0));
  CHECK(ir::equals(*column("name", 2), *column("name", 2)));
}

TEST_CASE("expressions of the same kind but another type differ", "[ir]") {
  auto as_int =
      std::make_unique<ir::param>(ir::scalar_type(value_type::integer), source_span{}, "n");
  auto as_text = std::make_unique<ir::param>(ir::scalar_type(value_type::text), source_span{}, "n");
  CHECK_FALSE(ir::equals(*as_int, *as_text));
  CHECK_FALSE(ir::equals(*as_int, *constant(1)));
}

TEST_CASE("parameters differ by name and by sequence element", "[ir]") {
  const auto type = ir::scalar_type(value_type::integer);
  check_differ(std::make_unique<ir::param>(type, source_span{}, "ids", 0),
               std::make_unique<ir::param>(type, source_span{}, "ids", 1));
  check_differ(std::make_unique<ir::param>(type, source_span{}, "ids", 0),
               std::make_unique<ir::param>(type, source_span{}, "ids"));
  check_differ(std::make_unique<ir::param>(type, source_span{}, "a"),
               std::make_unique<ir::param>(type, source_span{}, "b"));
}

TEST_CASE("unary, binary and comparison nodes differ by operator and by each operand", "[ir]") {
  check_differ(neg(constant(1)), neg(constant(1), ir::unary_op::not_));
  check_differ(neg(constant(1)), neg(constant(2)));
  check_differ(binary(ir::binary_op::add, column("price"), constant(1)),
               binary(ir::binary_op::sub, column("price"), constant(1)));
  check_differ(binary(ir::binary_op::add, column("price"), constant(1)),
               binary(ir::binary_op::add, column("quantity"), constant(1)));
  check_differ(binary(ir::binary_op::add, column("price"), constant(1)),
               binary(ir::binary_op::add, column("price"), constant(2)));
  check_differ(compare(ir::compare_op::lt, column("price"), constant(1)),
               compare(ir::compare_op::le, column("price"), constant(1)));
  check_differ(compare(ir::compare_op::lt, column("price"), constant(1)),
               compare(ir::compare_op::lt, column("quantity"), constant(1)));
  check_differ(compare(ir::compare_op::lt, column("price"), constant(1)),
               compare(ir::compare_op::lt, column("price"), constant(2)));
}

TEST_CASE("null tests, logical operators and IN lists differ in every field", "[ir]") {
  check_differ(is_null(column("description"), false), is_null(column("description"), true));
  check_differ(is_null(column("description"), false), is_null(column("name"), false));

  auto two = [] {
    std::vector<expr_ptr> v;
    v.push_back(is_null(column("description"), false));
    v.push_back(compare(ir::compare_op::eq, column("quantity"), constant(3)));
    return v;
  };
  auto one = [] {
    std::vector<expr_ptr> v;
    v.push_back(is_null(column("description"), false));
    return v;
  };
  auto other = [] {
    std::vector<expr_ptr> v;
    v.push_back(is_null(column("description"), false));
    v.push_back(compare(ir::compare_op::eq, column("quantity"), constant(4)));
    return v;
  };
  check_differ(logical(ir::logical_op::and_, two()), logical(ir::logical_op::or_, two()));
  check_differ(logical(ir::logical_op::and_, two()), logical(ir::logical_op::and_, one()));
  check_differ(logical(ir::logical_op::and_, two()), logical(ir::logical_op::and_, other()));

  auto items = [](int last) {
    std::vector<expr_ptr> v;
    v.push_back(constant(1));
    v.push_back(constant(last));
    return v;
  };
  check_differ(in_list(column("quantity"), false, items(2)),
               in_list(column("quantity"), true, items(2)));
  check_differ(in_list(column("quantity"), false, items(2)),
               in_list(column("price"), false, items(2)));
  check_differ(in_list(column("quantity"), false, items(2)),
               in_list(column("quantity"), false, items(3)));
}

TEST_CASE("LIKE tests differ by mode, negation, operand and needle", "[ir]") {
  auto base = [] { return like(ir::like_mode::prefix, column("name"), constant("a"), false); };
  check_differ(base(), like(ir::like_mode::suffix, column("name"), constant("a"), false));
  check_differ(base(), like(ir::like_mode::prefix, column("name"), constant("a"), true));
  check_differ(base(), like(ir::like_mode::prefix, column("description"), constant("a"), false));
  check_differ(base(), like(ir::like_mode::prefix, column("name"), constant("b"), false));
}

TEST_CASE("functions differ by kind, raw SQL text, json path and arguments", "[ir]") {
  auto args = [](const char* name) {
    std::vector<expr_ptr> v;
    v.push_back(column(name));
    return v;
  };
  // s.meta['tags'] and s.meta['club']: the same function of the same column.
  auto json_get = [&](const char* key) {
    expr_ptr e = function(ir::function_kind::json_get, args("description"));
    e->as<ir::function>().path.push_back(value{key});
    return e;
  };
  check_differ(json_get("tags"), json_get("club"));
  CHECK(ir::equals(*json_get("tags"), *json_get("tags")));
  check_differ(function(ir::function_kind::upper, args("name")),
               function(ir::function_kind::lower, args("name")));
  check_differ(function(ir::function_kind::upper, args("name")),
               function(ir::function_kind::upper, args("description")));
  check_differ(function(ir::function_kind::raw_sql, args("name"), "lower($1)"),
               function(ir::function_kind::raw_sql, args("name"), "upper($1)"));
  // The one-argument constructor holds its argument.
  const ir::function single{ir::scalar_type(value_type::text), source_span{},
                            ir::function_kind::trim, column("name")};
  REQUIRE(single.args.size() == 1);
  CHECK(ir::equals(single, *function(ir::function_kind::trim, args("name"))));
}

TEST_CASE("aggregates differ by kind, distinctness, separator and argument", "[ir]") {
  auto base = [] { return aggregate(ir::aggregate_kind::group_concat, column("name"), false); };
  check_differ(base(), aggregate(ir::aggregate_kind::max, column("name"), false));
  check_differ(base(), aggregate(ir::aggregate_kind::group_concat, column("name"), true));
  check_differ(base(), aggregate(ir::aggregate_kind::group_concat, column("name"), false, ";"));
  check_differ(base(), aggregate(ir::aggregate_kind::group_concat, column("description"), false));
  // count(*) has no argument: it differs from a count of a column in both directions.
  check_differ(aggregate(ir::aggregate_kind::count, nullptr, false),
               aggregate(ir::aggregate_kind::count, column("name"), false));
  CHECK(ir::equals(*aggregate(ir::aggregate_kind::count, nullptr, false),
                   *aggregate(ir::aggregate_kind::count, nullptr, false)));
}

TEST_CASE("a conditional is copied deeply and differs in each branch", "[ir]") {
  auto make = [](int c, int a, int b) {
    return conditional(compare(ir::compare_op::gt, column("price"), constant(c)), constant(a),
                       constant(b));
  };
  const expr_ptr base = make(1, 2, 3);
  const expr_ptr copy = ir::clone(*base);
  REQUIRE(copy->kind == ir::expr_kind::conditional);
  CHECK(copy.get() != base.get());
  CHECK(copy->as<ir::conditional>().then.get() != base->as<ir::conditional>().then.get());
  CHECK(ir::equals(*base, *copy));
  check_differ(base, make(9, 2, 3));
  check_differ(base, make(1, 9, 3));
  check_differ(base, make(1, 2, 9));
}

TEST_CASE("a subquery is copied deeply and differs in every field", "[ir]") {
  const expr_ptr base = subquery({});
  const expr_ptr copy = ir::clone(*base);
  const auto& q = copy->as<ir::subquery>();
  CHECK(q.mode == ir::subquery_mode::in);
  CHECK(q.scope == 1);
  CHECK(q.filter.size() == 1);
  CHECK(q.item != nullptr);
  CHECK(q.operand != nullptr);
  CHECK(q.item.get() != base->as<ir::subquery>().item.get());
  CHECK(ir::equals(*base, *copy));

  subquery_parts p;
  p.mode = ir::subquery_mode::not_in;
  check_differ(base, subquery(p));
  p = {};
  p.scope = 2;
  check_differ(base, subquery(p));
  p = {};
  p.from_path = true;
  check_differ(base, subquery(p));
  p = {};
  p.known_before = true;
  check_differ(base, subquery(p));
  p = {};
  p.filter_value = 2;
  check_differ(base, subquery(p));
  p = {};
  p.filter_value = 0;
  check_differ(base, subquery(p));
  p = {};
  p.item = false;
  check_differ(base, subquery(p));
  p = {};
  p.operand = false;
  check_differ(base, subquery(p));

  // EXISTS has neither item nor operand; its copy has none either.
  p = {};
  p.mode = ir::subquery_mode::exists;
  p.item = false;
  p.operand = false;
  const expr_ptr exists = subquery(p);
  const expr_ptr exists_copy = ir::clone(*exists);
  CHECK(exists_copy->as<ir::subquery>().item == nullptr);
  CHECK(exists_copy->as<ir::subquery>().operand == nullptr);
  CHECK(ir::equals(*exists, *exists_copy));
}

TEST_CASE("a clone keeps the expression's printed-text index", "[ir]") {
  expr_ptr e = column("name");
  e->text = 7;
  CHECK(ir::clone(*e)->text == 7);
  CHECK(ir::clone(*column("name"))->text == ir::expr::no_text);
}

TEST_CASE("has_aggregate looks into every operand of every kind", "[ir]") {
  CHECK(ir::has_aggregate(*neg(count_all())));
  CHECK(ir::has_aggregate(*binary(ir::binary_op::add, constant(1), count_all())));
  CHECK(ir::has_aggregate(*binary(ir::binary_op::add, count_all(), constant(1))));
  CHECK_FALSE(ir::has_aggregate(*binary(ir::binary_op::add, constant(1), constant(2))));
  CHECK(ir::has_aggregate(*compare(ir::compare_op::gt, constant(1), count_all())));
  CHECK_FALSE(ir::has_aggregate(*compare(ir::compare_op::gt, constant(1), constant(2))));
  CHECK(ir::has_aggregate(*is_null(count_all(), false)));
  {
    std::vector<expr_ptr> v;
    v.push_back(constant(true));
    v.push_back(compare(ir::compare_op::gt, count_all(), constant(1)));
    CHECK(ir::has_aggregate(*logical(ir::logical_op::or_, std::move(v))));
  }
  CHECK(ir::has_aggregate(*in_list(count_all(), false, {})));
  CHECK(ir::has_aggregate(*like(ir::like_mode::contains, column("name"),
                                aggregate(ir::aggregate_kind::max, column("description"), false),
                                false)));
  CHECK_FALSE(
      ir::has_aggregate(*like(ir::like_mode::contains, column("name"), constant("x"), false)));
  CHECK(ir::has_aggregate(*like(ir::like_mode::contains,
                                aggregate(ir::aggregate_kind::max, column("name"), false),
                                constant("x"), false)));
  {
    std::vector<expr_ptr> v;
    v.push_back(column("name"));
    v.push_back(aggregate(ir::aggregate_kind::min, column("description"), false));
    CHECK(ir::has_aggregate(*function(ir::function_kind::coalesce, std::move(v))));
  }
  {
    std::vector<expr_ptr> v;
    v.push_back(column("name"));
    CHECK_FALSE(ir::has_aggregate(*function(ir::function_kind::upper, std::move(v))));
  }
  auto cond = [](expr_ptr c, expr_ptr a, expr_ptr b) {
    return ir::has_aggregate(*conditional(std::move(c), std::move(a), std::move(b)));
  };
  CHECK(cond(compare(ir::compare_op::gt, count_all(), constant(1)), constant(1), constant(2)));
  CHECK(cond(constant(true), count_all(), constant(2)));
  CHECK(cond(constant(true), constant(1), count_all()));
  CHECK_FALSE(cond(constant(true), constant(1), constant(2)));

  // A subquery's own aggregates belong to it; only the operand looked for is of this query.
  subquery_parts p;
  CHECK_FALSE(ir::has_aggregate(*subquery(p)));
  auto with_aggregate_operand = subquery(p);
  with_aggregate_operand->as<ir::subquery>().operand = count_all();
  CHECK(ir::has_aggregate(*with_aggregate_operand));
  p.operand = false;
  auto scalar = subquery(p);
  scalar->as<ir::subquery>().item = count_all();
  CHECK_FALSE(ir::has_aggregate(*scalar));
}

TEST_CASE("types compare by every field and know entities from collections", "[ir]") {
  const entity_info& product = *testing::schema().find("Product");
  const ir::type object = ir::entity_type(product);
  ir::type many = object;
  many.collection = true;
  CHECK(object.is_entity());
  CHECK_FALSE(many.is_entity());
  CHECK_FALSE(many.is_number());
  CHECK(ir::element_type(many) == object);
  CHECK_FALSE(many == object);
  CHECK_FALSE(object == ir::scalar_type(object.scalar));
  CHECK_FALSE(ir::scalar_type(value_type::integer) == ir::scalar_type(value_type::real));
  CHECK(ir::type_text(many) == "Set of Product");
  ir::type numbers = ir::scalar_type(value_type::real);
  numbers.collection = true;
  CHECK_FALSE(numbers.is_number());
  CHECK(ir::type_text(numbers) == "Set of float");
  CHECK(ir::scalar_type(value_type::decimal).is_number());
  CHECK_FALSE(ir::scalar_type(value_type::boolean).is_number());
}
