// The field markers of entity declarations:
//   PK<T>      the primary key (an entity without one gets `id`, an auto-increment integer)
//   Req<T>     a required value          Opt<T>    an optional value
//   Single<E>  a reference to one E      Set<E>    a collection of E (Set on both sides:
//   many-to-many)
//   Discriminator<T>  the column that says a row's class in an inheritance hierarchy (str, int)
// Each takes its attribute name first, then options (field_options.hpp).
#pragma once

#include <nextorm/detail/field_base.hpp>
#include <nextorm/detail/param_writer.hpp>
#include <nextorm/detail/row_reader.hpp>
#include <nextorm/detail/type_name.hpp>
#include <nextorm/detail/value_traits.hpp>
#include <nextorm/entity_ptr.hpp>
#include <nextorm/field_options.hpp>
#include <nextorm/task.hpp>

#include <atomic>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace nextorm {

namespace detail {
// The task of an awaited call of `work` in the current async session (async.hpp): the awaited
// loads (aload()) of fields run their synchronous load through it.
template <class F>
task<std::invoke_result_t<F&>> call_as_task(F work);
template <class F>
task<std::invoke_result_t<F&>> read_as_task(F work);
}  // namespace detail

namespace detail {

[[noreturn]] void throw_missing_value(const attr_info& attr);
// The checks of an assigned value (src/session/value_checks.cpp): a string loses its outer
// whitespace (autostrip) and is checked for its length and, if required, for being empty; a
// number for its bounds. Each refusal is a usage_error naming the attribute.
void check_text(const attr_info& attr, std::string& v);
void check_number(const attr_info& attr, const value& v);
// A float: never NaN (each provider would store something else: SQLite NULL, PostgreSQL NaN,
// MariaDB an error), and finite where the provider stores no infinity.
void check_float(const attr_info& attr, double v);
[[noreturn]] void throw_check_failed(const attr_info& attr, const value& v);

// What a field of T compares with: a number with numbers, anything else with what converts to
// T (a string with a string literal). Fields themselves convert too, so they are left out, as
// are wrappers that merely hold a field (a test framework's expression object).
template <class T, class U>
concept comparable_value = !std::is_base_of_v<field_base, U> &&
                           ((std::is_arithmetic_v<T> && std::is_arithmetic_v<U>) ||
                            (!std::is_arithmetic_v<T> && std::is_convertible_v<const U&, T>));

// PK, Req and Opt: a value of T, or none.
template <column_type T, attr_kind Kind>
class scalar_field : public field_base {
 public:
  template <class... Options>
  explicit scalar_field(const char* name, const Options&... options) {
    if (describing()) [[unlikely]] {
      attr_info info;
      info.name = name;
      info.kind = Kind;
      info.type = value_traits<T>::type;
      info.auto_increment = Kind == attr_kind::pk && value_traits<T>::type == value_type::integer;
      if constexpr (named_enum<T>) {
        for (const auto& entry : nextorm_enum_names(T{})) info.enum_values.emplace_back(entry.name);
      }
      (apply_typed_option<T>(info, options), ...);
      info.read = &read;
      info.write = &write;
      info.load = &load;
      info.store = &store;
      info.assign = &assign;
      describe(std::move(info));
    }
  }

  // (A lazy attribute not read yet is loaded first: these may throw, as a lazy load does.)
  // (Each read is recorded: the object's UPDATE checks that the column still holds it.)
  [[nodiscard]] bool has_value() const {
    note_read();
    return engaged();
  }
  // The value; a missing one throws usage_error naming the attribute.
  [[nodiscard]] const T& get() const {
    note_read();
    if (!m_engaged) [[unlikely]] {
      if (m_unloaded) load_lazy();
      if (!m_engaged) throw_missing_value(attr());
    }
    return m_value;
  }
  [[nodiscard]] T value_or(T fallback) const {
    note_read();
    return engaged() ? m_value : std::move(fallback);
  }
  operator const T&() const { return get(); }  // NOLINT: fields read like their values

