// Computed attributes and methods written in the query language: the C++ answer to PonyORM's
// hybrid properties and methods.
//   struct Student : nextorm::entity<Student> {
//     nextorm::Req<std::string> first{"first"};
//     nextorm::Req<std::string> last{"last"};
//     nextorm::Set<Course> courses{"courses"};
//     nextorm::Computed<std::string> full_name{"full_name", "self.first + ' ' + self.last"};
//     nextorm::Method<std::int64_t(int)> courses_over{
//         "courses_over", "lambda s, credits: count(c for c in s.courses if c.credits > credits)"};
//   };
// Queries use them as attributes (`s.full_name`, `s.courses_over(3)`): the analyzer inlines the
// text there. On an object, reading one runs that query for the object (`s.full_name.get()`,
// `s.courses_over(3)`), in the object's db_session.
// Their value may also be an object (`Computed<Group>`, `Method<Course(int)>`: an entity_ptr,
// null for None) or a collection (`Computed<Set<Course>>`, `Method<Set<Course>(int)>`: a query
// over the objects, to iterate, count or refine):
//     nextorm::Method<nextorm::Set<Course>(int)> hard{
//         "hard", "lambda s, credits: (c for c in s.courses if c.credits > credits)"};
//     for (Course& c : student.hard(5)) ...
#pragma once

#include <nextorm/detail/field_base.hpp>
#include <nextorm/detail/value_traits.hpp>
#include <nextorm/entity_ptr.hpp>
#include <nextorm/fields.hpp>
#include <nextorm/query.hpp>

#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace nextorm {

namespace detail {

// What Computed and Method share: the member describes itself as a computed attribute of its
// entity, and finds its object like a field does (it holds no value).
class computed_field : public field_base {
 protected:
  computed_field() noexcept = default;
  // The query that reads the computed value of this member's object, with `args` (a method's).
  // With `many`, the query of the collection's items instead.
  [[nodiscard]] query_state_ptr value_query(std::vector<value> args, bool many = false) const;
  [[noreturn]] void throw_no_value() const;
  // The query's one value as a T, none for NULL.
  template <class T>
  static std::optional<T> convert(query_state_ptr q) {
    // (No row: the object's row was deleted behind the session; None as well.)
    const value v = query<value>{std::move(q)}.get().value_or(value{});
    if (v.is_null()) return std::nullopt;
    return value_traits<T>::from_value(v);
  }
};

// What a computed value may be besides a column type: an object of an entity, or with Set<E>
// a collection of them. (Told apart without completing E: a member may name its own entity, or
// one declared after it; the constructor checks that E is an entity.)
template <class T>
struct computed_collection : std::false_type {};
template <class E>
struct computed_collection<Set<E>> : std::true_type {
  using item = E;
};
template <class T>
concept computed_object = !column_type<T> && !computed_collection<T>::value;

// The computed_info of an object- or collection-valued member: the entity and whether many.
template <class T>
computed_info computed_target(const char* name, const char* text) {
  if constexpr (computed_collection<T>::value) {
    static_assert(std::derived_from<typename computed_collection<T>::item, entity_base>,
                  "Computed<Set<E>> and Method<Set<E>(...)> take an entity type E");
  } else {
    static_assert(std::derived_from<T, entity_base>,
                  "Computed<T> and Method<T(...)> take a column type or an entity type");
  }
  computed_info info;
  info.name = name;
  info.text = text;
  if constexpr (computed_collection<T>::value) {
    info.target = computed_collection<T>::item::entity_name();
    info.many = true;
  } else {
    info.target = T::entity_name();
  }
  return info;
}

}  // namespace detail

template <class T>
class Computed;

// A computed attribute whose value is a T (a column type: int, double, std::string, bool,
// nextorm::decimal, dates, ...). `text` is an expression over `self`, or `lambda x: ...`.
template <detail::column_type T>
class Computed<T> : public detail::computed_field {
 public:
  Computed(const char* name, const char* text) {
    if (describing()) [[unlikely]] {
      computed_info info;
      info.name = name;
      info.text = text;
      info.type = detail::value_traits<T>::type;
      describe_computed(std::move(info));
    }
  }
  Computed(const Computed&) = delete;
  Computed& operator=(const Computed&) = delete;

