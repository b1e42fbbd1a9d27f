// Asset: anything whose freshness freshwatch tracks or groups: a warehouse table, a schema,
// a dbt model, a BI dashboard. Assets form a hierarchy through `parent` (connection → database
// → schema → table; project → package → folder → model; folder → dashboard → tile); lineage
// between assets is a separate graph of Edges.
//
// Keys are stable across runs and unique: "<connection>:<qualified name>", for example
// "warehouse:analytics.public.orders". A connection's own asset has the bare connection name.
//
// Thread contract: plain values.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "model/policy.h"

namespace freshwatch::model {

enum class AssetKind {
  kConnection,
  kDatabase,
  kSchema,
  kTable,
  kView,
  kProject,   // dbt project
  kPackage,   // dbt package
  kFolder,    // dbt or BI folder
  kSource,    // dbt source
  kModel,     // dbt model
  kSeed,      // dbt seed
  kSnapshot,  // dbt snapshot
  kExposure,  // dbt exposure
  kDashboard,  // BI dashboard; groups its tiles
  kTile,       // one element of a dashboard
  kLook,       // a saved Looker query (a "Look"), in its folder
};

std::string_view to_string(AssetKind kind);
std::optional<AssetKind> parse_asset_kind(std::string_view text);

// True for kinds that only group others (their status is the worst of their children).
bool is_container(AssetKind kind);

// True for kinds that show data rather than hold it (a BI tile, a Look, a dbt exposure): they
// are judged on how old the data flowing into them is, their data time.
bool is_consumer(AssetKind kind);

// True for kinds whose usage people read (dashboards and Looks); the API and `check --format
// json` show theirs, null fields when the BI tool said nothing.
bool has_usage(AssetKind kind);

// When people last looked at a BI asset (a dashboard, a Look) and how often: usage, shown
// beside freshness and never mixed into it.
struct Usage {
  std::optional<core::TimePoint> last_accessed_at;
  std::optional<core::TimePoint> last_viewed_at;
  std::optional<std::int64_t> view_count;

  bool operator==(const Usage&) const = default;
};

struct Asset {
  std::string key;         // "warehouse:analytics.public.orders"
  std::string name;        // display name, "orders"
  AssetKind kind = AssetKind::kTable;
  std::string parent;      // key of the parent; empty for a connection
  std::string connection;  // name of the connection that reported it
  std::string owner;
  std::vector<std::string> tags;
  std::string description;
  std::string url;
  // Where the data physically lives, normalised by the adapter's identifier rules
  // ("analytics.public.orders"), so the same table reported by several connectors (a warehouse
  // and dbt) can be recognised as one. Empty when the asset is not a physical relation.
  std::string relation;
  // Only named by another tool (a table in a BI query's SQL), not read from its warehouse: in
  // identity merging (lineage/identity.h) it gives way to every other asset of its relation.
  bool referenced = false;
  // The policy the asset's own source declares (dbt's warn_after / error_after on a source),
  // used when no configured policy selects the asset (policy::PolicySet::for_asset). Empty for
  // most assets.
  std::optional<Policy> policy;
  // Dashboards and Looks: as the BI tool reports it. Empty for everything else.
  std::optional<Usage> usage;

  bool operator==(const Asset&) const = default;
};

// An asset as snapshots and the engine share it: assets change only with a collection run, so
// every snapshot between two runs points at the same values.
using AssetPtr = std::shared_ptr<const Asset>;

// Each of `assets` as a shared value, in order.
std::vector<AssetPtr> share_assets(std::vector<Asset> assets);

// "<connection>:<qualified>", or the bare connection name when `qualified` is empty.
std::string make_key(std::string_view connection, std::string_view qualified);

// The connection part of a key ("warehouse" for "warehouse:analytics.public.orders").
std::string_view key_connection(std::string_view key);

// A lineage edge: data flows from `upstream` into `downstream`.
struct Edge {
  std::string upstream;
  std::string downstream;
  // How the link is known, when the connector can say: "view orders" (a Looker view between a
  // tile and its table), "explore-level" (every table of the tile's explore). Empty otherwise.
  std::string via;

  bool operator==(const Edge&) const = default;
};

}  // namespace freshwatch::model
