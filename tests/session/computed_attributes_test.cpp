// Computed attributes and methods written in the query language: used inside queries (inlined
// where they appear, with the query around them out of their view), read on objects (through
// a query for that object), checked when the database is mapped, with errors that point into
// their declaration.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace session_test;

namespace {

struct Shop;
struct Item : entity<Item> {
  Req<std::string> name{"name"};
  Req<double> price{"price"};
  Req<std::int64_t> stock{"stock"};
  Single<Shop> shop{"shop"};
  Computed<double> value{"value", "self.price * self.stock"};
  Computed<bool> cheap{"cheap", "self.price < 10"};
  // Another computed attribute, through a reference.
  Computed<std::string> label{"label", "self.name + ' @ ' + self.shop.title"};
};

struct Shop : entity<Shop> {
  Req<std::string> title{"title"};
  Opt<std::string> city{"city", nullable};  // NULL when missing: the address is None
  Set<Item> items{"items"};
  Computed<std::string> address{"address", "self.title + ', ' + self.city"};
  Computed<std::int64_t> item_count{"item_count", "count(self.items)"};
  // Its loop variable `i` is its own: a query's `i` neither shadows it nor is shadowed.
  Method<std::int64_t(double)> items_under{
      "items_under", "lambda s, limit: count(i for i in s.items if i.price < limit)"};
  Method<bool(std::string, std::int64_t)> stocks{
      "stocks", "lambda s, name, n: exists(i for i in s.items if i.name == name and i.stock >= n)"};
  Computed<double> worth{"worth", "sum(i.value for i in self.items)"};
  Method<std::string(std::string)> joined{"joined", "lambda s, sep: s.title + sep + s.city"};
  Computed<std::string> shouted{"shouted", "lambda s: s.title.upper()"};
  Method<bool(nextorm::date, bool)> opened{"opened", "lambda s, day, flag: flag"};
};

// A subclass inherits its base's computed attributes and adds its own.
struct Vehicle : entity<Vehicle> {
  Req<std::string> make{"make"};
  Req<std::int64_t> wheels{"wheels"};
  Computed<std::string> describe{"describe", "self.make + ' on ' + str(self.wheels)"};
};
struct Truck : entity<Truck, Vehicle> {
  Req<std::int64_t> load{"load"};
  Computed<std::int64_t> per_wheel{"per_wheel", "self.load // self.wheels"};
};

class shops : public fresh_database<Item, Shop, Vehicle, Truck> {
 public:
  shops() : fresh_database{"computed"} {}

