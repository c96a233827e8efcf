#include "session/session_impl.hpp"

#include "schema/key_values.hpp"

#include <nextorm/errors.hpp>
#include <nextorm/types.hpp>

#include "driver/statement_guard.hpp"
#include "materialize/materializer.hpp"
#include "materialize/object_access.hpp"
#include "session/object_columns.hpp"

#include <algorithm>
#include <unordered_set>

namespace nextorm::detail {

namespace {
thread_local session_impl* t_current = nullptr;
thread_local bool t_in_async_call = false;
}  // namespace

session_impl::session_impl(database_impl& db, const session_options& options, bool current)
    : m_db_owner{db.shared_from_this()},
      m_db{db},
      m_optimistic{options.optimistic},
      m_serializable{options.serializable},
      m_strict{options.strict},
      m_batch_inserts{options.batch_inserts},
      m_limits{options.statement_timeout, options.stop},
      m_current{current},
      m_previous{t_current} {
  if (!db.bound()) {
    throw usage_error("database.unbound", "the database is not bound: call db.bind(url) first");
  }
  m_store = std::make_shared<materialize::object_store>(*this, db.shared_schema());
  if (m_current) t_current = this;
}

session_impl::~session_impl() {
  abandon();
  if (m_reserved) m_db.unreserve();
  if (m_current) t_current = m_previous;
}

void session_impl::forget_values() noexcept {
  m_store->forgotten = true;
  objects().for_each([](entity_base& object) {
    for (const attr_info& attr : object.info().attrs) {
      // The key stays: the object is still named by it (and the implicit id is no field).
      if (attr.key_part || !object_access::is_field(attr)) continue;
      void* field = object_access::field(object, attr);
      if (attr.kind == attr_kind::set) {
        auto& collection = object_access::collection(object, attr);
        std::vector<entity_base*>{}.swap(object_access::items(collection));
        object_access::loaded(collection) = false;
        continue;
      }
      if (attr.kind == attr_kind::single) {
        auto& reference = object_access::reference(object, attr);
        object_access::target(reference) = nullptr;
        object_access::set_key(reference, value{});
      } else {
        attr.write(field, value{});
      }
      object_access::unloaded(field) = true;
    }
  });
}

void session_impl::detach_objects() noexcept {
  if (m_strict) forget_values();
  m_store->session = nullptr;
  // Objects that no result or entity_ptr holds go now, those that are held when the last
  // holder lets go.
  m_store.reset();
}

session_impl& session_impl::current() {
  if (t_current == nullptr) {
    throw usage_error("session.none",
                      "this needs a db_session: open one first, e.g. "
                      "nextorm::db_session session{db};");
  }
  return *t_current;
}

session_impl* session_impl::current_or_null() noexcept { return t_current; }

void session_impl::set_in_async_call(bool running) noexcept { t_in_async_call = running; }
bool session_impl::in_async_call() noexcept { return t_in_async_call; }

session_impl* session_impl::exchange_current(session_impl* session) noexcept {
  return std::exchange(t_current, session);
}

driver::connection& session_impl::connection() {
  if (!m_current && !t_in_async_call) {
    throw usage_error(
        "async.blocking_call",
        "this needs the database, and the async session's code runs on its loop, "
        "which a statement would block: await it (co_await E::aselect(...), "
        "E::aat(key)), or wrap the code in co_await nextorm::async_call([&] { ... })");
  }
  if (!m_connection) {
    if (m_reserved) {
      m_reserved = false;  // the place is the connection's, even when connecting fails
      m_connection = m_db.acquire_reserved();
    } else {
      m_connection = m_db.acquire();
    }
    if (m_limits.any()) m_connection->set_limits(m_limits);
  }
  check_not_cancelled();
  if (!m_connection->in_transaction()) {
    if (m_serializable) {
      m_connection->begin_serializable();
    } else {
      m_connection->begin();
    }
  }
  return *m_connection;
}

entity_base& session_impl::create(const entity_info& entity) {
  check_change();
  entity_base& object = objects().make(entity, object_state::created);
  // A new object's collections are empty, not unloaded; its generated uuids are made now, so
  // that its key is known before it is inserted.
  for (const auto& attr : entity.attrs) {
    if (attr.kind == attr_kind::set) {
      object_access::loaded(object_access::collection(object, attr)) = true;
    } else if (attr.generate != key_generator::none) {
      const uuid made = attr.generate == key_generator::uuid4 ? uuid::v4() : uuid::v7();
      object_access::write(object, attr, value::typed(value_type::uuid, made.text()));
    }
  }
  m_created.push_back(&object);
  return object;
}

entity_base* session_impl::load(const entity_info& entity, const value& key) {
  if (key.is_null()) return nullptr;
  materialize::entity_objects& objects = this->objects().objects_of(entity);
  if (entity_base* known = objects.find(key)) return known;
  // A composite key binds each of its parts; a key of keys each of its columns (flattened).
  std::vector<value> flattened;
  std::span<const value> columns =
      key.type() == value_type::tuple ? std::span{key.as_tuple()} : std::span{&key, 1};
  if (entity.key_columns.size() != columns.size()) {
    flattened = key_column_values(key);
    columns = flattened;
  }
  for (const value& column : columns) {
    if (column.is_null()) return nullptr;  // no row has a NULL key part
  }
  entity_base* found = nullptr;
  {
    auto rows = connection().query(statements(entity).select_by_key, columns);
    if (!rows->next()) return nullptr;
    found = materialize::materialize_object(*rows, 0, objects);
  }
  run_after_load();
  return found;
}

void session_impl::load_all(const entity_info& entity, std::span<const value> keys) {
  if (entity.composite_key()) {
    // (No `IN` of row values here: the objects of a left join's missing side, one by one.)
    for (const value& key : keys) (void)load(entity, key);
    return;
  }
  materialize::entity_objects& objects = this->objects().objects_of(entity);
  std::vector<value> missing;
  std::unordered_set<value, value_hash> seen;
  for (const value& key : keys) {
    if (objects.find(key) == nullptr && seen.insert(key).second) {
      missing.push_back(key);
    }
  }
  // Statements of 1, 2, 4, ... 256 keys (the last key repeated to fill one up): a handful of
  // distinct statements per entity for the drivers' statement caches, and well under every
  // database's parameter limit.
  constexpr std::size_t max_keys = 256;
  const lower::dialect& d = m_db.dialect();
  std::vector<value> chunk;
  for (std::size_t first = 0; first < missing.size(); first += max_keys) {
    const std::size_t count = std::min(max_keys, missing.size() - first);
    std::size_t size = 1;
    while (size < count) size *= 2;
    chunk.assign(missing.begin() + static_cast<std::ptrdiff_t>(first),
                 missing.begin() + static_cast<std::ptrdiff_t>(first + count));
    chunk.resize(size, chunk.back());
    std::string sql = statements(entity).select_where_key + " IN (";
    for (std::size_t i = 0; i < size; ++i) {
      if (i != 0) sql += ", ";
      d.append_placeholder(sql, i);
    }
    sql += ')';
    auto rows = connection().query(sql, chunk);
    while (rows->next()) (void)materialize::materialize_object(*rows, 0, objects);
  }
  run_after_load();
}

const entity_statements& session_impl::statements(const entity_info& entity) {
  // Lookups by key come in runs for one entity: the database's map (and its mutex) once.
  if (m_statements_of != &entity || m_statements_version != m_db.schema.version()) {
    m_statements = &m_db.statements(entity);
    m_statements_of = &entity;
    m_statements_version = m_db.schema.version();
  }
  return *m_statements;
}

void session_impl::mark_modified(entity_base& object) {
  if (object_access::state(object) == object_state::clean) {
    object_access::state(object) = object_state::modified;
    m_modified.push_back(&object);
  }
}

void session_impl::touch(entity_base& object, const attr_info& attr) {
  check_change();
  const object_state state = object_access::state(object);
  // A new object is inserted whole, a removed one is not written.
  if (state != object_state::clean && state != object_state::modified) return;
  const std::uint64_t bit = attr_bit(attr.index);
  std::uint64_t& written = object_access::written_bits(object);
  const bool read = (object_access::read_bits(object) & bit) != 0;
  // The value the program read is kept for the check; (the last bit stands for several
  // attributes: whether this one was kept already is looked up).
  if (((attr.checked_optimistically() && read) || attr.is_version) &&
      ((written & bit) == 0 || bit == attr_bit(63)) &&
      !(attr.is_lazy() && object_access::unloaded(object, attr))) {
    std::vector<original>& kept = m_originals[&object];
    if (std::none_of(kept.begin(), kept.end(),
                     [&](const original& o) { return o.attr == attr.index; })) {
      kept.push_back(original{attr.index, object_access::read(object, attr)});
    }
  }
  written |= bit;
  mark_modified(object);
}

void session_impl::link(const attr_info& attr, entity_base& owner, entity_base& item, bool add) {
  check_change();
  m_links.push_back(link_change{&attr, &owner, &item, add});
}

namespace {

[[noreturn]] void throw_delete_blocked(const entity_base& object, const attr_info& attr,
                                       const entity_base& other) {
  const attr_info& reverse = *attr.reverse_attr;
  throw usage_error(
      "relation.delete_blocked",
      "cannot remove " + object_label(object) + ": " + object_label(other) + " requires it (" +
          reverse.owner->name + "." + reverse.name + " is required) and " + attr.owner->name + "." +
          attr.name + " does not cascade; remove " + object_label(other) +
          " first, or declare cascade_delete on " + attr.owner->name + "." + attr.name);
}

}  // namespace

void session_impl::remove(entity_base& object) {
  check_change();
  // Every object it takes with it is checked before any is changed: a refusal leaves the
  // session as it was (PonyORM undoes its partial work instead).
  std::unordered_set<const entity_base*> going;  // a cascade may take many thousands
  check_removable(object, going);
  remove_checked(object);
}

void session_impl::check_removable(entity_base& object,
                                   std::unordered_set<const entity_base*>& going) {
  if (object_access::state(object) == object_state::deleted) return;
  if (!going.insert(&object).second) return;
  std::vector<entity_base*> related;
  for (const auto& attr : object.info().attrs) {
    const attr_info* reverse = attr.reverse_attr;
    // Items of a many-to-many, and a "one" of a one-to-many, only lose this object.
    if (reverse == nullptr || reverse->kind == attr_kind::set) continue;
    related.clear();
    if (attr.kind == attr_kind::single) {
      entity_base* target = object_access::loaded_target(object_access::reference(object, attr));
      if (target != nullptr) related.push_back(target);
    } else {
      related = object_access::loaded_items(object_access::collection(object, attr));
    }
    // (A loaded collection never holds a deleted object, and a reference to one is cleared.)
    for (entity_base* other : related) {
      if (attr.cascades) {
        check_removable(*other, going);
      } else if (!reverse->optional && going.count(other) == 0) {
        throw_delete_blocked(object, attr, *other);
      }
    }
  }
}

void session_impl::remove_checked(entity_base& object) {
  const object_state state = object_access::state(object);
  if (state == object_state::deleted) return;
  object_access::state(object) = object_state::deleted;
  for (const auto& attr : object.info().attrs) {
    if (attr.kind == attr_kind::single) {
      auto& reference = object_access::reference(object, attr);
      const attr_info& reverse = *attr.reverse_attr;
      if (reverse.kind == attr_kind::set) {
        // Leave the target's collection, if it is loaded: the target is in the session then,
        // though this reference may not have looked it up yet.
        entity_base* target = object_access::target(reference);
        if (target == nullptr) {
          const value key = object_access::key(reference);
          if (!key.is_null()) target = objects().find(*attr.target_entity, key);
        }
        if (target != nullptr) {
          std::erase(object_access::items(object_access::collection(*target, reverse)), &object);
        }
        continue;
      }
      // One-to-one: the other side points here no more. It goes too where this side cascades;
      // otherwise, where its column held this object's key, the column is cleared.
      entity_base* target = object_access::loaded_target(reference);
      if (target == nullptr) continue;
      // Checked: it cascades, or its reference is optional, or it goes by another way anyway.
      if (!attr.cascades && attr.key_in_reverse) touch(*target, reverse);
      auto& back = object_access::reference(*target, reverse);
      object_access::target(back) = nullptr;
      object_access::set_key(back, value{});
      if (attr.cascades) remove_checked(*target);
      continue;
    }
    if (attr.kind != attr_kind::set) continue;
    const std::vector<entity_base*> items =
        object_access::loaded_items(object_access::collection(object, attr));
    for (entity_base* item : items) {
      if (attr.is_many_to_many()) {
        std::erase(object_access::items(object_access::collection(*item, *attr.reverse_attr)),
                   &object);
        if (state != object_state::created &&
            object_access::state(*item) != object_state::created) {
          link(attr, object, *item, false);
        }
      } else if (attr.cascades) {
        // Children go with their parent where it cascades...
        remove_checked(*item);
      } else {
        // ...and otherwise lose their reference: an optional one, as checked, or one of a child
        // that goes by another way anyway.
        touch(*item, *attr.reverse_attr);
        auto& reference = object_access::reference(*item, *attr.reverse_attr);
        object_access::target(reference) = nullptr;
        object_access::set_key(reference, value{});
      }
    }
  }
  if (state == object_state::created) {
    std::erase(m_created, &object);
    std::erase_if(m_links,
                  [&](const link_change& c) { return c.owner == &object || c.item == &object; });
    return;
  }
  m_deleted.push_back(&object);
}

namespace {

// A checked column's value as statement parameters: a reference to an entity with a composite
// key has a column per key part.
void append_columns(std::vector<value>& out, const attr_info& attr, const value& v) {
  const std::size_t width = attr.column_names().size();
  if (width == 1) {
    out.push_back(v);
  } else if (v.is_null()) {
    out.insert(out.end(), width, value{});
  } else {
    out.insert(out.end(), v.as_tuple().begin(), v.as_tuple().end());
  }
}

}  // namespace

session_impl::checked_write session_impl::plan_write(entity_base& object, bool update) {
  const entity_info& entity = object.info();
  checked_write w;
  w.shape.assign(entity.columns.size(), '\0');
  const std::uint64_t written = object_access::written_bits(object);
  const std::uint64_t read = object_access::read_bits(object);
  const auto kept = m_originals.find(&object);
  auto kept_value = [&](const attr_info& attr) -> const value* {
    if (kept == m_originals.end()) return nullptr;
    for (const original& o : kept->second) {
      if (o.attr == attr.index) return &o.v;
    }
    return nullptr;
  };
  // Lazy attributes not read yet keep their columns as they are; the key and the class of a
  // stored object never change.
  auto writable = [&](const attr_info& attr) {
    return !attr.key_part && !attr.discriminator &&
           !(attr.is_lazy() && object_access::unloaded(object, attr));
  };
  bool sets = false;
  for (std::size_t i = 0; update && i < entity.columns.size(); ++i) {
    const attr_info& attr = *entity.columns[i];
    if (writable(attr) && (written & attr_bit(attr.index)) != 0) {
      w.shape[i] |= write_shape::set;
      sets = true;
    }
  }
  for (std::size_t i = 0; i < entity.columns.size(); ++i) {
    const attr_info& attr = *entity.columns[i];
    if (!writable(attr)) continue;
    if (&attr == entity.version_attr) {
      // Every UPDATE moves the version on; the one read must still be in the row.
      if (update && !sets) continue;
      const value* was = kept_value(attr);
      const value version = was != nullptr ? *was : object_access::read(object, attr);
      if (update) {
        w.shape[i] |= write_shape::set;
        w.next_version = value{version.is_null() ? std::int64_t{1} : version.as_int() + 1};
      }
      w.shape[i] |= write_shape::check;
      w.checked.push_back(&attr);
      w.checks.push_back(version);
      continue;
    }
    if (!m_optimistic || !attr.checked_optimistically()) continue;
    const std::uint64_t bit = attr_bit(attr.index);
    value current;
    const value* was = nullptr;
    if ((written & bit) != 0) {
      was = kept_value(attr);  // a value changed before it was read is not checked
    } else if ((read & bit) != 0) {
      current = object_access::read(object, attr);
      was = &current;
    }
    if (was == nullptr) continue;
    w.shape[i] |= write_shape::check;
    w.checked.push_back(&attr);
    append_columns(w.checks, attr, *was);
  }
  return w;
}

void session_impl::written(entity_base& object) {
  std::uint64_t& written = object_access::written_bits(object);
  // What it wrote is what the row holds now: a later change in this session checks it.
  object_access::set_read_bits(object, object_access::read_bits(object) | written);
  written = 0;
  m_originals.erase(&object);
}

std::unique_ptr<driver::cursor> session_impl::current_row(const entity_base& object) {
  // A locking read sees the last committed row, where a plain one may see the transaction's
  // snapshot (MariaDB's repeatable read).
  const std::string& sql = statements(object.info()).select_by_key;
  // (The key outlives the cursor: a driver may bind its text without a copy.)
  m_row_key = key_params(object);
  return connection().query(m_db.dialect().has_for_update() ? sql + " FOR UPDATE" : sql, m_row_key);
}

void session_impl::throw_changed(const entity_base& object, const checked_write& w) {
  const entity_info& entity = object.info();
  auto rows = current_row(object);
  if (!rows->next()) {
    throw optimistic_check_error(
        "session.optimistic_check",
        object_label(object) +
            " was deleted by another transaction after this session read it; nothing of "
            "this session was written (it was rolled back): load the object again, in a new "
            "session, or rerun the unit of work with nextorm::transact");
  }
  // The values the session read, and the row's now (references by their key; a reference to
  // an entity with a composite key, or a lazy attribute, is named without its values).
  std::string changes;
  std::size_t check = 0;
  for (const attr_info* attr : w.checked) {
    const std::size_t width = attr->column_names().size();
    const auto at = std::find(entity.load_columns.begin(), entity.load_columns.end(), attr);
    std::string change = attr->name;
    if (width == 1 && at != entity.load_columns.end()) {
      const std::size_t column =
          entity.load_offsets[static_cast<std::size_t>(at - entity.load_columns.begin())];
      const value now = rows->is_null(column) ? value{} : rows->get(column, attr->type);
      const value& was = w.checks[check];
      if (now == was) {
        check += width;
        continue;
      }
      change += " (" + was.repr() + " -> " + now.repr() + ")";
    }
    check += width;
    changes += (changes.empty() ? "" : ", ") + change;
  }
  // (No value differs when a third transaction put them back since: the change is named only.)
  throw optimistic_check_error(
      "session.optimistic_check",
      object_label(object) + " was changed by another transaction after this session read it" +
          (changes.empty() ? std::string{} : ": " + changes) +  // coverage-exempt: a race
          "; nothing of this session was written (it was rolled back): load the object again "
          "in a new session, or rerun the unit of work with nextorm::transact (retry)");
}

void session_impl::load_lazy(entity_base& object, const attr_info& attr) {
  const entity_info& entity = object.info();
  // (The key outlives the cursor: a driver may bind its text without a copy.)
  const std::vector<value> key = key_params(object);
  auto rows = connection().query(m_db.lazy_statement(entity, attr), key);
  if (!rows->next()) {
    throw object_not_found(object_label(object) +
                           " no longer exists (its row was deleted after it "
                           "was read): its lazy attribute " +
                           attr.name + " cannot be loaded");
  }
  void* field = object_access::field(object, attr);
  object_access::unloaded(field) = false;
  if (rows->is_null(0)) {
    attr.write(field, value{});
  } else {
    attr.load(field, *rows, 0);
  }
}

std::vector<value> key_params(const entity_base& object) {
  return key_column_values(object.key());  // (a key of keys: the columns of its parts too)
}

void session_impl::check_not_cancelled() const {
  if (m_connection && m_connection->transaction_cancelled()) driver::throw_transaction_cancelled();
}

void session_impl::commit() {
  check_not_cancelled();
  flush();
  if (m_connection && m_connection->in_transaction()) m_connection->commit();
}

void session_impl::rollback() {
  abandon();
  m_store = std::make_shared<materialize::object_store>(*this, m_db.shared_schema());
}

void session_impl::abandon() noexcept {
  m_created.clear();
  m_modified.clear();
  m_links.clear();
  m_deleted.clear();
  // (Keyed by objects that go now: a later object at the same address must not find them.)
  m_originals.clear();
  m_after_hooks.clear();
  detach_objects();
  if (m_connection) {
    try {
      m_connection->rollback();
      if (m_limits.any()) m_connection->set_limits({});
      m_db.release(std::move(m_connection));
    } catch (...) {
      // A connection that cannot roll back is broken: the pool replaces it.
      m_db.discard(std::move(m_connection));
    }
  }
}

}  // namespace nextorm::detail
