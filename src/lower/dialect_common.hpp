// Helpers the three dialects share; not part of the dialect interface.
#pragma once

#include <nextorm/registry.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace nextorm::lower::detail {

// Appends `identifier` between `quote_char`s, doubling any quote character inside it.
void append_quoted_with(std::string& out, std::string_view identifier, char quote_char);

// Appends the decimal digits of `n`.
void append_number(std::string& out, std::size_t n);

// "(p, s)" for a decimal attribute; an attribute without precision gets PonyORM's (12, 2).
std::string decimal_args(const attr_info& attr);

// `$."tags"[0]`: the JSON path of SQLite and MariaDB, keys quoted (a `"` or `\` inside one is
// escaped with `\`).
std::string dollar_json_path(const std::vector<value>& path);

// PonyORM's integer column of `size` bits (8 to 64) on SQLite and MariaDB: TINYINT, SMALLINT,
// MEDIUMINT, INTEGER or BIGINT, followed by " UNSIGNED" for an unsigned one.
std::string sized_int_type(const attr_info& attr);

// Throws schema_error for an attribute whose type has no column type (value_type::null).
[[noreturn]] void throw_untyped(const attr_info& attr);

}  // namespace nextorm::lower::detail
