#include "common/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace nextorm {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows: the swap of adjacent characters looks two rows back.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string lower_case(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

namespace {

// Candidates are std::string or std::string_view.
template <typename Candidates>
std::optional<std::string> nearest_of(std::string_view name, const Candidates& candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 0;
  for (const std::string_view candidate : candidates) {
    const std::size_t distance =
        equal_ignoring_case(name, candidate) ? 0 : edit_distance(name, candidate);
    const std::size_t limit = std::max<std::size_t>(1, std::max(name.size(), candidate.size()) / 3);
    if (distance <= limit && (!best || distance < best_distance)) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (!best) return std::nullopt;
  return std::string{*best};
}

std::string phrase(const std::optional<std::string>& found) {
  return found ? "; did you mean '" + *found + "'?" : std::string{};
}

}  // namespace

std::optional<std::string> nearest(std::string_view name,
                                   const std::vector<std::string>& candidates) {
  return nearest_of(name, candidates);
}

std::optional<std::string> nearest(std::string_view name,
                                   std::span<const std::string_view> candidates) {
  return nearest_of(name, candidates);
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  return phrase(nearest_of(name, candidates));
}

std::string did_you_mean(std::string_view name, std::span<const std::string_view> candidates) {
  return phrase(nearest_of(name, candidates));
}

}  // namespace nextorm
