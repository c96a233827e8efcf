// The analyzer's errors (exact message and caret) and the logical queries it builds.
#include "analyze/analyzer.hpp"
#include "../golden/schema_fixture.hpp"
#include "parse/parser.hpp"

#include <catch2/catch.hpp>

#include <nextorm/errors.hpp>

using namespace nextorm;
using testing::compile_text;

namespace {

// The rendered error of a query that must fail.
std::string error_of(const std::string& text, const params& args = {}) {
  try {
    (void)compile_text(text, args);
  } catch (const query_error& e) {
    return e.what();
  }
  return "no error";
}

// A query passed as a parameter: a generator text, or Entity.select(text) when `entity` is set.
param_value query_param(std::string text, params args = {}, std::string entity = {},
                        std::vector<std::pair<std::uint8_t, std::string>> modifiers = {}) {
  auto q = std::make_shared<nested_query>();
  q->text = std::move(text);
  q->entity = std::move(entity);
  q->args = std::move(args);
  q->modifiers = std::move(modifiers);
  return param_value{std::shared_ptr<const nested_query>{std::move(q)}};
}

// The rendered error of `text` compiled against the registry `r` ("no error" when it compiles).
std::string error_in(const registry& r, const std::string& text) {
  try {
    (void)compile::compile_query(testing::spec_of(text), r, lower::sqlite_dialect(), {});
  } catch (const query_error& e) {
    return e.what();
  }
  return "no error";
}

std::string error_of_spec(const ir::query_spec& spec, const params& args = {}) {
  try {
    (void)compile::compile_query(spec, testing::schema(), lower::sqlite_dialect(), args);
  } catch (const query_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("an unknown attribute names the entity, suggests the nearest and points at the name") {
  CHECK(error_of("p for p in Product if p.prise < 20") ==
        "unknown_name.attribute: entity Product has no attribute 'prise'; did you mean 'price'? "
        "(line 1, column 25)\n"
        "  p for p in Product if p.prise < 20\n"
        "                          ^~~~~");
}

TEST_CASE("an unknown entity in a for clause suggests the nearest entity") {
  CHECK(
      error_of("p for p in Prodct") ==
      "unknown_name.entity: unknown entity 'Prodct'; did you mean 'Product'? (line 1, column 12)\n"
      "  p for p in Prodct\n"
      "             ^~~~~~");
}

TEST_CASE("a free name neither bound nor passed is an unknown parameter with a suggestion") {
  CHECK(error_of("p for p in Product if p.price < min_prise", {{"min_price", 1.5}}) ==
        "unknown_name.parameter: name 'min_prise' is not defined: it is neither a loop variable, "
        "an entity nor a parameter passed with the query; did you mean 'min_price'? "
        "(line 1, column 33)\n"
        "  p for p in Product if p.price < min_prise\n"
        "                                  ^~~~~~~~~");
  CHECK(error_of("p for p in Product if zzzzzz > 1").find("query (line 1") != std::string::npos);
}

TEST_CASE("type mismatches name both types") {
  CHECK(error_of("p for p in Product if p.name < 3")
            .starts_with("type.mismatch: cannot compare str with int"));
  CHECK(error_of("p for p in Product if p.name + 1 > 3")
            .starts_with("type.mismatch: operator + needs numbers, got str and int"));
  CHECK(error_of("p for p in Product if p.category == 3")
            .starts_with("type.mismatch: cannot compare Category with int"));
  CHECK(error_of("p for p in Product for c in Category if p == c")
            .starts_with("type.mismatch: cannot compare Product with Category"));
  CHECK(error_of("p for p in Product if -p.name < 1")
            .starts_with("type.mismatch: operator - needs a number, got str"));
  CHECK(error_of("p for p in Product if p.price < None")
            .starts_with("type.mismatch: cannot compare float with None"));
  CHECK(error_of("p for p in Product if p < p")
            .starts_with("type.mismatch: operator < cannot order objects of Product"));
  CHECK(error_of("p for p in Product if 3 in p.name")
            .starts_with("type.mismatch: cannot look for int in str"));
  CHECK(error_of("p for p in Product if p.quantity in (1, 'a')")
            .starts_with("type.mismatch: cannot compare int with str"));
  CHECK(error_of("p for p in Product if p.quantity in p.price")
            .starts_with("type.mismatch: 'in' needs a tuple, a sequence parameter or a str on its "
                         "right, got float"));
  CHECK(error_of("p for p in Product if len(p.price) > 1")
            .starts_with(
                "type.mismatch: len() needs a str, a json array or a collection, got float"));
  CHECK(error_of("p for p in Product if abs(p.name) > 1")
            .starts_with("type.mismatch: abs() needs a number, got str"));
  CHECK(error_of("p for p in Product if p.name.startswith(1)")
            .starts_with("type.mismatch: startswith() needs a str argument, got int"));
  CHECK(error_of("sum(p.name) for p in Product")
            .starts_with("type.mismatch: sum() needs numbers, got str"));
  CHECK(error_of("max(p) for p in Product")
            .starts_with("type.mismatch: max() needs comparable values, got Product"));
}

TEST_CASE("a condition that is not a bool is read as PonyORM reads it, or refused") {
  CHECK(compile_text("p for p in Product if p.price")->sql.ends_with("WHERE \"p\".\"price\" <> 0"));
  CHECK(
      compile_text("p for p in Product if not p.name")->sql.ends_with("WHERE \"p\".\"name\" = ?"));
  CHECK(compile_text("p for p in Product if p.category")
            ->sql.ends_with("WHERE \"p\".\"category\" IS NOT NULL"));
  CHECK(compile_text("c for c in Category if not c.products")->sql.find("NOT EXISTS (SELECT 1") !=
        std::string::npos);
  CHECK(error_of("p for p in Product if p.active or c",
                 {{"c", value::typed(value_type::decimal, "1")}})
            .find("no error") != std::string::npos);
  CHECK(error_of("p for p in Product if p.active or None") ==
        "type.not_boolean: a condition must be a bool, got None (line 1, column 35)\n"
        "  p for p in Product if p.active or None\n"
        "                                    ^~~~");
}

TEST_CASE("constructs outside the language are refused as unsupported") {
  CHECK(error_of("p for p in Product if p.tags.name == 'x'") ==
        "type.mismatch: cannot compare Set of str with str (line 1, column 23)\n"
        "  p for p in Product if p.tags.name == 'x'\n"
        "                        ^~~~~~~~~~~~~~~~~~");
  CHECK(error_of("p for p in Product if p is 3").starts_with("unsupported.is"));
  CHECK(error_of("p for p in Product if p.price[0] == 'a'")
            .starts_with(
                "unsupported.subscript: indexing is supported on str and json only, not on float"));
  CHECK(error_of("p for p in Product if p.price[0:1] == 'a'")
            .starts_with("unsupported.subscript: slicing is supported on str only, not on float"));
  CHECK(error_of("p for p in Product if (1, 2) == p.quantity")
            .starts_with("type.mismatch: a tuple of 2 values compares only with tuples"));
  CHECK(error_of("p for p in Product if (1, 2) + 1 > 0").starts_with("unsupported.syntax"));
  CHECK(error_of("p for p in Product if exists(p.name)")
            .starts_with("type.mismatch: exists() needs a collection or a nested query, got str"));
  CHECK(error_of("p for p in Product if desc(p.price)").starts_with("unsupported.desc"));
  CHECK(error_of("p for p in Product if Product").starts_with("unsupported.entity_value"));
  CHECK(error_of("p for p in Product for p in Category")
            .starts_with("unsupported.duplicate_variable"));
  CHECK(
      error_of("p for p in Product for p in p.tags").starts_with("unsupported.duplicate_variable"));
  CHECK(error_of("p for p, q in Product").starts_with("unsupported.unpacking"));
  CHECK(error_of("p for p in Product if exists(x for x, y in Tag)")
            .starts_with("unsupported.unpacking"));
  CHECK(error_of("t for p in Product for t in p.tags.name")
            .starts_with(
                "unsupported.source: a loop over a collection of values (str) is not supported"));
  CHECK(error_of("t for p in Product for t in p.name")
            .starts_with("type.not_iterable: a loop iterates over an entity or a collection of "
                         "objects, not str"));
  CHECK(error_of("p for p in Product if exists(t for t in p.tags if count(t) > 1)")
            .starts_with("unsupported.aggregate_in_filter"));
  CHECK(error_of("p for p in Product if exists((t, t.name) for t in p.tags)")
            .starts_with("unsupported.subquery_tuple"));
  CHECK(error_of("p for p in Product if exists(t for t in Tagg)")
            .starts_with("unknown_name.entity: unknown entity 'Tagg'; did you mean 'Tag'?"));
  CHECK(error_of("c for p in Product", {{"c", entity_ref{testing::schema().find("Category"), 1}}})
            .starts_with("unsupported.result"));
  CHECK(error_of("p for p in Product if p.category == c.name",
                 {{"c", entity_ref{testing::schema().find("Category"), 1}}})
            .starts_with("type.mismatch: cannot compare Category with str"));
  CHECK(error_of("p for p in Product if (p.category if p.active else None).n_products > 1")
            .starts_with("unsupported.parameter_attribute: computed attribute "
                         "Category.n_products of an object chosen by an expression"));
  CHECK(error_of("p for p in Product for q in Product if Product.name == 'a'")
            .starts_with("unsupported.ambiguous_entity"));
  CHECK(error_of("p for p in Product if Category.name == 'a'")
            .starts_with(
                "unknown_name.loop_variable: no loop variable iterates over entity Category"));
}

TEST_CASE("collections are consumed by len, count, exists, in and loops, and refused elsewhere") {
  CHECK(error_of("p for p in Product if p.tags + 1 > 3") ==
        "type.collection: a collection (Set of Tag) cannot be used here: use len(), count(), "
        "exists(), is_empty(), 'in', or iterate over it with 'for' (line 1, column 23)\n"
        "  p for p in Product if p.tags + 1 > 3\n"
        "                        ^~~~~~");
  CHECK(error_of("p for p in Product if -p.tags").starts_with("type.collection"));
  CHECK(error_of("p for p in Product if p.tags.nosuch()") ==
        "unknown_name.method: Set of Tag has no method 'nosuch' (line 1, column 30)\n"
        "  p for p in Product if p.tags.nosuch()\n"
        "                               ^~~~~~");
  CHECK(error_of("p for p in Product if p.tags.cont() > 1")
            .starts_with(
                "unknown_name.method: Set of Tag has no method 'cont'; did you mean 'count'?"));
  CHECK(error_of("p for p in Product if p.tags.name.nosuch == 1")
            .starts_with("unknown_name.attribute: Set of str has no attribute 'nosuch'"));
  CHECK(error_of("p for p in Product if p.tags.nosuch == 1")
            .starts_with("unknown_name.attribute: entity Tag has no attribute 'nosuch'"));
  CHECK(
      error_of("p for p in Product if p.tags.select(3)")
          .starts_with("type.arguments: select() of a collection takes a lambda of one argument"));
  CHECK(error_of("p for p in Product if p.tags.count(1) > 1")
            .starts_with("type.arguments: count() takes no arguments, got 1"));
  CHECK(error_of("p for p in Product if sum(p.tags.name) > 1")
            .starts_with("type.mismatch: sum() needs numbers, got Set of str"));
  CHECK(error_of("p for p in Product if max(p.tags) > 1")
            .starts_with("type.mismatch: max() needs comparable values, got Set of Tag"));
  CHECK(error_of("p for p in Product if 1 in p.tags")
            .starts_with("type.mismatch: cannot look for int in Set of Tag"));
  CHECK(error_of("p for p in Product if p.tags in p.tags").starts_with("type.collection"));
  CHECK(error_of("p for p in Product if max(p.price, p.name) > 1")
            .starts_with("type.mismatch: cannot compare float with str"));
  CHECK(error_of("p for p in Product if max(p.price, p.tags) > 1").starts_with("type.mismatch"));
  auto plan =
      compile_text("c for c in Category if c.products.price.sum() > 1 and c.products.exists()");
  CHECK(plan->sql.find("(SELECT coalesce(SUM(\"product\".\"price\"), 0) FROM") !=
        std::string::npos);
  CHECK(plan->sql.find("EXISTS (SELECT 1 FROM") != std::string::npos);
}

TEST_CASE("functions check their arguments and suggest the nearest function") {
  CHECK(error_of("p for p in Product if cont(p) > 1") ==
        "unknown_name.function: unknown function 'cont'; did you mean 'count'? "
        "(line 1, column 23)\n"
        "  p for p in Product if cont(p) > 1\n"
        "                        ^~~~");
  CHECK(error_of("p for p in Product if p.name.strip('a', 'b')")
            .starts_with("type.arguments: strip() takes 0 to 1 arguments, got 2"));
  CHECK(error_of("p for p in Product if p.name.strip(1)")
            .starts_with("type.mismatch: strip() needs a str argument, got int"));
  CHECK(error_of("p for p in Product if p.name.replace('a')")
            .starts_with("type.arguments: replace() takes 2 arguments, got 1"));
  CHECK(error_of("p for p in Product if p.name.replace('a', 1)")
            .starts_with("type.mismatch: replace() needs a str argument, got int"));
  CHECK(error_of("p for p in Product if p.name.upper(1)").starts_with("type.arguments"));
  CHECK(error_of("p for p in Product if p.name[p.price] == 'a'")
            .starts_with("type.mismatch: a str index must be an int, got float"));
  CHECK(error_of("p for p in Product if p.name[p.price:] == 'a'")
            .starts_with("type.mismatch: a slice bound must be an int, got float"));
  CHECK(error_of("p for p in Product if getattr(p, p.name)").starts_with("unsupported.getattr"));
  CHECK(error_of("p for p in Product if between(p.name, 1, 2)").starts_with("type.mismatch"));
  CHECK(error_of("p for p in Product if coalesce(p.name, 1)")
            .starts_with("type.mismatch: coalesce() needs values of one type, got str and int"));
  CHECK(error_of("p for p in Product if coalesce(p.tags)").starts_with("type.collection"));
  CHECK(error_of("p for p in Product if int(p.category) > 1")
            .starts_with("type.mismatch: int() converts a value, not an object of Category"));
  CHECK(error_of("p for p in Event if float(p.day) > 1")
            .starts_with("type.mismatch: float() needs a number or a str, got date"));
  CHECK(error_of("p for p in Product if random(1) > 1").starts_with("type.arguments"));
  CHECK(error_of("e for e in Event if e.day > date(2000, 1, e.id)")
            .starts_with("unsupported.constructor: date() needs int literals in the query"));
  CHECK(error_of("e for e in Event if e.day > timedelta(days=1)")
            .starts_with("type.mismatch: cannot compare date with timedelta"));
  CHECK(error_of("e for e in Event if e.title + timedelta(days=1) > 1")
            .starts_with("type.mismatch: operator + needs numbers, got str and timedelta"));
  CHECK(error_of("e for e in Event if e.day.hour == 1")
            .starts_with("unknown_name.attribute: date has no attribute 'hour'"));
  CHECK(error_of("e for e in Event if e.day.date() == 1")
            .starts_with("unknown_name.method: date has no method 'date'"));
  CHECK(error_of("p for p in Product if (p.name if p.id else p.tags) == 1")
            .starts_with("type.mismatch: the branches of a conditional expression have different "
                         "types: str and "
                         "Set of Tag"));
  CHECK(error_of("p for p in Product if (p.tags if p.id else None) == 1")
            .starts_with("type.collection"));
  CHECK(error_of("e for e in Event if (e.title if e.id else None) == 1")
            .starts_with("type.mismatch: cannot compare str with int"));
  CHECK(error_of("p for p in Product if group_concat(p.name, sep=1)")
            .starts_with(
                "type.arguments: group_concat() takes only the keyword argument distinct=True or "
                "distinct=False and sep='...'"));
}

TEST_CASE("sequence parameters may only follow in") {
  params args{{"ids", std::vector<param_value>{1, 2}}};
  CHECK(error_of("p for p in Product if p.quantity == ids", args)
            .starts_with(
                "type.sequence_parameter: parameter 'ids' is a sequence: it can only follow 'in'"));
  params nested{{"ids", std::vector<param_value>{param_value{std::vector<param_value>{1}}}}};
  CHECK(error_of("p for p in Product if p.quantity in ids", nested)
            .starts_with(
                "type.sequence_parameter: parameter 'ids' holds a nested sequence at index 0"));
  CHECK(error_of("p for p in Product if p.category == c", {{"c", entity_ref{}}})
            .starts_with("usage.entity_parameter"));
}

TEST_CASE("a None parameter makes == an IS NULL and None in a sequence is NULL") {
  auto plan = compile_text("p for p in Product if p.description == d and p.quantity in ids",
                           {{"d", value{}}, {"ids", std::vector<param_value>{value{}, 1}}});
  CHECK(plan->sql.ends_with(
      "WHERE \"p\".\"description\" IS NULL AND \"p\".\"quantity\" IN (NULL, ?)"));
  REQUIRE(plan->params.size() == 1);
  CHECK(plan->params[0].element == 1u);
}

TEST_CASE("lambdas must match the result items and the loop variables") {
  ir::query_spec spec = testing::spec_of("p for p in Product");
  spec.modifiers.push_back({ir::modifier_kind::filter, "lambda a, b: a.price > 1"});
  CHECK(error_of_spec(spec).starts_with(
      "type.arguments: the lambda takes 2 argument(s) but the query's result has 1 item(s)"));
  spec.modifiers = {{ir::modifier_kind::where, "lambda a, b: a.price > 1"}};
  CHECK(error_of_spec(spec).starts_with(
      "type.arguments: the lambda of where() takes 2 argument(s) but the query has 1 loop "
      "variable(s)"));
  spec.modifiers = {{ir::modifier_kind::order_by, "desc(p.price, 1)"}};
  CHECK(error_of_spec(spec).starts_with("type.arguments: desc() takes 1 argument, got 2"));
  spec.modifiers = {{ir::modifier_kind::order_by, "-3"}};
  CHECK(error_of_spec(spec) ==
        "unknown_name.column: order_by column -3 is out of range: the result has 1 column(s), "
        "numbered from 1 (line 1, column 1)\n  -3\n  ^~");
  ir::query_spec entity;
  entity.entity = "Product";
  entity.text = "lambda a, b: a.price > 1";
  CHECK(error_of_spec(entity).starts_with(
      "type.arguments: the lambda of Product.select() takes 1 argument, got 2"));
  entity.entity = "Prodct";
  entity.text = "";
  CHECK(error_of_spec(entity).starts_with(
      "unknown_name.entity: unknown entity 'Prodct'; did you mean 'Product'?"));
}

TEST_CASE("a lambda argument stands for the result item even where it shadows a loop variable") {
  ir::query_spec spec = testing::spec_of("(p.name, p.price) for p in Product");
  spec.modifiers.push_back({ir::modifier_kind::filter, "lambda p, q: p.startswith('a')"});
  auto plan = compile::compile_query(spec, testing::schema(), lower::sqlite_dialect(), {});
  CHECK(plan->sql.ends_with("WHERE \"p\".\"name\" LIKE ?"));
}

TEST_CASE("terminals check the result they aggregate or remove") {
  ir::query_spec spec = testing::spec_of("p.name for p in Product");
  spec.terminal = ir::terminal::avg;
  CHECK(error_of_spec(spec) ==
        "type.aggregate_result: avg() needs a query whose result is one number, got str "
        "(line 1, column 1)\n  p.name for p in Product\n  ^~~~~~");
  spec.text = "(p.name, p.price) for p in Product";
  spec.terminal = ir::terminal::min;
  CHECK(error_of_spec(spec).starts_with(
      "type.aggregate_result: min() needs a query whose result is one value, got 2 items"));
  spec.text = "p for p in Product";
  spec.terminal = ir::terminal::max;
  CHECK(error_of_spec(spec).starts_with("type.aggregate_result: max()"));
  spec.terminal = ir::terminal::sum;
  CHECK(error_of_spec(spec).starts_with("type.aggregate_result: sum()"));
  spec.text = "(p.category, count(p)) for p in Product";
  spec.terminal = ir::terminal::remove;
  CHECK(error_of_spec(spec).starts_with("type.remove_result"));
}

TEST_CASE("a loop variable named like an earlier join's alias renames the join") {
  auto plan = compile_text(
      "p for p in Product if p.category.name == 'a' for category in Category if category.id == 1");
  CHECK(plan->sql.find("\"Category\" \"category-2\"") != std::string::npos);
  CHECK(plan->sql.find("\"Category\" \"category\"") != std::string::npos);
}

TEST_CASE("a registry that is not finalized is a usage error") {
  registry reg;
  CHECK_THROWS_AS(compile::compile_query(testing::spec_of("p for p in Product"), reg,
                                         lower::sqlite_dialect(), {}),
                  usage_error);
}

TEST_CASE("a value has no attributes and no name bound to a value can be called") {
  CHECK(error_of("p for p in Product if p.price.foo > 1") ==
        "unknown_name.attribute: float has no attribute 'foo' (line 1, column 31)\n"
        "  p for p in Product if p.price.foo > 1\n"
        "                                ^~~");
  CHECK(error_of("p for p in Product if p(1)") ==
        "type.not_callable: 'p' is not a function (line 1, column 23)\n"
        "  p for p in Product if p(1)\n"
        "                        ^");
  CHECK(error_of("p for p in Product if x(1)", {{"x", 1}})
            .starts_with("type.not_callable: 'x' is not a function (line 1, column 23)"));
}

TEST_CASE("an aggregate takes one argument that holds no other aggregate") {
  CHECK(error_of("sum(p.price, p.quantity) for p in Product")
            .starts_with("type.arguments: sum() takes 1 argument, got 2 (line 1, column 1)"));
  CHECK(error_of("sum() for p in Product")
            .starts_with("type.arguments: sum() takes 1 argument, got 0 (line 1, column 1)"));
  CHECK(error_of("max(sum(p.price)) for p in Product") ==
        "type.nested_aggregate: an aggregate cannot contain another aggregate: max() of a count, "
        "sum, avg, min or max; aggregate the rows once (or write the inner one as a generator: "
        "max(count(...) for x in ...)) (line 1, column 5)\n"
        "  max(sum(p.price)) for p in Product\n"
        "      ^~~~~~~~~~~~");
  // An aggregate of a collection's aggregate, too, as PonyORM refuses it ("Too complex
  // aggregation"); written as a generator, it is the aggregate of a nested query's values.
  CHECK(error_of("sum(count(p.tags)) for p in Product")
            .starts_with("type.nested_aggregate: an aggregate cannot contain another aggregate"));
  CHECK(error_of("sum(count(t for t in p.tags) + 1) for p in Product")
            .starts_with("type.nested_aggregate:"));
  // A nested query that is a condition is no aggregate: a conditional count of it.
  CHECK(compile_text("count(exists(t for t in p.tags)) for p in Product")
            ->sql.starts_with("SELECT COUNT(CASE WHEN EXISTS (SELECT 1 FROM"));
  CHECK(compile_text("sum(count(p.tags) for p in Product)")
            ->sql.starts_with("SELECT coalesce(SUM(\"q\".\"c1\"), 0) FROM (SELECT COUNT("));
}

TEST_CASE("timedelta() is an interval constant that dates and datetimes move by") {
  CHECK(compile_text("e for e in Event if e.day + timedelta(1) > e.day")
            ->sql.ends_with("WHERE py_date_add(\"e\".\"day\", 1.0) > \"e\".\"day\""));
  CHECK(compile_text("e for e in Event if e.at - timedelta(0, 30) > e.at")
            ->sql.ends_with(
                "WHERE py_datetime_add(\"e\".\"at\", -(0.00034722222222222224)) > \"e\".\"at\""));
  // Python's positional order: days, seconds, microseconds, milliseconds, minutes, hours, weeks.
  CHECK(compile_text("e for e in Event if e.at + timedelta(0, 0, 0, 0, 0, 0, 1) > e.at")
            ->sql.ends_with("WHERE py_datetime_add(\"e\".\"at\", 7.0) > \"e\".\"at\""));
  CHECK(compile_text("e.at - e.at for e in Event")->sql ==
        "SELECT DISTINCT py_timedelta_between(\"e\".\"at\", \"e\".\"at\") FROM \"Event\" \"e\"");
  CHECK(compile_text("e for e in Event if timedelta(hours=+2) + e.at > e.at")
            ->sql.ends_with("WHERE py_datetime_add(\"e\".\"at\", 0.08333333333333333) > "
                            "\"e\".\"at\""));
  CHECK(error_of("e for e in Event if e.day + timedelta(x) > e.day", {{"x", 1}})
            .starts_with("unsupported.timedelta: timedelta() in a query takes int literals"));
  CHECK(error_of("e for e in Event if e.day + timedelta(1, 2, 3, 4, 5, 6, 7, 8) > e.day")
            .starts_with("type.arguments: timedelta() takes at most 7 arguments"));
  CHECK(error_of("e for e in Event if e.day + timedelta(1, days=2) > e.day")
            .starts_with("type.arguments: timedelta() got multiple values for argument 'days'"));
  CHECK(error_of("e for e in Event if e.day + timedelta(dayz=2) > e.day")
            .starts_with("type.arguments: timedelta() got an unexpected keyword argument 'dayz'; "
                         "did you mean 'days'?"));
  CHECK(error_of("e for e in Event if e.day + timedelta(weeks=9223372036854775807) > e.day")
            .starts_with("type.constructor: timedelta() cannot build this value: it is beyond the "
                         "±292,000 years"));
  CHECK(error_of("e for e in Event if e.day + timedelta(-9223372036854775808) > e.day")
            .starts_with("type.constructor: timedelta() cannot build this value"));
  CHECK(error_of("e for e in Event if e.day - e.at > timedelta(1)")
            .starts_with("type.mismatch: operator - needs numbers, got date and datetime"));
  CHECK(error_of("e for e in Event if e.day + timedelta(not 1) > e.day")
            .starts_with("unsupported.timedelta"));
  CHECK(error_of("e for e in Event if e.day + timedelta(106751991, weeks=1) > e.day")
            .starts_with("type.constructor: timedelta() cannot build this value"));
  CHECK(error_of("e for e in Event if timedelta(1) + 1 > timedelta(1)")
            .starts_with("type.mismatch: operator + needs numbers, got timedelta and int"));
  CHECK(error_of("e for e in Event if e.day + timedelta(-(-9223372036854775807)) > e.day")
            .starts_with("unsupported.timedelta"));
  CHECK(error_of("e for e in Event if timedelta(1) - e.at > timedelta(1)")
            .starts_with("type.mismatch: operator - needs numbers, got timedelta and datetime"));
}

TEST_CASE("Entity.select(condition) stands for a generator over the first unbound name") {
  const registry& reg = testing::schema();
  auto text = [&](const std::string& condition, const params& args = {}) {
    ast::node_ptr c = condition.empty() ? nullptr : parse::parse_expression(condition);
    return analyze::entity_generator_text(reg, args, "Product", c.get());
  };
  CHECK(text("") == "p for p in Product");
  CHECK(text("x.price < 20") == "x for x in Product if x.price < 20");
  // The first name in text order, through every kind of operand.
  CHECK(text("-b.price < a.price") == "b for b in Product if -b.price < a.price");
  CHECK(text("(b.price + a.price) > 1") == "b for b in Product if b.price + a.price > 1");
  CHECK(text("(b.price, a.price) == (1, 2)") ==
        "b for b in Product if (b.price, a.price) == (1, 2)");
  CHECK(text("b.name.startswith(a.name) or c.price > 1") ==
        "b for b in Product if b.name.startswith(a.name) or c.price > 1");
  CHECK(text("f(k=b.price) > 1") == "b for b in Product if f(k=b.price) > 1");
  // Entities and parameters are not loop variables.
  CHECK(text("Product.price < v.price + w.x", {{"v", 1}}) ==
        "w for w in Product if Product.price < v.price + w.x");
  // No name of a loop variable in the condition: the entity's initial, as without a condition.
  CHECK(text("Product.price < 20") == "p for p in Product if Product.price < 20");
  // A lambda names its variable; one of two variables is not Entity.select's form.
  CHECK(text("lambda q: q.price < 2") == "q for q in Product if q.price < 2");
  CHECK(text("lambda a, b: a.price < 2") == "p for p in Product if lambda a, b: a.price < 2");
  // An entity that is not in the registry keeps its spelling (the analyzer reports it).
  CHECK(analyze::entity_generator_text(reg, {}, "Widget", nullptr) == "w for w in Widget");
}

TEST_CASE("a raw_sql $(expression) ends at its own closing parenthesis, not at one in a string") {
  // The fragment is  $(p.name + 'a)b\'c') = 'x'  : the quoted ')' and the escaped quote are
  // part of the expression's str literal.
  auto plan = compile_text(R"q(p for p in Product if raw_sql("$(p.name + 'a)b\\'c') = 'x'"))q");
  CHECK(plan->sql.ends_with("WHERE (\"p\".\"name\" || ?) = 'x'"));
  REQUIRE(plan->params.size() == 1);
  CHECK(plan->params[0].constant == value{"a)b'c"});
  CHECK(compile_text(R"q(p for p in Product if raw_sql('$(p.name + "x)") > 1'))q")
            ->sql.ends_with("WHERE (\"p\".\"name\" || ?) > 1"));
}

TEST_CASE("a collection's sum(), avg(), min() and max() methods are correlated aggregates") {
  const std::string from =
      " FROM \"Product_Tag\" \"t-1\", \"Tag\" \"tag\" WHERE \"p\".\"id\" = "
      "\"t-1\".\"product\" AND \"t-1\".\"tag\" = \"tag\".\"id\") > 1";
  CHECK(compile_text("p for p in Product if p.tags.id.sum() > 1")
            ->sql.ends_with("WHERE (SELECT coalesce(SUM(\"tag\".\"id\"), 0)" + from));
  CHECK(compile_text("p for p in Product if p.tags.id.avg() > 1")
            ->sql.ends_with("WHERE (SELECT AVG(\"tag\".\"id\")" + from));
  CHECK(compile_text("p for p in Product if p.tags.id.min() > 1")
            ->sql.ends_with("WHERE (SELECT MIN(\"tag\".\"id\")" + from));
  CHECK(compile_text("p for p in Product if p.tags.id.max() > 1")
            ->sql.ends_with("WHERE (SELECT MAX(\"tag\".\"id\")" + from));
}

TEST_CASE("a json element compares as the other side's type on either side") {
  CHECK(compile_text("d for d in Doc if 1 == d.meta['x']")
            ->sql.ends_with("WHERE 1 = CAST(json_extract(\"d\".\"meta\", ?) AS INTEGER)"));
  CHECK(compile_text("d for d in Doc if 'a' != d.meta['x']")
            ->sql.ends_with("WHERE ? <> CAST(json_extract(\"d\".\"meta\", ?) AS TEXT)"));
}

TEST_CASE("a json subscript by a str or int parameter binds its value into the path") {
  const auto by_key =
      compile_text("d for d in Doc if d.meta[k][i] == 'x'", {{"k", "tags"}, {"i", 0}});
  CHECK(by_key->sql.ends_with("WHERE CAST(json_extract(\"d\".\"meta\", ?) AS TEXT) = ?"));
  for (const auto& [text, args] : std::vector<std::pair<std::string, params>>{
           {"d for d in Doc if d.meta[d] == 1", {}},            // a loop variable
           {"d for d in Doc if d.meta[k] == 1", {}},            // not passed
           {"d for d in Doc if d.meta[k] == 1", {{"k", 1.5}}},  // neither str nor int
           {"d for d in Doc if d.meta[-1] == 1", {}},           // an expression
           {"d for d in Doc if d.meta[k] == 1", {{"k", std::vector<param_value>{1, 2}}}}}) {
    INFO(text);
    CHECK(error_of(text, args)
              .starts_with(
                  "unsupported.json_path: a json subscript is a str or int literal or parameter"));
  }
}

TEST_CASE("len() of json and 'is True' of a json element") {
  CHECK(compile_text("d for d in Doc if len(d.meta['tags']) > 1")
            ->sql.ends_with("coalesce(json_array_length(\"d\".\"meta\", ?), 0) END > 1"));
  CHECK(compile_text("d for d in Doc if d.meta['on'] is not False")
            ->sql.ends_with("WHERE CAST(json_extract(\"d\".\"meta\", ?) AS INTEGER) <> 0"));
  CHECK(error_of("d for d in Doc if d.meta is True")
            .starts_with("unsupported.is: 'is' compares only with None, True or False"));
}

namespace {
// The JSON text a dict literal binds, alone in a comparison with a json attribute.
std::string dict_json(const std::string& dict, const params& args = {}) {
  const auto plan = compile_text("d for d in Doc if d.meta == " + dict, args);
  REQUIRE(plan->params.size() == 1);
  return plan->params[0].constant.as_text();
}
}  // namespace

TEST_CASE("a dict literal binds PonyORM's JSON text: sorted keys, compact, ints by number") {
  const auto plan = compile_text(
      "d for d in Doc if d.meta == {'b': [1, 2.5, None, True], 'a': {'y': '\u00e9', 'x': -3}}");
  CHECK(plan->sql.ends_with("WHERE \"d\".\"meta\" = ?"));
  CHECK_FALSE(plan->value_dependent);
  CHECK(dict_json("{'b': [1, 2.5, None, True], 'a': {'y': '\u00e9', 'x': -3}}") ==
        "{\"a\":{\"x\":-3,\"y\":\"\u00e9\"},\"b\":[1,2.5,null,true]}");
  CHECK(dict_json("{}") == "{}");
  CHECK(dict_json("{10: 1, 9: 2, 10: 3}") == "{\"9\":2,\"10\":3}");  // the last value wins
  CHECK(dict_json("{'a': 1, 2: 0, -1: +5}") == "{\"-1\":5,\"2\":0,\"a\":1}");
  CHECK(dict_json(R"({'q': '"\\\n\x01', 'f': 1.0, 'g': 1e16})") ==
        R"({"f":1.0,"g":1e+16,"q":"\"\\\n\u0001"})");
  CHECK(dict_json("{'a': (1, [2, {}])}") == "{\"a\":[1,[2,{}]]}");
}

TEST_CASE("a dict literal takes parameters, and its plan is made for their values") {
  const params args{
      {"x", 1},
      {"ids", std::vector<param_value>{1, 2}},
      {"j", value::typed(value_type::json, "{\"b\": [1, {\"d\": 2, \"c\": 3}], \"a\": []}")},
      {"k", "key"},
      {"n", nullptr}};
  CHECK(dict_json("{'x': x, 'l': ids, 'j': j, k: n}", args) ==
        "{\"j\":{\"a\":[],\"b\":[1,{\"c\":3,\"d\":2}]},\"key\":null,\"l\":[1,2],\"x\":1}");
  CHECK(dict_json("{'f': -1.5, 'g': +2.5}") == "{\"f\":-1.5,\"g\":2.5}");
  CHECK(compile_text("d for d in Doc if d.meta == {'x': x}", args)->value_dependent);
}

TEST_CASE("a dict literal refuses what has no JSON form or is not known before the query") {
  CHECK(error_of("d for d in Doc if d.meta == {'a': d.id}")
            .starts_with("unsupported.dict_value: a dict or Json(...) in a query is made before "
                         "the query runs"));
  CHECK(error_of("d for d in Doc if d.meta == {'a': not 1}").starts_with("unsupported.dict_value"));
  CHECK(error_of("d for d in Doc if d.meta == {'a': d}").starts_with("unsupported.dict_value"));
  CHECK(error_of("d for d in Doc if d.meta == {'a': zz}").starts_with("unsupported.dict_value"));
  CHECK(error_of("d for d in Doc if d.meta == {'a': -'x'}").starts_with("unsupported.dict_value"));
  CHECK(error_of("d for d in Doc if d.meta == {'a': x}",
                 {{"x", value::typed(value_type::date, "2020-01-01")}})
            .starts_with("type.json_value: a value of type date has no JSON form"));
  CHECK(error_of("d for d in Doc if d.meta == {'a': 1e999}")
            .starts_with("type.json_value: inf and nan have no JSON form"));
  CHECK(error_of("d for d in Doc if d.meta == {1.5: 1}")
            .starts_with("type.json_value: a key of a dict in a query is a str or an int"));
  CHECK(error_of("d for d in Doc if d.meta == {'a': -x}",
                 {{"x", std::numeric_limits<std::int64_t>::min()}})
            .starts_with("type.json_value: the negated integer does not fit in 64 bits"));
  CHECK(error_of("d for d in Doc if d.meta == {'a': x}", {{"x", std::string{"\xff"}}})
            .starts_with("type.json_value: a str of the dict is not valid UTF-8"));
  CHECK(error_of("d for d in Doc if d.meta == {'a': x}",
                 {{"x", value::typed(value_type::json, "{oops")}})
            .starts_with("type.json_value: the json parameter is not valid JSON"));
  CHECK(error_of("d for d in Doc if d.meta == {'a': q}", {{"q", query_param("d for d in Doc")}})
            .starts_with("type.json_value: an object or a query has no JSON form"));
  CHECK(error_of("d for d in Doc if d.title == {}")
            .starts_with("type.mismatch: cannot compare str with json"));
}

TEST_CASE("attributes of a parameter object and of Entity[key] are read by a nested query") {
  const params args{{"o", entity_ref{testing::schema().find("Product"), 7}},
                    {"c", entity_ref{testing::schema().find("Category"), 1}}};
  CHECK(compile_text("p for p in Product if p.price > o.price", args)
            ->sql.ends_with("WHERE \"p\".\"price\" > (SELECT \"p-2\".\"price\" FROM "
                            "\"Product\" \"p-2\" WHERE \"p-2\".\"id\" = ?)"));
  // The key of a parameter object is the parameter.
  CHECK(compile_text("p for p in Product if p.category.id == c.id", args)
            ->sql.ends_with("WHERE \"p\".\"category\" = ?"));
  // The nested query's loop may reuse the parameter's name without capturing it.
  CHECK(compile_text("p for p in Product if p.name == Product[3].name")
            ->sql.ends_with("WHERE \"p\".\"name\" = (SELECT \"p-2\".\"name\" FROM "
                            "\"Product\" \"p-2\" WHERE \"p-2\".\"id\" = 3)"));
  CHECK(compile_text("p for p in Product if count(o.tags) > 1", args)->sql.find("COUNT(") !=
        std::string::npos);
  CHECK(error_of("p for p in Product if p.name == Product[1, 2].name")
            .starts_with("type.key: Product[...] takes its primary key: 1 value(s), got 2"));
  CHECK(error_of("p for p in Product if p.name == Product['x'].name")
            .starts_with("type.mismatch: cannot compare int with str"));
  CHECK(error_of("p for p in Product if p.price > o.nope", args)
            .starts_with("unknown_name.attribute"));
  // The known value on the left: the same CASE as on the right.
  CHECK(compile_text("p for p in Product if o.category == p.category", args)
            ->sql.find("WHERE CASE WHEN EXISTS (SELECT 1 FROM \"Product\" \"p-2\" WHERE "
                       "\"p-2\".\"id\" = ? AND \"p-2\".\"category\" IS NULL) THEN "
                       "(\"p\".\"category\" IS NULL) ELSE") != std::string::npos);
  // Not known objects: a loop variable, a parameter that is no object, a name that is no entity.
  CHECK(error_of("p for p in Product if p[0] == 1")
            .starts_with("unsupported.subscript: indexing is supported on str and json only"));
  CHECK(error_of("p for p in Product if x[0] == 'a'", {{"x", 1}})
            .starts_with("unsupported.subscript"));
  CHECK(error_of("p for p in Product if Foo[1] == 1").starts_with("unknown_name.parameter"));
  CHECK(error_of("p for p in Product if x.real == 1", {{"x", 1}})
            .starts_with("unknown_name.attribute"));
}

TEST_CASE("a tuple is looked for only in tuples of tuples and in nested queries of tuples") {
  for (const char* rhs :
       {"p", "zz", "x", "f(p)", "p.tags.select(lambda t: t)", "select()", "select(p, k=1)",
        "select(p)", "select(((q.quantity, q.name) for q in Product), 1)"}) {
    INFO(rhs);
    CHECK(error_of(std::string{"p for p in Product if (p.quantity, p.name) in "} + rhs, {{"x", 1}})
              .find("unsupported.tuple_in") != std::string::npos);
  }
  // A query passed as a parameter, of tuples.
  CHECK(
      compile_text("p for p in Product if (p.quantity, p.name) not in q",
                   {{"q", query_param("(x.quantity, x.name) for x in Product if x.price > m",
                                      {{"m", 2.5}})}})
          ->sql.ends_with("WHERE NOT EXISTS (SELECT 1 FROM \"Product\" \"x\" WHERE \"x\".\"price\" "
                          "> ? AND \"p\".\"quantity\" = \"x\".\"quantity\" AND \"p\".\"name\" = "
                          "\"x\".\"name\")"));
  // Its filter takes one argument per item of the tuple.
  CHECK(compile_text("p for p in Product if (p.quantity, p.name) in q",
                     {{"q", query_param("(x.quantity, x.name) for x in Product", {}, {},
                                        {{static_cast<std::uint8_t>(ir::modifier_kind::filter),
                                          "lambda n, s: n > 3 and s != 'a'"}})}})
            ->sql.find("\"x\".\"quantity\" > 3 AND \"x\".\"name\" <> ?") != std::string::npos);
  CHECK(error_of("p for p in Product if (p.quantity, p.name) in (q for q in Product)")
            .starts_with("type.mismatch: a tuple of 2 values is looked for among tuples of as "
                         "many values"));
}

TEST_CASE("a negative str index is a one-character Python slice") {
  // s[-2] is s[-2:-1]; s[-1] is s[-1:], as -1 + 1 would be the empty slice end 0.
  CHECK(compile_text("p for p in Product if p.name[-2] == 'a'")
            ->sql.ends_with("WHERE py_string_slice(\"p\".\"name\", -2, -1) = ?"));
  CHECK(compile_text("p for p in Product if p.name[-1] == 'a'")
            ->sql.ends_with("WHERE py_string_slice(\"p\".\"name\", -1, NULL) = ?"));
}

TEST_CASE(
    "aggregates refuse keyword arguments other than distinct=bool and values they cannot fold") {
  CHECK(error_of("count(p, distinct=1) for p in Product")
            .starts_with("type.arguments: count() takes only the keyword argument distinct=True or "
                         "distinct=False (line 1, column 10)"));
  CHECK(error_of("count(p, foo=True) for p in Product")
            .starts_with("type.arguments: count() takes only the keyword argument distinct=True or "
                         "distinct=False (line 1, column 10)"));
  CHECK(error_of("avg(p.category) for p in Product")
            .starts_with("type.mismatch: avg() needs numbers, got Category (line 1, column 5)"));
  CHECK(error_of("min(p) for p in Product")
            .starts_with("type.mismatch: min() needs comparable values, got Product"));
  CHECK(error_of("sum(None) for p in Product")
            .starts_with("type.mismatch: sum() needs numbers, got None"));
}

TEST_CASE("methods, getattr and json elements name what they cannot take") {
  CHECK(error_of("e for e in Event if e.at.foo() == 1")
            .starts_with("unknown_name.method: datetime has no method 'foo' (line 1, column 26)"));
  CHECK(error_of("p for p in Product if getattr(p, 1) == 2")
            .starts_with(
                "unsupported.getattr: getattr() needs the attribute name as a str literal or a str "
                "parameter (line 1, column 34)"));
  CHECK(error_of("d for d in Doc if d.meta['x'] == d")
            .starts_with("type.mismatch: cannot compare an element of json with Doc: compare it "
                         "with an int, float, str or bool"));
  CHECK(error_of("d for d in Doc if d.meta['x'] == d.uid")
            .starts_with("type.mismatch: cannot compare an element of json with uuid"));
}

TEST_CASE("raw_sql() takes one str literal whose '$' starts a name, '(expression)' or '$'") {
  for (const char* q :
       {"p for p in Product if raw_sql(1)", "p for p in Product if raw_sql(p.name)"}) {
    INFO(q);
    CHECK(
        error_of(q).starts_with("unsupported.raw_sql: raw_sql() needs a str literal: the SQL "
                                "must be the same for every row (line 1, column 31)"));
  }
  for (const char* q :
       {"p for p in Product if raw_sql('$(p.name')", "p for p in Product if raw_sql('$ x')",
        "p for p in Product if raw_sql('$1x')"}) {
    INFO(q);
    CHECK(
        error_of(q).starts_with("unsupported.raw_sql: '$' in raw_sql() must be followed by a "
                                "name, '(expression)' or '$' (line 1, column 31)"));
  }
}

TEST_CASE("unary plus is the operand itself and str() of a date is a cast") {
  CHECK(compile_text("p for p in Product if +p.price > 1")->sql ==
        compile_text("p for p in Product if p.price > 1")->sql);
  CHECK(compile_text("e for e in Event if str(e.day) == 'x'")
            ->sql.ends_with("WHERE CAST(\"e\".\"day\" AS text) = ?"));
}

TEST_CASE("date(), datetime() and time() refuse the fields Python refuses, pointing at the field") {
  CHECK(error_of("e for e in Event if e.day > date(2001, 2, 29)") ==
        "type.constructor: date() cannot build this value: day is out of range for month "
        "(line 1, column 43)\n"
        "  e for e in Event if e.day > date(2001, 2, 29)\n"
        "                                            ^~");
  CHECK(error_of("e for e in Event if e.day > date(10000, 1, 1)")
            .starts_with("type.constructor: date() cannot build this value: year 10000 is out of "
                         "range (line 1, column 34)"));
  CHECK(error_of("e for e in Event if e.day > date(-1, 1, 1)")
            .starts_with("type.constructor: date() cannot build this value: year -1 is out of "
                         "range"));
  CHECK(error_of("e for e in Event if e.day > date(2000, 13, 1)")
            .starts_with("type.constructor: date() cannot build this value: month must be in "
                         "1..12 (line 1, column 40)"));
  CHECK(error_of("e for e in Event if e.day > date(2000, 1, 0)")
            .starts_with("type.constructor: date() cannot build this value: day is out of range"));
  CHECK(error_of("e for e in Event if e.at > datetime(2000, 1, 1, 24)")
            .starts_with("type.constructor: datetime() cannot build this value: hour must be in "
                         "0..23 (line 1, column 49)"));
  CHECK(error_of("e for e in Event if e.alarm > time(1, 60)")
            .starts_with("type.constructor: time() cannot build this value: minute must be in "
                         "0..59"));
  CHECK(error_of("e for e in Event if e.alarm > time(1, 2, 60)")
            .starts_with("type.constructor: time() cannot build this value: second must be in "
                         "0..59"));
  // The bounds themselves are values.
  CHECK(compile_text("e for e in Event if e.day > date(2000, 2, 29)")->params[0].constant ==
        value::typed(value_type::date, "2000-02-29"));
  CHECK(compile_text("e for e in Event if e.at > datetime(9999, 12, 31, 23, 59, 59)")
            ->params[0]
            .constant == value::typed(value_type::datetime, "9999-12-31 23:59:59"));
  CHECK(compile_text("e for e in Event if e.alarm > time(0)")->params[0].constant ==
        value::typed(value_type::time, "00:00:00"));
  // Python's microsecond, the seventh field of a datetime and the fourth of a time; time()
  // alone is midnight.
  CHECK(compile_text("e for e in Event if e.at > datetime(2024, 3, 11, 10, 0, 0, 500000)")
            ->params[0]
            .constant == value::typed(value_type::datetime, "2024-03-11 10:00:00.5"));
  CHECK(compile_text("e for e in Event if e.alarm > time(9, 45, 0, 1)")->params[0].constant ==
        value::typed(value_type::time, "09:45:00.000001"));
  CHECK(compile_text("e for e in Event if e.alarm > time(9, 45, 0, 0)")->params[0].constant ==
        value::typed(value_type::time, "09:45:00"));
  CHECK(compile_text("e for e in Event if e.alarm > time()")->params[0].constant ==
        value::typed(value_type::time, "00:00:00"));
  CHECK(error_of("e for e in Event if e.alarm > time(1, 2, 3, 1000000)")
            .starts_with("type.constructor: time() cannot build this value: microsecond must be "
                         "in 0..999999"));
  CHECK(error_of("e for e in Event if e.at > datetime(2000, 1, 1, 0, 0, 0, -1)")
            .starts_with("type.constructor: datetime() cannot build this value: microsecond"));
  CHECK(error_of("e for e in Event if e.at > datetime(2000, 1, 1, 0, 0, 0, 0, 0)")
            .starts_with("type.arguments: datetime() takes 3 to 7 arguments, got 8"));
}

TEST_CASE("calls with the wrong arguments name the function, what it takes and what it got") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"p for p in Product if abs(p.price, x=1) > 1",
       "type.arguments: abs() takes 1 argument, got 2 (line 1, column 23)\n"
       "  p for p in Product if abs(p.price, x=1) > 1\n"
       "                        ^~~~~~~~~~~~~~~~~"},
      {"p for p in Product if max(1, 2, x=3) > 1",
       "type.arguments: max() takes 2 to 64 arguments, got 3 (line 1, column 23)\n"
       "  p for p in Product if max(1, 2, x=3) > 1\n"
       "                        ^~~~~~~~~~~~~~"},
      {"p for p in Product if coalesce(p.description, x='a') == 'a'",
       "type.arguments: coalesce() takes 1 to 64 arguments, got 2 (line 1, column 23)\n"
       "  p for p in Product if coalesce(p.description, x='a') == 'a'\n"
       "                        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"},
      {"p for p in Product if p.name[0]() == 'a'",
       "unsupported.syntax: calling this expression is not supported in queries yet (line 1, "
       "column 23)\n"
       "  p for p in Product if p.name[0]() == 'a'\n"
       "                        ^~~~~~~~~"},
      {"p for p in Product if p.foo()",
       "unknown_name.method: entity Product has no method 'foo' (line 1, column 25)\n"
       "  p for p in Product if p.foo()\n"
       "                          ^~~"},
      {"p for p in Product if max(p, p) == p",
       "type.mismatch: max() needs comparable values, got Product (line 1, column 27)\n"
       "  p for p in Product if max(p, p) == p\n"
       "                            ^"},
      {"p for p in Product if max(p.tags, 1) == p",
       "type.collection: a collection (Set of Tag) cannot be used here: use len(), count(), "
       "exists(), is_empty(), 'in', or iterate over it with 'for' (line 1, column 27)\n"
       "  p for p in Product if max(p.tags, 1) == p\n"
       "                            ^~~~~~"},
      {"count(p, sep=',') for p in Product",
       "type.arguments: count() takes only the keyword argument distinct=True or distinct=False "
       "(line 1, column 10)\n"
       "  count(p, sep=',') for p in Product\n"
       "           ^~~"},
      {"group_concat(p.name, sep=1) for p in Product",
       "type.arguments: group_concat() takes only the keyword argument distinct=True or "
       "distinct=False and sep='...' (line 1, column 22)\n"
       "  group_concat(p.name, sep=1) for p in Product\n"
       "                       ^~~"},
      {"count(p, distinct=p.active) for p in Product",
       "type.arguments: count() takes only the keyword argument distinct=True or distinct=False "
       "(line 1, column 10)\n"
       "  count(p, distinct=p.active) for p in Product\n"
       "           ^~~~~~~~"},
      {"count(distinct(p.name, p.price)) for p in Product",
       "unknown_name.function: unknown function 'distinct' (line 1, column 7)\n"
       "  count(distinct(p.name, p.price)) for p in Product\n"
       "        ^~~~~~~~"},
      {"count(distinct(p.name, x=1)) for p in Product",
       "unknown_name.function: unknown function 'distinct' (line 1, column 7)\n"
       "  count(distinct(p.name, x=1)) for p in Product\n"
       "        ^~~~~~~~"},
      {"count(distinct(distinct.name)) for distinct in Product",
       "type.not_callable: 'distinct' is not a function (line 1, column 7)\n"
       "  count(distinct(distinct.name)) for distinct in Product\n"
       "        ^~~~~~~~"},
  };
  for (const auto& [query, message] : cases) CHECK(error_of(query) == message);
}

TEST_CASE("desc() in an order takes one argument and no keyword") {
  auto spec = testing::spec_of("p for p in Product");
  spec.modifiers.push_back({ir::modifier_kind::order_by, "desc(p.name, x=1)"});
  CHECK(error_of_spec(spec) ==
        "type.arguments: desc() takes 1 argument, got 2 (line 1, column 1)\n"
        "  desc(p.name, x=1)\n"
        "  ^~~~~~~~~~~~~~~~~");
}

TEST_CASE("conditionals, between, coalesce and casts check their operands' types") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"p for p in Product if (None if p.active else p.tags) == 1",
       "type.collection: a collection (Set of Tag) cannot be used here: use len(), count(), "
       "exists(), is_empty(), 'in', or iterate over it with 'for' (line 1, column 46)\n"
       "  p for p in Product if (None if p.active else p.tags) == 1\n"
       "                                               ^~~~~~"},
      {"p for p in Product if between(p, p, p)",
       "type.mismatch: between() needs comparable values, got Product (line 1, column 23)\n"
       "  p for p in Product if between(p, p, p)\n"
       "                        ^~~~~~~~~~~~~~~~"},
      {"p for p in Product if int(p.tags) > 1",
       "type.collection: a collection (Set of Tag) cannot be used here: use len(), count(), "
       "exists(), is_empty(), 'in', or iterate over it with 'for' (line 1, column 27)\n"
       "  p for p in Product if int(p.tags) > 1\n"
       "                            ^~~~~~"},
      {"p for p in Product if int(p) > 1",
       "type.mismatch: int() converts a value, not an object of Product; convert one of its "
       "attributes (line 1, column 27)\n"
       "  p for p in Product if int(p) > 1\n"
       "                            ^"},
      {"p for p in Product if p.price + p.tags > 1",
       "type.collection: a collection (Set of Tag) cannot be used here: use len(), count(), "
       "exists(), is_empty(), 'in', or iterate over it with 'for' (line 1, column 33)\n"
       "  p for p in Product if p.price + p.tags > 1\n"
       "                                  ^~~~~~"},
      {"e for e in Event if e.day + timedelta(days=x) > e.day",
       "unsupported.timedelta: timedelta() in a query takes int literals (days, seconds, "
       "microseconds, milliseconds, minutes, hours, weeks); pass any other interval as a "
       "parameter (std::chrono::microseconds) (line 1, column 44)\n"
       "  e for e in Event if e.day + timedelta(days=x) > e.day\n"
       "                                             ^"},
      {"e for e in Event if e.day + timedelta(years=1) > e.day",
       "type.arguments: timedelta() got an unexpected keyword argument 'years' (line 1, column "
       "39)\n"
       "  e for e in Event if e.day + timedelta(years=1) > e.day\n"
       "                                        ^~~~~"},
  };
  for (const auto& [query, message] : cases) CHECK(error_of(query) == message);
}

