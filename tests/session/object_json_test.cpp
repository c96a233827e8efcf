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
  }
  db_session session{db};
  Book& b = *Book::get({{"title", "Second edition"}});
  CHECK(b.price.get() == decimal{"13.50"});
  CHECK(b.author->name.get() == "Ann");
}
