#include "support/postgres_server.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

namespace freshwatch::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSystemUser = "postgres";

// PostgreSQL refuses root: as root, run it as `postgres`; otherwise as ourselves.
std::string server_user() { return geteuid() == 0 ? kSystemUser : ""; }

std::optional<std::string> chown_to_postgres(const fs::path& path) {
  if (geteuid() != 0) return std::nullopt;
  const passwd* pw = getpwnam(kSystemUser);
  if (!pw) return "there is no 'postgres' system user; run scripts/install-deps";
  if (chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0)
    return fmt::format("could not chown {} to postgres", path.string());
  return std::nullopt;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void ignore_notice(void*, const char*) {}

PGconn* connect(const std::string& dsn) {
  PGconn* conn = PQconnectdb(dsn.c_str());
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  return conn;
}

std::string quote_keyword_value(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

fs::path PostgresServer::bin_dir() {
  const char* env = std::getenv("FRESHWATCH_PG_BIN");
  return env && *env ? fs::path(env) : fs::path("/usr/lib/postgresql/15/bin");
}

std::string PostgresServer::missing_reason() {
  std::error_code ec;
  for (const char* tool : {"initdb", "postgres"}) {
    if (!fs::exists(bin_dir() / tool, ec))
      return fmt::format(
          "PostgreSQL 15 is not installed ({} not found); run scripts/install-deps to install it",
          (bin_dir() / tool).string());
  }
  if (geteuid() == 0 && !getpwnam(kSystemUser))
    return "there is no 'postgres' system user; run scripts/install-deps to install PostgreSQL";
  return {};
}

std::unique_ptr<PostgresServer> PostgresServer::start(std::string* error,
                                                      const std::vector<std::string>& settings) {
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  const fs::path& dir = server->dir_.path();
  const fs::path data = dir / "data";
  const fs::path pwfile = dir / "pwfile";
  {
    std::ofstream out(pwfile);
    out << kPassword << "\n";
  }
  for (const fs::path& p : {dir, pwfile}) {
    if (auto e = chown_to_postgres(p)) {
      *error = *e;
      return nullptr;
    }
  }
  auto init = run_command({(bin_dir() / "initdb").string(), "-D", data.string(), "-U",
                           std::string(kUser), "--pwfile", pwfile.string(), "--auth-local=trust",
                           "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "-N"},
                          server_user());
  if (init.exit_code != 0) {
    *error = fmt::format("initdb failed (exit {}):\n{}", init.exit_code, init.output);
    return nullptr;
  }
  server->port_ = free_port();
  std::vector<std::string> argv = {(bin_dir() / "postgres").string(),
                                   "-D", data.string(),
                                   "-p", std::to_string(server->port_),
                                   "-k", dir.string(),
                                   "-c", "listen_addresses=127.0.0.1",
                                   "-c", "fsync=off",
                                   "-c", "synchronous_commit=off",
                                   "-c", "full_page_writes=off",
                                   "-c", "track_commit_timestamp=on",
                                   "-c", "max_connections=100",
                                   "-c", "max_locks_per_transaction=256",
                                   "-c", "logging_collector=off"};
  for (const auto& s : settings) argv.insert(argv.end(), {"-c", s});
  server->process_ = std::make_unique<ChildProcess>(argv, dir / "server.log", server_user());

  // The port opens before the server accepts logins; ping until it does.
  const std::string dsn = server->dsn();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (true) {
    if (PQping(dsn.c_str()) == PQPING_OK) break;
    if (!server->process_->running() || std::chrono::steady_clock::now() > deadline) {
      *error = fmt::format("PostgreSQL did not start on port {}; its log:\n{}", server->port_,
                           server->log());
      server->stop();
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return server;
}

PostgresServer::~PostgresServer() { stop(); }

void PostgresServer::stop() {
  if (!process_) return;
  // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, no waiting for them.
  process_->stop(SIGINT, 15'000);
  process_.reset();
}

std::string PostgresServer::dsn(std::string_view database) const {
  return fmt::format("host=127.0.0.1 port={} dbname={} user={} password={} connect_timeout=10",
                     port_, quote_keyword_value(database), kUser, quote_keyword_value(kPassword));
}

std::optional<std::string> PostgresServer::execute(std::string_view sql,
                                                   std::string_view database) const {
  PGconn* conn = connect(dsn(database));
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string e = PQerrorMessage(conn);
    PQfinish(conn);
    return e;
  }
  PGresult* res = PQexec(conn, std::string(sql).c_str());
  std::optional<std::string> out;
  const auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) out = PQerrorMessage(conn);
  PQclear(res);
  PQfinish(conn);
  return out;
}

std::string PostgresServer::query_value(std::string_view sql, std::string_view database) const {
  PGconn* conn = connect(dsn(database));
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string e = PQerrorMessage(conn);
    PQfinish(conn);
    return "error: " + e;
  }
  PGresult* res = PQexec(conn, std::string(sql).c_str());
  std::string out;
  if (PQresultStatus(res) != PGRES_TUPLES_OK)
    out = std::string("error: ") + PQerrorMessage(conn);
  else if (PQntuples(res) > 0 && PQnfields(res) > 0)
    out = PQgetvalue(res, 0, 0);
  PQclear(res);
  PQfinish(conn);
  return out;
}

std::optional<std::string> PostgresServer::create_database(std::string_view name) const {
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return execute(fmt::format("create database {}", quoted + "\""));
}

std::string PostgresServer::log() const { return read_file(dir_.path() / "server.log"); }

namespace {

struct Shared {
  bool attempted = false;
  bool missing = false;
  std::string error;
  std::unique_ptr<PostgresServer> server;
};

Shared& shared() {
  static Shared s;
  return s;
}

class StopSharedServer : public ::testing::Environment {
 public:
  void TearDown() override { shared().server.reset(); }
};

[[maybe_unused]] const auto* const kRegistered =
    ::testing::AddGlobalTestEnvironment(new StopSharedServer);

}  // namespace

PostgresServer* shared_postgres() {
  Shared& s = shared();
  if (!s.attempted) {
    s.attempted = true;
    s.error = PostgresServer::missing_reason();
    s.missing = !s.error.empty();
    if (!s.missing) s.server = PostgresServer::start(&s.error);
  }
  return s.server.get();
}

const std::string& shared_postgres_error() { return shared().error; }

bool shared_postgres_missing() { return shared().missing; }

}  // namespace freshwatch::testing
