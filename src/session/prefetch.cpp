// PonyORM's prefetch: the relations and lazy attributes named by paths ("p.tags",
// "p.category.dept") loaded for every object of a result at once, one statement per level (per
// few thousand objects), never one per object.
#include "session/prefetch.hpp"

#include <nextorm/errors.hpp>

#include "common/suggest.hpp"
#include "materialize/materializer.hpp"
#include "materialize/object_access.hpp"
#include "session/relation_sql.hpp"
#include "session/session_impl.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace nextorm::detail {

namespace {

// Keys per statement: far below every provider's parameter limit (SQLite's 32766).
constexpr std::size_t keys_per_statement = 4096;

// ` IN (?, ?, ...)` for `count` keys from placeholder `first` on.
std::string in_list(const lower::dialect& d, std::size_t first, std::size_t count) {
  std::string sql = " IN (";
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) sql += ", ";
    d.append_placeholder(sql, first + i);
  }
  return sql + ')';
}

// The distinct objects of `objects`, in order.
std::vector<entity_base*> distinct(const std::vector<entity_base*>& objects) {
  std::vector<entity_base*> out;
  std::unordered_set<const entity_base*> seen;
  for (entity_base* o : objects) {
    if (o != nullptr && seen.insert(o).second) out.push_back(o);
  }
  return out;
}

class prefetcher {
 public:
  explicit prefetcher(session_impl& session) : m_session{session} {}

  // The objects `attr` leads to from `owners` (all loaded by now).
  std::vector<entity_base*> step(const std::vector<entity_base*>& owners, const attr_info& attr) {
    switch (attr.kind) {
      case attr_kind::single:
        return attr.key_in_reverse ? by_reverse(owners, attr) : targets(owners, attr);
      case attr_kind::set:
        return attr.is_many_to_many() ? linked(owners, attr) : by_reverse(owners, attr);
      default: lazy(owners, attr); return {};
    }
  }

 private:
  // A reference with a column: its targets by key, in `IN` statements (session::load_all).
  std::vector<entity_base*> targets(const std::vector<entity_base*>& owners,
                                    const attr_info& attr) {
    std::vector<value> keys;
    for (entity_base* owner : owners) {
      auto& reference = object_access::reference(*owner, attr);
      if (object_access::target(reference) != nullptr) continue;
      value key = object_access::key(reference);
      if (!key.is_null()) keys.push_back(std::move(key));
    }
    if (!keys.empty()) m_session.load_all(*attr.target_entity, keys);
    std::vector<entity_base*> out;
    for (entity_base* owner : owners) {
      out.push_back(object_access::loaded_target(object_access::reference(*owner, attr)));
    }
    return distinct(out);
  }

  // The owners whose `attr` still needs loading: a collection not loaded, or the key-less side
  // of a one-to-one not looked up; by their key (owners with a composite key: one by one).
  std::vector<entity_base*> to_load(const std::vector<entity_base*>& owners,
                                    const attr_info& attr) {
    std::vector<entity_base*> out;
    for (entity_base* owner : owners) {
      const bool loaded =
          attr.kind == attr_kind::set
              ? object_access::loaded(object_access::collection(*owner, attr))
              : object_access::looked_up(object_access::reference(*owner, attr)) ||
                    object_access::target(object_access::reference(*owner, attr)) != nullptr;
      if (!loaded) out.push_back(owner);
    }
    return out;
  }

  // The rows of `sql` + IN (keys of `owners`), with the owner's key in column `key_column`,
  // materialized as objects of `target`, in chunks; calls `found(owner, object)`.
  template <class Found>
  void rows_by_owner(const std::vector<entity_base*>& owners, const std::string& sql,
                     const entity_info& target, std::size_t key_column, value_type key_type,
                     Found&& found) {
    const lower::dialect& d = m_session.db().dialect();
    std::unordered_map<value, entity_base*, value_hash> by_key;
    for (entity_base* owner : owners) by_key.emplace(owner->key(), owner);
    std::vector<value> keys;
    for (std::size_t first = 0; first < owners.size(); first += keys_per_statement) {
      const std::size_t count = std::min(keys_per_statement, owners.size() - first);
      keys.clear();
      for (std::size_t i = first; i < first + count; ++i) keys.push_back(owners[i]->key());
      std::vector<std::pair<entity_base*, entity_base*>> pairs;
      {
        auto rows = m_session.connection().query(sql + in_list(d, 0, count), keys);
        auto& objects = m_session.objects().objects_of(target);
        while (rows->next()) {
          entity_base* object = materialize::materialize_object(*rows, 0, objects);
          // (The rows are those of the owners' keys.)
          pairs.emplace_back(by_key.at(rows->get(key_column, key_type)), object);
        }
      }
      m_session.run_after_load();
      for (const auto& [owner, object] : pairs) found(*owner, *object);
    }
  }

