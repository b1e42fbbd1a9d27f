#include <spdlog/spdlog.h>

#include "store/sqlite/db.h"
#include "store/sqlite/migrations.h"

namespace freshwatch::store::sqlite {

Result<void> migrate(Db& db, std::span<const Migration> migrations) {
  auto known = static_cast<std::int64_t>(migrations.size());
  FW_ASSIGN(version, db.query_int("PRAGMA user_version"));
  FW_ASSIGN(application_id, db.query_int("PRAGMA application_id"));
  if (version > known)
    return fail(ErrorCode::kConflict,
                "the store '{}' was written by a newer freshwatch (schema version {}; this "
                "version knows up to {}); upgrade freshwatch, or point store.sqlite at "
                "another file",
                db.path(), version, known);
  if (application_id != kApplicationId && application_id != 0)
    return fail(ErrorCode::kConflict,
                "'{}' is not a freshwatch store (it belongs to another application); point "
                "store.sqlite at another file",
                db.path());
  if (version == 0) {
    FW_ASSIGN(tables, db.query_int("SELECT count(*) FROM sqlite_master WHERE type = 'table'"));
    if (tables > 0)
      return fail(ErrorCode::kConflict,
                  "'{}' is not a freshwatch store (it already holds other tables); point "
                  "store.sqlite at a new file",
                  db.path());
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= version) continue;
    FW_ASSIGN(tx, Transaction::begin(db));
    // Another process may have migrated between our check and the lock.
    FW_ASSIGN(current, db.query_int("PRAGMA user_version"));
    if (current >= migration.version) continue;
    if (current != migration.version - 1)
      return fail(ErrorCode::kInternal, "store '{}': migration {} expects version {}, found {}",
                  db.path(), migration.name, migration.version - 1, current);
    auto applied = db.exec(migration.sql);
    if (!applied)
      return std::unexpected(
          applied.error().with_context(fmt::format("migration {}", migration.name)));
    FW_TRY(db.exec(fmt::format("PRAGMA user_version = {}; PRAGMA application_id = {};",
                               migration.version, kApplicationId)));
    FW_TRY(tx.commit());
    spdlog::info("store '{}': applied migration {}", db.path(), migration.name);
  }
  return {};
}

}  // namespace freshwatch::store::sqlite
