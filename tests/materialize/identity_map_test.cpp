// The identity map: objects by entity and key, in per-entity storage that the map destroys.
#include <nextorm/entity.hpp>
#include <nextorm/errors.hpp>

#include "materialize/identity_map.hpp"
#include "materialize/object_access.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace nextorm;
using detail::object_access;
using materialize::identity_map;

int g_destroyed = 0;

// Not a field: counts the destructions of its objects.
struct destruction_counter {
  destruction_counter() = default;
  destruction_counter(const destruction_counter&) = delete;
  destruction_counter& operator=(const destruction_counter&) = delete;
  ~destruction_counter() { ++g_destroyed; }
};

struct Item : entity<Item> {
  Req<std::string> name{"name"};
  destruction_counter counter;
};

struct Country : entity<Country> {
  PK<std::string> code{"code", 2};
  Req<std::string> name{"name"};
};

int g_big_destroyed = 0;

// Bigger than a storage block: its objects get chunks of their own.
struct Big : entity<Big> {
  Req<std::string> name{"name"};
  struct payload {
    payload() = default;
    payload(const payload&) = delete;
    payload& operator=(const payload&) = delete;
    ~payload() { ++g_big_destroyed; }
    char bytes[70000] = {};
  } data;
};

// Aligned beyond a storage block's alignment: its objects get chunks of their own as well.
struct Aligned : entity<Aligned> {
  Req<std::string> name{"name"};
  alignas(128) char line[8] = {};
};

// Half a storage block: one object per block.
struct Half : entity<Half> {
  Req<std::string> name{"name"};
  char bytes[40000] = {};
};

struct fixture {
  fixture() {
    schema.add(describe_entity<Item>());
    schema.add(describe_entity<Country>());
    schema.add(describe_entity<Big>());
    schema.add(describe_entity<Aligned>());
    schema.add(describe_entity<Half>());
    schema.finalize();
  }
  const entity_info& item() const { return schema.get("Item"); }
  const entity_info& country() const { return schema.get("Country"); }
  const entity_info& big() const { return schema.get("Big"); }
  const entity_info& aligned() const { return schema.get("Aligned"); }
  const entity_info& half() const { return schema.get("Half"); }
  registry schema;
};

entity_base& make_item(identity_map& map, const entity_info& info, std::int64_t key) {
  entity_base& object = map.make(info, object_state::clean);
  object_access::write(object, info.pk(), value{key});
  map.file(info, value{key}, object);
  return object;
}

TEST_CASE_METHOD(fixture, "integer keys find their object through many growths of the table",
                 "[identity_map]") {
  identity_map map{nullptr};
  std::vector<entity_base*> made;
  // Negative, zero, consecutive and far-apart keys.
  for (std::int64_t i = -50; i < 5000; ++i) made.push_back(&make_item(map, item(), i * 7));
  REQUIRE(map.size() == made.size());
  REQUIRE(map.objects_of(item()).filed() == made.size());
  for (std::int64_t i = -50; i < 5000; ++i) {
    REQUIRE(map.find(item(), value{i * 7}) == made[static_cast<std::size_t>(i + 50)]);
  }
  CHECK(map.find(item(), value{std::int64_t{3}}) == nullptr);
  CHECK(map.find(item(), value{"7"}) == nullptr);                 // another type is another key
  CHECK(map.find(country(), value{std::int64_t{7}}) == nullptr);  // another entity
}

TEST_CASE_METHOD(fixture, "find_or_add makes an object only for a key it has not seen",
                 "[identity_map]") {
  identity_map map{nullptr};
  auto& objects = map.objects_of(item());
  int made = 0;
  auto add = [&](std::int64_t key) {
    return objects.find_or_add(key, [&] {
      ++made;
      return &objects.make(object_state::clean);
    });
  };
  entity_base* first = add(42);
  CHECK(add(42) == first);
  CHECK(add(43) != first);
  CHECK(made == 2);
  CHECK(objects.find(std::int64_t{42}) == first);
}

TEST_CASE_METHOD(fixture, "forgetting keys keeps the others findable", "[identity_map]") {
  identity_map map{nullptr};
  std::vector<entity_base*> made;
  for (std::int64_t i = 0; i < 1000; ++i) made.push_back(&make_item(map, item(), i));
  // Every third key goes: holes in the middle of probe runs.
  for (std::int64_t i = 0; i < 1000; i += 3) map.forget(item(), value{i});
  map.forget(item(), value{std::int64_t{5000}});  // not there: nothing happens
  for (std::int64_t i = 0; i < 1000; ++i) {
    entity_base* expected = i % 3 == 0 ? nullptr : made[static_cast<std::size_t>(i)];
    REQUIRE(map.find(item(), value{i}) == expected);
  }
  CHECK(map.objects_of(item()).filed() == 666);
  CHECK(map.size() == 1000);  // forgotten objects stay owned until the map is cleared
  // Filing again under a key replaces the object.
  map.file(item(), value{std::int64_t{1}}, *made[2]);
  CHECK(map.find(item(), value{std::int64_t{1}}) == made[2]);
  CHECK(map.objects_of(item()).filed() == 666);
}

