#include "exec/bind_values.hpp"

#include <nextorm/errors.hpp>

namespace nextorm::exec {

namespace {

// An entity parameter binds its key; a scalar itself.
value scalar_of(const param_value& p, const std::string& name) {
  if (p.is_entity()) return p.entity().key;
  if (p.is_scalar()) return p.scalar();
  throw usage_error("param.sequence", "parameter '" + name + "' is a sequence where a value is needed");
}

}  // namespace

std::vector<value> bind_values(const compile::plan& plan, const params& args,
                               std::optional<std::int64_t> limit,
                               std::optional<std::int64_t> offset) {
  std::vector<value> out;
  out.reserve(plan.params.size());
  for (const auto& slot : plan.params) {
    switch (slot.from) {
      case compile::param_slot::source::constant:
        out.push_back(slot.constant);
        break;
      case compile::param_slot::source::limit:
        // No limit with an offset: the dialects need some number; the largest is "all".
        out.emplace_back(limit.value_or(INT64_MAX));
        break;
      case compile::param_slot::source::offset:
        out.emplace_back(offset.value_or(0));
        break;
      case compile::param_slot::source::named: {
        auto found = args.find(slot.name);
        if (found == args.end()) {
          throw usage_error("param.missing", "no value passed for parameter '" + slot.name + "'");
        }
        if (!slot.element) {
          out.push_back(scalar_of(found->second, slot.name));
          break;
        }
        if (!found->second.is_sequence() || *slot.element >= found->second.sequence().size()) {
          throw usage_error("param.changed", "parameter '" + slot.name +
                                                 "' changed shape since the query was compiled");
        }
        out.push_back(scalar_of(found->second.sequence()[*slot.element], slot.name));
        break;
      }
    }
  }
  return out;
}

}  // namespace nextorm::exec
