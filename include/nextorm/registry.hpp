// The entity registry: entities, attributes, relations and their names in the database.
// Filled from C++ entity types (entity.hpp) or from a JSON schema, then finalized once.
#pragma once

#include <nextorm/value.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm {

class entity_base;
struct entity_info;
namespace detail {
class row_reader;
class param_writer;
}  // namespace detail

enum class attr_kind : std::uint8_t { pk, req, opt, single, set };

// How create() fills a uuid attribute the program does not set: not at all, or with a new
// UUID of version 4 (random; PonyORM's `default=uuid4`) or 7 (time-ordered).
enum class key_generator : std::uint8_t { none, uuid4, uuid7 };

std::string_view kind_name(attr_kind kind) noexcept;  // "PK", "Req", "Opt", "Single", "Set"

struct attr_info {
  // --- declared ---
  std::string name;
  attr_kind kind = attr_kind::req;
  value_type type = value_type::null;  // PK/Req/Opt; for Single, the target key's type (resolved)
  std::string target;                  // Single/Set: the target entity's name
  std::string reverse;                 // Single/Set: the reverse attribute ("" = find it)
  std::string column;                  // "" = the naming convention decides; on a Set of a
                                       // many-to-many, the join table's column of its items
  std::string table;           // Set of a many-to-many: the join table ("" = PonyORM's name)
  std::string reverse_column;  // symmetric Set: the join table's second column ("" = column_2)
  std::string fk_name;  // the foreign key of the column `column` names ("" = fk_<table>__<column>)
  // The attribute's name before a rename: makemigrations renames its column(s) rather than
  // dropping them and adding new ones (docs/migrations.md).
  std::string renamed_from;
  // PonyORM's `columns`: the columns of a Single to an entity whose key has several attributes,
  // or on a many-to-many Set with such an entity, the join table's columns of its items;
  // one per key attribute of the target, in its order (empty = the naming convention's).
  std::vector<std::string> columns;
  std::optional<std::uint32_t> max_len;
  // An enumeration (a str attribute): the names it may hold, in the enum's order.
  std::vector<std::string> enum_values;
  std::uint8_t precision = 0;  // decimal
  std::uint8_t scale = 0;
  // int: PonyORM's size (8, 16, 24, 32 or 64 bits; 0 = NextORM's 64-bit default) and unsigned,
  // which choose the column type and bound the values assigned.
  std::uint8_t int_size = 0;
  bool is_unsigned = false;
  // The column's type and default as SQL, written into CREATE TABLE as given (PonyORM's
  // sql_type and sql_default); "" = NextORM's.
  std::string sql_type;
  std::string sql_default;
  bool unique = false;
  bool indexed = false;
  bool nullable = false;        // Opt: store NULL rather than '' for a missing string
  bool optional = false;        // Single: the reference may be missing
  bool auto_increment = false;  // PK
  key_generator generate = key_generator::none;  // uuid attributes
  // Single/Set: whether removing the owner removes the objects this attribute refers to
  // (PonyORM's cascade_delete); unset = PonyORM's default, resolved into `cascades`.
  std::optional<bool> cascade_delete;
  std::optional<value> default_value;
  // Checks of assigned values (PonyORM's): the bounds of a number (min, max), whether a string
  // loses its leading and trailing whitespace (autostrip, on by default as in PonyORM), and the
  // user's own check of a value of the field's C++ type (`check` option; typed fields only).
  std::optional<value> min_value;
  std::optional<value> max_value;
  bool autostrip = true;
  std::function<bool(const void* value)> check;
  // PonyORM's LongStr: a str of any length in the provider's large text type (TEXT, MariaDB's
  // LONGTEXT), lazy unless declared otherwise.
  bool long_str = false;
  // Not read with its object: loaded from the database on first use (PonyORM's lazy; LongStr's
  // default). PK, Req and Opt only, not a key.
  std::optional<bool> lazy;
  // Changed by others (triggers, other programs) while a session holds the object (PonyORM's
  // volatile): a row read again refreshes it in an object the session has not changed.
  bool is_volatile = false;
  // Whether an UPDATE or DELETE of an object checks that the column still holds what the
  // session read (PonyORM's optimistic): unset = on except for float, timedelta and JSON
  // attributes (whose stored form need not compare equal to what was read: SQLite keeps a
  // timedelta as a float of days), as PonyORM leaves floats out.
  std::optional<bool> optimistic;
  // An integer that every UPDATE of the object increments and checks (`version` option):
  // a concurrent change of any column is detected, whatever the session read.
  bool is_version = false;

