// Typed query expressions: conditions, orders and results built from an entity's members and
// checked by the C++ compiler, then compiled like query text (the same analyzer, IR and SQL):
//   Product::select(col(&Product::price) < 20 && col(&Product::name).startswith("W"))
//   select(col(&Product::name), col(&Product::price)).order_by(desc(col(&Product::price)))
// A `Req<double>` compared with a string does not compile, nor does a member that is no
// attribute, nor a condition over one entity given to a query of another. Values travel as
// bound parameters; the query's plan is cached by the expression's shape. (docs/queries.md,
// "Typed expressions")
#pragma once

#include <nextorm/detail/member_ref.hpp>
#include <nextorm/detail/raw_result.hpp>
#include <nextorm/detail/value_traits.hpp>
#include <nextorm/params.hpp>
#include <nextorm/registry.hpp>
#include <nextorm/types.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace nextorm {

template <class E>
class Single;
template <class E>
class Set;
template <class T>
class Computed;
template <class Signature>
class Method;
template <class T, class E>
class expr;

namespace detail {

template <column_type T, attr_kind Kind>
class scalar_field;

// One node of a typed expression, rendered as query text where the expression is used
// (src/session/typed_query.cpp). `op` is always a string literal.
struct expr_node {
  enum class kind : std::uint8_t {
    attribute,  // `path`, from the expression's entity
    parameter,  // `value`, bound under a generated name
    none,       // None
    prefix,     // `op args[0]`
    infix,      // `args[0] op args[1]`
    method,     // `args[0].op(args[1], ...)`
    function,   // `op(args[0], ...)`
    call,       // `args[0](args[1], ...)`: a computed method
    text,       // `value` (a string): query text over `self`
  };
  expr_node() = default;
  expr_node(const expr_node&) = delete;
  expr_node& operator=(const expr_node&) = delete;
  ~expr_node();  // (iterative: src/session/typed_query.cpp)