TEST_CASE("a sequence parameter holding a query or an object without entity is refused") {
  auto q = std::make_shared<nested_query>();
  q->text = "p for p in Product";
  const params with_query{
      {"xs", std::vector<param_value>{1, param_value{std::shared_ptr<const nested_query>{q}}}}};
  CHECK(error_of("p for p in Product if p.quantity in xs", with_query) ==
        "type.sequence_parameter: parameter 'xs' holds a query at index 1 (line 1, column 37)\n"
        "  p for p in Product if p.quantity in xs\n"
        "                                      ^~");
  const params without_entity{{"cs", std::vector<param_value>{entity_ref{nullptr, 1}}}};
  CHECK(error_of("p for p in Product if p.category in cs", without_entity) ==
        "usage.entity_parameter: parameter 'cs' holds an object reference without an entity at "
        "index 0 (line 1, column 37)\n"
        "  p for p in Product if p.category in cs\n"
        "                                      ^~");
}

TEST_CASE("a raw_sql() parameter name is ASCII, as the query grammar's names") {
  CHECK(compile_text("p for p in Product if raw_sql('p.name = $xé')", {{"x", "a"}})
            ->sql.ends_with("WHERE p.name = ?é"));
}

TEST_CASE("an Entity.select() query passed as a parameter iterates the entity's initial") {
  // Without a condition, after 'in': the keys of every Category.
  CHECK(compile_text("p.name for p in Product if p.category in q",
                     {{"q", query_param("", {}, "Category")}})
            ->sql ==
        "SELECT DISTINCT \"p\".\"name\" FROM \"Product\" \"p\" WHERE "
        "\"p\".\"category\" IN (SELECT \"c\".\"id\" FROM \"Category\" \"c\")");
  // A condition naming no loop variable, as a loop source: `Category.name` is c's.
  CHECK(compile_text("x.name for x in q",
                     {{"q", query_param("Category.name == 'toys'", {}, "Category")}})
            ->sql ==
        "SELECT DISTINCT \"c\".\"name\" FROM \"Category\" \"c\" WHERE "
        "\"c\".\"name\" = ?");
}

