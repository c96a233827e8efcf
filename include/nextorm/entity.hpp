// Entities: `struct Product : nextorm::entity<Product> { Req<std::string> name{"name", 64}; };`
// The class-level shortcuts work in the current db_session.
#pragma once

#include <nextorm/async.hpp>
#include <nextorm/entity_base.hpp>
#include <nextorm/entity_ptr.hpp>
#include <nextorm/fields.hpp>
#include <nextorm/params.hpp>
#include <nextorm/query.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace nextorm {

namespace detail {

[[nodiscard]] entity_base& create_object(const void* type_tag);
[[nodiscard]] entity_base& create_object(const void* type_tag, const params& values);
[[nodiscard]] entity_base& upsert_object(const void* type_tag, const params& values,
                                         std::initializer_list<std::string_view> conflict);
[[nodiscard]] entity_base& object_at(const void* type_tag, const value& key);
// `lambda x: x.a == a and x.b == b` for keyword lookups `get({{"a", 1}, {"b", 2}})`.
[[nodiscard]] std::string keyword_condition(const params& keywords);
// PonyORM's obj.set(**kwargs) (entity<T>::set).
void set_object(entity_base& object, const params& values);
// The objects of a raw SELECT's rows (entity<T>::select_by_sql), and what keeps them.
struct objects_by_sql_result {
  std::vector<entity_base*> objects;
  std::shared_ptr<void> keeper;
};
[[nodiscard]] objects_by_sql_result objects_by_sql(const void* type_tag, std::string_view sql,
                                                   const params& args);
// The entity of a C++ type in the current session's database (entity.undefined if none).
[[nodiscard]] const entity_info& entity_in_session(const void* type_tag);

// Sets the describing context for the lifetime of a prototype construction.
class describe_scope {
 public:
  explicit describe_scope(entity_info& info) noexcept;
  ~describe_scope();
  describe_scope(const describe_scope&) = delete;
  describe_scope& operator=(const describe_scope&) = delete;

 private:
  entity_info* m_previous;
};
// After the prototype: an entity without a PK gets `id`, bound to the object's implicit key.
void finish_description(entity_info& info);

template <class Base>
struct entity_parent {
  using type = Base;
};
template <>
struct entity_parent<void> {
  using type = entity_base;
};

}  // namespace detail

// `struct Person : entity<Person>`; a subclass names its base entity as the second argument,
// `struct Student : entity<Student, Person>` (PonyORM's `class Student(Person)`): it is stored in
// its root's table, has every attribute of its base, and a query over the base returns it as a
// Student (polymorphic loading). A class may set the value its rows hold in the discriminator
// column (PonyORM's _discriminator_; its name by default) with
// `static constexpr std::string_view discriminator = "S";`, or an integer
// (`static constexpr int discriminator = 2;`) when the root declares `Discriminator<int>`.
// A C++ entity has one base; PonyORM's multiple inheritance (class Assistant(Student, Teacher))
// is declared in the JSON schema.
template <class T, class Base = void, class... MoreBases>
class entity : public detail::entity_parent<Base>::type {
  static_assert(sizeof...(MoreBases) == 0,
                "a C++ entity has one base (entity<T, Base>); PonyORM's multiple inheritance is "
                "declared in the JSON schema: \"base\": [\"Student\", \"Teacher\"] "
                "(docs/json-schema.md)");

 public:
  // The base entity type (void for a root).
  using base_entity_type = Base;

  // Identifies T in every registry it is defined in.
  [[nodiscard]] static const void* type_tag() noexcept {
    static const char tag{};
    return &tag;
  }
  [[nodiscard]] static const std::string& entity_name() {
    static const std::string name = detail::entity_name_of(typeid(T));
    return name;
  }

  // A new object in the current session, inserted when the session flushes.
  [[nodiscard]] static T& create() { return static_cast<T&>(detail::create_object(type_tag())); }
  // PonyORM's `Author(name="Ann", born=date(...))`: a new object with these attribute values,
  // each checked as an assignment (a reference takes an object or its key, a Set a list of
  // them). An unknown name is refused with the nearest one suggested (object.unknown_attribute);
  // on any error no object is made.
  [[nodiscard]] static T& create(const params& values) {
    return static_cast<T&>(detail::create_object(type_tag(), values));
  }

  // The row of `values`, inserted, or, where a row with the same values of the attributes
  // `conflict` exists (default: the primary key; a unique attribute or composite key otherwise),
  // updated with the other values given (and its version moved on), in one statement:
  // INSERT ... ON CONFLICT (...) DO UPDATE (MariaDB: ON DUPLICATE KEY UPDATE, which any unique
  // key of the table triggers). Values are checked as create() checks them. Returns the row's
  // object, which reads what the row holds; hooks are not called. PonyORM has no upsert.
  //   auto& p = Product::upsert({{"sku", "H-1"}, {"name", "Hammer"}, {"price", 7.5}}, {"sku"});
  static T& upsert(const params& values, std::initializer_list<std::string_view> conflict = {}) {
    return static_cast<T&>(detail::upsert_object(type_tag(), values, conflict));
  }

