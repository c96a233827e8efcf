// SQLite databases for the bench: one file per database in a directory of its own.
#include "sqlite_raw.hpp"
#include "target.hpp"

#include <stdlib.h>  // mkdtemp

#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace nextorm_bench {
namespace {

class sqlite_target final : public target {
 public:
  sqlite_target(const std::string& dir, const nextorm::registry& names)
      : m_sql{make_raw_sql(names, '"', placeholders::question, false)} {
    namespace fs = std::filesystem;
    if (dir.empty()) {
      std::string pattern = (fs::temp_directory_path() / "nextorm-bench-XXXXXX").string();
      if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make a temp dir");
      m_dir = pattern;
      m_owned = true;
    } else {
      m_dir = dir;
      fs::create_directories(m_dir);
    }
  }
  ~sqlite_target() override {
    std::error_code ignored;
    if (m_owned) std::filesystem::remove_all(m_dir, ignored);
  }
  sqlite_target(const sqlite_target&) = delete;
  sqlite_target& operator=(const sqlite_target&) = delete;

  std::string provider() const override { return "sqlite"; }
  std::string fresh(const std::string& tag) override {
    const std::filesystem::path file = m_dir / (tag + ".db");
    remove_files(file);
    return "sqlite:" + file.string();
  }
  void discard(const std::string& url) override {
    remove_files(url.substr(std::string_view{"sqlite:"}.size()));
  }
  char quote() const override { return '"'; }
  std::unique_ptr<contender> raw(const std::string& url) override {
    return std::make_unique<sqlite_raw>(url.substr(std::string_view{"sqlite:"}.size()), m_sql);
  }

 private:
  static void remove_files(const std::filesystem::path& file) {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
    std::filesystem::remove(file.string() + "-journal", ignored);
    std::filesystem::remove(file.string() + "-wal", ignored);
    std::filesystem::remove(file.string() + "-shm", ignored);
  }

  raw_sql m_sql;
  std::filesystem::path m_dir;
  bool m_owned = false;
};

}  // namespace

std::unique_ptr<target> make_sqlite_target(const std::string& dir,
                                           const nextorm::registry& names) {
  return std::make_unique<sqlite_target>(dir, names);
}

}  // namespace nextorm_bench
