// libFuzzer target: the JSON schema loader (src/schema/json_schema.cpp) and what a loaded schema
// is used for: finalize() with each provider's names, the DDL of each dialect, and the plain
// select of each entity compiled for each dialect. The loader and finalize() refuse with
// schema_error; a schema that finalizes must give DDL and compile its entity selects (or refuse
// with a NextORM error that names the problem).
#include <nextorm/errors.hpp>
#include <nextorm/registry.hpp>

#include "compile/compiler.hpp"
#include "lower/dialect.hpp"
#include "migrate/ddl.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace nextorm;

void use(const registry& reg, const lower::dialect& d) {
  try {
    (void)schema_change::create_table_statements(reg, d);
    (void)schema_change::drop_table_statements(reg, d);
  } catch (const schema_error&) {
  } catch (const usage_error&) {
  }
  for (const auto& entity : reg.entities()) {
    ir::query_spec spec;
    spec.entity = entity->name;
    try {
      (void)compile::compile_query(spec, reg, d, {});
      spec.terminal = ir::terminal::count;
      (void)compile::compile_query(spec, reg, d, {});
    } catch (const query_error&) {
    } catch (const usage_error&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  const lower::dialect* dialects[] = {&lower::sqlite_dialect(), &lower::postgres_dialect(),
                                      &lower::mariadb_dialect()};
  for (const lower::dialect* d : dialects) {
    registry reg;
    try {
      reg.load_json_text(text);
      reg.finalize(pony_naming{d->name()});
    } catch (const schema_error&) {
      continue;  // a provider's names may collide where another's do not
    }
    use(reg, *d);
  }
  return 0;
}
