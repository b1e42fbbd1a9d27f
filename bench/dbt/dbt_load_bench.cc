// Loading a large dbt manifest: a bare simdjson parse of the file, freshwatch's parse into plain
// structs, the collection (assets, edges) and the lineage graph built from it, then root-cause and
// impact queries on that graph. Prints one line per step (best of --repeat runs) and the peak
// resident memory. docs/benchmarks.md ("dbt") has the figures and the command.
//
//   python3 bench/dbt/gen_manifest.py /tmp/manifest.json
//   build/release/bench/dbt/dbt_load_bench /tmp/manifest.json [--repeat 3] [--load-only]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <string>

#include <fmt/format.h>
#include <simdjson.h>

#include "connectors/dbt/artifacts.h"
#include "connectors/dbt/collection.h"
#include "connectors/dbt/dbt_connector.h"
#include "lineage/graph.h"
#include "lineage/propagate.h"

using namespace freshwatch;
using Clock = std::chrono::steady_clock;

namespace {

double best_ms(int repeat, const std::function<void()>& f) {
  double best = 1e300;
  for (int i = 0; i < repeat; ++i) {
    const auto t0 = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  return best;
}

long peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: {} MANIFEST.json [--repeat N] [--load-only]\n", argv[0]);
    return 2;
  }
  int repeat = 3;
  bool load_only = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) repeat = std::stoi(argv[++i]);
    if (a == "--load-only") load_only = true;
  }
  auto text = connectors::dbt::read_artifact(argv[1]);
  if (!text) {
    fmt::print(stderr, "{}\n", text.error().message);
    return 1;
  }
  const auto json = text->json();
  fmt::print("file: {} ({:.1f} MB), simdjson implementation: {}\n", argv[1], json.size() / 1e6,
             simdjson::get_active_implementation()->name());

  if (load_only) {  // for /usr/bin/time -v: the peak of one load (parse + collection + graph)
    const auto t0 = Clock::now();
    auto m = connectors::dbt::parse_manifest_padded(json);
    connectors::dbt::Artifacts a;
    a.manifest = std::move(*m);
    auto built = connectors::dbt::build_collection(a, {.connection = "dbt"});
    std::vector<std::string> keys;
    for (const auto& x : built.collection.assets) keys.push_back(x.key);
    lineage::Graph graph(keys, built.collection.edges);
    fmt::print("load: {:.0f} ms, {} assets, {} edges, peak RSS {} MiB\n",
               std::chrono::duration<double, std::milli>(Clock::now() - t0).count(),
               built.collection.assets.size(), graph.edge_count(), peak_rss_mib());
    return 0;
  }

  const double bare = best_ms(repeat, [&] {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(json.data(), json.size(), false).get(doc)) std::abort();
  });
  fmt::print("bare simdjson DOM parse, new parser{:8.1f} ms  ({:.2f} GB/s)\n", bare, json.size() / bare / 1e6);
  {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(json.data(), json.size(), false).get(doc)) std::abort();
    const double reused = best_ms(repeat, [&] {
      if (parser.parse(json.data(), json.size(), false).get(doc)) std::abort();
    });
    fmt::print("bare simdjson DOM parse, reused    {:8.1f} ms  ({:.2f} GB/s)\n", reused,
               json.size() / reused / 1e6);
  }

  connectors::dbt::Manifest manifest;
  const double parse = best_ms(repeat, [&] {
    auto m = connectors::dbt::parse_manifest_padded(json);
    if (!m) std::abort();
    manifest = std::move(*m);
  });
  fmt::print("parse_manifest (plain structs)     {:8.1f} ms  {} nodes kept, {} skipped\n", parse,
             manifest.nodes.size(), manifest.skipped_nodes);

  connectors::dbt::Artifacts artifacts;
  artifacts.manifest = manifest;
  connectors::dbt::Built built;
  const double collect = best_ms(repeat, [&] {
    built = connectors::dbt::build_collection(artifacts, {.connection = "dbt"});
  });
  fmt::print("build_collection (assets, edges)   {:8.1f} ms  {} assets, {} edges\n", collect,
             built.collection.assets.size(), built.collection.edges.size());

  std::vector<std::string> keys;
  for (const auto& a : built.collection.assets) keys.push_back(a.key);
  lineage::Graph graph;
  const double graph_ms = best_ms(repeat, [&] { graph = lineage::Graph(keys, built.collection.edges); });
  fmt::print("lineage::Graph build               {:8.1f} ms\n", graph_ms);
  fmt::print("load total (parse+collection+graph){:8.1f} ms\n", parse + collect + graph_ms);

  // Queries: 2% of the sources stale, propagate, then root causes and neighbourhoods.
  std::mt19937 rng(7);
  std::vector<model::Status> status(graph.size(), model::Status::kFresh);
  for (lineage::NodeId v = 0; v < graph.size(); ++v)
    if (keys[v].starts_with("dbt:source.") && rng() % 50 == 0) status[v] = model::Status::kError;
  lineage::Propagation propagation;
  const double prop = best_ms(repeat, [&] { propagation = lineage::propagate(graph, status); });
  fmt::print("propagate (impact + root causes)   {:8.1f} ms  {} impacted\n", prop,
             propagation.impacted_count());
  std::vector<lineage::NodeId> sample;
  for (int i = 0; i < 1000; ++i) sample.push_back(rng() % graph.size());
  std::size_t reached = 0;
  const double up = best_ms(repeat, [&] {
    reached = 0;
    for (auto v : sample) reached += graph.upstream(v, -1).size();
  });
  fmt::print("upstream (unlimited), per query    {:8.3f} ms  avg {} nodes\n", up / sample.size(),
             reached / sample.size());
  const double down = best_ms(repeat, [&] {
    reached = 0;
    for (auto v : sample) reached += graph.downstream(v, 3).size();
  });
  fmt::print("downstream (depth 3), per query    {:8.3f} ms  avg {} nodes\n", down / sample.size(),
             reached / sample.size());
  std::size_t hops = 0;
  const double why = best_ms(repeat, [&] {
    hops = 0;
    for (auto v : sample) {
      auto causes = propagation.root_causes(v);
      for (const auto& p : graph.paths(v, causes)) hops += p.size();
    }
  });
  fmt::print("why (paths to every root cause)    {:8.3f} ms per asset\n", why / sample.size());
  fmt::print("peak RSS (whole run)               {:8} MiB\n", peak_rss_mib());
  return 0;
}