TEST_CASE("Entity.attr names a loop variable of this query, not a query source's or its result") {
  // q's loop variable over Product is hidden from this query, and x stands for q's result.
  CHECK(error_of("x for x in q if Product.price > 1", {{"q", query_param("p for p in Product")}}) ==
        "unknown_name.loop_variable: no loop variable iterates over entity Product (line 1, "
        "column 17)\n"
        "  x for x in q if Product.price > 1\n"
        "                  ^~~~~~~");
}

TEST_CASE("a query source of a later loop that unpacks its own query source is refused") {
  // q2's only loop is over the query inner: it does not select the objects of an entity loop.
  const params args{{"q2", query_param("m for m, n in inner",
                                       {{"inner", query_param("(p, p.name) for p in Product")}})}};
  CHECK(error_of("c for c in Category for x in q2", args) ==
        "unsupported.query_source: query 'q2' in a loop after the first must select the objects "
        "of its only loop (like 'm for m in Student if ...'); make it the source of the first "
        "loop (line 1, column 30)\n"
        "  c for c in Category for x in q2\n"
        "                               ^~");
}

TEST_CASE("a query source's later order_by() comes first and its earlier one breaks ties") {
  const params args{
      {"q", query_param("p for p in Product", {}, {},
                        {{static_cast<std::uint8_t>(ir::modifier_kind::order_by), "p.price"},
                         {static_cast<std::uint8_t>(ir::modifier_kind::order_by), "p.name"}})}};
  CHECK(compile_text("x.id for x in q", args)
            ->sql.ends_with("ORDER BY \"p\".\"name\", \"p\".\"price\""));
}