  // The value now, as the database computes it (the session's changes flushed first); none for
  // NULL (Python's None).
  [[nodiscard]] std::optional<T> read() const { return convert<T>(value_query({})); }
  // The value; NULL throws usage_error object.no_value.
  [[nodiscard]] T get() const {
    std::optional<T> v = read();
    if (!v) throw_no_value();
    return std::move(*v);
  }
  [[nodiscard]] T value_or(T fallback) const { return read().value_or(std::move(fallback)); }
  operator T() const { return get(); }  // NOLINT: reads like a field
};

template <class Signature>
class Method;

// A computed method: `text` is a lambda whose first argument is the object and the others, one
// per Args, the method's parameters (`lambda p, limit: p.price < limit`). Called on an object
// it gives an R (a column type).
template <detail::column_type R, detail::column_type... Args>
class Method<R(Args...)> : public detail::computed_field {
 public:
  Method(const char* name, const char* text) {
    if (describing()) [[unlikely]] {
      computed_info info;
      info.name = name;
      info.text = text;
      info.type = detail::value_traits<R>::type;
      info.params = {detail::value_traits<Args>::type...};
      describe_computed(std::move(info));
    }
  }
  Method(const Method&) = delete;
  Method& operator=(const Method&) = delete;

  [[nodiscard]] std::optional<R> read(const Args&... args) const {
    return convert<R>(value_query({detail::value_traits<Args>::to_value(args)...}));
  }
  // The value; NULL throws usage_error object.no_value.
  R operator()(const Args&... args) const {
    std::optional<R> v = read(args...);
    if (!v) throw_no_value();
    return std::move(*v);
  }
};

// A computed attribute whose value is an object of E (`"self.group.dept"`): get() gives it,
// null for None (several objects throw multiple_objects_found).
template <detail::computed_object E>
class Computed<E> : public detail::computed_field {
 public:
  Computed(const char* name, const char* text) {
    if (describing()) [[unlikely]] {
      describe_computed(detail::computed_target<E>(name, text));
    }
  }
  Computed(const Computed&) = delete;
  Computed& operator=(const Computed&) = delete;

  [[nodiscard]] entity_ptr<E> get() const { return query<E>{value_query({})}.get(); }
};

// A computed attribute whose value is a collection of E (`"c for c in self.courses if ..."`):
// get() gives the query of its objects (iterate it, count() it, refine it).
template <class E>
class Computed<Set<E>> : public detail::computed_field {
 public:
  Computed(const char* name, const char* text) {
    if (describing()) [[unlikely]] {
      describe_computed(detail::computed_target<Set<E>>(name, text));
    }
  }
  Computed(const Computed&) = delete;
  Computed& operator=(const Computed&) = delete;

  [[nodiscard]] query<E> get() const { return query<E>{value_query({}, true)}; }
};

// A computed method whose value is an object of E, or null for None.
template <detail::computed_object E, detail::column_type... Args>
class Method<E(Args...)> : public detail::computed_field {
 public:
  Method(const char* name, const char* text) {
    if (describing()) [[unlikely]] {
      computed_info info = detail::computed_target<E>(name, text);
      info.params = {detail::value_traits<Args>::type...};
      describe_computed(std::move(info));
    }
  }
  Method(const Method&) = delete;
  Method& operator=(const Method&) = delete;

  entity_ptr<E> operator()(const Args&... args) const {
    return query<E>{value_query({detail::value_traits<Args>::to_value(args)...})}.get();
  }
};

// A computed method whose value is a collection of E: the query of its objects.
template <class E, detail::column_type... Args>
class Method<Set<E>(Args...)> : public detail::computed_field {
 public:
  Method(const char* name, const char* text) {
    if (describing()) [[unlikely]] {
      computed_info info = detail::computed_target<Set<E>>(name, text);
      info.params = {detail::value_traits<Args>::type...};
      describe_computed(std::move(info));
    }
  }
  Method(const Method&) = delete;
  Method& operator=(const Method&) = delete;

  query<E> operator()(const Args&... args) const {
    return query<E>{value_query({detail::value_traits<Args>::to_value(args)...}, true)};
  }
};

}  // namespace nextorm
