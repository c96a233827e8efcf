// Statements: SELECT for fetch/first/get/exists, COUNT and aggregates (over a derived table
// when the rows must be distinct, grouped or limited first), DELETE for remove().
#include "lower/lowering.hpp"
#include "lower/sql_builder.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace nextorm::lower {

namespace {

using lower::param_slot;

class statement {
 public:
  statement(const ir::query& q, const dialect& d, lower::plan& out)
      : m_query{q}, m_plan{out}, m_sql{d, q, out} {}

  void build();

 private:
  // The result columns; `aliased` names them c1, c2, ... for a derived table.
  void projection(bool aliased);
  void select_rows(bool aliased);  // SELECT [DISTINCT] ... FROM ... [GROUP BY] [ORDER BY] [LIMIT]
  void from_where();
  void group_by();
  void order_by();
  void keep_distinct_order(std::size_t distinct_at, std::size_t order_at);
  void limit();
  void count();
  void aggregate(const affixes& fn);
  void remove();
  void update();
  // `WHERE key IN (SELECT key FROM ... WHERE ...)` of remove() and update() where the rows are
  // not those of one table alone; the conditions alone otherwise.
  void where_rows(const entity_info& entity, std::size_t source);
  void group_concat();
  void lock();
  void scalar_shape(value_type type, std::string name);
  [[nodiscard]] bool limited() const noexcept { return m_query.has_limit || m_query.has_offset; }
  [[nodiscard]] bool grouped() const noexcept {
    return !m_query.group_by.empty() || !m_query.having.empty();
  }
  // The result column(s) of item `position` (1-based) as ORDER BY terms: "3", or for an object
  // its key's columns joined by `separator`, "1, 2".
  [[nodiscard]] std::string order_column(std::size_t position, std::string_view separator) const;
  // Result item `position` (1-based) when it is a sum or average that the dialect writes as text
  // (SQLite's exact decimal_sum, decimal_avg); else null.
  [[nodiscard]] const ir::expr* text_sum(std::size_t position) const;

