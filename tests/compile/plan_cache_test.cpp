// The plan cache: keyed by everything that changes the SQL, bounded, thread-safe, and cheap on
// a hit.
#include "../golden/schema_fixture.hpp"

#include <catch2/catch.hpp>

#include <nextorm/errors.hpp>

#include <thread>

using namespace nextorm;
using testing::schema;
using testing::spec_of;

TEST_CASE("a second get of the same query is a hit returning the same plan") {
  compile::plan_cache cache;
  auto spec = spec_of("p for p in Product if p.price < x");
  params args{{"x", 1.5}};
  auto a = cache.get(spec, schema(), lower::sqlite_dialect(), args);
  auto b = cache.get(spec, schema(), lower::sqlite_dialect(), params{{"x", 9.5}});
  CHECK(a == b);
  CHECK(cache.hits() == 1);
  CHECK(cache.misses() == 1);
  CHECK(cache.size() == 1);
}

TEST_CASE("the dialect, the parameter types and the spec are part of the key") {
  compile::plan_cache cache;
  auto spec = spec_of("p for p in Product if p.description == x");
  auto sqlite_plan = cache.get(spec, schema(), lower::sqlite_dialect(), {{"x", "a"}});
  auto pg_plan = cache.get(spec, schema(), lower::postgres_dialect(), {{"x", "a"}});
  CHECK(sqlite_plan != pg_plan);
  auto none_plan = cache.get(spec, schema(), lower::sqlite_dialect(), {{"x", value{}}});
  CHECK(none_plan->sql.ends_with("IS NULL"));
  auto seq2 = cache.get(spec_of("p for p in Product if p.quantity in ids"), schema(),
                        lower::sqlite_dialect(), {{"ids", std::vector<param_value>{1, 2}}});
  auto seq3 = cache.get(spec_of("p for p in Product if p.quantity in ids"), schema(),
                        lower::sqlite_dialect(), {{"ids", std::vector<param_value>{1, 2, 3}}});
  CHECK(seq2->params.size() == 2);
  CHECK(seq3->params.size() == 3);
  auto seq3b = cache.get(spec_of("p for p in Product if p.quantity in ids"), schema(),
                         lower::sqlite_dialect(), {{"ids", std::vector<param_value>{1, 2, 1.5}}});
  CHECK(seq3b != seq3);
  auto other_name = cache.get(spec, schema(), lower::sqlite_dialect(), {{"x", "a"}, {"y", 1}});
  CHECK(other_name != sqlite_plan);
  auto ref = cache.get(spec_of("p for p in Product if p.category == c"), schema(),
                       lower::sqlite_dialect(), {{"c", entity_ref{schema().find("Category"), 1}}});
  auto ref2 = cache.get(spec_of("p for p in Product if p.category == c"), schema(),
                        lower::sqlite_dialect(), {{"c", entity_ref{schema().find("Category"), 2}}});
  CHECK(ref == ref2);
  ir::query_spec counted = spec;
  counted.terminal = ir::terminal::count;
  CHECK(cache.get(counted, schema(), lower::sqlite_dialect(), {{"x", "a"}}) != sqlite_plan);
  ir::query_spec modified = spec;
  modified.modifiers.push_back({ir::modifier_kind::order_by, "p.name"});
  CHECK(cache.get(modified, schema(), lower::sqlite_dialect(), {{"x", "a"}}) != sqlite_plan);
  CHECK(cache.hits() == 1);
}

TEST_CASE("a new registry version misses") {
  registry reg;
  reg.load_json_text(
      R"({"entities":[{"name":"A","attrs":[{"name":"n","kind":"Req","type":"int"}]}]})");
  reg.finalize();
  compile::plan_cache cache;
  auto spec = spec_of("a for a in A");
  auto first = cache.get(spec, reg, lower::sqlite_dialect(), {});
  reg.finalize();
  auto second = cache.get(spec, reg, lower::sqlite_dialect(), {});
  CHECK(first != second);
  CHECK(cache.misses() == 2);
}

