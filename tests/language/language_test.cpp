// The query language through the public API, run in a session against the provider under test:
// left_join, queries over another query's result, json, raw_sql, show().
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

using namespace session_test;

namespace {

// A database of a JSON-schema entity Doc with a json and a uuid attribute, filled with raw SQL.
class doc_database {
 public:
  doc_database()
      : m_url{nextorm::testing::fresh_database_url("language_doc_" + std::to_string(++counter()))} {
    db.schema().load_json_text(R"({"entities":[{"name":"Doc","attrs":[
      {"name":"title","kind":"Req","type":"str"},
      {"name":"meta","kind":"Opt","type":"json"},
      {"name":"uid","kind":"Opt","type":"uuid"}]}]})");
    db.bind(m_url);
    db.generate_mapping({.create_tables = true});
    const char* rows[][2] = {
        {"a", R"({"level": 3, "club": "chess", "tags": ["t1", "t2"], "score": 2.5, "on": true})"},
        {"b", R"({"level": 1, "club": null, "tags": ["t2"], "score": 1, "on": false})"},
        {"c", R"({"tags": []})"},
        {"d", R"({"level": 3, "club": "go", "tags": ["t3"]})"},
    };
    auto connection = nextorm::testing::raw_connection(m_url);
    const auto& d = db.impl().dialect();
    for (const auto& r : rows) {
      connection->execute("INSERT INTO " + d.quote(db.schema().get("Doc").table) + " (" +
                              d.quote("title") + ", " + d.quote("meta") + ") VALUES ('" + r[0] +
                              "', '" + r[1] + "')",
                          {});
    }
  }
  ~doc_database() { nextorm::testing::discard_database(m_url); }
  [[nodiscard]] const std::string& url() const noexcept { return m_url; }

  // The titles the query selects, sorted.
  std::vector<std::string> titles(const std::string& condition, params args = {}) {
    db_session session{db};
    std::vector<std::string> out;
    for (const row& r : select("d.title for d in Doc if " + condition, std::move(args))) {
      out.push_back(r[0].as_text());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  database db;

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

using titles = std::vector<std::string>;

// A database of a JSON-schema entity Entry(kind, amount) with amount a DECIMAL(12, 2), filled
// with raw SQL: a 0.10, a 0.20, b 0.20, n 2.75, n -2.75.
class ledger_database {
 public:
  ledger_database()
      : m_url{nextorm::testing::fresh_database_url("language_ledger_" +
                                                   std::to_string(++counter()))} {
    db.schema().load_json_text(R"({"entities":[{"name":"Entry","attrs":[
      {"name":"kind","kind":"Req","type":"str"},
      {"name":"amount","kind":"Req","type":"decimal"}]}]})");
    db.bind(m_url);
    db.generate_mapping({.create_tables = true});
    auto connection = nextorm::testing::raw_connection(m_url);
    const auto& d = db.impl().dialect();
    const char* rows[][2] = {
        {"a", "0.10"}, {"a", "0.20"}, {"b", "0.20"}, {"n", "2.75"}, {"n", "-2.75"}};
    for (const auto& r : rows) {
      connection->execute("INSERT INTO " + d.quote(db.schema().get("Entry").table) + " (" +
                              d.quote("kind") + ", " + d.quote("amount") + ") VALUES ('" + r[0] +
                              "', " + r[1] + ")",
                          {});
    }
  }
  ~ledger_database() { nextorm::testing::discard_database(m_url); }

  database db;

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

}  // namespace

TEST_CASE("json subscripts compare as the other side's type", "[json]") {
  doc_database t;
  CHECK(t.titles("d.meta['level'] == 3") == titles{"a", "d"});
  CHECK(t.titles("d.meta['level'] >= lvl", {{"lvl", 1}}) == titles{"a", "b", "d"});
  CHECK(t.titles("d.meta['club'] == 'chess'") == titles{"a"});
  CHECK(t.titles("d.meta['score'] > 2.0") == titles{"a"});
  CHECK(t.titles("d.meta['on'] == True") == titles{"a"});
  CHECK(t.titles("d.meta['tags'][0] == 't2'") == titles{"b"});
  // None: JSON null and a missing key.
  CHECK(t.titles("d.meta['club'] is None") == titles{"b", "c"});
  CHECK(t.titles("d.meta['club'] is not None") == titles{"a", "d"});
}

