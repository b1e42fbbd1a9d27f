// Snapshot: an immutable picture of every asset's state at one moment, built by the engine after
// each collection or evaluation tick and swapped in atomically. The HTTP layer and the CLI's
// output read only snapshots, so no request touches the database on the hot path.
//
// Thread contract: once published (held through std::shared_ptr<const Snapshot>) a snapshot is
// never modified; any number of threads may read it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <date/date.h>

#include "core/clock.h"
#include "model/asset.h"
#include "model/history.h"
#include "model/observation.h"
#include "model/policy.h"
#include "model/status.h"

namespace freshwatch::model {

struct AssetState {
  AssetPtr asset;  // never null in a built snapshot
  // For a leaf, the policy's verdict; for a container, the worst of its descendants.
  Evaluation evaluation;
  // The latest observation of each signal, the deciding one first.
  Observations observations;
  // Leaf descendants per status (a leaf counts itself).
  StatusCounts counts;
  // Indexes into Snapshot::assets, sorted by name.
  std::vector<std::uint32_t> children;
  // Lineage: something upstream is at warn or error (kept apart from the asset's own status),
  // and the nearest stale upstream assets to blame.
  bool impacted = false;
  std::vector<std::string> root_causes;
  // How old the data it holds or shows is (lineage/data_time.h): the oldest of its own change
  // time and its lineage inputs' data times; empty when unknown. A container's is the oldest of
  // its children's. Consumers (is_consumer) are judged on it.
  std::optional<core::TimePoint> data_time;
  // The key of the asset whose data sets data_time (its own key when its own). When data_time
  // is unknown: the asset without one that makes it so. Empty for a container none of whose
  // children has a data time.
  std::string data_time_from;
};

// The asset of `state`, to change: copied first when it is shared, so nothing else sees the
// change. For code that builds a snapshot (tests, synthetic data); never on a published one.
Asset& own_asset(AssetState& state);

struct ConnectionState {
  std::string name;
  std::string type;
  std::optional<core::TimePoint> last_run;      // when the latest run finished
  std::optional<core::TimePoint> last_success;  // when the latest successful run finished
  std::optional<core::TimePoint> next_run;
  std::string error;                            // the latest run's error; empty when it succeeded
  std::uint32_t asset_count = 0;
  // The latest successful run's warnings (connectors::Collection::warnings: e.g. stale dbt
  // artifacts, the previous good state served); empty after a clean or a failed run.
  std::vector<std::string> warnings;
};

struct Snapshot {
  std::uint64_t version = 0;  // increases with every publication
  core::TimePoint generated_at{};
  std::string timezone = "UTC";
  date::sys_days today{};     // the last day of every history, in `timezone`
  std::vector<AssetState> assets;  // sorted by key
  std::vector<std::uint32_t> roots;  // indexes of assets without a parent (connections)
  std::vector<ConnectionState> connections;
  std::vector<Edge> edges;
  StatusCounts summary;  // leaf assets per status
  // The day bars: history_days cells per asset, oldest first, ending at `today`; asset i's at
  // [i * history_days, (i + 1) * history_days). Read them with history().
  int history_days = 0;
  std::vector<DayStatus> history_cells;
  // Keys of assets merged into another one because they are the same table (a dbt source or
  // model over a warehouse table; see lineage/identity.h): (alias key, canonical key), sorted.
  std::vector<std::pair<std::string, std::string>> aliases;

  // Binary search by key (an alias key finds its canonical asset); nullptr when absent.
  const AssetState* find(std::string_view key) const;
  // The day bars of assets[index], or of `state`, which must be one of `assets`.
  std::span<const DayStatus> history(std::size_t index) const;
  std::span<const DayStatus> history(const AssetState& state) const {
    return history(static_cast<std::size_t>(&state - assets.data()));
  }
};

}  // namespace freshwatch::model
