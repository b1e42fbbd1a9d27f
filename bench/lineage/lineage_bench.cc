// Lineage at dbt-project scale: 50,000 assets and about 200,000 edges.
//
// The generated graph imitates a large dbt project: 5,000 sources, then models in topological
// order, each reading 1 to ~12 parents (mean about 4.4), mostly from the models just before it
// (staging -> intermediate -> marts) and sometimes from a few popular hub models.
//
//   cmake --build build/release --target lineage_bench
//   build/release/bench/lineage/lineage_bench
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "lineage/graph.h"
#include "lineage/propagate.h"

namespace freshwatch::lineage {
namespace {

constexpr int kNodes = 50'000;
constexpr int kSources = 5'000;

struct Generated {
  std::vector<std::string> keys;
  std::vector<model::Edge> edges;
};

const Generated& generated() {
  static const Generated g = [] {
    Generated out;
    std::mt19937_64 rng(20261123);
    out.keys.reserve(kNodes);
    for (int i = 0; i < kNodes; ++i)
      out.keys.push_back(i < kSources ? "dbt:source.raw_" + std::to_string(i % 97) + ".t" +
                                            std::to_string(i)
                                      : "dbt:model.analytics.m" + std::to_string(i));
    std::geometric_distribution<int> extra(0.22);
    for (int i = kSources; i < kNodes; ++i) {
      const int parents = 1 + std::min(extra(rng), 11);
      for (int k = 0; k < parents; ++k) {
        int p;
        const auto pick = rng() % 100;
        if (pick < 60) {
          p = i - 1 - static_cast<int>(rng() % std::min(i, 2'000));  // nearby
        } else if (pick < 90) {
          p = static_cast<int>(rng() % kSources);  // a source
        } else {
          p = kSources + static_cast<int>(rng() % 200);  // a hub model
          if (p >= i) p = static_cast<int>(rng() % i);
        }
        out.edges.push_back({out.keys[p], out.keys[i]});
      }
    }
    return out;
  }();
  return g;
}

const Graph& graph() {
  static const Graph g(generated().keys, generated().edges);
  return g;
}

// `per_mille` of the assets stale, at random.
std::vector<model::Status> statuses(int per_mille) {
  std::mt19937_64 rng(per_mille);
  std::vector<model::Status> out(graph().size(), model::Status::kFresh);
  for (auto& s : out)
    if (static_cast<int>(rng() % 1000) < per_mille)
      s = rng() % 2 ? model::Status::kWarn : model::Status::kError;
  return out;
}

void BM_BuildGraph(benchmark::State& state) {
  const auto& g = generated();
  for (auto _ : state) {
    Graph built(g.keys, g.edges);
    benchmark::DoNotOptimize(built.size());
  }
  state.counters["nodes"] = static_cast<double>(graph().size());
  state.counters["edges"] = static_cast<double>(graph().edge_count());
}
BENCHMARK(BM_BuildGraph)->Unit(benchmark::kMillisecond);

void BM_Propagate(benchmark::State& state) {
  const auto& g = graph();
  const auto own = statuses(static_cast<int>(state.range(0)));
  std::size_t impacted = 0, causes = 0;
  for (auto _ : state) {
    const auto p = propagate(g, own);
    impacted = p.impacted_count();
    causes = 0;
    for (NodeId v = 0; v < g.size(); ++v) causes += p.root_causes(v).size();
    benchmark::DoNotOptimize(causes);
  }
  state.counters["impacted"] = static_cast<double>(impacted);
  state.counters["avg_root_causes"] = static_cast<double>(causes) / static_cast<double>(g.size());
}
// Stale assets per mille: 1 (about 50 stale), 10 (about 500), 50 (about 2,500).
BENCHMARK(BM_Propagate)->Arg(1)->Arg(10)->Arg(50)->Unit(benchmark::kMillisecond);

void BM_Neighbourhood(benchmark::State& state) {
  const auto& g = graph();
  const bool up = state.range(0) != 0;
  const int depth = static_cast<int>(state.range(1));
  std::mt19937 rng(3);
  std::size_t reached = 0, queries = 0;
  for (auto _ : state) {
    const NodeId v = kSources + rng() % (kNodes - kSources);
    const auto r = up ? g.upstream(v, depth) : g.downstream(v, depth);
    reached += r.size();
    ++queries;
  }
  state.counters["avg_reached"] = static_cast<double>(reached) / static_cast<double>(queries);
}
// (upstream?, depth): depth 3 as the asset page asks; -1 is unlimited.
BENCHMARK(BM_Neighbourhood)->Args({1, 3})->Args({0, 3})->Args({1, -1})->Args({0, -1})
    ->Unit(benchmark::kMicrosecond);

void BM_WhyPaths(benchmark::State& state) {
  // `freshwatch why KEY`: the shortest path from an impacted asset to each of its root causes.
  const auto& g = graph();
  const auto p = propagate(g, statuses(1));
  std::vector<NodeId> impacted;
  for (NodeId v = kNodes - 5'000; v < g.size(); ++v)
    if (p.impacted(v)) impacted.push_back(v);
  std::size_t i = 0, paths = 0;
  for (auto _ : state) {
    const NodeId v = impacted[i++ % impacted.size()];
    const auto found = g.paths(v, p.root_causes(v));
    paths += found.size();
    benchmark::DoNotOptimize(found.data());
  }
  state.counters["paths_per_query"] =
      static_cast<double>(paths) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_WhyPaths)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace freshwatch::lineage

BENCHMARK_MAIN();