  kind k = kind::none;
  const char* op = "";
  std::vector<member_ref> path;
  param_value value;
  std::vector<std::shared_ptr<const expr_node>> args;
};
using expr_node_ptr = std::shared_ptr<const expr_node>;

// The queries of typed expressions (src/session/typed_query.cpp): `entity`'s objects for which
// `condition` holds (none: all); the values of `items` for each object of `entity`; a method's
// condition or order (kind as in add_modifier) added to a query.
[[nodiscard]] query_state_ptr typed_entity_query(std::string entity,
                                                 const expr_node_ptr& condition);
[[nodiscard]] query_state_ptr typed_select(std::string entity,
                                           const std::vector<expr_node_ptr>& items);
[[nodiscard]] query_state_ptr add_typed_modifier(const query_state_ptr& q, int kind,
                                                 std::string_view entity,
                                                 const std::vector<expr_node_ptr>& nodes);

// A collection attribute's value in an expression: the objects of E.
template <class E>
struct many {};
template <class T>
struct many_target {};
template <class E>
struct many_target<many<E>> {
  using type = E;
};
template <class T>
concept collection_value = requires {
  typename many_target<T>::type;
};

// What an attribute member holds, as an expression's value type: T, std::optional<T> where
// the value may be missing, the target entity of a reference, many<E> for a collection.
template <class F>
struct field_value {};
template <column_type T>
struct field_value<scalar_field<T, attr_kind::pk>> {
  using type = T;
};
template <column_type T>
struct field_value<scalar_field<T, attr_kind::req>> {
  using type = T;
};
template <column_type T>
struct field_value<scalar_field<T, attr_kind::opt>> {
  using type = std::optional<T>;
};
template <class E>
struct field_value<Single<E>> {
  using type = E;
};
template <class E>
struct field_value<Set<E>> {
  using type = many<E>;
};
template <column_type T>
struct field_value<Computed<T>> {
  using type = std::optional<T>;  // (the computed expression may give None)
};
// A computed object is an object of E (null for None), as a reference is; a computed
// collection, many<E>, as a Set is.
template <class E>
requires std::is_base_of_v<entity_base, E>
struct field_value<Computed<E>> {
  using type = E;
};
template <class E>
struct field_value<Computed<Set<E>>> {
  using type = many<E>;
};
// A computed method: called with its arguments, it gives an R (or None), an object or a
// collection.
template <class R, class... Args>
struct computed_method;
template <column_type R, column_type... Args>
struct field_value<Method<R(Args...)>> {
  using type = computed_method<R, Args...>;
};
template <class E, column_type... Args>
requires std::is_base_of_v<entity_base, E>
struct field_value<Method<E(Args...)>> {
  using type = computed_method<E, Args...>;
};
template <class E, column_type... Args>
struct field_value<Method<Set<E>(Args...)>> {
  using type = computed_method<many<E>, Args...>;
};
template <class F>
concept attribute_member = requires {
  typename field_value<F>::type;
};

template <class T>
struct plain {
  using type = T;
};
template <class T>
struct plain<std::optional<T>> {
  using type = T;
};
// The value type without the optional.
template <class T>
using plain_t = typename plain<T>::type;
template <class T>
inline constexpr bool is_optional_v = !std::is_same_v<plain_t<T>, T>;

template <class T>
inline constexpr bool is_expr_v = false;
template <class T, class E>
inline constexpr bool is_expr_v<expr<T, E>> = true;

template <class T>
concept entity_type = std::is_base_of_v<entity_base, T>;
template <class T>
concept bool_value = std::is_same_v<T, bool>;
// (A char is a character, not a number: `col(&Product::price) == 'x'` does not compile; the
// 8-bit integers are signed char and unsigned char.)
template <class T>
concept character = std::is_same_v<T, char> || std::is_same_v<T, wchar_t> ||
    std::is_same_v<T, char8_t> || std::is_same_v<T, char16_t> || std::is_same_v<T, char32_t>;
template <class T>
concept numeric_value = (std::is_arithmetic_v<T> && !std::is_same_v<T, bool> && !character<T>) ||
                        std::is_same_v<T, decimal>;
template <class T>
concept text_value = std::is_same_v<T, std::string>;
// What <, <=, > and >= order: numbers, text, dates and times, intervals.
template <class T>
concept ordered_value = numeric_value<T> || text_value<T> || std::is_same_v<T, date> ||
    std::is_same_v<T, datetime> || std::is_same_v<T, time_of_day> ||
    (column_type<T> && !named_enum<T> && value_traits<T>::type == value_type::interval);

// Two value types that compare: numbers with numbers, objects of one hierarchy, else the same
// type.
template <class A, class B>
concept comparable_types = (numeric_value<A> && numeric_value<B>) ||
                           (entity_type<A> && entity_type<B> &&
                            (std::is_base_of_v<A, B> || std::is_base_of_v<B, A>)) ||
                           (column_type<A> && std::is_same_v<A, B>);

// A C++ value compared with an expression of T: numbers with a number, text with anything that
// is a string_view, an object (or a pointer to one) of T's hierarchy, else a T.
template <class U>
using operand_t = std::remove_cvref_t<U>;
template <class T, class U>
concept value_operand =
    !is_expr_v<operand_t<U>> &&
    ((numeric_value<T> && numeric_value<operand_t<U>>) ||
     (text_value<T> && std::is_convertible_v<const U&, std::string_view>) ||
     (entity_type<T> &&
      (std::is_base_of_v<T, operand_t<U>> ||
       (std::is_pointer_v<operand_t<U>> &&
        std::is_base_of_v<T, std::remove_cv_t<std::remove_pointer_t<operand_t<U>>>>))) ||
     (column_type<T> && !text_value<T> && !numeric_value<T> && std::is_same_v<operand_t<U>, T>));

// An object (or a pointer to one) of a collection's entity.
template <class T, class U>
concept item_operand = collection_value<T> && value_operand<typename many_target<T>::type, U>;

// A value as a parameter node.
template <class U>
expr_node_ptr parameter_node(U&& v) {
  auto n = std::make_shared<expr_node>();
  n->k = expr_node::kind::parameter;
  if constexpr (std::is_convertible_v<const U&, std::string_view>) {
    n->value = param_value{std::string{std::string_view{v}}};
  } else {
    n->value = param_value{std::forward<U>(v)};
  }
  return n;
}

inline expr_node_ptr make_node(expr_node::kind k, const char* op, std::vector<expr_node_ptr> args) {
  auto n = std::make_shared<expr_node>();
  n->k = k;
  n->op = op;
  n->args = std::move(args);
  return n;
}

template <class R, class... Args>
struct computed_method {
  // (An object, or a collection, is never "missing" as a value is: null, or empty.)
  using result = std::conditional_t<column_type<R>, std::optional<R>, R>;
  static expr_node_ptr call_node(const expr_node_ptr& self, const Args&... args) {
    return make_node(expr_node::kind::call, "", {self, parameter_node(args)...});
  }
};

// The result of arithmetic on A and B: a decimal with a decimal, a double with a floating
// point or a division, else a 64-bit integer.
template <class A, class B, bool Division = false>
using arithmetic_t = std::conditional_t<
    std::is_same_v<A, decimal> || std::is_same_v<B, decimal>, decimal,
    std::conditional_t<Division || std::is_floating_point_v<A> || std::is_floating_point_v<B>,
                       double, std::int64_t>>;
// R, optional where either operand may be missing.
template <class R, class A, class B>
using maybe_t = std::conditional_t<is_optional_v<A> || is_optional_v<B>, std::optional<R>, R>;

// The entity a member pointer's path reaches next: the target of a reference.
template <class T>
struct next_entity {
  using type = void;
};
template <entity_type E>
struct next_entity<E> {
  using type = E;
};

template <class T>
using value_of_member_t = typename field_value<std::remove_cvref_t<T>>::type;

}  // namespace detail

