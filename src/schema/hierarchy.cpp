#include "schema/hierarchy.hpp"

#include <nextorm/errors.hpp>

#include "common/suggest.hpp"
#include "common/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace nextorm::hierarchy {

namespace {

[[noreturn]] void fail(const char* id, const std::string& message) {
  throw schema_error{id, message};
}

std::string lower(std::string_view text) {
  std::string out{text};
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The C++ binding of a field: where it is in the object and how values move in and out.
void take_binding(attr_info& to, const attr_info& from) {
  to.field_offset = from.field_offset;
  to.read = from.read;
  to.write = from.write;
  to.load = from.load;
  to.store = from.store;
  to.assign = from.assign;
}

// The value of `entity`'s rows in the discriminator column `attr`: the declared one, of the
// attribute's type, or a str discriminator's default, the entity's name (PonyORM's rules).
value discriminator_of(const entity_info& entity, const attr_info& attr) {
  const value& declared = entity.discriminator;
  const std::string of = " of " + entity.root->name + "." + attr.name;
  if (attr.type == value_type::integer) {
    if (declared.is_null()) {
      fail("schema.discriminator_value",
           "entity " + entity.name + ": the discriminator" + of +
               " is an int, so each class declares its number (C++: static constexpr int "
               "discriminator = 1;, JSON: \"discriminator\": 1)");
    }
    if (declared.type() != value_type::integer) {
      fail("schema.discriminator_value", "entity " + entity.name + ": discriminator " +
                                             declared.repr() + " is a str, but the discriminator" +
                                             of + " is an int; give a number");
    }
    // (min and max are the range of its size and unsigned, when it has them.)
    const std::int64_t n = declared.as_int();
    if ((attr.min_value && n < attr.min_value->as_int()) ||
        (attr.max_value && n > attr.max_value->as_int())) {
      fail("schema.discriminator_value", "entity " + entity.name + ": discriminator " +
                                             declared.repr() + " does not fit the column" + of +
                                             ", whose range is " + attr.min_value->repr() + " to " +
                                             attr.max_value->repr());
    }
    return declared;
  }
  if (declared.is_null()) return value{entity.name};
  if (declared.type() != value_type::text) {
    fail("schema.discriminator_value",
         "entity " + entity.name + ": discriminator " + declared.repr() + " is an int, but the " +
             "discriminator" + of + " is a str; give a string, or declare Discriminator<int>");
  }
  const std::string& text = declared.as_text();
  if (text.empty() || text.find('\0') != std::string::npos) {
    // (The value is not quoted: a NUL would cut the message short where it is printed.)
    fail("schema.discriminator_value",
         "entity " + entity.name + ": its discriminator is empty or holds a NUL character");
  }
  if (valid_utf8(text) != text) {
    fail("schema.discriminator_value",
         "entity " + entity.name + ": its discriminator is not valid UTF-8");
  }
  // (Characters: the bytes that do not continue a UTF-8 sequence.)
  const auto characters =
      static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
      }));
  if (attr.max_len && characters > *attr.max_len) {
    fail("schema.discriminator_value", "entity " + entity.name + ": discriminator " +
                                           declared.repr() + " is longer than the max_len " +
                                           std::to_string(*attr.max_len) + of);
  }
  return declared;
}

}  // namespace

bool in_hierarchy(const entity_info& entity) noexcept {
  return entity.base_entity != nullptr || !entity.subclasses.empty() ||
         !entity.discriminator.is_null() ||
         std::any_of(entity.attrs.begin(), entity.attrs.end(),
                     [](const attr_info& a) { return a.discriminator; });
}

