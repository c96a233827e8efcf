#include "cli/command_args.hpp"

#include "cli/usage_failure.hpp"
#include "common/suggest.hpp"

namespace nextorm::cli {

std::optional<std::string> parsed_args::value(std::string_view name) const {
  const auto found = values.find(name);
  if (found == values.end()) return std::nullopt;
  return found->second;
}

std::string parsed_args::required(std::string_view name) const {
  auto v = value(name);
  if (!v) throw usage_failure{"missing " + std::string{name}};
  return *v;
}

parsed_args parse(std::span<const std::string_view> args, std::vector<std::string_view> valued,
                  std::vector<std::string_view> flags) {
  parsed_args out;
  std::vector<std::string> known;
  for (auto v : valued) known.emplace_back(v);
  for (auto f : flags) known.emplace_back(f);
  known.emplace_back("--help");
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out.help = true;
      return out;
    }
    if (!arg.starts_with("--")) {
      out.positional.emplace_back(arg);
      continue;
    }
    const auto equals = arg.find('=');
    const std::string name{arg.substr(0, equals)};
    if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
      if (equals != std::string_view::npos) {
        out.values[name] = std::string{arg.substr(equals + 1)};
      } else if (i + 1 < args.size()) {
        out.values[name] = std::string{args[++i]};
      } else {
        throw usage_failure{name + " needs a value"};
      }
    } else if (std::find(flags.begin(), flags.end(), name) != flags.end() &&
               equals == std::string_view::npos) {
      out.flags.push_back(name);
    } else {
      throw usage_failure{"unknown option '" + name + "'" + did_you_mean(name, known)};
    }
  }
  return out;
}

}  // namespace nextorm::cli