TEST_CASE("a nested generator iterates an entity or a collection, not a parameter") {
  CHECK(error_of("p for p in Product if exists(x for x in n)", {{"n", 1}}) ==
        "type.not_iterable: a loop iterates over an entity or a collection of objects, not int "
        "(line 1, column 41)\n"
        "  p for p in Product if exists(x for x in n)\n"
        "                                          ^");
  // A query is inlined only into the query's own loops.
  CHECK(error_of("p for p in Product if exists(x for x in q)",
                 {{"q", query_param("c for c in Category")}}) ==
        "unsupported.query_source: query 'q' cannot be the source of a nested query's loop: use "
        "'x in q', or make it the source of this query's first loop (line 1, column 41)\n"
        "  p for p in Product if exists(x for x in q)\n"
        "                                          ^");
}

TEST_CASE("a lone result that is a nested aggregate or exists is selected as it is") {
  CHECK(compile_text("exists(c for c in s.courses) for s in Student")->sql ==
        "SELECT DISTINCT EXISTS (SELECT 1 FROM \"Course_Student\" \"t-1\", \"Course\" \"c\" "
        "WHERE \"s\".\"id\" = \"t-1\".\"student\" AND \"t-1\".\"course\" = \"c\".\"id\") "
        "FROM \"Student\" \"s\"");
  CHECK(compile_text("count(c for c in s.courses) for s in Student")->sql ==
        "SELECT DISTINCT (SELECT COUNT(DISTINCT \"c\".\"id\") FROM \"Course_Student\" \"t-1\", "
        "\"Course\" \"c\" WHERE \"s\".\"id\" = \"t-1\".\"student\" AND \"t-1\".\"course\" = "
        "\"c\".\"id\") FROM \"Student\" \"s\"");
}

