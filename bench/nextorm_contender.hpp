// NextORM doing the benchmark's jobs through its public API.
#pragma once

#include "contender.hpp"

#include <nextorm/database.hpp>

#include <ostream>

namespace nextorm_bench {

class nextorm_contender final : public contender {
 public:
  explicit nextorm_contender(nextorm::database& db) : m_db{db} {}
  [[nodiscard]] std::string_view name() const override { return "nextorm"; }
  checksum insert(const dataset& data) override;
  bool update_prices(checksum& c) override;
  checksum select_below(double limit) override;
  checksum lookup(std::span<const std::int64_t> keys) override;
  checksum lookup_each(std::span<const std::int64_t> keys) override;
  checksum stock_lookup(std::span<const stock_key> keys) override;
  checksum join(std::span<const std::string> category_names) override;
  checksum aggregate() override;
  [[nodiscard]] std::int64_t product_count() override;

 private:
  nextorm::database& m_db;
};

// The bench's queries and the SQL NextORM makes of them on `db`.
void print_queries(nextorm::database& db, std::ostream& out);

// Opens `url`, registers the entities, and creates the tables when they are missing.
void map_entities(nextorm::database& db);

}  // namespace nextorm_bench