// An expression over the objects of entity E whose value is a T (std::optional<T> where it may
// be missing; E2 for a reference to an E2; detail::many<E2> for a collection). Made by col()
// and the operators below; a condition is an expression of bool.
template <class T, class E>
class expr {
 public:
  using value_type = T;
  using entity_type = E;
  using plain_type = detail::plain_t<T>;

  explicit expr(detail::expr_node_ptr node) : m_node{std::move(node)} {}
  [[nodiscard]] const detail::expr_node_ptr& node() const noexcept { return m_node; }

  // Text: PonyORM's startswith(), endswith(), `s in x`, lower(), upper(), strip(), len().
  template <class S>
  requires(detail::text_value<plain_type>&& std::is_convertible_v<const S&, std::string_view>)
      [[nodiscard]] expr<bool, E> startswith(const S& prefix) const {
    return method<bool>("startswith", detail::parameter_node(prefix));
  }
  template <class S>
  requires(detail::text_value<plain_type>&& std::is_convertible_v<const S&, std::string_view>)
      [[nodiscard]] expr<bool, E> endswith(const S& suffix) const {
    return method<bool>("endswith", detail::parameter_node(suffix));
  }
  // Whether the text holds `part` (`part in x`).
  template <class S>
  requires(detail::text_value<plain_type>&& std::is_convertible_v<const S&, std::string_view>)
      [[nodiscard]] expr<bool, E> contains(const S& part) const {
    return expr<bool, E>{detail::make_node(detail::expr_node::kind::infix, "in",
                                           {detail::parameter_node(part), m_node})};
  }
  [[nodiscard]] expr lower() const requires detail::text_value<plain_type> {
    return method<T>("lower");
  }
  [[nodiscard]] expr upper() const requires detail::text_value<plain_type> {
    return method<T>("upper");
  }
  [[nodiscard]] expr strip() const requires detail::text_value<plain_type> {
    return method<T>("strip");
  }
  [[nodiscard]] auto len() const requires detail::text_value<plain_type> {
    return expr<detail::maybe_t<std::int64_t, T, T>, E>{
        detail::make_node(detail::expr_node::kind::function, "len", {m_node})};
  }

  // Whether the value is missing (`x is None`), or is there.
  [[nodiscard]] expr<bool, E> is_none() const {
    return expr<bool, E>{
        detail::make_node(detail::expr_node::kind::infix, "is", {m_node, none_node()})};
  }
  [[nodiscard]] expr<bool, E> is_not_none() const {
    return expr<bool, E>{
        detail::make_node(detail::expr_node::kind::infix, "is not", {m_node, none_node()})};
  }