TEST_CASE("the least recently used plan is evicted beyond the capacity") {
  compile::plan_cache cache{2};
  auto a = spec_of("p for p in Product if p.price < 1");
  auto b = spec_of("p for p in Product if p.price < 2");
  auto c = spec_of("p for p in Product if p.price < 3");
  (void)cache.get(a, schema(), lower::sqlite_dialect(), {});
  (void)cache.get(b, schema(), lower::sqlite_dialect(), {});
  (void)cache.get(a, schema(), lower::sqlite_dialect(), {});  // a is now the most recent
  (void)cache.get(c, schema(), lower::sqlite_dialect(), {});  // evicts b
  CHECK(cache.size() == 2);
  (void)cache.get(a, schema(), lower::sqlite_dialect(), {});
  CHECK(cache.hits() == 2);
  (void)cache.get(b, schema(), lower::sqlite_dialect(), {});
  CHECK(cache.misses() == 4);
  cache.clear();
  CHECK(cache.size() == 0);
  compile::plan_cache tiny{0};  // at least one entry
  (void)tiny.get(a, schema(), lower::sqlite_dialect(), {});
  CHECK(tiny.size() == 1);
}

TEST_CASE("errors are thrown and not cached") {
  compile::plan_cache cache;
  auto bad = spec_of("p for p in Product if p.prise < 1");
  CHECK_THROWS_AS(cache.get(bad, schema(), lower::sqlite_dialect(), {}), query_error);
  CHECK_THROWS_AS(cache.get(bad, schema(), lower::sqlite_dialect(), {}), query_error);
  CHECK(cache.size() == 0);
  CHECK(cache.misses() == 2);
}

TEST_CASE("threads share the cache") {
  compile::plan_cache cache{8};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 200; ++i) {
        auto spec = spec_of("p for p in Product if p.quantity < " + std::to_string((i + t) % 12));
        auto plan = cache.get(spec, schema(), lower::sqlite_dialect(), {});
        if (plan->sql.empty()) std::abort();
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(cache.hits() + cache.misses() == 800);
  CHECK(cache.size() <= 8);
}

TEST_CASE("a query passed as a loop source is part of the key by text, chain and types") {
  compile::plan_cache cache;
  auto spec = spec_of("x for x in q if x.price > 1");
  auto inner = [](std::string text, params args = {},
                  std::vector<std::pair<std::uint8_t, std::string>> modifiers = {}) {
    auto q = std::make_shared<nested_query>();
    q->text = std::move(text);
    q->args = std::move(args);
    q->modifiers = std::move(modifiers);
    return params{{"q", param_value{std::shared_ptr<const nested_query>{std::move(q)}}}};
  };
  auto a = cache.get(spec, schema(), lower::sqlite_dialect(),
                     inner("p for p in Product if p.quantity > n", {{"n", 1}}));
  // The same shape with another value: a hit.
  auto b = cache.get(spec, schema(), lower::sqlite_dialect(),
                     inner("p for p in Product if p.quantity > n", {{"n", 5}}));
  CHECK(a == b);
  CHECK(cache.hits() == 1);
  // Another inner text, parameter type, parameter name or method chain: another plan.
  auto other_text = cache.get(spec, schema(), lower::sqlite_dialect(),
                              inner("p for p in Product if p.quantity < n", {{"n", 1}}));
  auto other_type = cache.get(spec, schema(), lower::sqlite_dialect(),
                              inner("p for p in Product if p.quantity > n", {{"n", 1.5}}));
  auto other_name = cache.get(spec, schema(), lower::sqlite_dialect(),
                              inner("p for p in Product if p.quantity > n", {{"m", 1}, {"n", 1}}));
  auto other_chain = cache.get(
      spec, schema(), lower::sqlite_dialect(),
      inner("p for p in Product if p.quantity > n", {{"n", 1}}, {{0, "lambda p: p.active"}}));
  for (const auto& plan : {other_text, other_type, other_name, other_chain}) CHECK(plan != a);
  CHECK(other_text->sql.find("\"p\".\"quantity\" < ?") != std::string::npos);
  CHECK(other_chain->sql.find("\"p\".\"active\"") != std::string::npos);
  CHECK(cache.misses() == 5);
  // A scalar where the query was: another key, and the compiler's error.
  CHECK_THROWS_AS(cache.get(spec, schema(), lower::sqlite_dialect(), {{"q", 1}}), query_error);
}

