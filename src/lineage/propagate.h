// Impact and root causes over a lineage Graph, from each asset's own status.
//
// Definitions (an asset is *stale* when its own status is warn or error; unknown and fresh are
// not stale; "upstream of v" means reachable from v against the flow, v itself excluded):
//   impacted(v)       some asset upstream of v is stale, however far up and whatever the
//                     statuses in between (a fresh asset between two stale ones passes the
//                     impact on). Kept apart from v's own status.
//   is_root_cause(u)  u is stale and nothing upstream of u, outside u's own cycle, is stale:
//                     u's staleness is its own, not explained by its sources.
//   root_causes(v)    the assets u upstream of v with is_root_cause(u): where a walk up from v
//                     through stale or impacted assets ends at a stale asset with no stale
//                     ancestors. Stale assets in between that are themselves impacted are not
//                     listed. Empty for an asset with nothing stale upstream (a stale asset
//                     whose sources are fine is the cause of its own status, not listed for
//                     itself).
// In a DAG, root_causes(v) is non-empty exactly when impacted(v). Inside a cycle every member is
// upstream of every other; the stale members of a cycle with nothing stale above it are root
// causes of each other and of everything below.
//
// Cost: one pass over the components in topological order, O(nodes + edges) plus the size of
// the distinct root-cause sets (assets with the same set share one copy).
//
// Thread contract: propagate() is pure; a Propagation is immutable and may be read from any
// number of threads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lineage/graph.h"
#include "model/status.h"

namespace freshwatch::lineage {

class Propagation {
 public:
  bool impacted(NodeId node) const { return impacted_[node] != 0; }
  bool is_root_cause(NodeId node) const { return root_cause_[node] != 0; }
  // Sorted by NodeId.
  std::span<const NodeId> root_causes(NodeId node) const { return sets_[set_of_[node]]; }
  std::size_t impacted_count() const;

 private:
  friend Propagation propagate(const Graph&, std::span<const model::Status>);
  std::vector<std::uint8_t> impacted_;
  std::vector<std::uint8_t> root_cause_;
  std::vector<std::uint32_t> set_of_;            // index into sets_; 0 is the empty set
  std::vector<std::vector<NodeId>> sets_;
};

// `status_by_node[v]` is the own status of graph node v; nodes beyond the span's end (and
// missing assets) count as unknown.
Propagation propagate(const Graph& graph, std::span<const model::Status> status_by_node);

}  // namespace freshwatch::lineage
