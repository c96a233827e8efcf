// A wrong command line: reported as "nextorm <command>: <message>" with exit code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace nextorm::cli {

class usage_failure : public std::runtime_error {
 public:
  explicit usage_failure(const std::string& message) : std::runtime_error{message} {}
};

}  // namespace nextorm::cli
