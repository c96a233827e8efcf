// Golden tests: tests/golden/*.txt hold blocks of a query (and its method chain) followed by the
// expected SQL per dialect and the expected parameter slots, or the expected error id. A
// failing block reports its file and line. NEXTORM_GOLDEN_UPDATE=1 rewrites the files with the
// actual output (review the diff before keeping it).
#include "golden_blocks.hpp"

using namespace golden;

TEST_CASE("every golden query compiles to the expected SQL in each dialect") {
  const registry& reg = golden_registry();
  bool update = std::getenv("NEXTORM_GOLDEN_UPDATE") != nullptr;
  std::size_t count = 0;
  std::vector<fs::path> files = golden_files();
  REQUIRE_FALSE(files.empty());
  for (const auto& file : files) {
    std::vector<block> blocks = read_blocks(file, reg);
    std::ostringstream rewritten;
    for (const block& b : blocks) {
      if (b.line == 0) {  // comments only
        for (const auto& line : b.input) rewritten << line << '\n';
        rewritten << '\n';
        continue;
      }
      ++count;
      outcome o = run(b);
      if (update) {
        for (const auto& line : b.input) rewritten << line << '\n';
        for (const char* key : {"sqlite", "postgres", "mariadb", "slots", "error"}) {
          if (o.actual.contains(key) && !(std::string{key} == "slots" && o.actual[key].empty() &&
                                          !b.expected.contains("slots"))) {
            rewritten << key << ": " << o.actual[key] << '\n';
          }
        }
        rewritten << '\n';
        continue;
      }
      INFO(file.filename().string() << ":" << b.line << ": " << b.spec.text);
      CHECK_FALSE(b.expected.empty());
      for (const auto& [key, expected] : b.expected) {
        INFO(key);
        CHECK(o.actual[key] == expected);
      }
      // A plan that gains or loses a bound value fails even where no slots line is written.
      if (!b.expected.contains("slots")) {
        INFO("slots");
        CHECK(o.actual["slots"].empty());
      }
      // Every dialect's outcome is stated: no block passes by leaving one out.
      for (const auto& name : dialects) {
        INFO(name << " has no expectation");
        CHECK((b.expected.contains(name) || b.expected.contains("error")));
      }
    }
    if (update) {
      std::string text = rewritten.str();
      if (text.size() > 1) text.pop_back();
      std::ofstream{file} << text;
    }
  }
  CHECK(count > 0);
  WARN(count << " golden queries");
}