  void fill() {
    db_session session{db};
    Shop& corner = Shop::create({{"title", "Corner"}, {"city", "Oslo"}});
    Shop& market = Shop::create({{"title", "Market"}, {"city", "Bergen"}});
    (void)Shop::create({{"title", "Empty"}});
    (void)Item::create({{"name", "pen"}, {"price", 2.5}, {"stock", 10}, {"shop", corner}});
    (void)Item::create({{"name", "lamp"}, {"price", 30.0}, {"stock", 2}, {"shop", corner}});
    (void)Item::create({{"name", "rug"}, {"price", 80.0}, {"stock", 1}, {"shop", market}});
    (void)Vehicle::create({{"make", "Vespa"}, {"wheels", 2}});
    (void)Truck::create({{"make", "Volvo"}, {"wheels", 6}, {"load", 18}});
  }
};

template <class T>
std::vector<T> values(query<T> q) {
  std::vector<T> out;
  for (const auto& v : q.order_by("1").fetch()) out.push_back(v);
  return out;
}

std::vector<std::string> titles(query<Shop> q) {
  std::vector<std::string> out;
  for (const Shop& s : q.fetch()) out.push_back(s.title);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE_METHOD(shops, "a computed attribute is used in conditions, results and order",
                 "[computed]") {
  fill();
  db_session session{db};
  CHECK(values(select<std::string>("s.address for s in Shop if s.city")) ==
        std::vector<std::string>{"Corner, Oslo", "Market, Bergen"});
  CHECK(titles(select<Shop>("s for s in Shop if s.item_count == 2")) ==
        std::vector<std::string>{"Corner"});
  CHECK(titles(select<Shop>("s for s in Shop if s.item_count == 0")) ==
        std::vector<std::string>{"Empty"});
  CHECK(values(select<std::string>("i.name for i in Item if i.cheap")) ==
        std::vector<std::string>{"pen"});
  CHECK(values(select<std::string>("i.name for i in Item if not i.cheap")) ==
        std::vector<std::string>{"lamp", "rug"});
  // Through a reference, in the entity's own order_by and with Entity.attr.
  auto by_value = select<Item>("i for i in Item").order_by("desc(Item.value)").fetch();
  REQUIRE(by_value.size() == 3);
  CHECK(by_value[0].name.get() == "rug");
  CHECK(values(select<std::string>("i.label for i in Item if i.shop.title == 'Market'")) ==
        std::vector<std::string>{"rug @ Market"});
  // A computed attribute that uses another one.
  CHECK(values(select<double>("s.worth for s in Shop if s.title == 'Corner'")) ==
        std::vector<double>{85.0});
  // Of a collection's items.
  CHECK(titles(select<Shop>("s for s in Shop if 'pen @ Corner' in s.items.label")) ==
        std::vector<std::string>{"Corner"});
}

TEST_CASE_METHOD(shops, "a computed method takes arguments, constants or parameters",
                 "[computed]") {
  fill();
  db_session session{db};
  CHECK(titles(select<Shop>("s for s in Shop if s.items_under(50) == 2")) ==
        std::vector<std::string>{"Corner"});
  CHECK(titles(select<Shop>("s for s in Shop if s.items_under(limit) >= 1", {{"limit", 100.0}})) ==
        std::vector<std::string>{"Corner", "Market"});
  CHECK(titles(select<Shop>("s for s in Shop if s.stocks('pen', 5)")) ==
        std::vector<std::string>{"Corner"});
  // Keyword arguments by the lambda's names, as Python calls a method.
  CHECK(titles(select<Shop>("s for s in Shop if s.stocks(n=5, name='pen')")) ==
        std::vector<std::string>{"Corner"});
  CHECK(titles(select<Shop>("s for s in Shop if s.items_under(limit=50) == 2")) ==
        std::vector<std::string>{"Corner"});
  CHECK(titles(select<Shop>("s for s in Shop if not s.stocks(name, n)",
                            {{"name", "rug"}, {"n", 1}})) ==
        std::vector<std::string>{"Corner", "Empty"});
  // An argument that is an expression of the query, named like the method's own variable.
  CHECK(titles(select<Shop>("s for s in Shop for i in s.items if s.items_under(i.price) == 1")) ==
        std::vector<std::string>{"Corner"});
}

TEST_CASE_METHOD(shops, "a computed attribute is read on an object through a query", "[computed]") {
  fill();
  db_session session{db};
  Shop& corner = *Shop::get({{"title", "Corner"}});
  CHECK(corner.address.get() == "Corner, Oslo");
  CHECK(corner.item_count == 2);
  CHECK(corner.items_under(10.0) == 1);
  CHECK(corner.stocks("lamp", 2));
  CHECK_FALSE(corner.stocks("lamp", 3));
  CHECK(corner.worth.get() == Approx(85.0));
  // The session's own changes are flushed first: the value is the database's of them.
  corner.city = "Trondheim";
  (void)Item::create({{"name", "cup"}, {"price", 4.0}, {"stock", 3}, {"shop", corner}});
  CHECK(corner.address.get() == "Corner, Trondheim");
  CHECK(corner.items_under(10.0) == 2);
  // NULL: read() is empty, get() says so.
  Shop& empty = *Shop::get({{"title", "Empty"}});
  CHECK_FALSE(empty.address.read().has_value());
  CHECK(empty.address.value_or("?") == "?");
  CHECK_THROWS_WITH(empty.address.get(),
                    Catch::Contains("object.no_value") && Catch::Contains("Shop.address"));
  CHECK(Item::get({{"name", "pen"}})->value.get() == Approx(25.0));
  // A method's NULL.
  CHECK(corner.joined(" / ") == "Corner / Trondheim");
  CHECK_FALSE(empty.joined.read("-").has_value());
  CHECK_THROWS_WITH(empty.joined("-"), Catch::Contains("object.no_value"));
  CHECK(std::string{corner.shouted} == "CORNER");
  CHECK(corner.opened(nextorm::date{2024, 1, 31}, true));
}

TEST_CASE_METHOD(shops, "a computed member of an object no session made says so", "[computed]") {
  Shop loose;
  CHECK_THROWS_WITH(loose.address.get(), Catch::Contains("object.detached"));
}

TEST_CASE_METHOD(shops, "a subclass has its base's computed attributes and its own", "[computed]") {
  fill();
  db_session session{db};
  CHECK(values(select<std::string>("v.describe for v in Vehicle")) ==
        std::vector<std::string>{"Vespa on 2", "Volvo on 6"});
  CHECK(values(select<std::int64_t>("t.per_wheel for t in Truck")) == std::vector<std::int64_t>{3});
  Truck& t = *Truck::get({{"make", "Volvo"}});
  CHECK(t.describe.get() == "Volvo on 6");
  CHECK(t.per_wheel.get() == 3);
  Vehicle& v = *Vehicle::get({{"make", "Vespa"}});
  CHECK(v.describe.get() == "Vespa on 2");
}

TEST_CASE_METHOD(shops, "misused computed attributes are query errors that say how", "[computed]") {
  fill();
  db_session session{db};
  CHECK_THROWS_WITH(
      select<Shop>("s for s in Shop if s.items_under > 1").fetch(),
      Catch::Contains("type.computed_call") && Catch::Contains("call it with its arguments"));
  CHECK_THROWS_WITH(select<Shop>("s for s in Shop if s.item_count() > 1").fetch(),
                    Catch::Contains("type.not_callable"));
  CHECK_THROWS_WITH(select<Shop>("s for s in Shop if s.items_under(1, 2) > 1").fetch(),
                    Catch::Contains("type.arguments") && Catch::Contains("takes 1 argument"));
  CHECK_THROWS_WITH(select<Shop>("s for s in Shop if s.items_under('x') > 1").fetch(),
                    Catch::Contains("type.mismatch") && Catch::Contains("'limit'") &&
                        Catch::Contains("float") && Catch::Contains("str"));
  CHECK_THROWS_WITH(select<Shop>("s for s in Shop if s.items_under(limt=1) > 1").fetch(),
                    Catch::Contains("type.arguments") && Catch::Contains("did you mean 'limit'"));
  CHECK_THROWS_WITH(select<Shop>("s for s in Shop if s.stocks('x', name='y')").fetch(),
                    Catch::Contains("type.arguments") && Catch::Contains("'name' twice"));
  CHECK_THROWS_WITH(select<Shop>("s for s in Shop if s.stocks(n=1)").fetch(),
                    Catch::Contains("type.arguments") && Catch::Contains("'name' is missing"));
  CHECK_THROWS_WITH(select<Shop>("s for s in Shop if s.item_cuont > 1").fetch(),
                    Catch::Contains("did you mean 'item_count'"));
  // Of an object passed as a parameter: read inside the query, as the object's own.
  Shop& corner = *Shop::get({{"title", "Corner"}});
  CHECK(
      select<Item>("i for i in Item if i.price < s.worth", {{"s", corner}}).count() ==
      select<Item>("i for i in Item if i.price < worth", {{"worth", corner.worth.get()}}).count());
}

TEST_CASE_METHOD(shops, "a computed attribute's value does not outlive its session", "[computed]") {
  fill();
  nextorm::entity_ptr<Shop> kept;
  {
    db_session session{db};
    kept = Shop::get({{"title", "Corner"}});
  }
  CHECK_THROWS_WITH(kept->address.get(), Catch::Contains("session.over"));
}

namespace {

struct Bad : entity<Bad> {
  Req<std::string> name{"name"};
  Computed<std::int64_t> size{"size", "self.nmae + 1"};
};
struct Looping : entity<Looping> {
  Req<std::int64_t> n{"n"};
  Computed<std::int64_t> a{"a", "self.b + 1"};
  Computed<std::int64_t> b{"b", "self.a"};
};
struct Mistyped : entity<Mistyped> {
  Req<std::string> name{"name"};
  Computed<std::int64_t> size{"size", "self.name"};
};
struct Unparsable : entity<Unparsable> {
  Req<std::string> name{"name"};
  Method<bool(std::string)> named{"named", "lambda u, x: u.name == "};
};
struct NoLambda : entity<NoLambda> {
  Req<std::string> name{"name"};
  Method<bool(std::string)> named{"named", "self.name == x"};
};

// A subclass whose own member takes a computed name of its base.
struct Bike : entity<Bike, Vehicle> {
  Computed<std::string> describe{"describe", "self.make"};
};

template <class E>
void map_alone() {
  database db;
  db.bind(nextorm::testing::fresh_database_url("computed_bad"));
  db.generate_mapping<E>({.create_tables = false});
}

}  // namespace

TEST_CASE("a computed attribute's text is checked when the database is mapped", "[computed]") {
  CHECK_THROWS_WITH(map_alone<Bad>(), Catch::Contains("unknown_name.attribute") &&
                                          Catch::Contains("did you mean 'name'") &&
                                          Catch::Contains("computed attribute Bad.size") &&
                                          Catch::Contains("self.nmae + 1"));
  CHECK_THROWS_WITH(map_alone<Looping>(), Catch::Contains("schema.computed_cycle"));
  CHECK_THROWS_WITH(map_alone<Mistyped>(), Catch::Contains("type.computed") &&
                                               Catch::Contains("declared int") &&
                                               Catch::Contains("gives str"));
  CHECK_THROWS_WITH(map_alone<Unparsable>(),
                    Catch::Contains("syntax.") && Catch::Contains("Unparsable.named"));
  CHECK_THROWS_WITH(map_alone<NoLambda>(),
                    Catch::Contains("schema.computed") && Catch::Contains("lambda"));
  auto map_bike = [] {
    database db;
    db.generate_mapping<Vehicle, Bike>();
  };
  CHECK_THROWS_WITH(map_bike(),
                    Catch::Contains("schema.duplicate_attribute") && Catch::Contains("describe"));
}

TEST_CASE("computed attributes are written to the JSON schema and read back", "[computed]") {
  database db;
  db.generate_mapping<Item, Shop, Vehicle, Truck>();
  const std::string json = db.schema().to_json();
  CHECK_THAT(json, Catch::Contains("\"kind\": \"Method\"") && Catch::Contains("\"params\": [\n") &&
                       Catch::Contains("\"text\": \"count(self.items)\""));
  registry back;
  back.load_json_text(json);
  back.finalize();
  const computed_info* stocks = back.get("Shop").find_computed("stocks");
  REQUIRE(stocks != nullptr);
  CHECK(stocks->params == std::vector<value_type>{value_type::text, value_type::integer});
  CHECK(stocks->type == value_type::boolean);
  // A subclass writes only its own; it still has its base's.
  CHECK(back.get("Truck").computed.size() == 1);
  CHECK(back.get("Truck").find_computed("describe") != nullptr);
  CHECK(back.to_json() == json);
}

TEST_CASE("objects of a JSON schema's entity with computed attributes are read like any",
          "[computed]") {
  const std::string url = nextorm::testing::fresh_database_url("computed_json");
  {
    database db;
    db.schema().load_json_text(R"j({"entities":[{"name":"Note","attrs":[
      {"name":"text","kind":"Req","type":"str"},
      {"name":"shout","kind":"Computed","type":"str","text":"self.text.upper()"}]}]})j");
    db.bind(url);
    db.generate_mapping({.create_tables = true});
    auto raw = nextorm::testing::raw_connection(url);
    const auto& d = db.impl().dialect();
    (void)raw->execute("INSERT INTO " + d.quote(db.schema().get("Note").table) + " (" +
                           d.quote("text") + ") VALUES (" + d.placeholder(0) + ")",
                       std::vector<value>{value{"hi"}});
    db_session session{db};
    const auto rows = select("(n, n.shout) for n in Note").fetch();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0][1] == value{"HI"});
  }
  nextorm::testing::discard_database(url);
}

