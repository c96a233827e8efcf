// The three dialects: names, quoting, placeholders, column types and the lowering hooks.
#include "lower/dialect.hpp"

#include <catch2/catch.hpp>

#include <nextorm/errors.hpp>

#include <algorithm>

using namespace nextorm;
using lower::mariadb_dialect;
using lower::postgres_dialect;
using lower::sqlite_dialect;

namespace {

attr_info attr(value_type type) {
  attr_info a;
  a.name = "x";
  a.type = type;
  return a;
}

std::string limit_of(const lower::dialect& d, std::string_view limit, std::string_view offset) {
  std::string out;
  d.append_limit(out, limit, offset);
  return out;
}

}  // namespace

TEST_CASE("dialects are found by name") {
  CHECK(lower::find_dialect("sqlite") == &sqlite_dialect());
  CHECK(lower::find_dialect("postgres") == &postgres_dialect());
  CHECK(lower::find_dialect("mariadb") == &mariadb_dialect());
  CHECK(lower::find_dialect("oracle") == nullptr);
}

TEST_CASE("identifiers are quoted with the quote character doubled inside") {
  CHECK(sqlite_dialect().quote("Order") == "\"Order\"");
  CHECK(postgres_dialect().quote("a\"b") == "\"a\"\"b\"");
  CHECK(mariadb_dialect().quote("Group") == "`Group`");
  CHECK(mariadb_dialect().quote("a`b") == "`a``b`");
}

TEST_CASE("placeholders are ? or $n") {
  CHECK(sqlite_dialect().placeholder(4) == "?");
  CHECK(mariadb_dialect().placeholder(0) == "?");
  CHECK(postgres_dialect().placeholder(0) == "$1");
  CHECK(postgres_dialect().placeholder(11) == "$12");
}

TEST_CASE("column types follow each database's conventions") {
  struct row {
    value_type type;
    const char* sqlite;
    const char* postgres;
    const char* mariadb;
  };
  const row rows[] = {
      {value_type::integer, "INTEGER", "BIGINT", "BIGINT"},
      {value_type::real, "REAL", "DOUBLE PRECISION", "DOUBLE"},
      {value_type::boolean, "BOOLEAN", "BOOLEAN", "TINYINT(1)"},
      {value_type::text, "TEXT", "TEXT", "VARCHAR(255)"},
      {value_type::decimal, "DECIMAL(12, 2)", "NUMERIC(12, 2)", "DECIMAL(12, 2)"},
      {value_type::date, "DATE", "DATE", "DATE"},
      {value_type::datetime, "DATETIME", "TIMESTAMP", "DATETIME(6)"},
      {value_type::time, "TIME", "TIME", "TIME(6)"},
      {value_type::bytes, "BLOB", "BYTEA", "LONGBLOB"},
      {value_type::uuid, "UUID", "UUID", "BINARY(16)"},
      {value_type::json, "JSON", "JSONB", "JSON"},
  };
  for (const row& r : rows) {
    INFO(type_name(r.type));
    CHECK(sqlite_dialect().column_type(attr(r.type)) == r.sqlite);
    CHECK(postgres_dialect().column_type(attr(r.type)) == r.postgres);
    CHECK(mariadb_dialect().column_type(attr(r.type)) == r.mariadb);
  }
  attr_info name = attr(value_type::text);
  name.max_len = 40;
  CHECK(sqlite_dialect().column_type(name) == "VARCHAR(40)");
  CHECK(postgres_dialect().column_type(name) == "VARCHAR(40)");
  CHECK(mariadb_dialect().column_type(name) == "VARCHAR(40)");
  attr_info money = attr(value_type::decimal);
  money.precision = 10;
  money.scale = 0;
  CHECK(postgres_dialect().column_type(money) == "NUMERIC(10, 0)");
}

TEST_CASE("an attribute without a type has no column type") {
  attr_info untyped = attr(value_type::null);
  CHECK_THROWS_WITH(sqlite_dialect().column_type(untyped),
                    "schema.untyped_attribute: attribute x has no type, so it has no column type");
  entity_info owner;
  owner.name = "E";
  untyped.owner = &owner;
  CHECK_THROWS_AS(postgres_dialect().column_type(untyped), schema_error);
  CHECK_THROWS_WITH(
      mariadb_dialect().column_type(untyped),
      "schema.untyped_attribute: attribute E.x has no type, so it has no column type");
}

TEST_CASE("auto-increment keys and RETURNING") {
  CHECK(sqlite_dialect().auto_increment_pk() == "INTEGER PRIMARY KEY AUTOINCREMENT");
  CHECK(postgres_dialect().auto_increment_pk() == "BIGSERIAL PRIMARY KEY");
  CHECK(mariadb_dialect().auto_increment_pk() == "BIGINT AUTO_INCREMENT PRIMARY KEY");
  CHECK_FALSE(sqlite_dialect().has_returning());
  CHECK(postgres_dialect().has_returning());
  CHECK_FALSE(mariadb_dialect().has_returning());
}

