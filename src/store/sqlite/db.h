// Db: one SQLite connection with a cache of prepared statements, and the small RAII helpers the
// SQLite store is written with (Statement, Transaction). Internal to store/sqlite.
//
// Ownership: Db owns the sqlite3 handle and every cached sqlite3_stmt. A Statement borrows a
// cached statement and resets it (and clears its bindings) when it goes out of scope, so a
// statement is reused, never re-prepared. Text bound with bind() must outlive the Statement.
//
// Thread contract: none. A Db is used by one thread at a time; the store guards each Db with
// its own mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/result.h"

// Propagate the error of a Result-returning expression.
#define FW_TRY(expr)                                                 \
  do {                                                               \
    if (auto fw_try_result = (expr); !fw_try_result)                 \
      return std::unexpected(std::move(fw_try_result).error());      \
  } while (false)

// Declare `var` as a reference to the value of a Result-returning expression, or return its error.
#define FW_ASSIGN(var, expr)                                                  \
  auto var##_result = (expr);                                                 \
  if (!var##_result) return std::unexpected(std::move(var##_result).error()); \
  auto& var = *var##_result

struct sqlite3;
struct sqlite3_stmt;

namespace freshwatch::store::sqlite {

class Db;

class Statement {
 public:
  Statement(Db* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQL's ?1.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, core::TimePoint value);
  Statement& bind(int index, std::optional<std::int64_t> value);
  Statement& bind(int index, std::optional<core::TimePoint> value);
  Statement& bind_null(int index);

  // Steps once: true when a row is available, false when done.
  Result<bool> step();
  // Steps to completion (statements without result rows).
  Result<void> run();

  // Columns are 0-based.
  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::string_view text(int column) const;
  core::TimePoint time(int column) const;
  std::optional<core::TimePoint> optional_time(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;

 private:
  Db* db_;
  sqlite3_stmt* stmt_;
};

class Db {
 public:
  // Opens (creating when `create`) the database at `path` and applies the connection settings
  // every store connection shares: WAL, busy timeout, foreign keys, synchronous=FULL.
  static Result<std::unique_ptr<Db>> open(const std::string& path, bool create);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements without results (DDL, PRAGMA, BEGIN/COMMIT).
  Result<void> exec(std::string_view sql);
  // Returns the cached prepared statement for `sql`. The cache is keyed by the pointer, so
  // `sql` must be a string with static storage (the store's SQL constants).
  Result<Statement> prepare(const char* sql);
  // A single integer from a query such as "PRAGMA user_version".
  Result<std::int64_t> query_int(const char* sql);
  // Rows changed by the latest INSERT, UPDATE or DELETE.
  std::int64_t changes() const;

  // An Error for the last failure on this connection, with `what` as context.
  Error error(std::string_view what, int rc) const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed without commit().
class Transaction {
 public:
  static Result<Transaction> begin(Db& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_;
};

// Maps an SQLite result code to the ErrorCode a caller can act on.
ErrorCode error_code_for(int sqlite_rc);

}  // namespace freshwatch::store::sqlite
