// "Did you mean" for misspelled names: the nearest candidate by edit distance.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm {

// ASCII letters compared without regard to case (as the databases compare identifiers).
[[nodiscard]] bool equal_ignoring_case(std::string_view a, std::string_view b);
// `name` with its ASCII letters in lower case.
[[nodiscard]] std::string lower_case(std::string name);

// Optimal string alignment distance (insert, delete, substitute, swap adjacent), case-sensitive.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `name`, when close enough to be a plausible typo: at most a third of
// the longer name's length (at least 1), or equal ignoring case. Ties go to the earlier candidate.
[[nodiscard]] std::optional<std::string> nearest(std::string_view name,
                                                 const std::vector<std::string>& candidates);
// The same over a fixed list of names (a constexpr array of a keyword table).
[[nodiscard]] std::optional<std::string> nearest(std::string_view name,
                                                 std::span<const std::string_view> candidates);

// "; did you mean 'x'?" or "" when nothing is close: appended to unknown-name messages.
[[nodiscard]] std::string did_you_mean(std::string_view name,
                                       const std::vector<std::string>& candidates);
[[nodiscard]] std::string did_you_mean(std::string_view name,
                                       std::span<const std::string_view> candidates);

}  // namespace nextorm
