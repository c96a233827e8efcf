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
#pragma once

#include <nextorm/detail/field_base.hpp>
#include <nextorm/detail/value_traits.hpp>
#include <nextorm/query.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace nextorm {

namespace detail {

// What Computed and Method share: the member describes itself as a computed attribute of its
// entity, and finds its object like a field does (it holds no value).
class computed_field : public field_base {
 protected:
  computed_field() noexcept = default;
  // The query that reads the computed value of this member's object, with `args` (a method's).
  [[nodiscard]] query_state_ptr value_query(std::vector<value> args) const;
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

}  // namespace detail

// A computed attribute whose value is a T (a column type: int, double, std::string, bool,
// nextorm::decimal, dates, ...). `text` is an expression over `self`, or `lambda x: ...`.
template <detail::column_type T>
class Computed : public detail::computed_field {
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

}  // namespace nextorm
