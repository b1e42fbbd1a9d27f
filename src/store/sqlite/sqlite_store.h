// The SQLite store: freshwatch's embedded Store, one database file in WAL mode.
//
// Layout and lifecycle: open_sqlite() opens (creating when missing) the file, applies pending
// migrations (src/store/sqlite/migrations/NNNN_*.sql, each in its own transaction, recorded in
// PRAGMA user_version) and refuses a file written by a newer freshwatch or one that is not a
// freshwatch store. Times are stored as integer microseconds, days as integer days since
// 1970-01-01 of the calendar date in `timezone`.
//
// Thread contract: every method may be called from any thread. Writes go through one writer
// connection guarded by a mutex, each write method being one transaction. Reads use a second
// connection guarded by its own mutex, so a long write never blocks them; WAL gives each read
// a snapshot of committed transactions only, so no read sees half a run. (An in-memory database,
// path ":memory:", has a single connection that reads and writes share.) Several processes may
// open the same file; SQLite serialises their writes (busy timeout 5 s).
//
// Retention: when observation_retention is set, save_run() deletes raw observations older than
// finished_at - retention (keeping each (asset, signal)'s latest) at most once per hour of run
// time, in its own transaction after the run is committed.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace freshwatch::store {

struct SqliteOptions {
  std::string path;                  // database file, or ":memory:"
  std::string timezone = "UTC";      // IANA name; calendar days of the daily rollup
  // How long raw observations are kept; empty keeps them forever.
  std::optional<core::Duration> observation_retention = std::chrono::days{30};
};

// The newest schema version this build knows (the number of migrations).
int sqlite_schema_version();

Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& options);

}  // namespace freshwatch::store
