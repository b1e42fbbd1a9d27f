// Cross-connector identity: one table is one asset. Several connections may report the same
// physical relation (a warehouse connector's table, a dbt source or model over it, another dbt
// project's source); merge_identities() maps every asset sharing a `relation` to one canonical
// asset so the table carries all their signals and sits once in the lineage graph.
//
// Rules:
//   - Only leaf assets with a non-empty model::Asset::relation take part (containers such as a
//     schema, whose relation is "db.schema", never merge). Relations compare exactly: each
//     connector normalises its own by its warehouse's case rules.
//   - The canonical asset of a group is the warehouse's own table or view when there is one,
//     else a dbt model, seed or snapshot (what builds the table), else a source, else anything
//     else, and last a table another tool only names (model::Asset::referenced: a BI query's
//     table); ties go to the smallest key. The others become its aliases.
//   - The canonical asset keeps its key, parent and connection, and takes from its aliases what
//     it lacks: owner, description, URL, its own policy (dbt's freshness thresholds); tags are
//     the union.
//   - Edges are rewritten to canonical keys, keeping their `via`; an edge that becomes a
//     self-loop is dropped and duplicates count once (the first one's `via` is kept).
//   - Each alias keeps its place in its own hierarchy: `placements` lists (alias's parent,
//     canonical key), so a dbt folder still lists the table among its children.
// Observations of an alias belong to the canonical asset (resolve() gives its key).
//
// Thread contract: merge_identities() is pure; an Identities value is immutable once built.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/asset.h"

namespace freshwatch::lineage {

struct Identities {
  // Input order, aliases left out; an asset that took something from its aliases is a new
  // value, every other one is shared with the input.
  std::vector<model::AssetPtr> assets;
  std::vector<model::Edge> edges;    // canonical keys
  std::unordered_map<std::string, std::string> canonical_of;  // alias key -> canonical key
  std::vector<std::pair<std::string, std::string>> placements;  // (alias's parent, canonical key)

  // The canonical key of `key` (itself when it is no alias).
  std::string_view resolve(std::string_view key) const;
};

Identities merge_identities(std::span<const model::AssetPtr> assets,
                            std::span<const model::Edge> edges);

}  // namespace freshwatch::lineage
