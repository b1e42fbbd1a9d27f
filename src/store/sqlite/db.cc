#include "store/sqlite/db.h"

#include <sqlite3.h>

namespace freshwatch::store::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;

}  // namespace

ErrorCode error_code_for(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return ErrorCode::kUnavailable;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return ErrorCode::kPermissionDenied;
    case SQLITE_CONSTRAINT:
      return ErrorCode::kConflict;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kParse;
    case SQLITE_INTERRUPT:
      return ErrorCode::kCancelled;
    default:
      return ErrorCode::kInternal;
  }
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // SQLITE_STATIC: the caller's text outlives the statement's use (see db.h).
  sqlite3_bind_text(stmt_, index, value.data() == nullptr ? "" : value.data(),
                    static_cast<int>(value.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind(int index, core::TimePoint value) {
  return bind(index, static_cast<std::int64_t>(value.time_since_epoch().count()));
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind(int index, std::optional<core::TimePoint> value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(db_->error("statement failed", rc));
}

Result<void> Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string_view Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (data == nullptr) return {};
  return {data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

core::TimePoint Statement::time(int column) const {
  return core::TimePoint(core::Duration(int64(column)));
}

std::optional<core::TimePoint> Statement::optional_time(int column) const {
  if (is_null(column)) return std::nullopt;
  return time(column);
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

Result<std::unique_ptr<Db>> Db::open(const std::string& path, bool create) {
  sqlite3* handle = nullptr;
  // NOMUTEX: every Db is guarded by the store's own mutex.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close_v2(handle);
    return fail(error_code_for(rc),
                "cannot open the store '{}': {}; check that its directory exists and is writable",
                path, message);
  }
  std::unique_ptr<Db> db(new Db(handle, path));
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, kBusyTimeoutMs);
  // journal_mode=WAL reports the resulting mode as a row; exec ignores it. An in-memory
  // database stays in "memory" mode, which is fine. The page cache is at most 16 MB per
  // connection: it fills with whatever pages a minute's reads and writes touch, and it is part
  // of serve's steady memory.
  if (auto r = db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                        "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; "
                        "PRAGMA cache_size = -16384;");
      !r)
    return std::unexpected(r.error());
  return db;
}

Db::~Db() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<void> Db::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string what = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return fail(error_code_for(rc), "store '{}': {}", path_, what);
  }
  return {};
}

Result<Statement> Db::prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return Statement(this, it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(error("cannot prepare a statement", rc));
  statements_.emplace(sql, stmt);
  return Statement(this, stmt);
}

Result<std::int64_t> Db::query_int(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(error("cannot prepare a query", rc));
  rc = sqlite3_step(stmt);
  std::int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return std::unexpected(error("query failed", rc));
  return value;
}

std::int64_t Db::changes() const { return sqlite3_changes64(db_); }

Error Db::error(std::string_view what, int rc) const {
  return Error{error_code_for(rc),
               fmt::format("store '{}': {}: {}", path_, what, sqlite3_errmsg(db_))};
}

Result<Transaction> Transaction::begin(Db& db) {
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return std::unexpected(r.error());
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->exec("ROLLBACK");
}

Result<void> Transaction::commit() {
  Db* db = db_;
  db_ = nullptr;
  if (auto r = db->exec("COMMIT"); !r) {
    (void)db->exec("ROLLBACK");
    return r;
  }
  return {};
}

}  // namespace freshwatch::store::sqlite
