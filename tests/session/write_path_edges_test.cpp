// The write path's less travelled roads: bulk updates and upserts of composite keys and
// references, hierarchies, one-to-one sides, lazy and version attributes; what update() refuses;
// a strict session of a hierarchy; a batch whose rows a trigger drops; a stored uuid of the
// wrong size.
#include "session_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace session_test;

namespace {

struct Pin;
struct Mark;
struct Slot : entity<Slot> {
  Req<std::int64_t> row{"row"};
  Req<std::int64_t> col{"col"};
  Opt<std::string> label{"label"};
  Set<Pin> pins{"pins"};
  Set<Mark> marks{"marks"};
  [[no_unique_address]] nextorm::primary_key pk{row, col};
};

struct Pin : entity<Pin> {
  Req<std::string> name{"name", unique};
  Single<Slot> slot{"slot", optional};
  Opt<std::string> body{"body", long_str};
};

// Found by a composite key over a reference of two columns and a number.
struct Mark : entity<Mark> {
  Single<Slot> slot{"slot"};
  Req<std::int64_t> n{"n"};
  Opt<std::string> note{"note"};
  [[no_unique_address]] composite_key slot_n{slot, n};
};

struct Pair : entity<Pair> {
  Req<std::string> a{"a"};
  Req<std::string> b{"b"};
  Opt<std::int64_t> n{"n"};
  [[no_unique_address]] composite_key ab{a, b};
  [[no_unique_address]] composite_index by_n{n, a};
};

struct Tally : entity<Tally> {
  Req<std::string> code{"code", unique};
  Req<std::int64_t> version{"version", row_version};
};

struct Figure : entity<Figure> {
  Req<std::string> label{"label"};
};
struct Disc : entity<Disc, Figure> {
  Req<double> radius{"radius"};
};

struct Token : entity<Token> {
  Opt<uuid> ident{"ident"};
};

using edges_database = fresh_database<Slot, Pin, Mark, Pair, Tally, Figure, Disc, Token>;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const nextorm::error& e) {
    return e.id() + ": " + e.what();
  }
  return "<no error>";
}

std::string update_error(
    const char* text, std::initializer_list<std::pair<std::string_view, std::string_view>> values,
    params args = {}) {
  return error_of([&] { (void)select<Product>(text).update(values, std::move(args)); });
}

std::string provider(const database& db) {
  return std::string{const_cast<database&>(db).impl().dialect().name()};
}

}  // namespace

TEST_CASE_METHOD(filled_shop, "update() refuses values it cannot write, each with its reason",
                 "[write_path_edges]") {
  db_session session{db};
  const char* all = "p for p in Product";
  CHECK_THAT(update_error("(p, p.name) for p in Product", {{"price", "1"}}),
             Catch::StartsWith("type.update_result"));
  CHECK_THAT(update_error(all, {{"", "1"}}), Catch::StartsWith("query.update"));
  CHECK_THAT(update_error(all, {{"summary", "None"}}),
             Catch::StartsWith("type.update_value") && Catch::Contains("required"));
  CHECK_THAT(update_error(all, {{"category", "1"}}),
             Catch::StartsWith("type.update_value") && Catch::Contains("Category"));
  CHECK_THAT(update_error(all, {{"category", "p"}}), Catch::StartsWith("type.update_value"));
  CHECK_THAT(update_error(all, {{"stock", "count(p.tags)"}}),
             Catch::StartsWith("unsupported.update_value"));
  CHECK_THAT(update_error(all, {{"stock", "count(p)"}}),
             Catch::StartsWith("unsupported.update_value"));
  CHECK_THAT(update_error(all, {{"name", "p.category.name + p.name"}}),
             Catch::StartsWith("unsupported.update_value"));
  CHECK_THAT(update_error(all, {{"stock", "1 if p.name in (p.category.name, 'x') else 2"}}),
             Catch::StartsWith("unsupported.update_value"));
  CHECK_THAT(
      update_error("p for p in Product for c in Category if p.category == c", {{"category", "c"}}),
      Catch::StartsWith("unsupported.update_value"));
  CHECK_THAT(error_of([] {
               (void)select<Customer>("c for c in Customer").update({{"card", "None"}});
             }),
             Catch::StartsWith("type.update_attribute") && Catch::Contains("no column"));
  // A value over constants and the object's own columns, an IN list among them.
  CHECK(select<Product>(all).update({{"stock", "1 if p.name in ('Saw', 'Kite') else 0"}}) == 6);
  CHECK(select<Product>("p for p in Product if p.stock == 1").count() == 2);
}

