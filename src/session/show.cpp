// PonyORM's q.show(): the query's rows as a table.
#include "session/show.hpp"

#include <nextorm/entity_base.hpp>
#include <nextorm/query.hpp>
#include <nextorm/registry.hpp>

#include "materialize/object_access.hpp"
#include "session/session_impl.hpp"

#include <algorithm>

namespace nextorm::detail {

namespace {

std::string to_hex(const std::string& bytes) {
  constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4];
    out += digits[b & 0xf];
  }
  return out;
}

std::size_t display_width(const std::string& text) {
  // Count every byte that does not continue a UTF-8 sequence.
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

// An object inside a tuple, or a reference: PonyORM's repr, Group[101].
std::string object_text(const entity_info& entity, const value& key) {
  if (key.is_null()) return "None";
  return entity.name + "[" + key_label(entity, key) + "]";
}

// The attributes with a column of a typed object; a reference shows its target's repr. Lazy
// attributes are left out, as PonyORM's show() leaves them (showing them would load each).
std::vector<std::string> attribute_cells(const entity_base& o) {
  std::vector<std::string> cells;
  for (const attr_info* attr : o.info().columns) {
    if (attr->is_lazy()) continue;
    value v = object_access::read(o, *attr);
    cells.push_back(attr->kind == attr_kind::single ? object_text(*attr->target_entity, v)
                                                    : render_text(v));
  }
  return cells;
}

}  // namespace

std::string render_text(const value& v) {
  std::string text;
  switch (v.type()) {
    case value_type::null:
    case value_type::integer:
    case value_type::real:
    case value_type::boolean: return v.repr();
    case value_type::bytes: return to_hex(v.as_text());
    case value_type::interval:  // Python's str(timedelta): 1 day, 2:00:00
      return timedelta_text(std::chrono::microseconds{v.as_microseconds()});
    case value_type::tuple: {
      text = "(";
      for (const value& part : v.as_tuple())
        text += (text.size() == 1 ? "" : ", ") + render_text(part);
      return text + ")";
    }
    default: text = v.as_text(); break;
  }
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& name : header) widths.push_back(display_width(name));
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < widths.size() && i < r.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(r[i]));
    }
  }
  auto line = [&](const auto& cell_at, char separator, char pad) {
    for (std::size_t i = 0; i < widths.size(); ++i) {
      if (i != 0) out << separator;
      const std::string cell = cell_at(i);
      out << cell;
      if (i + 1 < widths.size()) out << std::string(widths[i] - display_width(cell), pad);
    }
    out << '\n';
  };
  line([&](std::size_t i) { return header[i]; }, '|', ' ');
  line([&](std::size_t i) { return std::string(widths[i], '-'); }, '+', '-');
  for (const auto& r : rows) {
    line([&](std::size_t i) { return i < r.size() ? r[i] : std::string{}; }, '|', ' ');
  }
}

void show_query(const query_state_ptr& q, std::ostream& out) {
  const raw_result r = run_query(q, terminal::fetch, false, {}, {});
  std::vector<std::string> header = *r.column_names;  // run_query() names every item
  std::vector<std::vector<std::string>> rows;
  // A lone typed object shows its attributes, as PonyORM's show() of an entity query.
  const entity_info* alone = r.width == 1 ? r.item_entities.front() : nullptr;
  if (alone != nullptr && alone->construct != nullptr) {
    header.clear();
    for (const attr_info* attr : alone->columns) {
      if (!attr->is_lazy()) header.push_back(attr->name);
    }
    for (std::size_t i = 0; i < r.rows(); ++i) {
      const entity_base* object = r.objects_only ? r.objects[i] : r.cells[i].object;
      // A left join's gap is no object: each of its attributes shows as None.
      rows.push_back(object != nullptr ? attribute_cells(*object)
                                       : std::vector<std::string>(header.size(), "None"));
    }
    return print_table(out, header, rows);
  }
  for (std::size_t i = 0; i < r.rows(); ++i) {
    std::vector<std::string> line;
    for (std::size_t j = 0; j < r.width; ++j) {
      const result_cell& cell = r.cells[i * r.width + j];
      const entity_info* entity = r.item_entities[j];
      if (entity != nullptr) {
        line.push_back(object_text(*entity, cell.object != nullptr ? cell.object->key() : cell.v));
      } else {
        line.push_back(render_text(cell.v));
      }
    }
    rows.push_back(std::move(line));
  }
  print_table(out, header, rows);
}

}  // namespace nextorm::detail
