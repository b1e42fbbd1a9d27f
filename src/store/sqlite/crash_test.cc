// kill -9 at a random moment loses nothing that was committed: a child process saves runs in a
// loop and reports each committed run through a pipe; the test kills it with SIGKILL at a
// random point, reopens the store, checks its integrity and finds every reported run whole.
#include <csignal>
#include <random>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/time.h"
#include "store/sqlite/sqlite_store.h"
#include "support/process.h"

namespace freshwatch::store {
namespace {

using namespace std::chrono_literals;

constexpr int kAssetsPerRun = 50;
const core::TimePoint kStart = core::parse_timestamp("2024-06-01T00:00:00Z").value();

core::TimePoint run_time(std::int64_t i) { return kStart + i * 1min; }

RunRecord make_run(std::int64_t i) {
  RunRecord run;
  run.connection = "w";
  run.started_at = run_time(i) - 10s;
  run.finished_at = run_time(i);
  for (int a = 0; a < kAssetsPerRun; ++a) {
    std::string key = fmt::format("w:s.t{}", a);
    model::Asset asset;
    asset.key = key;
    asset.name = fmt::format("t{}", a);
    asset.connection = "w";
    asset.tags = {"crash"};
    run.assets.push_back(asset);
    model::Observation o;
    o.asset_key = key;
    o.signal = "max(_loaded_at)";
    o.observed_at = run.finished_at;
    o.changed_at = run.finished_at - 1min * a;
    o.evidence = fmt::format("run {}", i);
    run.observations.push_back(o);
    run.statuses.push_back({key, (i + a) % 3 == 0 ? model::Status::kWarn : model::Status::kFresh,
                            fmt::format("run {}", i)});
  }
  run.edges = {{"w:s.t0", fmt::format("w:s.t{}", i % kAssetsPerRun)}};
  return run;
}

// The child: saves runs first, first+1, ... and writes each committed run's number to `fd`.
[[noreturn]] void child_main(const std::string& path, std::int64_t first, int fd) {
  auto store = open_sqlite({path, "Europe/Berlin", std::chrono::days{30}});
  if (!store) _exit(3);
  for (std::int64_t i = first; i < first + 100'000; ++i) {
    if (!(*store)->save_run(make_run(i))) _exit(4);
    if (write(fd, &i, sizeof i) != sizeof i) _exit(5);
  }
  _exit(0);
}

struct Db {
  explicit Db(const std::string& path) { sqlite3_open(path.c_str(), &db); }
  ~Db() { sqlite3_close(db); }
  std::string text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW)
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return out;
  }
  std::int64_t integer(const std::string& sql) { return std::stoll(text(sql)); }
  sqlite3* db = nullptr;
};

TEST(SqliteCrashTest, KillNineLosesNothingCommitted) {
  testing::TempDir dir;
  std::string path = (dir / "freshwatch.db").string();
  std::random_device device;
  unsigned seed = device();
  std::mt19937 random(seed);
  SCOPED_TRACE(fmt::format("seed {}", seed));

  std::int64_t next = 1;
  std::vector<std::int64_t> committed;
  for (int round = 0; round < 6; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      child_main(path, next, fds[1]);
    }
    close(fds[1]);
    // Let a random number of runs commit, then kill at a random point of the next one.
    int wanted = std::uniform_int_distribution<int>(1, 12)(random);
    int seen = 0;
    std::int64_t marker = 0;
    while (seen < wanted && read(fds[0], &marker, sizeof marker) == sizeof marker) {
      committed.push_back(marker);
      ++seen;
    }
    for (volatile int spin = std::uniform_int_distribution<int>(0, 2'000'000)(random); spin > 0;)
      spin = spin - 1;
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    // Runs reported between our last read and the kill were committed too.
    while (read(fds[0], &marker, sizeof marker) == sizeof marker) committed.push_back(marker);
    close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child stopped by itself, status " << status;
    ASSERT_EQ(seen, wanted) << "the child died before committing " << wanted << " runs";

    // Reopen as the next start would: migrations are done, the store carries on.
    auto store = open_sqlite({path, "Europe/Berlin", std::chrono::days{30}});
    ASSERT_TRUE(store) << store.error().message;
    Db db(path);
    ASSERT_EQ(db.text("PRAGMA integrity_check"), "ok");
    ASSERT_EQ(db.text("PRAGMA foreign_key_check"), "");
    for (std::int64_t i : committed) {
      auto finished = run_time(i).time_since_epoch().count();
      ASSERT_EQ(db.integer(fmt::format(
                    "SELECT count(*) FROM connection_runs WHERE finished_at_us = {}", finished)),
                1)
          << "run " << i;
    }
    // Every stored run is whole: all its observations are there, and nothing else is.
    ASSERT_EQ(db.integer("SELECT count(*) FROM observations o WHERE NOT EXISTS (SELECT 1 FROM "
                         "connection_runs r WHERE r.finished_at_us = o.observed_at_us)"),
              0);
    ASSERT_EQ(db.integer(fmt::format(
                  "SELECT count(*) FROM (SELECT r.id FROM connection_runs r LEFT JOIN "
                  "observations o ON o.observed_at_us = r.finished_at_us GROUP BY r.id "
                  "HAVING count(o.id) <> {})",
                  kAssetsPerRun)),
              0);
    std::int64_t last = db.integer("SELECT coalesce(max(finished_at_us), 0) FROM connection_runs");
    ASSERT_GE(last, run_time(committed.back()).time_since_epoch().count());
    // The open intervals and latest observations match the last stored run.
    auto latest = (*store)->latest_observations();
    ASSERT_TRUE(latest);
    ASSERT_EQ(latest->size(), static_cast<std::size_t>(kAssetsPerRun));
    for (const auto& o : *latest) ASSERT_EQ(o.observed_at.time_since_epoch().count(), last);
    auto open = (*store)->open_intervals();
    ASSERT_TRUE(open);
    ASSERT_EQ(open->size(), static_cast<std::size_t>(kAssetsPerRun));
    next = (last - kStart.time_since_epoch().count()) / std::chrono::microseconds(1min).count() + 1;
  }
  EXPECT_GE(committed.size(), 6u);
}

}  // namespace
}  // namespace freshwatch::store
