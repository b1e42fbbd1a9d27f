// Snapshots for tests and benchmarks of the HTTP layer.
//
// finish_snapshot() fills the derived parts of a snapshot from its assets' own fields, the way
// the engine publishes them: assets sorted by key, children (sorted by name) and roots linked,
// leaf counts and container statuses rolled up, the summary counted.
// synthetic_snapshot() generates a warehouse-shaped snapshot of any size (connections →
// database → schemas of 100 tables) with a deterministic mix of statuses, 90 days of history,
// owners, tags and lineage edges.
//
// Thread contract: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/clock.h"
#include "model/snapshot.h"

namespace freshwatch::http {

void finish_snapshot(model::Snapshot& snapshot);

model::Snapshot synthetic_snapshot(std::size_t leaves, core::TimePoint now,
                                   std::uint64_t version = 1);

}  // namespace freshwatch::http
