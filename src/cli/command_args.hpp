// The options of the commands other than `query`: --name VALUE, --name=VALUE, flags and
// positional arguments, each command naming the options it takes.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nextorm::cli {

struct parsed_args {
  std::map<std::string, std::string, std::less<>> values;
  std::vector<std::string> flags;
  std::vector<std::string> positional;
  bool help = false;

  [[nodiscard]] bool flag(std::string_view name) const {
    return std::find(flags.begin(), flags.end(), name) != flags.end();
  }
  [[nodiscard]] std::optional<std::string> value(std::string_view name) const;
  // The value of `name`; usage_failure "missing NAME" without it.
  [[nodiscard]] std::string required(std::string_view name) const;
};

// `valued` options take a value, `flags` take none; --help (-h) stops the parse. An unknown
// option is usage_failure with the nearest known one suggested.
[[nodiscard]] parsed_args parse(std::span<const std::string_view> args,
                                std::vector<std::string_view> valued,
                                std::vector<std::string_view> flags);

}  // namespace nextorm::cli
