// MariadbServer: a real MariaDB (or MySQL-compatible mariadbd) server for integration tests,
// initialised with mariadb-install-db into a temporary directory and listening on 127.0.0.1 at
// a free port and on a Unix socket in that directory. Small buffers, no binary log and relaxed
// flushing keep start-up around a few seconds. The server's default time zone is +05:00 on
// purpose, so a client that forgets to ask for UTC is caught by the tests.
//
// Accounts: root (no password, over the Unix socket; used by query()/execute() through the
// `mariadb` client) and a test user with a password and every privilege, for the code under
// test (dsn()).
//
// MariadbEnvironment is the GoogleTest global environment that gives one server to a whole
// test binary: the first test that asks starts it, and the environment's TearDown stops it
// (the destructor stops it too, so nothing outlives the binary). When the server programs are
// not installed, tests skip with a message naming scripts/install-deps.
//
// Thread contract: one test thread uses a server at a time; query() may be called from any
// thread (each call is its own client process).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/result.h"
#include "support/process.h"

namespace freshwatch::testing {

class MariadbServer {
 public:
  // Starts a server, with `extra_args` added to mariadbd's (for example
  // "--lower-case-table-names=1"). On failure returns an Error; kNotFound means the programs
  // are missing.
  static Result<std::unique_ptr<MariadbServer>> start(std::vector<std::string> extra_args = {});
  ~MariadbServer();
  MariadbServer(const MariadbServer&) = delete;
  MariadbServer& operator=(const MariadbServer&) = delete;

  int port() const { return port_; }
  const std::filesystem::path& socket() const { return socket_; }
  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }
  // "mysql://<user>:<password>@127.0.0.1:<port>[/database]".
  std::string dsn(std::string_view database = "") const;

  // Runs SQL (several statements allowed) as root; returns the rows of the last result, each
  // field as the client prints it ("NULL" for null).
  Result<std::vector<std::vector<std::string>>> query(const std::string& sql) const;
  // query() that records a test failure (with the server's message) when it fails.
  void execute(const std::string& sql) const;

  // Stops the server cleanly and starts it again on the same data and port.
  Result<void> restart();

  // The tail of the server's error log, for failure messages.
  std::string log_tail() const;

 private:
  MariadbServer() = default;
  Result<void> launch();

  TempDir dir_;
  std::filesystem::path datadir_, socket_, log_;
  std::string server_bin_, client_bin_, os_user_;
  std::vector<std::string> extra_args_;
  int port_ = 0;
  std::string user_ = "freshwatch";
  std::string password_ = "fw-Test-pw!1";
  std::unique_ptr<ChildProcess> process_;
};

class MariadbEnvironment : public ::testing::Environment {
 public:
  // The binary's server, started on first use; null when it could not start (see error()).
  static MariadbServer* server();
  static const Error& error();
  void TearDown() override;
};

}  // namespace freshwatch::testing

// Declares `name`, the shared server, or skips the test (programs missing) / fails it (the
// server would not start).
#define FRESHWATCH_REQUIRE_MARIADB(name)                                                   \
  ::freshwatch::testing::MariadbServer* name = ::freshwatch::testing::MariadbEnvironment::server(); \
  if (!name) {                                                                             \
    if (::freshwatch::testing::MariadbEnvironment::error().code ==                         \
        ::freshwatch::ErrorCode::kNotFound)                                                \
      GTEST_SKIP() << ::freshwatch::testing::MariadbEnvironment::error().message;          \
    FAIL() << ::freshwatch::testing::MariadbEnvironment::error().message;                  \
  }
