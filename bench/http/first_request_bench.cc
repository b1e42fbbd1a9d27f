// The first request after a new snapshot, over a snapshot source: Api::publish() builds the
// snapshot's view (name and staleness orders, parent links, search text, lineage adjacency and
// graph) and /api/v1/summary is rendered. `freshwatch serve` spends the same publish() on its
// ViewBuilder thread, off requests' paths; BM_Publish measures that alone. Two synthetic
// snapshots alternate, so every iteration meets a snapshot it has not indexed.
//
//   http_first_request_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <chrono>

#include "http/api.h"
#include "http/auth.h"
#include "http/synthetic.h"
#include "store/sqlite/sqlite_store.h"

namespace freshwatch::http {
namespace {

void BM_FirstSummaryAfterNewSnapshot(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  core::FakeClock clock(core::TimePoint(std::chrono::hours(24 * 20'000)));
  std::shared_ptr<const model::Snapshot> snaps[2] = {
      std::make_shared<const model::Snapshot>(synthetic_snapshot(n, clock.now(), 1)),
      std::make_shared<const model::Snapshot>(synthetic_snapshot(n, clock.now(), 2))};
  std::shared_ptr<const model::Snapshot> current = snaps[0];
  auto store = store::open_sqlite({.path = ":memory:"}).value();
  std::string auth = "Bearer " + *create_token(*store, "bench", clock);
  Api api({}, [&] { return current; }, *store, clock);
  Request req;
  req.method = "GET";
  req.target = "/api/v1/summary";
  req.authorization = auth;
  std::size_t k = 0;
  for (auto _ : state) {
    current = snaps[++k % 2];
    Response res = api.handle(req);
    if (res.status != 200) state.SkipWithError("the summary failed");
    benchmark::DoNotOptimize(res.body.data());
  }
}
BENCHMARK(BM_FirstSummaryAfterNewSnapshot)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

void BM_Publish(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  core::FakeClock clock(core::TimePoint(std::chrono::hours(24 * 20'000)));
  std::shared_ptr<const model::Snapshot> snaps[2] = {
      std::make_shared<const model::Snapshot>(synthetic_snapshot(n, clock.now(), 1)),
      std::make_shared<const model::Snapshot>(synthetic_snapshot(n, clock.now(), 2))};
  auto store = store::open_sqlite({.path = ":memory:"}).value();
  Api api({}, nullptr, *store, clock);
  std::size_t k = 0;
  for (auto _ : state) api.publish(snaps[++k % 2]);
}
BENCHMARK(BM_Publish)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace freshwatch::http

BENCHMARK_MAIN();
