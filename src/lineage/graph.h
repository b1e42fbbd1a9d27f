// Lineage graph: which assets feed which. Built once from model::Edge lists (data flows from
// `upstream` to `downstream`), then queried: upstream/downstream neighbourhoods, shortest paths,
// and (propagate.h) impact and root causes.
//
// Nodes are asset keys, numbered by NodeId: the known assets first, in the order given, then any
// key that only an edge names. Bad input never fails the build; it is kept and reported in
// problems():
//   - an edge naming a key that is not a known asset keeps the node (marked missing(), so paths
//     through it still show) and reports which assets name it;
//   - an edge with an empty key is dropped and reported;
//   - cycles (including an asset feeding itself) are found in linear time and each is reported
//     with the keys along one loop; every query still terminates.
// Duplicate edges count once; the first of them with a non-empty `via` gives the edge its label.
//
// Thread contract: immutable after construction; any number of threads may query one graph.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/asset.h"

namespace freshwatch::lineage {

using NodeId = std::uint32_t;

struct Problem {
  enum class Kind { kMissingAsset, kEmptyKey, kCycle };
  Kind kind = Kind::kMissingAsset;
  // kMissingAsset: the missing key, then the known assets whose edges name it.
  // kCycle: the keys along one loop, in the direction data flows (the first is not repeated).
  // kEmptyKey: the other end of the edge.
  std::vector<std::string> keys;
  std::string message;  // one line, for the connection's or asset's error
};

// A node reached by a neighbourhood search and its distance (number of edges) from the start.
struct Reached {
  NodeId node;
  std::uint32_t distance;
  bool operator==(const Reached&) const = default;
};

class Graph {
 public:
  Graph() = default;
  Graph(std::span<const std::string> asset_keys, std::span<const model::Edge> edges);

  std::size_t size() const { return keys_.size(); }
  std::size_t edge_count() const { return parent_ids_.size(); }
  const std::string& key(NodeId node) const { return keys_[node]; }
  std::optional<NodeId> find(std::string_view key) const;
  // True for a node that only edges name (not among the known assets).
  bool missing(NodeId node) const { return node >= known_; }

  // Direct neighbours, sorted by NodeId.
  std::span<const NodeId> parents(NodeId node) const;
  std::span<const NodeId> children(NodeId node) const;
  // How the edge upstream -> downstream is known (model::Edge::via); empty when it has no label
  // or there is no such edge.
  std::string_view via(NodeId upstream, NodeId downstream) const;

  // Breadth-first neighbourhoods, nearest first, without the start node; depth < 0 means
  // unlimited. An unknown key gives an empty list.
  std::vector<Reached> upstream(std::string_view key, int depth) const;
  std::vector<Reached> downstream(std::string_view key, int depth) const;
  std::vector<Reached> upstream(NodeId node, int depth) const;
  std::vector<Reached> downstream(NodeId node, int depth) const;

  // The shortest upstream path from `from` to its ancestor `to` following edges against the
  // flow: [from, a parent of from, ..., to]. [from] when from == to; empty when `to` is not
  // upstream of `from` or either key is unknown.
  std::vector<NodeId> path(NodeId from, NodeId to) const;
  std::vector<std::string> path(std::string_view from, std::string_view to) const;
  // path(from, t) for every t of `targets`, in the same order, from one breadth-first search
  // (for `freshwatch why KEY` and its root causes).
  std::vector<std::vector<NodeId>> paths(NodeId from, std::span<const NodeId> targets) const;

  // The edges between nodes of `nodes` (for drawing a neighbourhood), with their `via`.
  std::vector<model::Edge> edges_among(std::span<const NodeId> nodes) const;

  const std::vector<Problem>& problems() const { return problems_; }

  // Strongly connected components in topological order (every edge between two components
  // runs from an earlier one to a later one). A component has one node unless it is a cycle.
  std::size_t component_count() const { return component_start_.empty() ? 0 : component_start_.size() - 1; }
  std::span<const NodeId> component(std::size_t index) const;
  std::uint32_t component_of(NodeId node) const { return component_of_[node]; }

 private:
  std::vector<Reached> walk(NodeId start, int depth, bool up) const;
  void find_components();
  void report_cycle(std::span<const NodeId> members);

  std::vector<std::string> keys_;
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, NodeId, KeyHash, std::equal_to<>> index_;
  NodeId known_ = 0;
  // Compressed adjacency: node v's parents are parent_ids_[parent_start_[v] .. parent_start_[v+1]).
  std::vector<std::uint32_t> parent_start_, parent_ids_;
  std::vector<std::string> parent_via_;  // parallel to parent_ids_
  std::vector<std::uint32_t> child_start_, child_ids_;
  std::vector<std::uint32_t> component_of_;
  std::vector<std::uint32_t> component_start_;  // members of component c: component_nodes_[start[c]..start[c+1])
  std::vector<NodeId> component_nodes_;
  std::vector<Problem> problems_;
};

}  // namespace freshwatch::lineage
