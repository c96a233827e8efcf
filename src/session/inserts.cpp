// The inserts of a flush. Each created object goes after the created objects it refers to
// (their keys are its columns), otherwise in the order the program made them, so that the keys
// a table's rows get follow that order as they did one row at a time. Where the provider gives
// back what a multi-row INSERT generated (INSERT ... RETURNING: PostgreSQL, MariaDB 10.5+,
// SQLite 3.35+), consecutive objects of one entity that do not wait for each other go in one
// statement: a round trip per batch rather than per row (on SQLite, fewer statement steps).
#include <nextorm/errors.hpp>

#include "materialize/object_access.hpp"
#include "session/batch_sizes.hpp"
#include "session/object_columns.hpp"
#include "session/session_impl.hpp"

#include <algorithm>

namespace nextorm::detail {

namespace {

// entity_base's flush mark while the inserts are ordered.
constexpr std::uint8_t unvisited = 0;
constexpr std::uint8_t visiting = 1;  // on the path of the walk: a reference back is a cycle
constexpr std::uint8_t ordered = 2;

bool generates_key(entity_base& object) {
  const attr_info& pk = object.info().pk();
  return pk.auto_increment && object_access::read(object, pk).is_null();
}

// The created object `object` refers to through `attr`, or null.
entity_base* created_target(entity_base& object, const attr_info& attr) {
  if (attr.kind != attr_kind::single) return nullptr;
  entity_base* target = object_access::target(object_access::reference(object, attr));
  if (target == nullptr || object_access::state(*target) != object_state::created) return nullptr;
  return target;
}

bool refers_to_created(entity_base& object) {
  for (const attr_info* attr : object.info().columns) {
    if (created_target(object, *attr) != nullptr) return true;
  }
  return false;
}

[[noreturn]] void throw_cycle(const entity_base& object) {
  throw usage_error("flush.cycle", "objects of " + object.info().name +
                                       " refer to each other in a cycle; save one side first");
}

}  // namespace

std::vector<entity_base*> session_impl::insert_order() {
  std::vector<entity_base*> order;
  order.reserve(m_created.size());
  // A walk with its own stack: a chain of objects referring to each other may be as long as
  // the program made it.
  struct step {
    entity_base* object;
    std::size_t column;  // the next column of object.info().columns to look at
  };
  std::vector<step> path;
  try {
    for (entity_base* start : m_created) {
      if (object_access::state(*start) != object_state::created ||
          object_access::flush_mark(*start) != unvisited) {
        continue;
      }
      object_access::flush_mark(*start) = visiting;
      path.push_back({start, 0});
      while (!path.empty()) {
        step& at = path.back();
        const auto& columns = at.object->info().columns;
        entity_base* next = nullptr;
        while (next == nullptr && at.column < columns.size()) {
          next = created_target(*at.object, *columns[at.column++]);
          if (next != nullptr && object_access::flush_mark(*next) == ordered) next = nullptr;
        }
        if (next == nullptr) {
          object_access::flush_mark(*at.object) = ordered;
          order.push_back(at.object);
          path.pop_back();
          continue;
        }
        if (object_access::flush_mark(*next) == visiting) throw_cycle(*next);
        object_access::flush_mark(*next) = visiting;
        path.push_back({next, 0});
      }
    }
  } catch (...) {
    for (const step& s : path) object_access::flush_mark(*s.object) = unvisited;
    for (entity_base* object : order) object_access::flush_mark(*object) = unvisited;
    throw;
  }
  for (entity_base* object : order) object_access::flush_mark(*object) = unvisited;
  return order;
}

void session_impl::insert_created() {
  const std::vector<entity_base*> order = insert_order();
  m_created.clear();
  const bool batches = connection().returns_inserted_rows();
  if (!m_batch_inserts || !batches) {  // coverage-exempt: the test servers all return rows
    for (entity_base* object : order) insert_one(*object);
    return;
  }
  // Each table's objects in that order (a hierarchy shares its root's table).
  std::vector<std::pair<const entity_info*, std::vector<entity_base*>>> tables;
  for (entity_base* object : order) {
    const entity_info* root = object->info().root;
    auto table =
        std::find_if(tables.begin(), tables.end(), [&](const auto& t) { return t.first == root; });
    if (table == tables.end()) table = tables.insert(tables.end(), {root, {}});
    table->second.push_back(object);
  }
  // Rounds over the tables: from each, the longest runs of one entity whose references are
  // written. The first object left in `order` always has its references written, so every
  // round writes something.
  std::vector<std::size_t> next(tables.size(), 0);
  std::size_t left = order.size();
  while (left > 0) {
    const std::size_t before = left;
    for (std::size_t t = 0; t < tables.size(); ++t) {
      const std::vector<entity_base*>& queue = tables[t].second;
      std::size_t& at = next[t];
      while (at < queue.size()) {
        const entity_info& entity = queue[at]->info();
        const bool generated = generates_key(*queue[at]);
        std::size_t end = at;
        while (end < queue.size() && &queue[end]->info() == &entity &&
               generates_key(*queue[end]) == generated && !refers_to_created(*queue[end])) {
          ++end;
        }
        if (end == at) break;  // waits for another table's objects
        insert_batch(std::span{queue}.subspan(at, end - at), generated);
        left -= end - at;
        at = end;
      }
    }
    if (left == before) throw_cycle(*order.front());  // coverage-exempt: see above
  }
}

void session_impl::insert_batch(std::span<entity_base* const> run, bool generated) {
  const entity_info& entity = run.front()->info();
  const std::size_t width = entity.column_width - (generated ? 1 : 0);
  // An entity with no column but its generated key has nothing to batch.
  if (run.size() == 1 || width == 0) {
    for (entity_base* object : run) insert_one(*object);
    return;
  }
  const std::size_t params = std::min(max_batch_params, connection().max_parameters());
  // (A connection that takes fewer parameters than one row has inserts a row at a time.)
  const std::size_t most =
      power_of_two_below(std::max<std::size_t>(1, std::min(max_batch_rows, params / width)));
  const attr_info& pk = entity.pk();
  auto& identities = objects().objects_of(entity);
  while (!run.empty()) {
    const std::size_t rows = power_of_two_below(std::min(most, run.size()));
    const auto batch = run.first(rows);
    run = run.subspan(rows);
    if (rows == 1) {
      insert_one(*batch.front());
      continue;
    }
    for (entity_base* object : batch) start_version(*object);
    const std::string& sql = m_db.insert_rows_statement(entity, generated, rows, generated);
    const object_rows params{batch, generated ? object_columns::key_position::skip
                                              : object_columns::key_position::in_place};
    const std::vector<value> keys = connection().insert_rows(sql, params, rows, generated);
    for (std::size_t i = 0; i < rows; ++i) {
      entity_base& object = *batch[i];
      if (generated) {
        // RETURNING gives the rows in the order of VALUES, which is the order keys are made in.
        object_access::write(object, pk, keys[i]);
        identities.file(keys[i], object);
      } else {
        objects().file(entity, object.key(), object);
      }
      object_access::state(object) = object_state::clean;
      after_write(object, entity.hooks.after_insert);
    }
  }
}

void session_impl::start_version(entity_base& object) {
  // A version attribute starts at 1 unless the program set it.
  if (const attr_info* version = object.info().version_attr;
      version != nullptr && object_access::read(object, *version).is_null()) {
    object_access::write(object, *version, value{std::int64_t{1}});
  }
}

void session_impl::insert_one(entity_base& object) {
  const entity_info& entity = object.info();
  start_version(object);
  const attr_info& pk = entity.pk();
  const auto& statements = this->statements(entity);
  if (generates_key(object)) {
    const object_columns columns{object, object_columns::key_position::skip};
    const value key = connection().insert_from(statements.insert_without_key, columns);
    object_access::write(object, pk, key);
    objects().objects_of(entity).file(key, object);
  } else {
    const object_columns columns{object, object_columns::key_position::in_place};
    (void)connection().execute_from(statements.insert_with_key, columns);
    objects().file(entity, object.key(), object);
  }
  object_access::state(object) = object_state::clean;
  after_write(object, entity.hooks.after_insert);
}

}  // namespace nextorm::detail
