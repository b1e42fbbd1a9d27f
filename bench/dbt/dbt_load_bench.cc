// Loading a large dbt manifest, in one run so the figures compare: a bare simdjson DOM parse of
// the file (a fresh parser, as one load pays, and a reused one), a bare On-Demand iteration over
// every node's fields, freshwatch's parse into plain structs (On-Demand) and the collection
// (assets, edges) built from it, with their sum as a multiple of the fresh DOM parse; then the
// lineage graph and root-cause and impact queries on it. Prints one line per step (best of
// --repeat runs) and the peak resident memory. --load-only does one load as the connector does
// (read the file, parse, drop the text, build the collection, then the graph) and prints its
// peak resident memory (VmHWM) against the file's size. docs/benchmarks.md ("dbt") has the
// figures and the commands.
//
//   python3 bench/dbt/gen_manifest.py /tmp/manifest.json --models 25000 --columns 11
//   build/release/bench/dbt/dbt_load_bench /tmp/manifest.json [--repeat 3] [--load-only]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
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

// VmHWM of /proc/self/status in bytes (the peak resident set), 0 when unreadable.
double vm_hwm_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmHWM:")) return std::stod(line.substr(6)) * 1024;
  return 0;
}

// Every field of every node, source and exposure, touched and skipped: what any On-Demand reader
// of the manifest pays at least. Returns the number of fields.
std::size_t iterate_nodes(std::string_view json) {
  namespace od = simdjson::ondemand;
  od::parser parser;
  od::document doc;
  if (parser.iterate(json.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING).get(doc))
    std::abort();
  std::size_t fields = 0;
  od::object top;
  if (doc.get_object().get(top)) std::abort();
  for (auto item : top) {
    od::field field;
    if (std::move(item).get(field)) std::abort();
    const auto key = field.key();
    if (key != "nodes" && key != "sources" && key != "exposures") continue;
    od::object nodes;
    if (field.value().get_object().get(nodes)) continue;
    for (auto node : nodes) {
      od::object body;
      if (node.value().get_object().get(body)) continue;
      for (auto f : body) {
        if (f.error()) std::abort();
        ++fields;
      }
    }
  }
  return fields;
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

  if (load_only) {  // for /usr/bin/time -v: the peak of one load as the connector does it
    const double file_bytes = static_cast<double>(json.size());
    const auto t0 = Clock::now();
    auto m = connectors::dbt::parse_manifest_padded(
        json, [&](std::size_t bytes) { text->release_front(bytes); });
    if (!m) {
      fmt::print(stderr, "{}\n", m.error().message);
      return 1;
    }
    const auto t1 = Clock::now();
    const double parse_hwm = vm_hwm_bytes();
    { auto drop = std::move(*text); }  // the connector drops the files' text once parsed
    connectors::dbt::Artifacts a;
    a.manifest = std::move(*m);
    auto built = connectors::dbt::build_collection(a, {.connection = "dbt"});
    const auto t2 = Clock::now();
    std::vector<std::string> keys;
    keys.reserve(built.collection.assets.size());
    for (const auto& x : built.collection.assets) keys.push_back(x.key);
    lineage::Graph graph(keys, built.collection.edges);
    const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
    const double hwm = vm_hwm_bytes();
    fmt::print("load: parse {:.0f} ms + build_collection {:.0f} ms + graph {:.0f} ms, {} assets, {} edges\n",
               ms(t1 - t0), ms(t2 - t1), ms(Clock::now() - t2), built.collection.assets.size(),
               graph.edge_count());
    fmt::print("peak resident memory (VmHWM) at the end of parse_manifest {:.0f} MiB\n",
               parse_hwm / (1 << 20));
    fmt::print("peak resident memory (VmHWM) {:.0f} MiB = {:.2f} x the file's {:.0f} MiB (target <= 2)\n",
               hwm / (1 << 20), hwm / file_bytes, file_bytes / (1 << 20));
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

  std::size_t fields = 0;
  const double ondemand = best_ms(repeat, [&] { fields = iterate_nodes(json); });
  fmt::print("bare On-Demand iteration over nodes{:8.1f} ms  ({} fields)\n", ondemand, fields);

  connectors::dbt::Manifest manifest;
  const double parse = best_ms(repeat, [&] {
    auto m = connectors::dbt::parse_manifest_padded(json);
    if (!m) std::abort();
    manifest = std::move(*m);
  });
  fmt::print("parse_manifest (On-Demand, structs){:8.1f} ms  {} nodes kept, {} skipped\n", parse,
             manifest.nodes.size(), manifest.skipped_nodes);

  connectors::dbt::Artifacts artifacts;
  artifacts.manifest = manifest;
  connectors::dbt::Built built;
  const double collect = best_ms(repeat, [&] {
    built = connectors::dbt::build_collection(artifacts, {.connection = "dbt"});
  });
  fmt::print("build_collection (assets, edges)   {:8.1f} ms  {} assets, {} edges\n", collect,
             built.collection.assets.size(), built.collection.edges.size());
  fmt::print("parse + build_collection           {:8.1f} ms  = {:.2f} x the fresh DOM parse (target <= 2)\n",
             parse + collect, (parse + collect) / bare);

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
