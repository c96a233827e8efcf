// The pipeline driver: reads like the architecture diagram.
#include "compile/compiler.hpp"

#include "analyze/analyzer.hpp"
#include "common/unreachable.hpp"
#include "lower/lowering.hpp"
#include "optimize/optimizer.hpp"
#include "parse/parser.hpp"

namespace nextorm::compile {

namespace {

using ir::modifier;
using ir::modifier_kind;

// Adds the modifiers of the method chain, in order. Their trees must outlive the analyzer's
// work (lambda arguments refer to nodes), hence `keep`.
void add_modifiers(analyze::analyzer& a, const query_spec& spec, std::vector<ast::node_ptr>& keep) {
  std::uint16_t id = 0;
  for (const modifier& m : spec.modifiers) {
    a.set_text_id(++id);
    switch (m.kind) {
      case modifier_kind::distinct: a.distinct(true); continue;
      case modifier_kind::without_distinct: a.distinct(false); continue;
      case modifier_kind::for_update:
        a.lock(m.text == "nowait"        ? ir::lock_mode::nowait
               : m.text == "skip_locked" ? ir::lock_mode::skip_locked
                                         : ir::lock_mode::for_update);
        continue;
      case modifier_kind::separator: a.separator(m.text); continue;
      default: break;
    }
    if (m.kind == modifier_kind::assign) {
      // `attr=expression`: the expression is parsed alone, so that a caret points into it.
      const std::string_view text = m.text;
      const std::size_t equals = text.find('=');
      const std::string_view value = text.substr(equals + 1);
      keep.push_back(parse::parse_expression(value));
      a.assign(text.substr(0, equals), *keep.back(), value);
      continue;
    }
    keep.push_back(parse::parse_expression(m.text));
    const ast::node& n = *keep.back();
    if (m.kind == modifier_kind::filter) a.filter(n, m.text);
    if (m.kind == modifier_kind::where) a.where(n, m.text);
    if (m.kind == modifier_kind::order_by) a.order_by(n, m.text);
  }
}

// `count(<generator>)` as the whole query is the generator's count terminal (sum, avg, min,
// max and exists likewise), read as one row: the terminal asked for must be a fetch of it.
void whole_query_terminal(const query_spec& spec, const parse::whole_query_call& call,
                          ir::terminal& terminal, bool& distinct) {
  const bool one_row = spec.terminal == ir::terminal::fetch ||
                       spec.terminal == ir::terminal::first || spec.terminal == ir::terminal::get;
  if (!one_row || spec.has_limit || spec.has_offset) {
    throw query_error{error_category::unsupported, "unsupported.whole_query_aggregate",
                      call.function +
                          "(...) is already the query's value: fetch it, or call the method on "
                          "the generator itself",
                      spec.text, call.span};
  }
  static constexpr std::pair<std::string_view, ir::terminal> terminals[] = {
      {"count", ir::terminal::count}, {"sum", ir::terminal::sum}, {"avg", ir::terminal::avg},
      {"min", ir::terminal::min},     {"max", ir::terminal::max}, {"exists", ir::terminal::exists}};
  for (const auto& [name, t] : terminals) {
    if (name == call.function) terminal = t;
  }
  distinct = call.distinct.value_or(false);
}

}  // namespace

std::shared_ptr<const plan> compile_query(const query_spec& spec, const registry& reg,
                                          const lower::dialect& d, const params& args) {
  return compile_query(spec, reg, d, args, compile_options{});
}

std::shared_ptr<const plan> compile_query(const query_spec& spec, const registry& reg,
                                          const lower::dialect& d, const params& args,
                                          const compile_options& options) {
  if (!reg.finalized()) {
    throw usage_error{"usage.registry_not_finalized",
                      "the entity registry is not finalized: call db.generate_mapping() (or "
                      "registry::finalize()) before compiling queries"};
  }
  std::vector<ast::node_ptr> trees;
  analyze::analyzer a{reg, args};
  ir::terminal terminal = spec.terminal;
  bool distinct_aggregate = spec.distinct_aggregate;
  parse::whole_query_call call;
  if (spec.entity.empty()) {
    trees.push_back(parse::parse_generator(spec.text, &call));
    if (!call.function.empty()) whole_query_terminal(spec, call, terminal, distinct_aggregate);
    a.generator(trees.back()->as<ast::generator>(), spec.text);
  } else {
    if (!spec.text.empty()) trees.push_back(parse::parse_expression(spec.text));
    a.entity(spec.entity, trees.empty() ? nullptr : trees.back().get(), spec.text);
  }
  add_modifiers(a, spec, trees);
  a.terminal(terminal, distinct_aggregate, spec.has_limit, spec.has_offset);
  if (!call.function.empty()) {
    const bool every_value = call.function == "count" && call.distinct == false;
    a.value_terminal(every_value);
    if (every_value) a.distinct(false);
  }
  ir::query query = a.finish();

  optimize::optimize(query, options.disabled_passes);

  try {
    return std::make_shared<const plan>(lower::lower(query, d));
  } catch (const lower::located_error& e) {
    // The construct's own text and span when known, else the whole query.
    std::uint16_t id = e.text();
    if (id != ir::expr::no_text) {
      // Only what is bound from one of the spec's texts has an id: 0 the query's own (which an
      // Entity.select() without a condition lacks, and then nothing is bound from it), from 1
      // the modifiers' (add_modifiers).
      if (id > spec.modifiers.size()) detail::unreachable("compile_query: text id");
      const std::string& text = id == 0 ? spec.text : spec.modifiers[id - 1].text;
      throw query_error{e.category(), e.id(), e.message(), text, e.span()};
    }
    std::string text = spec.text.empty() ? spec.entity : spec.text;
    throw query_error{e.category(), e.id(), e.message(), text,
                      source_span{0, static_cast<std::uint32_t>(text.size())}};
  }
}

}  // namespace nextorm::compile