TEST_CASE("a loop-source query's own entity, sequence and query parameters key by their shape") {
  compile::plan_cache cache;
  auto spec = spec_of("x for x in q if x.price > 1");
  const entity_info* category = schema().find("Category");
  auto query = [](std::string text, params args) {
    auto q = std::make_shared<nested_query>();
    q->text = std::move(text);
    q->args = std::move(args);
    return param_value{std::shared_ptr<const nested_query>{std::move(q)}};
  };
  auto outer = [&](std::int64_t key, std::vector<param_value> ns, std::string innermost) {
    return params{
        {"q", query("p for p in Product if p.category == c and p.quantity in ns and p in r",
                    {{"c", entity_ref{category, key}},
                     {"ns", std::move(ns)},
                     {"r", query(std::move(innermost), {})}})}};
  };
  auto a = cache.get(spec, schema(), lower::sqlite_dialect(),
                     outer(1, {1, 2}, "p for p in Product if p.active"));
  // Other values of the same shape: the same plan.
  auto b = cache.get(spec, schema(), lower::sqlite_dialect(),
                     outer(2, {3, 4}, "p for p in Product if p.active"));
  CHECK(a == b);
  CHECK(cache.hits() == 1);
  CHECK(a->sql.find("IN (?, ?)") != std::string::npos);
  // A longer sequence or another innermost query: another plan.
  auto longer = cache.get(spec, schema(), lower::sqlite_dialect(),
                          outer(1, {1, 2, 3}, "p for p in Product if p.active"));
  auto other = cache.get(spec, schema(), lower::sqlite_dialect(),
                         outer(1, {1, 2}, "p for p in Product if not p.active"));
  CHECK(longer != a);
  CHECK(other != a);
  CHECK(longer->sql.find("IN (?, ?, ?)") != std::string::npos);
  CHECK(cache.misses() == 3);
}

namespace {

// Every key hashes alike: the cache must tell them apart by comparing them.
std::uint64_t colliding(const ir::query_spec&, const registry&, const lower::dialect&,
                        const params&) noexcept {
  return 42;
}

param_value query_param(std::string text, params args = {}, std::string entity = {},
                        std::vector<std::pair<std::uint8_t, std::string>> modifiers = {}) {
  auto q = std::make_shared<nested_query>();
  q->text = std::move(text);
  q->entity = std::move(entity);
  q->args = std::move(args);
  q->modifiers = std::move(modifiers);
  return param_value{std::shared_ptr<const nested_query>{std::move(q)}};
}

}  // namespace

namespace {

// A get that must miss: its plan, or none when the compiler refuses the query (a miss too, as
// hits() shows).
std::shared_ptr<const lower::plan> try_get(compile::plan_cache& cache, const ir::query_spec& spec,
                                           const registry& reg, const lower::dialect& d,
                                           const params& args) {
  try {
    return cache.get(spec, reg, d, args);
  } catch (const query_error&) {
    return nullptr;
  }
}

}  // namespace

