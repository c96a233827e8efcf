// generate_mapping({.create_tables = true}) on a database that already holds some of the schema,
// on each provider (NEXTORM_PROVIDER): only what is missing is created, as PonyORM does.
#include <nextorm/nextorm.hpp>

#include "migrate/create_missing.hpp"
#include "migrate/ddl.hpp"
#include "session/database_impl.hpp"
#include "test_databases.hpp"

#include <catch2/catch.hpp>

#include <cctype>
#include <string>

using namespace nextorm;

namespace {

struct Book;

struct Author : entity<Author> {
  Req<std::string> name{"name", 40, indexed};
  Set<Book> books{"books"};
};

struct Book : entity<Book> {
  Req<std::string> title{"title", 40};
  Single<Author> author{"author"};
};

// Not in the first version of the schema.
struct Review : entity<Review> {
  Req<std::string> text{"text", 40};
  Req<std::int64_t> stars{"stars"};
};

std::string fresh() {
  static int n = 0;
  return testing::fresh_database_url("create_missing_" + std::to_string(++n));
}

// The first column of the first row of `sql`.
std::string scalar(const std::string& url, const std::string& sql) {
  auto c = testing::raw_connection(url);
  auto rows = c->query(sql, {});
  return rows->next() ? std::string{rows->get(0, value_type::text).as_text()} : "<no row>";
}

std::string quoted_table(database& db, const std::string& entity) {
  return db.impl().dialect().quote(db.schema().find(entity)->table);
}

}  // namespace

TEST_CASE(
    "create_tables on a database with some of the tables creates only the missing ones and "
    "keeps the rows of the others",
    "[create_missing]") {
  const std::string url = fresh();
  {
    database first{url};
    first.generate_mapping<Author, Book>({.create_tables = true});
    db_session session{first};
    auto& a = Author::create();
    a.name = "Ann";
    auto& b = Book::create();
    b.title = "One";
    b.author = a;
  }
  database second{url};
  second.generate_mapping<Author, Book, Review>({.create_tables = true});
  {
    db_session session{second};
    CHECK(select<Book>("b for b in Book if b.author.name == 'Ann'").count() == 1);
    auto& r = Review::create();
    r.text = "good";
    r.stars = 5;
  }
  CHECK(scalar(url, "SELECT COUNT(*) FROM " + quoted_table(second, "Review")) == "1");
  // A third time nothing is missing: no statement runs at all.
  auto c = testing::raw_connection(url);
  CHECK(schema_change::create_missing(*c, second.schema(), second.impl().dialect()) == 0);
  testing::discard_database(url);
}

TEST_CASE("create_tables restores a missing index of a table that exists", "[create_missing]") {
  const std::string url = fresh();
  database db{url};
  db.generate_mapping<Author, Book>({.create_tables = true});
  const auto& d = db.impl().dialect();
  const std::string table = db.schema().find("Author")->table;
  auto c = testing::raw_connection(url);
  const std::string index = "idx_" + [&] {
    std::string lower = table;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return lower;
  }() + "__name";
  c->execute_script(d.name() == "mariadb" ? "DROP INDEX " + d.quote(index) + " ON " + d.quote(table)
                                          : "DROP INDEX " + d.quote(index));
  CHECK(schema_change::create_missing(*c, db.schema(), d) == 1);
  // Dropping it again works only because it is back.
  c->execute_script(d.name() == "mariadb" ? "DROP INDEX " + d.quote(index) + " ON " + d.quote(table)
                                          : "DROP INDEX " + d.quote(index));
  testing::discard_database(url);
}