  // Whether the value is one of `values` (`x in (...)`), or none of them.
  template <class U>
  requires detail::value_operand<plain_type, U>
  [[nodiscard]] expr<bool, E> in(std::initializer_list<U> values) const {
    return membership("in", values.begin(), values.end());
  }
  template <class U>
  requires detail::value_operand<plain_type, U>
  [[nodiscard]] expr<bool, E> in(const std::vector<U>& values) const {
    return membership("in", values.begin(), values.end());
  }
  template <class U>
  requires detail::value_operand<plain_type, U>
  [[nodiscard]] expr<bool, E> not_in(std::initializer_list<U> values) const {
    return membership("not in", values.begin(), values.end());
  }
  template <class U>
  requires detail::value_operand<plain_type, U>
  [[nodiscard]] expr<bool, E> not_in(const std::vector<U>& values) const {
    return membership("not in", values.begin(), values.end());
  }

  // A computed method's call: `col(&Shop::items_under)(10.0)`.
  template <class... A>
  requires requires(const detail::expr_node_ptr& self, A&&... a) {
    T::call_node(self, std::forward<A>(a)...);
  }
  [[nodiscard]] auto operator()(A&&... args) const {
    return expr<typename T::result, E>{T::call_node(m_node, std::forward<A>(args)...)};
  }

  // Collections: is_empty(), count() and `obj in x.items`.
  [[nodiscard]] expr<bool, E> is_empty() const requires detail::collection_value<T> {
    return method<bool>("is_empty");
  }
  [[nodiscard]] expr<std::int64_t, E> count() const requires detail::collection_value<T> {
    return method<std::int64_t>("count");
  }
  template <class U>
  requires detail::item_operand<T, U>
  [[nodiscard]] expr<bool, E> contains(U&& object) const {
    return expr<bool, E>{
        detail::make_node(detail::expr_node::kind::infix, "in",
                          {detail::parameter_node(std::forward<U>(object)), m_node})};
  }

 private:
  template <class R, class... Args>
  expr<R, E> method(const char* name, Args... args) const {
    return expr<R, E>{
        detail::make_node(detail::expr_node::kind::method, name, {m_node, std::move(args)...})};
  }
  static detail::expr_node_ptr none_node() {
    return detail::make_node(detail::expr_node::kind::none, "", {});
  }
  template <class It>
  expr<bool, E> membership(const char* op, It first, It last) const {
    std::vector<param_value> items;
    for (; first != last; ++first) {
      if constexpr (std::is_convertible_v<decltype(*first), std::string_view>) {
        items.emplace_back(std::string{std::string_view{*first}});
      } else {
        items.emplace_back(*first);
      }
    }
    return expr<bool, E>{
        detail::make_node(detail::expr_node::kind::infix, op,
                          {m_node, detail::parameter_node(param_value{std::move(items)})})};
  }

  detail::expr_node_ptr m_node;
};

namespace detail {

// The field type of a member pointer.
template <class M>
struct member_field {};
template <class C, class F>
struct member_field<F C::*> {
  using type = F;
};
template <class M>
using member_field_t = typename member_field<M>::type;

// Each member after the first is one of the entity the previous one refers to (or of its base).
template <class Previous, class... Members>
inline constexpr bool path_links_v = true;
template <class Previous, class C, class F, class... Rest>
inline constexpr bool path_links_v<Previous, F C::*, Rest...> =
    attribute_member<F>&& entity_type<typename next_entity<value_of_member_t<Previous>>::type>&&
        std::is_base_of_v<C, typename next_entity<value_of_member_t<Previous>>::type>&&
            path_links_v<F, Rest...>;

}  // namespace detail

// An attribute of E by its member, `col(&Product::price)`, or a path through references,
// `col(&Product::category, &Category::name)` (p.category.name).
template <class E, class F, class... Rest>
requires(detail::entity_type<E>&& detail::attribute_member<F> &&
         (std::is_member_object_pointer_v<Rest> && ...) && detail::path_links_v<F, Rest...>)
    [[nodiscard]] auto col(F E::*first, Rest... rest) {
  using last =
      std::tuple_element_t<sizeof...(Rest), std::tuple<F, detail::member_field_t<Rest>...>>;
  using T = detail::value_of_member_t<last>;
  auto n = std::make_shared<detail::expr_node>();
  n->k = detail::expr_node::kind::attribute;
  n->path = {detail::member_of(first), detail::member_of(rest)...};
  return expr<T, E>{std::move(n)};
}

