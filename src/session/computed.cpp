// Reading a computed attribute or method on an object: the query that computes it for that
// object alone, run in the object's db_session (whose changes it flushes first, as any query).
#include <nextorm/computed.hpp>

#include "session/session_impl.hpp"

namespace nextorm::detail {

namespace {

// The member at `offset` of objects of `entity`: declared there or in a base.
const computed_info& find_member(const entity_info& entity, std::uint32_t offset) {
  // (A member attached to an object is always among its entity's computed attributes.)
  for (const entity_info* e = &entity;; e = e->base_entity) {
    for (const computed_info& c : e->computed) {
      if (c.field_offset == offset) return c;
    }
  }
}

}  // namespace

query_state_ptr computed_field::value_query(std::vector<value> args, bool many) const {
  if (!attached()) throw_unattached();
  const entity_base& object = owner();
  static_cast<void>(session_of(object));  // session.over once the object's session has ended
  const computed_info& c = find_member(object.info(), owner_offset());
  // (Names no query can clash with: the text is the whole query.)
  std::string text = "__o." + c.name;
  params values;
  values.emplace("__self", param_value{object});
  if (!c.params.empty()) {
    text += '(';
    for (std::size_t i = 0; i < args.size(); ++i) {
      std::string name = "__a" + std::to_string(i);
      text += (i == 0 ? "" : ", ") + name;
      values.emplace(std::move(name), param_value{std::move(args[i])});
    }
    text += ')';
  }
  // A collection's items are the query's rows: `__x for __o in E for __x in __o.cheap ...`.
  if (many) text = "__x for __o in " + object.info().name + " for __x in " + text;
  text += (many ? "" : " for __o in " + object.info().name) + " if __o == __self";
  return make_query(std::move(text), {}, std::move(values));
}

void computed_field::throw_no_value() const {
  const entity_base& object = owner();
  const computed_info& c = find_member(object.info(), owner_offset());
  throw usage_error("object.no_value", "computed attribute " + c.owner->name + "." + c.name +
                                           " is None for this object; read it with read() or "
                                           "value_or()");
}

}  // namespace nextorm::detail