TEST_CASE("'in' a json value: an object's key or an array's element", "[json]") {
  doc_database t;
  CHECK(t.titles("'level' in d.meta") == titles{"a", "b", "d"});
  CHECK(t.titles("'level' not in d.meta") == titles{"c"});
  CHECK(t.titles("'t2' in d.meta['tags']") == titles{"a", "b"});
}

TEST_CASE("a json element as a result has its JSON type; json results are not distinct", "[json]") {
  doc_database t;
  db_session session{t.db};
  auto levels = select("(d.title, d.meta['level'], d.meta['club'], d.meta['tags']) for d in Doc")
                    .order_by("d.title")
                    .fetch();
  REQUIRE(levels.size() == 4);
  CHECK(levels[0][1] == value{3});
  CHECK(levels[0][2] == value{"chess"});
  CHECK(levels[0][3] == value::typed(value_type::json, R"(["t1","t2"])"));
  CHECK(levels[1][2].is_null());
  CHECK(levels[2][1].is_null());
  CHECK(select("d.meta['level'] for d in Doc").fetch().size() == 4);
  // Its type is known only when read: any scalar result type may be asked for.
  CHECK(select<std::int64_t>("d.meta['level'] for d in Doc if d.title == 'a'").first() == 3);
  CHECK(select("d.meta['score'] for d in Doc if d.title == 'a'").fetch()[0][0] == value{2.5});
}

TEST_CASE("malformed JSON stored on SQLite is SQLite's error when a row reads into it", "[json]") {
  // PostgreSQL's jsonb and MariaDB's JSON check (json_valid) refuse it when it is stored.
  if (nextorm::testing::current_provider() != "sqlite") return;
  doc_database t;
  (void)nextorm::testing::raw_connection(t.url())->execute(
      "UPDATE \"Doc\" SET \"meta\" = 'not json' WHERE \"title\" = 'c'", {});
  db_session session{t.db};
  try {
    // SQLite's json_extract() fails while stepping to the third row, after the rows before it.
    (void)select("d.meta['level'] for d in Doc").fetch();
    FAIL("no error");
  } catch (const database_error& e) {
    CHECK(e.id() == "sqlite.error");
    CHECK(e.message().find("malformed JSON") != std::string::npos);
  }
}

TEST_CASE("a uuid parameter matches the uuids the driver stores and, on SQLite, 16 bytes",
          "[uuid]") {
  doc_database t;
  auto connection = nextorm::testing::raw_connection(t.url());
  const auto& d = t.db.impl().dialect();
  // Stored as the driver binds a uuid: text on SQLite, a uuid on PostgreSQL, 16 bytes in
  // MariaDB's BINARY(16).
  connection->execute(
      "UPDATE " + d.quote(t.db.schema().get("Doc").table) + " SET " + d.quote("uid") + " = " +
          d.placeholder(0) + " WHERE " + d.quote("title") + " = 'a'",
      std::vector<value>{value::typed(value_type::uuid, "123e4567-e89b-12d3-a456-426614174000")});
  if (nextorm::testing::current_provider() == "sqlite") {
    // PonyORM's form.
    connection->execute(
        "UPDATE \"Doc\" SET \"uid\" = x'00000000000000009e3779b97f4aac4e' WHERE \"title\" = 'b'",
        {});
  }
  const value a = value::typed(value_type::uuid, "123e4567-e89b-12d3-a456-426614174000");
  const value b = value::typed(value_type::uuid, "00000000-0000-0000-9e37-79b97f4aac4e");
  CHECK(t.titles("d.uid == u", {{"u", a}}) == titles{"a"});
  if (nextorm::testing::current_provider() == "sqlite") {
    CHECK(t.titles("d.uid == u", {{"u", b}}) == titles{"b"});
    CHECK(t.titles("d.uid != u", {{"u", b}}) == titles{"a"});
  }
}