  // --- resolved by registry::finalize() ---
  const entity_info* owner = nullptr;
  const entity_info* target_entity = nullptr;
  const attr_info* reverse_attr = nullptr;
  std::size_t index = 0;  // position in owner->attrs
  // Many-to-many (Set on both sides): the join table and its columns; `m2m_own_columns`
  // reference this attribute's owner, `m2m_other_columns` the target, one column per key
  // attribute of the entity they refer to.
  std::string m2m_table;
  std::vector<std::string> m2m_own_columns;
  std::vector<std::string> m2m_other_columns;
  // One-to-one (Single on both sides): PonyORM keeps the foreign key on one side only. True on
  // the side without a column; its reverse Single holds the key.
  bool key_in_reverse = false;
  // Removing the owner removes the objects this relation holds: cascade_delete as declared, or
  // PonyORM's default (a Set whose items require their owner).
  bool cascades = false;
  // The longest string the column holds, in characters: max_len, or the provider's default
  // (MariaDB's VARCHAR(255), as PonyORM's); 0 for no limit. Resolved when the database binds.
  std::uint32_t length_limit = 0;
  // A float field on a provider that cannot store an infinity (MariaDB): refused when assigned.
  bool finite_only = false;
  // Whether an assignment to the field must be checked (any of the checks above applies).
  bool validated = false;
  // Inheritance (one table per hierarchy, as PonyORM): `inherited` marks a copy of the base
  // entity's attribute in a subclass (same index, resolved like the base's; the base's attribute
  // is the one relations link to); `in_subclass` an attribute a subclass declares, whose column
  // accepts NULL (the rows of other classes have none) while the object still requires a Req;
  // `discriminator` the discriminator of a hierarchy's root, whose column holds the value of
  // each row's class: PonyORM's implicit `classtype` (str, no C++ field), or one the root
  // declares (PonyORM's `Discriminator(int)`, C++ `Discriminator<int>`; a Req of str or int).
  bool inherited = false;
  bool in_subclass = false;
  bool discriminator = false;
  // One of the attributes of the owner's primary key (entity_info::key_attrs): once the object
  // is stored its value cannot change (object.key_change), as in PonyORM.
  bool key_part = false;
  // A Single to an entity whose key has several attributes: its columns, `columns` or the
  // naming convention's (`column` is the first of them), one per key column of the target
  // (entity_info::key_columns). Empty for every other attribute.
  std::vector<std::string> reference_columns;

  // --- C++ binding of typed entities: where the field lives in the object, and how to move a
  // value in and out of it (null for entities loaded from a JSON schema) ---
  std::ptrdiff_t field_offset = -1;
  value (*read)(const void* field) = nullptr;
  void (*write)(void* field, const value& v) = nullptr;
  // Reads the field straight from a result column (no intermediate value); null for relations.
  void (*load)(void* field, const detail::row_reader& row, std::size_t column) = nullptr;
  // Writes the field as the statement parameter `index` (no intermediate value); false, with
  // nothing written, when the field holds no value. Null for the implicit id.
  bool (*store)(const void* field, detail::param_writer& out, std::size_t index) = nullptr;
  // Assigns a value as the user's assignment does (checked, recorded); PK, Req and Opt only.
  void (*assign)(void* field, const value& v) = nullptr;

