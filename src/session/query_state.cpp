// Queries bound to the current session: compile through the plan cache, run, materialize.
#include <nextorm/entity.hpp>
#include <nextorm/errors.hpp>
#include <nextorm/query.hpp>

#include "exec/bind_values.hpp"
#include "exec/json_values.hpp"
#include "materialize/materializer.hpp"
#include "schema/key_values.hpp"
#include "session/prefetch.hpp"
#include "session/query_state.hpp"
#include "session/session_impl.hpp"

#include <algorithm>

namespace nextorm::detail {

namespace {

// Later values win: a filter's keyword values may rebind a name of the query.
void merge(params& into, params&& from) {
  for (auto& [name, v] : from) into.insert_or_assign(name, std::move(v));
}

session_impl& session_for(const query_state& q) {
  session_impl& session = session_impl::current();
  if (&session.db() != q.db) {
    throw usage_error("session.other_database",
                      "the query belongs to another database than the current db_session's; "
                      "open a db_session on the query's database");
  }
  return session;
}

// The result's items as the plan knows them, before any row is read.
void describe_shape(const lower::result_shape& shape, raw_result& out) {
  out.width = shape.items.size();
  out.item_entities.reserve(out.width);
  out.item_types.reserve(out.width);
  for (const lower::result_item& item : shape.items) {
    out.item_entities.push_back(item.entity);
    out.item_types.push_back(item.entity != nullptr || item.json_unwrap ? value_type::null
                                                                        : item.type);
  }
}

std::string item_label(const raw_result& r) {
  std::string out;
  for (std::size_t i = 0; i < r.width; ++i) {
    if (i != 0) out += ", ";
    if (r.item_entities[i] != nullptr) {
      out += r.item_entities[i]->name;
    } else {
      out += r.item_types[i] == value_type::null ? "a value" : type_name(r.item_types[i]);
    }
  }
  return r.width == 1 ? out : "(" + out + ")";
}

// The query for people: its text, or the entity of an entity query without a condition.
const std::string& query_text(const query_state& q) {
  return q.spec.text.empty() ? q.spec.entity : q.spec.text;
}

[[noreturn]] void throw_result_type(const query_state& q, const raw_result& r,
                                    const std::string& wanted) {
  throw usage_error("query.result_type", "the query returns " + item_label(r) + ", not " + wanted +
                                             ": '" + query_text(q) + "'");
}

// Queries passed as parameters of queries passed as parameters ..., and sequences in sequences:
// the analyzer, the plan cache and the binding of values all recurse through them, so the
// chain is refused when it is made (a query made or modified with such parameters, or passed
// as one), before it can exhaust a stack (or a destructor's).
constexpr std::size_t max_parameter_depth = 100;

// How deep `p` nests, counting no further than `limit` + 1: the walk itself stays shallow.
std::size_t parameter_depth(const param_value& p, std::size_t limit);

std::size_t parameter_depth(const params& args, std::size_t limit) {
  std::size_t deepest = 0;
  for (const auto& entry : args) {
    deepest = std::max(deepest, parameter_depth(entry.second, limit));
    if (deepest > limit) break;
  }
  return deepest;
}

std::size_t parameter_depth(const param_value& p, std::size_t limit) {
  if (limit == 0) return 1;
  if (p.is_query()) return 1 + parameter_depth(p.query().args, limit - 1);
  if (!p.is_sequence()) return 0;
  std::size_t deepest = 0;
  for (const param_value& element : p.sequence()) {
    deepest = std::max(deepest, parameter_depth(element, limit - 1));
    if (deepest >= limit) break;
  }
  return 1 + deepest;
}

// `levels` is 1 for the parameters of a query passed as a parameter, which is one level itself.
void check_parameter_depth(const params& args, std::size_t levels) {
  if (parameter_depth(args, max_parameter_depth - levels) > max_parameter_depth - levels) {
    throw usage_error("param.too_deep",
                      "the query's parameters nest more than " +
                          std::to_string(max_parameter_depth) +
                          " levels deep (a query passed as a parameter of a query passed as a "
                          "parameter ..., or sequences in sequences)");
  }
}

}  // namespace

query_state_ptr make_query(std::string text, std::string entity, params args) {
  return new_query_state(std::move(text), std::move(entity), std::move(args));
}

std::shared_ptr<query_state> new_query_state(std::string text, std::string entity, params args) {
  check_parameter_depth(args, 0);
  auto state = std::make_shared<query_state>();
  state->db = &session_impl::current().db();
  state->spec.text = std::move(text);
  state->spec.entity = std::move(entity);
  state->args = std::move(args);
  return state;
}

void throw_negative_limit(std::int64_t n) {
  throw usage_error("query.negative_limit",
                    "the limit of a query cannot be negative: got " + std::to_string(n));
}

void throw_negative_offset(std::int64_t n) {
  throw usage_error("query.negative_offset",
                    "the offset of a query cannot be negative: got " + std::to_string(n));
}

void throw_page_number(std::int64_t n) {
  throw usage_error("query.page_number",
                    "the page number of a query counts from 1: got " + std::to_string(n));
}

void throw_page_too_far(std::int64_t number, std::int64_t size) {
  throw usage_error("query.page_too_far", "page " + std::to_string(number) + " of " +
                                              std::to_string(size) +
                                              " rows starts past the 64-bit range of row offsets");
}

query_state_ptr add_modifier(const query_state_ptr& q, int kind, std::string text, params args) {
  auto state = std::make_shared<query_state>(*q);
  state->spec.modifiers.push_back(
      ir::modifier{static_cast<ir::modifier_kind>(kind), std::move(text)});
  check_parameter_depth(args, 0);
  merge(state->args, std::move(args));
  return state;
}

query_state_ptr add_assignments(
    const query_state_ptr& q,
    std::initializer_list<std::pair<std::string_view, std::string_view>> values, params args) {
  auto state = std::make_shared<query_state>(*q);
  for (const auto& [attr, expression] : values) {
    if (attr.empty() || attr.find('=') != std::string_view::npos) {
      throw usage_error("query.update",
                        "update(): '" + std::string{attr} + "' is not an attribute name");
    }
    state->spec.modifiers.push_back(
        ir::modifier{ir::modifier_kind::assign, std::string{attr} + "=" + std::string{expression}});
  }
  check_parameter_depth(args, 0);
  merge(state->args, std::move(args));
  return state;
}

const std::string& member_name(const database_impl& db, const member_ref& step,
                               std::string_view use) {
  const entity_info& entity = db.entity_of(step.type_tag);
  for (const attr_info& attr : entity.attrs) {
    if (attr.field_offset == step.offset) return attr.name;
  }
  for (const computed_info& c : entity.computed) {
    if (static_cast<std::ptrdiff_t>(c.field_offset) == step.offset) return c.name;
  }
  throw usage_error("query.prefetch", std::string{use} + ": a member of " +
                                          std::string{step.member} +
                                          " that is not one of its attributes");
}

std::string member_path(const query_state_ptr& q, const std::vector<member_ref>& steps) {
  std::string out;
  for (const member_ref& step : steps) {
    out += (out.empty() ? "" : ".") + member_name(*q->db, step, "prefetch()");
  }
  return out;
}

query_state_ptr add_prefetch(const query_state_ptr& q, std::vector<std::string> paths) {
  auto state = std::make_shared<query_state>(*q);
  state->prefetch.insert(state->prefetch.end(), std::make_move_iterator(paths.begin()),
                         std::make_move_iterator(paths.end()));
  return state;
}

namespace {

// A bound or a length that a value of a bulk update may break: the query language's condition
// under which it does (the bound a parameter), and the error it is.
struct value_limit {
  std::string condition;
  const char* id;
  std::string broken;  // "Product.price would be below its minimum 0"
};

std::string shown_bound(const value& v) {
  return v.type() == value_type::decimal ? v.as_text() : v.repr();
}

// The limits of the attributes that `q`'s update sets (value_checks.cpp checks an assignment's
// value against the same), their bounds added to `bounds`.
std::vector<value_limit> update_limits(const query_state& q, const lower::plan& plan,
                                       params& bounds) {
  const entity_info& entity = *plan.updated;
  std::vector<value_limit> out;
  std::size_t index = 0;
  for (const ir::modifier& m : q.spec.modifiers) {
    if (m.kind != ir::modifier_kind::assign) continue;
    if (plan.updated_to_none[index++]) continue;  // (None breaks no bound)
    const std::size_t eq = m.text.find('=');
    const attr_info& attr = *entity.find(m.text.substr(0, eq));  // (the plan knows it)
    const std::string x = "(" + m.text.substr(eq + 1) + ")";
    const std::string label = entity.name + "." + attr.name + " would be ";
    const auto bound = [&](const value& v, const char* op, const char* id, const char* what) {
      const std::string name = "nextorm_bound_" + std::to_string(bounds.size());
      bounds.insert_or_assign(name, param_value{v});
      out.push_back({x + op + name, id, label + what + shown_bound(v)});
    };
    if (attr.min_value) bound(*attr.min_value, " < ", "value.too_small", "below its minimum ");
    if (attr.max_value) bound(*attr.max_value, " > ", "value.too_large", "above its maximum ");
    // (A declared max_len: the length a provider gives a str without one is its column's, which
    // the database keeps itself.)
    if (attr.kind != attr_kind::single && attr.type == value_type::text && attr.max_len) {
      const std::string n = std::to_string(*attr.max_len);
      out.push_back({"len" + x + " > " + n, "value.too_long",
                     label + "longer than its " + n + " characters"});
    }
  }
  return out;
}

// The number of rows of `q` for which `condition` holds.
std::int64_t count_where(const query_state& q, const std::string& condition, const params& extra) {
  auto counted = std::make_shared<query_state>(q);
  std::erase_if(counted->spec.modifiers,
                [](const ir::modifier& m) { return m.kind == ir::modifier_kind::assign; });
  counted->spec.modifiers.push_back(ir::modifier{ir::modifier_kind::filter, condition});
  params more = extra;
  merge(counted->args, std::move(more));
  return run_query(counted, terminal::count, false, std::nullopt, std::nullopt, nullptr, nullptr)
      .cells.front()
      .v.as_int();
}

// A bulk update's values are checked as assignments are (bounds, lengths), by the database,
// before the UPDATE: one count of the rows whose new value would break one, and nothing written
// when there is one. (A check{} function runs on C++ values only: analyze refuses its attribute.)
void check_update_limits(const query_state& q, const lower::plan& plan) {
  params bounds;
  const std::vector<value_limit> limits = update_limits(q, plan, bounds);
  if (limits.empty()) return;
  std::string any;
  for (const value_limit& l : limits) any += (any.empty() ? "(" : " or (") + l.condition + ")";
  if (count_where(q, any, bounds) == 0) return;
  // Which one: the first whose count is not 0 (the last, if the rows changed meanwhile).
  std::size_t i = 0;
  while (i + 1 < limits.size() && count_where(q, limits[i].condition, bounds) == 0) ++i;
  const value_limit& l = limits[i];
  const std::string message = "update(): " + l.broken + " in " +
                              std::to_string(count_where(q, l.condition, bounds)) +
                              " row(s); nothing was updated";
  if (std::string_view{l.id} == "value.too_small") throw usage_error("value.too_small", message);
  if (std::string_view{l.id} == "value.too_large") throw usage_error("value.too_large", message);
  throw usage_error("value.too_long", message);
}

}  // namespace

raw_result run_query(const query_state_ptr& q, terminal t, bool distinct_aggregate,
                     std::optional<std::int64_t> limit, std::optional<std::int64_t> offset,
                     const object_sink* sink, const result_check* check) {
  session_impl& session = session_for(*q);
  session.flush();  // queries see the session's own changes
  ir::query_spec spec = q->spec;
  spec.terminal = static_cast<ir::terminal>(t);
  spec.distinct_aggregate = distinct_aggregate;
  spec.has_limit = limit.has_value();
  spec.has_offset = offset.has_value() && *offset != 0;
  database_impl& db = *q->db;
  auto plan = db.plans.get(spec, db.schema, db.dialect(), q->args);
  const lower::dialect& d = db.dialect();
  const std::vector<value> values =
      exec::bind_values(*plan, q->args, limit, spec.has_offset ? offset : std::nullopt,
                        {d.stores_infinity(), d.stores_nul_in_text(), d.name()});
  raw_result out;
  out.column_names =
      std::shared_ptr<const std::vector<std::string>>(plan, &plan->shape.column_names);
  describe_shape(plan->shape, out);
  if (check != nullptr && !check->fits(out)) throw_result_type(*q, out, check->wanted());
  out.keeper = session.keeper();
  if (t == terminal::update) check_update_limits(*q, *plan);
  if (t == terminal::remove || t == terminal::update) {
    out.width = 1;
    out.item_entities.assign(1, nullptr);
    out.item_types.assign(1, value_type::integer);
    out.cells.push_back(
        result_cell{nullptr, value{session.connection().execute(plan->sql, values)}});
    if (plan->date_arithmetic) session.connection().check_date_overflow(plan->sql);
    if (t == terminal::update) session.refresh_after_update(*plan->updated, plan->updated_attrs);
    return out;
  }
  // With paths to prefetch, the objects going to the caller's vector are seen here too.
  std::vector<entity_base*> sunk;
  struct both_sinks {
    const object_sink* caller;
    std::vector<entity_base*>* seen;
  } sinks{sink, &sunk};
  const object_sink seeing{&sinks, [](void* out, entity_base* object) {
                             auto* s = static_cast<both_sinks*>(out);
                             s->caller->push(s->caller->out, object);
                             s->seen->push_back(object);
                           }};
  const bool prefetching =
      !q->prefetch.empty() && (t == terminal::fetch || t == terminal::first || t == terminal::get);
  if (prefetching && sink != nullptr) sink = &seeing;
  {
    auto rows = session.connection().query(plan->sql, values);
    // first/get/exists need one or two rows; the SQL limits them unless the query has its own
    // limit, so the materializer stops there itself.
    const std::size_t max_rows = t == terminal::get                                ? 2
                                 : (t == terminal::first || t == terminal::exists) ? 1
                                                                                   : SIZE_MAX;
    materialize::materialize(*rows, plan->shape, session.objects(), out, max_rows, sink);
  }
  session.run_after_load();
  if (plan->date_arithmetic) session.connection().check_date_overflow(plan->sql);
  exec::unwrap_json(plan->shape, out);
  // Items that came as keys only (references in a result) are loaded now, after the cursor:
  // per item, every missing key in one go.
  for (std::size_t item = 0; item < out.width && !out.objects_only; ++item) {
    const entity_info* entity = out.item_entities[item];
    if (entity == nullptr || entity->construct == nullptr) continue;
    std::vector<value> keys;
    for (std::size_t i = item; i < out.cells.size(); i += out.width) {
      if (out.cells[i].object == nullptr && !out.cells[i].v.is_null())
        keys.push_back(out.cells[i].v);
    }
    if (keys.empty()) continue;
    session.load_all(*entity, keys);
    for (std::size_t i = item; i < out.cells.size(); i += out.width) {
      result_cell& cell = out.cells[i];
      if (cell.object == nullptr && !cell.v.is_null()) {
        cell.object = session.objects().find(*entity, cell.v);
      }
    }
  }
  if (t == terminal::get && out.rows() > 1) {
    throw multiple_objects_found("get() found more than one row for query '" + query_text(*q) +
                                 "'");
  }
  if (prefetching) {
    prefetch_result(session, out, out.objects_only && sink != nullptr ? sunk : out.objects,
                    q->prefetch);
  }
  return out;
}

std::string query_sql(const query_state_ptr& q) {
  database_impl& db = *q->db;
  return db.plans.get(q->spec, db.schema, db.dialect(), q->args)->sql;
}

std::shared_ptr<const nested_query> as_nested(const query_state_ptr& q) {
  check_parameter_depth(q->args, 1);
  auto out = std::make_shared<nested_query>();
  out->text = q->spec.text;
  out->entity = q->spec.entity;
  for (const auto& m : q->spec.modifiers) {
    out->modifiers.emplace_back(static_cast<std::uint8_t>(m.kind), m.text);
  }
  out->args = q->args;
  return out;
}

std::vector<std::string> query_columns(const query_state_ptr& q) {
  database_impl& db = *q->db;
  return db.plans.get(q->spec, db.schema, db.dialect(), q->args)->shape.column_names;
}

bool scalar_fits(value_type wanted, value_type got) noexcept {
  if (got == wanted || got == value_type::null) return true;
  switch (wanted) {
    case value_type::real: return got == value_type::integer;
    case value_type::text: return got >= value_type::text && got != value_type::bytes;
    default: return false;
  }
}

std::string scalar_label(value_type type) { return std::string{type_name(type)}; }

std::string keyword_condition(const params& keywords) {
  std::string text = "lambda x_: ";
  bool first = true;
  for (const auto& entry : keywords) {
    if (!first) text += " and ";
    first = false;
    text += "x_." + entry.first + " == " + entry.first;
  }
  if (first) text += "True";
  return text;
}

entity_base& create_object(const void* type_tag) {
  session_impl& session = session_impl::current();
  return session.create(session.db().entity_of(type_tag));
}

namespace {

// A key's values as its attributes take them, as PonyORM validates a key it looks up: a str or
// an int where the column holds the other is refused (rather than looked up in vain), and a key
// of one str column loses its outer whitespace where its attribute strips it (autostrip).
void check_key_column(const entity_info& entity, const value& given, std::size_t& column) {
  if (given.type() == value_type::tuple) {  // (a part that is a key of keys: its columns)
    for (const value& part : given.as_tuple()) check_key_column(entity, part, column);
    return;
  }
  const attr_info& leaf = *entity.key_columns[column++].leaf;
  const value_type type = given.type();
  const bool fits = type == value_type::null ||
                    (leaf.type != value_type::integer && leaf.type != value_type::text) ||
                    type == leaf.type;
  if (!fits) {
    throw usage_error("value.wrong_type", entity.name + "[...]: " + leaf.owner->name + "." +
                                              leaf.name + " is " +
                                              std::string{type_name(leaf.type)} + ", not " +
                                              std::string{type_name(type)} + " " + given.repr());
  }
}

value checked_key(const entity_info& entity, value key) {
  std::size_t column = 0;  // (no copy of the columns: at() is a hot path)
  check_key_column(entity, key, column);
  if (key.type() == value_type::text) {
    std::string text = key.as_text();
    check_text(*entity.key_columns.front().leaf, text);
    return value{std::move(text)};
  }
  return key;
}

}  // namespace

entity_base& object_at(const void* type_tag, const value& given) {
  session_impl& session = session_impl::current();
  const entity_info& entity = session.db().entity_of(type_tag);
  value key = given;
  // A key of keys may also be given as its columns' values, in order: Enrollment['Math', 1, 7].
  const bool of_keys = entity.key_columns.size() != entity.key_attrs.size();
  if (of_keys && !key_fits(entity, key) && key.type() == value_type::tuple &&
      key.as_tuple().size() == entity.key_columns.size() &&
      std::none_of(key.as_tuple().begin(), key.as_tuple().end(),
                   [](const value& v) { return v.type() == value_type::tuple; })) {
    key = key_of_columns(entity, key.as_tuple());
  }
  if (!key_fits(entity, key)) {
    const std::size_t parts = entity.key_attrs.size();
    std::string names;
    std::string nested;
    for (const attr_info* attr : entity.key_attrs) {
      names += (names.empty() ? "" : ", ") + attr->name;
      if (attr->reference_columns.empty()) continue;
      nested += "; " + attr->name + " refers to " + attr->target + ", whose key has " +
                std::to_string(attr->target_entity->key_attrs.size()) +
                " attributes: its part is such a key (" + attr->name + ".key()), or pass the " +
                std::to_string(entity.key_columns.size()) + " columns' values in order";
    }
    throw usage_error("object.key_shape",
                      entity.name + "'s key is " +
                          (parts == 1 ? "the one attribute " + names + ": pass its value"
                                      : "made of " + std::to_string(parts) + " attributes (" +
                                            names + "): pass their values as at({...})") +
                          ", not " + key.repr() + nested);
  }
  key = checked_key(entity, std::move(key));
  session.flush();
  entity_base* found = session.load(entity, key);
  // After the flush a removed object is gone from the identity map and the table alike.
  if (found == nullptr) {
    throw object_not_found(entity.name + "[" + key_label(entity, key, "None") + "] does not exist");
  }
  return *found;
}

}  // namespace nextorm::detail