namespace {

// Computed values that are objects and collections (PonyORM's hybrid methods that return
// entities or queries).
struct Book;
struct Author : entity<Author> {
  Req<std::string> name{"name"};
  Set<Book> books{"books"};
  Computed<Set<Book>> long_books{"long_books", "b for b in self.books if b.pages > 300"};
  Method<Set<Book>(std::int64_t)> books_after{
      "books_after", "lambda a, year: (b for b in a.books if b.year > year)"};
};
struct Book : entity<Book> {
  Req<std::string> title{"title"};
  Req<std::int64_t> pages{"pages"};
  Req<std::int64_t> year{"year"};
  Single<Author> author{"author"};
  Single<Book> sequel_of{"sequel_of", optional, reverse{"sequels"}};
  Set<Book> sequels{"sequels", reverse{"sequel_of"}};
  Computed<Author> writer{"writer", "self.author"};
  Computed<Book> prequel{"prequel", "self.sequel_of"};
  Method<Author(std::int64_t)> writer_if_longer{
      "writer_if_longer", "lambda b, pages: b.author if b.pages > pages else None"};
};

class library : public fresh_database<Author, Book> {
 public:
  library() : fresh_database{"computed_objects"} {
    db_session session{db};
    Author& ann = Author::create({{"name", "Ann"}});
    Author& bob = Author::create({{"name", "Bob"}});
    Book& first =
        Book::create({{"title", "Dawn"}, {"pages", 420}, {"year", 1999}, {"author", ann}});
    (void)Book::create(
        {{"title", "Noon"}, {"pages", 150}, {"year", 2004}, {"author", ann}, {"sequel_of", first}});
    (void)Book::create({{"title", "Dusk"}, {"pages", 610}, {"year", 2011}, {"author", ann}});
    (void)Book::create({{"title", "Rain"}, {"pages", 90}, {"year", 2001}, {"author", bob}});
  }
};

std::vector<std::string> book_titles(query<Book> q) {
  std::vector<std::string> out;
  for (const Book& b : q) out.push_back(b.title);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE_METHOD(library, "a computed object or collection is read on an object as one",
                 "[computed]") {
  db_session session{db};
  Author& ann = *Author::get({{"name", "Ann"}});
  CHECK(book_titles(ann.long_books.get()) == std::vector<std::string>{"Dawn", "Dusk"});
  CHECK(ann.long_books.get().count() == 2);
  CHECK(book_titles(ann.long_books.get().filter("lambda b: b.year > 2000")) ==
        std::vector<std::string>{"Dusk"});
  CHECK(book_titles(ann.books_after(2000)) == std::vector<std::string>{"Dusk", "Noon"});
  CHECK(ann.books_after(2020).count() == 0);
  Book& noon = *Book::get({{"title", "Noon"}});
  CHECK(noon.writer.get().get() == &ann);  // the session's object
  CHECK(noon.prequel.get()->title.get() == "Dawn");
  CHECK(Book::get({{"title", "Dawn"}})->prequel.get() == nullptr);  // None
  CHECK(noon.writer_if_longer(100).get() == &ann);
  CHECK(noon.writer_if_longer(200) == nullptr);
  // The session's changes are written first, as for any query.
  (void)Book::create({{"title", "Dust"}, {"pages", 999}, {"year", 2020}, {"author", ann}});
  CHECK(ann.long_books.get().count() == 3);
}

TEST_CASE_METHOD(library, "computed objects and collections are used in queries", "[computed]") {
  db_session session{db};
  CHECK(Author::select("count(a.long_books) > 0").count() == 1);
  CHECK(book_titles(nextorm::select<Book>("b for a in Author for b in a.books_after(2000)")) ==
        std::vector<std::string>{"Dusk", "Noon", "Rain"});
  CHECK(book_titles(Book::select("b.writer.name == 'Bob'")) == std::vector<std::string>{"Rain"});
  CHECK(book_titles(Book::select("b.prequel.title == 'Dawn'")) == std::vector<std::string>{"Noon"});
  CHECK(book_titles(Book::select("b in b.author.long_books")) ==
        std::vector<std::string>{"Dawn", "Dusk"});
}

TEST_CASE("computed objects and collections are written to the JSON schema", "[computed]") {
  database db;
  db.generate_mapping<Author, Book>();
  const auto doc = nlohmann::json::parse(db.schema().to_json());
  nlohmann::json long_books, writer;
  for (const auto& e : doc["entities"]) {
    for (const auto& a : e["attrs"]) {
      if (a["name"] == "long_books") long_books = a;
      if (a["name"] == "writer") writer = a;
    }
  }
  CHECK(long_books["type"] == "Book");
  CHECK(long_books["many"] == true);
  CHECK(writer["type"] == "Author");
  CHECK_FALSE(writer.contains("many"));
}