  // Assignments are checked (max_len, min/max, check, autostrip: value.* errors) before the
  // field changes, and refused once the object's db_session has ended (session.over).
  scalar_field& operator=(T v) {
    if (check_assignment(v)) return *this;
    touch();
    m_value = std::move(v);
    m_engaged = true;
    m_unloaded = false;
    return *this;
  }
  // The value of another field, as a value (`line.unit_price = book.price`); a field without a
  // value makes an Opt empty and is refused by PK and Req (object.no_value).
  scalar_field& operator=(const scalar_field& other) { return assign_from(other); }
  template <attr_kind OtherKind>
  scalar_field& operator=(const scalar_field<T, OtherKind>& other) {
    return assign_from(other);
  }
  // Opt only: `opt = std::nullopt`, and a std::optional<T> as it is.
  scalar_field& operator=(std::nullopt_t) requires(Kind == attr_kind::opt) {
    reset();
    return *this;
  }
  template <class U>
  requires(Kind == attr_kind::opt && std::is_same_v<U, T>) scalar_field& operator=(
      const std::optional<U>& v) {
    if (v) return *this = *v;
    reset();
    return *this;
  }
  // Opt only: no value (NULL, or '' for a string that is not nullable).
  void reset() requires(Kind == attr_kind::opt) {
    touch();
    clear();
  }
  // The value as a std::optional (empty when there is none).
  [[nodiscard]] std::optional<T> optional() const {
    note_read();
    return engaged() ? std::optional<T>{m_value} : std::nullopt;
  }
  // In an async session: the value, a lazy one loaded without blocking the loop
  // (`co_await p.notes.aload()`), as optional() gives it.
  template <class Self = scalar_field>
  [[nodiscard]] task<std::optional<T>> aload() const {
    return detail::read_as_task(
        [self = static_cast<const Self*>(this)] { return self->optional(); });
  }

  // A field equals a value when it has that value; it orders like its value (a field without
  // one is unordered, as None is in Python: the comparison throws object.no_value). Templates,
  // so that `p.price < 20` is this comparison and not the built-in one through the conversion.
  template <class U>
  requires comparable_value<T, U>
  friend bool operator==(const scalar_field& f, const U& v) {
    f.note_read();
    return f.engaged() && f.m_value == v;
  }
  template <class U>
  requires comparable_value<T, U>
  friend auto operator<=>(const scalar_field& f, const U& v) { return f.get() <=> v; }
  template <attr_kind OtherKind>
  friend bool operator==(const scalar_field& a, const scalar_field<T, OtherKind>& b) {
    return a.optional() == b.optional();
  }

 private:
  template <column_type, attr_kind>
  friend class scalar_field;

  // Whether there is a value, once a lazy attribute not read yet is.
  [[nodiscard]] bool engaged() const {
    if (!m_engaged && m_unloaded) [[unlikely]]
      load_lazy();
    return m_engaged;
  }
  template <attr_kind OtherKind>
  scalar_field& assign_from(const scalar_field<T, OtherKind>& other) {
    other.note_read();
    if constexpr (Kind == attr_kind::opt) {
      if (!other.engaged()) {
        reset();
        return *this;
      }
    }
    return *this = T{other.get()};
  }
  // Checks `v`; true when it is the value of a key attribute already: no change (a different
  // one is refused by touch() once the object is stored, as PonyORM refuses it).
  bool check_assignment(T& v) const {
    if (!attached()) return false;  // touch() refuses it
    const attr_info& a = attr_unchecked();
    if (a.validated) validate(a, v);
    if constexpr (std::equality_comparable<T>) {
      return a.key_part && m_engaged && m_value == v;
    } else {
      return false;
    }
  }
  void validate(const attr_info& a, T& v) const {
    constexpr value_type type = value_traits<T>::type;
    if constexpr (std::is_same_v<T, std::string>) {
      check_text(a, v);
    } else if constexpr (type == value_type::integer || type == value_type::real ||
                         type == value_type::decimal) {
      if constexpr (type == value_type::real) check_float(a, static_cast<double>(v));
      if (a.min_value || a.max_value) check_number(a, value_traits<T>::to_value(v));
    }
    if (a.check && !a.check(&v)) throw_check_failed(a, value_traits<T>::to_value(v));
  }
  // A value given as a value (keyword create, JSON), checked as an assignment.
  static void assign(void* field, const value& v) {
    auto& self = *static_cast<scalar_field*>(field);
    if constexpr (Kind == attr_kind::opt) {
      if (v.is_null()) {
        self.reset();
        return;
      }
    }
    self = value_traits<T>::from_value(v);
  }

