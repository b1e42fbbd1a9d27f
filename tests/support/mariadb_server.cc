#include "support/mariadb_server.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

namespace freshwatch::testing {
namespace {

// Looks for a program on PATH and in the sbin folders Debian installs servers into.
std::string find_program(std::initializer_list<const char*> names) {
  std::vector<std::filesystem::path> dirs;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    for (std::string dir; std::getline(ss, dir, ':');)
      if (!dir.empty()) dirs.emplace_back(dir);
  }
  for (const char* extra : {"/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"})
    dirs.emplace_back(extra);
  for (const char* name : names)
    for (const auto& dir : dirs) {
      auto candidate = dir / name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  return {};
}

std::string os_user_name() {
  if (const passwd* pw = getpwuid(geteuid())) return pw->pw_name;
  return "root";
}

std::string sql_string(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

// The folder holding the running test binary, or empty.
std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{} : exe.parent_path();
}

// Every server gets a temporary folder of its own: one that starts deletes the '#sql*' files it
// finds in its tmpdir, so servers sharing /tmp (two tests at once, or other MariaDB servers on
// the machine) would delete each other's temporary tables.
Result<void> install_db(const std::string& install, const std::string& os_user,
                        const std::filesystem::path& datadir) {
  const std::filesystem::path tmpdir = datadir.string() + ".tmp";
  std::error_code ec;
  std::filesystem::create_directories(tmpdir, ec);
  auto init = run_command({install, "--no-defaults", "--user=" + os_user,
                           "--datadir=" + datadir.string(), "--tmpdir=" + tmpdir.string(),
                           "--auth-root-authentication-method=normal", "--skip-test-db",
                           "--skip-name-resolve", "--innodb-log-file-size=8M",
                           "--innodb-buffer-pool-size=16M"});
  std::filesystem::remove_all(tmpdir, ec);
  if (init.exit_code != 0)
    return fail(ErrorCode::kUnavailable, "mariadb-install-db failed (exit {}):\n{}",
                init.exit_code, init.output);
  return {};
}

// mariadb-install-db takes seconds, and each test of a binary may run in its own process, so a
// freshly initialised data directory is kept beside the test binary (in the build tree), one
// per server version, and copied for each server. Concurrent first runs each build one and the
// first rename wins.
Result<void> initialise(const std::string& install, const std::string& server_bin,
                        const std::string& os_user, const std::filesystem::path& datadir) {
  auto dir = executable_dir();
  auto version = run_command({server_bin, "--no-defaults", "--version"});
  if (dir.empty() || version.exit_code != 0) return install_db(install, os_user, datadir);
  auto templ = dir / fmt::format("mariadb-datadir-{:016x}", std::hash<std::string>{}(version.output + os_user));
  std::error_code ec;
  if (!std::filesystem::is_directory(templ / "mysql", ec)) {
    auto building = std::filesystem::path(templ.string() + fmt::format(".building-{}", getpid()));
    std::filesystem::remove_all(building, ec);
    if (auto made = install_db(install, os_user, building); !made) {
      std::filesystem::remove_all(building, ec);
      return made;
    }
    std::filesystem::rename(building, templ, ec);
    if (ec) std::filesystem::remove_all(building, ec);
  }
  std::filesystem::copy(templ, datadir, std::filesystem::copy_options::recursive, ec);
  if (ec)
    return fail(ErrorCode::kUnavailable, "copying the MariaDB data directory {} failed: {}",
                templ.string(), ec.message());
  return {};
}

constexpr std::string_view kInstallHint =
    "MariaDB is not installed (mariadbd, mariadb-install-db and the mariadb client are "
    "needed); run scripts/install-deps";

}  // namespace

Result<std::unique_ptr<MariadbServer>> MariadbServer::start(std::vector<std::string> extra_args) {
  std::unique_ptr<MariadbServer> server(new MariadbServer);
  server->extra_args_ = std::move(extra_args);
  server->server_bin_ = find_program({"mariadbd", "mysqld"});
  std::string install = find_program({"mariadb-install-db", "mysql_install_db"});
  server->client_bin_ = find_program({"mariadb", "mysql"});
  if (server->server_bin_.empty() || install.empty() || server->client_bin_.empty())
    return fail(ErrorCode::kNotFound, std::string(kInstallHint));
  server->os_user_ = os_user_name();
  server->datadir_ = server->dir_ / "data";
  server->socket_ = server->dir_ / "sock";
  server->log_ = server->dir_ / "error.log";

  auto initialised = initialise(install, server->server_bin_, server->os_user_, server->datadir_);
  if (!initialised) return std::unexpected(initialised.error());

  // A port found free may be taken before the server binds it; try a few.
  Error last{ErrorCode::kUnavailable, "the server did not start"};
  for (int attempt = 0; attempt < 3; ++attempt) {
    server->port_ = free_port();
    auto launched = server->launch();
    if (launched) {
      last = {};
      break;
    }
    last = launched.error();
  }
  if (!server->process_) return std::unexpected(last);

  auto created = server->query(fmt::format(
      "CREATE USER '{0}'@'127.0.0.1' IDENTIFIED BY {1};"
      "CREATE USER '{0}'@'localhost' IDENTIFIED BY {1};"
      "GRANT ALL PRIVILEGES ON *.* TO '{0}'@'127.0.0.1';"
      "GRANT ALL PRIVILEGES ON *.* TO '{0}'@'localhost';",
      server->user_, sql_string(server->password_)));
  if (!created) return std::unexpected(created.error());
  return server;
}

Result<void> MariadbServer::launch() {
  std::error_code ec;
  std::filesystem::create_directories(dir_ / "tmp", ec);
  std::vector<std::string> argv = {
      server_bin_,
      "--no-defaults",
      "--user=" + os_user_,
      "--datadir=" + datadir_.string(),
      "--tmpdir=" + (dir_ / "tmp").string(),
      fmt::format("--port={}", port_),
      "--bind-address=127.0.0.1",
      "--socket=" + socket_.string(),
      "--pid-file=" + (dir_ / "mariadbd.pid").string(),
      "--log-error=" + log_.string(),
      "--skip-networking=0",
      "--skip-name-resolve",
      "--skip-log-bin",
      "--performance-schema=OFF",
      "--default-time-zone=+05:00",
      "--innodb-buffer-pool-size=16M",
      "--innodb-log-file-size=8M",
      "--innodb-log-buffer-size=1M",
      "--innodb-flush-log-at-trx-commit=0",
      "--innodb-doublewrite=0",
      "--key-buffer-size=1M",
      "--max-connections=64",
      "--loose-feedback=OFF",
  };
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  process_ = std::make_unique<ChildProcess>(argv, dir_ / "stdout.log");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->running()) {
      process_.reset();
      return fail(ErrorCode::kUnavailable, "mariadbd exited during start-up:\n{}", log_tail());
    }
    if (std::filesystem::exists(socket_) && wait_for_port(port_, 100)) {
      auto ping = query("SELECT 1");
      if (ping) return {};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  process_.reset();
  return fail(ErrorCode::kTimeout, "mariadbd did not accept connections within 60 s:\n{}",
              log_tail());
}

MariadbServer::~MariadbServer() {
  if (process_) process_->stop(SIGTERM, 30'000);
}

std::string MariadbServer::dsn(std::string_view database) const {
  // The password has no characters that need percent-encoding except '!', which is allowed.
  std::string out = fmt::format("mysql://{}:{}@127.0.0.1:{}", user_, password_, port_);
  if (!database.empty()) out += fmt::format("/{}", database);
  return out;
}

Result<std::vector<std::vector<std::string>>> MariadbServer::query(const std::string& sql) const {
  auto result = run_command({client_bin_, "--no-defaults", "--user=root",
                             "--socket=" + socket_.string(), "--batch", "--skip-column-names",
                             "--execute=" + sql});
  if (result.exit_code != 0)
    return fail(ErrorCode::kUnavailable, "mariadb client failed on `{}`: {}", sql, result.output);
  std::vector<std::vector<std::string>> rows;
  std::stringstream lines(result.output);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, '\t');) fields.push_back(field);
    rows.push_back(std::move(fields));
  }
  return rows;
}

