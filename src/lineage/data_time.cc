#include "lineage/data_time.h"

#include <algorithm>

namespace freshwatch::lineage {

std::vector<DataTime> propagate_data_time(
    const Graph& graph, std::span<const std::optional<core::TimePoint>> own_time_by_node) {
  const std::size_t n = graph.size();
  std::vector<DataTime> out(n);
  auto own = [&](NodeId v) -> std::optional<core::TimePoint> {
    if (v >= own_time_by_node.size() || graph.missing(v)) return std::nullopt;
    return own_time_by_node[v];
  };

  for (std::size_t c = 0; c < graph.component_count(); ++c) {
    const auto members = graph.component(c);
    DataTime result;
    // Own times first, so a tie goes to the asset's own change over an input's.
    for (NodeId v : members) {
      const auto t = own(v);
      if (t && (!result.time || *t < *result.time)) result = {t, v};
    }
    // Then the inputs from outside the component, in NodeId order: a tie keeps the first.
    NodeId unknown_from = kNoNode;
    for (NodeId v : members) {
      for (NodeId p : graph.parents(v)) {
        if (graph.component_of(p) == c) continue;
        const DataTime& input = out[p];
        if (!input.time) {
          if (unknown_from == kNoNode) unknown_from = input.from;
        } else if (!result.time || *input.time < *result.time) {
          result = input;
        }
      }
    }
    if (unknown_from != kNoNode)
      result = {std::nullopt, unknown_from};
    else if (!result.time)
      result = {std::nullopt, *std::min_element(members.begin(), members.end())};
    for (NodeId v : members) out[v] = result;
  }
  return out;
}

}  // namespace freshwatch::lineage