  // Like std::optional<T>, but the flag is field_base::m_engaged, which packs beside the owner
  // offset: 8 bytes less per field (a Product of four fields: 160 bytes instead of 184).
  static_assert(std::is_default_constructible_v<T>, "a column type must be default-constructible");
  void clear() {
    m_value = T{};
    m_engaged = false;
    m_unloaded = false;
  }
  static value read(const void* field) {
    const auto& self = *static_cast<const scalar_field*>(field);
    return self.engaged() ? value_traits<T>::to_value(self.m_value) : value{};
  }
  static void write(void* field, const value& v) {
    auto& self = *static_cast<scalar_field*>(field);
    self.m_unloaded = false;
    if (v.is_null()) {
      self.clear();
    } else {
      self.m_value = value_traits<T>::from_value(v);
      self.m_engaged = true;
    }
  }
  // A column that is not NULL, read with the getter of T's type (text into the string in place).
  static void load(void* field, const row_reader& row, std::size_t column) {
    auto& self = *static_cast<scalar_field*>(field);
    constexpr value_type type = value_traits<T>::type;
    if constexpr (std::is_same_v<T, std::string>) {
      self.m_value.assign(row.get_text(column));
      self.m_engaged = true;
    } else if constexpr (std::is_same_v<T, bool>) {
      self.m_value = row.get_int(column) != 0;
      self.m_engaged = true;
    } else if constexpr (std::is_integral_v<T> && type == value_type::integer) {
      const std::int64_t n = row.get_int(column);
      if (!fits_integer<T>(n)) [[unlikely]] {
        throw_stored_integer_range(column, n,
                                   static_cast<std::int64_t>(std::numeric_limits<T>::min()),
                                   static_cast<std::int64_t>(std::numeric_limits<T>::max()));
      }
      self.m_value = static_cast<T>(n);
      self.m_engaged = true;
    } else if constexpr (std::is_floating_point_v<T> && type == value_type::real) {
      self.m_value = static_cast<T>(row.get_real(column));
      self.m_engaged = true;
    } else if constexpr (type == value_type::integer || type == value_type::boolean) {
      self.m_value = value_traits<T>::from_value(value{row.get_int(column)});
      self.m_engaged = true;
    } else if constexpr (type == value_type::real) {
      self.m_value = value_traits<T>::from_value(value{row.get_real(column)});
      self.m_engaged = true;
    } else {
      write(field, row.get(column, type));
    }
  }

  // The parameter setter of T's type (a string by reference, without a copy).
  static bool store(const void* field, param_writer& out, std::size_t index) {
    const auto& self = *static_cast<const scalar_field*>(field);
    if (!self.m_engaged) return false;
    constexpr value_type type = value_traits<T>::type;
    if constexpr (std::is_same_v<T, std::string>) {
      out.set_text(index, self.m_value);
    } else if constexpr (std::is_integral_v<T> && type == value_type::integer) {
      out.set_int(index, static_cast<std::int64_t>(self.m_value));
    } else if constexpr (std::is_floating_point_v<T> && type == value_type::real) {
      out.set_real(index, static_cast<double>(self.m_value));
    } else {
      out.set(index, value_traits<T>::to_value(self.m_value));
    }
    return true;
  }

  T m_value{};
};

// A field prints its value, or None when it has none (as PonyORM prints it).
template <class Out, column_type T, attr_kind Kind>
Out& operator<<(Out& out, const scalar_field<T, Kind>& f) {
  if (f.has_value()) {
    out << f.get();
  } else {
    out << "None";
  }
  return out;
}

// Single: the target's key as stored, and the object once loaded or assigned.
class reference_field : public field_base {
 protected:
  reference_field() noexcept = default;
  ~reference_field() {
    if (m_key_kind == key_kind::other) delete m_other_key;
  }
  // In a describing construction: adds the attribute `name` referring to `target`.
  void describe_reference(const char* name, const std::type_info& target, attr_info options);
  // The target object, loaded through the session on first use; null when there is none.
  [[nodiscard]] entity_base* target() const;
  // "Author[1]" for the target (without loading it), or "None".
  [[nodiscard]] std::string label() const;
  // Points at `target` (or nothing), keeping the reverse side in step.
  void assign(entity_base* target);

