// The SQLite store's schema migrations, in order: migrations()[i] brings a database from
// version i to version i + 1. Their SQL lives in src/store/sqlite/migrations/NNNN_name.sql and
// is compiled into the binary by CMake.
//
// Thread contract: migrations() is constant data; migrate() uses the Db it is given, which the
// caller does not share meanwhile. Several processes may migrate the same file at once: each
// migration re-checks the version under the write lock.
#pragma once

#include <cstdint>
#include <span>

#include "core/result.h"

namespace freshwatch::store::sqlite {

class Db;

struct Migration {
  int version;       // the version the database has after this migration
  const char* name;  // the file name, "0001_initial.sql"
  const char* sql;
};

std::span<const Migration> migrations();

// PRAGMA application_id of a freshwatch store ("fwst"), so another SQLite file is never mistaken
// for one.
inline constexpr std::int64_t kApplicationId = 0x66777374;

// Brings `db` to the last version of `migrations`, each migration in its own transaction, in
// order. Refuses (kConflict) a database with a newer version than `migrations` knows, and a file
// that holds other tables or belongs to another application.
Result<void> migrate(Db& db, std::span<const Migration> migrations);

}  // namespace freshwatch::store::sqlite