  // True when the attribute is stored in its owner's table (PK, Req, Opt, Single except the
  // keyless side of a one-to-one).
  [[nodiscard]] bool has_column() const noexcept {
    return kind != attr_kind::set && !key_in_reverse;
  }
  // True when the column accepts NULL: an Opt that is nullable (add() makes every Opt
  // nullable except non-unique str and json, stored as '' like PonyORM), or an optional Single.
  [[nodiscard]] bool column_nullable() const noexcept {
    return in_subclass || (kind == attr_kind::opt && nullable) ||
           (kind == attr_kind::single && optional);
  }
  // The attribute's columns in its table: `column`, or a composite reference's columns.
  [[nodiscard]] std::span<const std::string> column_names() const noexcept {
    if (reference_columns.empty()) return {&column, 1};
    return reference_columns;
  }
  // Whether the attribute is loaded on first use (lazy, or a LongStr not declared otherwise).
  [[nodiscard]] bool is_lazy() const noexcept { return lazy.value_or(long_str); }
  // Whether a change of the object checks the column's value (optimistic, not volatile, a
  // column of its own that is not the key's).
  [[nodiscard]] bool checked_optimistically() const noexcept {
    return has_column() && !key_part && !discriminator && !is_volatile && !is_version &&
           optimistic.value_or(type != value_type::real && type != value_type::json &&
                               type != value_type::interval);
  }
  [[nodiscard]] bool is_relation() const noexcept {
    return kind == attr_kind::single || kind == attr_kind::set;
  }
  // Set whose reverse is also a Set: stored in a join table.
  [[nodiscard]] bool is_many_to_many() const noexcept {
    return kind == attr_kind::set && reverse_attr != nullptr &&
           reverse_attr->kind == attr_kind::set;
  }
};

// PonyORM's composite_key(a, b) (unique) and composite_index(a, b): a constraint or an index
// over the columns of two or more attributes of one entity, named as PonyORM names them.
struct composite_index_info {
  std::vector<std::string> attrs;  // attribute names, in the index's column order
  bool unique = false;             // composite_key
};

// A computed attribute or method, written in the query language (the answer to PonyORM's hybrid
// properties and methods): `text` is an expression over `self`
// (`self.first + ' ' + self.last`), or a lambda whose first argument is the object and the
// others the method's parameters (`lambda p, limit: count(l for l in p.lines if l.qty > limit)`).
// Queries inline it where it is used; objects evaluate it through one.
struct computed_info {
  std::string name;
  std::string text;
  // The declared type of its value: a value type, or with `target` an object of that entity
  // (or with `many`, a collection of them); null: whatever the expression gives (JSON only).
  value_type type = value_type::null;
  std::string target;
  bool many = false;
  // A method's parameter types, one per lambda argument after the object; empty for an
  // attribute. null: any (JSON only).
  std::vector<value_type> params;
  std::uint32_t field_offset = 0;  // typed entities: the Computed member in the object

  // --- resolved by registry::finalize() ---
  const entity_info* owner = nullptr;
  const entity_info* target_entity = nullptr;
  std::size_t index = 0;  // position in owner->computed
};

// PonyORM's hooks, as the session calls them on an object of a typed entity: before and after
// its INSERT, UPDATE and DELETE are written (at flush), and after it is read from a row.
struct entity_hooks {
  using hook = void (*)(entity_base& object);
  hook before_insert = nullptr;
  hook after_insert = nullptr;
  hook before_update = nullptr;
  hook after_update = nullptr;
  hook before_delete = nullptr;
  hook after_delete = nullptr;
  hook after_load = nullptr;
  [[nodiscard]] bool any() const noexcept {
    return before_insert != nullptr || after_insert != nullptr || before_update != nullptr ||
           after_update != nullptr || before_delete != nullptr || after_delete != nullptr ||
           after_load != nullptr;
  }
};