std::vector<std::size_t> link_bases(entity_list& entities) {
  std::vector<std::string> names;
  for (const auto& entity : entities) names.push_back(entity->name);
  for (auto& entity : entities) {
    entity->base_entity = nullptr;
    entity->root = entity.get();
    entity->bases.clear();
    entity->ancestors.clear();
    entity->subclasses.clear();
  }
  for (auto& entity : entities) {
    if (entity->base.empty()) continue;
    std::vector<std::string> declared{entity->base};
    declared.insert(declared.end(), entity->more_bases.begin(), entity->more_bases.end());
    for (const auto& name : declared) {
      const auto found = std::find(names.begin(), names.end(), name);
      if (found == names.end()) {
        fail("schema.unknown_entity", "entity " + entity->name + ": unknown base entity '" + name +
                                          "'" + did_you_mean(name, names));
      }
      const entity_info* base = entities[static_cast<std::size_t>(found - names.begin())].get();
      if (std::find(entity->bases.begin(), entity->bases.end(), base) != entity->bases.end()) {
        fail("schema.multiple_inheritance",
             "entity " + entity->name + ": names its base " + name + " twice; name it once");
      }
      entity->bases.push_back(base);
    }
    entity->base_entity = entity->bases.front();
  }
  // Every entity above each one: its bases, then theirs, nearest first. Meeting the entity
  // itself on the way is a cycle.
  for (auto& entity : entities) {
    auto& above = entity->ancestors;
    above = entity->bases;
    for (std::size_t next = 0; next < above.size(); ++next) {
      if (above[next] == entity.get()) {
        fail("schema.inheritance_cycle",
             "entity " + entity->name + " is its own base (through " + entity->base +
                 "); an inheritance hierarchy must have a root without a base");
      }
      for (const entity_info* base : above[next]->bases) {
        if (std::find(above.begin(), above.end(), base) == above.end()) above.push_back(base);
      }
    }
  }
  // (No cycles: each entity was checked.)
  for (auto& entity : entities) {
    for (const entity_info* e = entity->base_entity; e != nullptr; e = e->base_entity) {
      entity->root = e;
    }
  }
  // PonyORM's multiple inheritance joins classes of one hierarchy (a "diamond").
  for (const auto& entity : entities) {
    for (const entity_info* base : entity->bases) {
      if (base->root == entity->root) continue;
      fail("schema.multiple_inheritance",
           "entity " + entity->name + ": its bases " + entity->base + " and " + base->name +
               " are of different hierarchies (rooted at " + entity->root->name + " and " +
               base->root->name +
               "); the bases of an entity must have a common base, as in PonyORM");
    }
  }
  // The registry's order, but each base before its subclasses: the first entity whose bases
  // are placed comes next (PonyORM's order of definition, which a schema written from PonyORM's
  // classes keeps). The columns of a hierarchy's subclasses follow this order.
  std::vector<std::size_t> order;
  std::vector<const entity_info*> placed;
  auto is_placed = [&](const entity_info* e) {
    return std::find(placed.begin(), placed.end(), e) != placed.end();
  };
  // Without cycles there is always a next one.
  while (order.size() < entities.size()) {
    const auto next = std::find_if(entities.begin(), entities.end(), [&](const auto& e) {
      return !is_placed(e.get()) && std::all_of(e->bases.begin(), e->bases.end(), is_placed);
    });
    placed.push_back(next->get());
    order.push_back(static_cast<std::size_t>(next - entities.begin()));
  }
  // Every entity is a subclass of each of its ancestors, in that order.
  for (std::size_t i : order) {
    entity_info* entity = entities[i].get();
    for (const entity_info* e : entity->ancestors) {
      const_cast<entity_info*>(e)->subclasses.push_back(entity);  // owned by the registry
    }
  }
  return order;
}

