// The demo's BI layer: Looker content over the demo warehouse (folders, dashboards with their
// tiles, Looks, the saved queries behind them with the SQL Looker would generate for them, and
// usage), and an in-process stand-in of the Looker API 4.0 that answers the requests the looker
// connector makes (docs/connectors/looker.md, "What is read") from that content, so `freshwatch
// demo` shows dashboards without any network access or Looker instance.
//
// The content (plan_demo_looker) is planned from the demo tables and their ages: every query's
// SQL reads demo tables by the names the demo's SQLite connection gives them, through a Looker
// connection (dialect postgres, no database, default schema `main`) under which the connector
// resolves them to the same relations (`sales.orders`, `main.etl_runs`), so a tile's inputs are
// the warehouse's own tables. One dashboard reads the oldest finance table and is stale; the
// others read only tables loaded today.
//
// Thread contract: plan_demo_looker and demo_looker_connection are pure. DemoLookerApi::handle
// may be called from several threads at once (the server's); the DemoLookerApi owns its content
// and must outlive the server that calls it.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/demo_warehouse.h"
#include "http/api.h"
#include "model/asset.h"

namespace freshwatch::cli {

inline constexpr const char* kDemoLookerConnection = "looker";         // the freshwatch connection
inline constexpr const char* kDemoLookerWarehouse = "demo_warehouse";  // Looker's connection name
inline constexpr const char* kDemoLookerModel = "shop";
inline constexpr const char* kDemoLookerClientId = "demo-client";
inline constexpr const char* kDemoLookerClientSecret = "demo-secret";

struct DemoLookerFolder {
  std::string id, name, parent_id;
  bool personal = false;
  bool users_root = false;
};

struct DemoLookerQuery {
  std::string id;
  std::string explore;  // in model kDemoLookerModel
  std::vector<std::string> fields;
  std::string sql;                  // what GET /queries/{id}/run/sql answers
  std::vector<std::string> tables;  // the demo tables it reads, "schema.name"
};

struct DemoLookerJoin {
  std::string name, sql_on;
};

struct DemoLookerExplore {
  std::string name;
  std::string sql_table_name;  // the base view's table
  std::vector<DemoLookerJoin> joins;
};

enum class DemoTileKind { kQuery, kLook, kMerge, kText };

struct DemoLookerTile {
  std::string id, title;
  DemoTileKind kind = DemoTileKind::kQuery;
  std::string ref;  // the query id, Look id or merge id; the text of a text tile
};

struct DemoLookerDashboard {
  std::string id, title, folder_id;
  model::Usage usage;
  std::vector<DemoLookerTile> tiles;
};

struct DemoLookerLook {
  std::string id, title, folder_id, query_id;
  model::Usage usage;
};

struct DemoLookerMerge {
  std::string id;
  std::vector<std::string> query_ids;
};

struct DemoLookerContent {
  std::vector<DemoLookerFolder> folders;
  std::vector<DemoLookerDashboard> dashboards;
  std::vector<DemoLookerLook> looks;
  std::vector<DemoLookerQuery> queries;
  std::vector<DemoLookerMerge> merges;
  std::vector<DemoLookerExplore> explores;
  // GET /connections/{kDemoLookerWarehouse}.
  std::string dialect = "postgres", database, schema = "main", tmp_db_name = "looker_scratch";
  // The one stale dashboard and the old demo table that makes it so ("schema.name").
  std::string stale_dashboard_id, stale_table;
  // The dashboard nobody opened in 60 days.
  std::string unused_dashboard_id;

  const DemoLookerQuery* query(std::string_view id) const;
  const DemoLookerLook* look(std::string_view id) const;
  const DemoLookerMerge* merge(std::string_view id) const;
  const DemoLookerDashboard* dashboard(std::string_view id) const;
  const DemoLookerExplore* explore(std::string_view name) const;
  // The demo tables a dashboard's tiles read, "schema.name", sorted and distinct.
  std::vector<std::string> tables_of(const DemoLookerDashboard& dashboard) const;
};

// The demo's Looker content over `tables` (from plan_demo_tables), usage relative to
// options.now. No I/O.
DemoLookerContent plan_demo_looker(const DemoOptions& options,
                                   const std::vector<DemoTable>& tables);

// The tiles and Looks the looker connector will report for `content` (as it keys them, under
// kDemoLookerConnection; personal folders and text tiles left out), with the demo tables each
// reads, for backfill_demo_history.
std::vector<DemoConsumer> demo_looker_consumers(const DemoLookerContent& content);

// A stand-in of the Looker API 4.0 over `content`, under /api/4.0: POST /login with the form
// body client_id=kDemoLookerClientId&client_secret=kDemoLookerClientSecret gives a token (a
// wrong pair is 404, as Looker answers); every other request needs `Authorization: token <it>`
// (else 401). GET /folders, /dashboards/search and /looks/search (limit, offset, deleted),
// /dashboards/{id}, /queries/{id}, /queries/{id}/run/sql (text/plain), /merge_queries/{id},
// /lookml_models/{model}/explores/{explore}, /connections/{name}. `fields=` is ignored: whole
// objects are sent. Errors are Looker's JSON {"message", "documentation_url"}. The links the
// connector makes to the content (/dashboards/{id}, /looks/{id}, /folders/{id}) open a short
// HTML page naming it.
class DemoLookerApi {
 public:
  explicit DemoLookerApi(DemoLookerContent content);

  http::Response handle(const http::Request& request);

  const DemoLookerContent& content() const { return content_; }
  int logins() const;

 private:
  DemoLookerContent content_;
  mutable std::mutex mutex_;
  std::set<std::string> tokens_;  // GUARDED_BY(mutex_)
  int logins_ = 0;                // GUARDED_BY(mutex_)
};

// The BI layer's lines for the demo's freshwatch.yml: the looker connection, pointing at the
// stand-in on `base_url` (http://127.0.0.1:PORT), and the policy of its tiles and Looks.
DemoBiConfig demo_looker_config(std::string_view base_url);

}  // namespace freshwatch::cli