TEST_CASE("a constant order_by() key orders nothing and is left out") {
  auto ordered = [](const std::string& order, const lower::dialect& d) {
    auto spec = testing::spec_of("p for p in Product");
    spec.modifiers.push_back({ir::modifier_kind::order_by, "p.price"});
    spec.modifiers.push_back({ir::modifier_kind::order_by, order});
    return compile::compile_query(spec, testing::schema(), d, {})->sql;
  };
  for (const auto* d : {&lower::sqlite_dialect(), &lower::postgres_dialect()}) {
    // Not column 1 (SQL's reading of a bare int), not a constant PostgreSQL refuses.
    CHECK(ordered("p.name, 1", *d).ends_with("ORDER BY \"p\".\"name\", \"p\".\"price\""));
    CHECK(ordered("1.5", *d).ends_with("ORDER BY \"p\".\"price\""));
    CHECK(ordered("desc('x'), None, p.name", *d)
              .ends_with("ORDER BY \"p\".\"name\", \"p\".\"price\""));
  }
}

TEST_CASE("a lambda is only a whole method argument, never a value inside an expression") {
  CHECK(error_of("p for p in Product if len(lambda x: x) > 1") ==
        "unsupported.syntax: a lambda inside an expression is not supported in queries yet "
        "(line 1, column 27)\n"
        "  p for p in Product if len(lambda x: x) > 1\n"
        "                            ^~~~~~~~~~~");
}

