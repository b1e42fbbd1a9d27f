#include "support/sqlite_file.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace freshwatch::testing {

void sqlite_exec(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return;
  }
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK)
    ADD_FAILURE() << path << ": " << (error ? error : "unknown error") << "\n" << sql;
  sqlite3_free(error);
  sqlite3_close(db);
}

}  // namespace freshwatch::testing
