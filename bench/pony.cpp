#include "pony.hpp"

#include <nlohmann/json.hpp>

#include <stdio.h>  // popen, pclose
#include <sys/wait.h>
#include <unistd.h>

namespace nextorm_bench {
namespace {

// Single quotes for the shell: ' becomes '\''.
std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::optional<pony_result> run_pony(const std::string& python, const std::string& script,
                                    std::string& why) {
  if (access(python.c_str(), X_OK) != 0) {
    why = python + " is missing";
    return std::nullopt;
  }
  if (access(script.c_str(), R_OK) != 0) {
    why = script + " is missing";
    return std::nullopt;
  }
  const std::string command = shell_quoted(python) + " " + shell_quoted(script) + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    why = "cannot run " + python;
    return std::nullopt;
  }
  std::string output;
  char buffer[4096];
  std::size_t got = 0;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // The interesting line of a Python traceback is the last one.
    while (!output.empty() && output.back() == '\n') output.pop_back();
    const auto last = output.rfind('\n');
    why = "pony_compile.py failed: " + (last == std::string::npos ? output : output.substr(last + 1));
    return std::nullopt;
  }
  try {
    const auto j = nlohmann::json::parse(output);
    pony_result r;
    r.version = j.at("pony_version").get<std::string>();
    r.never_seen_us = j.at("never_seen_us").get<double>();
    r.distinct_1000_ms = j.at("distinct_1000_ms").get<double>();
    r.hit_us = j.at("hit_us").get<double>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    why = std::string{"cannot read pony_compile.py's output: "} + e.what();
    return std::nullopt;
  }
}

}  // namespace nextorm_bench