 private:
  friend struct object_access;
  friend class collection_field;  // adding to a one-to-many Set assigns the item's reference
  static value read(const void* field);
  static void write(void* field, const value& v);
  static bool store(const void* field, param_writer& out, std::size_t index);
  // The stored key: an integer in place, any other key on the heap (rare: non-integer keys).
  [[nodiscard]] value key() const;
  void set_key(const value& key);
  // Only where no key of another type is held: a reference's keys all have its target's key
  // type, so an integer key never follows another kind (set_key keeps to that too).
  void set_int_key(std::int64_t key) noexcept {
    m_key_kind = key_kind::integer;
    m_int_key = key;
  }

  // (field_base::m_engaged: the key-less side of a one-to-one has looked its partner up.)
  enum class key_kind : std::uint8_t { none, integer, other };
  key_kind m_key_kind = key_kind::none;
  union {
    std::int64_t m_int_key = 0;
    value* m_other_key;
  };
  mutable entity_base* m_target = nullptr;
};

// Set: the related objects, loaded through the session on first use.
class collection_field : public field_base {
 protected:
  collection_field() noexcept = default;
  // In a describing construction: adds the attribute `name` holding `target` objects.
  void describe_collection(const char* name, const std::type_info& target, attr_info options);
  [[nodiscard]] const std::vector<entity_base*>& items() const;
  void add(entity_base& item);
  void remove(entity_base& item);
  [[nodiscard]] bool contains(const entity_base& item) const;
  // "[Book[1], Book[2]]" (loading the collection if needed).
  [[nodiscard]] std::string label() const;

 private:
  friend struct object_access;
  // Whether m_items holds the collection: field_base::m_engaged.
  mutable std::vector<entity_base*> m_items;
};

template <class... Options>
attr_info options_info(const Options&... options) {
  attr_info info;
  apply_options(info, options...);
  return info;
}

}  // namespace detail

template <class T>
using PK = detail::scalar_field<T, attr_kind::pk>;
template <class T>
using Req = detail::scalar_field<T, attr_kind::req>;
template <class T>
using Opt = detail::scalar_field<T, attr_kind::opt>;

namespace detail {
[[noreturn]] void throw_unattached();
}  // namespace detail

// What a discriminator holds: a str, or an integer.
template <class T>
concept discriminator_type = std::same_as<T, std::string> ||
    (std::integral<T> && !std::same_as<T, bool>);

// PonyORM's `Discriminator(str)` / `Discriminator(int)`: declared in the root of a hierarchy, the
// attribute whose column says which class each row is (instead of the implicit `classtype`).
// Its value is the object's class's (`static constexpr ... discriminator = ...;`, the class's
// name for a str by default; an int discriminator needs each class's number); it has no
// setter: an object's class sets it.
//   struct Person : nextorm::entity<Person> {
//     static constexpr int discriminator = 1;
//     nextorm::Discriminator<int> kind{"kind", nextorm::column{"kind_id"}};
//   };
//   struct Student : nextorm::entity<Student, Person> { static constexpr int discriminator = 2; };
template <discriminator_type T>
class Discriminator : public detail::field_base {
 public:
  template <class... Options>
  explicit Discriminator(const char* name, const Options&... options) {
    if (describing()) [[unlikely]] {
      attr_info info;
      info.name = name;
      info.kind = attr_kind::req;
      info.type = detail::value_traits<T>::type;
      info.discriminator = true;
      // A narrower integer is PonyORM's size (and unsigned): the classes' values must fit it.
      if constexpr (std::is_integral_v<T> && sizeof(T) < sizeof(std::int64_t)) {
        info.int_size = static_cast<std::uint8_t>(sizeof(T) * 8);
      }
      if constexpr (std::is_unsigned_v<T>) info.is_unsigned = true;
      (detail::apply_typed_option<T>(info, options), ...);
      info.read = &read;
      info.write = &write;
      info.store = &store;
      describe(std::move(info));
    }
  }

