// Runs a fuzz target's LLVMFuzzerTestOneInput over files without libFuzzer: every file of every
// directory given (sorted, not recursive), or the files given. The gcc build and the normal
// suite replay tests/fuzz/corpus/<target> and tests/fuzz/regressions/<target> this way. A
// finding aborts inside the target (__builtin_trap or a sanitizer), which fails the test.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool run_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  const std::vector<char> bytes{std::istreambuf_iterator<char>{in},
                                std::istreambuf_iterator<char>{}};
  // Log first: when the target aborts, the last line names the input.
  std::fprintf(stderr, "%s (%zu bytes)\n", path.c_str(), bytes.size());
  // A copy of exactly `size` bytes, so that ASan sees a read past the end as libFuzzer would.
  std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
  (void)LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg{argv[i]};
    std::error_code ec;
    if (!fs::is_directory(arg, ec)) {
      ok = run_file(arg) && ok;
      ++count;
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator{arg, ec}) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    if (ec) {
      std::fprintf(stderr, "cannot list %s: %s\n", arg.c_str(), ec.message().c_str());
      ok = false;
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      ok = run_file(file) && ok;
      ++count;
    }
  }
  std::printf("replayed %zu input(s)\n", count);
  return ok ? 0 : 1;
}