TEST_CASE("keys with the same hash are told apart by every part of the key") {
  compile::plan_cache cache{16, &colliding};
  auto spec = spec_of("p for p in Product if p.quantity in xs");
  auto counted = spec;
  counted.terminal = ir::terminal::count;
  const params two_ints{{"xs", std::vector<param_value>{1, 2}}};
  auto base = cache.get(spec, schema(), lower::sqlite_dialect(), two_ints);
  CHECK(cache.get(spec, schema(), lower::sqlite_dialect(), two_ints) == base);
  CHECK(cache.hits() == 1);
  struct other {
    const ir::query_spec* spec;
    const lower::dialect* dialect;
    params args;
  };
  // Another dialect, spec, parameter count, parameter name, kind, element type (the first or
  // a later one), or sequence length: each is compared with the base key in the one slot.
  const std::vector<other> others{
      {&spec, &lower::postgres_dialect(), two_ints},
      {&counted, &lower::sqlite_dialect(), two_ints},
      {&spec, &lower::sqlite_dialect(), {{"xs", std::vector<param_value>{1, 2}}, {"y", 1}}},
      {&spec, &lower::sqlite_dialect(), {{"ys", std::vector<param_value>{1, 2}}}},
      {&spec, &lower::sqlite_dialect(), {{"xs", 1}}},
      {&spec, &lower::sqlite_dialect(), {{"xs", std::vector<param_value>{1, 2.5}}}},
      {&spec, &lower::sqlite_dialect(), {{"xs", std::vector<param_value>{1.5, 2.5}}}},
      {&spec, &lower::sqlite_dialect(), {{"xs", std::vector<param_value>{1, 2, 3}}}},
  };
  for (const auto& o : others) {
    (void)try_get(cache, spec, schema(), lower::sqlite_dialect(), two_ints);  // base in the slot
    const auto misses = cache.misses();
    CHECK(try_get(cache, *o.spec, schema(), *o.dialect, o.args) != base);
    CHECK(cache.misses() == misses + 1);
  }
  CHECK(cache.size() == 1);  // the newest of colliding keys takes the slot
  // Specs that differ in one field only: an offset, or a modifier's text.
  auto offset = spec;
  offset.has_offset = true;
  auto by_name = spec;
  by_name.modifiers.push_back({ir::modifier_kind::order_by, "p.name"});
  auto by_price = spec;
  by_price.modifiers.push_back({ir::modifier_kind::order_by, "p.price"});
  const auto misses = cache.misses();
  (void)cache.get(spec, schema(), lower::sqlite_dialect(), two_ints);
  CHECK(cache.get(offset, schema(), lower::sqlite_dialect(), two_ints)->sql.ends_with(" OFFSET ?"));
  CHECK(cache.get(by_name, schema(), lower::sqlite_dialect(), two_ints)
            ->sql.ends_with("\"p\".\"name\""));
  CHECK(cache.get(by_price, schema(), lower::sqlite_dialect(), two_ints)
            ->sql.ends_with("\"p\".\"price\""));
  CHECK(cache.misses() == misses + 4);
}

TEST_CASE("keys with the same hash differ by the registry and its version") {
  compile::plan_cache cache{16, &colliding};
  registry other;
  other.load_json_text(R"({"entities":[{"name":"Product","attrs":[
    {"name":"name","kind":"Req","type":"str"}]}]})");
  other.finalize();
  auto spec = spec_of("p.name for p in Product");
  auto a = cache.get(spec, schema(), lower::sqlite_dialect(), {});
  auto b = cache.get(spec, other, lower::sqlite_dialect(), {});
  CHECK(a != b);
  const std::uint64_t version = other.version();
  other.finalize();
  REQUIRE(other.version() != version);
  CHECK(cache.get(spec, other, lower::sqlite_dialect(), {}) != b);
  CHECK(cache.hits() == 0);
}

TEST_CASE("keys with the same hash differ by entity parameters and loop-source queries") {
  compile::plan_cache cache{16, &colliding};
  auto get = [&](const std::string& text, const params& args) {
    return try_get(cache, spec_of(text), schema(), lower::sqlite_dialect(), args);
  };
  const entity_info* category = schema().find("Category");
  const entity_info* product = schema().find("Product");
  // An entity parameter of another entity.
  CHECK(get("p for p in Product if p.category == c", {{"c", entity_ref{category, 1}}}) != nullptr);
  CHECK(get("p for p in Product if p.category == c", {{"c", entity_ref{product, 1}}}) == nullptr);
  // A loop-source query differing in its text, entity, chain, parameter count, names or types,
  // down to its own sequences, entities and queries; each compared both ways with the base.
  const std::string outer = "x for x in q";
  const std::string text = "p for p in Product if p.quantity in ns and p in r";
  auto inner = [&](params args, std::string t = {}, std::string entity = {},
                   std::vector<std::pair<std::uint8_t, std::string>> modifiers = {}) {
    return params{{"q", query_param(t.empty() ? text : std::move(t), std::move(args),
                                    std::move(entity), std::move(modifiers))}};
  };
  auto innermost = [](std::string t) { return query_param(std::move(t)); };
  const param_value two{std::vector<param_value>{1, 2}};
  const params base_args{{"ns", two}, {"r", innermost("p for p in Product")}};
  auto base = get(outer, inner(base_args));
  REQUIRE(base != nullptr);
  CHECK(get(outer, inner(base_args)) == base);
  const std::vector<params> others{
      inner(base_args, text + " and p.active"),
      inner(base_args, {}, {}, {{0, "lambda p: p.active"}}),
      inner({{"ns", two}, {"r", innermost("p for p in Product")}, {"z", 1}}),
      inner({{"ms", two}, {"r", innermost("p for p in Product")}}),
      inner({{"ns", 1}, {"r", innermost("p for p in Product")}}),
      inner({{"ns", std::vector<param_value>{1, 2, 3}}, {"r", innermost("p for p in Product")}}),
      inner({{"ns", std::vector<param_value>{1, 2.5}}, {"r", innermost("p for p in Product")}}),
      inner({{"ns", two}, {"r", innermost("p for p in Product if p.active")}}),
      inner({{"ns", two}, {"r", entity_ref{product, 1}}}),
  };
  for (const auto& args : others) {
    (void)get(outer, inner(base_args));  // base in the slot
    const auto misses = cache.misses();
    CHECK(get(outer, args) != base);
    CHECK(cache.misses() == misses + 1);
    (void)get(outer, inner(base_args));  // compared with the other, if it was cached
  }
  // Entity parameters of the inner query, of the same entity or another.
  (void)get(outer, inner({{"ns", two}, {"r", entity_ref{product, 1}}}));
  (void)get(outer, inner({{"ns", two}, {"r", entity_ref{category, 1}}}));
  // Entity.select() queries: the same text, another entity.
  CHECK(get("x.name for x in q", {{"q", query_param("", {}, "Product")}})->sql ==
        "SELECT DISTINCT \"p\".\"name\" FROM \"Product\" \"p\"");
  CHECK(get("x.name for x in q", {{"q", query_param("", {}, "Category")}})->sql ==
        "SELECT DISTINCT \"c\".\"name\" FROM \"Category\" \"c\"");
}