TEST_CASE("left_join keeps the rows of the first loop without partners", "[left_join]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto counts = left_join<std::tuple<Category, std::int64_t>>(
                    "(c, count(p)) for c in Category for p in c.products")
                    .order_by("c.name");
  std::vector<std::pair<std::string, std::int64_t>> got;
  for (const auto& [c, n] : counts) got.emplace_back(c->name, n);
  CHECK(got ==
        std::vector<std::pair<std::string, std::int64_t>>{{"empty", 0}, {"tools", 3}, {"toys", 3}});
  // The inner join of select() drops the empty category.
  CHECK(select("(c, count(p)) for c in Category for p in c.products").fetch().size() == 2);
  // The same as select() of the text left_join(...).
  CHECK(select("left_join((c, count(p)) for c in Category for p in c.products)").fetch().size() ==
        3);
}

TEST_CASE("count(), sum(), exists() of a generator are whole queries, as in PonyORM",
          "[whole_query]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  CHECK(select<std::int64_t>("count(p for p in Product if p.price > 10)").fetch()[0] == 4);
  CHECK(select<double>("sum(p.price for p in Product)").get() == 105.0);
  CHECK(select<bool>("exists(p for p in Product if p.price > 100)").get() == false);
  CHECK(select<bool>("exists(c for c in Category if not c.products)").get() == true);
  // distinct=: count and sum of every value, or of distinct ones.
  CHECK(select<std::int64_t>("count((p.category for p in Product), distinct=False)").get() == 6);
  CHECK(select<std::int64_t>("count((p.category for p in Product), distinct=True)").get() == 2);
  // The function is the query's value: a terminal of its own is a misuse.
  try {
    (void)select("count(p for p in Product)").count();
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.id() == "unsupported.whole_query_aggregate");
  }
  for (auto run : {+[] { (void)select("count(p for p in Product)").limit(1); },
                   +[] { (void)select("count(p for p in Product)").slice(1); }}) {
    try {
      run();
      FAIL("no error");
    } catch (const query_error& e) {
      CHECK(e.id() == "unsupported.whole_query_aggregate");
    }
  }
  try {
    (void)select("max((p.price for p in Product), distinct=True)").fetch();
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.id() == "syntax.whole_query_argument");
  }
}

TEST_CASE("a missing object of a left_join is null", "[left_join]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto pairs = left_join<std::tuple<Category, Product>>(
                   "(c, p) for c in Category for p in c.products if c.name == 'empty'")
                   .fetch();
  REQUIRE(pairs.size() == 1);
  CHECK(std::get<0>(pairs[0])->name == "empty");
  CHECK(std::get<1>(pairs[0]) == nullptr);
  auto kite = left_join<std::tuple<std::string, Product>>(
                  "(c.name, p) for c in Category for p in c.products if p.name == 'Kite'")
                  .fetch();
  REQUIRE(kite.size() == 1);
  CHECK(std::get<1>(kite[0])->price == 25.0);
  CHECK(&*std::get<1>(kite[0]) == &Product::at(5));
}

TEST_CASE("left_join refuses a loop that is not a collection, with a caret", "[left_join]") {
  temp_database t;
  db_session session{t.db};
  try {
    (void)left_join("(c, p) for c in Category for p in Product").fetch();
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.id() == "unsupported.left_join_source");
    CHECK(std::string{e.what()}.find("^~~~~~~") != std::string::npos);
  }
}

TEST_CASE("show() prints the rows as a table with a header", "[show]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  std::ostringstream out;
  select("(p.name, p.price, p.category) for p in Product if p.price <= 10")
      .order_by("p.price")
      .show(out);
  CHECK(out.str() ==
        "p.name|p.price|p.category\n"
        "------+-------+-----------\n"
        "Hammer|5.0    |Category[1]\n"
        "Saw   |10.0   |Category[1]\n");
  // An object alone shows its attributes; a reference as Entity[key].
  std::ostringstream objects;
  select<Product>("p for p in Product if p.name == 'Kite'").show(objects);
  CHECK(objects.str() ==
        "id|name|price|sku|summary|stock|category\n"
        "--+----+-----+---+-------+-----+-----------\n"
        "5 |Kite|25.0 |S-5|       |None |Category[2]\n");
  CHECK(select("c.name for c in Category").columns() == std::vector<std::string>{"c.name"});
}