TEST_CASE("timedelta() and the date constructors name a float argument as not an int literal") {
  CHECK(error_of("e for e in Event if e.day + timedelta(1.5) > e.day") ==
        "unsupported.timedelta: timedelta() in a query takes int literals (days, seconds, "
        "microseconds, milliseconds, minutes, hours, weeks); pass any other interval as a "
        "parameter (std::chrono::microseconds) (line 1, column 39)\n"
        "  e for e in Event if e.day + timedelta(1.5) > e.day\n"
        "                                        ^~~");
  CHECK(error_of("e for e in Event if e.day > date(2020, 1.5, 1)") ==
        "unsupported.constructor: date() needs int literals in the query; pass other values as "
        "parameters (line 1, column 40)\n"
        "  e for e in Event if e.day > date(2020, 1.5, 1)\n"
        "                                         ^~~");
}

TEST_CASE("a json element compared with a decimal is read as a float; with a collection, refused") {
  const params decimal{{"x", value::typed(value_type::decimal, "1.5")}};
  CHECK(compile_text("d for d in Doc if d.meta['a'] < x", decimal)
            ->sql.ends_with("WHERE CAST(json_extract(\"d\".\"meta\", ?) AS REAL) < "
                            "CAST(? AS NUMERIC)"));
  CHECK(error_of("d for d in Doc for c in Category if d.meta['a'] == c.products.name") ==
        "type.mismatch: cannot compare an element of json with Set of str: compare it with an "
        "int, float, str or bool (line 1, column 37)\n"
        "  d for d in Doc for c in Category if d.meta['a'] == c.products.name\n"
        "                                      ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~");
}

