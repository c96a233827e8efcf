// The value types of include/nextorm/types.hpp as query parameters, and exact decimal sums and
// averages, on each provider (NEXTORM_PROVIDER) with a real table.
#include <nextorm/nextorm.hpp>

#include "test_databases.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using namespace nextorm;
using namespace std::chrono_literals;

namespace {

struct Item : entity<Item> {
  Req<std::string> name{"name"};
  Req<std::string> kind{"kind"};
  Opt<decimal> price{"price", decimal_digits{12, 2}};
  Opt<decimal> fine{"fine", decimal_digits{20, 8}};
  Opt<date> day{"day"};
  Opt<datetime> moment{"moment"};
  Opt<time_of_day> clock{"clock"};
  Opt<bytes> blob{"blob"};
  Opt<uuid> tag{"tag"};
  Opt<std::int64_t> count{"count"};
  Opt<double> weight{"weight"};
  Opt<std::string> note{"note", nullable};
};

class fixture {
 public:
  fixture() : m_url{testing::fresh_database_url("params_" + std::to_string(++counter()))} {
    db.bind(m_url);
    db.generate_mapping<Item>({.create_tables = true});
  }
  ~fixture() { testing::discard_database(m_url); }
  fixture(const fixture&) = delete;
  fixture& operator=(const fixture&) = delete;

  // Three items with every column set, and one ("empty") with only its name and kind.
  void fill_typed() {
    db_session session{db};
    add("a", decimal{"9.99"}, date{2020, 1, 31}, 10h, "00ff", "a0eebc999c0b4ef8bb6d6bb9bd380a11", 1,
        1.5, "x");
    add("b", decimal{"19.99"}, date{2021, 6, 1}, 12h + 30min, "0102",
        "b0eebc999c0b4ef8bb6d6bb9bd380a11", 2, 2.5, "y");
    add("c", decimal{"20.00"}, date{2024, 2, 29}, 23h + 59min + 59s + 500000us, "",
        "c0eebc999c0b4ef8bb6d6bb9bd380a11", 3, 3.5, "z");
    auto& empty = Item::create();
    empty.name = "empty";
    empty.kind = "none";
  }