TEST_CASE("count() of one value counts distinct values even without_distinct()", "[count]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto names = select("p.category.name for p in Product");
  CHECK(names.without_distinct().count() == 2);
  CHECK(names.without_distinct().fetch().size() == 6);
  // Objects and tuples: the rows as they come, as PonyORM.
  CHECK(select("p.category for p in Product").without_distinct().count() == 6);
  CHECK(select("(p.category, p.category) for p in Product").without_distinct().count() == 6);
}

TEST_CASE("int() of a decimal truncates towards zero, as Python's int()", "[decimal]") {
  ledger_database t;
  db_session session{t.db};
  auto ints = select<std::int64_t>("int(e.amount) for e in Entry if e.kind == 'n'").order_by("1");
  CHECK(ints.fetch().items() == std::vector<std::int64_t>{-2, 2});
}

TEST_CASE("a decimal sum over a grouped query's column has two decimal places on every provider",
          "[query_source]") {
  // The derived table's column has no declared scale: the sum takes PonyORM's default of two
  // places, as the servers' DECIMAL(12, 2) gives (SQLite holds 0.2 and would print 0.4).
  ledger_database t;
  db_session session{t.db};
  auto highest = select("(e.kind, max(e.amount)) for e in Entry if e.kind != 'n'");
  std::vector<std::string> sums;
  for (const row& r : select("sum(m) for k, m in q", {{"q", highest}})) {
    sums.push_back(r[0].as_text());
  }
  CHECK(sums == std::vector<std::string>{"0.40"});
}

TEST_CASE("a query over another query's result inlines the inner query", "[query_source]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto tools = select<Product>("p for p in Product if p.category.name == 'tools'");
  auto q = select<Product>("x for x in q if x.price > 5", {{"q", tools}}).order_by("x.price");
  std::vector<std::string> names;
  for (const Product& p : q) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"Saw", "Wrench"});
  // Parameters of the inner and the outer query do not mix, even under the same name.
  auto cheap = select<Product>("p for p in Product if p.price < limit", {{"limit", 21.0}});
  auto mid =
      select<std::string>("x.name for x in q if x.price > limit", {{"q", cheap}, {"limit", 9.0}})
          .order_by("1");
  CHECK(mid.fetch().items() == std::vector<std::string>{"Ball", "Saw", "Wrench"});
  // A tuple result unpacks; the inner query's filter() applies.
  auto pairs = select<std::tuple<std::string, double>>("(p.name, p.price) for p in Product")
                   .filter("lambda n, price: price >= 25");
  auto names_only = select<std::string>("n for n, price in q", {{"q", pairs}}).order_by("1");
  CHECK(names_only.fetch().items() == std::vector<std::string>{"Kite", "Yo-yo"});
  // A query over a query over a query.
  auto outer =
      select<std::string>("y.name for y in r if y.price < 20",
                          {{"r", select<Product>("x for x in q if x.price > 5", {{"q", cheap}})}});
  CHECK(outer.order_by("1").fetch().items() == std::vector<std::string>{"Saw", "Wrench"});
}