  // The discriminator of the object's class.
  [[nodiscard]] T get() const {
    if (!attached()) detail::throw_unattached();
    return detail::value_traits<T>::from_value(owner().info().discriminator_value);
  }
  operator T() const { return get(); }  // NOLINT: fields read like their values
  template <class U>
  requires detail::comparable_value<T, U>
  friend bool operator==(const Discriminator& d, const U& v) { return d.get() == v; }

 private:
  static value read(const void* field) {
    const auto& self = *static_cast<const Discriminator*>(field);
    return self.owner().info().discriminator_value;
  }
  // The class decides the value: nothing is read into the field.
  static void write(void*, const value&) {}
  static bool store(const void* field, detail::param_writer& out, std::size_t index) {
    out.set(index, read(field));
    return true;
  }
};

template <class Out, class T>
Out& operator<<(Out& out, const Discriminator<T>& d) {
  out << d.get();
  return out;
}

template <class E>
class Single : public detail::reference_field {
 public:
  template <class... Options>
  explicit Single(const char* name, const Options&... options) {
    // The options are only looked at while describing: nothing to build for a loaded object.
    if (describing()) [[unlikely]] {
      describe_reference(name, typeid(E), detail::options_info(options...));
    }
  }

  [[nodiscard]] E* get() const {
    note_read();
    return static_cast<E*>(target());
  }
  [[nodiscard]] E* operator->() const { return &**this; }
  [[nodiscard]] E& operator*() const;
  explicit operator bool() const { return get() != nullptr; }
  // In an async session: the target, loaded without blocking the loop
  // (`auto c = co_await p->category.aload();`), null for none.
  template <class Self = Single>
  [[nodiscard]] task<entity_ptr<E>> aload() const {
    return detail::read_as_task([self = static_cast<const Self*>(this)] {
      E* target = self->get();
      return target != nullptr ? entity_ptr<E>{*target} : entity_ptr<E>{};
    });
  }

  Single& operator=(E& target) {
    assign(&target);
    return *this;
  }
  Single& operator=(std::nullptr_t) {
    assign(nullptr);
    return *this;
  }
  // An object or none: what E::get() returns (an entity_ptr<E>, which converts to E*), or a
  // pointer from elsewhere (`order.customer = Customer::get({{"email", e}})`).
  Single& operator=(E* target) {
    assign(target);
    return *this;
  }
  // The target of another reference (`copy.book = original.book`).
  Single& operator=(const Single& other) {
    assign(other.get());
    return *this;
  }

  friend bool operator==(const Single& s, const E& target) { return s.get() == &target; }
  friend bool operator==(const Single& s, std::nullptr_t) { return s.get() == nullptr; }
  template <class Out>
  friend Out& operator<<(Out& out, const Single& s) {
    s.note_read();
    out << s.label();
    return out;
  }
};

namespace detail {
[[noreturn]] void throw_missing_reference(const attr_info& attr);
}

template <class E>
E& Single<E>::operator*() const {
  E* target = get();
  if (target == nullptr) detail::throw_missing_reference(attr());
  return *target;
}

template <class E>
class Set : public detail::collection_field {
 public:
  template <class... Options>
  explicit Set(const char* name, const Options&... options) {
    if (describing()) [[unlikely]] {
      describe_collection(name, typeid(E), detail::options_info(options...));
    }
  }

  // Iterates over the items as they were when the loop began, as PonyORM's SetIterator iterates
  // over a copy: the loop may add, remove or create items (`for (Item& i : box.items)
  // box.items.remove(i);` empties the set) and sees none of its own changes. The objects stay
  // valid for the session, a removed one included.
  class iterator {
   public:
    using value_type = E;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(std::shared_ptr<const std::vector<entity_base*>> items)
        : m_items{std::move(items)} {}
    E& operator*() const { return static_cast<E&>(*(*m_items)[m_at]); }
    E* operator->() const { return static_cast<E*>((*m_items)[m_at]); }
    iterator& operator++() {
      ++m_at;
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++m_at;
      return before;
    }
    // (end() is every iterator that is past its items.)
    friend bool operator==(const iterator& a, const iterator& b) noexcept {
      if (a.done() || b.done()) return a.done() == b.done();
      return a.m_items == b.m_items && a.m_at == b.m_at;
    }