  const ir::query& m_query;
  lower::plan& m_plan;
  sql_builder m_sql;
  // Where projection() wrote each SQL column and order_by() each term: [begin, end) of m_plan.sql.
  std::vector<std::pair<std::size_t, std::size_t>> m_column_text;
  std::vector<std::pair<std::size_t, std::size_t>> m_order_text;
};

void statement::build() {
  m_plan.sql.reserve(256);
  switch (m_query.terminal) {
    case ir::terminal::count: return count();
    case ir::terminal::sum:
    case ir::terminal::avg: {
      const bool average = m_query.terminal == ir::terminal::avg;
      return aggregate(m_sql.sum_or_avg(average, m_query.distinct_aggregate,
                                        *m_query.result.items.front().expr, true));
    }
    case ir::terminal::min: return aggregate({"MIN(", ")"});
    case ir::terminal::max: return aggregate({"MAX(", ")"});
    case ir::terminal::remove: return remove();
    case ir::terminal::update: return update();
    case ir::terminal::exists:
      // exists(<generator>) as the whole query reads one row holding the answer.
      if (m_query.value_terminal) m_sql.text("SELECT EXISTS (");
      m_sql.text("SELECT 1");
      from_where();
      group_by();
      if (limited()) {
        limit();
      } else {
        m_sql.text(" LIMIT 1");
      }
      if (!m_query.value_terminal) return scalar_shape(value_type::integer, "exists");
      m_sql.text(")");
      return scalar_shape(value_type::boolean, "exists");
    default: break;
  }
  if (m_query.terminal == ir::terminal::group_concat) return group_concat();
  select_rows(false);
  // first() and get() read one row, or two to tell "several"; a limit of the query's own wins.
  if (!limited() && m_query.terminal == ir::terminal::first) m_sql.text(" LIMIT 1");
  if (!limited() && m_query.terminal == ir::terminal::get) m_sql.text(" LIMIT 2");
  lock();
}

void statement::lock() {
  if (m_query.lock == ir::lock_mode::none || !m_sql.sql_dialect().has_for_update()) return;
  if ((m_query.distinct || grouped()) && !m_sql.sql_dialect().has_for_update_of_distinct()) {
    m_sql.unsupported("for_update() of a DISTINCT or grouped query (use without_distinct())");
  }
  m_sql.text(" FOR UPDATE");
  if (m_query.lock == ir::lock_mode::nowait) m_sql.text(" NOWAIT");
  if (m_query.lock == ir::lock_mode::skip_locked) m_sql.text(" SKIP LOCKED");
}

// The values of the query's single result item joined: GROUP_CONCAT over its rows, as PonyORM
// (no DISTINCT unless asked, whatever the query's own).
void statement::group_concat() {
  if (grouped() || limited()) {
    m_sql.unsupported("group_concat() of a grouped or sliced query");
  }
  const ir::expr& item = *m_query.result.items.front().expr;
  ir::aggregate all{ir::scalar_type(value_type::text), item.span, ir::aggregate_kind::group_concat,
                    ir::clone(item), m_query.distinct_aggregate};
  all.separator = m_query.separator;
  m_sql.text("SELECT ");
  m_sql.expr(all);
  from_where();
  scalar_shape(value_type::text, "group_concat");
}

void statement::projection(bool aliased) {
  auto& shape = m_plan.shape;
  shape.is_tuple = m_query.result.is_tuple;
  std::size_t column = 0;
  m_column_text.clear();
  std::size_t begin = 0;
  auto next = [&] {
    if (column > 0) m_sql.text(", ");
    begin = m_plan.sql.size();
  };
  const auto& names = m_query.column_aliases;
  auto alias = [&] {
    m_column_text.emplace_back(begin, m_plan.sql.size());
    if (!names.empty()) {
      m_sql.text(" AS ");
      m_sql.quoted(names[shape.items.size()]);
      return;
    }
    if (!aliased) return;
    m_sql.text(" AS ");
    // Not `"c" + std::to_string(...)`: g++ 12 at -O3 reports a false -Wrestrict in the string
    // prepend (GCC bug 105329).
    m_sql.quoted(std::string{"c"}.append(std::to_string(column + 1)));
  };
  for (const auto& item : m_query.result.items) {
    const ir::expr& e = *item.expr;
    lower::result_item out;
    out.first_column = column;
    out.type = e.type.scalar;
    const auto* row = e.try_as<ir::source_row>();
    // An object in a derived table is its key, which the outer query's reference names.
    const entity_info* entity = row != nullptr ? m_query.sources[row->source].entity : nullptr;
    // (Not in a derived table, `names`, where key() refuses such an object.)
    if (names.empty() && lower::sql_builder::composite(e) &&
        (row == nullptr || m_query.sources[row->source].left)) {
      // A LEFT JOINed object or a reference with a key of several columns: each of them (NULL
      // for none).
      const std::size_t parts = e.type.entity->key_columns.size();
      for (std::size_t i = 0; i < parts; ++i) {
        next();
        m_sql.key_part(e, i);
        alias();
        ++column;
      }
      out.entity = e.type.entity;
      out.column_count = parts;
      out.key_only = true;
    } else if (row != nullptr && (m_query.sources[row->source].left || !names.empty())) {
      // A LEFT JOINed object may be missing: its key alone (NULL for none), loaded later.
      next();
      m_sql.key(e);
      alias();
      ++column;
      out.entity = entity;
      out.key_only = true;
    } else if (row != nullptr) {
      const entity_info& entity = *m_query.sources[row->source].entity;
      out.entity = &entity;
      out.column_count = entity.load_width;
      for (const attr_info* attr : entity.load_columns) {
        for (const auto& name : attr->column_names()) {
          next();
          m_sql.column(row->source, name);
          alias();
          ++column;
        }
      }
    } else {
      next();
      // A derived table's or subquery's column is compared and computed with: numbers only.
      if (aliased || !names.empty()) {
        m_sql.expr(e);
      } else {
        m_sql.result_column(e);
      }
      alias();
      ++column;
      out.entity = e.type.entity;
      out.key_only = e.type.is_entity();
      const auto* f = e.try_as<ir::function>();
      out.json_unwrap = f != nullptr && f->fn == ir::function_kind::json_get;
    }
    shape.items.push_back(out);
    shape.column_names.push_back(item.name);
  }
}

void statement::select_rows(bool aliased) {
  m_sql.text("SELECT ");
  const std::size_t distinct_at = m_plan.sql.size();
  if (m_query.distinct) m_sql.text("DISTINCT ");
  projection(aliased);
  from_where();
  group_by();
  const std::size_t order_at = m_plan.sql.size();
  order_by();
  keep_distinct_order(distinct_at, order_at);
  limit();
}

// An ORDER BY term that is not a result column (`s.name for s in Student` ordered by s.id) of
// rows that are distinct or grouped: PostgreSQL refuses it (42P10, or "must appear in the GROUP
// BY clause"), and SQLite and MariaDB order each row by the term of some source row of its own.
// PonyORM drops a DISTINCT it added itself; NextORM keeps the rows distinct
// (docs/pony-differences.md#distinct-with-order_by) and writes the same rows in the same order
// on every provider: a distinct result becomes GROUP BY its columns (as DISTINCT, NULLs equal),
// and each such term orders by its smallest value in the group (its largest when descending),
// which for one term is where the row first appears in the rows ordered without DISTINCT.
void statement::keep_distinct_order(std::size_t distinct_at, std::size_t order_at) {
  if (m_order_text.empty()) return;
  bool grouped_rows = grouped();
  for (const auto& item : m_query.result.items) {
    grouped_rows = grouped_rows || ir::has_aggregate(*item.expr);
  }
  if (!grouped_rows && !m_query.distinct) return;
  const std::string& sql = m_plan.sql;
  auto text_of = [&](const std::pair<std::size_t, std::size_t>& at) {
    return std::string_view{sql}.substr(at.first, at.second - at.first);
  };
  // A position (order_by(2)) names a result column; an expression is one when a column reads
  // the same; an aggregate (grouped rows) is one value per group.
  auto in_result = [&](std::size_t i) {
    const ir::order_item& item = m_query.order[i];
    if (!item.expr || (grouped_rows && ir::has_aggregate(*item.expr))) return true;
    return std::any_of(m_column_text.begin(), m_column_text.end(), [&](const auto& column) {
      return text_of(column) == text_of(m_order_text[i]);
    });
  };
  bool all_in_result = true;
  for (std::size_t i = 0; i < m_query.order.size(); ++i) {
    all_in_result = all_in_result && in_result(i);
  }
  if (all_in_result) return;
  std::string tail;
  if (!grouped_rows) {
    tail = " GROUP BY ";
    for (std::size_t column = 1; column <= m_column_text.size(); ++column) {
      if (column > 1) tail += ", ";
      tail += std::to_string(column);
    }
  }
  tail += " ORDER BY ";
  for (std::size_t i = 0; i < m_query.order.size(); ++i) {
    const ir::order_item& item = m_query.order[i];
    const std::string_view term = text_of(m_order_text[i]);
    if (i > 0) tail += ", ";
    if (in_result(i)) {
      tail += term;
    } else {
      tail += item.descending ? "MAX(" : "MIN(";
      tail += term;
      tail += ')';
    }
    if (item.descending) tail += " DESC";
  }
  // The terms' parameters keep their places: only ordinals and function names are added.
  m_plan.sql.replace(order_at, std::string::npos, tail);
  if (!grouped_rows) m_plan.sql.erase(distinct_at, std::string_view{"DISTINCT "}.size());
}

void statement::from_where() { m_sql.from_where(0, m_query.filter); }

void statement::group_by() {
  if (!grouped()) return;
  if (m_query.group_by.empty()) return m_sql.having(m_query.having);
  m_sql.text(" GROUP BY ");
  bool first = true;
  for (const auto& key : m_query.group_by) {
    if (const auto* row = key->try_as<ir::source_row>()) {
      for (const attr_info* attr : m_query.sources[row->source].entity->load_columns) {
        for (const auto& name : attr->column_names()) {
          if (!first) m_sql.text(", ");
          first = false;
          m_sql.column(row->source, name);
        }
      }
      continue;
    }
    if (lower::sql_builder::composite(*key)) {
      // A reference to an object whose key has several columns: each of them.
      for (std::size_t i = 0; i < key->type.entity->key_columns.size(); ++i) {
        if (!first) m_sql.text(", ");
        first = false;
        m_sql.key_part(*key, i);
      }
      continue;
    }
    if (!first) m_sql.text(", ");
    first = false;
    m_sql.expr(*key);
  }
  m_sql.having(m_query.having);
}

std::string statement::order_column(std::size_t position, std::string_view separator) const {
  std::size_t column = 1;
  auto whole = [&](const ir::expr& e) {
    const auto* row = e.try_as<ir::source_row>();
    return row != nullptr && !m_query.sources[row->source].left ? row : nullptr;
  };
  for (std::size_t i = 0; i + 1 < position; ++i) {
    const auto* row = whole(*m_query.result.items[i].expr);
    const ir::expr& e = *m_query.result.items[i].expr;
    // (An object of a LEFT JOIN or a reference with a key of several columns: those columns.)
    column += row != nullptr                     ? m_query.sources[row->source].entity->load_width
              : lower::sql_builder::composite(e) ? e.type.entity->key_columns.size()
                                                 : 1;
  }
  if (const auto* row = whole(*m_query.result.items[position - 1].expr)) {
    // The object's key columns: finalize() puts the key among the entity's columns.
    const entity_info& entity = *m_query.sources[row->source].entity;
    const auto& columns = entity.load_columns;
    std::string out;
    for (const attr_info* key : entity.key_attrs) {
      // (By column: in a hierarchy, load_columns are the root's attributes.)
      const auto at = std::find_if(columns.begin(), columns.end(),
                                   [&](const attr_info* c) { return c->column == key->column; });
      const std::size_t first =
          column + entity.load_offsets[static_cast<std::size_t>(at - columns.begin())];
      // (A key of keys: each column of the referred key.)
      for (std::size_t i = 0; i < key->column_names().size(); ++i) {
        if (!out.empty()) out += separator;
        out += std::to_string(first + i);
      }
    }
    return out;
  }
  const ir::expr& e = *m_query.result.items[position - 1].expr;
  if (!lower::sql_builder::composite(e)) return std::to_string(column);
  std::string out;  // a key of several columns, the result's alone
  for (std::size_t i = 0; i < e.type.entity->key_columns.size(); ++i) {
    if (i > 0) out += separator;
    out += std::to_string(column + i);
  }
  return out;
}

const ir::expr* statement::text_sum(std::size_t position) const {
  const ir::expr& e = *m_query.result.items[position - 1].expr;
  const auto* a = e.try_as<ir::aggregate>();
  const bool sum =
      a != nullptr && (a->fn == ir::aggregate_kind::sum || a->fn == ir::aggregate_kind::avg);
  if (!sum || !a->arg->type.is(value_type::decimal)) return nullptr;
  return m_sql.sql_dialect().decimal_aggregate(a->fn == ir::aggregate_kind::avg).empty() ? nullptr
                                                                                         : &e;
}

void statement::order_by() {
  m_order_text.clear();
  if (m_query.order.empty()) return;
  m_sql.text(" ORDER BY ");
  for (std::size_t i = 0; i < m_query.order.size(); ++i) {
    const ir::order_item& item = m_query.order[i];
    if (i > 0) m_sql.text(", ");
    const std::size_t begin = m_plan.sql.size();
    if (item.expr && lower::sql_builder::composite(*item.expr)) {
      // An object whose key has several columns: by each, in the item's direction (PonyORM's).
      const std::size_t parts = item.expr->type.entity->key_columns.size();
      for (std::size_t k = 0; k < parts; ++k) {
        if (k > 0) m_sql.text(item.descending ? " DESC, " : ", ");
        m_sql.key_part(*item.expr, k);
      }
    } else if (item.expr) {
      m_sql.expr(*item.expr);
    } else if (const ir::expr* sum = text_sum(item.position)) {
      // The column is the exact sum's text, which would sort as text ('900.43' after
      // '6364.30'): by the sum as a number instead.
      m_sql.expr(*sum);
    } else {
      // An object's key columns each in the item's direction.
      m_sql.text(order_column(item.position, item.descending ? " DESC, " : ", "));
    }
    m_order_text.emplace_back(begin, m_plan.sql.size());
    if (item.descending) m_sql.text(" DESC");
  }
}

void statement::limit() {
  if (!limited()) return;
  std::string limit_ph, offset_ph;
  const dialect& d = m_sql.sql_dialect();
  // Placeholders are numbered in text order: the limit comes first.
  std::size_t index = m_plan.params.size();
  if (m_query.has_limit) {
    d.append_placeholder(limit_ph, index++);
    m_plan.params.push_back(param_slot{param_slot::source::limit, {}, std::nullopt, {}});
  }
  if (m_query.has_offset) {
    d.append_placeholder(offset_ph, index);
    m_plan.params.push_back(param_slot{param_slot::source::offset, {}, std::nullopt, {}});
  }
  m_sql.text(" ");
  d.append_limit(m_plan.sql, limit_ph, offset_ph);
}

void statement::scalar_shape(value_type type, std::string name) {
  m_plan.shape.items.push_back(lower::result_item{nullptr, type, 0, 1, false});
  m_plan.shape.column_names.push_back(std::move(name));
}

void statement::count() {
  const auto& items = m_query.result.items;
  // An aggregate without GROUP BY (`sum(p.price) for p in Product`) is one row: counted as the
  // rows of the query, never by COUNT(SUM(...)), nor by the table's rows.
  bool one_value = false;
  for (const auto& item : items) one_value = one_value || ir::has_aggregate(*item.expr);
  const bool plain = !grouped() && !one_value;
  if (m_query.count_values && items.size() == 1 && plain) {
    // count(<generator>, distinct=False): PonyORM counts the item's values that are not None
    // (every row for the loop variable itself).
    const ir::expr& item = *items.front().expr;
    if (item.kind == ir::expr_kind::source_row) {
      m_sql.text("SELECT COUNT(*)");
    } else {
      m_sql.text("SELECT COUNT(");
      m_sql.key(item);
      m_sql.text(")");
    }
    from_where();
  } else if (!m_query.distinct && plain && !limited()) {
    m_sql.text("SELECT COUNT(*)");
    from_where();
  } else if (items.size() == 1 && plain && !limited()) {
    m_sql.text("SELECT COUNT(DISTINCT ");
    m_sql.key(*items.front().expr);
    m_sql.text(")");
    from_where();
  } else {
    m_sql.text("SELECT COUNT(*) FROM (");
    select_rows(true);
    m_sql.text(") ");
    m_sql.quoted("q");
    m_plan.shape = {};
  }
  scalar_shape(value_type::integer, "count");
}

void statement::aggregate(const affixes& fn) {
  const ir::expr& item = *m_query.result.items.front().expr;
  value_type type = item.type.scalar;
  if (m_query.terminal == ir::terminal::avg && type != value_type::decimal) type = value_type::real;
  m_sql.text("SELECT ");
  m_sql.text(fn.before);
  // An item that is itself an aggregate (`sum(count(p.tags) for p in Product)`: one value over
  // every row) is aggregated from its query's row, not nested in SQL.
  if (!grouped() && !limited() && !ir::has_aggregate(item)) {
    m_sql.expr(item);
    m_sql.text(fn.after);
    from_where();
  } else {
    m_sql.quoted("q");
    m_sql.text(".");
    m_sql.quoted("c1");
    m_sql.text(fn.after);
    m_sql.text(" FROM (");
    select_rows(true);
    m_sql.text(") ");
    m_sql.quoted("q");
    m_plan.shape = {};
  }
  static constexpr std::string_view names[] = {"", "", "sum", "avg", "min", "max"};
  scalar_shape(type, std::string{names[static_cast<std::size_t>(m_query.terminal)]});
}

void statement::remove() {
  const auto& row = m_query.result.items.front().expr->as<ir::source_row>();
  const entity_info& entity = *m_query.sources[row.source].entity;
  m_sql.text("DELETE FROM ");
  m_sql.quoted(entity.table);
  where_rows(entity, row.source);
}

void statement::update() {
  const auto& row = m_query.result.items.front().expr->as<ir::source_row>();
  const entity_info& entity = *m_query.sources[row.source].entity;
  m_plan.updated = &entity;
  for (const ir::assignment& a : m_query.assignments) {
    m_plan.updated_attrs.push_back(a.attr);
    m_plan.updated_to_none.push_back(a.value->type.is_none());
  }
  // Every UPDATE moves a version attribute on, so that a session holding an old row sees it.
  const attr_info* version = entity.version_attr;
  const bool versioned =
      version != nullptr && std::find(m_plan.updated_attrs.begin(), m_plan.updated_attrs.end(),
                                      version) == m_plan.updated_attrs.end();
  if (versioned) m_plan.updated_attrs.push_back(version);
  m_sql.text("UPDATE ");
  m_sql.quoted(entity.table);
  // The values read the updated row's own columns (bind_update.cpp): without the alias, which
  // an UPDATE's table does not have.
  m_sql.set_unqualified(true);
  bool first = true;
  for (const ir::assignment& a : m_query.assignments) {
    const auto columns = a.attr->column_names();
    for (std::size_t part = 0; part < columns.size(); ++part) {
      m_sql.text(first ? " SET " : ", ");
      first = false;
      m_sql.quoted(columns[part]);
      m_sql.text(" = ");
      if (a.value->type.is_none()) {
        m_sql.text("NULL");
      } else if (columns.size() > 1) {
        m_sql.key_part(*a.value, part);
      } else if (a.value->type.is_entity()) {
        m_sql.key(*a.value);
      } else {
        m_sql.expr(*a.value);
      }
    }
  }
  if (versioned) {
    m_sql.text(", ");
    m_sql.quoted(version->column);
    m_sql.text(" = ");
    m_sql.quoted(version->column);
    m_sql.text(" + 1");
  }
  m_sql.set_unqualified(false);
  where_rows(entity, row.source);
}

void statement::where_rows(const entity_info& entity, std::size_t source) {
  if (m_query.sources.size() == 1 && !limited()) {
    // One table: PonyORM's plain form, columns without the alias.
    m_sql.set_unqualified(true);
    for (std::size_t i = 0; i < m_query.filter.size(); ++i) {
      m_sql.text(i == 0 ? " WHERE " : " AND ");
      m_sql.condition(*m_query.filter[i]);
    }
    // The rows of the entity's classes only: its table is the hierarchy's.
    if (m_sql.has_class_condition(source)) {
      m_sql.text(m_query.filter.empty() ? " WHERE " : " AND ");
      m_sql.class_condition(source);
    }
    m_sql.set_unqualified(false);
    return;
  }
  if (limited() && !m_sql.sql_dialect().has_limit_in_subquery()) {
    m_sql.unsupported(
        std::string{m_query.terminal == ir::terminal::update ? "update()" : "remove()"} +
        " of a sliced query (LIMIT in an IN subquery)");
  }
  // A composite key as a row value, `("a", "b") IN (SELECT ...)`, which the three providers have.
  const bool composite = entity.composite_key();
  m_sql.text(composite ? " WHERE (" : " WHERE ");
  for (std::size_t i = 0; i < entity.key_columns.size(); ++i) {
    if (i > 0) m_sql.text(", ");
    m_sql.quoted(entity.key_columns[i].name);
  }
  m_sql.text(composite ? ") IN (SELECT " : " IN (SELECT ");
  for (std::size_t i = 0; i < entity.key_columns.size(); ++i) {
    if (i > 0) m_sql.text(", ");
    m_sql.column(source, entity.key_columns[i].name);
  }
  from_where();
  order_by();
  limit();
  m_sql.text(")");
}

// The terminal enums mirror each other.
static_assert(static_cast<int>(ir::terminal::remove) == static_cast<int>(ir::terminal::remove));
static_assert(static_cast<int>(ir::terminal::exists) == static_cast<int>(ir::terminal::exists));
static_assert(static_cast<int>(ir::terminal::group_concat) ==
              static_cast<int>(ir::terminal::group_concat));

}  // namespace

lower::plan lower(const ir::query& query, const dialect& d) {
  lower::plan plan;
  plan.terminal = static_cast<ir::terminal>(query.terminal);
  plan.value_dependent = query.value_dependent;
  statement{query, d, plan}.build();
  return plan;
}

void derived(const ir::query& query, const dialect& d, std::string& sql,
             std::vector<lower::param_slot>& slots, bool& date_arithmetic) {
  lower::plan plan;
  plan.params = std::move(slots);
  plan.date_arithmetic = date_arithmetic;
  statement{query, d, plan}.build();
  sql += plan.sql;
  slots = std::move(plan.params);
  date_arithmetic = plan.date_arithmetic;
}

}  // namespace nextorm::lower