TEST_CASE_METHOD(fixture, "non-integer keys are indexed by value", "[identity_map]") {
  identity_map map{nullptr};
  CHECK_FALSE(map.objects_of(country()).integer_keys());
  entity_base& fr = map.make(country(), object_state::clean);
  map.file(country(), value{"FR"}, fr);
  entity_base& de = map.make(country(), object_state::clean);
  map.file(country(), value{"DE"}, de);
  CHECK(map.find(country(), value{"FR"}) == &fr);
  CHECK(map.find(country(), value{"DE"}) == &de);
  CHECK(map.find(country(), value{"IT"}) == nullptr);
  map.forget(country(), value{"FR"});
  CHECK(map.find(country(), value{"FR"}) == nullptr);
  CHECK(map.objects_of(country()).filed() == 1);
}

TEST_CASE_METHOD(fixture, "clearing the map runs every object's destructor", "[identity_map]") {
  g_destroyed = 0;
  {
    identity_map map{nullptr};
    for (std::int64_t i = 0; i < 2500; ++i) {
      entity_base& object = make_item(map, item(), i);
      // Strings too long for the small-string buffer must be freed by the destructor.
      auto& name = static_cast<Item&>(object).name;
      object_access::write(object, *item().find("name"), value{std::string(100, 'x')});
      CHECK(name.get().size() == 100);
    }
    map.make(item(), object_state::created);  // never filed, destroyed all the same
    map.clear();
    CHECK(g_destroyed == 2501);
    CHECK(map.size() == 0);
    CHECK(map.find(item(), value{std::int64_t{1}}) == nullptr);
    make_item(map, item(), 1);  // usable again after clear()
  }
  CHECK(g_destroyed == 2502);  // and the map's destructor destroys the rest
}

TEST_CASE_METHOD(fixture, "objects bigger than a storage block get storage of their own",
                 "[identity_map]") {
  g_big_destroyed = 0;
  {
    identity_map map{nullptr};
    std::vector<entity_base*> made;
    for (std::int64_t i = 1; i <= 20; ++i) made.push_back(&make_item(map, big(), i));
    for (std::int64_t i = 1; i <= 20; ++i) {
      CHECK(map.find(big(), value{i}) == made[static_cast<std::size_t>(i - 1)]);
    }
    // Distinct, non-overlapping objects.
    for (std::size_t i = 1; i < made.size(); ++i) {
      const auto gap =
          reinterpret_cast<const char*>(made[i]) - reinterpret_cast<const char*>(made[i - 1]);
      CHECK((gap >= static_cast<std::ptrdiff_t>(sizeof(Big)) ||
             gap <= -static_cast<std::ptrdiff_t>(sizeof(Big))));
    }
  }
  CHECK(g_big_destroyed == 20);
}

TEST_CASE_METHOD(fixture, "objects aligned beyond a storage block get aligned storage of their own",
                 "[identity_map]") {
  identity_map map{nullptr};
  std::vector<entity_base*> made;
  for (std::int64_t i = 1; i <= 20; ++i) made.push_back(&make_item(map, aligned(), i));
  for (std::int64_t i = 1; i <= 20; ++i) {
    entity_base* object = made[static_cast<std::size_t>(i - 1)];
    CHECK(map.find(aligned(), value{i}) == object);
    CHECK(reinterpret_cast<std::uintptr_t>(object) % alignof(Aligned) == 0);
  }
}

TEST_CASE_METHOD(fixture, "ended sessions leave at most 256 storage blocks for the next ones",
                 "[identity_map]") {
  materialize::release_cached_storage();
  std::vector<const entity_base*> first;
  {
    identity_map map{nullptr};
    for (int i = 0; i < 300; ++i) first.push_back(&map.make(half(), object_state::created));
  }
  // The blocks of the first 256 objects were kept (the cache hands back the one it got last),
  // the other 44 were freed.
  identity_map map{nullptr};
  for (std::size_t i = 256; i-- > 0;) {
    REQUIRE(&map.make(half(), object_state::created) == first[i]);
  }
  map.clear();
  materialize::release_cached_storage();
}

TEST_CASE("storage given back by ended sessions is reused, and can be released", "[identity_map]") {
  registry schema;
  schema.add(describe_entity<Item>());
  schema.finalize();
  const entity_info& info = schema.get("Item");
  materialize::release_cached_storage();
  const entity_base* first = nullptr;
  {
    identity_map map{nullptr};
    first = &map.make(info, object_state::created);
  }
  {
    identity_map map{nullptr};
    // The same block again (the cache hands back the block it got last).
    CHECK(&map.make(info, object_state::created) == first);
  }
  materialize::release_cached_storage();
}

TEST_CASE_METHOD(fixture, "objects made by the map know their entity, state and fields",
                 "[identity_map]") {
  identity_map map{nullptr};
  entity_base& object = map.make(item(), object_state::created);
  CHECK(&object.info() == &item());
  CHECK(object.state() == object_state::created);
  // The fields are attached to their owner: a change outside a session is refused by name.
  auto& typed = static_cast<Item&>(object);
  CHECK_THROWS_WITH(typed.name = "x", Catch::Contains("an object that no db_session made"));
}

TEST_CASE("an object constructed outside a session has detached fields", "[identity_map]") {
  Item loose;
  CHECK_FALSE(loose.name.has_value());
  CHECK_THROWS_WITH(loose.name = "x", Catch::Contains("object.detached"));
}

}  // namespace
