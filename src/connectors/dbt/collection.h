// From parsed dbt artifacts to a connector Collection: assets, lineage edges and observations.
// Pure (no I/O, no clock), so every rule here is tested on fixtures.
//
// Assets and keys (the connection is called `dbt` in these examples):
//   dbt                                        connection
//   dbt:jaffle_shop                            project (metadata.project_name; for manifests
//                                              before v10, the package no other package uses)
//   dbt:jaffle_shop/dbt_utils                  package (the project's own package too)
//   dbt:jaffle_shop/jaffle_shop/models/staging folder, one per directory of original_file_path
//   dbt:model.jaffle_shop.stg_orders           a node: "<connection>:<dbt unique_id>"
// Nodes are sources, models, seeds, snapshots and exposures (kinds source, model, seed,
// snapshot, exposure), with description, tags, owner (an exposure's owner.name or owner.email,
// otherwise meta.owner; the connection's owner when neither), an exposure's URL, and `relation`
// = database.schema.identifier normalised by connectors/identifiers.h (empty for ephemeral
// models and exposures), which lets lineage/identity.h merge a node with the warehouse's table.
//
// Edges: depends_on.nodes between tracked nodes (source → model → … → exposure).
//
// Observations:
//   dbt_source_freshness  a source's (or, with dbt 2's freshness.json, a model's) result:
//                         changed_at = max_loaded_at, observed_at = snapshotted_at; the dbt
//                         status and thresholds in the evidence; a runtime error is the
//                         observation's error.
//   dbt_run               a model's, seed's or snapshot's last successful run in
//                         run_results.json: changed_at = the latest timing completed_at. When
//                         the latest run did not succeed, the previous dbt_run observation's
//                         changed_at is kept (the data is as old as the last success) and the
//                         evidence says the run failed.
//   dbt_upstream          an exposure's: the oldest change among its direct inputs' signals.
//
// Own policy: a source's warn_after / error_after (from the manifest, or the freshness result's
// criteria) become model::Asset::policy, a ThresholdRule with origin "dbt: <file>", which the
// engine uses unless a configured policy selects the asset.
//
// Consistency (see Problems): results naming nodes the manifest does not have are ignored with
// a warning (a run_results.json or sources.json left from another project); edges to parents
// that are not in the manifest are dropped and reported; cycles are reported.
//
// Thread contract: pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.h"
#include "connectors/dbt/artifacts.h"

namespace freshwatch::connectors::dbt {

struct Artifacts {
  Manifest manifest;
  std::optional<RunResults> run_results;
  std::optional<FreshnessResults> sources;    // sources.json
  std::optional<FreshnessResults> freshness;  // dbt 2's freshness.json
};

struct BuildOptions {
  std::string connection;  // the connection's name: the prefix of every key
  std::string owner;       // the connection's owner, for nodes without their own
  std::vector<std::string> tags;  // added to every node's
  core::TimePoint now{};   // observed_at when an artifact carries no time of its own
  const PreviousObservations* previous = nullptr;
};

struct Built {
  Collection collection;
  // Inconsistencies that mean the manifest is not one dbt would write (a dependency cycle, a
  // parent that is not in the manifest). The connector keeps its last good state when there are
  // any; each is also in collection.warnings.
  std::vector<std::string> problems;
};

Built build_collection(const Artifacts& artifacts, const BuildOptions& options);

// The project's name: metadata.project_name; for older manifests the package with the shortest
// root_path (installed packages live below the root project's folder), else the package no
// other package's nodes depend on (the most nodes wins a tie), else "dbt".
std::string project_name(const Manifest& manifest);

}  // namespace freshwatch::connectors::dbt
