// A query: a generator string plus a method chain, compiled once per distinct shape and cached.
// Queries are immutable values; every method returns a new query.
#pragma once

#include <nextorm/detail/member_ref.hpp>
#include <nextorm/detail/raw_result.hpp>
#include <nextorm/detail/row_converter.hpp>
#include <nextorm/detail/value_traits.hpp>
#include <nextorm/entity_base.hpp>
#include <nextorm/entity_ptr.hpp>
#include <nextorm/errors.hpp>
#include <nextorm/expr.hpp>
#include <nextorm/params.hpp>
#include <nextorm/value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <iostream>  // show() prints to std::cout; programs rely on the umbrella for it
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace nextorm {

// A prefetch path of several levels, each a member of the entity the previous one leads to:
// `attr_path(&Product::category, &Category::dept)` is "category.dept".
struct attr_path {
  template <class... Members>
  explicit attr_path(Members... members) : steps{detail::member_of(members)...} {}
  std::vector<detail::member_ref> steps;
};

namespace detail {
// "category.dept": the attribute names of `steps`, resolved in the query's database.
[[nodiscard]] std::string member_path(const query_state_ptr& q,
                                      const std::vector<member_ref>& steps);

template <class P>
concept prefetch_path_arg = std::is_convertible_v<const P&, std::string_view> ||
    std::is_member_object_pointer_v<P> || std::is_same_v<P, attr_path>;

template <class P>
std::string path_text(const query_state_ptr& q, const P& path) {
  if constexpr (std::is_convertible_v<const P&, std::string_view>) {
    return std::string{std::string_view{path}};
  } else if constexpr (std::is_same_v<P, attr_path>) {
    return member_path(q, path.steps);
  } else {
    return member_path(q, {member_of(path)});
  }
}
}  // namespace detail

// The rows of a query. For entities the elements are pointers to session-owned objects, and
// iteration yields references. A result keeps its objects alive: after its db_session has ended
// their loaded attributes stay readable (a change or a lazy load throws session.over).
template <class R>
class result {
 public:
  using element = typename detail::row_converter<R>::type;

  class iterator {
   public:
    using base = typename std::vector<element>::const_iterator;
    using difference_type = std::ptrdiff_t;
    using value_type = std::remove_pointer_t<element>;
    iterator() = default;
    explicit iterator(base it) : m_it{it} {}
    decltype(auto) operator*() const {
      if constexpr (std::is_pointer_v<element>) {
        return **m_it;
      } else {
        return *m_it;
      }
    }
    iterator& operator++() {
      ++m_it;
      return *this;
    }
    iterator operator++(int) { return iterator{m_it++}; }
    friend bool operator==(const iterator&, const iterator&) = default;

   private:
    base m_it;
  };

  result() = default;
  explicit result(std::vector<element> items,
                  std::shared_ptr<const std::vector<std::string>> columns = {},
                  std::shared_ptr<void> keeper = {})
      : m_items{std::move(items)}, m_columns{std::move(columns)}, m_keeper{std::move(keeper)} {}
  // The names of the result's items (`p`, `p.name`, ...), for headers.
  [[nodiscard]] const std::vector<std::string>& columns() const noexcept {
    static const std::vector<std::string> none;
    return m_columns ? *m_columns : none;
  }
  [[nodiscard]] std::size_t size() const noexcept { return m_items.size(); }
  [[nodiscard]] bool empty() const noexcept { return m_items.empty(); }
  // Entities come out as references, everything else as it is stored.
  [[nodiscard]] decltype(auto) operator[](std::size_t i) const {
    if constexpr (std::is_pointer_v<element>) {
      return *m_items[i];
    } else {
      return (m_items[i]);
    }
  }
  [[nodiscard]] auto begin() const noexcept { return iterator{m_items.begin()}; }
  [[nodiscard]] auto end() const noexcept { return iterator{m_items.end()}; }
  [[nodiscard]] const std::vector<element>& items() const noexcept { return m_items; }

 private:
  std::vector<element> m_items;
  std::shared_ptr<const std::vector<std::string>> m_columns;
  std::shared_ptr<void> m_keeper;
};

template <class E, class R>
class typed_query;

template <class R = row>
class query {
 public:
  using element = typename detail::row_converter<R>::type;
  // First, get and friends give an entity_ptr for entities (null for none; it keeps the object
  // alive beyond the session, and converts to E*) and an optional for everything else.
  using maybe = std::conditional_t<detail::is_entity_v<R>, entity_ptr<R>, std::optional<element>>;

  explicit query(detail::query_state_ptr state) : m_state{std::move(state)} {}

  // Adds a condition over the query's result (`p.price < 20`, or `lambda p: p.price < 20`).
  [[nodiscard]] query filter(std::string_view text, params args = {}) const {
    return query{detail::add_modifier(m_state, 0, std::string{text}, std::move(args))};
  }
  // Adds a condition over the loop variables.
  [[nodiscard]] query where(std::string_view text, params args = {}) const {
    return query{detail::add_modifier(m_state, 1, std::string{text}, std::move(args))};
  }
  // Typed conditions (expr.hpp) over the query's object: `filter(col(&Product::price) < 20)`.
  // On a query of an entity they are over its objects (another entity's does not compile); on
  // nextorm::select(col(...), ...) over its loop's objects; elsewhere over the result's one
  // item (filter) or the one loop variable (where), else a query error.
  template <class C>
  requires detail::condition_for<C, R>
  [[nodiscard]] query filter(const C& condition) const {
    return query{
        detail::add_typed_modifier(m_state, 0, C::entity_type::entity_name(), {condition.node()})};
  }
  template <class C>
  requires detail::condition_for<C, R>
  [[nodiscard]] query where(const C& condition) const {
    return query{
        detail::add_typed_modifier(m_state, 1, C::entity_type::entity_name(), {condition.node()})};
  }
  // Typed orders: `order_by(desc(col(&Product::price)), col(&Product::name))`.
  template <class... O>
  requires(sizeof...(O) > 0 && (detail::order_for<O, R> && ...)) [[nodiscard]] query
      order_by(const O&... orders) const {
    return query{detail::add_typed_modifier(
        m_state, 2,
        detail::order_entity_t<std::tuple_element_t<0, std::tuple<O...>>>::entity_name(),
        {detail::order_node(orders)...})};
  }
  // `desc(p.price), p.name`, `lambda p: p.name`, `-2, 1` (result columns), or `None`.
  [[nodiscard]] query order_by(std::string_view text) const {
    return query{detail::add_modifier(m_state, 2, std::string{text}, {})};
  }
  // The same as order_by() (PonyORM's other name for it).
  [[nodiscard]] query sort_by(std::string_view text) const { return order_by(text); }
  [[nodiscard]] query distinct() const { return query{detail::add_modifier(m_state, 3, {}, {})}; }
  [[nodiscard]] query without_distinct() const {
    return query{detail::add_modifier(m_state, 4, {}, {})};
  }
  // SELECT ... FOR UPDATE [NOWAIT | SKIP LOCKED] (not written on SQLite, as in PonyORM).
  [[nodiscard]] query for_update(bool nowait = false, bool skip_locked = false) const {
    return query{detail::add_modifier(m_state, 5,
                                      nowait        ? "nowait"
                                      : skip_locked ? "skip_locked"
                                                    : "",
                                      {})};
  }

  // PonyORM's prefetch: once the rows are read, the relations and lazy attributes that the
  // paths name are loaded for every object of the result, one statement per level (and per few
  // thousand objects) rather than one per object when each is first used:
  //   select<Product>("p for p in Product").prefetch("p.tags", "p.category.dept", "p.notes")
  // A path is attribute names from the result's objects, after the loop variable's name if it
  // is given; in a tuple result it applies to the items whose entity has its first attribute.
  // A name that is not there, or a plain value, is query.prefetch. Objects whose key has
  // several attributes have their collections loaded one by one.
  // Typed paths name the attributes by their members: `prefetch(&Product::tags)`, and a path
  // of several levels `prefetch(nextorm::attr_path(&Product::category, &Category::dept))`.
  template <class... Paths>
  requires(sizeof...(Paths) > 0 && (detail::prefetch_path_arg<Paths> && ...)) [[nodiscard]] query
      prefetch(const Paths&... paths) const {
    return query{detail::add_prefetch(m_state, {detail::path_text(m_state, paths)...})};
  }

  [[nodiscard]] result<R> fetch() const { return rows(); }
  // At most `n` rows after the first `offset`; both are counts, refused when negative (SQLite
  // would read a negative limit as "all" and PostgreSQL refuse it: the same answer everywhere).
  [[nodiscard]] result<R> limit(std::int64_t n, std::int64_t offset = 0) const {
    if (n < 0) detail::throw_negative_limit(n);
    if (offset < 0) detail::throw_negative_offset(offset);
    return rows(n, offset);
  }
  // Page `number` (from 1) of `size` rows.
  [[nodiscard]] result<R> page(std::int64_t number, std::int64_t size = 10) const {
    if (number < 1) detail::throw_page_number(number);
    std::int64_t offset = 0;
    // (number - 1) * size must fit in 64 bits: past it no row can be there, and the product
    // would be undefined behaviour.
    if (__builtin_mul_overflow(number - 1, size, &offset)) detail::throw_page_too_far(number, size);
    return limit(size, offset);
  }
  // Python's q[start:stop]: rows start .. stop - 1 in the query's order; no stop reads to the
  // end. A negative start is a usage error.
  [[nodiscard]] result<R> slice(std::int64_t start, std::optional<std::int64_t> stop = {}) const {
    if (start < 0) {
      throw usage_error{"query.negative_slice", "the start of a query slice cannot be negative"};
    }
    if (!stop) return start == 0 ? fetch() : rows({}, start);
    return rows(*stop > start ? *stop - start : 0, start);
  }
  // `n` rows in random order.
  [[nodiscard]] result<R> random(std::int64_t n) const { return order_by("random()").limit(n); }
  [[nodiscard]] std::int64_t count(bool distinct_values = false) const {
    return run(detail::terminal::count, {}, {}, distinct_values).cells.at(0).v.as_int();
  }
  [[nodiscard]] bool exists() const { return run(detail::terminal::exists).rows() != 0; }
  // The first row in the query's order (by primary key when unordered), or none.
  [[nodiscard]] maybe first() const { return single(checked_run(detail::terminal::first)); }
  // The only row, or none; more than one throws multiple_objects_found.
  [[nodiscard]] maybe get() const { return single(checked_run(detail::terminal::get)); }
  // Aggregates of a single-column result; NULL (None) over no rows.
  [[nodiscard]] value sum(bool distinct_values = false) const {
    return aggregate(detail::terminal::sum, distinct_values);
  }
  [[nodiscard]] value avg(bool distinct_values = false) const {
    return aggregate(detail::terminal::avg, distinct_values);
  }
  [[nodiscard]] value min() const { return aggregate(detail::terminal::min, false); }
  // The values of a one-item result joined by `sep`: a str, or None over no rows.
  [[nodiscard]] value group_concat(std::string_view sep = ",", bool distinct_values = false) const {
    query q = sep == "," ? *this : query{detail::add_modifier(m_state, 6, std::string{sep}, {})};
    return q.aggregate(detail::terminal::group_concat, distinct_values);
  }
  [[nodiscard]] value max() const { return aggregate(detail::terminal::max, false); }
  // Deletes the selected objects in one statement; returns the number of rows deleted.
  std::int64_t remove() const { return run(detail::terminal::remove).cells.at(0).v.as_int(); }
  // Sets attributes of the selected objects in one UPDATE; returns the number of rows updated.
  // Each value is an expression over the object's own attributes, the parameters and constants:
  //   select<Product>("p for p in Product if p.category.name == c", {{"c", "toys"}})
  //       .update({{"price", "p.price * rate"}, {"summary", "'sale'"}}, {{"rate", 0.9}});
  // The session's objects of the entity read the values the rows hold after it.
  std::int64_t update(std::initializer_list<std::pair<std::string_view, std::string_view>> values,
                      params args = {}) const {
    query q{detail::add_assignments(m_state, values, std::move(args))};
    return q.run(detail::terminal::update).cells.at(0).v.as_int();
  }
  // The SQL the query runs, for the database it is bound to.
  [[nodiscard]] std::string get_sql() const { return detail::query_sql(m_state); }
  // The names of the result's items, as written in the query (`s`, `s.name`), for headers.
  [[nodiscard]] std::vector<std::string> columns() const { return detail::query_columns(m_state); }
  // PonyORM's q.show(): fetches the rows and prints them as a table with a header; an object
  // alone shows its attributes as columns, an object in a tuple shows as Entity[key].
  void show(std::ostream& out = std::cout) const { detail::show_query(m_state, out); }

  // A query is a parameter of another query, as the source of a loop:
  // `select<Product>("x for x in q if x.price > 3", {{"q", cheap}})` (PonyORM's query over a
  // query's result). Its conditions join the outer query's; it must have no order_by().
  operator param_value() const { return param_value{detail::as_nested(m_state)}; }

  // Iterating a query fetches it.
  [[nodiscard]] auto begin() const { return fetched().begin(); }
  [[nodiscard]] auto end() const { return fetched().end(); }

 private:
  detail::raw_result run(detail::terminal t, std::optional<std::int64_t> limit = {},
                         std::optional<std::int64_t> offset = {}, bool distinct = false) const {
    return detail::run_query(m_state, t, distinct, limit, offset);
  }
  // A run whose rows become R: the plan's result shape is checked against R before it runs.
  static constexpr detail::result_check check{&detail::row_converter<R>::fits,
                                              &detail::row_converter<R>::label};
  detail::raw_result checked_run(detail::terminal t, std::optional<std::int64_t> limit = {},
                                 std::optional<std::int64_t> offset = {}) const {
    return detail::run_query(m_state, t, false, limit, offset, nullptr, &check);
  }
  // The rows of the query. Objects of an entity result go straight into the result's vector.
  result<R> rows(std::optional<std::int64_t> limit = {},
                 std::optional<std::int64_t> offset = {}) const {
    if constexpr (detail::is_entity_v<R>) {
      std::vector<R*> items;
      const detail::object_sink sink{
          &items, [](void* out, entity_base* object) {
            static_cast<std::vector<R*>*>(out)->push_back(static_cast<R*>(object));
          }};
      detail::raw_result r =
          detail::run_query(m_state, detail::terminal::fetch, false, limit, offset, &sink, &check);
      if (r.objects_only) return result<R>{std::move(items), r.column_names, r.keeper};
      return convert(r);
    } else {
      return convert(checked_run(detail::terminal::fetch, limit, offset));
    }
  }
  value aggregate(detail::terminal t, bool distinct) const {
    return run(t, {}, {}, distinct).cells.at(0).v;
  }
  static element convert_row(const detail::raw_result& r, std::size_t i) {
    if (r.objects_only) {
      if constexpr (detail::is_entity_v<R>) {
        return static_cast<element>(r.objects[i]);
      } else {
        // A one-item row (fits() checked the width); sized for R so that every R compiles.
        std::array<detail::result_cell, detail::row_width<R>> cells{};
        cells[0].object = r.objects[i];
        if constexpr (std::is_same_v<R, row>) {
          return detail::row_converter<R>::convert(cells.data(), 1);
        } else {
          return detail::row_converter<R>::convert(cells.data());
        }
      }
    }
    if constexpr (std::is_same_v<R, row>) {
      return detail::row_converter<R>::convert(&r.cells[i * r.width], r.width);
    } else {
      return detail::row_converter<R>::convert(&r.cells[i * r.width]);
    }
  }
  static result<R> convert(const detail::raw_result& r) {
    std::vector<element> items;
    items.reserve(r.rows());
    for (std::size_t i = 0; i < r.rows(); ++i) items.push_back(convert_row(r, i));
    return result<R>{std::move(items), r.column_names, r.keeper};
  }
  static maybe single(const detail::raw_result& r) {
    if (r.rows() == 0) return maybe{};
    if constexpr (detail::is_entity_v<R>) {
      return maybe{convert_row(r, 0), r.keeper};
    } else {
      return maybe{convert_row(r, 0)};
    }
  }
  const result<R>& fetched() const {
    if (!m_fetched) m_fetched = std::make_shared<result<R>>(fetch());
    return *m_fetched;
  }

  template <class, class>
  friend class typed_query;

  detail::query_state_ptr m_state;
  mutable std::shared_ptr<result<R>> m_fetched;
};

// `select<Product>("p for p in Product if p.price < limit", {{"limit", 20}})` in the current
// session. R is an entity, a scalar, a std::tuple of those, or `row` (untyped).
template <class R = row>
[[nodiscard]] query<R> select(std::string_view text, params args = {}) {
  return query<R>{detail::make_query(std::string{text}, {}, std::move(args))};
}

// The values of typed expressions (expr.hpp) for each object of their entity:
// `select(col(&Product::name), col(&Product::price))` is a query<std::tuple<std::string,
// double>>, one item a query of its type (std::optional<T> for an Opt<T>; E* for a reference).
// Its typed conditions and orders are over E's objects (whatever the items are).
template <class E, class R>
class typed_query : public query<R> {
 public:
  explicit typed_query(query<R> q) : query<R>{std::move(q)} {}

  template <class C>
  requires detail::condition_for<C, E>
  [[nodiscard]] typed_query filter(const C& condition) const {
    return typed_query{query<R>{
        detail::add_typed_modifier(this->m_state, 0, E::entity_name(), {condition.node()})}};
  }
  template <class C>
  requires detail::condition_for<C, E>
  [[nodiscard]] typed_query where(const C& condition) const {
    return typed_query{query<R>{
        detail::add_typed_modifier(this->m_state, 1, E::entity_name(), {condition.node()})}};
  }
  template <class... O>
  requires(sizeof...(O) > 0 && (detail::order_for<O, E> && ...)) [[nodiscard]] typed_query
      order_by(const O&... orders) const {
    return typed_query{query<R>{detail::add_typed_modifier(this->m_state, 2, E::entity_name(),
                                                           {detail::order_node(orders)...})}};
  }
  // The text forms, over the loop variable `self`.
  [[nodiscard]] typed_query filter(std::string_view text, params args = {}) const {
    return typed_query{query<R>::filter(text, std::move(args))};
  }
  [[nodiscard]] typed_query where(std::string_view text, params args = {}) const {
    return typed_query{query<R>::where(text, std::move(args))};
  }
  [[nodiscard]] typed_query order_by(std::string_view text) const {
    return typed_query{query<R>::order_by(text)};
  }
};

template <class E, class... Ts>
requires(sizeof...(Ts) > 0 && (!detail::collection_value<Ts> && ...))
    [[nodiscard]] typed_query<E, typename detail::items_result<Ts...>::type> select(
        const expr<Ts, E>&... items) {
  using R = typename detail::items_result<Ts...>::type;
  return typed_query<E, R>{query<R>{detail::typed_select(E::entity_name(), {items.node()...})}};
}

// PonyORM's left_join: `left_join<std::tuple<Category, std::int64_t>>("(c, count(p)) for c in
// Category for p in c.products")`. The loops after the first are LEFT JOINs, so a category
// without products is a row (count 0; a missing object is null). The same as select() of the
// text `left_join(<generator>)`.
template <class R = row>
[[nodiscard]] query<R> left_join(std::string_view text, params args = {}) {
  std::string wrapped = "left_join(";
  wrapped += text;
  wrapped += ')';
  return query<R>{detail::make_query(std::move(wrapped), {}, std::move(args))};
}

}  // namespace nextorm
