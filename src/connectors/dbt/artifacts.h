// dbt artifacts as plain values, and pure parsers for them: manifest.json (schema v1–v12),
// run_results.json (v1–v6), sources.json (v1–v3) and dbt 2's freshness.json (v0). The parsers
// take the file's text and never touch the file system, so they are tested on fixtures; the
// connector (dbt_connector.h) is a thin reader around them.
//
// What is read: only what freshwatch uses (identity, place in the project, relation, owner,
// description, tags, URL, dependencies, freshness thresholds; results' status and times).
// Everything else (SQL, columns, macros, docs, tests' details) is skipped without being copied.
//
// How: simdjson On-Demand, one forward pass over the text and no DOM of the file. Each object's
// fields are visited once, in document order, and dispatched on their key, so keys may come in
// any order (and a repeated key is read again, the last one winning, as before). simdjson's
// first stage checks the whole text (UTF-8, strings closed, brackets balanced, nothing after the
// top-level object); a value that is skipped is not checked further, so a malformed number or
// literal inside, say, a column's meta goes unnoticed, while in a value that is read it makes
// the value absent or the file invalid.
//
// Versions: the schema version comes from metadata.dbt_schema_version
// ("https://schemas.getdbt.com/dbt/manifest/v12.json"). A newer version than the ones listed
// is read as far as it is understood and adds a warning; a file of the wrong kind (a
// run_results.json given as the manifest) is an error. Fields of an unexpected type are treated
// as absent, so a file that is valid JSON never fails on a detail; invalid or truncated JSON
// is an ErrorCode::kParse error naming the file, what simdjson could not read and at which byte
// ("manifest.json is not valid JSON (...; at byte 66 of 80); is the file complete?").
//
// Thread contract: pure functions over their arguments; the results are plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace freshwatch::connectors::dbt {

// The newest schema version of each artifact that this reader knows in full.
inline constexpr int kManifestVersion = 12;
inline constexpr int kRunResultsVersion = 6;
inline constexpr int kSourcesVersion = 3;
inline constexpr int kFreshnessVersion = 0;

struct Metadata {
  std::string schema_kind;  // "manifest", "run-results", "sources", "freshness"
  int schema_version = -1;  // -1 when metadata.dbt_schema_version is absent or unreadable
  std::string dbt_version;
  std::string generated_at;  // as written
  std::string invocation_id;
  std::string project_name;  // manifest v10+; empty before
  std::string adapter_type;  // manifest: "postgres", "snowflake", ...
  // manifest v12: the project's quoting defaults; empty when not written.
  std::optional<bool> quote_database, quote_schema, quote_identifier;
};

// A freshness criterion ("warn_after: {count: 12, period: hour}"); empty when not set.
struct FreshnessCriteria {
  std::optional<core::Duration> warn_after;
  std::optional<core::Duration> error_after;
  std::string filter;
  bool empty() const { return !warn_after && !error_after; }
  bool operator==(const FreshnessCriteria&) const = default;
};

enum class ResourceType { kModel, kSeed, kSnapshot, kSource, kExposure };
std::string_view to_string(ResourceType type);

// A manifest node freshwatch tracks: a model, seed, snapshot, source or exposure. Tests,
// analyses, operations, macros, metrics and the rest are skipped.
struct Node {
  std::string unique_id;  // "model.jaffle_shop.stg_orders"
  ResourceType type = ResourceType::kModel;
  std::string package_name;
  std::string name;
  std::string original_file_path;  // "models/staging/stg_orders.sql"
  std::string root_path;           // manifests before v10: the package's folder on disk
  std::string database, schema, identifier;  // identifier: a node's alias, a source's identifier
  // Per-part quoting when the node says (sources' `quoting`, nodes' config.quoting).
  std::optional<bool> quote_database, quote_schema, quote_identifier;
  std::string materialized;  // config.materialized: "table", "view", "ephemeral", ...
  std::string description;
  std::vector<std::string> tags;
  std::string owner;  // exposures: owner.name or owner.email; others: meta.owner
  std::string url;    // exposures
  std::string label;  // exposures
  std::string source_name;      // sources
  std::string loaded_at_field;  // sources
  FreshnessCriteria freshness;  // sources
  std::vector<std::string> depends_on;  // depends_on.nodes (unique ids)
};

struct Manifest {
  Metadata metadata;
  std::vector<Node> nodes;       // in file order: nodes, then sources, then exposures
  std::size_t skipped_nodes = 0; // tests, analyses, operations, ... that were not kept
  std::vector<std::string> warnings;
};

// One entry of run_results.json.
struct RunResult {
  std::string unique_id;
  std::string status;  // "success", "error", "skipped", "pass", "fail", "warn", ...
  std::optional<core::TimePoint> started_at;    // earliest timing[].started_at
  std::optional<core::TimePoint> completed_at;  // latest timing[].completed_at
  double execution_time = 0;
  std::string message;
};

struct RunResults {
  Metadata metadata;
  std::vector<RunResult> results;
  std::vector<std::string> warnings;
};

// One entry of sources.json (or freshness.json).
struct FreshnessResult {
  std::string unique_id;
  std::string resource_type;  // freshness.json: "source" or "model"; sources.json: empty
  std::string status;         // lower-cased: "pass", "warn", "error", "runtime error"
  std::optional<core::TimePoint> max_loaded_at;
  std::optional<core::TimePoint> snapshotted_at;
  std::optional<double> age_seconds;  // max_loaded_at_time_ago_in_s
  FreshnessCriteria criteria;
  std::string error;  // a runtime error's message
};

struct FreshnessResults {
  Metadata metadata;
  std::vector<FreshnessResult> results;
  std::vector<std::string> warnings;
};

Result<Manifest> parse_manifest(std::string_view json);
Result<RunResults> parse_run_results(std::string_view json);
// sources.json v1–v3 and freshness.json v0 (the same shape).
Result<FreshnessResults> parse_freshness(std::string_view json);

// The same, for text that already has simdjson's padding (kJsonPadding bytes readable past
// `json.size()`), as files read by the connector do; saves one copy of a large manifest.
inline constexpr std::size_t kJsonPadding = 64;
// `read_past`, when given, is told as the parse moves on how many bytes from the text's start it
// will not read again, so a caller that owns the text can give that memory back while the nodes
// are built (ArtifactText::release_front); it may be called many times, with growing counts.
using ReadPast = std::function<void(std::size_t bytes)>;
Result<Manifest> parse_manifest_padded(std::string_view json, const ReadPast& read_past = {});
Result<RunResults> parse_run_results_padded(std::string_view json);
Result<FreshnessResults> parse_freshness_padded(std::string_view json);

// "https://schemas.getdbt.com/dbt/manifest/v12.json" -> {"manifest", 12}.
std::optional<std::pair<std::string, int>> parse_schema_url(std::string_view url);

// 12 hours for {count: 12, period: "hour"}; empty for a null count or an unknown period.
std::optional<core::Duration> criterion_duration(std::optional<std::int64_t> count,
                                                 std::string_view period);

}  // namespace freshwatch::connectors::dbt