TEST_CASE("update() of a hierarchy refuses the class; a strict session forgets subclasses too",
          "[write_path_edges]") {
  edges_database t{"edges_hierarchy"};
  result<Figure> kept;
  {
    db_session session{t.db, {.strict = true}};
    (void)Disc::create({{"label", "d"}, {"radius", 2.0}});
    (void)Figure::create({{"label", "f"}});
    CHECK_THAT(error_of([] {
                 (void)select<Figure>("f for f in Figure").update({{"classtype", "'Disc'"}});
               }),
               Catch::StartsWith("type.update_attribute") && Catch::Contains("class of the row"));
    kept = select<Figure>("f for f in Figure").order_by("f.id").fetch();
    CHECK(select<Disc>("d for d in Disc").update({{"radius", "d.radius * 2"}}) == 1);
    CHECK(dynamic_cast<const Disc&>(kept[0]).radius.get() == 4.0);
  }
  CHECK_THROWS_AS(kept[0].label.get(), usage_error);
  CHECK_THROWS_AS(dynamic_cast<const Disc&>(kept[0]).radius.get(), usage_error);
}

TEST_CASE_METHOD(temp_database, "update() of a one-to-one reference resets the other side",
                 "[write_path_edges]") {
  {
    db_session session{db};
    // A side of a one-to-one is refused: setting it would move another object's reference.
    CHECK_THAT(error_of([] {
                 (void)Customer::upsert({{"email", "cy@x"}, {"vip", true}, {"card", nullptr}});
               }),
               Catch::StartsWith("upsert.value") && Catch::Contains("one-to-one"));
    CHECK_THAT(error_of([] {
                 (void)Card::upsert({{"id", 1}, {"number", "9"}, {"holder", nullptr}});
               }),
               Catch::StartsWith("upsert.value"));
    auto& ann = Customer::create({{"email", "ann@x"}, {"vip", false}});
    (void)Customer::create({{"email", "bob@x"}, {"vip", false}});
    (void)Card::create({{"number", "1"}, {"holder", &ann}});
  }
  db_session session{db};
  Customer& ann = Customer::at("ann@x");
  Customer& bob = Customer::at("bob@x");
  CHECK(ann.card.get() != nullptr);
  CHECK(bob.card.get() == nullptr);
  CHECK(select<Card>("k for k in Card").update({{"holder", "c"}}, {{"c", &bob}}) == 1);
  CHECK(bob.card.get() != nullptr);
  CHECK(ann.card.get() == nullptr);
}

TEST_CASE_METHOD(filled_shop, "update() skips the objects the session removed",
                 "[write_path_edges]") {
  db_session session{db};
  Product& saw = Product::at(2);
  saw.remove();
  session.flush();
  Product& hammer = Product::at(1);
  CHECK(select<Product>("p for p in Product").update({{"price", "p.price + 1"}}) == 5);
  CHECK(hammer.price.get() == 6.0);
}

