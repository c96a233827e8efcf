// Entity objects outside the usual path: an empty reference dereferenced, objects constructed
// outside any session, and entity names of namespaced and templated classes.
#include "session_fixture.hpp"

#include "materialize/identity_map.hpp"
#include "materialize/object_access.hpp"

#include <catch2/catch.hpp>

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
  CHECK_THROWS_WITH(loose.remove(), "object.detached: an object that no db_session made: "
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
  auto& tools =
      static_cast<Category&>(map.make(*schema.find("Category"), object_state::clean));
  auto& hammer =
      static_cast<Product&>(map.make(*schema.find("Product"), object_state::clean));
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