// Query text over the object `self`, typed by the program: `expr_text<bool, Product>(
// "self.price < 20")`, to mix what typed expressions cannot say into one.
template <class T, class E>
requires detail::entity_type<E>
[[nodiscard]] expr<T, E> expr_text(std::string query_text) {
  auto n = std::make_shared<detail::expr_node>();
  n->k = detail::expr_node::kind::text;
  n->value = param_value{std::move(query_text)};
  return expr<T, E>{std::move(n)};
}

// Comparisons: of two expressions over one entity, or of an expression and a C++ value.
#define NEXTORM_TYPED_COMPARISON(OP, TEXT, CONCEPT)                                     \
  template <class A, class B, class E>                                                  \
  requires(detail::comparable_types<detail::plain_t<A>, detail::plain_t<B>> &&          \
           CONCEPT<detail::plain_t<A>>) expr<bool, E>                                   \
  operator OP(const expr<A, E>& a, const expr<B, E>& b) {                               \
    return expr<bool, E>{                                                               \
        detail::make_node(detail::expr_node::kind::infix, TEXT, {a.node(), b.node()})}; \
  }                                                                                     \
  template <class A, class E, class U>                                                  \
  requires(detail::value_operand<detail::plain_t<A>, U> && CONCEPT<detail::plain_t<A>>) \
      expr<bool, E>                                                                     \
  operator OP(const expr<A, E>& a, U&& b) {                                             \
    return expr<bool, E>{                                                               \
        detail::make_node(detail::expr_node::kind::infix, TEXT,                         \
                          {a.node(), detail::parameter_node(std::forward<U>(b))})};     \
  }                                                                                     \
  template <class U, class B, class E>                                                  \
  requires(detail::value_operand<detail::plain_t<B>, U> && CONCEPT<detail::plain_t<B>>) \
      expr<bool, E>                                                                     \
  operator OP(U&& a, const expr<B, E>& b) {                                             \
    return expr<bool, E>{                                                               \
        detail::make_node(detail::expr_node::kind::infix, TEXT,                         \
                          {detail::parameter_node(std::forward<U>(a)), b.node()})};     \
  }

namespace detail {
template <class T>
concept any_value = true;
}  // namespace detail

NEXTORM_TYPED_COMPARISON(==, "==", detail::any_value)
NEXTORM_TYPED_COMPARISON(!=, "!=", detail::any_value)
NEXTORM_TYPED_COMPARISON(<, "<", detail::ordered_value)
NEXTORM_TYPED_COMPARISON(<=, "<=", detail::ordered_value)
NEXTORM_TYPED_COMPARISON(>, ">", detail::ordered_value)
NEXTORM_TYPED_COMPARISON(>=, ">=", detail::ordered_value)
#undef NEXTORM_TYPED_COMPARISON

// Arithmetic on numbers (/ gives a float, as Python's does; % takes integers), + on text.
#define NEXTORM_TYPED_ARITHMETIC(OP, TEXT, DIVISION)                                    \
  template <class A, class B, class E>                                                  \
  requires(detail::numeric_value<detail::plain_t<A>> &&                                 \
           detail::numeric_value<detail::plain_t<B>>) auto                              \
  operator OP(const expr<A, E>& a, const expr<B, E>& b) {                               \
    using R = detail::arithmetic_t<detail::plain_t<A>, detail::plain_t<B>, DIVISION>;   \
    return expr<detail::maybe_t<R, A, B>, E>{                                           \
        detail::make_node(detail::expr_node::kind::infix, TEXT, {a.node(), b.node()})}; \
  }                                                                                     \
  template <class A, class E, class U>                                                  \
  requires(detail::numeric_value<detail::plain_t<A>> && detail::numeric_value<U>) auto  \
  operator OP(const expr<A, E>& a, U b) {                                               \
    using R = detail::arithmetic_t<detail::plain_t<A>, U, DIVISION>;                    \
    return expr<detail::maybe_t<R, A, U>, E>{detail::make_node(                         \
        detail::expr_node::kind::infix, TEXT, {a.node(), detail::parameter_node(b)})};  \
  }                                                                                     \
  template <class U, class B, class E>                                                  \
  requires(detail::numeric_value<detail::plain_t<B>> && detail::numeric_value<U>) auto  \
  operator OP(U a, const expr<B, E>& b) {                                               \
    using R = detail::arithmetic_t<U, detail::plain_t<B>, DIVISION>;                    \
    return expr<detail::maybe_t<R, U, B>, E>{detail::make_node(                         \
        detail::expr_node::kind::infix, TEXT, {detail::parameter_node(a), b.node()})};  \
  }

