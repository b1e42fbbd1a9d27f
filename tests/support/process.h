// Test support: temporary directories, free loopback ports and child processes, for tests
// that start real servers (PostgreSQL, MariaDB, freshwatch itself, local vendor servers).
//
// Thread contract: each object is owned by one test; nothing here is shared.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace freshwatch::testing {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read, close).
int free_port();

struct CommandResult {
  int exit_code = -1;  // -1 when it could not run or was killed by a signal
  std::string output;  // stdout and stderr together
};

// Runs argv to completion (no shell), optionally as another user (via runuser), capturing
// output.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& as_user = "");

// A child process started in its own process group; on destruction it is sent SIGTERM, then
// SIGKILL after `grace`, and reaped; it is killed too if the test process dies. Output goes to
// `log_file` when given.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log_file = {},
               const std::string& as_user = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Sends `signal` and waits for the process to exit; returns its exit status (as waitpid).
  int stop(int signal, int grace_ms = 10'000);

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

// Waits until a TCP connection to 127.0.0.1:port succeeds, up to timeout_ms.
bool wait_for_port(int port, int timeout_ms = 30'000);

// The testdata folder shared between projects (../shared/testdata), or empty when absent.
std::filesystem::path shared_testdata();

}  // namespace freshwatch::testing
