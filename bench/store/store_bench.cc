// SQLite store benchmarks: recording 10,000 statuses in one call, saving a 10,000-table run,
// reading the latest observations of 100,000 assets and 90 days of history for 10,000 assets.
// Figures go to docs/benchmarks.md ("Store").
#include <cstdlib>
#include <filesystem>

#include <benchmark/benchmark.h>

#include "core/time.h"
#include "store/sqlite/sqlite_store.h"

namespace freshwatch::store {
namespace {

using namespace std::chrono_literals;

const core::TimePoint kStart = core::parse_timestamp("2024-06-01T00:00:00Z").value();

class BenchDir {
 public:
  BenchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fw-bench-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~BenchDir() { std::filesystem::remove_all(path_); }
  std::string db() const { return (path_ / "freshwatch.db").string(); }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<Store> open(const BenchDir& dir) {
  auto store = open_sqlite({dir.db(), "Europe/Berlin", std::nullopt});
  if (!store) std::abort();
  return std::move(*store);
}

std::string key(int i) { return fmt::format("warehouse:analytics.schema_{}.table_{}", i / 100, i); }

RunRecord make_run(int assets, core::TimePoint finished_at) {
  RunRecord run;
  run.connection = "warehouse";
  run.started_at = finished_at - 30s;
  run.finished_at = finished_at;
  for (int i = 0; i < assets; ++i) {
    model::Asset a;
    a.key = key(i);
    a.name = fmt::format("table_{}", i);
    a.parent = fmt::format("warehouse:analytics.schema_{}", i / 100);
    a.connection = "warehouse";
    a.owner = "data-team";
    a.tags = {"daily"};
    a.relation = fmt::format("analytics.schema_{}.table_{}", i / 100, i);
    run.assets.push_back(std::move(a));
    model::Observation o;
    o.asset_key = key(i);
    o.signal = "pg_stat_user_tables";
    o.observed_at = finished_at;
    o.changed_at = finished_at - 1h;
    o.evidence = "inserts+updates+deletes rose from 10 to 12";
    o.row_count = 1000 + i;
    o.marker = "10;2;0";
    run.observations.push_back(std::move(o));
    run.statuses.push_back({key(i), model::Status::kFresh, "changed 1 h ago"});
  }
  return run;
}

// 10,000 statuses in one record_statuses() call, every 15 minutes; each call 10% of the
// assets change status (closing and opening intervals), the rest extend their interval.
void BM_RecordStatuses(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  BenchDir dir;
  auto store = open(dir);
  std::vector<StatusRecord> statuses;
  for (int i = 0; i < n; ++i) statuses.push_back({key(i), model::Status::kFresh, "fresh"});
  core::TimePoint at = kStart;
  if (!store->record_statuses(statuses, at)) std::abort();
  int round = 0;
  for (auto _ : state) {
    at += 15min;
    ++round;
    for (int i = 0; i < n; ++i)
      statuses[i].status = (i % 10 == round % 10) ? model::Status::kWarn : model::Status::kFresh;
    if (!store->record_statuses(statuses, at)) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_RecordStatuses)->Arg(10'000)->Iterations(20)->Unit(benchmark::kMillisecond);

// A whole collection run of 10,000 tables: assets, observations, latest, run, statuses.
void BM_SaveRun(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  BenchDir dir;
  auto store = open(dir);
  core::TimePoint at = kStart;
  RunRecord run = make_run(n, at);
  if (!store->save_run(run)) std::abort();
  for (auto _ : state) {
    at += 15min;
    run.finished_at = at;
    for (auto& o : run.observations) o.observed_at = at;
    if (!store->save_run(run)) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_SaveRun)->Arg(10'000)->Iterations(10)->Unit(benchmark::kMillisecond);

// latest_observations() over 100,000 assets that each have 5 runs of history.
void BM_LatestObservations(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  BenchDir dir;
  auto store = open(dir);
  RunRecord run = make_run(n, kStart);
  run.statuses.clear();
  for (int r = 0; r < 5; ++r) {
    run.finished_at = kStart + r * 15min;
    for (auto& o : run.observations) o.observed_at = run.finished_at;
    if (!store->save_run(run)) std::abort();
  }
  for (auto _ : state) {
    auto latest = store->latest_observations();
    if (!latest || latest->size() != static_cast<std::size_t>(n)) std::abort();
    benchmark::DoNotOptimize(latest);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_LatestObservations)->Arg(100'000)->Iterations(10)->Unit(benchmark::kMillisecond);

// history(from, to) for every asset: 10,000 assets x 90 days, the snapshot's one read.
void BM_HistoryAllAssets(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  BenchDir dir;
  auto store = open(dir);
  std::vector<StatusRecord> statuses;
  for (int i = 0; i < n; ++i) statuses.push_back({key(i), model::Status::kFresh, ""});
  for (int d = 0; d <= 90; ++d) {
    for (int i = 0; i < n; ++i)
      statuses[i].status = (i + d) % 7 == 0 ? model::Status::kWarn : model::Status::kFresh;
    if (!store->record_statuses(statuses, kStart + d * 24h)) std::abort();
  }
  auto from = date::floor<date::days>(kStart);
  for (auto _ : state) {
    auto cells = store->history(from, from + date::days{89});
    if (!cells || cells->size() != static_cast<std::size_t>(n) * 90) std::abort();
    benchmark::DoNotOptimize(cells);
  }
  state.SetItemsProcessed(state.iterations() * n * 90);
}
BENCHMARK(BM_HistoryAllAssets)->Arg(10'000)->Iterations(5)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace freshwatch::store

BENCHMARK_MAIN();
