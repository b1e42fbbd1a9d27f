// Root paths: for an asset of a snapshot, the lineage path from it up to each of its root
// causes (model::AssetState::root_causes), with how each link is known (model::Edge::via). The
// API's AssetDetail.root_paths and `freshwatch why` both show these.
//
// Thread contract: pure functions; the results point into the snapshot and the graph and live
// as long as both.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lineage/graph.h"
#include "model/snapshot.h"

namespace freshwatch::lineage {

struct PathHop {
  std::string_view key;
  const model::AssetState* state = nullptr;  // null for a key that only an edge names
  std::string_view via;  // of the edge from the next hop into this one; empty on the last
};

struct RootPath {
  std::string_view root;
  std::vector<PathHop> hops;  // the asset first, the root cause last
};

// The graph of a snapshot's assets and edges; its first nodes are the snapshot's assets, in
// snapshot order.
Graph snapshot_graph(const model::Snapshot& snapshot);

// One RootPath per root cause of `state` (an asset of `snapshot`, `graph` built from it), in
// the order of state.root_causes; a root cause the graph cannot reach is left out.
std::vector<RootPath> root_paths(const model::Snapshot& snapshot, const Graph& graph,
                                 const model::AssetState& state);

}  // namespace freshwatch::lineage