// One column of an entity's primary key. A key attribute has one, except one that refers to an
// entity with a composite key (a key of keys, PonyORM's PrimaryKey(course, student) where Course
// has PrimaryKey(name, semester)): one per column of that entity's key, in its order.
struct key_column {
  std::string name;
  const attr_info* leaf = nullptr;  // the attribute whose values it holds: its type, its length
};

struct entity_info {
  std::string name;
  std::string table;  // "" until finalize() unless declared
  // The entity's name before a rename (makemigrations renames its table, docs/migrations.md).
  std::string renamed_from;
  // Inheritance: the direct base entity ("" for none), and the value of the discriminator column
  // that marks this class's rows (PonyORM's _discriminator_): a str, or an int for a hierarchy
  // whose root declares an int discriminator; null = the entity's name.
  std::string base;
  // PonyORM's multiple inheritance (class Assistant(Student, Teacher)): the direct bases after
  // `base`, of the same hierarchy. JSON schema only (a C++ entity has one base).
  std::vector<std::string> more_bases;
  value discriminator;
  std::vector<attr_info> attrs;
  std::vector<composite_index_info> composite_indexes;
  std::vector<computed_info> computed;  // declared on this entity (a subclass: its own only)
  // PonyORM's PrimaryKey(a, b): the names of two or more Req or required Single attributes
  // that together are the key, in its column order. Empty: the key is the PK attribute (or the
  // implicit `id`).
  std::vector<std::string> primary_key;
  // Typed entities: identifies the C++ type (the address of a per-type tag) and makes an empty
  // object of it in storage the session provides (object_size bytes aligned to object_align),
  // so that sessions allocate their objects in bulk. All are null for entities loaded from a
  // JSON schema.
  const void* type_tag = nullptr;
  std::size_t object_size = 0;
  std::size_t object_align = 0;
  entity_base* (*construct)(void* where) = nullptr;

  // --- resolved by registry::finalize() ---
  std::size_t pk_index = 0;  // the PK attribute, or the first of a composite key
  // The key's attributes: the PK attribute alone, or those primary_key names (a subclass: its
  // copies of its root's).
  std::vector<const attr_info*> key_attrs;
  // The key's columns (as many as key_attrs unless a key attribute refers to an entity with a
  // composite key). A key's value has a part per key attribute; a part that refers to such an
  // entity is that entity's key (a tuple in the tuple).
  std::vector<key_column> key_columns;
  // How many they are: known before they are named, for a reference to this entity has as many.
  std::size_t key_width = 0;
  std::vector<const attr_info*> columns;  // attributes with a column, in declaration order
  std::size_t column_width = 0;           // their SQL columns (a composite reference has several)
  // Inheritance: the base entity, the hierarchy's root (this entity when it has no base), and
  // every entity below this one (subclasses of subclasses too), in registry order.
  const entity_info* base_entity = nullptr;
  const entity_info* root = this;
  // Every direct base (base_entity first, then more_bases), and every entity above this one:
  // its bases, then theirs, each once, nearest first.
  std::vector<const entity_info*> bases;
  std::vector<const entity_info*> ancestors;
  std::vector<const entity_info*> subclasses;
  // The columns a query reads for an object of this entity: `columns`, or in a hierarchy every
  // column of its table (the root's columns, then each subclass's own), so that one row holds
  // an object of any class; lazy attributes left out. `load_positions[i]` is where columns[i]
  // is among them (not_loaded for a lazy one).
  std::vector<const attr_info*> load_columns;
  std::vector<std::size_t> load_positions;
  static constexpr std::size_t not_loaded = static_cast<std::size_t>(-1);
  // Every attribute with a column in this entity's table: load_columns and the lazy ones, which
  // an object loads on first use (attr_info::is_lazy()). What CREATE TABLE declares.
  std::vector<const attr_info*> table_columns;
  // The lazy attributes among `columns`, in order: at most 64, so that the ones an object has
  // not loaded fit a 64-bit mask.
  std::vector<const attr_info*> lazy_attrs;
  // Where each of load_columns starts among the SQL columns a query reads (a reference to an
  // entity with a composite key has several), and how many there are.
  std::vector<std::size_t> load_offsets;
  std::size_t load_width = 0;
  // The discriminator attribute (`classtype`, or the root's declared one) of the hierarchy, null
  // outside one, and the value that marks this entity's rows (`discriminator`, or the entity's
  // name), of the attribute's type.
  const attr_info* discriminator_attr = nullptr;
  value discriminator_value;
  // The attribute declared with the `version` option (attr_info::is_version), null for none.
  const attr_info* version_attr = nullptr;
  // Member functions of a typed entity that the session calls (entity.hpp): null for those
  // the class does not declare.
  entity_hooks hooks;