NEXTORM_TYPED_ARITHMETIC(-, "-", false)
NEXTORM_TYPED_ARITHMETIC(*, "*", false)
NEXTORM_TYPED_ARITHMETIC(/, "/", true)
#undef NEXTORM_TYPED_ARITHMETIC

// + adds numbers and joins text.
template <class A, class B, class E>
requires((detail::numeric_value<detail::plain_t<A>> && detail::numeric_value<detail::plain_t<B>>) ||
         (detail::text_value<detail::plain_t<A>> && detail::text_value<detail::plain_t<B>>)) auto
operator+(const expr<A, E>& a, const expr<B, E>& b) {
  using P = detail::plain_t<A>;
  using R = std::conditional_t<detail::text_value<P>, std::string,
                               detail::arithmetic_t<P, detail::plain_t<B>>>;
  return expr<detail::maybe_t<R, A, B>, E>{
      detail::make_node(detail::expr_node::kind::infix, "+", {a.node(), b.node()})};
}
template <class A, class E, class U>
requires((detail::numeric_value<detail::plain_t<A>> && detail::numeric_value<U>) ||
         (detail::text_value<detail::plain_t<A>> &&
          std::is_convertible_v<const U&, std::string_view>)) auto
operator+(const expr<A, E>& a, const U& b) {
  using P = detail::plain_t<A>;
  if constexpr (detail::text_value<P>) {
    return expr<A, E>{detail::make_node(detail::expr_node::kind::infix, "+",
                                        {a.node(), detail::parameter_node(b)})};
  } else {
    return expr<detail::maybe_t<detail::arithmetic_t<P, U>, A, U>, E>{detail::make_node(
        detail::expr_node::kind::infix, "+", {a.node(), detail::parameter_node(b)})};
  }
}
template <class U, class B, class E>
requires((detail::numeric_value<detail::plain_t<B>> && detail::numeric_value<U>) ||
         (detail::text_value<detail::plain_t<B>> &&
          std::is_convertible_v<const U&, std::string_view>)) auto
operator+(const U& a, const expr<B, E>& b) {
  using P = detail::plain_t<B>;
  if constexpr (detail::text_value<P>) {
    return expr<B, E>{detail::make_node(detail::expr_node::kind::infix, "+",
                                        {detail::parameter_node(a), b.node()})};
  } else {
    return expr<detail::maybe_t<detail::arithmetic_t<U, P>, U, B>, E>{detail::make_node(
        detail::expr_node::kind::infix, "+", {detail::parameter_node(a), b.node()})};
  }
}
template <class A, class E>
requires detail::numeric_value<detail::plain_t<A>> expr<A, E>
operator-(const expr<A, E>& a) {
  return expr<A, E>{detail::make_node(detail::expr_node::kind::prefix, "-", {a.node()})};
}

// Conditions combine with &&, || and ! (PonyORM's and, or, not).
template <class A, class B, class E>
requires(std::is_same_v<detail::plain_t<A>, bool>&& std::is_same_v<detail::plain_t<B>, bool>)
    expr<bool, E>
operator&&(const expr<A, E>& a, const expr<B, E>& b) {
  return expr<bool, E>{
      detail::make_node(detail::expr_node::kind::infix, "and", {a.node(), b.node()})};
}
template <class A, class B, class E>
requires(std::is_same_v<detail::plain_t<A>, bool>&& std::is_same_v<detail::plain_t<B>, bool>)
    expr<bool, E>
