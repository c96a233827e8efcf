// What the migration tests share: the nextorm command run in-process, a throwaway folder, and
// migration files read and written as JSON.
#pragma once

#include "cli/cli.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace migration_test {

struct command_result {
  int code = 0;
  std::string out;
  std::string err;
};

// `nextorm ARGS...`; with `answers`, what standard input says to its questions.
inline command_result nextorm_cli(std::vector<std::string> args,
                                  const std::string* answers = nullptr) {
  std::vector<std::string_view> views(args.begin(), args.end());
  std::ostringstream out;
  std::ostringstream err;
  std::istringstream in{answers != nullptr ? *answers : std::string{}};
  const int code = nextorm::cli::run_cli(views, out, err, answers != nullptr ? &in : nullptr);
  return {code, out.str(), err.str()};
}

inline nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in{file};
  return nlohmann::json::parse(in);
}

inline void write_json(const std::filesystem::path& file, const nlohmann::json& content) {
  std::ofstream{file} << content.dump();
}

// A data migration step: the same SQL for every provider.
inline nlohmann::json sql_step(const std::string& text) {
  return nlohmann::json{{"op", "sql"}, {"sqlite", text}, {"postgres", text}, {"mariadb", text}};
}

// A folder of its own under the temporary directory, removed with its contents.
class temp_folder {
 public:
  explicit temp_folder(const std::string& prefix)
      : m_dir{std::filesystem::temp_directory_path() /
              (prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(++count()))} {
    std::filesystem::create_directories(m_dir);
  }
  ~temp_folder() {
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  temp_folder(const temp_folder&) = delete;
  temp_folder& operator=(const temp_folder&) = delete;
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return m_dir; }

 private:
  static int& count() {
    static int n = 0;
    return n;
  }
  std::filesystem::path m_dir;
};

}  // namespace migration_test
