// Entities keyed by uuid, the key made by create() (PonyORM's `PrimaryKey(UUID, default=uuid4)`,
// and time-ordered uuid7 keys): known before the insert, stored, found again, referenced.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

using namespace session_test;

namespace {

struct Chapter;

struct Book : entity<Book> {
  PK<uuid> id{"id", generate{key_generator::uuid7}};
  Req<std::string> title{"title"};
  Set<Chapter> chapters{"chapters"};
  Set<Book> related{"related", reverse{"related"}};  // symmetric, between uuid keys
};

struct Chapter : entity<Chapter> {
  PK<uuid> code{"code", generate{key_generator::uuid4}};
  Req<std::int64_t> number{"number"};
  Single<Book> book{"book"};
  Opt<uuid> ref{"ref", generate{key_generator::uuid4}};  // not a key: generated all the same
};

class library {
 public:
  library() : m_url{nextorm::testing::fresh_database_url("uuid_keys_" + std::to_string(++runs()))} {
    db.bind(m_url);
    db.generate_mapping<Book, Chapter>({.create_tables = true});
  }
  ~library() { nextorm::testing::discard_database(m_url); }
  library(const library&) = delete;
  library& operator=(const library&) = delete;

  database db;

 private:
  static int& runs() {
    static int n = 0;
    return n;
  }
  std::string m_url;
};

}  // namespace

TEST_CASE("a generated uuid key is made by create() and found again after the commit",
          "[uuid_keys]") {
  library l;
  uuid book_key;
  uuid chapter_key;
  {
    db_session session{l.db};
    Book& book = Book::create({{"title", "Dune"}});
    book_key = book.id.get();
    CHECK(book_key != uuid{});
    CHECK(book.key() == value::typed(value_type::uuid, to_string(book_key)));
    Chapter& one = Chapter::create({{"number", 1}, {"book", book}});
    chapter_key = one.code.get();
    CHECK(one.ref.get() != chapter_key);
    // A key the program gives wins over the generated one.
    const uuid given{"6ba7b810-9dad-11d1-80b4-00c04fd430c8"};
    Chapter& two = Chapter::create({{"number", 2}, {"book", book}, {"code", given}});
    CHECK(two.code.get() == given);
    Book& other = Book::create({{"title", "Emma"}});
    book.related.add(other);
  }
  db_session session{l.db};
  Book& book = Book::at(value::typed(value_type::uuid, to_string(book_key)));
  CHECK(book.title.get() == "Dune");
  CHECK(book.chapters.size() == 2);
  CHECK(book.related.size() == 1);
  CHECK(book.related.begin()->title.get() == "Emma");
  Chapter* one = Chapter::get("c.code == k", {{"k", chapter_key}});
  REQUIRE(one != nullptr);
  CHECK(one->number.get() == 1);
  CHECK(&one->book.get()->title == &book.title);
  CHECK(select<std::string>("c.book.title for c in Chapter if c.number == 2").first() == "Dune");
  CHECK(Chapter::select("c.book == b", {{"b", book}}).count() == 2);
}

TEST_CASE("uuid7 keys made in sequence sort in that order in the database", "[uuid_keys]") {
  library l;
  {
    db_session session{l.db};
    for (int i = 0; i < 20; ++i) (void)Book::create({{"title", std::to_string(100 + i)}});
  }
  db_session session{l.db};
  std::vector<std::string> titles;
  for (Book& b : Book::select().order_by("b.id")) titles.push_back(b.title.get());
  REQUIRE(titles.size() == 20);
  CHECK(std::is_sorted(titles.begin(), titles.end()));
}
