// A flush of many new objects: the objects of one entity go in multi-row INSERTs (PostgreSQL,
// MariaDB 10.5+, SQLite 3.35+), yet every object gets its own key, references hold the keys of
// what they refer to, a hierarchy's rows keep their classes, and a refused row writes nothing at
// all.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace session_test;

namespace {

struct Employee : entity<Employee> {
  Req<std::string> name{"name"};
  Single<Employee> manager{"manager", optional};
  Set<Employee> reports{"reports"};
};

struct Shape : entity<Shape> {
  Req<std::string> label{"label"};
};
struct Circle : entity<Circle, Shape> {
  Req<double> radius{"radius"};
};
struct Square : entity<Square, Shape> {
  Req<double> side{"side"};
  Opt<std::string> colour{"colour"};
};

// Keys the program gives: a composite key of two integers, and a version attribute.
struct Cell : entity<Cell> {
  Req<std::int64_t> row{"row"};
  Req<std::int64_t> col{"col"};
  Opt<std::string> text{"text"};
  Opt<double> weight{"weight"};
  Req<std::int64_t> version{"version", row_version};
  [[no_unique_address]] nextorm::primary_key pk{row, col};
};

struct Entry : entity<Entry> {
  Req<std::string> title{"title"};
  void after_insert() { ++inserted(); }
  static int& inserted() {
    static int n = 0;
    return n;
  }
};

}  // namespace

TEST_CASE(
    "many new objects get distinct keys in the order they were made, and references hold "
    "them",
    "[batched_inserts]") {
  temp_database t;
  constexpr int categories = 37;
  constexpr int per_category = 41;  // 1,517 products: more than one statement's rows
  sql_capture sql{t.db};
  {
    db_session session{t.db};
    for (int c = 0; c < categories; ++c) {
      auto& category = Category::create({{"name", "c" + std::to_string(c)}});
      for (int p = 0; p < per_category; ++p) {
        const std::string name = "c" + std::to_string(c) + "p" + std::to_string(p);
        auto& product = Product::create({{"name", name}, {"price", c + p / 100.0}, {"sku", name}});
        product.category = category;
        // Every third has a summary, every fifth a stock: rows with and without NULLs mixed.
        if (p % 3 == 0) product.summary = "s" + name;
        if (p % 5 == 0) product.stock = p;
      }
    }
  }
  // 37 categories and 1,517 products: statements of 1,024, 256, 128, ... rows.
  CHECK(sql.count("INSERT") <= 12);
  db_session session{t.db};
  const auto products = select<Product>("p for p in Product").order_by("p.id").fetch();
  REQUIRE(products.size() == static_cast<std::size_t>(categories * per_category));
  for (std::size_t i = 0; i < products.size(); ++i) {
    const Product& p = products[i];
    const int c = static_cast<int>(i) / per_category;
    const int n = static_cast<int>(i) % per_category;
    const std::string name = "c" + std::to_string(c) + "p" + std::to_string(n);
    INFO(name);
    REQUIRE(p.name.get() == name);
    CHECK(p.key().as_int() == static_cast<std::int64_t>(i) + 1);
    CHECK(p.category.get()->name.get() == "c" + std::to_string(c));
    CHECK(p.category.get()->key().as_int() == c + 1);
    CHECK(p.summary.get() == (n % 3 == 0 ? "s" + name : ""));  // PonyORM's '' for none
    CHECK(p.stock.optional() == (n % 5 == 0 ? std::optional<std::int64_t>{n} : std::nullopt));
  }
}

TEST_CASE("the objects of a flush are in the identity map under the keys the database made",
          "[batched_inserts]") {
  temp_database t;
  db_session session{t.db};
  std::vector<Category*> made;
  for (int i = 0; i < 300; ++i) {
    made.push_back(&Category::create({{"name", "k" + std::to_string(i)}}));
  }
  session.flush();
  for (int i = 0; i < 300; ++i) {
    CHECK(made[static_cast<std::size_t>(i)]->key().as_int() == i + 1);
    CHECK(&Category::at(i + 1) == made[static_cast<std::size_t>(i)]);
  }
  // Changed after the flush: an UPDATE of the object the batch inserted.
  made[7]->name = "seven";
  session.commit();
  CHECK(select<Category>("c for c in Category if c.name == 'seven'").fetch()[0].key().as_int() ==
        8);
}

TEST_CASE("a refused row in the middle of a batch writes nothing of the session",
          "[batched_inserts]") {
  temp_database t;
  {
    db_session session{t.db};
    (void)Category::create({{"name", "kept"}});
  }
  auto flush_with_duplicate = [&] {
    db_session session{t.db};
    for (int i = 0; i < 500; ++i) {
      // The 250th repeats the name of the one committed before: a unique violation.
      (void)Category::create({{"name", i == 250 ? std::string{"kept"} : "n" + std::to_string(i)}});
    }
  };
  CHECK_THROWS_AS(flush_with_duplicate(), integrity_error);
  CHECK(t.count("Category") == 1);
  db_session session{t.db};
  CHECK(Category::select().count() == 1);
}

TEST_CASE("a chain of new objects that refer to each other is inserted from its end, however long",
          "[batched_inserts]") {
  fresh_database<Employee> t{"chain"};
  constexpr int length = 3000;
  {
    db_session session{t.db};
    // Made boss-last: each employee refers to one made after it, so the order of creation
    // cannot be the order of the inserts.
    std::vector<Employee*> chain;
    for (int i = 0; i < length; ++i) {
      chain.push_back(&Employee::create({{"name", "e" + std::to_string(i)}}));
    }
    for (int i = 0; i + 1 < length; ++i) {
      chain[static_cast<std::size_t>(i)]->manager = *chain[static_cast<std::size_t>(i + 1)];
    }
  }
  db_session session{t.db};
  REQUIRE(Employee::select().count() == length);
  // The last made is the top: it was inserted first.
  const auto top = select<Employee>("e for e in Employee if e.manager is None").fetch();
  REQUIRE(top.size() == 1);
  CHECK(top[0].name.get() == "e" + std::to_string(length - 1));
  CHECK(top[0].key().as_int() == 1);
  const auto managed = select<std::int64_t>(
                           "count(e) for e in Employee if e.manager and "
                           "e.manager.name == 'e' + str(int(e.name[1:]) + 1)")
                           .fetch();
  CHECK(managed[0] == length - 1);
}