TEST_CASE("create_tables restores a missing foreign key where keys are named", "[create_missing]") {
  const std::string url = fresh();
  database db{url};
  db.generate_mapping<Author, Book>({.create_tables = true});
  const auto& d = db.impl().dialect();
  if (d.name() == "sqlite") {
    WARN("SQLite declares foreign keys inside CREATE TABLE: they are no objects of their own");
    testing::discard_database(url);
    return;
  }
  const std::string book = d.quote(db.schema().find("Book")->table);
  const std::string author = d.quote(db.schema().find("Author")->table);
  const std::string column = d.quote(db.schema().find("Book")->find("author")->column);
  std::string fk;
  for (const auto& object : schema_change::schema_objects(db.schema(), d)) {
    if (object.what == schema_change::schema_object::kind::foreign_key) fk = object.name;
  }
  REQUIRE(!fk.empty());
  auto c = testing::raw_connection(url);
  c->execute_script("ALTER TABLE " + book +
                    (d.name() == "mariadb" ? " DROP FOREIGN KEY " : " DROP CONSTRAINT ") +
                    d.quote(fk));
  c->execute_script("INSERT INTO " + book + " (title, " + column + ") VALUES ('orphan', 99)");
  c->execute_script("DELETE FROM " + book);
  CHECK(schema_change::create_missing(*c, db.schema(), d) == 1);
  CHECK_THROWS_AS(
      c->execute_script("INSERT INTO " + book + " (title, " + column + ") VALUES ('orphan', 99)"),
      foreign_key_violation);
  (void)author;
  testing::discard_database(url);
}

TEST_CASE("a table that exists with another letter case is refused, as PonyORM refuses it",
          "[create_missing]") {
  const std::string url = fresh();
  database db;
  db.bind(url);
  db.define<Review>();
  db.generate_mapping();
  std::string other = db.schema().find("Review")->table;
  for (char& ch : other) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  REQUIRE(other != db.schema().find("Review")->table);
  auto c = testing::raw_connection(url);
  const auto& d = db.impl().dialect();
  c->execute_script("CREATE TABLE " + d.quote(other) + " (id INTEGER PRIMARY KEY)");
  try {
    schema_change::create_missing(*c, db.schema(), d);
    FAIL("no error");
  } catch (const schema_error& e) {
    CHECK(e.id() == "migrate.name_case");
    CHECK(e.message() == "table " + d.quote(db.schema().find("Review")->table) +
                             " cannot be created, because table " + d.quote(other) +
                             " (with a different letter case) already exists in the database; "
                             "rename or delete it first");
  }
  testing::discard_database(url);
}

TEST_CASE("a table without a column its entity needs fails the mapping with table_mismatch",
          "[create_missing]") {
  const std::string url = fresh();
  database db;
  db.bind(url);
  db.define<Review>();
  db.generate_mapping();
  const auto& d = db.impl().dialect();
  auto c = testing::raw_connection(url);
  c->execute_script("CREATE TABLE " + d.quote(db.schema().find("Review")->table) + " (" +
                    d.quote("id") + " INTEGER PRIMARY KEY, " + d.quote("text") + " TEXT)");
  database again{url};
  try {
    again.generate_mapping<Review>({.create_tables = true});
    FAIL("no error");
  } catch (const schema_error& e) {
    CHECK(e.id() == "migrate.table_mismatch");
    CAPTURE(e.message());
    CHECK(e.message().find("stars") != std::string::npos);
  }
  // The pool got its connection back: the mapping can be fixed and retried.
  CHECK(again.impl().open_connections() == 1);
  testing::discard_database(url);
}

