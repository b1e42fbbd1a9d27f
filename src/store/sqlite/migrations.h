// The SQLite store's schema migrations, in order: migrations()[i] brings a database from
// version i to version i + 1. Their SQL lives in src/store/sqlite/migrations/NNNN_name.sql and
// is compiled into the binary by CMake.
//
// Thread contract: constant data.
#pragma once

#include <span>

namespace freshwatch::store::sqlite {

struct Migration {
  int version;       // the version the database has after this migration
  const char* name;  // the file name, "0001_initial.sql"
  const char* sql;
};

std::span<const Migration> migrations();

}  // namespace freshwatch::store::sqlite