  // The items of a one-to-many Set, or the partner on the key-less side of a one-to-one: the
  // objects whose reverse reference column holds an owner's key.
  std::vector<entity_base*> by_reverse(const std::vector<entity_base*>& owners,
                                       const attr_info& attr) {
    const std::vector<entity_base*> pending = to_load(owners, attr);
    const attr_info& reverse = *attr.reverse_attr;
    if (!pending.empty() && !attr.owner->composite_key()) {
      const entity_info& target = *attr.target_entity;
      const lower::dialect& d = m_session.db().dialect();
      const std::string sql = select_all(target, d) + "t." + d.quote(reverse.column);
      // The reverse column is among the columns read: its position is the key's column.
      const auto at = std::find(target.load_columns.begin(), target.load_columns.end(), &reverse);
      const std::size_t key_column =
          target.load_offsets[static_cast<std::size_t>(at - target.load_columns.begin())];
      std::unordered_map<entity_base*, std::vector<entity_base*>> items;
      rows_by_owner(pending, sql, target, key_column, attr.owner->pk().type,
                    [&](entity_base& owner, entity_base& item) { items[&owner].push_back(&item); });
      for (entity_base* owner : pending) fill(*owner, attr, items[owner]);
      // A one-to-one's owners without a partner stay without one: not looked up again.
      if (attr.kind == attr_kind::single) return targets_found(owners, attr);
    }
    return collect(owners, attr);
  }

  static std::vector<entity_base*> targets_found(const std::vector<entity_base*>& owners,
                                                 const attr_info& attr) {
    std::vector<entity_base*> out;
    for (entity_base* owner : owners) {
      out.push_back(object_access::target(object_access::reference(*owner, attr)));
    }
    return distinct(out);
  }

  // The items of a many-to-many Set, through its join table.
  std::vector<entity_base*> linked(const std::vector<entity_base*>& owners, const attr_info& attr) {
    const std::vector<entity_base*> pending = to_load(owners, attr);
    if (!pending.empty() && !attr.owner->composite_key()) {
      const entity_info& target = *attr.target_entity;
      const lower::dialect& d = m_session.db().dialect();
      std::string sql = select_all(target, d, join_items(attr, d));
      // The owner's key after the item's columns: `SELECT t.a, t.b, j.owner FROM ...`.
      const std::string owner_column = "j." + d.quote(attr.m2m_own_columns.front());
      sql.replace(sql.find(" FROM "), 0, ", " + owner_column);
      sql += owner_column;
      std::unordered_map<entity_base*, std::vector<entity_base*>> items;
      rows_by_owner(pending, sql, target, target.load_width, attr.owner->pk().type,
                    [&](entity_base& owner, entity_base& item) { items[&owner].push_back(&item); });
      for (entity_base* owner : pending) fill(*owner, attr, items[owner]);
    }
    return collect(owners, attr);
  }

  // What a lookup found for `owner`: a collection's items (without those removed in this
  // session), or the partner of a one-to-one.
  static void fill(entity_base& owner, const attr_info& attr, std::vector<entity_base*>& found) {
    if (attr.kind == attr_kind::single) {
      auto& reference = object_access::reference(owner, attr);
      object_access::target(reference) = found.empty() ? nullptr : found.front();
      object_access::looked_up(reference) = true;
      return;
    }
    std::erase_if(found, [](entity_base* o) { return o->state() == object_state::deleted; });
    auto& collection = object_access::collection(owner, attr);
    object_access::items(collection) = std::move(found);
    object_access::loaded(collection) = true;
  }

  // Where `attr` leads from each owner (loading what is still missing one by one: owners with a
  // composite key, and a one-to-one's partner found by no row).
  static std::vector<entity_base*> collect(const std::vector<entity_base*>& owners,
                                           const attr_info& attr) {
    std::vector<entity_base*> out;
    for (entity_base* owner : owners) {
      if (attr.kind == attr_kind::single) {
        out.push_back(object_access::loaded_target(object_access::reference(*owner, attr)));
        continue;
      }
      const auto& items = object_access::loaded_items(object_access::collection(*owner, attr));
      out.insert(out.end(), items.begin(), items.end());
    }
    return distinct(out);
  }

