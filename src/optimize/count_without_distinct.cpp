// Count without DISTINCT: `count(p)` means the number of distinct objects, so it lowers to
// COUNT(DISTINCT p.key) as in PonyORM. When p is the only loop variable of its query (or
// subquery) and every other source there is a join along a to-one reference, no row of p can
// appear twice, and the DISTINCT only makes the database sort or hash every key: COUNT(*) gives
// the same number (p's key is never NULL: p is not outer-joined, the to-one joins are inner).
#include "optimize/optimizer.hpp"

namespace nextorm::optimize {

namespace {

// The query being rewritten: rewrite_all takes a plain function.
thread_local const ir::query* t_query = nullptr;

// True when a join along `s` gives each row of its parent at most one row: a Single that holds
// the foreign key. (Every join has its `via`. The keyless side of a one-to-one joins on the
// other table's foreign key and is left out, to be safe.)
bool to_one(const ir::source& s) noexcept {
  return s.is_join() && s.via->kind == attr_kind::single && !s.via->key_in_reverse;
}

// True when each row of the query (in `counted`'s scope) holds a different object of `counted`.
// `counted` is a loop variable or a join over an entity (a derived table's targets are columns,
// a join table is never an object), and a LEFT JOINed source is a join too.
bool rows_unique(const ir::query& q, std::size_t counted) noexcept {
  const ir::source& c = q.sources[counted];
  if (c.is_join()) return false;
  for (std::size_t i = 0; i < q.sources.size(); ++i) {
    if (i == counted || q.sources[i].scope != c.scope) continue;
    if (!to_one(q.sources[i])) return false;
  }
  return true;
}

void drop_distinct(ir::expr_ptr& e) {
  if (e->kind != ir::expr_kind::aggregate) return;
  auto& a = e->as<ir::aggregate>();
  // A distinct count has its argument: count() is COUNT(*) and never distinct.
  if (a.fn != ir::aggregate_kind::count || !a.distinct) return;
  const auto* row = a.arg->try_as<ir::source_row>();
  if (row != nullptr && rows_unique(*t_query, row->source)) {
    // COUNT(*): the key is never NULL where every row is another object of p.
    a.distinct = false;
    a.arg = nullptr;
  }
}

}  // namespace

void count_without_distinct(ir::query& query) {
  t_query = &query;
  rewrite_all(query, &drop_distinct);
  t_query = nullptr;
}

}  // namespace nextorm::optimize
