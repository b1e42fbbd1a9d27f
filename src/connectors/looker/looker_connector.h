// The Looker connector (type `looker`): folders, dashboards, their tiles and Looks from the
// Looker API 4.0 (api.h), each tile and Look linked to exactly the tables its query reads.
//
//   - name: looker
//     type: looker
//     base_url: https://mycompany.looker.com     # the API host; /api/4.0 is added
//     client_id: ${LOOKER_CLIENT_ID}
//     client_secret: ${LOOKER_CLIENT_SECRET}
//     warehouses: {snowflake_prod: snowflake}    # Looker connection -> freshwatch connection
//
// One run (docs/connectors/looker.md has the costs):
//   1. GET /folders (the whole tree), GET /dashboards/search and GET /looks/search (paged with
//      limit/offset, soft-deleted content left out), every request asking only for the
//      `fields=` it reads.
//   2. GET /dashboards/{id} per dashboard (elements, filters), `concurrency` at a time.
//   3. Per distinct merged result GET /merge_queries/{id}; per query whose explore is not known
//      GET /queries/{id}; per explore GET /lookml_models/{m}/explores/{e}; per Looker connection
//      GET /connections/{name}.
//   4. Per distinct query not traced before (or whose explore changed, or traced longer than
//      `retrace_after` ago): GET /queries/{id}/run/sql, or POST /queries/run/sql with the
//      defaults of the dashboard filters the tile listens to; the SQL is read by
//      tables_in_sql(). A 403 (no see_sql) falls back to explore-level lineage for that model.
// Traces are kept in the connection's state ("query:<id>" → CachedTrace JSON, "merge:<id>" →
// its source queries), so later runs over unchanged content ask for no SQL at all.
//
// Failures: refused credentials, or folders and the dashboard and Look lists that cannot be
// read, fail the run. One dashboard that cannot be read (500, 429 after the retries, a
// timeout) is reported as an error on it and keeps its last known tiles and lineage; a query
// that cannot be traced is an error on its tiles and Looks, which keep their last known
// lineage. Nothing is taken for deleted because it could not be read.
//
// Thread contract: collect() is called by one thread at a time; it runs up to `concurrency`
// worker threads and joins them before returning. A stop request aborts the requests in flight
// and returns kCancelled.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "connectors/connector.h"
#include "connectors/looker/lineage.h"
#include "core/result.h"
#include "net/sleeper.h"

namespace freshwatch::connectors {

namespace looker {

struct LookerOptions {
  std::string base_url;  // no trailing slash, no /api/4.0
  std::string client_id;
  std::string client_secret;
  std::string ca_file;
  std::map<std::string, std::string> warehouses;  // Looker connection -> freshwatch connection
  bool include_personal = false;
  int concurrency = 8;
  core::Duration retrace_after = std::chrono::hours(24);
};

// What tests tune.
struct Tuning {
  net::Sleeper sleeper;                          // waits between retries; default: real_sleeper()
  int page_size = 100;                           // search_dashboards / search_looks
  std::chrono::milliseconds request_timeout{0};  // 0: the connection's timeout, at most 60 s
  int max_attempts = 4;
  core::Duration retry_base = std::chrono::milliseconds(500);
  core::Duration retry_cap = std::chrono::seconds(30);
};

Result<std::unique_ptr<Connector>> make_connector(const config::ConnectionConfig& connection,
                                                  const LookerOptions& options, Tuning tuning = {});

}  // namespace looker

// Registers the type "looker".
void register_looker();

}  // namespace freshwatch::connectors