  [[nodiscard]] const attr_info* find(std::string_view attr_name) const noexcept;
  // The computed attribute or method `name` of this entity or of a base.
  [[nodiscard]] const computed_info* find_computed(std::string_view name) const noexcept;
  // The key attribute of an entity with a one-column key (for a composite key, the first of
  // key_attrs: callers that handle both test composite_key() first).
  [[nodiscard]] const attr_info& pk() const noexcept { return attrs[pk_index]; }
  // Whether the key has several columns: several key attributes, or one that refers to an entity
  // whose key has several (PonyORM's PrimaryKey(course) of a Course keyed by two). Such a key's
  // value is a tuple of a part per key attribute (a key of one attribute: a tuple of one part);
  // a key of one column is that column's value.
  [[nodiscard]] bool composite_key() const noexcept { return key_width > 1; }
  // Whether `other` is this entity or one below it (PonyORM's issubclass).
  [[nodiscard]] bool is_same_or_base_of(const entity_info& other) const noexcept;
  [[nodiscard]] bool in_hierarchy() const noexcept { return discriminator_attr != nullptr; }
};

// How entity and attribute names become table and column names. The default follows PonyORM on
// the database's provider, so that NextORM opens databases PonyORM created. Names the schema
// declares (an entity's table, an attribute's column) are used as given.
class naming_convention {
 public:
  virtual ~naming_convention() = default;
  [[nodiscard]] virtual std::string table(const entity_info& entity) const = 0;
  [[nodiscard]] virtual std::string column(const attr_info& attr) const = 0;  // incl. Single
  [[nodiscard]] virtual std::string join_table(const attr_info& a, const attr_info& b) const = 0;
  [[nodiscard]] virtual std::string join_column(const entity_info& referenced) const = 0;
  // A join table's column that refers to an entity whose key has several attributes: one per
  // key column of that entity (PonyORM's <entity lower case>_<key column>).
  [[nodiscard]] virtual std::string join_key_column(const entity_info& referenced,
                                                    const std::string& key_column) const;
  // A column of a Single to an entity whose key has several attributes: one per key column of
  // the target (PonyORM's <attribute>_<key column>).
  [[nodiscard]] virtual std::string reference_column(const attr_info& attr,
                                                     const std::string& key_column) const {
    return attr.name + "_" + key_column;
  }
};

// PonyORM's names: table = entity name, column = attribute name, foreign key column = attribute
// name, join table = the two entity names sorted and joined by '_', join columns = lower-cased
// entity names. Per provider, as PonyORM's provider.normalize_name(): PostgreSQL and MariaDB
// lower-case every default name, and every default name is cut to the provider's identifier
// length (PostgreSQL 63, MariaDB 64, SQLite 1024).
class pony_naming : public naming_convention {
 public:
  pony_naming() = default;  // SQLite's rules
  // The provider as a dialect names it: "sqlite", "postgres" or "mariadb" (schema_error
  // `schema.unknown_provider` otherwise).
  explicit pony_naming(std::string_view provider);