TEST_CASE("a grouped query as a loop source is a derived table whose columns the targets name",
          "[query_source]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto per_category =
      select("(p.category, count(p)) for p in Product if p.price < limit", {{"limit", 21.0}});
  // Conditions, results and order over the targets; a reference target reads through a join.
  using row = std::tuple<std::string, std::int64_t>;
  auto rows =
      select<row>("(c.name, n) for c, n in q if n >= limit", {{"q", per_category}, {"limit", 1}})
          .order_by("desc(n)");
  CHECK(rows.fetch().items() == std::vector<row>{{"tools", 3}, {"toys", 1}});
  // An object target loads as the object; the inner query's parameters keep their names.
  auto big = select<Category>("c for c, n in q if n > limit", {{"q", per_category}, {"limit", 2}});
  std::vector<std::string> names;
  for (const Category& c : big) names.push_back(c.name);
  CHECK(names == std::vector<std::string>{"tools"});
  // Aggregates of the outer query over the derived rows, and a terminal over them.
  CHECK(select<std::int64_t>("sum(n) for c, n in q", {{"q", per_category}}).fetch().items() ==
        std::vector<std::int64_t>{4});
  CHECK(select("n for c, n in q", {{"q", per_category}}).count() == 2);
  auto highest = select("max(p.price) for p in Product");
  CHECK(select<double>("m for m in q if m > 20", {{"q", highest}}).fetch().items() ==
        std::vector<double>{30.0});
  // The inner query's filter() and where() stay inside the derived table.
  auto filtered = select("(p.category, count(p)) for p in Product")
                      .filter("lambda c, n: c.name == 'toys'")
                      .where("p.price > 20");
  CHECK(select<std::int64_t>("n for c, n in q", {{"q", filtered}}).fetch().items() ==
        std::vector<std::int64_t>{2});
  auto id_of = [](const auto& query) {
    try {
      (void)query.fetch();
    } catch (const query_error& e) {
      return e.id();
    }
    return std::string{"no error"};
  };
  CHECK(id_of(select("c for c in q", {{"q", per_category}})) == "type.unpacking");
  CHECK(id_of(select("a for a, b, c in q", {{"q", highest}})) == "type.unpacking");
  CHECK(id_of(select("m for m in q", {{"q", highest.for_update()}})) == "unsupported.query_source");
}

TEST_CASE("an Entity::select() query can be a loop source too", "[query_source]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto count_over = [](const query<Product>& inner) {
    return select("x for x in q if x.price < 26", {{"q", inner}}).count();
  };
  CHECK(count_over(Product::select("lambda p: p.price > 10")) == 3);
  CHECK(count_over(Product::select("p.price > lo", {{"lo", 20.0}})) == 1);
  CHECK(count_over(Product::select()) == 5);
}

TEST_CASE("the plan cache tells inner queries apart", "[query_source]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto count_over = [](const char* inner) {
    return select("x for x in q", {{"q", select<Product>(inner)}}).count();
  };
  CHECK(count_over("p for p in Product if p.price > 10") == 4);
  CHECK(count_over("p for p in Product if p.price > 20") == 2);
  CHECK(count_over("p for p in Product if p.price > 10") == 4);
  const auto stats = t.db.plan_cache_stats();
  CHECK(stats.hits >= 1);
}

TEST_CASE("an inner query's order_by() orders the rows after the outer order_by()",
          "[query_source]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto by_price = select<Product>("p for p in Product").order_by("desc(p.price)");
  auto names = [](const query<std::string>& q) { return q.fetch().items(); };
  CHECK(names(select<std::string>("x.name for x in q if x.price > 12", {{"q", by_price}})) ==
        std::vector<std::string>{"Yo-yo", "Kite", "Ball", "Wrench"});
  // The outer order comes first; the inner one breaks its ties.
  CHECK(names(select<std::string>("x.name for x in q", {{"q", by_price}})
                  .order_by("x.category.name")) ==
        std::vector<std::string>{"Wrench", "Saw", "Hammer", "Yo-yo", "Kite", "Ball"});
  // order_by(None) of the outer query drops the inner order too; first() follows it.
  CHECK(select<Product>("x for x in q", {{"q", by_price}}).first()->name == "Yo-yo");
  CHECK(select<Product>("x for x in q", {{"q", by_price}})
            .order_by("None")
            .get_sql()
            .find("ORDER BY") == std::string::npos);
  // A column number and a lambda name the inner query's result items.
  auto pairs = select<std::tuple<std::string, double>>("(p.name, p.price) for p in Product");
  CHECK(names(select<std::string>("n for n, price in q if price < 12",
                                  {{"q", pairs.order_by("-2")}})) ==
        std::vector<std::string>{"Saw", "Hammer"});
  CHECK(names(select<std::string>("n for n, price in q if price < 12",
                                  {{"q", pairs.order_by("lambda n, price: n")}})) ==
        std::vector<std::string>{"Hammer", "Saw"});
  CHECK(names(select<std::string>("n for n, price in q if price < 12",
                                  {{"q", pairs.order_by("lambda n, price: n").order_by("None")}}))
            .size() == 2);
  // A grouped query over it drops the inner order (the rows it ordered are gone).
  auto counts = select<std::tuple<std::string, std::int64_t>>(
      "(x.category.name, count(x)) for x in q", {{"q", by_price}});
  CHECK(counts.get_sql().find("ORDER BY") == std::string::npos);
  CHECK(counts.fetch().size() == 2);
}

