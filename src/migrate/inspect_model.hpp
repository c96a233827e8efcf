// The schema inspect builds from a catalog (inspect.cpp), changes by a names file
// (inspect_names.cpp) and writes as JSON (inspect_emit.cpp). Internal to those three files.
#pragma once

#include <nextorm/registry.hpp>

#include "migrate/catalog.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm::schema_change::inspect_model {

using json = nlohmann::json;

// One attribute of the schema being built. Relations know their other side by index, so that a
// names file may rename either side and the "reverse" fields are written from the final names.
// Table and column names are written last (inspector::settle_names), from what the database
// calls them and what the final names would make by default.
struct attr_rec {
  json decl;                         // "name", "kind", "type" and options
  std::vector<std::string> columns;  // its columns; a many-to-many Set: its items' join columns
  std::vector<std::string> parent_columns;  // the referenced key's columns (Single, Set)
  std::string join_table;                   // a many-to-many Set's
  int partner = -1;                         // the other side of a relation (itself: symmetric)
  bool holds_reference = false;             // a Single with columns of its own
  bool one_to_one = false;                  // a Single whose reverse is a Single
  bool required_without_action = false;     // a required reference without ON DELETE
  bool second_side = false;      // a self-referencing Set whose items are the join table's second
  std::string reverse_column{};  // a symmetric Set's second column
  std::vector<std::string> other_columns{};  // a symmetric Set's second columns
  bool named = false;                        // the names file gave fields of it
  bool may_be_optional = false;  // a NOT NULL text column read as Req (PonyORM's Opt str)
};

struct entity_rec {
  std::string name;
  const catalog_table* table = nullptr;  // a subclass: its root's
  int root = -1;                         // itself for a root
  std::string base;
  std::vector<std::string> more_bases;  // PonyORM's multiple inheritance: the bases after `base`
  json discriminator{};  // a class's discriminator value (str or int), null for its name
  std::vector<int> attrs;
  json extra = json::object();  // entity fields a names file gives that inspect does not infer
  bool named = false;           // the names file gave it
};

// A name that queries can spell: letters, digits and '_', not starting with a digit, not a
// keyword of the query language.
[[nodiscard]] std::string identifier(const std::string& text);
// The plural of a lower-case name, the rule of docs/inspect.md for reverse sides.
[[nodiscard]] std::string plural(const std::string& name);

class inspector {
 public:
  inspector(const std::vector<catalog_table>& tables, std::string_view provider)
      : m_tables{tables}, m_lower{provider != "sqlite"}, m_naming{provider} {}

  void infer();                   // inspect.cpp
  void apply(const json& names);  // inspect_names.cpp
  void add_reverse_sides();       // inspect_emit.cpp
  void settle_names();
  [[nodiscard]] json emit();

  std::vector<std::string> notes;

 private:
  // A default name as the provider's PonyORM names make it.
  [[nodiscard]] std::string provider_case(const std::string& s) const;
  [[nodiscard]] bool is_join_table(const catalog_table& t) const;
  [[nodiscard]] const catalog_table* table_named(const std::string& name) const;
  [[nodiscard]] int entity_of_table(const std::string& table) const;
  [[nodiscard]] int entity_named(const std::string& name) const;
  [[nodiscard]] std::string free_name(int entity, const std::string& wanted) const;
  [[nodiscard]] bool has_attr(int entity, const std::string& name) const;
  int add_attr(int entity, json decl, std::vector<std::string> columns);
  void infer_entity(int entity);
  int infer_reference(int entity, const catalog_foreign_key& fk);
  void infer_value(int entity, const catalog_column& c);
  void infer_join_table(const catalog_table& t);
  [[nodiscard]] int match_entity(const json& overlay) const;
  [[nodiscard]] int match_attr(int entity, const json& overlay) const;
  void apply_entity(const json& overlay);
  void apply_attr(int entity, const json& overlay);
  // Whether the names file made an attribute of the root `root` its hierarchy's discriminator.
  [[nodiscard]] bool declares_discriminator(int root) const;
  void rename_entity(int entity, const std::string& name);
  int split_symmetric(int entity, int attr, const json& overlay);
  [[nodiscard]] int holder_of(int attr) const;
  [[nodiscard]] int relations_to(int entity, const std::string& type) const;
  [[nodiscard]] std::vector<std::string> attr_names_for(int entity,
                                                        const std::vector<std::string>& columns,
                                                        int* holder) const;
  [[nodiscard]] json key_lists(int root);
  void settle_join_names(int entity, attr_rec& a);

  const std::vector<catalog_table>& m_tables;
  bool m_lower;
  pony_naming m_naming;
  std::vector<attr_rec> m_attrs;
  std::vector<entity_rec> m_entities;
};

}  // namespace nextorm::schema_change::inspect_model
