// Every golden SQL of the current provider's dialect runs on a real database with the golden
// schema (created by the DDL generator), with sample values for its parameters: a golden SQL
// the server rejects is a bug even when the text matches.
#include "golden_blocks.hpp"

#include "ir/expr.hpp"
#include "migrate/ddl.hpp"
#include "test_databases.hpp"

using namespace golden;

namespace {

value scalar_of(const param_value& p) {
  if (p.is_entity()) return p.entity().key;
  return p.scalar();
}

std::vector<value> sample_values(const lower::plan& plan, const block& b) {
  std::vector<value> values;
  for (const auto& slot : plan.params) {
    switch (slot.from) {
      case lower::param_slot::source::named: {
        // Python's clock (date.today(), datetime.now()): a value of its type.
        if (slot.name.starts_with(ir::clock_parameter_prefix)) {
          const bool day = slot.name.find("date.") != std::string::npos;
          values.push_back(day ? value::typed(value_type::date, "2024-01-01")
                               : value::typed(value_type::datetime, "2024-01-01 10:00:00.5"));
          break;
        }
        const param_value& p = param_of(b.args, slot.name);
        values.push_back(slot.element ? scalar_of(p.sequence()[*slot.element]) : scalar_of(p));
        break;
      }
      case lower::param_slot::source::constant: values.push_back(slot.constant); break;
      case lower::param_slot::source::limit: values.push_back(value{10}); break;
      case lower::param_slot::source::offset: values.push_back(value{0}); break;
    }
  }
  return values;
}

}  // namespace

TEST_CASE("every golden query runs on the provider's database") {
  const std::string provider = nextorm::testing::current_provider();
  const lower::dialect& d = *lower::find_dialect(provider);
  const registry& reg = golden_registry(provider);
  const std::string url = nextorm::testing::fresh_database_url("golden");
  auto db = nextorm::testing::raw_connection(url);
  for (const auto& statement : schema_change::create_table_statements(reg, d))
    db->execute_script(statement);
  std::size_t count = 0;
  for (const auto& file : golden_files()) {
    for (const block& b : read_blocks(file, reg)) {
      if (b.line == 0 || b.expected.contains("error")) continue;
      INFO(file.filename().string() << ":" << b.line << ": " << b.spec.text);
      std::shared_ptr<const lower::plan> plan;
      REQUIRE_NOTHROW(plan = compile::compile_query(b.spec, reg, d, b.args));
      INFO(plan->sql);
      std::vector<value> values = sample_values(*plan, b);
      try {
        if (b.spec.terminal == ir::terminal::remove) {
          (void)db->execute(plan->sql, values);
        } else {
          auto rows = db->query(plan->sql, values);
          while (rows->next()) {
          }
        }
      } catch (const error& e) {
        FAIL_CHECK(e.id() << ": " << e.what());
        if (provider == "postgres" && db->in_transaction()) db->rollback();
      }
      ++count;
    }
  }
  nextorm::testing::discard_database(url);
  CHECK(count > 0);
}

namespace {

// Python's s[a:b] on code points, for the expectations.
std::string py_slice(const std::u32string& s, std::optional<std::int64_t> a,
                     std::optional<std::int64_t> b) {
  auto n = static_cast<std::int64_t>(s.size());
  auto clamp = [&](std::optional<std::int64_t> v, std::int64_t absent) {
    if (!v) return absent;
    std::int64_t x = *v < 0 ? *v + n : *v;
    return x < 0 ? 0 : x > n ? n : x;
  };
  std::int64_t start = clamp(a, 0), stop = clamp(b, n);
  std::string out;
  for (std::int64_t i = start; i < stop; ++i) {
    char32_t c = s[static_cast<std::size_t>(i)];
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {  // two-byte sequences are enough for the test text
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("indexing, slicing and case mapping give Python's answers on the provider") {
  const std::string provider = nextorm::testing::current_provider();
  const lower::dialect& d = *lower::find_dialect(provider);
  const registry& reg = golden_registry(provider);
  const std::string url = nextorm::testing::fresh_database_url("golden_strings");
  auto db = nextorm::testing::raw_connection(url);
  for (const auto& statement : schema_change::create_table_statements(reg, d))
    db->execute_script(statement);
  const std::string name = "h\xC3\xA9llo w\xC3\xB6rld";  // héllo wörld
  const std::u32string points = U"h\u00E9llo w\u00F6rld";
  std::string insert = "INSERT INTO " + d.quote(reg.get("Product").table) + " (" + d.quote("name") +
                       ", " + d.quote("price") + ", " + d.quote("quantity") + ", " +
                       d.quote("description") + ", " + d.quote("active") + ") VALUES (" +
                       d.placeholder(0) + ", 1.5, 2, '', " + std::string{d.bool_literal(true)} +
                       ")";
  (void)db->execute(insert, std::vector<value>{value{name}});
  auto one = [&](const std::string& text, const params& args) {
    ir::query_spec spec;
    spec.text = text;
    auto plan = compile::compile_query(spec, reg, d, args);
    block b;
    b.args = args;
    const std::vector<value> values = sample_values(*plan, b);  // bound without a copy
    auto rows = db->query(plan->sql, values);
    REQUIRE(rows->next());
    return rows->is_null(0) ? std::string{"<null>"} : std::string{rows->get_text(0)};
  };
  const std::optional<std::int64_t> none;
  const std::int64_t bounds[] = {-20, -11, -3, -1, 0, 1, 3, 10, 11, 20};
  for (std::int64_t a : bounds) {
    INFO("start " << a);
    CHECK(one("p.name[a:] for p in Product", {{"a", a}}) == py_slice(points, a, none));
    CHECK(one("p.name[:a] for p in Product", {{"a", a}}) == py_slice(points, none, a));
    for (std::int64_t b : bounds) {
      INFO("stop " << b);
      CHECK(one("p.name[a:b] for p in Product", {{"a", a}, {"b", b}}) == py_slice(points, a, b));
    }
    if (a >= -11 && a <= 10) {
      CHECK(one("p.name[i] for p in Product", {{"i", a}}) ==
            py_slice(points, a, a == -1 ? none : std::optional<std::int64_t>{a + 1}));
    }
  }
  CHECK(one("p.name[-3:] for p in Product", {}) == py_slice(points, -3, none));
  CHECK(one("p.name[1:-1] for p in Product", {}) == py_slice(points, 1, -1));
  CHECK(one("p.name[-1] for p in Product", {}) == py_slice(points, -1, none));
  CHECK(one("p.name[2] for p in Product", {}) == py_slice(points, 2, 3));
  CHECK(one("p.name.upper() for p in Product", {}) == "H\xC3\x89LLO W\xC3\x96RLD");
  CHECK(one("str(int(p.price) + 2 ** 3) for p in Product", {}).starts_with("9"));
  // LIKE is case-sensitive as in Python, except on MariaDB whose collations ignore case (as with
  // PonyORM there).
  if (provider != "mariadb") {
    CHECK(one("p.name for p in Product if 'LLO' in p.name.upper() and 'llo' not in p.name.upper()",
              {}) == name);
  }
  nextorm::testing::discard_database(url);
}