TEST_CASE("a query of one loop's objects can be the source of a later loop", "[query_source]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  // The inner and the outer parameter of the same name are bound apart.
  auto dear = select<Product>("p for p in Product if p.price > limit", {{"limit", 12.0}});
  auto pairs = select<std::tuple<std::string, std::string>>(
                   "(c.name, x.name) for c in Category for x in q if x.category == c and "
                   "x.price < limit",
                   {{"q", dear}, {"limit", 26.0}})
                   .order_by("2");
  const auto rows = pairs.fetch().items();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == std::tuple<std::string, std::string>{"toys", "Ball"});
  CHECK(rows[1] == std::tuple<std::string, std::string>{"toys", "Kite"});
  CHECK(rows[2] == std::tuple<std::string, std::string>{"tools", "Wrench"});
  // The inner query's loop variables are its own: the outer query may reuse their names.
  CHECK(select("p for p in Product for x in q if p.category == x.category and p != x",
               {{"q", dear.order_by("p.name")}})
            .count() == 5);
  CHECK(select<Product>("x for x in q", {{"q", dear}}).get_sql() ==
        select<Product>("p for p in Product if p.price > limit", {{"limit", 12.0}}).get_sql());
}

TEST_CASE("a query source in a later loop must select its only loop's objects, with a caret",
          "[query_source]") {
  temp_database t;
  db_session session{t.db};
  auto names = select<std::string>("p.name for p in Product");
  try {
    (void)select("c for c in Category for x in q", {{"q", names}}).fetch();
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.id() == "unsupported.query_source");
    CHECK(std::string{e.what()} ==
          "unsupported.query_source: query 'q' in a loop after the first must select the objects "
          "of its only loop (like 'm for m in Student if ...'); make it the source of the first "
          "loop (line 1, column 30)\n"
          "  c for c in Category for x in q\n"
          "                               ^");
  }
  // The outer query cannot name the inner query's loop variables.
  try {
    (void)select("x for x in q if p.price > 3", {{"q", select<Product>("p for p in Product")}})
        .fetch();
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.id() == "unknown_name.parameter");
  }
}

TEST_CASE("'x in q' with a query q is its nested generator", "[query_source]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto names = [](const query<std::string>& q) { return q.order_by("1").fetch().items(); };
  // q's own names and parameters: `p` and `limit` inside q are not the outer ones.
  auto toys = select<Category>("c for c in Category if c.name == name", {{"name", "toys"}});
  auto dear = select<double>("p.price for p in Product if p.price > limit", {{"limit", 20.0}});
  CHECK(names(select<std::string>("p.name for p in Product if p.category in q and p.price < limit",
                                  {{"q", toys}, {"limit", 26.0}})) ==
        std::vector<std::string>{"Ball", "Kite"});
  CHECK(names(select<std::string>("p.name for p in Product if p.price not in q", {{"q", dear}}))
            .size() == 4);
  // filter() and where() of q join its conditions; its order does not matter.
  CHECK(names(select<std::string>(
            "p.name for p in Product if p.price in q",
            {{"q", dear.filter("lambda price: price < 30").order_by("desc(p.price)")}})) ==
        std::vector<std::string>{"Kite"});
  CHECK(
      names(select<std::string>(
          "p.name for p in Product if p.category in q",
          {{"q", select<Category>("c for c in Category").where("lambda c: c.name == 'tools'")}})) ==
      std::vector<std::string>{"Hammer", "Saw", "Wrench"});
  CHECK(
      names(select<std::string>(
          "p.name for p in Product if p.category in q",
          {{"q", Category::select("lambda c: c.name != 'tools'").filter("c.name != 'empty'")}})) ==
      std::vector<std::string>{"Ball", "Kite", "Yo-yo"});
  try {
    (void)select("p for p in Product if p.category in q", {{"q", toys.for_update()}}).fetch();
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.id() == "unsupported.query_in");
    CHECK(std::string{e.what()}.find("\n                                      ^") !=
          std::string::npos);
  }
  auto id_of = [](const auto& query) {
    try {
      (void)query.fetch();
    } catch (const query_error& e) {
      return e.id();
    }
    return std::string{"no error"};
  };
  CHECK(id_of(select("p for p in Product if p.category in q",
                     {{"q", select("left_join(c for c in Category)")}})) == "unsupported.query_in");
  CHECK(id_of(select("p for p in Product if p.category in q",
                     {{"q", toys.filter("lambda a, b: a")}})) == "type.arguments");
  CHECK(id_of(select("p for p in Product if p.category in q",
                     {{"q", toys.where("lambda c: count(c) > 1")}})) ==
        "unsupported.aggregate_in_filter");
}

