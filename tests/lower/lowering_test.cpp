// What the executor and the materializer rely on: the column layout of result rows, the
// parameter slots in placeholder order, and dialect refusals.
#include "../golden/schema_fixture.hpp"

#include <catch2/catch.hpp>

#include <nextorm/errors.hpp>

using namespace nextorm;
using testing::compile_text;
using testing::schema;

TEST_CASE("an entity item spans all its columns in entity_info::columns order") {
  auto plan = compile_text("(p, p.name, c) for p in Product for c in Category if p.category == c");
  const auto& shape = plan->shape;
  REQUIRE(shape.items.size() == 3);
  CHECK(shape.is_tuple);
  const entity_info& product = *schema().find("Product");
  CHECK(shape.items[0].entity == &product);
  CHECK(shape.items[0].first_column == 0);
  CHECK(shape.items[0].column_count == product.columns.size());
  CHECK_FALSE(shape.items[0].key_only);
  CHECK(shape.items[1].entity == nullptr);
  CHECK(shape.items[1].type == value_type::text);
  CHECK(shape.items[1].first_column == product.columns.size());
  CHECK(shape.items[2].entity == schema().find("Category"));
  CHECK(shape.items[2].first_column == product.columns.size() + 1);
  CHECK(shape.items[2].column_count == 2);
  CHECK(shape.column_names == std::vector<std::string>{"p", "p.name", "c"});
}

TEST_CASE("a reference inside a tuple is its key; alone it is the joined object") {
  auto tuple = compile_text("(p.name, p.category) for p in Product");
  REQUIRE(tuple->shape.items.size() == 2);
  CHECK(tuple->shape.items[1].entity == schema().find("Category"));
  CHECK(tuple->shape.items[1].key_only);
  CHECK(tuple->shape.items[1].column_count == 1);
  CHECK(tuple->shape.items[1].type == value_type::integer);
  auto alone = compile_text("p.category for p in Product");
  REQUIRE(alone->shape.items.size() == 1);
  CHECK_FALSE(alone->shape.is_tuple);
  CHECK_FALSE(alone->shape.items[0].key_only);
  CHECK(alone->shape.items[0].column_count == 2);
}

TEST_CASE("parameter slots follow the placeholders, limit and offset last") {
  ir::query_spec spec =
      testing::spec_of("p for p in Product if p.name == 'a' and p.price < x and p.quantity in ids");
  spec.has_limit = true;
  spec.has_offset = true;
  params args{{"x", 2.5}, {"ids", std::vector<param_value>{1, 2}}};
  auto plan = compile::compile_query(spec, schema(), lower::postgres_dialect(), args);
  CHECK(plan->sql.ends_with(
      "WHERE \"p\".\"name\" = $1 AND \"p\".\"price\" < $2 AND \"p\".\"quantity\" IN ($3, $4) "
      "LIMIT $5 OFFSET $6"));
  using source = lower::param_slot::source;
  REQUIRE(plan->params.size() == 6);
  CHECK(plan->params[0].from == source::constant);
  CHECK(plan->params[0].constant == value{"a"});
  CHECK(plan->params[1].from == source::named);
  CHECK(plan->params[1].name == "x");
  CHECK_FALSE(plan->params[1].element);
  CHECK(plan->params[3].element == 1u);
  CHECK(plan->params[4].from == source::limit);
  CHECK(plan->params[5].from == source::offset);
  CHECK(plan->terminal == ir::terminal::fetch);
}

TEST_CASE("counts and aggregates return one scalar column") {
  ir::query_spec spec = testing::spec_of("p.quantity for p in Product");
  spec.terminal = ir::terminal::avg;
  auto avg = compile::compile_query(spec, schema(), lower::sqlite_dialect(), {});
  REQUIRE(avg->shape.items.size() == 1);
  CHECK(avg->shape.items[0].type == value_type::real);
  CHECK(avg->shape.column_names[0] == "avg");
  CHECK(avg->terminal == ir::terminal::avg);
  spec.text = "(p.name, p.price) for p in Product";
  spec.terminal = ir::terminal::count;
  auto count = compile::compile_query(spec, schema(), lower::mariadb_dialect(), {});
  REQUIRE(count->shape.items.size() == 1);
  CHECK(count->shape.items[0].type == value_type::integer);
  spec.text = "o.total for o in Order";
  spec.terminal = ir::terminal::avg;
  auto decimal_avg = compile::compile_query(spec, schema(), lower::sqlite_dialect(), {});
  CHECK(decimal_avg->shape.items[0].type == value_type::decimal);
  spec.text = "(p.category, count(p)) for p in Product";
  spec.terminal = ir::terminal::count;
  CHECK(compile::compile_query(spec, schema(), lower::sqlite_dialect(), {})->sql ==
        "SELECT COUNT(*) FROM (SELECT \"p\".\"category\" AS \"c1\", COUNT(*) "
        "AS \"c2\" FROM \"Product\" \"p\" GROUP BY \"p\".\"category\") \"q\"");
}