  // All objects, or those for which `condition` holds (`p.price < 20` or `lambda p: ...`).
  [[nodiscard]] static query<T> select(std::string_view condition = {}, params args = {}) {
    return query<T>{detail::make_query(std::string{condition}, entity_name(), std::move(args))};
  }
  // Typed conditions (expr.hpp): `Product::select(col(&Product::price) < 20)`, get() and
  // exists() likewise.
  template <class C>
  requires detail::condition_for<C, T>
  [[nodiscard]] static query<T> select(const C& condition) {
    return query<T>{detail::typed_entity_query(entity_name(), condition.node())};
  }
  template <class C>
  requires detail::condition_for<C, T>
  [[nodiscard]] static entity_ptr<T> get(const C& condition) { return select(condition).get(); }
  template <class C>
  requires detail::condition_for<C, T>
  [[nodiscard]] static bool exists(const C& condition) { return select(condition).exists(); }
  // The only object for which `condition` holds, or null; several throw multiple_objects_found.
  // The entity_ptr keeps the object beyond the session; it converts to T*.
  [[nodiscard]] static entity_ptr<T> get(std::string_view condition, params args = {}) {
    return select(condition, std::move(args)).get();
  }
  // By attribute values: `Product::get({{"sku", "W-1"}})`.
  [[nodiscard]] static entity_ptr<T> get(const params& keywords) {
    return select(detail::keyword_condition(keywords), keywords).get();
  }
  // PonyORM's E.exists(...): whether an object satisfies the condition (any object, without
  // one), or has these attribute values (`Product::exists({{"sku", "W-1"}})`).
  [[nodiscard]] static bool exists(std::string_view condition = {}, params args = {}) {
    return select(condition, std::move(args)).exists();
  }
  [[nodiscard]] static bool exists(const params& keywords) {
    return select(detail::keyword_condition(keywords), keywords).exists();
  }
  // PonyORM's select_by_sql: the objects of a raw SELECT whose rows have every column of the
  // entity's table (by name, in any order: `SELECT * FROM "Product" WHERE "price" < $limit`),
  // found in or added to the session's identity map. `$name` binds the parameter `name` (an
  // object binds its key; text in quotes is left as it is): values are never spliced in. The
  // session's changes are written first.
  [[nodiscard]] static result<T> select_by_sql(std::string_view sql, const params& args = {}) {
    detail::objects_by_sql_result found = detail::objects_by_sql(type_tag(), sql, args);
    std::vector<T*> items;
    items.reserve(found.objects.size());
    for (entity_base* object : found.objects) items.push_back(static_cast<T*>(object));
    return result<T>{std::move(items), {}, std::move(found.keeper)};
  }
  // The only object of such a SELECT, or null; several throw multiple_objects_found.
  [[nodiscard]] static entity_ptr<T> get_by_sql(std::string_view sql, const params& args = {}) {
    detail::objects_by_sql_result found = detail::objects_by_sql(type_tag(), sql, args);
    if (found.objects.empty()) return nullptr;
    if (found.objects.size() > 1) {
      throw multiple_objects_found("get_by_sql() found more than one row for '" + std::string{sql} +
                                   "'");
    }
    return entity_ptr<T>{static_cast<T*>(found.objects.front()), std::move(found.keeper)};
  }
  // By primary key (the C++ spelling of Pony's `Product[1]`): object_not_found when missing.
  [[nodiscard]] static T& at(const value& key) {
    return static_cast<T&>(detail::object_at(type_tag(), key));
  }
  // By a composite key (PonyORM's `Enrollment[1, 2]`): its attributes' values in the key's
  // order, a reference by its target's key: `Enrollment::at({1, 2})`.
  [[nodiscard]] static T& at(std::initializer_list<value> key) {
    return at(key.size() == 1 ? *key.begin() : value::tuple(std::vector<value>{key}));
  }

  // The async API (docs/async.md): select(), get(), exists() and at() awaited, in the current
  // async session: `auto cheap = co_await Product::aselect("p.price < 20");`.
  [[nodiscard]] static async_query<T> aselect(std::string_view condition = {}, params args = {}) {
    return async_query<T>{select(condition, std::move(args))};
  }
  [[nodiscard]] static task<entity_ptr<T>> aget(std::string_view condition, params args = {}) {
    return aselect(condition, std::move(args)).get();
  }
  [[nodiscard]] static task<entity_ptr<T>> aget(const params& keywords) {
    return aselect(detail::keyword_condition(keywords), keywords).get();
  }
  [[nodiscard]] static task<bool> aexists(std::string_view condition = {}, params args = {}) {
    return aselect(condition, std::move(args)).exists();
  }
  [[nodiscard]] static task<bool> aexists(const params& keywords) {
    return aselect(detail::keyword_condition(keywords), keywords).exists();
  }
  template <class C>
  requires detail::condition_for<C, T>
  [[nodiscard]] static async_query<T> aselect(const C& condition) {
    return async_query<T>{select(condition)};
  }
  template <class C>
  requires detail::condition_for<C, T>
  [[nodiscard]] static task<entity_ptr<T>> aget(const C& condition) {
    return aselect(condition).get();
  }
  template <class C>
  requires detail::condition_for<C, T>
  [[nodiscard]] static task<bool> aexists(const C& condition) {
    return aselect(condition).exists();
  }
  // By primary key: object_not_found when missing. The entity_ptr keeps the object beyond the
  // session.
  [[nodiscard]] static task<entity_ptr<T>> aat(value key) {
    return detail::read_as_task([key = std::move(key)] { return entity_ptr<T>{at(key)}; });
  }
  [[nodiscard]] static task<entity_ptr<T>> aat(std::initializer_list<value> key) {
    return aat(key.size() == 1 ? *key.begin() : value::tuple(std::vector<value>{key}));
  }