std::vector<std::string> build_attrs(
    entity_info& entity, const std::vector<attr_info>& declared,
    const std::vector<std::string>& declared_columns,
    const std::vector<const std::vector<std::string>*>& base_columns) {
  const entity_info* base = entity.base_entity;
  std::vector<attr_info> attrs;
  std::vector<std::string> columns;
  auto position = [&](std::string_view name) {
    return static_cast<std::size_t>(
        std::find_if(attrs.begin(), attrs.end(),
                     [&](const attr_info& a) { return a.name == name; }) -
        attrs.begin());
  };
  for (std::size_t b = 0; b < entity.bases.size(); ++b) {
    const entity_info& from = *entity.bases[b];
    for (std::size_t i = 0; i < from.attrs.size(); ++i) {
      // (A later base's attributes of a common base are had already. Two classes of one
      // hierarchy declaring one name are refused by resolve_tables.)
      if (b > 0 && position(from.attrs[i].name) < attrs.size()) continue;
      attrs.push_back(from.attrs[i]);
      attrs.back().inherited = true;
      columns.push_back((*base_columns[b])[i]);
    }
  }
  for (std::size_t i = 0; i < declared.size(); ++i) {
    const attr_info& attr = declared[i];
    const std::size_t hidden = position(attr.name);
    if (hidden < attrs.size()) {
      // A C++ subclass describes its base's fields again: they are the base's attributes, at
      // the places the subclass's objects have them.
      // (A C++ subclass describes its root's Discriminator<T> field too; the implicit
      // classtype has no field to describe.)
      if (entity.type_tag == nullptr ||
          (attrs[hidden].discriminator && attrs[hidden].read == nullptr)) {
        fail("schema.hides_base", "entity " + entity.name + ": attribute " + attr.name +
                                      " hides the attribute " + attrs[hidden].owner->name + "." +
                                      attr.name + " of its base; give it another name");
      }
      take_binding(attrs[hidden], attr);
      continue;
    }
    if (base != nullptr && attr.kind == attr_kind::pk) {
      fail("schema.subclass_pk", "entity " + entity.name + ": attribute " + attr.name +
                                     " is a PK, but a subclass has the key of its root " +
                                     entity.root->name + "; make it a Req (unique if need be)");
    }
    if (base != nullptr && attr.discriminator) {
      fail("schema.discriminator_attr",
           "entity " + entity.name + ": attribute " + attr.name +
               " is a discriminator, which only the root of a hierarchy declares (here " +
               entity.root->name + "); a subclass sets its value with `discriminator`");
    }
    attrs.push_back(attr);
    attrs.back().in_subclass = base != nullptr;
    columns.push_back(declared_columns[i]);
  }
  const bool declares_discriminator = std::any_of(
      declared.begin(), declared.end(), [](const attr_info& a) { return a.discriminator; });
  if (base == nullptr && !declares_discriminator) {
    // PonyORM's implicit Discriminator(str, column='classtype'), after the root's attributes.
    if (std::any_of(declared.begin(), declared.end(),
                    [](const attr_info& attr) { return attr.name == "classtype"; })) {
      fail("schema.discriminator_name",
           "entity " + entity.name +
               ": the discriminator column of its subclasses is named classtype, and the entity "
               "has an attribute of that name; rename the attribute");
    }
    attr_info classtype;
    classtype.name = "classtype";
    classtype.kind = attr_kind::req;
    classtype.type = value_type::text;
    classtype.discriminator = true;
    attrs.push_back(std::move(classtype));
    columns.emplace_back("classtype");
  }
  // In place when the shape is the same, so that what points at the attributes stays valid
  // when finalize() runs again.
  if (attrs.size() == entity.attrs.size()) {
    std::copy(attrs.begin(), attrs.end(), entity.attrs.begin());
  } else {
    entity.attrs = std::move(attrs);
  }
  return columns;
}

const attr_info& in_base(const entity_info& entity, const attr_info& attr) noexcept {
  // The first base's attributes keep their places; another base's follow, in the first of the
  // other bases that has it.
  if (attr.index < entity.base_entity->attrs.size()) return entity.base_entity->attrs[attr.index];
  const attr_info* found = nullptr;
  for (auto base = entity.bases.begin() + 1; found == nullptr; ++base) {
    found = (*base)->find(attr.name);
  }
  return *found;
}

void sync_inherited(entity_list& entities, const std::vector<std::size_t>& order) {
  for (std::size_t position : order) {
    entity_info& entity = *entities[position];
    if (entity.base_entity == nullptr) continue;
    for (std::size_t i = 0; i < entity.attrs.size(); ++i) {
      attr_info& attr = entity.attrs[i];
      if (!attr.inherited) continue;
      attr_info binding;
      take_binding(binding, attr);
      attr = in_base(entity, attr);
      attr.owner = &entity;
      attr.index = i;
      attr.inherited = true;
      take_binding(attr, binding);
    }
  }
}

