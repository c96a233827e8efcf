// Objects as JSON (PonyORM's to_dict: only, exclude, with_collections, with_lazy,
// related_objects) and objects made or changed from JSON, every value checked; obj.set().
#include "session_fixture.hpp"

#include <nextorm/json.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace session_test;
using nlohmann::json;

namespace {

struct Author;
struct Book : entity<Book> {
  Req<std::string> title{"title"};
  Req<decimal> price{"price", decimal_digits{10, 2}};
  Opt<date> published{"published"};
  Opt<std::string> blurb{"blurb", long_str};
  Opt<json> extra{"extra"};
  Single<Author> author{"author", optional};
};
struct Author : entity<Author> {
  Req<std::string> name{"name"};
  Opt<bool> active{"active"};
  Set<Book> books{"books"};
};

class library : public fresh_database<Book, Author> {
 public:
  library() : fresh_database{"object_json"} {
    db_session session{db};
    Author& ann = Author::create({{"name", "Ann"}, {"active", true}});
    (void)Book::create({{"title", "First"},
                        {"price", decimal{"9.90"}},
                        {"published", date{2020, 1, 31}},
                        {"blurb", "long text"},
                        {"extra", json{{"tags", {"a", "b"}}}},
                        {"author", &ann}});
    (void)Book::create({{"title", "Second"}, {"price", decimal{"12"}}});
  }
};

}  // namespace

TEST_CASE_METHOD(library, "to_json gives PonyORM's to_dict as JSON", "[json][to_json]") {
  db_session session{db};
  Book& first = *Book::get({{"title", "First"}});
  json whole = to_json(first);
  // (SQLite stores a decimal as a number: 9.90 reads back as 9.9.)
  CHECK(decimal{whole["price"].get<std::string>()} == decimal{"9.90"});
  whole.erase("price");
  CHECK(whole == json{{"id", 1},
                      {"title", "First"},
                      {"published", "2020-01-31"},
                      {"extra", {{"tags", {"a", "b"}}}},
                      {"author", 1}});
  CHECK(to_json(first, {.with_lazy = true})["blurb"] == "long text");
  CHECK(to_json(first, {.only = {"title", "blurb"}}) ==
        json{{"title", "First"}, {"blurb", "long text"}});
  CHECK(to_json(first, {.exclude = {"extra", "published", "price"}}) ==
        json{{"id", 1}, {"title", "First"}, {"author", 1}});
  Author& ann = *first.author;
  CHECK(to_json(ann) == json{{"id", 1}, {"name", "Ann"}, {"active", true}});
  CHECK(to_json(ann, {.with_collections = true})["books"] == json{1});
  CHECK(to_json(ann, {.only = {"books"}}) == json{{"books", {1}}});
  const json nested = to_json(ann, {.with_collections = true, .related_objects = true});
  CHECK(nested["books"][0]["title"] == "First");
  CHECK(to_json(first, {.related_objects = true})["author"]["name"] == "Ann");
  CHECK(to_json(*Book::get({{"title", "Second"}}), {.related_objects = true})["author"].is_null());
  CHECK_THROWS_WITH(to_json(first, {.only = {"titel"}}),
                    Catch::StartsWith("object.unknown_attribute: only: Book has no attribute "
                                      "'titel'") &&
                        Catch::Contains("did you mean 'title'"));
  CHECK_THROWS_WITH(to_json(first, {.exclude = {"nope"}}), Catch::Contains("exclude:"));
  // A new object is flushed first: its key is known.
  Book& third = Book::create({{"title", "Third"}, {"price", decimal{"1"}}});
  CHECK(to_json(third)["id"] == 3);
}

TEST_CASE_METHOD(library, "objects are made and changed from JSON, each value checked",
                 "[json][from_json]") {
  {
    db_session session{db};
    Book& b = create_from_json<Book>(json::parse(R"({"title": "Fourth", "price": "5.25",
        "published": "2021-12-24", "author": 1, "extra": [1, 2]})"));
    CHECK(b.author->name.get() == "Ann");
    CHECK(b.price.get() == decimal{"5.25"});
    CHECK(b.published.get() == date{2021, 12, 24});
    update_from_json(b, json::parse(R"({"title": "Fourth, revised", "author": null})"));
    CHECK(b.author.get() == nullptr);
    Author& bob = create_from_json<Author>(json::parse(R"({"name": "Bob", "books": [1, 2]})"));
    CHECK(bob.books.size() == 2);
    update_from_json(bob, json::parse(R"({"books": [2]})"));
    CHECK(bob.books.size() == 1);
  }
  db_session session{db};
  CHECK(Book::get({{"title", "Fourth, revised"}})->extra.get() == json{1, 2});
  CHECK(Author::get({{"name", "Bob"}})->books.size() == 1);
  CHECK_THROWS_WITH(create_from_json<Book>(json::parse(R"({"title": 7, "price": "1"})")),
                    Catch::Contains("Book.title takes a string, not the JSON 7"));
  CHECK_THROWS_WITH(create_from_json<Book>(json::parse(R"({"titel": "x"})")),
                    Catch::Contains("did you mean 'title'"));
  CHECK_THROWS_WITH(create_from_json<Book>(json::parse(R"({"title": "x", "price": 1.5})")),
                    Catch::Contains("a decimal as a string"));
  CHECK_THROWS_WITH(create_from_json<Book>(
                        json::parse(R"({"title": "x", "price": "1", "published": "2021-13-01"})")),
                    Catch::Contains("value."));
  CHECK_THROWS_WITH(create_from_json<Author>(json::parse(R"({"name": "x", "active": 1})")),
                    Catch::Contains("true or false"));
  CHECK_THROWS_WITH(create_from_json<Author>(json::parse(R"({"name": "x", "books": 2})")),
                    Catch::Contains("an array of keys"));
  CHECK_THROWS_WITH(create_from_json<Author>(json::parse(R"(["name"])")),
                    Catch::Contains("a JSON object"));
  CHECK_THROWS_AS(
      create_from_json<Book>(json::parse(R"({"title": "x", "price": "1", "author": 99})")),
      object_not_found);
}

