// Which operand types fit together, and what an operation on them yields.
#pragma once

#include "ir/expr.hpp"

#include <optional>

namespace nextorm::analyze {

// `a == b` and `a < b` are allowed: equal types, two numbers, bool with int, or one entity twice.
[[nodiscard]] bool comparable(const ir::type& a, const ir::type& b) noexcept;

// The type of `a op b` on numbers (int with int stays int, as PonyORM's SQL does even for `/`;
// `**` is float), or nothing when the operands are not both numbers.
[[nodiscard]] std::optional<ir::type> arithmetic_result(ir::binary_op op, const ir::type& a,
                                                        const ir::type& b) noexcept;

// "+", "-", ... for messages.
[[nodiscard]] std::string_view op_text(ir::binary_op op) noexcept;
[[nodiscard]] std::string_view op_text(ir::compare_op op) noexcept;

}  // namespace nextorm::analyze
