// PonyORM's custom Discriminator: a hierarchy's root declares the attribute whose column says
// each row's class (`Discriminator<int> kind{"kind", column{"kind_code"}}`, PonyORM's
// `kind = Discriminator(int, column='kind_code')`) instead of the implicit `classtype`, and each
// class its value (`static constexpr int discriminator = 2;`, PonyORM's `_discriminator_ = 2`).
// Objects read it as their class's; queries compare it, test classes with isinstance() and load
// each row as its class; the JSON schema writes and reads it.
#include "session_fixture.hpp"

#include <nextorm/json.hpp>

#include <catch2/catch.hpp>

#include "registry_shape.hpp"

#include <algorithm>
#include <map>
#include <sstream>

using namespace session_test;

namespace {

struct Shelter;

// An int discriminator in a column of another name.
struct Animal : entity<Animal> {
  static constexpr int discriminator = 1;
  Req<std::string> name{"name"};
  Discriminator<int> kind{"kind", column{"kind_code"}, indexed};
  Single<Shelter> shelter{"shelter", optional};
};
struct Dog : entity<Dog, Animal> {
  static constexpr int discriminator = 2;
  Req<bool> barks{"barks"};
};
struct Puppy : entity<Puppy, Dog> {
  static constexpr std::int64_t discriminator = 3;
  Opt<std::int64_t> weeks{"weeks"};
};
struct Cat : entity<Cat, Animal> {
  static constexpr int discriminator = 4;
  Opt<std::string> colour{"colour"};
};
struct Shelter : entity<Shelter> {
  Req<std::string> city{"city"};
  Set<Animal> animals{"animals"};
};

// A str discriminator of another name: each class's name unless declared.
struct Document : entity<Document> {
  Discriminator<std::string> type{"type"};
  Req<std::string> title{"title"};
};
struct Invoice : entity<Invoice, Document> {
  Req<std::int64_t> amount{"amount"};
};
struct Receipt : entity<Receipt, Document> {
  static constexpr std::string_view discriminator = "R";
};

// A root alone: PonyORM stores its discriminator all the same.
struct Note : entity<Note> {
  static constexpr int discriminator = 7;
  Discriminator<int> code{"code"};
  Req<std::string> text{"text"};
};

class zoo
    : public fresh_database<Animal, Dog, Puppy, Cat, Shelter, Document, Invoice, Receipt, Note> {
 public:
  zoo() : fresh_database{"discriminator"} {
    db_session session{db};
    auto& north = Shelter::create({{"city", "North"}});
    (void)Animal::create({{"name", "Generic"}, {"shelter", north}});
    (void)Dog::create({{"name", "Rex"}, {"barks", true}, {"shelter", north}});
    (void)Puppy::create({{"name", "Bit"}, {"barks", false}, {"weeks", 9}});
    (void)Cat::create({{"name", "Tom"}, {"colour", "grey"}, {"shelter", north}});
    (void)Document::create({{"title", "plain"}});
    (void)Invoice::create({{"title", "inv"}, {"amount", 12}});
    (void)Receipt::create({{"title", "rec"}});
    (void)Note::create({{"text", "hello"}});
  }
};

template <class E>
std::vector<std::string> names_of(query<E> q) {
  std::vector<std::string> out;
  for (E& e : q) out.push_back(e.name.get());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("a declared discriminator's column holds each class's value", "[discriminator]") {
  zoo z;
  const registry& schema = z.db.schema();
  const entity_info& animal = schema.get("Animal");
  REQUIRE(animal.discriminator_attr != nullptr);
  CHECK(animal.discriminator_attr->name == "kind");
  CHECK(animal.discriminator_attr->column == "kind_code");
  CHECK(animal.find("classtype") == nullptr);  // no implicit one beside it
  CHECK(schema.get("Puppy").discriminator_value == value{3});
  const std::string animals = z.table("Animal");
  CHECK(z.scalar("SELECT kind_code FROM " + animals + " WHERE name = 'Rex'", value_type::integer) ==
        value{2});
  CHECK(z.scalar("SELECT kind_code FROM " + animals + " WHERE name = 'Generic'",
                 value_type::integer) == value{1});
  CHECK(z.scalar("SELECT type FROM " + z.table("Document") + " WHERE title = 'inv'",
                 value_type::text) == value{"Invoice"});
  CHECK(z.scalar("SELECT type FROM " + z.table("Document") + " WHERE title = 'rec'",
                 value_type::text) == value{"R"});
  // The root alone has the column too.
  CHECK(z.scalar("SELECT code FROM " + z.table("Note"), value_type::integer) == value{7});
}

TEST_CASE("objects read the discriminator as their class's, before and after they are stored",
          "[discriminator]") {
  zoo z;
  {
    db_session session{z.db};
    Cat& felix = Cat::create({{"name", "Felix"}});
    CHECK(felix.kind.get() == 4);  // not flushed yet
    CHECK(felix.kind == 4);
    const int as_int = felix.kind;
    CHECK(as_int == 4);
    CHECK(nextorm::to_json(felix)["kind"] == 4);
    Document& doc = Invoice::create({{"title", "x"}, {"amount", 1}});
    CHECK(doc.type.get() == "Invoice");
    CHECK(Note::select().first()->code.get() == 7);
  }
  db_session session{z.db};
  Animal& rex = *Animal::get({{"name", "Rex"}});
  CHECK(dynamic_cast<Dog*>(&rex) != nullptr);
  CHECK(rex.kind.get() == 2);
  std::ostringstream printed;
  printed << Animal::get({{"name", "Bit"}})->kind;
  CHECK(printed.str() == "3");
}

TEST_CASE("the discriminator of an object no session made says so", "[discriminator]") {
  const Cat stray;
  CHECK_THROWS_WITH(stray.kind.get(), Catch::Contains("object.detached"));
}

TEST_CASE("queries load each row as its class and compare the discriminator", "[discriminator]") {
  zoo z;
  db_session session{z.db};
  std::map<std::string, std::string> classes;
  for (Animal& a : Animal::select()) classes[a.name.get()] = a.info().name;
  CHECK(classes == std::map<std::string, std::string>{
                       {"Bit", "Puppy"}, {"Generic", "Animal"}, {"Rex", "Dog"}, {"Tom", "Cat"}});
  CHECK(names_of(Dog::select()) == std::vector<std::string>{"Bit", "Rex"});
  CHECK(names_of(Animal::select("isinstance(a, Dog)")) == std::vector<std::string>{"Bit", "Rex"});
  CHECK(names_of(Animal::select("a.kind == 4")) == std::vector<std::string>{"Tom"});
  CHECK(names_of(Animal::select("a.kind in (1, 3)")) == std::vector<std::string>{"Bit", "Generic"});
  auto kinds = nextorm::select<std::int64_t>("a.kind for a in Animal").order_by("1").fetch();
  CHECK(std::vector<std::int64_t>(kinds.begin(), kinds.end()) ==
        std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(nextorm::select<std::int64_t>("max(a.kind for a in Animal if isinstance(a, Dog))")
            .first()
            .value_or(0) == 3);
  CHECK(names_of(Animal::select("isinstance(a, Cat) and a.shelter.city == 'North'")) ==
        std::vector<std::string>{"Tom"});
  Animal& bit = *Animal::get({{"name", "Bit"}});
  CHECK(&Animal::at(bit.key()) == &Puppy::at(bit.key()));
  auto types = nextorm::select<std::string>("d.type for d in Document").fetch();
  std::vector<std::string> sorted(types.begin(), types.end());
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<std::string>{"Document", "Invoice", "R"});
  CHECK(Document::select("d.type == 'R'").count() == 1);
}

TEST_CASE("a discriminator is the class's: it cannot be given, and a stranger's is no row",
          "[discriminator]") {
  zoo z;
  {
    db_session session{z.db};
    CHECK_THROWS_WITH((void)Dog::create({{"name", "x"}, {"barks", true}, {"kind", 4}}),
                      Catch::Contains("object.discriminator"));
  }
  // A row whose number names no class is in no query's rows (PonyORM's criterion).
  REQUIRE(
      z.execute("UPDATE " + z.table("Animal") + " SET kind_code = 9 WHERE name = 'Tom'").empty());
  db_session session{z.db};
  CHECK(names_of(Animal::select()) == std::vector<std::string>{"Bit", "Generic", "Rex"});
  CHECK(nextorm::select<std::int64_t>("count(a for a in Animal)").first().value_or(0) == 3);
  CHECK(Dog::select().count() == 2);
}

TEST_CASE("the JSON schema writes the discriminator and reads it back to the same mapping",
          "[discriminator]") {
  zoo z;
  const std::string text = z.db.schema().to_json();
  const auto doc = nlohmann::json::parse(text);
  bool seen = false;
  for (const auto& e : doc["entities"]) {
    if (e["name"] == "Puppy") CHECK(e["discriminator"] == 3);
    if (e["name"] != "Animal") continue;
    CHECK(e["discriminator"] == 1);
    for (const auto& a : e["attrs"]) {
      if (a["name"] != "kind") continue;
      seen = true;
      CHECK(a["kind"] == "Discriminator");
      CHECK(a["type"] == "int");
      CHECK(a["column"] == "kind_code");
    }
  }
  CHECK(seen);
  registry again;
  again.load_json_text(text);
  again.finalize(pony_naming{z.db.provider()});
  CHECK(nextorm::testing::shape_of(again) == nextorm::testing::shape_of(z.db.schema()));
}

TEST_CASE("a discriminator that does not fit its hierarchy is refused with the reason",
          "[discriminator]") {
  auto refused = [](const char* schema) {
    registry r;
    try {
      r.load_json_text(schema);
      r.finalize();
    } catch (const schema_error& e) {
      return std::string{e.id()} + ": " + e.what();
    }
    return std::string{"accepted"};
  };
  // An int discriminator needs each class's number.
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "discriminator": 1, "attrs": [{"name": "k", "kind": "Discriminator", "type": "int"}]},
      {"name": "B", "base": "A", "attrs": []}]})"),
             Catch::StartsWith("schema.discriminator_value") && Catch::Contains("entity B") &&
                 Catch::Contains("A.k is an int"));
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "discriminator": 1, "attrs": [{"name": "k", "kind": "Discriminator", "type": "int"}]},
      {"name": "B", "base": "A", "discriminator": "b", "attrs": []}]})"),
             Catch::StartsWith("schema.discriminator_value") && Catch::Contains("'b' is a str"));
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "str"}]},
      {"name": "B", "base": "A", "discriminator": 2, "attrs": []}]})"),
             Catch::StartsWith("schema.discriminator_value") && Catch::Contains("2 is an int"));
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "discriminator": 1, "attrs": [{"name": "k", "kind": "Discriminator", "type": "int"}]},
      {"name": "B", "base": "A", "discriminator": 1, "attrs": []}]})"),
             Catch::StartsWith("schema.duplicate_discriminator") && Catch::Contains("1 is used"));
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "str"}]},
      {"name": "B", "base": "A", "discriminator": "", "attrs": []}]})"),
             Catch::StartsWith("schema.discriminator_value") && Catch::Contains("empty"));
  // A value its column cannot hold.
  CHECK_THAT(
      refused(R"({"entities": [
      {"name": "A", "discriminator": 1, "attrs": [{"name": "k", "kind": "Discriminator", "type": "int", "size": 8}]},
      {"name": "B", "base": "A", "discriminator": 1000, "attrs": []}]})"),
      Catch::StartsWith("schema.discriminator_value") &&
          Catch::Contains("1000 does not fit the column of A.k, whose range is -128 to 127"));
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "discriminator": -1, "attrs": [{"name": "k", "kind": "Discriminator", "type": "int", "unsigned": true}]}]})"),
             Catch::StartsWith("schema.discriminator_value") && Catch::Contains("-1 does not fit"));
  CHECK_THAT(
      refused(R"({"entities": [
      {"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "str", "max_len": 3}]},
      {"name": "B", "base": "A", "discriminator": "Bé", "attrs": []},
      {"name": "C", "base": "A", "discriminator": "Card", "attrs": []}]})"),
      Catch::StartsWith("schema.discriminator_value") &&
          Catch::Contains("entity C: discriminator 'Card' is longer than the max_len 3 of A.k"));
  // (Not quoted in the message: the NUL would cut it short where it is printed.)
  CHECK(refused(R"({"entities": [
      {"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "str"}]},
      {"name": "B", "base": "A", "discriminator": "a\u0000b", "attrs": []}]})") ==
        "schema.discriminator_value: schema.discriminator_value: entity B: its discriminator is "
        "empty or holds a NUL character");
  // A sized discriminator is written to JSON and read back as it was.
  registry sized;
  sized.load_json_text(R"({"entities": [
      {"name": "A", "discriminator": 1, "attrs": [{"name": "k", "kind": "Discriminator", "type": "int", "size": 16}]},
      {"name": "B", "base": "A", "discriminator": 2, "attrs": []}]})");
  sized.finalize();
  registry again;
  again.load_json_text(sized.to_json());
  again.finalize();
  CHECK(nextorm::testing::shape_of(again) == nextorm::testing::shape_of(sized));
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "int", "nullable": true}]}]})"),
             Catch::Contains("not to a Discriminator int"));
  CHECK_THAT(
      refused(R"({"entities": [
      {"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "int", "reverse": "x"}]}]})"),
      Catch::Contains("'reverse' applies only to Single and Set, not to a Discriminator int"));
  // One per hierarchy, in its root, of str or int.
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "str"},
                              {"name": "j", "kind": "Discriminator", "type": "str"}]}]})"),
             Catch::StartsWith("schema.discriminator_attr") && Catch::Contains("both"));
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "attrs": []},
      {"name": "B", "base": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "str"}]}]})"),
             Catch::StartsWith("schema.discriminator_attr") && Catch::Contains("only the root"));
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "float"}]}]})"),
             Catch::StartsWith("schema.discriminator_attr") && Catch::Contains("str or an int"));
  for (const char* type : {R"("enum", "values": ["a"])", R"("LongStr")", R"("bool")"}) {
    CHECK_THAT(
        refused(
            (std::string{
                 R"({"entities": [{"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": )"} +
             type + "}]}]}")
                .c_str()),
        Catch::StartsWith("schema.discriminator_attr"));
  }
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "int", "volatile": true}]}]})"),
             Catch::StartsWith("schema.option_kind") && Catch::Contains("'volatile'"));
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "str", "default": "x"}]}]})"),
             Catch::StartsWith("schema.option_kind") && Catch::Contains("'default'"));
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "int", "unique": true}]}]})"),
             Catch::StartsWith("schema.option_kind") && Catch::Contains("'unique'"));
  CHECK_THAT(refused(R"({"entities": [
      {"name": "A", "discriminator": [1], "attrs": []}]})"),
             Catch::StartsWith("schema.json_shape") && Catch::Contains("a string or an integer"));
  // With its discriminator declared, a root may name an attribute classtype.
  CHECK(refused(R"({"entities": [
      {"name": "A", "attrs": [{"name": "k", "kind": "Discriminator", "type": "str"},
                              {"name": "classtype", "kind": "Opt", "type": "str"}]},
      {"name": "B", "base": "A", "attrs": []}]})") == "accepted");
}

