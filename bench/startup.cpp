#include "startup.hpp"

#include "entities.hpp"
#include "timing.hpp"

#include <nextorm/nextorm.hpp>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace nextorm_bench {
namespace {

struct run_result {
  double cpu_ms = 0;
  std::string output;
};

double ms_of(const timeval& t) {
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
}

// Runs `program file` as a new process; its CPU time is the rusage wait4 reports for it alone.
run_result run_once(const std::string& program, const std::string& file) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error{"startup: pipe: " + std::string{strerror(errno)}};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addclose(&actions, out[1]);
  std::array<char*, 3> argv{const_cast<char*>(program.c_str()), const_cast<char*>(file.c_str()),
                            nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    throw std::runtime_error{"startup: cannot run " + program + ": " + strerror(rc)};
  }
  run_result r;
  char buffer[256];
  for (;;) {
    const ssize_t got = read(out[0], buffer, sizeof buffer);
    if (got > 0) {
      r.output.append(buffer, static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      break;
    }
  }
  close(out[0]);
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) throw std::runtime_error{"startup: wait4: " + std::string{strerror(errno)}};
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error{"startup: " + program + " failed (status " + std::to_string(status) +
                             ")"};
  }
  r.cpu_ms = ms_of(usage.ru_utime) + ms_of(usage.ru_stime);
  return r;
}

// The bench's schema and a few rows: 10 categories, 200 products, half of them below the
// query's price.
void fill(const std::string& url) {
  nextorm::database db{url};
  db.generate_mapping<Category, Product>({.create_tables = true});
  nextorm::db_session session{db};
  std::vector<Category*> categories;
  for (int i = 0; i < 10; ++i) {
    auto& c = Category::create();
    c.name = "category " + std::to_string(i);
    categories.push_back(&c);
  }
  for (int i = 0; i < 200; ++i) {
    auto& p = Product::create();
    p.name = "product " + std::to_string(i);
    p.price = 1.25 + static_cast<double>(i) / 2;
    p.sku = "SKU-" + std::to_string(i);
    p.category = *categories[static_cast<std::size_t>(i) % categories.size()];
  }
}

double minimum(const std::vector<double>& xs) {
  double m = xs.empty() ? 0 : xs.front();
  for (double x : xs) m = x < m ? x : m;
  return m;
}

}  // namespace

std::string own_directory() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string{"."} : self.parent_path().string();
}

startup_result measure_startup(const std::string& url, const std::string& helper_dir,
                               std::size_t runs) {
  fill(url);
  const std::string file = url.substr(std::string_view{"sqlite:"}.size());
  startup_result r;
  r.runs = runs;
  r.programs = {
      {"nextorm", "nextorm-startup-nextorm", "nextorm (libnextorm.so)", 0, 0},
      {"raw", "nextorm-startup-raw", "raw sqlite3, C program", 0, 0},
      {"raw_cpp", "nextorm-startup-raw-cpp", "raw sqlite3, C++ program", 0, 0},
      {"nextorm_static", "nextorm-startup-static", "nextorm linked statically", 0, 0},
  };
  std::vector<std::vector<double>> times(r.programs.size());
  // One warm-up run each (page cache, the file's first read), not counted; all must agree.
  for (const startup_program& p : r.programs) {
    const std::string o = run_once(helper_dir + "/" + p.file, file).output;
    if (r.output.empty()) r.output = o;
    if (o != r.output) {
      throw std::runtime_error{"startup: the programs disagree: " + r.programs[0].file +
                               " printed '" + r.output + "', " + p.file + " '" + o + "'"};
    }
  }
  // In turn, so that all see the same drift of the machine's speed.
  for (std::size_t i = 0; i < runs; ++i) {
    for (std::size_t k = 0; k < r.programs.size(); ++k) {
      times[k].push_back(run_once(helper_dir + "/" + r.programs[k].file, file).cpu_ms);
    }
  }
  for (std::size_t k = 0; k < r.programs.size(); ++k) {
    r.programs[k].min_ms = minimum(times[k]);
    r.programs[k].median_ms = median(times[k]);
  }
  return r;
}

}  // namespace nextorm_bench