TEST_CASE(
    "MariaDB declares indexes and foreign keys inside CREATE TABLE, giving the same schema "
    "as separate statements",
    "[create_missing]") {
  database db;
  const std::string url = fresh();
  db.bind(url);
  db.define<Author, Book, Review>();
  db.generate_mapping();
  const auto& d = db.impl().dialect();
  std::size_t separate = 0;
  for (const auto& object : schema_change::schema_objects(db.schema(), d)) {
    if (object.what != schema_change::schema_object::kind::table)
      separate += object.with_table ? 0 : 1;
  }
  if (d.name() != "mariadb") {
    CHECK(separate > 0);  // separate statements, as PonyORM's
    testing::discard_database(url);
    return;
  }
  CHECK(separate == 0);
  // The same schema, built the other way: bare tables, then each index and key on its own.
  const std::string other_url = fresh();
  auto c = testing::raw_connection(other_url);
  for (const auto& object : schema_change::schema_objects(db.schema(), d)) {
    if (object.what == schema_change::schema_object::kind::table) {
      std::string bare = object.sql;
      const auto cut = bare.find(",\n  INDEX");
      const auto cut_key = bare.find(",\n  CONSTRAINT");
      const auto at = std::min(cut, cut_key);
      if (at != std::string::npos) bare = bare.substr(0, at) + "\n)";
      c->execute_script(bare);
    } else {
      c->execute_script(object.sql);
    }
  }
  auto inlined = testing::raw_connection(url);
  for (const auto& sql : schema_change::create_table_statements(db.schema(), d))
    inlined->execute_script(sql);
  for (const auto& object : schema_change::schema_objects(db.schema(), d)) {
    if (object.what != schema_change::schema_object::kind::table) continue;
    auto a = inlined->query("SHOW CREATE TABLE " + d.quote(object.name), {});
    auto b = c->query("SHOW CREATE TABLE " + d.quote(object.name), {});
    REQUIRE(a->next());
    REQUIRE(b->next());
    CHECK(std::string{a->get_text(1)} == std::string{b->get_text(1)});
  }
}

TEST_CASE("an index or a foreign key that exists with another letter case is refused by its kind",
          "[create_missing]") {
  const std::string url = fresh();
  database db{url};
  db.generate_mapping<Author, Book>({.create_tables = true});
  const auto& d = db.impl().dialect();
  auto upper = [](std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return s;
  };
  const std::string author_table = db.schema().find("Author")->table;
  std::string index, fk;  // the index of Author.name, the key of Book.author
  for (const auto& object : schema_change::schema_objects(db.schema(), d)) {
    if (object.what == schema_change::schema_object::kind::index && object.table == author_table) {
      index = object.name;
    }
    if (object.what == schema_change::schema_object::kind::foreign_key) fk = object.name;
  }
  REQUIRE(!index.empty());
  const std::string author = d.quote(author_table);
  const std::string name = d.quote(db.schema().find("Author")->find("name")->column);
  auto c = testing::raw_connection(url);
  auto refusal = [&] {
    try {
      schema_change::create_missing(*c, db.schema(), d);
    } catch (const schema_error& e) {
      CHECK(e.id() == "migrate.name_case");
      return e.message();
    }
    return std::string{"no error"};
  };
  c->execute_script(d.name() == "mariadb" ? "DROP INDEX " + d.quote(index) + " ON " + author
                                          : "DROP INDEX " + d.quote(index));
  c->execute_script("CREATE INDEX " + d.quote(upper(index)) + " ON " + author + " (" + name + ")");
  CHECK(refusal() == "index " + d.quote(index) + " cannot be created, because index " +
                         d.quote(upper(index)) +
                         " (with a different letter case) already exists in the database; "
                         "rename or delete it first");
  if (d.name() != "sqlite") {  // SQLite's foreign keys live inside CREATE TABLE, unnamed
    REQUIRE(!fk.empty());
    c->execute_script(d.name() == "mariadb"
                          ? "DROP INDEX " + d.quote(upper(index)) + " ON " + author
                          : "DROP INDEX " + d.quote(upper(index)));
    c->execute_script("CREATE INDEX " + d.quote(index) + " ON " + author + " (" + name + ")");
    const std::string book = d.quote(db.schema().find("Book")->table);
    const std::string column = d.quote(db.schema().find("Book")->find("author")->column);
    const std::string id = d.quote(db.schema().find("Author")->pk().column);
    c->execute_script("ALTER TABLE " + book +
                      (d.name() == "mariadb" ? " DROP FOREIGN KEY " : " DROP CONSTRAINT ") +
                      d.quote(fk));
    c->execute_script("ALTER TABLE " + book + " ADD CONSTRAINT " + d.quote(upper(fk)) +
                      " FOREIGN KEY (" + column + ") REFERENCES " + author + " (" + id + ")");
    CHECK(refusal() == "foreign key " + d.quote(fk) + " cannot be created, because foreign key " +
                           d.quote(upper(fk)) +
                           " (with a different letter case) already exists in the database; "
                           "rename or delete it first");
  }
  testing::discard_database(url);
}