void resolve_tables(entity_list& entities) {
  for (auto& entity : entities) {
    entity->load_positions.clear();
    entity->discriminator_attr = nullptr;
    entity->discriminator_value = value{};
    entity->version_attr = nullptr;
    for (const auto& attr : entity->attrs) {
      if (!attr.is_version) continue;
      if (entity->version_attr != nullptr) {
        fail("schema.option_kind", "entity " + entity->name + ": " + entity->version_attr->name +
                                       " and " + attr.name +
                                       " are both version attributes; an entity has one");
      }
      entity->version_attr = &attr;
    }
    // (A hierarchy's classes get their table's columns below.)
    entity->table_columns = entity->columns;
    if (!in_hierarchy(*entity)) continue;
    for (const auto& attr : entity->attrs) {
      if (attr.discriminator) entity->discriminator_attr = &attr;
    }
    entity->discriminator_value = discriminator_of(*entity, *entity->discriminator_attr);
  }
  for (auto& root : entities) {
    if (root->root != root.get() || root->subclasses.empty()) continue;
    std::vector<const attr_info*> all = root->columns;
    std::set<std::string> names;
    std::set<std::string> attr_names;
    for (const attr_info* attr : all) {
      for (const auto& name : attr->column_names()) names.insert(lower(name));
      attr_names.insert(attr->name);
    }
    std::vector<value> values{root->discriminator_value};
    for (const entity_info* sub : root->subclasses) {
      if (std::find(values.begin(), values.end(), sub->discriminator_value) != values.end()) {
        fail("schema.duplicate_discriminator",
             "entity " + sub->name + ": discriminator " + sub->discriminator_value.repr() +
                 " is used by another class of the hierarchy of " + root->name +
                 "; give each class its own");
      }
      values.push_back(sub->discriminator_value);
      for (const attr_info* attr : sub->columns) {
        if (attr->inherited) continue;
        // A query over the root reads the attributes of its subclasses by name (PonyORM's too).
        if (!attr_names.insert(attr->name).second) {
          fail("schema.duplicate_attribute",
               "entity " + sub->name + ", attribute " + attr->name +
                   ": another class of the hierarchy of " + root->name +
                   " has an attribute of that name; declare it once, in their common base");
        }
        for (const auto& name : attr->column_names()) {
          if (names.insert(lower(name)).second) continue;
          fail("schema.duplicate_column",
               "entity " + sub->name + ", attribute " + attr->name + ": column " + name +
                   " is already used in table " + root->table +
                   " by another class of its hierarchy; declare the attribute in the common base, "
                   "or give it another column");
        }
        all.push_back(attr);
      }
    }
    std::vector<entity_info*> members{root.get()};
    for (const entity_info* sub : root->subclasses) {
      members.push_back(const_cast<entity_info*>(sub));  // owned by the registry
    }
    for (entity_info* member : members) member->table_columns = all;
  }
  for (auto& entity : entities) {
    // The lazy columns are the table's, but not read with an object (loaded on first use).
    entity->load_columns.clear();
    for (const attr_info* attr : entity->table_columns) {
      if (!attr->is_lazy()) entity->load_columns.push_back(attr);
    }
    const auto& loaded = entity->load_columns;
    entity->lazy_attrs.clear();
    for (const attr_info* attr : entity->columns) {
      // (By column: in a hierarchy, load_columns are the root's attributes.)
      const auto at = std::find_if(loaded.begin(), loaded.end(),
                                   [&](const attr_info* a) { return a->column == attr->column; });
      entity->load_positions.push_back(at == loaded.end()
                                           ? entity_info::not_loaded
                                           : static_cast<std::size_t>(at - loaded.begin()));
      if (attr->is_lazy()) entity->lazy_attrs.push_back(attr);
    }
    if (entity->lazy_attrs.size() > 64) {
      fail("schema.option_kind", "entity " + entity->name + ": has " +
                                     std::to_string(entity->lazy_attrs.size()) +
                                     " lazy attributes, at most 64 are supported");
    }
    entity->load_offsets.clear();
    entity->load_width = 0;
    for (const attr_info* attr : entity->load_columns) {
      entity->load_offsets.push_back(entity->load_width);
      entity->load_width += attr->column_names().size();
    }
  }
}

}  // namespace nextorm::hierarchy