TEST_CASE(
    "keys with the same hash differ by the kind and entity of a loop-source query's parameter") {
  compile::plan_cache cache{16, &colliding};
  const entity_info* category = schema().find("Category");
  const entity_info* product = schema().find("Product");
  const ir::query_spec spec = spec_of("x for x in q");
  auto get = [&](const std::string& inner, params args) {
    return try_get(cache, spec, schema(), lower::sqlite_dialect(),
                   {{"q", query_param(inner, std::move(args))}});
  };
  // The cached query's parameter is a value, the new one's an object (which does not compile).
  const std::string by_quantity = "p for p in Product if p.quantity == n";
  const auto base = get(by_quantity, {{"n", 1}});
  REQUIRE(base != nullptr);
  CHECK(get(by_quantity, {{"n", 2}}) == base);
  CHECK(get(by_quantity, {{"n", entity_ref{category, 1}}}) == nullptr);
  // The cached query's parameter is an object, the new one's a value or another entity's object.
  const std::string by_object = "p for p in Product if p == r";
  const auto object = get(by_object, {{"r", entity_ref{product, 1}}});
  REQUIRE(object != nullptr);
  CHECK(object != base);
  CHECK(get(by_object, {{"r", entity_ref{product, 2}}}) == object);
  CHECK(get(by_object, {{"r", 1}}) == nullptr);
  CHECK(get(by_object, {{"r", entity_ref{category, 1}}}) == nullptr);
  CHECK(cache.hits() == 2);
  CHECK(cache.misses() == 5);
}

TEST_CASE("getattr() with a parameter as the name makes a plan for its value, never cached") {
  compile::plan_cache cache;
  auto spec = spec_of("p for p in Product if getattr(p, attr) == 1");
  auto by_quantity =
      cache.get(spec, schema(), lower::sqlite_dialect(), params{{"attr", "quantity"}});
  auto by_price = cache.get(spec, schema(), lower::sqlite_dialect(), params{{"attr", "price"}});
  CHECK(by_quantity->sql.find("\"p\".\"quantity\" = 1") != std::string::npos);
  CHECK(by_price->sql.find("\"p\".\"price\" = 1") != std::string::npos);
  CHECK(cache.size() == 0);
  CHECK(cache.misses() == 2);
  // A str literal is part of the text: cached as any query.
  (void)cache.get(spec_of("p for p in Product if getattr(p, 'price') == 1"), schema(),
                  lower::sqlite_dialect(), {});
  CHECK(cache.size() == 1);
  CHECK_THROWS_WITH(cache.get(spec, schema(), lower::sqlite_dialect(), params{{"attr", 3}}),
                    Catch::Contains("unsupported.getattr"));
}