TEST_CASE_METHOD(library, "obj.set changes several attributes at once", "[set]") {
  {
    db_session session{db};
    Book& b = *Book::get({{"title", "Second"}});
    b.set({{"title", "Second edition"}, {"price", decimal{"13.50"}}, {"author", 1}});
    CHECK_THROWS_WITH(b.set({{"nope", 1}}), Catch::StartsWith("object.unknown_attribute"));
    Author& ann = *b.author;
    CHECK_THROWS_WITH(ann.set({{"books", 1}}),
                      Catch::Contains("Author.books takes a list of Book"));
    CHECK_THROWS_WITH(ann.set({{"books", std::vector<param_value>{param_value{}}}}),
                      Catch::Contains("Author.books takes a list of Book"));
  }
  db_session session{db};
  Book& b = *Book::get({{"title", "Second edition"}});
  CHECK(b.price.get() == decimal{"13.50"});
  CHECK(b.author->name.get() == "Ann");
}

namespace {

struct Shelf;
struct Every : entity<Every> {
  Opt<std::int64_t> i{"i"};
  Opt<double> r{"r"};
  Opt<bool> b{"b"};
  Opt<std::string> s{"s"};
  Opt<decimal> d{"d"};
  Opt<date> day{"day"};
  Opt<datetime> at{"at"};
  Opt<std::chrono::microseconds> span{"span"};
  Opt<nextorm::uuid> u{"u"};
  Opt<json> j{"j"};
  Single<Shelf> shelf{"shelf", optional};
};
struct Shelf : entity<Shelf> {
  Req<std::string> room{"room"};
  Req<std::int64_t> number{"number"};
  Set<Every> everything{"everything"};
  [[no_unique_address]] nextorm::primary_key pk{room, number};
};

class every_type : public fresh_database<Every, Shelf> {
 public:
  every_type() : fresh_database{"json_types"} {}
};

}  // namespace

TEST_CASE_METHOD(every_type, "each value type goes to JSON and comes back from it", "[json]") {
  db_session session{db};
  (void)Shelf::create({{"room", "a"}, {"number", 2}});
  session.flush();  // (found by its key once stored)
  const json in = json::parse(R"({"i": -9223372036854775808, "r": 2.5, "b": false, "s": "x",
      "d": 12, "day": "2024-02-29", "at": "2024-02-29 10:11:12.5", "span": 90.5,
      "u": "0f8fad5b-d9cb-469f-a165-70867728950e", "j": {"k": [1, null]}, "shelf": ["a", 2]})");
  Every& e = create_from_json<Every>(in);
  const json out = to_json(e);
  CHECK(out["i"] == in["i"]);
  CHECK(out["r"] == 2.5);
  CHECK(out["b"] == false);
  CHECK(decimal{out["d"].get<std::string>()} == decimal{"12"});
  CHECK(out["day"] == "2024-02-29");
  CHECK(datetime{out["at"].get<std::string>()} == datetime{"2024-02-29 10:11:12.5"});
  CHECK(out["span"] == 90.5);
  CHECK(out["u"] == in["u"]);
  CHECK(out["j"] == in["j"]);
  CHECK(out["shelf"] == json{"a", 2});
  CHECK(out["s"] == "x");
  // Nulls and the refusals, type by type.
  update_from_json(e, json::parse(R"({"i": null, "shelf": null, "r": 3})"));
  CHECK_FALSE(e.i.has_value());
  CHECK(e.shelf.get() == nullptr);
  CHECK(e.r.get() == 3.0);
  const std::vector<std::pair<std::string, std::string>> refused = {
      {R"({"i": 1.5})", "Every.i takes an integer"},
      {R"({"i": 18446744073709551615})", "an integer of 64 bits"},
      {R"({"r": "1"})", "Every.r takes a number"},
      {R"({"b": "yes"})", "true or false"},
      {R"({"d": true})", "a decimal as a string"},
      {R"({"span": "1h"})", "a number of seconds"},
      {R"({"day": 20240229})", "Every.day takes a string"},
      {R"({"shelf": "a"})", "takes the key of a Shelf, an array of 2 values"},
      {R"({"shelf": ["a"]})", "an array of 2 values"},
      {R"({"shelf": ["a", "two"]})", "Shelf.number takes an integer"},
  };
  for (const auto& [text, message] : refused) {
    INFO(text);
    CHECK_THROWS_WITH(update_from_json(e, json::parse(text)), Catch::Contains(message));
  }
  CHECK(e.d.get() == decimal{"12"});
  update_from_json(e, json::parse(R"({"shelf": ["a", 2]})"));
  CHECK(to_json(*Shelf::get({{"room", "a"}}), {.with_collections = true})["everything"] ==
        json::array({e.key().as_int()}));
}