  // A lazy attribute: its column for every owner that has not read it.
  void lazy(const std::vector<entity_base*>& owners, const attr_info& attr) {
    std::vector<entity_base*> pending;
    for (entity_base* owner : owners) {
      if (object_access::unloaded(*owner, attr)) pending.push_back(owner);
    }
    const entity_info& entity = *attr.owner;
    if (pending.empty()) return;
    if (entity.composite_key()) {
      for (entity_base* owner : pending) m_session.load_lazy(*owner, attr);
      return;
    }
    const lower::dialect& d = m_session.db().dialect();
    const std::string sql = "SELECT " + d.quote(entity.pk().column) + ", " + d.quote(attr.column) +
                            " FROM " + d.quote(entity.table) + " WHERE " +
                            d.quote(entity.pk().column);
    std::unordered_map<value, entity_base*, value_hash> by_key;
    for (entity_base* owner : pending) by_key.emplace(owner->key(), owner);
    std::vector<value> keys;
    for (std::size_t first = 0; first < pending.size(); first += keys_per_statement) {
      const std::size_t count = std::min(keys_per_statement, pending.size() - first);
      keys.clear();
      for (std::size_t i = first; i < first + count; ++i) keys.push_back(pending[i]->key());
      auto rows = m_session.connection().query(sql + in_list(d, 0, count), keys);
      while (rows->next()) {
        entity_base* owner = by_key.at(rows->get(0, entity.pk().type));
        void* field = object_access::field(*owner, attr);
        object_access::unloaded(field) = false;
        if (rows->is_null(1)) {
          attr.write(field, value{});
        } else {
          attr.load(field, *rows, 1);
        }
      }
    }
  }

  session_impl& m_session;
};

[[noreturn]] void throw_unknown_path(const entity_info& entity, std::string_view name,
                                     const std::string& path) {
  std::vector<std::string> names;
  for (const attr_info& attr : entity.attrs) names.push_back(attr.name);
  throw usage_error("query.prefetch", "prefetch(\"" + path + "\"): " + entity.name +
                                          " has no attribute '" + std::string{name} + "'" +
                                          did_you_mean(name, names));
}

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto dot = path.find('.');
    parts.push_back(path.substr(0, dot));
    if (dot == std::string_view::npos) return parts;
    path.remove_prefix(dot + 1);
  }
}

}  // namespace

void prefetch(session_impl& session, const entity_info& entity,
              const std::vector<entity_base*>& objects, const std::string& path) {
  std::vector<std::string_view> parts = split(path);
  // "p.tags": the loop variable first (a name that is no attribute), then the attributes.
  if (parts.size() > 1 && entity.find(parts.front()) == nullptr) parts.erase(parts.begin());
  prefetcher loader{session};
  std::vector<entity_base*> level = distinct(objects);
  const entity_info* at = &entity;
  for (std::string_view name : parts) {
    const attr_info* attr = at->find(name);
    if (attr == nullptr) throw_unknown_path(*at, name, path);
    if (!attr->is_relation() && !attr->is_lazy()) {
      throw usage_error("query.prefetch",
                        "prefetch(\"" + path + "\"): " + at->name + "." + attr->name +
                            " is read with its object already; prefetch names relations and lazy "
                            "attributes");
    }
    if (!attr->is_relation() && name != parts.back()) {
      throw usage_error("query.prefetch", "prefetch(\"" + path + "\"): " + at->name + "." +
                                              attr->name + " is a value: nothing follows it");
    }
    level = loader.step(level, *attr);
    if (attr->is_relation()) at = attr->target_entity;
  }
}

void prefetch_result(session_impl& session, const raw_result& result,
                     const std::vector<entity_base*>& objects,
                     const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    bool applied = false;
    const entity_info* first_entity = nullptr;
    for (std::size_t item = 0; item < result.width; ++item) {
      const entity_info* entity = result.item_entities[item];
      if (entity == nullptr) continue;  // a value
      if (first_entity == nullptr) first_entity = entity;
      std::vector<std::string_view> parts = split(path);
      if (parts.size() > 1 && entity->find(parts.front()) == nullptr) parts.erase(parts.begin());
      if (entity->find(parts.front()) == nullptr) continue;
      std::vector<entity_base*> of_item;
      if (result.objects_only) {
        of_item = objects;
      } else {
        for (std::size_t i = item; i < result.cells.size(); i += result.width) {
          of_item.push_back(result.cells[i].object);
        }
      }
      prefetch(session, *entity, of_item, path);
      applied = true;
    }
    if (!applied) {
      if (first_entity == nullptr) {
        throw usage_error("query.prefetch",
                          "prefetch(\"" + path + "\"): the query's result holds no objects");
      }
      std::vector<std::string_view> parts = split(path);
      throw_unknown_path(*first_entity, parts.size() > 1 ? parts[1] : parts[0], path);
    }
  }
}

}  // namespace nextorm::detail
