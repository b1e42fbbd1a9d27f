#include "lineage/root_paths.h"

namespace freshwatch::lineage {

Graph snapshot_graph(const model::Snapshot& snapshot) {
  std::vector<std::string> keys;
  keys.reserve(snapshot.assets.size());
  for (const auto& s : snapshot.assets) keys.push_back(s.asset->key);
  return Graph(keys, snapshot.edges);
}

std::vector<RootPath> root_paths(const model::Snapshot& snapshot, const Graph& graph,
                                 const model::AssetState& state) {
  std::vector<RootPath> out;
  const auto from = graph.find(state.asset->key);
  if (!from || state.root_causes.empty()) return out;
  std::vector<NodeId> targets;
  targets.reserve(state.root_causes.size());
  for (const auto& key : state.root_causes)
    if (auto t = graph.find(key)) targets.push_back(*t);
  const auto paths = graph.paths(*from, targets);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const auto& path = paths[i];
    if (path.empty()) continue;
    RootPath root{graph.key(targets[i]), {}};
    root.hops.reserve(path.size());
    for (std::size_t h = 0; h < path.size(); ++h) {
      const NodeId node = path[h];
      root.hops.push_back({graph.key(node),
                           graph.missing(node) ? nullptr : &snapshot.assets[node],
                           h + 1 < path.size() ? graph.via(path[h + 1], node) : std::string_view()});
    }
    out.push_back(std::move(root));
  }
  return out;
}

}  // namespace freshwatch::lineage