namespace {

// A class's value that is not UTF-8.
struct Gadget : entity<Gadget> {
  Discriminator<std::string> kind{"kind"};
};
struct Widget : entity<Widget, Gadget> {
  static constexpr std::string_view discriminator = "W\xff";
};

// A class's value beyond the field's integer type.
struct Tiny : entity<Tiny> {
  static constexpr int discriminator = 1;
  Discriminator<std::int8_t> kind{"kind"};
};
struct Huge : entity<Huge, Tiny> {
  static constexpr int discriminator = 300;
};

// A subclass cannot declare a discriminator of its own.
struct Plant : entity<Plant> {
  Req<std::string> name{"name"};
};
struct Tree : entity<Tree, Plant> {
  Discriminator<std::string> sort{"sort"};
};

}  // namespace

TEST_CASE("a C++ subclass that declares a discriminator is refused", "[discriminator]") {
  registry r;
  r.add(describe_entity<Plant>());
  r.add(describe_entity<Tree>());
  CHECK_THROWS_WITH(r.finalize(), Catch::Contains("schema.discriminator_attr") &&
                                      Catch::Contains("only the root of a hierarchy"));
  registry narrow;
  narrow.add(describe_entity<Tiny>());
  narrow.add(describe_entity<Huge>());
  CHECK_THROWS_WITH(narrow.finalize(),
                    Catch::Contains("schema.discriminator_value") &&
                        Catch::Contains("entity Huge: discriminator 300 does not fit the column of "
                                        "Tiny.kind, whose range is -128 to 127"));
  registry bytes;
  bytes.add(describe_entity<Gadget>());
  bytes.add(describe_entity<Widget>());
  CHECK_THROWS_WITH(bytes.finalize(), Catch::Contains("schema.discriminator_value") &&
                                          Catch::Contains("entity Widget: its discriminator is "
                                                          "not valid UTF-8"));
}