  // The names of the items the condition selects, sorted.
  std::vector<std::string> names(const std::string& condition, params args) {
    db_session session{db};
    std::vector<std::string> out;
    for (const std::string& n :
         select<std::string>("i.name for i in Item if " + condition, std::move(args))) {
      out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // The texts a one-column query selects, sorted.
  std::vector<std::string> names_of(const std::string& text, params args) {
    db_session session{db};
    std::vector<std::string> out;
    for (const std::string& n : select<std::string>(text, std::move(args))) out.push_back(n);
    std::sort(out.begin(), out.end());
    return out;
  }

  // `count` items of kind `kind` priced `price` (null: no price).
  void add_prices(const std::string& kind, int count, std::optional<decimal> price) {
    db_session session{db};
    for (int i = 0; i < count; ++i) {
      auto& item = Item::create();
      item.name = kind + std::to_string(i);
      item.kind = kind;
      if (price) item.price = *price;
    }
  }

  database db;

 private:
  static void add(const char* name, decimal price, date day, std::chrono::microseconds clock,
                  const char* blob, const char* tag, std::int64_t count, double weight,
                  const char* note) {
    auto& item = Item::create();
    item.name = name;
    item.kind = "typed";
    item.price = price;
    item.day = day;
    item.moment = datetime{day, clock};
    item.clock = clock;
    item.blob = bytes::from_hex(blob);
    item.tag = uuid{tag};
    item.count = count;
    item.weight = weight;
    item.note = note;
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

using names = std::vector<std::string>;

// The one value of an aggregate query.
value single_value(database& db, const std::string& text) {
  db_session session{db};
  const auto rows = select(text).fetch();
  REQUIRE(rows.size() == 1);
  return rows[0][0];
}

}  // namespace

TEST_CASE("a decimal is a query parameter: p.price < decimal{\"20\"}", "[params]") {
  fixture f;
  f.fill_typed();
  CHECK(f.names("i.price < x", {{"x", decimal{"20"}}}) == names{"a", "b"});
  CHECK(f.names("i.price == x", {{"x", decimal{"20"}}}) == names{"c"});
  CHECK(f.names("i.price == x", {{"x", decimal{"19.990"}}}) == names{"b"});
  CHECK(f.names("i.price > x", {{"x", -decimal{"1e-30"}}}) == names{"a", "b", "c"});
  // Against an expression rather than a column (SQLite: CAST(? AS NUMERIC)).
  CHECK(f.names("i.price * 2 > x", {{"x", decimal{"39.98"}}}) == names{"c"});
  CHECK(f.names("x < i.price + 0", {{"x", decimal{"19.99"}}}) == names{"c"});
  CHECK(f.names("i.price * 2 == x", {{"x", decimal{"19.98"}}}) == names{"a"});
}

TEST_CASE("fields of each value type print with <<, as read back from the database", "[params]") {
  fixture f;
  f.fill_typed();
  db_session session{f.db};
  const Item* a = select<Item>("i for i in Item if i.name == 'a'").get();
  REQUIRE(a != nullptr);
  std::ostringstream text;
  // As std::ostream&: fields.hpp's operator<< returns the stream type it is given, which an
  // ostringstream's `<<` of a value (an ostream&) cannot bind to.
  std::ostream& out = text;
  out << a->price << ' ' << a->day << ' ' << a->moment << ' ' << a->clock << ' ' << a->blob << ' '
      << a->tag;
  CHECK(text.str() ==
        "9.99 2020-01-31 2020-01-31 10:00:00 10:00:00 00ff a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  CHECK(a->price + a->price == decimal{"19.98"});
}

TEST_CASE("dates, datetimes, times, uuids and bytes are query parameters", "[params]") {
  fixture f;
  f.fill_typed();
  CHECK(f.names("i.day == x", {{"x", date{2021, 6, 1}}}) == names{"b"});
  CHECK(f.names("i.day > x", {{"x", date{std::chrono::year{2021} / 1 / 1}}}) == names{"b", "c"});
  CHECK(f.names("i.moment >= x", {{"x", datetime{date{2021, 6, 1}, 12h + 30min}}}) ==
        names{"b", "c"});
  CHECK(f.names("i.moment == x", {{"x", datetime{"2024-02-29 23:59:59.5"}}}) == names{"c"});
  CHECK(f.names("i.clock < x", {{"x", time_of_day{12h}}}) == names{"a"});
  CHECK(f.names("i.clock == x", {{"x", time_of_day{23, 59, 59, 500000}}}) == names{"c"});
  CHECK(f.names("i.tag == x", {{"x", uuid{"B0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"}}}) == names{"b"});
  CHECK(f.names("i.blob == x", {{"x", bytes::from_hex("0102")}}) == names{"b"});
  CHECK(f.names("i.blob == x", {{"x", bytes::from_hex("00ff")}}) == names{"a"});
}

TEST_CASE("std::optional parameters: a value binds it, nullopt binds None", "[params]") {
  fixture f;
  f.fill_typed();
  CHECK(f.names("i.price == x", {{"x", std::optional<decimal>{decimal{"9.99"}}}}) == names{"a"});
  CHECK(f.names("i.price == x", {{"x", std::optional<decimal>{}}}) == names{"empty"});
  CHECK(f.names("i.day == x", {{"x", std::optional<date>{date{2020, 1, 31}}}}) == names{"a"});
  CHECK(f.names("i.day == x", {{"x", std::optional<date>{}}}) == names{"empty"});
  CHECK(f.names("i.moment == x", {{"x", std::optional<datetime>{}}}) == names{"empty"});
  CHECK(f.names("i.clock != x", {{"x", std::optional<time_of_day>{}}}) == names{"a", "b", "c"});
  CHECK(f.names("i.tag == x", {{"x", std::optional<uuid>{}}}) == names{"empty"});
  CHECK(f.names("i.blob == x", {{"x", std::optional<bytes>{}}}) == names{"empty"});
  CHECK(f.names("i.count == x", {{"x", std::optional<int>{2}}}) == names{"b"});
  CHECK(f.names("i.count == x", {{"x", std::optional<int>{}}}) == names{"empty"});
  CHECK(f.names("i.weight > x", {{"x", std::optional<double>{2.0}}}) == names{"b", "c"});
  CHECK(f.names("i.weight == x", {{"x", std::optional<double>{}}}) == names{"empty"});
  CHECK(f.names("i.note == x", {{"x", std::optional<std::string>{"z"}}}) == names{"c"});
  CHECK(f.names("i.note == x", {{"x", std::optional<std::string>{}}}) == names{"empty"});
  CHECK(f.names("i.note == x", {{"x", std::nullopt}}) == names{"empty"});
}

TEST_CASE("a decimal sum is exact: 100 x 0.10 is 10.00 on every provider", "[aggregates]") {
  fixture f;
  f.add_prices("dime", 100, decimal{"0.10"});
  const value sum = single_value(f.db, "sum(i.price) for i in Item");
  CHECK(sum.type() == value_type::decimal);
  CHECK(sum.as_text() == "10.00");
  db_session session{f.db};
  auto prices = select<decimal>("i.price for i in Item").without_distinct();
  CHECK(prices.sum() == value::typed(value_type::decimal, "10.00"));
  CHECK(decimal{prices.sum().as_text()} == decimal{10});
  CHECK(decimal{prices.avg().as_text()} == decimal{"0.10"});
}

TEST_CASE("decimal sums and averages: 3884.20, negatives, NULLs skipped, groups", "[aggregates]") {
  fixture f;
  // 3884.20 = 2 x 1234.56 + 1415.08, and cents that a double adds wrongly.
  {
    db_session session{f.db};
    for (const char* p : {"1234.56", "1234.56", "1415.08"}) {
      auto& item = Item::create();
      item.name = p;
      item.kind = "big";
      item.price = decimal{p};
    }
  }
  f.add_prices("neg", 3, decimal{"-0.35"});
  f.add_prices("null", 2, std::nullopt);
  f.add_prices("mixed", 1, decimal{"0.70"});
  f.add_prices("mixed", 1, std::nullopt);
  CHECK(decimal{single_value(f.db, "sum(i.price) for i in Item if i.kind == 'big'").as_text()} ==
        decimal{"3884.20"});
  CHECK(decimal{single_value(f.db, "sum(i.price) for i in Item if i.kind == 'neg'").as_text()} ==
        decimal{"-1.05"});
  CHECK(decimal{single_value(f.db, "avg(i.price) for i in Item if i.kind == 'neg'").as_text()} ==
        decimal{"-0.35"});
  // NULLs are skipped; a sum of nothing is 0 (Python's sum), an average of nothing None.
  CHECK(decimal{single_value(f.db, "sum(i.price) for i in Item if i.kind == 'mixed'").as_text()} ==
        decimal{"0.70"});
  CHECK(decimal{single_value(f.db, "avg(i.price) for i in Item if i.kind == 'mixed'").as_text()} ==
        decimal{"0.70"});
  CHECK(decimal{single_value(f.db, "sum(i.price) for i in Item if i.kind == 'null'").as_text()} ==
        decimal{0});
  CHECK(single_value(f.db, "avg(i.price) for i in Item if i.kind == 'null'").is_null());
  CHECK(single_value(f.db, "avg(i.price) for i in Item if i.kind == 'nothing'").is_null());
  db_session session{f.db};
  // A grouped result column, and the sum of a query.
  auto per_kind = select<std::tuple<std::string, decimal>>(
                      "(i.kind, sum(i.price)) for i in Item if i.kind in ('big', 'neg')")
                      .order_by("1")
                      .fetch();
  REQUIRE(per_kind.size() == 2);
  CHECK(std::get<1>(per_kind[0]) == decimal{"3884.20"});
  CHECK(std::get<1>(per_kind[1]) == decimal{"-1.05"});
  auto big = select<decimal>("i.price for i in Item if i.kind == 'big'").without_distinct();
  CHECK(decimal{big.sum().as_text()} == decimal{"3884.20"});
  CHECK(decimal{big.sum(true).as_text()} == decimal{"2649.64"});
  // 3884.20 / 3 = 1294.7333...: the scale is the provider's (SQLite: the column's + 4).
  CHECK(decimal{big.avg().as_text()}.round(4) == decimal{"1294.7333"});
  // Inside conditions the exact sum is a number: compared with a literal, a decimal parameter,
  // and as a nested generator.
  CHECK(f.names_of("i.kind for i in Item if sum(i.price) > 1000", {}) == names{"big"});
  CHECK(f.names_of("i.kind for i in Item if sum(i.price) < x", {{"x", decimal{"-1"}}}) ==
        names{"neg"});
  CHECK(f.names_of("i.kind for i in Item if sum(j.price for j in Item if j.kind == i.kind) == x",
                   {{"x", decimal{"3884.2"}}}) == names{"big"});
  CHECK(f.names_of("i.kind for i in Item if avg(i.price) > 0.5", {}) == names{"big", "mixed"});
}

TEST_CASE("an exact sum keeps digits a double cannot hold", "[aggregates]") {
  fixture f;
  {
    db_session session{f.db};
    for (int i = 0; i < 7; ++i) {
      auto& item = Item::create();
      item.name = "n" + std::to_string(i);
      item.kind = "fine";
      item.fine = decimal{"9999999.99999999"};  // 15 digits: what SQLite keeps
    }
  }
  // A double's sum prints 69999999.9999999 (15 digits).
  CHECK(decimal{single_value(f.db, "sum(i.fine) for i in Item").as_text()} ==
        decimal{"69999999.99999993"});
}
