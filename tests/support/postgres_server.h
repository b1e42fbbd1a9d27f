// PostgresServer: a real PostgreSQL 15 started for tests and benchmarks, in a temporary data
// directory, listening on 127.0.0.1 at a free port (and a unix socket inside that directory).
//
// PostgreSQL refuses to run as root, so initdb and the server run as the `postgres` system user
// (runuser) in a directory chowned to it. The server runs with fsync off (tests throw the data
// away) and track_commit_timestamp on. The bootstrap superuser `kUser` has password `kPassword`;
// TCP logins need the password (scram-sha-256), so tests of bad credentials are real.
//
// Ownership: the object owns the server process and the directory; the destructor stops the
// server (fast shutdown, then SIGKILL) and removes the directory. shared_postgres() holds one
// server per test binary: started on first use, stopped by a GoogleTest global Environment
// when the binary's tests end (and by static destruction as a fallback).
//
// Thread contract: start, stop and the accessors belong to one thread; execute() opens its own
// connection and may be called from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/process.h"

namespace freshwatch::testing {

class PostgresServer {
 public:
  static constexpr std::string_view kUser = "freshwatch_test";
  static constexpr std::string_view kPassword = "s3cret-test-pw";

  // /usr/lib/postgresql/15/bin, or $FRESHWATCH_PG_BIN when set.
  static std::filesystem::path bin_dir();
  // Empty when initdb and postgres are present; otherwise why they are not, naming
  // scripts/install-deps.
  static std::string missing_reason();

  // initdb + start + wait until it accepts logins. On failure returns null and sets `error`
  // (with the server's log).
  static std::unique_ptr<PostgresServer> start(std::string* error,
                                               const std::vector<std::string>& settings = {});
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  const std::filesystem::path& socket_dir() const { return dir_.path(); }

  // A libpq keyword DSN for `database` over TCP, with the test superuser and its password.
  std::string dsn(std::string_view database = "postgres") const;

  // Runs `sql` (one or several statements) in `database` on a fresh connection; returns the
  // error text, or nullopt on success.
  std::optional<std::string> execute(std::string_view sql,
                                     std::string_view database = "postgres") const;
  // The first column of the first row of `sql`, or the error text prefixed with "error: ".
  std::string query_value(std::string_view sql, std::string_view database = "postgres") const;

  // Creates a database (CREATE DATABASE cannot run inside a multi-statement string).
  std::optional<std::string> create_database(std::string_view name) const;

  // The server log so far (for failure messages).
  std::string log() const;

  // Stops the server now (idempotent).
  void stop();

 private:
  PostgresServer() = default;

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

// The server shared by every test in this binary, started on first call; null when it cannot
// run (then shared_postgres_error() says why, and whether that is a skip or a failure).
PostgresServer* shared_postgres();
// Empty when the shared server runs.
const std::string& shared_postgres_error();
// True when the server could not run only because PostgreSQL is not installed.
bool shared_postgres_missing();

}  // namespace freshwatch::testing

// In a test body: `FRESHWATCH_REQUIRE_POSTGRES(server);` skips the test when PostgreSQL is not
// installed, fails it when the server would not start, and otherwise binds `server`.
#define FRESHWATCH_REQUIRE_POSTGRES(server)                                              \
  ::freshwatch::testing::PostgresServer* server = ::freshwatch::testing::shared_postgres(); \
  if (!server) {                                                                        \
    if (::freshwatch::testing::shared_postgres_missing())                               \
      GTEST_SKIP() << ::freshwatch::testing::shared_postgres_error();                   \
    FAIL() << ::freshwatch::testing::shared_postgres_error();                           \
  }
