// The pure half of a Looker collection: from what was read (folders, dashboards, Looks, and each
// query's trace or why it failed) to freshwatch's assets, lineage edges and observations.
//
// Asset keys (<c> is the freshwatch connection's name; ids are Looker's):
//   <c>                                  the Looker instance (kind connection)
//   <c>:folder/<id>                      folders, nested as in Looker (kind folder)
//   <c>:dashboard/<id>                   dashboards in their folders (kind dashboard)
//   <c>:dashboard/<id>/tile/<element>    their tiles (kind tile); text and button tiles carry no
//                                        data and are left out
//   <c>:look/<id>                        Looks in their folders (kind look)
//   <c>:connection/<name>                a Looker connection, grouping what it reads (database)
//   <c>:table/<name>/<relation>          a table read through it (kind table, `relation` set,
//                                        so it merges with the warehouse's and dbt's table)
//   <c>:pdt/<name>/<view>                a persistent derived table, by its view (kind view,
//                                        no relation: Looker renames it on every rebuild)
// Edges run from a table (or PDT) to each tile and Look that reads it, `via` saying how:
// "view <name>" (the view, or the derived table's common table expression, that reads it),
// "explore-level", "pdt <view>".
//
// Observations (signal "looker") appear only where they say something: the error of a dashboard
// that could not be read (its tiles and their lineage are then kept as the last run knew them),
// the error of a tile or Look whose query could not be traced (its last known lineage kept), and
// notes on lineage that is not exact (explore-level, PDTs, unreadable SQL, tables no configured
// connection monitors). They carry no change time: a tile's data is as old as its tables. When
// an asset had such an observation and has nothing to say any more, one without error or note
// replaces it.
//
// Thread contract: pure functions.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "connectors/connector.h"
#include "connectors/looker/content.h"
#include "connectors/looker/lineage.h"
#include "core/result.h"

namespace freshwatch::connectors::looker {

inline constexpr std::string_view kSignal = "looker";

// One query a tile or Look reads.
struct Source {
  // The query's key in the connection's state: "query:<id>", or with the dashboard filters'
  // defaults it listens to, "query:<id>;filters:<fingerprint>".
  std::string key;
  std::string query_id;
  std::optional<QueryDef> def;                               // when the dashboard sent it
  std::vector<std::pair<std::string, std::string>> filters;  // field -> default value
};

struct Sources {
  std::vector<Source> sources;
  bool data = true;   // false for text and button tiles
  std::string error;  // a merge query that could not be read
  std::vector<std::string> notes;
};

// The queries a dashboard element reads: its query (with the defaults of the dashboard filters
// it listens to), its Look's query, or every source query of its merged results (`merges`, by
// merge_result_id).
Sources element_sources(const Dashboard& dashboard, const Element& element,
                        const std::map<std::string, Result<MergeQuery>>& merges);
Sources look_sources(const Look& look);

// Folders left out: personal folders (and the Users root) unless `include_personal`, and
// everything below a folder left out.
std::set<std::string> excluded_folders(const std::vector<Folder>& folders, bool include_personal);

// One query's outcome.
struct QueryLineage {
  std::optional<Trace> trace;
  std::string error;
};

struct Content {
  std::vector<Folder> folders;
  std::vector<DashboardSummary> dashboards;
  std::map<std::string, Result<Dashboard>> details;  // by dashboard id
  std::vector<Look> looks;
  std::map<std::string, Result<MergeQuery>> merges;  // by merge_result_id
  std::map<std::string, QueryLineage> lineage;       // by Source::key
};

struct BuildOptions {
  config::ConnectionConfig connection;
  std::string base_url;                           // links: <base_url>/dashboards/7
  std::map<std::string, std::string> warehouses;  // Looker connection -> freshwatch connection
  bool include_personal = false;
};

Collection build(const Content& content, const BuildOptions& options, core::TimePoint now,
                 const KnownCollection* known, const PreviousObservations& previous);

}  // namespace freshwatch::connectors::looker