TEST_CASE("objects that refer to each other in a cycle are refused before anything is written",
          "[batched_inserts]") {
  fresh_database<Employee> t{"cycle"};
  auto cycle = [&] {
    db_session session{t.db};
    (void)Employee::create({{"name", "free"}});
    auto& a = Employee::create({{"name", "a"}});
    auto& b = Employee::create({{"name", "b"}});
    a.manager = b;
    b.manager = a;
  };
  CHECK_THROWS_WITH(cycle(), Catch::Contains("refer to each other in a cycle"));
  CHECK(t.count("Employee") == 0);
  // One that refers to itself is a cycle too.
  auto self = [&] {
    db_session session{t.db};
    auto& a = Employee::create({{"name", "a"}});
    a.manager = a;
  };
  CHECK_THROWS_WITH(self(), Catch::Contains("refer to each other in a cycle"));
}

TEST_CASE("new objects of several classes of a hierarchy keep their classes and their order",
          "[batched_inserts]") {
  fresh_database<Shape, Circle, Square> t{"shapes"};
  {
    db_session session{t.db};
    for (int i = 0; i < 600; ++i) {
      const std::string label = "s" + std::to_string(i);
      switch (i % 5) {
        case 0: (void)Shape::create({{"label", label}}); break;
        case 1:
        case 2: (void)Circle::create({{"label", label}, {"radius", i * 0.5}}); break;
        default:
          auto& s = Square::create({{"label", label}, {"side", i * 2.0}});
          if (i % 2 == 0) s.colour = "red";
      }
    }
  }
  db_session session{t.db};
  const auto shapes = select<Shape>("s for s in Shape").order_by("s.id").fetch();
  REQUIRE(shapes.size() == 600);
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const Shape& s = shapes[i];
    INFO(i);
    CHECK(s.label.get() == "s" + std::to_string(i));
    CHECK(s.key().as_int() == static_cast<std::int64_t>(i) + 1);
    if (i % 5 == 1 || i % 5 == 2) {
      const auto* c = dynamic_cast<const Circle*>(&s);
      REQUIRE(c != nullptr);
      CHECK(c->radius.get() == static_cast<double>(i) * 0.5);
    } else if (i % 5 != 0) {
      const auto* q = dynamic_cast<const Square*>(&s);
      REQUIRE(q != nullptr);
      CHECK(q->side.get() == static_cast<double>(i) * 2.0);
      CHECK(q->colour.has_value() == (i % 2 == 0));
    } else {
      CHECK(dynamic_cast<const Circle*>(&s) == nullptr);
      CHECK(dynamic_cast<const Square*>(&s) == nullptr);
    }
  }
}

TEST_CASE("objects whose keys the program gives are inserted in batches too, versions at 1",
          "[batched_inserts]") {
  fresh_database<Cell> t{"cells"};
  sql_capture sql{t.db};
  {
    db_session session{t.db};
    for (int r = 0; r < 40; ++r) {
      for (int c = 0; c < 40; ++c) {
        auto& cell = Cell::create({{"row", r}, {"col", c}});
        if ((r + c) % 4 == 0) cell.text = "t" + std::to_string(r * 40 + c);
        if ((r + c) % 7 == 0) cell.weight = r / 7.0;
      }
    }
  }
  CHECK(sql.count("INSERT") <= 6);
  db_session session{t.db};
  CHECK(Cell::select().count() == 1600);
  const Cell& cell = Cell::at({std::int64_t{12}, std::int64_t{0}});
  CHECK(cell.text.get() == "t480");
  CHECK(cell.version.get() == 1);
  CHECK(Cell::at({std::int64_t{12}, std::int64_t{1}}).text.get().empty());  // PonyORM's ''
  CHECK(Cell::at({std::int64_t{14}, std::int64_t{0}}).weight.get() == 2.0);
}

TEST_CASE("the after_insert hook of every object of a batch is called once", "[batched_inserts]") {
  fresh_database<Entry> t{"entries"};
  Entry::inserted() = 0;
  {
    db_session session{t.db};
    for (int i = 0; i < 700; ++i) (void)Entry::create({{"title", "e" + std::to_string(i)}});
  }
  CHECK(Entry::inserted() == 700);
  CHECK(t.count("Entry") == 700);
}

TEST_CASE("objects removed unread are deleted a few hundred at a time, read ones alone",
          "[batched_inserts]") {
  fresh_database<Entry> t{"removals"};
  {
    db_session session{t.db};
    for (int i = 0; i < 600; ++i) (void)Entry::create({{"title", "e" + std::to_string(i)}});
  }
  sql_capture sql{t.db};
  {
    db_session session{t.db};
    const auto entries = select<Entry>("e for e in Entry").order_by("e.id").fetch();
    // One of them read: its DELETE checks the title it read.
    CHECK(entries[300].title.get() == "e300");
    for (const Entry& e : entries) const_cast<Entry&>(e).remove();
  }
  // 300 before it (256 + 32 + 8 + 4), itself, 299 after it (256 + 32 + 8 + 2 + 1).
  CHECK(sql.count("DELETE") == 10);
  CHECK(t.count("Entry") == 0);
}
