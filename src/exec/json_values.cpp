#include "exec/json_values.hpp"

#include <nlohmann/json.hpp>

namespace nextorm::exec {

namespace {

value from_json_text(const value& v) {
  if (v.is_null()) return v;
  const nlohmann::json j = nlohmann::json::parse(v.as_text(), nullptr, false);
  switch (j.type()) {
    case nlohmann::json::value_t::null: return value{};
    case nlohmann::json::value_t::boolean: return value{j.get<bool>()};
    case nlohmann::json::value_t::number_integer: return value{j.get<std::int64_t>()};
    case nlohmann::json::value_t::number_unsigned:
      if (j.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return value{static_cast<std::int64_t>(j.get<std::uint64_t>())};
      }
      return value{j.get<double>()};
    case nlohmann::json::value_t::number_float: return value{j.get<double>()};
    case nlohmann::json::value_t::string: return value{j.get<std::string>()};
    case nlohmann::json::value_t::discarded: return v;
    default: return value::typed(value_type::json, j.dump());
  }
}

}  // namespace

void unwrap_json(const lower::result_shape& shape, detail::raw_result& rows) {
  for (std::size_t item = 0; item < shape.items.size(); ++item) {
    if (!shape.items[item].json_unwrap) continue;
    for (std::size_t cell = item; cell < rows.cells.size(); cell += rows.width) {
      rows.cells[cell].v = from_json_text(rows.cells[cell].v);
    }
  }
}

}  // namespace nextorm::exec
