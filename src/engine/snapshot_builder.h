// Snapshot building: the pure step from what the engine knows (assets, the latest observation
// of each signal, connection states, lineage edges, stored day cells) to an immutable
// model::Snapshot at one moment. Judgement is delegated to the Evaluator (the policy set);
// this step only arranges: leaves are evaluated, containers take the worst status and the
// counts of the leaves below them (a container whose own latest observation failed, such as a
// dashboard its BI tool did not return, is at least unknown and names that error; its children
// stay as last read), a failed connection turns its assets unknown with its error, and every asset gets one history cell per day for the last `history_days` days in
// the configured time zone (days without data are marked so, never shown as fresh).
//
// Data time (lineage/data_time.h) is propagated over the lineage: an asset's own time is the
// change time its evaluation decided on (none while its collection failed). Consumers
// (model::is_consumer: tiles, Looks, dbt exposures) with lineage inputs are judged on their
// data time: the Evaluator is called with one derived observation of signal kDataTimeSignal
// (changed_at = the data time, evidence naming the input it comes from), which is listed first
// among their observations; when the data time is unknown they are unknown, naming the input
// without one. A consumer whose own reading failed (its query not traced again) is judged on
// the lineage last read, and its reason says so. Their own signal decides only when it is their oldest. Every other asset keeps
// its own status beside its data time; containers take the oldest data time of their
// children.
//
// Building is split in two. make_layout() computes what a snapshot's shape depends on (merged
// identities, key order, the hierarchy, the lineage graph, each asset's observations); that
// changes only when a collection run changes assets, edges or observations, so the engine keeps
// one layout and every re-evaluation until the next run reuses it. build_snapshot() then only
// judges, rolls up and copies the day bars.
//
// Thread contract: pure; make_layout and build_snapshot may run on any thread, and a layout,
// immutable once made, may be shared by any number of builds at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <date/tz.h>

#include "core/clock.h"
#include "lineage/graph.h"
#include "model/asset.h"
#include "model/history.h"
#include "model/observation.h"
#include "model/policy.h"
#include "model/snapshot.h"

namespace freshwatch::engine {

// The signal of the observation a consumer is judged on: its data time.
inline constexpr std::string_view kDataTimeSignal = "data_time";

// Judges one leaf asset from the latest observation of each of its signals, as of `now`.
using Evaluator = std::function<model::Evaluation(
    const model::Asset&, std::span<const model::Observation>, core::TimePoint now)>;

using ObservationsByAsset = std::unordered_map<std::string, model::Observations>;

// The shape of the snapshots built from one set of assets, edges and observations.
struct SnapshotLayout {
  struct Node {
    model::AssetPtr asset;  // identities merged
    // Its latest observations, an alias's included under the canonical key.
    model::Observations observations;
    std::vector<std::uint32_t> children;  // sorted by name
  };
  std::vector<Node> nodes;                // the snapshot's assets, in key order
  std::vector<std::uint32_t> roots;       // nodes without a parent, by name
  std::vector<std::uint32_t> post_order;  // every node, children before parents
  std::vector<model::Edge> edges;         // canonical keys
  std::vector<std::pair<std::string, std::string>> aliases;  // Snapshot::aliases
  // The nodes' keys first, in order, then keys only edges name; empty without edges.
  lineage::Graph graph;
};

// Assets that are the same table (lineage/identity.h) are merged: the canonical asset carries
// its aliases' observations and sits in their places in the hierarchy too, edges use canonical
// keys, and the aliases let lookups by an alias key resolve. `assets` in any order; of
// duplicates by key the last one given counts. `observations` may be null.
std::shared_ptr<const SnapshotLayout> make_layout(std::span<const model::AssetPtr> assets,
                                                  std::span<const model::Edge> edges,
                                                  const ObservationsByAsset* observations);

struct SnapshotInputs {
  core::TimePoint now{};
  std::string timezone = "UTC";
  const date::time_zone* zone = nullptr;  // null: UTC
  std::uint64_t version = 0;
  int history_days = 90;
  // The layout of assets, edges and observations (make_layout); when null, build_snapshot
  // makes it from the three fields below it.
  const SnapshotLayout* layout = nullptr;
  std::span<const model::AssetPtr> assets;
  std::span<const model::Edge> edges;
  const ObservationsByAsset* observations = nullptr;
  std::span<const model::ConnectionState> connections;
  // Stored day bars (any window of days; only the days of the snapshot's window are read).
  const model::HistoryTable* history = nullptr;
  Evaluator evaluate;
};

// The snapshot of the layout's assets as of inputs.now. Once statuses are final, the leaves'
// own statuses are propagated over the lineage (the lineage library), marking impacted assets
// and naming their root causes.
model::Snapshot build_snapshot(const SnapshotInputs& inputs);

// The calendar day of `t` in `zone` (UTC when null).
date::sys_days local_day(core::TimePoint t, const date::time_zone* zone);

// "2 error, 1 warn of 12": the phrase on a container.
std::string container_reason(const model::StatusCounts& counts);

}  // namespace freshwatch::engine