TEST_CASE("LIMIT and OFFSET, with either one missing") {
  CHECK(limit_of(sqlite_dialect(), "?", "?") == "LIMIT ? OFFSET ?");
  CHECK(limit_of(sqlite_dialect(), "?", "") == "LIMIT ?");
  CHECK(limit_of(sqlite_dialect(), "", "?") == "LIMIT -1 OFFSET ?");
  CHECK(limit_of(postgres_dialect(), "$1", "$2") == "LIMIT $1 OFFSET $2");
  CHECK(limit_of(postgres_dialect(), "$1", "") == "LIMIT $1");
  CHECK(limit_of(postgres_dialect(), "", "$1") == "OFFSET $1");
  CHECK(limit_of(mariadb_dialect(), "?", "?") == "LIMIT ? OFFSET ?");
  CHECK(limit_of(mariadb_dialect(), "", "?") == "LIMIT 18446744073709551615 OFFSET ?");
}

TEST_CASE("the lowering hooks tell the differences") {
  CHECK(sqlite_dialect().bool_literal(true) == "1");
  CHECK(sqlite_dialect().bool_literal(false) == "0");
  CHECK(postgres_dialect().bool_literal(true) == "true");
  CHECK(postgres_dialect().bool_literal(false) == "false");
  CHECK(mariadb_dialect().bool_literal(true) == "1");
  CHECK(mariadb_dialect().bool_literal(false) == "0");
  CHECK_FALSE(sqlite_dialect().concat_is_function());
  CHECK_FALSE(postgres_dialect().concat_is_function());
  CHECK(mariadb_dialect().concat_is_function());
  CHECK(sqlite_dialect().int_div_operator() == " / ");
  CHECK(postgres_dialect().int_div_operator() == " / ");
  CHECK(mariadb_dialect().int_div_operator() == " DIV ");
  CHECK(sqlite_dialect().length_function() == "length");
  CHECK(postgres_dialect().length_function() == "length");
  CHECK(mariadb_dialect().length_function() == "char_length");
  CHECK(sqlite_dialect().has_real_modulo());
  CHECK_FALSE(postgres_dialect().has_real_modulo());
  CHECK(mariadb_dialect().has_real_modulo());
  CHECK(sqlite_dialect().has_limit_in_subquery());
  CHECK(postgres_dialect().has_limit_in_subquery());
  CHECK_FALSE(mariadb_dialect().has_limit_in_subquery());
}

TEST_CASE("json paths are written in each dialect's form, keys escaped") {
  const std::vector<value> path{value{"a\"b"}, value{0}, value{"c\\d"}};
  CHECK(sqlite_dialect().json_path(path) == R"($."a\"b"[0]."c\\d")");
  CHECK(mariadb_dialect().json_path(path) == R"($."a\"b"[0]."c\\d")");
  CHECK(postgres_dialect().json_path(path) == R"({"a\"b","0","c\\d"})");
  CHECK(sqlite_dialect().json_path({}) == "$");
  CHECK(postgres_dialect().json_path({}) == "{}");
  for (const lower::dialect* d : {&sqlite_dialect(), &postgres_dialect(), &mariadb_dialect()}) {
    for (auto op :
         {lower::json_op::get, lower::json_op::value_int, lower::json_op::value_real,
          lower::json_op::value_text, lower::json_op::value_bool, lower::json_op::is_null}) {
      CHECK(d->json_template(op).find("{p}") != std::string_view::npos);
    }
    CHECK(d->json_template(lower::json_op::contains).find("{n}") != std::string_view::npos);
  }
}

TEST_CASE("every brace of a json template opens a placeholder {x}, {p} or {n}") {
  // The SQL builder reads a '{' as the start of a placeholder without checking what follows.
  for (const lower::dialect* d : {&sqlite_dialect(), &postgres_dialect(), &mariadb_dialect()}) {
    for (auto op : {lower::json_op::get, lower::json_op::value_int, lower::json_op::value_real,
                    lower::json_op::value_text, lower::json_op::value_bool, lower::json_op::is_null,
                    lower::json_op::contains}) {
      const std::string_view t = d->json_template(op);
      INFO(d->name() << ": " << t);
      for (std::size_t i = t.find('{'); i != std::string_view::npos; i = t.find('{', i + 1)) {
        REQUIRE(i + 2 < t.size());
        CHECK(std::string_view{"xpn"}.find(t[i + 1]) != std::string_view::npos);
        CHECK(t[i + 2] == '}');
      }
      CHECK(std::count(t.begin(), t.end(), '{') == std::count(t.begin(), t.end(), '}'));
    }
  }
}

TEST_CASE("every brace of a strip template opens {x} or {c}, and each has both") {
  for (const lower::dialect* d : {&sqlite_dialect(), &postgres_dialect(), &mariadb_dialect()}) {
    for (int side = 0; side < 3; ++side) {
      const std::string_view t = d->trim_template(side);
      INFO(d->name() << ": " << t);
      CHECK(t.find("{x}") != std::string_view::npos);
      CHECK(t.find("{c}") != std::string_view::npos);
      for (std::size_t i = t.find('{'); i != std::string_view::npos; i = t.find('{', i + 1)) {
        REQUIRE(i + 2 < t.size());
        CHECK(std::string_view{"xc"}.find(t[i + 1]) != std::string_view::npos);
        CHECK(t[i + 2] == '}');
      }
      CHECK(std::count(t.begin(), t.end(), '{') == std::count(t.begin(), t.end(), '}'));
    }
  }
}