TEST_CASE("update() and upsert() of composite keys and references to them", "[write_path_edges]") {
  edges_database t{"edges_composite"};
  {
    db_session session{t.db};
    auto& a = Slot::create({{"row", 1}, {"col", 1}});
    (void)Slot::create({{"row", 1}, {"col", 2}});
    (void)Pin::create({{"name", "p1"}, {"slot", &a}});
    (void)Pin::create({{"name", "p2"}});
  }
  {
    db_session session{t.db};
    Slot& a = Slot::at({std::int64_t{1}, std::int64_t{1}});
    Slot& b = Slot::at({std::int64_t{1}, std::int64_t{2}});
    Pin& p1 = *Pin::get({{"name", "p1"}});
    Pin& p2 = *Pin::get({{"name", "p2"}});
    CHECK(p1.slot.get() == &a);
    // A reference of two columns, set to an object and to None; the held pins read them again.
    CHECK(select<Pin>("p for p in Pin").update({{"slot", "s"}}, {{"s", &b}}) == 2);
    CHECK(p1.slot.get() == &b);
    CHECK(p2.slot.get() == &b);
    CHECK(select<Pin>("p for p in Pin if p.name == 'p2'").update({{"slot", "None"}}) == 1);
    CHECK(p2.slot.get() == nullptr);
    // Objects keyed by two columns read again.
    CHECK(select<Slot>("s for s in Slot").update({{"label", "str(s.row) + '/' + str(s.col)"}}) ==
          2);
    CHECK(b.label.get() == "1/2");
    // Upsert by the composite key: the row is there, its label set.
    Slot& same = Slot::upsert({{"row", 1}, {"col", 2}, {"label", "x"}});
    CHECK(&same == &b);
    CHECK(b.label.get() == "x");
    // A lazy attribute set by an upsert is read again on use, loaded before or not.
    CHECK(p1.body.value_or("") != "long text");  // loaded before the upsert
    Pin& p = Pin::upsert({{"name", "p1"}, {"body", "long text"}}, {"name"});
    CHECK(&p == &p1);
    CHECK(p1.body.get() == "long text");
    p1.body = p1.body.get() + "!";  // no false conflict: the value read is the row's
    session.flush();
    // Upsert found by a composite key over a reference of two columns.
    Mark& m = Mark::upsert({{"slot", &b}, {"n", 1}, {"note", "first"}}, {"slot", "n"});
    CHECK(&Mark::upsert({{"slot", &b}, {"n", 1}, {"note", "second"}}, {"slot", "n"}) == &m);
    CHECK(m.note.get() == "second");
    CHECK_THAT(error_of([] {
                 (void)Slot::upsert({{"row", 1}, {"col", 1}}, {"pins"});
               }),
               Catch::StartsWith("upsert.conflict") && Catch::Contains("with a column"));
    CHECK_THAT(error_of([] {
                 (void)Pin::upsert({{"name", nullptr}}, {"name"});
               }),
               Catch::StartsWith("upsert.conflict") && Catch::Contains("not None"));
  }
  db_session session{t.db};
  CHECK(Slot::at({std::int64_t{1}, std::int64_t{2}}).label.get() == "x");
}

TEST_CASE("upsert() finds rows by a composite_key, keeps a version given, refuses the rest",
          "[write_path_edges]") {
  edges_database t{"edges_upsert"};
  db_session session{t.db};
  Pair& p = Pair::upsert({{"a", "x"}, {"b", "y"}, {"n", 1}}, {"a", "b"});
  Pair& same = Pair::upsert({{"a", "x"}, {"b", "y"}, {"n", 2}}, {"b", "a"});
  CHECK(&same == &p);
  CHECK(p.n.get() == 2);
  CHECK_THAT(error_of([] {
               (void)Pair::upsert({{"a", "x"}, {"b", "y"}}, {"a", "n"});
             }),
             Catch::StartsWith("upsert.conflict") && Catch::Contains("(a, n)"));
  CHECK_THAT(error_of([] {
               (void)Pin::upsert({{"name", "x"}}, {"name", "slot"});
             }),
             Catch::StartsWith("upsert.conflict"));
  // Only what finds the row: a version entity's row stays, its version too.
  Tally& tally = Tally::upsert({{"code", "c"}}, {"code"});
  CHECK(tally.version.get() == 1);
  CHECK(&Tally::upsert({{"code", "c"}}, {"code"}) == &tally);
  CHECK(tally.version.get() == 1);
  // A version given is the one an inserted row starts with; the key given is not updated.
  Tally& other = Tally::upsert({{"code", "d"}, {"version", 7}}, {"code"});
  CHECK(other.version.get() == 7);
  CHECK_THAT(error_of([] {
               (void)Tally::upsert({{"code", "e"}, {"things", 1}}, {"code"});
             }),
             Catch::StartsWith("object.unknown_attribute"));
  CHECK(&Tally::upsert({{"id", other.key()}, {"code", "d"}}, {"code"}) == &other);
  // update() moves versions on too, and the held objects read them: a session that read the
  // old version would fail its own UPDATE of the row.
  CHECK(select<Tally>("t for t in Tally if t.code == 'd'").update({{"code", "'d2'"}}) == 1);
  CHECK(other.version.get() == 8);
  // A version set by the update itself is the one written.
  CHECK(select<Tally>("t for t in Tally if t.code == 'd2'").update({{"version", "100"}}) == 1);
  CHECK(other.version.get() == 100);
  // Values that give two unique keys, found by one and colliding on the other: PostgreSQL and
  // SQLite refuse the INSERT; MariaDB's ON DUPLICATE KEY fires on the key, and no row has the
  // code given.
  const std::string clash = error_of([&] {
    (void)Tally::upsert({{"id", other.key()}, {"code", "e"}}, {"code"});
  });
  if (provider(t.db) == "mariadb") {
    CHECK_THAT(clash,
               Catch::StartsWith("lookup.not_found") && Catch::Contains("another unique key"));
  } else {
    CHECK_THAT(clash, Catch::Contains("unique"));
  }
  session.rollback();  // (PostgreSQL has aborted the transaction)
}

