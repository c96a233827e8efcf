// The start-up row's third program: startup_raw.c's job written in C++, each row's texts copied
// into std::strings as a hand-written C++ program keeps them. It loads libstdc++ as every C++
// program does, which the C program does not: the floor for any C++ library.
#include <sqlite3.h>

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: nextorm-startup-raw-cpp FILE\n", stderr);
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(argv[1], &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "cannot open %s: %s\n", argv[1], sqlite3_errmsg(db));
    return 1;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(
          db,
          "SELECT \"id\", \"name\", \"price\", \"sku\", \"category\" FROM \"Product\" "
          "WHERE \"price\" < ?",
          -1, &stmt, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "cannot prepare: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  sqlite3_bind_double(stmt, 1, 50.0);
  struct row {
    sqlite3_int64 id;
    std::string name;
    double price;
    std::string sku;
    sqlite3_int64 category;
  };
  std::vector<row> rows;
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const auto text = [&](int column) {
      return std::string{reinterpret_cast<const char*>(sqlite3_column_text(stmt, column)),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt, column))};
    };
    rows.push_back({sqlite3_column_int64(stmt, 0), text(1), sqlite3_column_double(stmt, 2), text(3),
                    sqlite3_column_int64(stmt, 4)});
  }
  if (rc != SQLITE_DONE) {
    std::fprintf(stderr, "cannot step: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  unsigned long sum = 0;
  for (const row& r : rows) {
    sum += r.name.size() + r.sku.size() + static_cast<unsigned long>(r.price * 100 + 0.5);
  }
  std::printf("%zu %lu\n", rows.size(), sum);
  return 0;
}