  // PonyORM's obj.set(title="x", price=2): several attributes at once, each checked as an
  // assignment (a reference takes an object or its key; a Set takes its whole new list of
  // items). An unknown name changes nothing (object.unknown_attribute); a value refused midway
  // leaves the ones before it set.
  void set(const params& values) { detail::set_object(*this, values); }

 protected:
  entity() = default;
};

// The entity_info of a C++ entity type, built from a prototype object.
template <class T>
[[nodiscard]] entity_info describe_entity() {
  using base = typename T::base_entity_type;
  // `struct Student : Person` would be described as Person again.
  static_assert(std::is_base_of_v<entity<T, base>, T>,
                "an entity type derives from nextorm::entity<T> (a subclass of the entity B from "
                "nextorm::entity<T, B>)");
  entity_info info;
  info.name = T::entity_name();
  info.type_tag = T::type_tag();
  if constexpr (!std::is_void_v<base>) info.base = base::entity_name();
  // The class's own discriminator value: one it inherits is its base's.
  if constexpr (requires { T::discriminator; }) {
    bool own = true;
    if constexpr (!std::is_void_v<base> && requires { base::discriminator; }) {
      own = static_cast<const void*>(&T::discriminator) !=
            static_cast<const void*>(&base::discriminator);
    }
    if (own) {
      using declared = std::remove_cvref_t<decltype(T::discriminator)>;
      static_assert((std::is_integral_v<declared> && !std::is_same_v<declared, bool>) ||
                        std::is_convertible_v<const declared&, std::string_view>,
                    "an entity's discriminator is a string (\"Prof\") or an integer (2)");
      if constexpr (std::is_integral_v<declared>) {
        info.discriminator = value{static_cast<std::int64_t>(T::discriminator)};
      } else {
        info.discriminator = value{std::string_view{T::discriminator}};
      }
    }
  }
  // PonyORM's _table_: `static constexpr std::string_view table_name = "product_table";` names
  // the entity's table (a subclass inherits its root's, and may not name another).
  if constexpr (requires { std::string_view{T::table_name}; }) {
    bool own = true;
    if constexpr (!std::is_void_v<base> && requires { base::table_name; }) {
      own = static_cast<const void*>(&T::table_name) != static_cast<const void*>(&base::table_name);
    }
    if (own) info.table = std::string{std::string_view{T::table_name}};
  }
  // PonyORM's hooks: public member functions `void before_insert()` (and after_insert,
  // before_update, after_update, before_delete, after_delete, after_load) that the session
  // calls; a class without them costs nothing.
  using hook = entity_hooks::hook;
  if constexpr (requires(T & t) { t.before_insert(); }) {
    info.hooks.before_insert = hook{[](entity_base& o) { static_cast<T&>(o).before_insert(); }};
  }
  if constexpr (requires(T & t) { t.after_insert(); }) {
    info.hooks.after_insert = hook{[](entity_base& o) { static_cast<T&>(o).after_insert(); }};
  }
  if constexpr (requires(T & t) { t.before_update(); }) {
    info.hooks.before_update = hook{[](entity_base& o) { static_cast<T&>(o).before_update(); }};
  }
  if constexpr (requires(T & t) { t.after_update(); }) {
    info.hooks.after_update = hook{[](entity_base& o) { static_cast<T&>(o).after_update(); }};
  }
  if constexpr (requires(T & t) { t.before_delete(); }) {
    info.hooks.before_delete = hook{[](entity_base& o) { static_cast<T&>(o).before_delete(); }};
  }
  if constexpr (requires(T & t) { t.after_delete(); }) {
    info.hooks.after_delete = hook{[](entity_base& o) { static_cast<T&>(o).after_delete(); }};
  }
  if constexpr (requires(T & t) { t.after_load(); }) {
    info.hooks.after_load = hook{[](entity_base& o) { static_cast<T&>(o).after_load(); }};
  }
  // Sessions make objects in their own storage with `construct` and then attach the fields to
  // their owner.
  info.object_size = sizeof(T);
  info.object_align = alignof(T);
  info.construct = +[](void* where) -> entity_base* { return ::new (where) T(); };
  {
    detail::describe_scope scope{info};
    T prototype;
  }
  detail::finish_description(info);
  return info;
}

}  // namespace nextorm