  [[nodiscard]] std::string table(const entity_info& entity) const override;
  [[nodiscard]] std::string column(const attr_info& attr) const override;
  [[nodiscard]] std::string join_table(const attr_info& a, const attr_info& b) const override;
  [[nodiscard]] std::string join_column(const entity_info& referenced) const override;
  [[nodiscard]] std::string join_key_column(const entity_info& referenced,
                                            const std::string& key_column) const override;
  [[nodiscard]] std::string reference_column(const attr_info& attr,
                                             const std::string& key_column) const override;

  // PonyORM's index and constraint names, always lower case and cut to the identifier length:
  // idx_<table>__<column> (a composite index: the columns joined by '_'), idx_<join table> (a
  // join table's second column), fk_<table>__<column>.
  [[nodiscard]] std::string index(std::string_view table, std::string_view column) const;
  // A composite_key's constraint: unq_<table>__<columns> (joined by '_', as for an index).
  [[nodiscard]] std::string unique_key(std::string_view table, std::string_view columns) const;
  [[nodiscard]] std::string join_index(std::string_view join_table) const;
  [[nodiscard]] std::string foreign_key(std::string_view table, std::string_view column) const;

  [[nodiscard]] bool lower_case() const noexcept { return m_lower_case; }
  [[nodiscard]] std::size_t max_name_length() const noexcept { return m_max_name_length; }

 private:
  [[nodiscard]] std::string normalize(std::string name) const;

  bool m_lower_case = false;
  std::size_t m_max_name_length = 1024;
};

class registry {
 public:
  registry();
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  // Adds an entity; an entity without a PK gets `id`, an auto-increment integer.
  entity_info& add(entity_info entity);

  // JSON schema: {"entities":[{"name":..,"table":..,"attrs":[{"name":..,"kind":..,...}]}]}.
  void load_json_text(std::string_view json_text);
  void load_json_file(const std::filesystem::path& path);
  // The registry as a JSON schema (docs/json-schema.md, indented by 2): what each entity and
  // attribute declared, in the order they were added, so that load_json_text() of it gives the
  // same registry. A C++ entity's `check` option is code and is not written.
  [[nodiscard]] std::string to_json() const;

  // Resolves targets, reverse sides, table and column names; checks consistency. Call after the
  // last add(); calling again after more adds re-resolves. Bumps version().
  void finalize(const naming_convention& naming);
  void finalize();  // with pony_naming{} (SQLite's names); database::generate_mapping() passes
                    // pony_naming{provider} of the provider it is bound to
  [[nodiscard]] bool finalized() const noexcept { return m_finalized; }

  [[nodiscard]] const entity_info* find(std::string_view name) const noexcept;
  [[nodiscard]] const entity_info* find_type(const void* type_tag) const noexcept;
  // Throws query-independent schema_error "unknown entity X; did you mean Y?".
  [[nodiscard]] const entity_info& get(std::string_view name) const;
  [[nodiscard]] const std::vector<std::unique_ptr<entity_info>>& entities() const noexcept {
    return m_entities;
  }
  [[nodiscard]] std::uint64_t version() const noexcept { return m_version; }
  // Whether an entity declares a hook (entity_hooks): a session without any skips them.
  [[nodiscard]] bool has_hooks() const noexcept { return m_has_hooks; }

 private:
  // The names add() was given ("" = the naming convention decides), parallel to m_entities, so
  // that finalize() can resolve names again from scratch.
  struct declared_names {
    std::string table;
    std::vector<std::string> columns;
    // The attributes as add() checked them, from which finalize() builds a subclass's list
    // (the base's attributes, then its own) again each time.
    std::vector<attr_info> attrs;
  };

  std::vector<std::unique_ptr<entity_info>> m_entities;
  std::vector<declared_names> m_declared;
  std::uint64_t m_version = 0;
  bool m_finalized = false;
  bool m_has_hooks = false;
};

}  // namespace nextorm