TEST_CASE("a batch whose rows a trigger drops is refused, with nothing written",
          "[write_path_edges]") {
  edges_database t{"edges_trigger"};
  const std::string which = provider(t.db);
  if (which == "mariadb") return;  // (no trigger there can drop a row)
  if (which == "sqlite") {
    REQUIRE(t.execute("CREATE TRIGGER drop_x BEFORE INSERT ON " + t.table("Tally") +
                      " WHEN NEW.code = 'x' BEGIN SELECT RAISE(IGNORE); END") == "");
  } else {
    REQUIRE(t.execute("CREATE FUNCTION drop_x() RETURNS trigger AS $$ BEGIN IF NEW.code = 'x' "
                      "THEN RETURN NULL; END IF; RETURN NEW; END $$ LANGUAGE plpgsql") == "");
    REQUIRE(t.execute("CREATE TRIGGER drop_x BEFORE INSERT ON " + t.table("Tally") +
                      " FOR EACH ROW EXECUTE FUNCTION drop_x()") == "");
  }
  auto flush = [&] {
    db_session session{t.db};
    for (const char* code : {"a", "x", "b", "c"}) (void)Tally::create({{"code", code}});
  };
  CHECK_THAT(error_of(flush), Catch::StartsWith("insert.rows") && Catch::Contains("3 rows of 4"));
  CHECK(t.count("Tally") == 0);
  // A row at a time, the trigger's way is taken.
  {
    db_session session{t.db, {.batch_inserts = false}};
    (void)Tally::create({{"code", "a"}});
  }
  CHECK(t.count("Tally") == 1);
}

TEST_CASE("a stored uuid of the wrong size is a type mismatch", "[write_path_edges]") {
  edges_database t{"edges_uuid"};
  if (provider(t.db) != "sqlite") return;  // (the servers' uuid columns take no such value)
  REQUIRE(t.execute("INSERT INTO " + t.table("Token") + " (" + t.quote("ident") +
                    ") VALUES (X'010203')") == "");
  db_session session{t.db};
  CHECK_THAT(error_of([] { (void)select<Token>("k for k in Token").fetch(); }),
             Catch::StartsWith("value.type_mismatch"));
}

TEST_CASE_METHOD(filled_shop, "a serializable session unobserved", "[write_path_edges]") {
  db_session session{db, {.serializable = true}};
  CHECK(Product::at(1).name.get() == "Hammer");
}

TEST_CASE("remove() and update() of a subclass's query touch that class's rows only",
          "[write_path_edges]") {
  edges_database t{"edges_subclass"};
  db_session session{t.db};
  (void)Figure::create({{"label", "plain"}});
  (void)Disc::create({{"label", "round"}, {"radius", 1.0}});
  (void)Figure::create({{"label", "other"}});
  CHECK(select<Disc>("d for d in Disc").update({{"label", "'still round'"}}) == 1);
  CHECK(select<Figure>("f for f in Figure if f.label == 'plain'").count() == 1);
  CHECK(select<Disc>("d for d in Disc if d.radius > 5").remove() == 0);
  // An upsert of a subclass could find a row of another class by its unique value.
  CHECK_THAT(error_of([] {
               (void)Disc::upsert({{"label", "x"}, {"radius", 1.0}});
             }),
             Catch::StartsWith("upsert.subclass"));
  // Before, the single-table DELETE had no class condition: every Figure went.
  CHECK(select<Disc>("d for d in Disc").remove() == 1);
  CHECK(select<Figure>("f for f in Figure").count() == 2);
}
