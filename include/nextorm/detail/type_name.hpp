// The entity name of a C++ type: its unqualified class name ("shop::Product" -> "Product").
#pragma once

#include <string>
#include <typeinfo>

namespace nextorm::detail {

[[nodiscard]] std::string entity_name_of(const std::type_info& type);

}  // namespace nextorm::detail