TEST_CASE("a query as a value, of another shape in a later loop, or locked is refused",
          "[query_source]") {
  temp_database t;
  db_session session{t.db};
  auto q = select<Product>("p for p in Product");
  auto id_of = [](const auto& query) {
    try {
      (void)query.fetch();
    } catch (const query_error& e) {
      return e.id();
    }
    return std::string{"no error"};
  };
  CHECK(id_of(select("p for p in Product if p == q", {{"q", q}})) == "type.query_parameter");
  CHECK(id_of(select("c for c in Category for x, y in q",
                     {{"q", select("(p, p.category) for p in Product")}})) ==
        "unsupported.query_source");
  CHECK(id_of(select("c for c in Category for x in q",
                     {{"q", select("p for p in Product for t in p.tags")}})) ==
        "unsupported.query_source");
  CHECK(id_of(left_join("(c, x) for c in Category for x in q", {{"q", q}})) ==
        "unsupported.left_join_source");
  CHECK(id_of(select("x for x, y in q", {{"q", q}})) == "type.unpacking");
  auto pairs = select("(p.name, p.price) for p in Product");
  CHECK(id_of(select("a for a, b in q", {{"q", pairs.order_by("lambda a: a")}})) ==
        "type.arguments");
  CHECK(id_of(select("a for a, b in q", {{"q", pairs.order_by("3")}})) == "unknown_name.column");
  CHECK(id_of(select("x for x in q", {{"q", q.for_update()}})) == "unsupported.query_source");
  CHECK(id_of(select("x for x in q", {{"q", q.where("lambda a, b: a.price > 1")}})) ==
        "type.arguments");
  CHECK(id_of(select("x for x in q", {{"q", select("left_join(c for c in Category)")}})) ==
        "unsupported.query_source");
  // where(lambda) of the inner query names its loop variables; a plain where() works too.
  CHECK(select("x for x in q", {{"q", q.where("lambda p: p.price > 100")}}).count() == 0);
  CHECK(select("x for x in q", {{"q", q.where("p.price > 100").distinct()}}).count() == 0);
}

TEST_CASE("raw_sql() fragments are written as they are, with $names bound", "[raw_sql]") {
  temp_database t;
  fill_shop(t);
  db_session session{t.db};
  auto names = [](const query<std::string>& q) { return q.order_by("1").fetch().items(); };
  CHECK(names(select<std::string>("p.name for p in Product if raw_sql('p.price > 20')")) ==
        std::vector<std::string>{"Kite", "Yo-yo"});
  // A parameter in the fragment is bound: a quote in it cannot end the SQL string.
  CHECK(names(select<std::string>("p.name for p in Product if raw_sql('p.name = $n')",
                                  {{"n", "Saw' OR '1' = '1"}}))
            .empty());
  CHECK(names(select<std::string>("p.name for p in Product if raw_sql('p.price < $(limit + 1)')",
                                  {{"limit", 10.0}})) == std::vector<std::string>{"Hammer", "Saw"});
  // The fragment takes the type of what it is compared with.
  CHECK(names(select<std::string>("p.name for p in Product if p.price == raw_sql('2 * p.price')"))
            .empty());
  try {
    (void)select("p for p in Product if raw_sql('p.price > $')").fetch();
    FAIL("no error");
  } catch (const query_error& e) {
    CHECK(e.id() == "unsupported.raw_sql");
  }
}
