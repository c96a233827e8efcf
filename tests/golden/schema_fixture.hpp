// The test schema of tests/golden/schema.json, loaded once, and a compile helper for unit tests.
#pragma once

#include "compile/compiler.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nextorm::testing {

inline const registry& schema() {
  static const registry* reg = [] {
    const char* root = std::getenv("NEXTORM_SOURCE_ROOT");
    std::ifstream in{std::filesystem::path{root != nullptr ? root : "."} / "tests" / "golden" /
                     "schema.json"};
    std::stringstream text;
    text << in.rdbuf();
    auto* r = new registry;  // lives for the program
    r->load_json_text(text.str());
    r->finalize();
    return r;
  }();
  return *reg;
}

inline ir::query_spec spec_of(std::string text) {
  ir::query_spec spec;
  spec.text = std::move(text);
  return spec;
}

inline std::shared_ptr<const lower::plan> compile_text(const std::string& text,
                                                         const params& args = {},
                                                         const lower::dialect& d =
                                                             lower::sqlite_dialect()) {
  return compile::compile_query(spec_of(text), schema(), d, args);
}

}  // namespace nextorm::testing
