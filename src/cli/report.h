// Rendering a snapshot for the terminal (`check`, `demo --no-serve`): a table a person reads,
// or the documented JSON (docs/cli.md) a script reads. Pure functions of the snapshot.
//
// Thread contract: pure.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/json.h"
#include "model/selector.h"
#include "model/snapshot.h"
#include "model/status.h"

namespace freshwatch::cli {

// The assets `check` reports: leaves (tables, views, models, tiles, Looks, ...) and dashboards
// (the containers people open), matching `select` (all when empty), worst first, then by key.
std::vector<const model::AssetState*> select_leaves(const model::Snapshot& snapshot,
                                                    const std::optional<model::Selector>& select);

// True when `status` is at or above `level` in severity (fresh < unknown < warn < error).
bool at_or_above(model::Status status, model::Status level);

// Columns STATUS, ASSET, CHANGED, AGE, REASON, then a summary line and failed connections.
// `color`: ANSI colours for the status column (only on a terminal).
std::string render_table(const model::Snapshot& snapshot,
                         std::span<const model::AssetState* const> rows, bool color);

// {"generated_at", "timezone", "fail_on", "failed", "summary", "connections", "assets"}.
std::string render_json(const model::Snapshot& snapshot,
                        std::span<const model::AssetState* const> rows, model::Status fail_on,
                        bool failed);

// JSON string literals, as the report writes them.
using core::json_string;

}  // namespace freshwatch::cli