TEST_CASE("an error inside a computed attribute points into its text and names where it is used") {
  // Product.priced_under is `lambda p, limit: p.price < limit` with a parameter of any type.
  CHECK(error_of("p for p in Product\n  if p.name == 'é' and p.priced_under('x')") ==
        "type.mismatch: cannot compare float with str (in computed attribute "
        "Product.priced_under, used at line 2, column 24) (line 1, column 18)\n"
        "  lambda p, limit: p.price < limit\n"
        "                   ^~~~~~~~~~~~~~~");
  CHECK(error_of("p for p in Product if p.priced_under(x=1)") ==
        "type.arguments: Product.priced_under has no parameter 'x' (line 1, column 38)\n"
        "  p for p in Product if p.priced_under(x=1)\n"
        "                                       ^");
}

TEST_CASE("a computed attribute whose text gives another type than declared is refused") {
  registry r;
  r.load_json_text(R"j({"entities":[
    {"name":"G","attrs":[{"name":"n","kind":"Req","type":"int"},
                         {"name":"ms","kind":"Set","type":"M"}]},
    {"name":"M","attrs":[{"name":"name","kind":"Req","type":"str"},
                         {"name":"g","kind":"Single","type":"G"},
      {"name":"as_g","kind":"Computed","type":"G","text":"self.name"},
      {"name":"one_g","kind":"Computed","type":"G","many":true,"text":"self.g"},
      {"name":"many_g","kind":"Computed","type":"G","text":"self.g.ms"},
      {"name":"count_g","kind":"Computed","type":"int","text":"self.g.ms"},
      {"name":"ratio","kind":"Computed","type":"float","text":"self.g.n"},
      {"name":"object_n","kind":"Computed","type":"int","text":"self.g"},
      {"name":"none_n","kind":"Computed","type":"int","text":"None"},
      {"name":"text_ratio","kind":"Computed","type":"float","text":"self.name"}]}]})j");
  r.finalize();
  auto error = [&](const std::string& text) { return error_in(r, text); };
  CHECK_THAT(error("m.as_g for m in M"),
             Catch::StartsWith("type.computed: computed attribute M.as_g is declared G, its "
                               "expression gives str"));
  CHECK_THAT(error("m.one_g for m in M"), Catch::Contains("is declared a collection of G"));
  CHECK_THAT(error("m.many_g for m in M"), Catch::Contains("is declared G"));
  CHECK_THAT(error("m.count_g for m in M"), Catch::Contains("is declared int"));
  CHECK(error("m.ratio for m in M") == "no error");  // an int where a float is declared
  CHECK_THAT(error("m.object_n for m in M"),
             Catch::Contains("is declared int, its expression gives G"));
  CHECK(error("m for m in M if m.none_n is None") == "no error");  // None is a value of any type
  CHECK_THAT(error("m.text_ratio for m in M"), Catch::Contains("is declared float"));
}

