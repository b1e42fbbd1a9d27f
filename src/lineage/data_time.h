// Data time over a lineage Graph: how old the data that an asset holds or shows is, from each
// asset's own change time.
//
// Definitions ("inputs of v" are v's direct parents; a node's own time is the change time its
// status is judged on, empty when it has none):
//   data_time(v)  the oldest of v's own time and its inputs' data times. An asset without
//                 inputs has its own time; one without an own time (a BI tile, which never
//                 changes by itself) has its inputs' oldest. Unknown when any input's data time
//                 is unknown (a consumer of an unreadable table cannot tell how old its data
//                 is), or when v has neither an own time nor inputs.
//   from(v)       the node whose data sets data_time(v), following the chain up to where the
//                 data comes from: v itself when its own time is the oldest (ties go to v's
//                 own time), else the `from` of its oldest input (ties go to the input with
//                 the smaller NodeId). When data_time(v) is unknown: the node without a data
//                 time that makes it so (v itself when it has neither own time nor inputs; a
//                 missing node named only by an edge has no time).
// A cycle (a strongly connected component) is one unit: every member takes the oldest over the
// members' own times and the component's inputs from outside, and the same `from`.
//
// Cost: one pass over the components in topological order, O(nodes + edges).
//
// Thread contract: propagate_data_time() is pure.
#pragma once

#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "core/clock.h"
#include "lineage/graph.h"

namespace freshwatch::lineage {

inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();

struct DataTime {
  std::optional<core::TimePoint> time;
  NodeId from = kNoNode;
  bool operator==(const DataTime&) const = default;
};

// `own_time_by_node[v]` is node v's own time; nodes beyond the span's end (and missing nodes)
// have none. The result has one entry per graph node.
std::vector<DataTime> propagate_data_time(
    const Graph& graph, std::span<const std::optional<core::TimePoint>> own_time_by_node);

}  // namespace freshwatch::lineage