TEST_CASE("a construct a dialect cannot express fails naming the dialect") {
  try {
    (void)compile_text("p for p in Product if p.price % 2 > 1", {}, lower::postgres_dialect());
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.id() == "unsupported.dialect");
    CHECK(e.category() == error_category::unsupported);
    CHECK(e.message() == "operator % on float is not supported by postgres");
  }
  ir::query_spec spec;
  spec.entity = "Product";
  spec.has_limit = true;
  spec.terminal = ir::terminal::remove;
  CHECK_THROWS_WITH(
      compile::compile_query(spec, schema(), lower::mariadb_dialect(), {}),
      Catch::Contains("remove() of a sliced query (LIMIT in an IN subquery) is not supported by "
                      "mariadb"));
  spec.terminal = ir::terminal::update;
  spec.modifiers.push_back({ir::modifier_kind::assign, "price=1"});
  CHECK_THROWS_WITH(
      compile::compile_query(spec, schema(), lower::mariadb_dialect(), {}),
      Catch::Contains("update() of a sliced query (LIMIT in an IN subquery) is not supported by "
                      "mariadb"));
}

TEST_CASE("a dialect refusal points at the construct, also in a modifier's text") {
  auto what = [](const ir::query_spec& spec) {
    try {
      (void)compile::compile_query(spec, schema(), lower::postgres_dialect(), {});
    } catch (const query_error& e) {
      return std::string{e.what()};
    }
    return std::string{"no error"};
  };
  ir::query_spec spec = testing::spec_of("p for p in Product if p.price % 2 > 1");
  CHECK(
      what(spec) ==
      "unsupported.dialect: operator % on float is not supported by postgres (line 1, column 23)\n"
      "  p for p in Product if p.price % 2 > 1\n"
      "                        ^~~~~~~~~~~");
  spec = testing::spec_of("(p.name, p.price % 2) for p in Product");
  spec.modifiers.push_back({ir::modifier_kind::distinct, ""});
  spec.modifiers.push_back({ir::modifier_kind::filter, "lambda n, m: m > 1"});
  // The lambda argument stands for the result item: the caret is in the query's own text.
  CHECK(
      what(spec) ==
      "unsupported.dialect: operator % on float is not supported by postgres (line 1, column 10)\n"
      "  (p.name, p.price % 2) for p in Product\n"
      "           ^~~~~~~~~~~");
  spec = testing::spec_of("p for p in Product");
  spec.modifiers.push_back({ir::modifier_kind::order_by, "p.name, p.price % 3"});
  CHECK(what(spec) ==
        "unsupported.dialect: operator % on float is not supported by postgres (line 1, column 9)\n"
        "  p.name, p.price % 3\n"
        "          ^~~~~~~~~~~");
  spec.text = "";
  spec.entity = "Product";
  spec.modifiers = {{ir::modifier_kind::where, "p.price % 3 > 1"}};
  CHECK(
      what(spec).starts_with("unsupported.dialect: operator % on float is not supported by "
                             "postgres (line 1, column 1)\n  p.price % 3 > 1\n  ^~~~~~~~~~~"));
}

TEST_CASE("floats keep a float literal and non-finite constants are bound") {
  CHECK(compile_text("p for p in Product if p.price < 3.0")->sql.ends_with("< 3.0"));
  CHECK(compile_text("p for p in Product if p.price < 1e300 * 1e300")->sql.ends_with("< ?"));
  CHECK(compile_text("p for p in Product if p.price < 1e20")->sql.ends_with("< 1e+20"));
}

TEST_CASE("the exists terminal selects a constant and exec reads at most one row") {
  ir::query_spec spec = testing::spec_of("p for p in Product");
  spec.terminal = ir::terminal::exists;
  spec.has_offset = true;
  auto plan = compile::compile_query(spec, schema(), lower::sqlite_dialect(), {});
  CHECK(plan->sql == "SELECT 1 FROM \"Product\" \"p\" LIMIT -1 OFFSET ?");
  REQUIRE(plan->shape.items.size() == 1);
  CHECK(plan->shape.column_names[0] == "exists");
  spec.terminal = ir::terminal::first;
  CHECK(compile::compile_query(spec, schema(), lower::sqlite_dialect(), {})
            ->sql.ends_with("ORDER BY 1 LIMIT -1 OFFSET ?"));
}

TEST_CASE("group_concat() of a grouped or sliced query is refused, naming the dialect") {
  ir::query_spec spec = testing::spec_of("p.category.name for p in Product if count(p) > 1");
  spec.terminal = ir::terminal::group_concat;
  CHECK_THROWS_WITH(compile::compile_query(spec, schema(), lower::sqlite_dialect(), {}),
                    Catch::StartsWith("unsupported.dialect: group_concat() of a grouped or sliced "
                                      "query is not supported by sqlite (line 1, column 1)"));
  spec.text = "p.name for p in Product";
  spec.has_limit = true;
  CHECK_THROWS_WITH(compile::compile_query(spec, schema(), lower::postgres_dialect(), {}),
                    Catch::StartsWith("unsupported.dialect: group_concat() of a grouped or sliced "
                                      "query is not supported by postgres"));
}

