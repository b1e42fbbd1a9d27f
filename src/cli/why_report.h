// `freshwatch why KEY`: an asset's verdict and data time, then the path from it up to each of its
// root causes (lineage::root_paths), with each hop's status, age and kind and how each link is
// known (model::Edge::via), as text. Pure over a snapshot, so it is tested without a warehouse.
//
// Thread contract: pure function.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "model/snapshot.h"

namespace freshwatch::cli {

// kNotFound when the snapshot has no asset `key` (an alias key resolves to its table).
Result<std::string> render_why(const model::Snapshot& snapshot, std::string_view key, bool color);

}  // namespace freshwatch::cli