namespace {

// docs/entities.md, "A discriminator of its own".
struct Payment : nextorm::entity<Payment> {
  static constexpr int discriminator = 0;  // PonyORM's _discriminator_ = 0
  nextorm::Discriminator<int> method{"method", nextorm::column{"method_code"}};
  nextorm::Req<nextorm::decimal> amount{"amount"};
};
struct CardPayment : nextorm::entity<CardPayment, Payment> {
  static constexpr int discriminator = 1;
  nextorm::Req<std::string> card_last4{"card_last4"};
};

}  // namespace

TEST_CASE("the documented payments example runs as written", "[discriminator]") {
  const std::string url = nextorm::testing::fresh_database_url("discriminator_doc");
  {
    database db{url};
    db.generate_mapping<Payment, CardPayment>({.create_tables = true});
    db_session session{db};
    (void)Payment::create({{"amount", "1.00"}});
    int m = CardPayment::create({{"amount", "9.99"}, {"card_last4", "4242"}}).method;  // 1
    CHECK(m == 1);
    auto cards = Payment::select("p.method == 1");
    REQUIRE(cards.count() == 1);
    CHECK(dynamic_cast<CardPayment*>(&*cards.first()) != nullptr);
    CHECK(Payment::select("isinstance(p, CardPayment)").count() == 1);
  }
  nextorm::testing::discard_database(url);
}