   private:
    [[nodiscard]] bool done() const noexcept { return !m_items || m_at >= m_items->size(); }
    std::shared_ptr<const std::vector<entity_base*>> m_items;
    std::size_t m_at = 0;
  };

  [[nodiscard]] iterator begin() const {
    return iterator{std::make_shared<const std::vector<entity_base*>>(items())};
  }
  [[nodiscard]] iterator end() const { return iterator{}; }
  [[nodiscard]] std::size_t size() const { return items().size(); }
  // In an async session: the items loaded without blocking the loop, then iterated as usual
  // (`co_await order.lines.aload(); for (Line& l : order.lines) ...`); gives their number.
  template <class Self = Set>
  [[nodiscard]] task<std::size_t> aload() const {
    return detail::read_as_task([self = static_cast<const Self*>(this)] { return self->size(); });
  }
  [[nodiscard]] bool is_empty() const { return items().empty(); }
  [[nodiscard]] bool contains(const E& item) const { return collection_field::contains(item); }
  void add(E& item) { collection_field::add(item); }
  void remove(E& item) { collection_field::remove(item); }

  template <class Out>
  friend Out& operator<<(Out& out, const Set& s) {
    out << s.label();
    return out;
  }
};

namespace detail {
enum class composite_kind : std::uint8_t { unique_key, index, primary_key };
// Adds a composite_key, composite_index or primary_key over `fields` (addresses of fields of the
// entity being described) to that entity; nothing outside a description.
void describe_composite(composite_kind kind, std::initializer_list<const void*> fields);

// What composite_key, composite_index and primary_key share: an empty member that describes
// itself.
template <composite_kind Kind>
class composite {
 public:
  // (A primary_key may be one Single: PonyORM's PrimaryKey(Person).)
  template <class... Fields>
  requires(
      (sizeof...(Fields) >= 2 || (Kind == composite_kind::primary_key && sizeof...(Fields) == 1)) &&
      (std::is_base_of_v<field_base, Fields> && ...)) explicit composite(const Fields&... fields) {
    if (describers.load(std::memory_order_relaxed) != 0) {
      describe_composite(Kind, {static_cast<const void*>(&fields)...});
    }
  }
};
}  // namespace detail

// PonyORM's composite_key(first, last): a unique constraint over the columns of two or more
// attributes, declared after them as a member of the entity:
//   struct Person : nextorm::entity<Person> {
//     nextorm::Req<std::string> first{"first"};
//     nextorm::Opt<std::string> last{"last"};
//     [[no_unique_address]] nextorm::composite_key full_name{first, last};
//   };
// It holds nothing ([[no_unique_address]] lets it take no room in the object). An Opt in it
// becomes nullable, as in PonyORM. Named unq_<table>__<columns>.
class composite_key : public detail::composite<detail::composite_kind::unique_key> {
 public:
  using composite::composite;
};

// PonyORM's composite_index(a, b): a plain index over the columns of two or more attributes,
// declared like composite_key. Named idx_<table>__<columns>.
class composite_index : public detail::composite<detail::composite_kind::index> {
 public:
  using composite::composite;
};

// PonyORM's PrimaryKey(a, b): a primary key of two or more Req or required Single attributes,
// or of one required Single (PonyORM's PrimaryKey(Person): the key is the referred object's),
// declared like composite_key, in the key's column order:
//   struct Enrollment : nextorm::entity<Enrollment> {
//     nextorm::Single<Student> student{"student"};
//     nextorm::Single<Course> course{"course"};
//     [[no_unique_address]] nextorm::primary_key pk{student, course};  // not `key`: key()
//   };
// The entity then has no PK field and no implicit `id`. Its objects' key() is a tuple
// (value::tuple), E::at({1, 2}) finds one, and a key attribute cannot change once the object
// is stored (object.key_change).
class primary_key : public detail::composite<detail::composite_kind::primary_key> {
 public:
  using composite::composite;
};

}  // namespace nextorm