void MariadbServer::execute(const std::string& sql) const {
  auto result = query(sql);
  if (!result) ADD_FAILURE() << result.error().message;
}

Result<void> MariadbServer::restart() {
  if (process_) {
    process_->stop(SIGTERM, 60'000);
    process_.reset();
  }
  std::error_code ec;
  std::filesystem::remove(socket_, ec);
  return launch();
}

std::string MariadbServer::log_tail() const {
  std::ifstream in(log_);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  for (std::size_t i = lines.size() > 30 ? lines.size() - 30 : 0; i < lines.size(); ++i)
    out += lines[i] + "\n";
  return out;
}

namespace {

struct Shared {
  std::mutex mutex;
  bool tried = false;
  std::unique_ptr<MariadbServer> server;
  Error error;
};

Shared& shared() {
  static Shared s;
  return s;
}

// Registered once per binary that uses the shared server (this file is linked in only then).
[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new MariadbEnvironment);

}  // namespace

MariadbServer* MariadbEnvironment::server() {
  auto& s = shared();
  std::lock_guard lock(s.mutex);
  if (!s.tried) {
    s.tried = true;
    auto started = MariadbServer::start();
    if (started) s.server = std::move(*started);
    else s.error = started.error();
  }
  return s.server.get();
}

const Error& MariadbEnvironment::error() { return shared().error; }

void MariadbEnvironment::TearDown() {
  auto& s = shared();
  std::lock_guard lock(s.mutex);
  s.server.reset();
}

}  // namespace freshwatch::testing