TEST_CASE("computed attributes used inside one another thousands deep are refused, not a crash") {
  std::string attrs = R"({"name":"n","kind":"Req","type":"int"})";
  for (int i = 0; i < 5000; ++i) {
    attrs += ",{\"name\":\"c" + std::to_string(i) + "\",\"kind\":\"Computed\",\"text\":\"" +
             (i == 4999 ? std::string{"self.n"} : "self.c" + std::to_string(i + 1) + " + 1") +
             "\"}";
  }
  registry r;
  r.load_json_text(R"({"entities":[{"name":"M","attrs":[)" + attrs + "]}]}");
  r.finalize();
  try {
    (void)compile::compile_query(testing::spec_of("m.c0 for m in M"), r, lower::sqlite_dialect(),
                                 {});
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.id() == "schema.computed");
    CHECK_THAT(e.message(), Catch::Contains("nest too deep"));
  }
  // 60 deep is fine.
  CHECK_NOTHROW(compile::compile_query(testing::spec_of("m.c4940 for m in M"), r,
                                       lower::sqlite_dialect(), {}));
}

TEST_CASE(
    "a subclass has the computed attributes of each of its bases; a misspelt one is "
    "suggested") {
  registry r;
  // PonyORM's multiple inheritance: Assistant is a Student and a Teacher.
  r.load_json_text(R"j({"entities":[
    {"name":"Person","attrs":[{"name":"name","kind":"Req","type":"str"}]},
    {"name":"Student","base":"Person","attrs":[{"name":"gpa","kind":"Opt","type":"float"},
      {"name":"label","kind":"Computed","type":"str","text":"self.name + '!'"}]},
    {"name":"Teacher","base":"Person","attrs":[{"name":"degree","kind":"Opt","type":"str"},
      {"name":"title","kind":"Computed","type":"str","text":"self.degree + ' ' + self.name"}]},
    {"name":"Assistant","base":["Student","Teacher"],"attrs":[]},
    {"name":"Professor","base":"Teacher","attrs":[]}]})j");
  r.finalize();
  auto error = [&](const std::string& text) { return error_in(r, text); };
  CHECK(error("(a.label, a.title) for a in Assistant") == "no error");
  CHECK_THAT(error("a.titel for a in Assistant"),
             Catch::StartsWith("unknown_name.attribute: entity Assistant has no attribute "
                               "'titel'; did you mean 'title'?"));
  CHECK_THAT(error("s.titel for s in Student"), !Catch::Contains("did you mean 'title'"));
  // A student is a teacher only as an assistant (a professor is no student).
  const auto plan =
      compile::compile_query(testing::spec_of("s for s in Student if isinstance(s, Teacher)"), r,
                             lower::sqlite_dialect(), {});
  CHECK_THAT(plan->sql, Catch::Contains(R"("s"."classtype" IN (?))"));
}
