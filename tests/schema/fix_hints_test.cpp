// Schema errors of C++ entities say the declaration that fixes them, in C++; those of a JSON
// schema say the JSON (registry_test.cpp).
#include <nextorm/nextorm.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {

struct Orphan;
struct Lonely : nextorm::entity<Lonely> {
  nextorm::Req<std::string> name{"name"};
};
struct Orphan : nextorm::entity<Orphan> {
  nextorm::Single<Lonely> lonely{"lonely"};
};

struct Shelf;
struct Book : nextorm::entity<Book> {
  nextorm::Req<std::string> title{"title"};
};
struct Shelf : nextorm::entity<Shelf> {
  nextorm::Set<Book> books{"books"};
};

struct Car;
struct Person : nextorm::entity<Person> {
  nextorm::Set<Car> cars{"cars"};
};
struct Car : nextorm::entity<Car> {
  nextorm::Single<Person> owner{"owner"};
  nextorm::Single<Person> driver{"driver"};
};

struct Spouse : nextorm::entity<Spouse> {
  nextorm::Single<Spouse> partner{"partner", nextorm::reverse{"partner"}};
};

struct Maker;
struct Gadget : nextorm::entity<Gadget> {
  nextorm::Single<Maker> maker{"maker"};
};
struct Maker : nextorm::entity<Maker> {
  nextorm::Set<Gadget> gadgets{"gadgets"};
};

// A composite_key written before a field it names: that field is not described yet.
struct Early : nextorm::entity<Early> {
  nextorm::Req<int> a{"a"};
  [[no_unique_address]] nextorm::composite_key ab{a, b};
  nextorm::Req<int> b{"b"};
};
struct EarlyIndex : nextorm::entity<EarlyIndex> {
  [[no_unique_address]] nextorm::composite_index ab{a, b};
  nextorm::Req<int> a{"a"};
  nextorm::Req<int> b{"b"};
};
struct Pair : nextorm::entity<Pair> {
  nextorm::Req<int> a{"a"};
  nextorm::Opt<float> f{"f"};
  [[no_unique_address]] nextorm::composite_index af{a, f};
};

template <class... Entities>
std::string mapping_error() {
  nextorm::database db;
  try {
    db.generate_mapping<Entities...>();
  } catch (const nextorm::error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a relation without a reverse says which C++ field to add to the other entity") {
  CHECK(mapping_error<Lonely, Orphan>() ==
        "schema.missing_reverse: entity Orphan, attribute lonely: no attribute of Lonely points "
        "back at Orphan; every relation needs a reverse attribute: add Set<Orphan> "
        "orphans{\"orphans\"} to Lonely");
}

TEST_CASE("a Set without a reverse says which Single to add, or a Set for many-to-many") {
  CHECK(mapping_error<Book, Shelf>() ==
        "schema.missing_reverse: entity Shelf, attribute books: no attribute of Book points "
        "back at Shelf; every relation needs a reverse attribute: add Single<Shelf> "
        "shelf{\"shelf\"} to Book (or a Set<Shelf> for many-to-many)");
}

TEST_CASE("an ambiguous reverse names the C++ option that picks one") {
  CHECK(mapping_error<Person, Car>() ==
        "schema.ambiguous_reverse: entity Person, attribute cars: ambiguous reverse attribute: "
        "Car.owner and Car.driver both point back at Person; declare \"reverse\": add "
        "nextorm::reverse{\"owner\"} or nextorm::reverse{\"driver\"} to Person.cars");
}

TEST_CASE("a required one-to-one names the C++ option that makes one side optional") {
  CHECK(mapping_error<Spouse>() ==
        "schema.one_to_one_required: entity Spouse, attribute partner: one side of the "
        "one-to-one relation Spouse.partner and Spouse.partner must be optional: add "
        "nextorm::optional to one of them");
}

TEST_CASE("an entity missing from generate_mapping is named with the fix") {
  CHECK(mapping_error<Gadget>() ==
        "schema.unknown_entity: entity Gadget, attribute maker: unknown entity 'Maker'; pass "
        "Maker to db.generate_mapping<...>() with the other entities");
  CHECK(mapping_error<Gadget, Maker>() == "no error");
}

TEST_CASE("a composite_key must follow the fields it names, and name no float") {
  const std::string message =
      "a composite_key names a field that is not one of the entity's fields declared before it; "
      "declare it after the fields it names";
  CHECK(mapping_error<Early>() == "schema.composite_index: entity Early: " + message);
  CHECK(mapping_error<EarlyIndex>() ==
        "schema.composite_index: entity EarlyIndex: a composite_index names a field that is not "
        "one of the entity's fields declared before it; declare it after the fields it names");
  CHECK(mapping_error<Pair>() ==
        "schema.float_key: entity Pair: composite_index(a, f): the float attribute f cannot be "
        "part of it (PonyORM refuses it too)");
}
