/* The raw side of the start-up row (bench/startup.cpp): the same job as startup_nextorm.cpp with
 * the sqlite3 C API in a C program: open the file with NextORM's flags and pragma, run the query,
 * read every column of every row, print the number of rows, exit. argv[1] is the file. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  sqlite3* db = NULL;
  sqlite3_stmt* stmt = NULL;
  unsigned long rows = 0;
  unsigned long sum = 0;
  int rc;
  if (argc != 2) {
    fputs("usage: nextorm-startup-raw FILE\n", stderr);
    return 2;
  }
  if (sqlite3_open_v2(argv[1], &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK) {
    fprintf(stderr, "cannot open %s: %s\n", argv[1], sqlite3_errmsg(db));
    return 1;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  if (sqlite3_prepare_v2(
          db,
          "SELECT \"id\", \"name\", \"price\", \"sku\", \"category\" FROM \"Product\" "
          "WHERE \"price\" < ?",
          -1, &stmt, NULL) != SQLITE_OK) {
    fprintf(stderr, "cannot prepare: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  sqlite3_bind_double(stmt, 1, 50.0);
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const sqlite3_int64 id = sqlite3_column_int64(stmt, 0);
    const unsigned char* name = sqlite3_column_text(stmt, 1);
    const double price = sqlite3_column_double(stmt, 2);
    const unsigned char* sku = sqlite3_column_text(stmt, 3);
    const sqlite3_int64 category = sqlite3_column_int64(stmt, 4);
    (void)id;
    (void)category;
    ++rows;
    sum +=
        strlen((const char*)name) + strlen((const char*)sku) + (unsigned long)(price * 100 + 0.5);
  }
  if (rc != SQLITE_DONE) {
    fprintf(stderr, "cannot step: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  printf("%lu %lu\n", rows, sum);
  return 0;
}
