// What the checks of assigned values share with the rest of the session stage.
#pragma once

#include <nextorm/registry.hpp>

#include <string_view>

namespace nextorm::detail {

// Resolves each attribute's length limit for `provider` and whether assignments are checked.
void resolve_checks(registry& schema, std::string_view provider);

}  // namespace nextorm::detail