operator||(const expr<A, E>& a, const expr<B, E>& b) {
  return expr<bool, E>{
      detail::make_node(detail::expr_node::kind::infix, "or", {a.node(), b.node()})};
}
template <class A, class E>
requires std::is_same_v < detail::plain_t<A>,
bool > expr<bool, E> operator!(const expr<A, E>& a) {
  return expr<bool, E>{detail::make_node(detail::expr_node::kind::prefix, "not", {a.node()})};
}

// Aggregates (PonyORM's count, sum, avg, min, max): in a typed select beside plain items they
// are per group of those items, `select(col(&Product::category), sum(col(&Product::price)))`.
// sum() of no rows is 0, as Python's is; avg(), min() and max() of none are None.
template <class T, class E>
[[nodiscard]] expr<std::int64_t, E> count(const expr<T, E>& e) {
  return expr<std::int64_t, E>{
      detail::make_node(detail::expr_node::kind::function, "count", {e.node()})};
}
template <class T, class E>
requires detail::numeric_value<detail::plain_t<T>>
[[nodiscard]] auto sum(const expr<T, E>& e) {
  using P = detail::plain_t<T>;
  return expr<detail::arithmetic_t<P, P>, E>{
      detail::make_node(detail::expr_node::kind::function, "sum", {e.node()})};
}
template <class T, class E>
requires detail::numeric_value<detail::plain_t<T>>
[[nodiscard]] auto avg(const expr<T, E>& e) {
  using P = detail::plain_t<T>;
  return expr<std::optional<detail::arithmetic_t<P, P, true>>, E>{
      detail::make_node(detail::expr_node::kind::function, "avg", {e.node()})};
}
template <class T, class E>
requires detail::ordered_value<detail::plain_t<T>>
[[nodiscard]] expr<std::optional<detail::plain_t<T>>, E> min(const expr<T, E>& e) {
  return expr<std::optional<detail::plain_t<T>>, E>{
      detail::make_node(detail::expr_node::kind::function, "min", {e.node()})};
}
template <class T, class E>
requires detail::ordered_value<detail::plain_t<T>>
[[nodiscard]] expr<std::optional<detail::plain_t<T>>, E> max(const expr<T, E>& e) {
  return expr<std::optional<detail::plain_t<T>>, E>{
      detail::make_node(detail::expr_node::kind::function, "max", {e.node()})};
}

// An order of a query: an expression, descending or ascending (order_by()).
template <class E>
struct ordering {
  detail::expr_node_ptr node;
};
template <class T, class E>
requires detail::ordered_value<detail::plain_t<T>>
[[nodiscard]] ordering<E> desc(const expr<T, E>& e) {
  return {detail::make_node(detail::expr_node::kind::function, "desc", {e.node()})};
}
template <class T, class E>
requires detail::ordered_value<detail::plain_t<T>>
[[nodiscard]] ordering<E> asc(const expr<T, E>& e) { return {e.node()}; }

namespace detail {
// A condition, or an order, for a query of R: over R's entity (or a base of it) when R is an
// entity; any other query checks it when it compiles.
template <class E, class R>
concept over_result = !std::is_base_of_v<entity_base, R> || std::is_base_of_v<E, R>;
template <class C, class R>
concept condition_for = is_expr_v<C> && std::is_same_v<typename C::plain_type, bool> &&
    over_result<typename C::entity_type, R>;

template <class O>
struct order_entity {};
template <class T, class E>
requires ordered_value<plain_t<T>>
struct order_entity<expr<T, E>> {
  using type = E;
};
template <class E>
struct order_entity<ordering<E>> {
  using type = E;
};
template <class O>
using order_entity_t = typename order_entity<O>::type;
template <class O, class R>
concept order_for = requires {
  typename order_entity<O>::type;
}
&&over_result<typename order_entity<O>::type, R>;

template <class T, class E>
expr_node_ptr order_node(const expr<T, E>& e) {
  return e.node();
}
template <class E>
expr_node_ptr order_node(const ordering<E>& o) {
  return o.node;
}

// The C++ type of a typed result item.
template <class T>
struct item_result {
  using type = T;
};
template <class E2>
struct item_result<many<E2>> {};  // a collection is no result item
template <class... Ts>
struct items_result {
  using type = std::tuple<typename item_result<Ts>::type...>;
};
template <class T>
struct items_result<T> {
  using type = typename item_result<T>::type;
};
}  // namespace detail

}  // namespace nextorm
