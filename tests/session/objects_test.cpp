// Entity objects outside the usual path: an empty reference dereferenced, objects constructed
// outside any session, and entity names of namespaced and templated classes.
#include "session_fixture.hpp"

#include "materialize/identity_map.hpp"
#include "materialize/object_access.hpp"

#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

using namespace session_test;

namespace shop::detail {
template <class T>
struct Boxed : nextorm::entity<Boxed<T>> {
  nextorm::Req<std::string> label{"label"};
};
}  // namespace shop::detail

TEST_CASE("dereferencing an empty optional reference names the attribute", "[objects]") {
  temp_database t;
  db_session session{t.db};
  auto& p = Product::create();
  p.name = "Widget";
  p.price = 9.5;
  p.sku = "W-1";
  CHECK_FALSE(p.category);
  CHECK(p.category.get() == nullptr);
  CHECK_THROWS_WITH(*p.category,
                    "object.no_reference: attribute Product.category refers to no object; check "
                    "get() for nullptr before dereferencing");
  CHECK_THROWS_WITH(p.category->name.get(),
                    "object.no_reference: attribute Product.category refers to no object; check "
                    "get() for nullptr before dereferencing");
  try {
    (void)*p.category;
  } catch (const usage_error& e) {
    CHECK(e.category() == error_category::usage);
  }
}

TEST_CASE("an entity object constructed outside a session cannot change or be removed",
          "[objects]") {
  // Objects belong to a db_session (Product::create()); one constructed directly has none.
  Product loose;
  CHECK_THROWS_WITH(loose.price = 1.0,
                    "object.detached: field of an object that no session made: "
                    "create objects with create()");
  CHECK_THROWS_WITH(loose.remove(),
                    "object.detached: an object that no db_session made: "
                    "create objects with E::create()");
  CHECK(loose.state() == object_state::created);
}

TEST_CASE("an entity is named after its class, without namespaces or template arguments",
          "[objects]") {
  CHECK(Product::entity_name() == "Product");
  CHECK(shop::detail::Boxed<int>::entity_name() == "Boxed");
  CHECK(nextorm::detail::entity_name_of(typeid(int)) == "int");
}

// Reading a field or the key of such an object is the same usage error (it once crashed: the
// field looked for its attribute through the object's missing entity).
TEST_CASE("reading a field or the key of an object outside a session is a usage error",
          "[objects]") {
  Product loose;
  const char* detached =
      "object.detached: field of an object that no session made: create objects with create()";
  CHECK_THROWS_WITH(loose.name.get(), detached);
  CHECK_THROWS_WITH(loose.key(), detached);
}

// Objects made without a session (as the identity map can, for the materializer's tests) have
// their entity but no session: their relations cannot load anything.
TEST_CASE("a relation of an object that no session holds is refused by name", "[objects]") {
  database db;
  db.generate_mapping<Category, Tag, Product, Customer, Order, Card>();  // no connection needed
  const registry& schema = db.schema();
  materialize::identity_map map{nullptr};
  auto& tools = static_cast<Category&>(map.make(*schema.find("Category"), object_state::clean));
  auto& hammer = static_cast<Product&>(map.make(*schema.find("Product"), object_state::clean));
  const char* detached =
      "object.detached: an object that no db_session made: create objects with E::create()";
  CHECK_THROWS_AS(tools.products.size(), usage_error);
  CHECK_THROWS_WITH(tools.products.size(), detached);   // one-to-many
  CHECK_THROWS_WITH(hammer.tags.is_empty(), detached);  // many-to-many
  // A reference that holds a key but not yet its object.
  detail::object_access::set_key(
      detail::object_access::reference(hammer, *schema.find("Product")->find("category")),
      value{1});
  CHECK_THROWS_WITH(hammer.category.get(), detached);
}

namespace {

// An entity whose description waits, the first time, until the test lets it go: another thread
// makes objects meanwhile.
struct description_gate {
  std::mutex mutex;
  std::condition_variable changed;
  bool describing = false;
  bool released = false;
};
description_gate& gate() {
  static description_gate g;
  return g;
}
struct pause_while_described {
  pause_while_described() {
    auto& g = gate();
    std::unique_lock lock{g.mutex};
    if (g.released) return;  // only the prototype waits
    g.describing = true;
    g.changed.notify_all();
    g.changed.wait(lock, [&] { return g.released; });
  }
};
struct Slow : entity<Slow> {
  Req<std::string> title{"title"};
  pause_while_described pause;
  Req<std::int64_t> year{"year"};
};
struct Seat : entity<Seat> {
  Req<std::string> row{"row"};
  Req<std::int64_t> number{"number"};
  [[no_unique_address]] composite_key place{row, number};
};

}  // namespace

TEST_CASE("objects made on another thread while an entity is described are not described",
          "[objects]") {
  const std::string url = nextorm::testing::fresh_database_url("slow_describe");
  {
    database db;
    db.bind(url);
    std::thread mapping{[&] { db.generate_mapping<Slow>({.create_tables = true}); }};
    {
      auto& g = gate();
      std::unique_lock lock{g.mutex};
      g.changed.wait(lock, [&] { return g.describing; });
    }
    // Slow is half described on the other thread: this thread's objects, fields and composite
    // keys included, are objects like any other.
    {
      Seat loose;
      CHECK_THROWS_WITH(loose.number = 1,
                        "object.detached: field of an object that no session made: "
                        "create objects with create()");
    }
    {
      std::lock_guard lock{gate().mutex};
      gate().released = true;
    }
    gate().changed.notify_all();
    mapping.join();
    const entity_info& slow = db.schema().get("Slow");
    REQUIRE(slow.attrs.size() == 3);  // id, title, year: nothing of Seat's
    CHECK(slow.attrs[1].name == "title");
    CHECK(slow.attrs[2].name == "year");
    CHECK(slow.composite_indexes.empty());
    db_session session{db};
    (void)Slow::create({{"title", "Dune"}, {"year", 1965}});
    session.commit();
    CHECK(Slow::select().count() == 1);
  }
  nextorm::testing::discard_database(url);
}
