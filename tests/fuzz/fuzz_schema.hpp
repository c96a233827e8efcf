// The schema the fuzz targets compile against: tests/golden/schema.json (so that the golden
// queries are seeds as they are) plus one entity with every attribute option (and its reverse
// in Customer). Together they have
// every relation kind (one-to-many with an optional and a required Single, many-to-many,
// self-reference, one-to-one), an int and a str PK, and every attribute type. Composite keys
// are not supported (schema.duplicate_pk).
#pragma once

#include <nextorm/registry.hpp>

#include <memory>
#include <string_view>

namespace nextorm::fuzz {

inline constexpr std::string_view schema_json = R"({"entities": [
  {"name": "Category", "attrs": [
    {"name": "name", "kind": "Req", "type": "str", "unique": true},
    {"name": "products", "kind": "Set", "type": "Product"}]},
  {"name": "Tag", "attrs": [
    {"name": "name", "kind": "Req", "type": "str"},
    {"name": "products", "kind": "Set", "type": "Product"}]},
  {"name": "Product", "attrs": [
    {"name": "name", "kind": "Req", "type": "str"},
    {"name": "price", "kind": "Req", "type": "float"},
    {"name": "quantity", "kind": "Req", "type": "int"},
    {"name": "category", "kind": "Single", "type": "Category", "optional": true},
    {"name": "tags", "kind": "Set", "type": "Tag"},
    {"name": "description", "kind": "Opt", "type": "str"},
    {"name": "active", "kind": "Req", "type": "bool"}]},
  {"name": "Customer", "attrs": [
    {"name": "name", "kind": "Req", "type": "str"},
    {"name": "email", "kind": "Req", "type": "str", "unique": true},
    {"name": "orders", "kind": "Set", "type": "Order"},
    {"name": "gadgets", "kind": "Set", "type": "Gadget"}]},
  {"name": "Order", "attrs": [
    {"name": "customer", "kind": "Single", "type": "Customer"},
    {"name": "total", "kind": "Req", "type": "decimal", "precision": 12, "scale": 2},
    {"name": "state", "kind": "Req", "type": "str"}]},
  {"name": "Group", "attrs": [
    {"name": "number", "kind": "PK", "type": "int"},
    {"name": "major", "kind": "Req", "type": "str"},
    {"name": "students", "kind": "Set", "type": "Student"}]},
  {"name": "Course", "attrs": [
    {"name": "name", "kind": "Req", "type": "str"},
    {"name": "credits", "kind": "Req", "type": "int"},
    {"name": "students", "kind": "Set", "type": "Student"}]},
  {"name": "Student", "attrs": [
    {"name": "name", "kind": "Req", "type": "str"},
    {"name": "gpa", "kind": "Opt", "type": "float"},
    {"name": "group", "kind": "Single", "type": "Group"},
    {"name": "courses", "kind": "Set", "type": "Course"},
    {"name": "mentor", "kind": "Single", "type": "Student", "reverse": "mentees", "optional": true},
    {"name": "mentees", "kind": "Set", "type": "Student", "reverse": "mentor"},
    {"name": "passport", "kind": "Single", "type": "Passport", "optional": true}]},
  {"name": "Passport", "attrs": [
    {"name": "code", "kind": "PK", "type": "str"},
    {"name": "owner", "kind": "Single", "type": "Student"},
    {"name": "country", "kind": "Req", "type": "str"}]},
  {"name": "Event", "attrs": [
    {"name": "title", "kind": "Req", "type": "str"},
    {"name": "day", "kind": "Req", "type": "date"},
    {"name": "at", "kind": "Opt", "type": "datetime"},
    {"name": "alarm", "kind": "Opt", "type": "time"},
    {"name": "picture", "kind": "Opt", "type": "bytes"}]},
  {"name": "Doc", "attrs": [
    {"name": "title", "kind": "Req", "type": "str"},
    {"name": "meta", "kind": "Opt", "type": "json"},
    {"name": "uid", "kind": "Opt", "type": "uuid"}]},
  {"name": "Gadget", "table": "gadget table", "attrs": [
    {"name": "code", "kind": "PK", "type": "int", "auto": true},
    {"name": "label", "kind": "Opt", "type": "str", "nullable": true, "max_len": 20,
     "autostrip": false},
    {"name": "weight", "kind": "Req", "type": "float", "min": 0, "max": 1e300},
    {"name": "count", "kind": "Opt", "type": "int", "default": -9223372036854775808},
    {"name": "ok", "kind": "Req", "type": "bool", "default": true},
    {"name": "cost", "kind": "Opt", "type": "decimal", "precision": 38, "scale": 10},
    {"name": "made", "kind": "Opt", "type": "date", "index": true},
    {"name": "seen", "kind": "Opt", "type": "datetime"},
    {"name": "wake", "kind": "Opt", "type": "time"},
    {"name": "blob", "kind": "Opt", "type": "bytes"},
    {"name": "serial", "kind": "Req", "type": "uuid", "unique": true},
    {"name": "spec", "kind": "Req", "type": "json"},
    {"name": "maker", "kind": "Single", "type": "Customer", "column": "made by", "optional": true},
    {"name": "parts", "kind": "Set", "type": "Gadget", "reverse": "used_in"},
    {"name": "used_in", "kind": "Set", "type": "Gadget", "reverse": "parts"}]}
]})";

// The schema, finalized with the names of `provider` ("sqlite", "postgres", "mariadb").
inline std::unique_ptr<registry> make_schema(std::string_view provider) {
  auto reg = std::make_unique<registry>();
  reg->load_json_text(schema_json);
  reg->finalize(pony_naming{provider});
  return reg;
}

}  // namespace nextorm::fuzz
