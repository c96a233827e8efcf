// The updates, join rows and deletes of a flush. Each kind goes to the connection as one batch
// (connection::execute_batch: on PostgreSQL a pipeline, one round trip for all of them); the row
// counts are checked once the batch has run, in the order of the statements, so that the first
// object another transaction changed is the one reported. Nothing of the batch is kept then:
// the flush's error rolls the transaction back.
#include "materialize/object_access.hpp"
#include "session/batch_sizes.hpp"
#include "session/object_columns.hpp"
#include "session/session_impl.hpp"

#include <deque>

namespace nextorm::detail {

void session_impl::update_modified(bool hooks) {
  std::vector<entity_base*> objects;
  for (entity_base* object : m_modified) {
    if (object_access::state(*object) == object_state::modified) objects.push_back(object);
  }
  // (Reserved: the parameters refer to the plans, the batch to the parameters.)
  std::vector<checked_write> plans;
  std::vector<checked_write_params> params;
  std::vector<driver::batched_statement> batch;
  std::vector<std::size_t> object_of;  // per statement
  plans.reserve(objects.size());
  params.reserve(objects.size());
  batch.reserve(objects.size());
  object_of.reserve(objects.size());
  // Consecutive objects mostly share their statement: asked of the database (a lookup under its
  // lock) only when the shape changes.
  const entity_info* last_entity = nullptr;
  const std::string* last_shape = nullptr;
  const std::string* last_sql = nullptr;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    entity_base& object = *objects[i];
    const checked_write& w = plans.emplace_back(plan_write(object, true));
    if (last_entity != &object.info() || *last_shape != w.shape) {
      last_entity = &object.info();
      last_shape = &w.shape;
      last_sql = &m_db.write_statement(object.info(), true, w.shape);
    }
    const std::string& sql = *last_sql;
    // An UPDATE that would set nothing (only unchanged lazy or key attributes) is no statement.
    if (sql.empty()) continue;
    batch.push_back({&sql, &params.emplace_back(object, w.shape, w.checks, w.next_version)});
    object_of.push_back(i);
  }
  std::vector<std::int64_t> rows(batch.size());
  connection().execute_batch(batch, rows);
  for (std::size_t s = 0; s < batch.size(); ++s) {
    const checked_write& w = plans[object_of[s]];
    // No row: it was changed or deleted by another transaction since this one read it.
    if (rows[s] == 0 && (m_optimistic || !w.checked.empty())) {
      throw_changed(*objects[object_of[s]], w);
    }
  }
  std::vector<char> wrote(objects.size(), 0);
  for (const std::size_t i : object_of) wrote[i] = 1;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    entity_base& object = *objects[i];
    // (An UPDATE always moves the version on.)
    if (const attr_info* version = object.info().version_attr;
        wrote[i] != 0 && version != nullptr) {
      object_access::write(object, *version, plans[i].next_version);
    }
    written(object);
    object_access::state(object) = object_state::clean;
    if (hooks) after_write(object, object.info().hooks.after_update);
  }
  m_modified.clear();
}

void session_impl::write_links() {
  // Each link's keys: the owner's, then the item's. A symmetric Set (its own reverse) holds each
  // link in both directions, as PonyORM does: either object finds the other by its own column.
  std::vector<std::vector<value>> keys;
  std::vector<const std::string*> sql;
  keys.reserve(m_links.size() * 2);
  sql.reserve(m_links.size() * 2);
  auto link = [&](const attr_info& attr, const entity_base& owner, const entity_base& item,
                  bool add) {
    std::vector<value>& both = keys.emplace_back(key_params(owner));
    std::vector<value> item_key = key_params(item);
    both.insert(both.end(), std::make_move_iterator(item_key.begin()),
                std::make_move_iterator(item_key.end()));
    sql.push_back(&m_db.link_statement(attr, add));
  };
  for (const link_change& change : m_links) {
    link(*change.attr, *change.owner, *change.item, change.add);
    if (change.attr->reverse_attr == change.attr && change.owner != change.item) {
      link(*change.attr, *change.item, *change.owner, change.add);
    }
  }
  std::vector<driver::value_params> params;
  std::vector<driver::batched_statement> batch;
  params.reserve(keys.size());
  batch.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    batch.push_back({sql[i], &params.emplace_back(keys[i])});
  }
  // (A link already there or already gone changes no row, and is no error.)
  std::vector<std::int64_t> rows(batch.size());
  connection().execute_batch(batch, rows);
  m_links.clear();
}

void session_impl::erase_deleted() {
  // A removal that checks a value (an attribute read, a version) needs its own row count; one
  // that checks nothing goes with its neighbours of the same table (a row already gone is no
  // error either way). The order of m_deleted is kept between tables.
  const std::size_t count = m_deleted.size();
  std::vector<checked_write> plans;
  plans.reserve(count);
  for (entity_base* object : m_deleted) plans.push_back(plan_write(*object, false));
  auto alone = [&](std::size_t i) {
    return m_deleted[i]->info().composite_key() || !plans[i].checked.empty();
  };
  struct step {
    std::size_t first;
    std::size_t objects;
  };
  std::vector<step> steps;
  std::deque<std::string> lists;  // the statements of the batched deletes
  std::vector<std::vector<value>> keys;
  std::vector<checked_write_params> checked;
  std::vector<driver::value_params> listed;
  std::vector<driver::batched_statement> batch;
  keys.reserve(count);
  checked.reserve(count);
  listed.reserve(count);
  const lower::dialect& d = m_db.dialect();
  for (std::size_t at = 0; at < count;) {
    entity_base& first = *m_deleted[at];
    std::size_t end = at + 1;
    if (!alone(at)) {
      while (end < count && end - at < max_batch_keys &&
             m_deleted[end]->info().root == first.info().root && !alone(end)) {
        ++end;
      }
    }
    const std::size_t rows = power_of_two_below(end - at);
    steps.push_back({at, rows});
    if (rows == 1) {
      const checked_write& w = plans[at];
      batch.push_back({&m_db.write_statement(first.info(), false, w.shape),
                       &checked.emplace_back(first, w.shape, w.checks, w.next_version)});
    } else {
      std::string& sql =
          lists.emplace_back("DELETE FROM " + d.quote(first.info().table) + " WHERE " +
                             d.quote(first.info().pk().column) + " IN (");
      std::vector<value>& list = keys.emplace_back();
      for (std::size_t i = 0; i < rows; ++i) {
        sql += (i == 0 ? "" : ", ") + d.placeholder(i);
        list.push_back(m_deleted[at + i]->key());
      }
      sql += ')';
      batch.push_back({&sql, &listed.emplace_back(list)});
    }
    at += rows;
  }
  std::vector<std::int64_t> rows(batch.size());
  connection().execute_batch(batch, rows);
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const step& st = steps[s];
    // No row: deleted meanwhile (as wanted), or changed since it was read.
    if (st.objects == 1 && rows[s] == 0 && !plans[st.first].checked.empty() &&
        current_row(*m_deleted[st.first])->next()) {
      throw_changed(*m_deleted[st.first], plans[st.first]);
    }
  }
  for (entity_base* object : m_deleted) {
    written(*object);
    objects().forget(object->info(), object->key());
  }
}

}  // namespace nextorm::detail