TEST_CASE("an and-condition used as an operand keeps its parentheses") {
  // Without them `a AND b = c` would compare b with c first.
  CHECK(compile_text("p for p in Product if (p.active and p.price > 1) == p.active")
            ->sql.ends_with("WHERE (\"p\".\"active\" AND \"p\".\"price\" > 1) = \"p\".\"active\""));
  CHECK(compile_text("p for p in Product if (p.active and p.price > 1 if p.quantity > 1 else "
                     "p.active)")
            ->sql.ends_with("WHERE CASE WHEN \"p\".\"quantity\" > 1 THEN (\"p\".\"active\" "
                            "AND \"p\".\"price\" > 1) ELSE \"p\".\"active\" END"));
}

TEST_CASE("MariaDB's literal SEPARATOR doubles quotes and escapes backslashes; others bind it") {
  // sep="a'b\\c" in the query is the separator a'b\c.
  const std::string query = R"q(group_concat(p.name, sep="a'b\\c") for p in Product)q";
  CHECK(compile_text(query, {}, lower::mariadb_dialect())->sql ==
        "SELECT GROUP_CONCAT(`p`.`name` SEPARATOR 'a''b\\\\c') FROM `Product` `p`");
  auto sqlite = compile_text(query);
  CHECK(sqlite->sql == "SELECT GROUP_CONCAT(\"p\".\"name\", ?) FROM \"Product\" \"p\"");
  REQUIRE(sqlite->params.size() == 1);
  CHECK(sqlite->params[0].constant == value{"a'b\\c"});
}

TEST_CASE("several aggregate conditions are joined with AND in one HAVING") {
  CHECK(compile_text("(p.category, count(p)) for p in Product if count(p) > 1 and sum(p.price) > 2")
            ->sql.ends_with("GROUP BY \"p\".\"category\" HAVING COUNT(*) > 1 AND "
                            "coalesce(SUM(\"p\".\"price\"), 0) > 2"));
}

TEST_CASE("max() of a sliced query reads the column of the sliced rows") {
  ir::query_spec spec = testing::spec_of("p.price for p in Product");
  spec.terminal = ir::terminal::max;
  spec.has_limit = true;
  CHECK(compile::compile_query(spec, schema(), lower::sqlite_dialect(), {})->sql ==
        "SELECT MAX(\"q\".\"c1\") FROM (SELECT DISTINCT \"p\".\"price\" AS \"c1\" FROM "
        "\"Product\" \"p\" LIMIT ?) \"q\"");
}

TEST_CASE("remove() of one table joins its conditions with AND on bare column names") {
  ir::query_spec spec = testing::spec_of("p for p in Product if p.price > 1 and p.quantity < 3");
  spec.terminal = ir::terminal::remove;
  CHECK(compile::compile_query(spec, schema(), lower::sqlite_dialect(), {})->sql ==
        "DELETE FROM \"Product\" WHERE \"price\" > 1 AND \"quantity\" < 3");
}

TEST_CASE("for_update() of a grouped or DISTINCT query is refused where the database refuses it") {
  ir::query_spec grouped = testing::spec_of("(p.category, count(p)) for p in Product");
  grouped.modifiers.push_back({ir::modifier_kind::for_update, ""});
  const std::string refusal =
      "unsupported.dialect: for_update() of a DISTINCT or grouped query (use without_distinct()) "
      "is not supported by postgres";
  CHECK_THROWS_WITH(compile::compile_query(grouped, schema(), lower::postgres_dialect(), {}),
                    Catch::StartsWith(refusal));
  CHECK(compile::compile_query(grouped, schema(), lower::mariadb_dialect(), {})
            ->sql.ends_with("GROUP BY `p`.`category` FOR UPDATE"));
  ir::query_spec distinct = testing::spec_of("p.category for p in Product");
  distinct.modifiers.push_back({ir::modifier_kind::for_update, "nowait"});
  CHECK_THROWS_WITH(compile::compile_query(distinct, schema(), lower::postgres_dialect(), {}),
                    Catch::StartsWith(refusal));
}

TEST_CASE(
    "a key declared after other attributes orders by its own column, and a decimal "
    "without precision sums at scale 2") {
  registry reg;
  reg.load_json_text(R"({"entities":[{"name":"Item","attrs":[
    {"name":"label","kind":"Req","type":"str"},
    {"name":"code","kind":"PK","type":"str"},
    {"name":"cost","kind":"Req","type":"decimal"}]}]})");
  reg.finalize();
  auto spec = testing::spec_of("(i.label, i) for i in Item");
  spec.modifiers.push_back({ir::modifier_kind::order_by, "2"});
  CHECK(compile::compile_query(spec, reg, lower::sqlite_dialect(), {})->sql ==
        "SELECT \"i\".\"label\", \"i\".\"label\", \"i\".\"code\", \"i\".\"cost\" FROM \"Item\" "
        "\"i\" ORDER BY 3");
  CHECK(compile::compile_query(testing::spec_of("sum(i.cost) for i in Item"), reg,
                               lower::sqlite_dialect(), {})
            ->sql == "SELECT coalesce(decimal_sum(\"i\".\"cost\", 2), 0) FROM \"Item\" \"i\"");
}
